"""Random SparseTensors and their dense NumPy equivalents for the tf.sparse tests."""
import numpy as np


def random_sparse(rs, shape, density=0.4, dtype=np.float32, shuffle=False):
    """(indices [N, rank] int64 in canonical order unless `shuffle`, values [N], dense ndarray)."""
    dense = np.zeros(shape, dtype)
    mask = rs.uniform(size=shape) < density
    dense[mask] = rs.uniform(-3, 3, size=int(mask.sum())).round(2).astype(dtype)
    dense[mask & (dense == 0)] = 1
    indices = np.argwhere(mask).astype(np.int64)
    values = dense[mask]
    if shuffle:
        perm = rs.permutation(len(indices))
        indices, values = indices[perm], values[perm]
    return indices, values, dense


def to_dense(sp_value):
    out = np.zeros(sp_value.dense_shape, np.asarray(sp_value.values).dtype)
    for i, v in zip(sp_value.indices, sp_value.values):
        out[tuple(i)] += v
    return out


def assert_canonical(indices):
    rows = [tuple(r) for r in np.asarray(indices).tolist()]
    assert rows == sorted(rows) and len(set(rows)) == len(rows), rows


def sparse_value(indices, values, shape):
    """A tf.SparseTensorValue of int64 indices and dense shape (to feed a sparse placeholder)."""
    import compat_tf as tf
    return tf.SparseTensorValue(np.asarray(indices, np.int64), np.asarray(values), np.asarray(shape, np.int64))
