"""tf.contrib.seq2seq pieces (TF 1.15)."""
