"""tf.contrib.learn.datasets.mnist: the tutorials' MNIST reader (same as
tensorflow.examples.tutorials.mnist.input_data)."""
from compat_tf.examples.tutorials.mnist.input_data import (  # noqa: F401
    DataSet, dense_to_one_hot, extract_images, extract_labels, read_data_sets)
