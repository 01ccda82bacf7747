"""TF1 summaries (tf.summary): summary ops, event files (through tensorboardX), summary_iterator."""
