"""The summary/event protocol buffers: tensorboardX's generated classes (package `tensorboardX`).

tensorboardX ships TF's summary.proto / event.proto / tensor.proto under its own package
name, with TF's field numbers, so the bytes are TF's wire format: event files written here
are read by TensorBoard and by TF's summary_iterator, and Summary bytes from TF parse here.
"""
from tensorboardX.proto.event_pb2 import Event, LogMessage, SessionLog, TaggedRunMetadata  # noqa: F401
from tensorboardX.proto.summary_pb2 import (  # noqa: F401
    HistogramProto, Summary, SummaryDescription, SummaryMetadata)
from tensorboardX.proto.tensor_pb2 import TensorProto  # noqa: F401
from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto  # noqa: F401
