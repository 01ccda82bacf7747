"""A few of tf.data.experimental's transformations (TF 1.15), built from Dataset methods."""
from compat_tf._src.data import dataset_ops
from compat_tf._src.data.dataset_ops import AUTOTUNE  # noqa: F401
from compat_tf._src.data.csv_dataset import make_csv_dataset  # noqa: F401


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    """Dataset.apply(shuffle_and_repeat(...)): shuffle then repeat, reshuffling each epoch."""
    def apply(ds):
        return ds.shuffle(buffer_size, seed=seed).repeat(count)
    return apply


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                  num_parallel_calls=None):
    """Dataset.apply(map_and_batch(...)): map then batch."""
    def apply(ds):
        return ds.map(map_func).batch(batch_size, drop_remainder=drop_remainder)
    return apply


def unbatch():
    def apply(ds):
        return ds.unbatch()
    return apply


def parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False, buffer_output_elements=None,
                        prefetch_input_elements=None):
    """Dataset.apply(parallel_interleave(...)): a deterministic interleave (as sloppy=False)."""
    def apply(ds):
        return ds.interleave(map_func, cycle_length=cycle_length, block_length=block_length)
    return apply


def ignore_errors():
    raise NotImplementedError("tf.data.experimental.ignore_errors is not supported by compat_tf")


Options = dataset_ops.Options
