"""tf.distributions / tf.contrib.distributions (TF 1.15): probability distributions as graph ops."""
