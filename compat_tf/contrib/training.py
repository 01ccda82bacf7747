"""tf.contrib.training: provided names come from compat_tf; the rest raise UnimplementedSymbolError."""
from compat_tf._src.contrib.hparam import HParams, parse_values  # noqa: F401
from compat_tf._src.contrib.learning import training_create_train_op as create_train_op  # noqa: F401
from compat_tf._src.contrib.training_evaluation import (  # noqa: F401
    StopAfterNEvalsHook, SummaryAtEndHook, checkpoints_iterator, evaluate_once, evaluate_repeatedly,
    get_or_create_eval_step, wait_for_new_checkpoint)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.training")
