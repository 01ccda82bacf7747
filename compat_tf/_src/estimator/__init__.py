"""tf.estimator's implementation (see compat_tf/estimator/ for the public names)."""
