"""tf.contrib.data (TF 1.15): the tf.data.experimental transformations under their contrib names,
plus batch_and_drop_remainder / padded_batch_and_drop_remainder / sloppy_interleave."""
from compat_tf._src.data.experimental import (  # noqa: F401
    AUTOTUNE, Counter, bucket_by_sequence_length, choose_from_datasets, enumerate_dataset, group_by_window,
    map_and_batch, parallel_interleave, sample_from_datasets, shuffle_and_repeat, unbatch)
from compat_tf._src.data.interleave_ops import (  # noqa: F401
    batch_and_drop_remainder, padded_batch_and_drop_remainder, sloppy_interleave)
from compat_tf._src.data.csv_dataset import make_csv_dataset  # noqa: F401
from compat_tf._src.data.iterator_saveable import (  # noqa: F401
    CheckpointInputPipelineHook, make_saveable_from_iterator)
from compat_tf._src.data.readers import TFRecordDataset  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.data")
