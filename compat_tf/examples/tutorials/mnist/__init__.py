"""tensorflow.examples.tutorials.mnist: `input_data.read_data_sets` and the tutorial model `mnist`."""
from compat_tf.examples.tutorials.mnist import input_data  # noqa: F401
from compat_tf.examples.tutorials.mnist import mnist  # noqa: F401
