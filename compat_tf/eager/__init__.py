"""tensorflow.python.eager: the eager-mode modules TF1 programs import directly (context, backprop,
function); re-exports from compat_tf._src.eager."""
