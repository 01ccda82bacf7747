"""A few of tf.data.experimental's transformations (TF 1.15), built from Dataset methods."""
from compat_tf._src.data import dataset_ops
from compat_tf._src.data.dataset_ops import AUTOTUNE  # noqa: F401
from compat_tf._src.data.csv_dataset import make_csv_dataset  # noqa: F401
from compat_tf._src.data.grouping import bucket_by_sequence_length, group_by_window  # noqa: F401
from compat_tf._src.data.interleave_ops import (  # noqa: F401
    Counter, choose_from_datasets, enumerate_dataset, sample_from_datasets)


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
    """Dataset.apply(ignore_errors()): drops the elements whose computation failed (TF1's
    IgnoreErrorsDataset); a reader retrying a file it cannot open is not an end, as in TF1."""
    def apply(ds):
        return dataset_ops.IgnoreErrorsDataset(ds)
    return apply


Options = dataset_ops.Options
