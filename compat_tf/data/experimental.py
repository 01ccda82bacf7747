"""tf.data.experimental (TF 1.15 compat.v1): transformations, sources, options (compat_tf._src.data)."""
from compat_tf._src.data.cardinality import (  # noqa: F401
    INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, assert_cardinality, cardinality)
from compat_tf._src.data.csv_dataset import CsvDataset, make_csv_dataset  # noqa: F401
from compat_tf._src.data.dataset_ops import AUTOTUNE  # noqa: F401
from compat_tf._src.data.experimental import (  # noqa: F401
    SHARD_HINT, copy_to_device, enable_debug_mode, from_list, get_structure, ignore_errors, map_and_batch,
    map_and_batch_with_legacy_function, pad_to_cardinality, parallel_interleave, prefetch_to_device,
    shuffle_and_repeat, unbatch)
from compat_tf._src.data.grouping import (  # noqa: F401
    Reducer, bucket_by_sequence_length, group_by_reducer, group_by_window)
from compat_tf._src.data.interleave_ops import (  # noqa: F401
    Counter, RandomDataset, choose_from_datasets, enumerate_dataset, sample_from_datasets)
from compat_tf._src.data.options import (  # noqa: F401
    AutoShardPolicy, AutotuneAlgorithm, AutotuneOptions, DistributeOptions, ExternalStatePolicy, OptimizationOptions,
    Options, ServiceOptions, ThreadingOptions)
from compat_tf._src.data.iterator_saveable import (  # noqa: F401
    CheckpointInputPipelineHook, make_saveable_from_iterator)
from compat_tf._src.data.lookup_ops import (  # noqa: F401
    DatasetInitializer, index_table_from_dataset, table_from_dataset)
from compat_tf._src.data.optional_ops import Optional, OptionalStructure, get_next_as_optional  # noqa: F401
from compat_tf._src.data.parsing import make_batched_features_dataset, parse_example_dataset  # noqa: F401
from compat_tf._src.data.resampling import rejection_resample  # noqa: F401
from compat_tf._src.data.scan_ops import scan, take_while, unique  # noqa: F401
from compat_tf._src.data.single_element import get_single_element  # noqa: F401
from compat_tf._src.data.snapshot import snapshot  # noqa: F401
from compat_tf._src.data.sql_dataset import SqlDataset  # noqa: F401
from compat_tf._src.data.type_structures import (  # noqa: F401
    DatasetStructure, RaggedTensorStructure, SparseTensorStructure, Structure, TensorArrayStructure, TensorStructure)
from compat_tf._src.data.writers import TFRecordWriter  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.data.experimental")
