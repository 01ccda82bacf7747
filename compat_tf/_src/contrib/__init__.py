"""tf.contrib pieces legacy TF1 programs use (TF 1.15): arg_scope, the contrib.framework variable
helpers, TF-Slim's extra layers, contrib.losses, slim.learning, ... (public names in compat_tf/contrib)."""
