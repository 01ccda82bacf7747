"""tf.estimator.TrainSpec, EvalSpec and train_and_evaluate (TF 1.15's local, single-process mode)."""
import collections
import time

from compat_tf._src.estimator.estimator import Estimator


class TrainSpec(collections.namedtuple("TrainSpec", ["input_fn", "max_steps", "hooks"])):
    """What train_and_evaluate trains on: input_fn, max_steps (None: until the input ends), hooks."""

    def __new__(cls, input_fn, max_steps=None, hooks=None):
        if not callable(input_fn):
            raise TypeError(f"`input_fn` must be callable, given: {input_fn}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        return super().__new__(cls, input_fn, max_steps, tuple(hooks or ()))


class EvalSpec(collections.namedtuple("EvalSpec", ["input_fn", "steps", "name", "hooks", "exporters",
                                                   "start_delay_secs", "throttle_secs"])):
    """How train_and_evaluate evaluates: input_fn, steps (default 100; None: all the input), name, hooks,
    throttle_secs (least seconds between evaluations while training)."""

    def __new__(cls, input_fn, steps=100, name=None, hooks=None, exporters=None, start_delay_secs=120,
                throttle_secs=600):
        if not callable(input_fn):
            raise TypeError(f"`input_fn` must be callable, given: {input_fn}")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"`name` must be string, given: {name}")
        if exporters:
            raise NotImplementedError("tf.estimator.EvalSpec(exporters=...) is not supported by compat_tf")
        if throttle_secs < 0:
            raise ValueError(f"Must specify throttle_secs >= 0, given: {throttle_secs}")
        return super().__new__(cls, input_fn, steps, name, tuple(hooks or ()), (), start_delay_secs, throttle_secs)


def train_and_evaluate(estimator, train_spec, eval_spec):
    """Trains `estimator` to train_spec.max_steps, evaluating after each checkpoint save (at most every
    eval_spec.throttle_secs seconds) and at the end. Returns (last eval result, export results []).

    Local mode only: a TF_CONFIG cluster (distributed training) is not supported."""
    import json
    import os
    if not isinstance(estimator, Estimator):
        raise TypeError(f"`estimator` must have type `tf.estimator.Estimator`, given {type(estimator)}")
    if not isinstance(train_spec, TrainSpec):
        raise TypeError(f"`train_spec` must have type `tf.estimator.TrainSpec`, given {type(train_spec)}")
    if not isinstance(eval_spec, EvalSpec):
        raise TypeError(f"`eval_spec` must have type `tf.estimator.EvalSpec`, given {type(eval_spec)}")
    if json.loads(os.environ.get("TF_CONFIG") or "{}").get("cluster"):
        raise NotImplementedError("tf.estimator.train_and_evaluate with a TF_CONFIG cluster (distributed mode) "
                                  "is not supported by compat_tf")
    chunk = estimator.config.save_checkpoints_steps
    last_eval_time = None
    result = None
    while True:
        before = estimator.latest_checkpoint()
        if chunk and train_spec.max_steps is not None:
            step = _global_step(estimator)
            if step >= train_spec.max_steps:
                done = True
            else:
                estimator.train(train_spec.input_fn, hooks=list(train_spec.hooks),
                                max_steps=min(train_spec.max_steps, step + chunk))
                # done at max_steps, or when the input ended inside the chunk
                done = _global_step(estimator) < min(train_spec.max_steps, step + chunk) or \
                    _global_step(estimator) >= train_spec.max_steps
        else:
            estimator.train(train_spec.input_fn, hooks=list(train_spec.hooks), max_steps=train_spec.max_steps)
            done = True
        if done or last_eval_time is None or time.time() - last_eval_time >= eval_spec.throttle_secs:
            if estimator.latest_checkpoint() != before or result is None:
                result = estimator.evaluate(eval_spec.input_fn, steps=eval_spec.steps, hooks=list(eval_spec.hooks),
                                            name=eval_spec.name)
                last_eval_time = time.time()
        if done:
            return result, []


def _global_step(estimator):
    ckpt = estimator.latest_checkpoint()
    if not ckpt:
        return 0
    import compat_tf as tf
    return int(tf.train.load_variable(ckpt, "global_step"))
