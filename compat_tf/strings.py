"""tf.strings: TF 1.15's string namespace (the ops compat_tf has, from compat_tf._src.ops)."""
from compat_tf._src.ops.string_ops import (  # noqa: F401
    as_string, string_join as join, string_length as length, string_strip as strip,
    string_to_number as to_number, substr)
from compat_tf._src.ops.string_transform_ops import (  # noqa: F401
    lower, reduce_join, regex_full_match, regex_replace, string_format as format,
    string_to_hash_bucket_fast as to_hash_bucket_fast, string_to_hash_bucket_strong as to_hash_bucket_strong, upper)
from compat_tf._src.ops.string_transform_ops import string_to_hash_bucket as to_hash_bucket  # noqa: F401
from compat_tf._src.ops.string_split_ops import ngrams, split, unsorted_segment_join  # noqa: F401
from compat_tf._src.ops.unicode_ops import (  # noqa: F401
    bytes_split, unicode_decode, unicode_decode_with_offsets, unicode_encode, unicode_script, unicode_split,
    unicode_split_with_offsets, unicode_transcode)
from compat_tf._src.dropin.missing import missing_attr_hook as _hook

__getattr__ = _hook("tf.strings")
