"""tf.data.experimental.parse_example_dataset / make_batched_features_dataset (TF 1.15 parsing_ops.py,
readers.py).

parse_example_dataset: a dataset of string vectors (serialized tf.train.Example batches) becomes a
dataset of feature dicts, as `tf.parse_example` parses each batch (TF's ParseExampleDataset).
make_batched_features_dataset: TF's pipeline - list_files (shuffled unless shuffle=False), the
reader over each file (TFRecordDataset by default), shuffle and repeat, batch (the last partial batch
dropped when num_epochs is None or drop_final_batch), parse_example_dataset, then the label popped
out of the features when `label_key` is given.

Deviation: VarLenFeature / SparseFeature give SparseTensors, which compat_tf's datasets cannot
carry: they raise NotImplementedError (use FixedLenFeature / FixedLenSequenceFeature).
"""
from compat_tf._src.data import structure
from compat_tf._src.data.dataset_ops import AUTOTUNE, DatasetV1
from compat_tf._src.framework import dtypes as _dtypes

__all__ = ["make_batched_features_dataset", "parse_example_dataset"]


def _check_features(features):
    from compat_tf._src.ops import parsing_ops
    if features is None:
        raise ValueError(f"Missing: features was {features}.")
    for key, feature in features.items():
        if not isinstance(feature, (parsing_ops.FixedLenFeature, parsing_ops.FixedLenSequenceFeature)):
            raise NotImplementedError(
                f"tf.data.experimental.parse_example_dataset: feature {key!r} is a {type(feature).__name__}, "
                "which parses to a SparseTensor; compat_tf datasets carry dense tensors only (use "
                "FixedLenFeature or FixedLenSequenceFeature)")


def parse_example_dataset(features, num_parallel_calls=1):
    """Dataset.apply(parse_example_dataset(features)): see the module docstring."""
    from compat_tf._src.ops import parsing_ops
    _check_features(features)

    def apply(dataset):
        spec = dataset._spec
        if not (isinstance(spec, structure.Spec) and spec.dtype == _dtypes.string and
                spec.shape.is_compatible_with([None])):
            raise TypeError("Input dataset should be a dataset of vectors of strings")
        return dataset.map(lambda serialized: parsing_ops.parse_example(serialized, features))
    return apply


def make_batched_features_dataset(file_pattern, batch_size, features, reader=None, label_key=None,
                                  reader_args=None, num_epochs=None, shuffle=True, shuffle_buffer_size=10000,
                                  shuffle_seed=None, prefetch_buffer_size=AUTOTUNE, reader_num_threads=1,
                                  parser_num_threads=2, sloppy_ordering=False, drop_final_batch=False):
    """Batches of parsed tf.train.Example features (and labels) from files: see the module docstring."""
    _check_features(features)
    if label_key is not None and label_key not in features:
        raise ValueError(f"The `label_key` provided ({label_key!r}) must be one of the `features` keys.")
    if reader is None:
        from compat_tf._src.data.readers import TFRecordDataset as reader
    reader_args = list(reader_args or [])
    dataset = DatasetV1.list_files(file_pattern, shuffle=shuffle, seed=shuffle_seed)
    dataset = dataset.interleave(lambda filename: reader(filename, *reader_args),
                                 cycle_length=reader_num_threads or 1)
    if structure.flatten(dataset.output_types) == [_dtypes.string, _dtypes.string]:
        dataset = dataset.map(lambda _, v: v)       # (key, value) records from a reader
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=drop_final_batch or num_epochs is None)
    dataset = dataset.apply(parse_example_dataset(features, parser_num_threads))
    if label_key is not None:
        def split(parsed):
            parsed = dict(parsed)
            label = parsed.pop(label_key)
            return parsed, label
        dataset = dataset.map(split)
    return dataset.prefetch(prefetch_buffer_size)
