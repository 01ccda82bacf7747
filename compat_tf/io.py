"""tf.io: TF 1.15's I/O namespace (TFRecords, Example parsing, whole files, decode_raw).

Names of tf.io that compat_tf defines at the top level (queues, decode_csv, ...) are
forwarded from `tf.<name>` when asked for, so they appear here as soon as they exist there.
"""
from compat_tf._src.io.tf_record import (  # noqa: F401
    TFRecordCompressionType, TFRecordOptions, TFRecordWriter, tf_record_iterator)
from compat_tf._src.ops.io_ops import matching_files, read_file, write_file  # noqa: F401
from compat_tf._src.ops.parsing_ops import (  # noqa: F401
    FixedLenFeature, FixedLenSequenceFeature, VarLenFeature, decode_raw, parse_example, parse_single_example)
from compat_tf._src.dropin.missing import missing_attr_hook as _hook

_missing = _hook("tf.io")
# tf.io names that are also top-level tf names in TF 1.15
_TOP_LEVEL = frozenset({
    "PaddingFIFOQueue", "PriorityQueue", "QueueBase", "RandomShuffleQueue", "FIFOQueue", "SparseFeature",
    "decode_base64", "decode_compressed", "decode_csv", "decode_json_example", "encode_base64",
    "match_filenames_once", "parse_single_sequence_example", "parse_tensor", "serialize_tensor",
    "serialize_sparse", "serialize_many_sparse", "deserialize_many_sparse", "write_graph",
    "decode_image", "decode_jpeg", "decode_png", "decode_gif", "decode_bmp", "encode_jpeg", "encode_png",
    "is_jpeg", "extract_jpeg_shape", "decode_and_crop_jpeg", "parse_sequence_example", "decode_proto",
    "encode_proto",
})


def __getattr__(name):
    if name in _TOP_LEVEL:
        import compat_tf
        for mod_name in ("", "image", "train"):
            mod = compat_tf if not mod_name else compat_tf.__dict__.get(mod_name)
            if mod is not None and name in getattr(mod, "__dict__", {}):
                return mod.__dict__[name]
    return _missing(name)
