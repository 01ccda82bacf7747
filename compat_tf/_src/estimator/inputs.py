"""tf.estimator.inputs: numpy_input_fn / pandas_input_fn (TF 1.15's estimator/inputs/).

TF1 feeds these through queues; here they build a tf.data pipeline and return the iterator's
(features, labels) tensors, so the end of the data raises OutOfRangeError just the same. Shuffled
order differs from TF1's RandomShuffleQueue (same multiset of examples per epoch).
"""
import collections

import numpy as np


def _tf():
    import compat_tf
    return compat_tf


def _as_dict(v, what):
    if isinstance(v, dict):
        if not v:
            raise ValueError(f"{what} cannot be an empty dict")
        return collections.OrderedDict((k, np.asarray(a)) for k, a in v.items()), True
    return {"__" + what: np.asarray(v)}, False


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000, num_threads=1):
    """An input_fn giving batches of `x` (a dict of arrays, or one array) and `y` (array, dict or None).

    num_epochs=None repeats forever; the last batch of the data may be smaller (TF1's dequeue_up_to).
    """
    if not isinstance(shuffle, bool):
        raise ValueError(f"shuffle must be provided and explicitly set as boolean (it is recommended to set it "
                         f"as True for training); got {shuffle}")
    if num_epochs is not None and num_epochs <= 0:
        raise ValueError(f"num_epochs must be > 0 or None; got {num_epochs}")
    xs, x_is_dict = _as_dict(x, "x")
    n = None
    for k, a in xs.items():
        if a.ndim == 0:
            raise ValueError(f"x[{k!r}] must have a batch dimension")
        if n is None:
            n = len(a)
        elif len(a) != n:
            raise ValueError(f"Length of tensors in x and y is mismatched. All elements in x and y must have the "
                             f"same length: {n} vs {len(a)} for {k!r}")
    if y is not None:
        ys, y_is_dict = _as_dict(y, "y")
        if x_is_dict and y_is_dict and set(xs) & set(ys):
            raise ValueError(f"{sorted(set(xs) & set(ys))} duplicate keys are found in both x and y")
        for k, a in ys.items():
            if len(a) != n:
                raise ValueError(f"Length of tensors in x and y is mismatched. All elements in x and y must have "
                                 f"the same length: {n} vs {len(a)}")

    def input_fn():
        tf = _tf()
        arrays = {"x": dict(xs)}
        if y is not None:
            arrays["y"] = dict(ys)
        ds = tf.data.Dataset.from_tensor_slices(arrays)
        if shuffle:
            ds = ds.shuffle(max(1, min(queue_capacity, n)))
        ds = ds.repeat(num_epochs).batch(batch_size)
        batch = ds.make_one_shot_iterator().get_next()
        features = batch["x"] if x_is_dict else batch["x"]["__x"]
        if y is None:
            return features
        labels = batch["y"] if y_is_dict else batch["y"]["__y"]
        return features, labels

    return input_fn


def pandas_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000, num_threads=1,
                    target_column="target"):
    """An input_fn over a pandas DataFrame `x` (columns become features) and Series `y`."""
    try:
        import pandas as pd
    except ImportError:
        raise NotImplementedError("tf.estimator.inputs.pandas_input_fn needs pandas, which is not installed") \
            from None
    if not isinstance(x, pd.DataFrame):
        raise TypeError(f"x must be a pandas DataFrame; got {type(x)}")
    if y is not None:
        if target_column in x:
            raise ValueError(f"Cannot use name {target_column} for target column: DataFrame already has a column "
                             "with that name")
        if not np.array_equal(x.index, y.index):
            raise ValueError(f"Index for x and y are mismatched.\nIndex for x: {x.index}\nIndex for y: {y.index}\n")
        y = y.values if isinstance(y, pd.Series) else {k: y[k].values for k in y.columns}
    return numpy_input_fn({k: x[k].values for k in x.columns}, y, batch_size=batch_size, num_epochs=num_epochs,
                          shuffle=shuffle, queue_capacity=queue_capacity, num_threads=num_threads)
