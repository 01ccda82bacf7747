"""tf.layers (TF 1.15's legacy layers: variables through tf.get_variable in per-layer variable scopes)."""
