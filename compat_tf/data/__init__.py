"""tf.data (TF 1.15, compat.v1 flavour): Dataset, Iterator and the file readers, for graphs.

See compat_tf/_src/data/ for how pipelines run (host generators behind an
IteratorGetNext host op; user functions traced once and run as jitted plans).
"""
from compat_tf._src.data.dataset_ops import AUTOTUNE, DatasetV1, Options  # noqa: F401
from compat_tf._src.data.iterator_ops import (  # noqa: F401
    Iterator, get_output_classes, get_output_shapes, get_output_types, make_initializable_iterator,
    make_one_shot_iterator)
from compat_tf._src.data.readers import (  # noqa: F401
    FixedLengthRecordDataset, TFRecordDataset, TextLineDataset)

from compat_tf.data import experimental  # noqa: E402,F401

Dataset = DatasetV1
