"""File formats and host-side I/O used by compat_tf's input pipelines (TFRecord, ...)."""
