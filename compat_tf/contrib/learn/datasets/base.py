"""tf.contrib.learn.datasets.base: the CSV loaders and the Dataset/Datasets tuples."""
from compat_tf._src.contrib.learn.datasets import (  # noqa: F401
    Dataset, Datasets, load_csv_with_header, load_csv_without_header)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.learn.datasets.base")
