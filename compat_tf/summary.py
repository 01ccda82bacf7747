"""tf.summary: TF1 summary ops and event-file writers (names defined in compat_tf._src.summary)."""
from compat_tf._src.summary.protos import (  # noqa: F401
    Event, SessionLog, Summary, SummaryDescription, TaggedRunMetadata)
from compat_tf._src.summary.summary_ops import (  # noqa: F401
    audio, get_summary_description, histogram, image, merge, merge_all, scalar, tensor_summary, text)
from compat_tf._src.summary.writer import FileWriter, FileWriterCache  # noqa: F401


def all_v2_summary_ops():
    """TF2-style summary ops of the graph: compat_tf builds none, so an empty list (TF1 returns
    the 'summary_v2' collection)."""
    from compat_tf._src.framework import graph as _graph
    return _graph.get_collection("_SUMMARY_V2")


def initialize(graph=None, session=None):
    """tf.summary.initialize: for TF2 summary writers, which compat_tf does not provide."""
    raise NotImplementedError("tf.summary.initialize (summary v2 writers) is not supported by compat_tf")


from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.summary")
