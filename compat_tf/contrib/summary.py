"""tf.contrib.summary: TF 1.15's eager summary API (compat_tf._src.summary.contrib_summary)."""
from compat_tf._src.summary.contrib_summary import (  # noqa: F401
    SummaryWriter, all_summary_ops, always_record_summaries, audio, create_file_writer, flush, generic, histogram,
    image, initialize, never_record_summaries, record_summaries_every_n_global_steps, scalar,
    should_record_summaries)
from compat_tf._src.dropin.missing import missing_attr_hook as _hook

__getattr__ = _hook("tf.contrib.summary")
