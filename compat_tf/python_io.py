"""tf.python_io: TF1's TFRecord file API (TFRecordWriter, tf_record_iterator, TFRecordOptions)."""
from compat_tf._src.io.tf_record import (  # noqa: F401
    TFRecordCompressionType, TFRecordOptions, TFRecordWriter, tf_record_iterator)

__all__ = ["TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter", "tf_record_iterator"]
