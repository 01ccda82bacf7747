"""slim.evaluation: evaluate_once, evaluation_loop and tf.contrib.training's checkpoint helpers."""
from compat_tf._src.contrib.slim_evaluation import (  # noqa: F401
    StopAfterNEvalsHook, SummaryAtEndHook, checkpoints_iterator, evaluate_once, evaluation_loop,
    get_or_create_eval_step, wait_for_new_checkpoint)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.slim.evaluation")
