"""tf.contrib.learn.datasets (TF 1.15): the CSV loaders of the Iris/Boston tutorials and MNIST.

load_csv_with_header reads TF's tutorial CSV layout: a header row whose first two fields are the
number of samples and of features, then one row per sample with the target in `target_column`.
"""
import collections
import csv

import numpy as np

__all__ = ["Dataset", "Datasets", "load_csv_with_header", "load_csv_without_header"]

Dataset = collections.namedtuple("Dataset", ["data", "target"])
Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])


def load_csv_with_header(filename, target_dtype, features_dtype, target_column=-1):
    from compat_tf._src.platform import gfile
    with gfile.GFile(filename, "r") as f:
        rows = csv.reader(f)
        header = next(rows)
        n_samples, n_features = int(header[0]), int(header[1])
        data = np.zeros((n_samples, n_features), dtype=features_dtype)
        target = np.zeros((n_samples,), dtype=target_dtype)
        for i, row in enumerate(rows):
            target[i] = np.asarray(row.pop(target_column), dtype=target_dtype)
            data[i] = np.asarray(row, dtype=features_dtype)
    return Dataset(data=data, target=target)


def load_csv_without_header(filename, target_dtype, features_dtype, target_column=-1):
    from compat_tf._src.platform import gfile
    with gfile.GFile(filename, "r") as f:
        rows = [row for row in csv.reader(f)]
    target = np.array([row.pop(target_column) for row in rows]).astype(target_dtype)
    data = np.array(rows).astype(features_dtype)
    return Dataset(data=data, target=target)
