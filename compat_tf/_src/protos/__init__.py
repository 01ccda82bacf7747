"""TensorFlow's protocol buffer messages, built at import time from Python descriptors (no protoc)."""
