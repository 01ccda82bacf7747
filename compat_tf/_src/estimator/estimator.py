"""tf.estimator.Estimator (TF 1.15's estimator/estimator.py) on compat_tf's Sessions and Savers.

Each train/evaluate/predict/export call builds a fresh graph, calls model_fn, creates a Session,
initializes variables and restores the latest checkpoint of model_dir (or `checkpoint_path`).
train() saves a checkpoint every `save_checkpoints_steps` (or `save_checkpoints_secs`) and at the
end, writes summaries every `save_summary_steps` and graph.pbtxt; evaluate() writes its metrics to
model_dir/eval (or eval_<name>). Hooks follow the SessionRunHook protocol (begin,
after_create_session, before_run/after_run with SessionRunArgs, end).

warm_start_from (a checkpoint, a SavedModel directory or tf.estimator.WarmStartSettings) warm-starts
the model's variables when model_dir has no checkpoint (train, and evaluate/predict without one), as
TF 1.15. Export signatures that cannot be built for the receiver (classify/regress need one string
input) are left out, as TF's build_all_signature_defs does.

Not supported: distribution strategies, TPU, Scaffold other than its `saver`/`init_op`/
`init_feed_dict`/`init_fn`/`ready_op`-free parts.
"""
import inspect
import os
import tempfile
import time

import numpy as np

from compat_tf._src.estimator.model_fn import EstimatorSpec, ModeKeys, PredictOutput
from compat_tf._src.estimator.run_config import RunConfig
from compat_tf._src.train import session_run_hook as srh
from compat_tf._src.train.coordinator import Coordinator


def _tf():
    import compat_tf
    return compat_tf


# -- the SessionRunHook protocol (tf.train's classes) ---------------------------------------------
class _HookedSession:
    """Runs fetches with hooks' before_run/after_run (a small MonitoredSession for one process)."""

    def __init__(self, sess, hooks):
        self.sess, self.hooks = sess, list(hooks)
        self._args, self._ctx, self._values = srh.SessionRunArgs, srh.SessionRunContext, srh.SessionRunValues
        self._stop = False
        self.coord = Coordinator()
        for h in self.hooks:
            if hasattr(h, "after_create_session"):
                h.after_create_session(sess, self.coord)

    def should_stop(self):
        return self._stop or self.coord.should_stop()

    def run(self, fetches, feed_dict=None):
        args = self._args(fetches, feed_dict)
        ctx = self._ctx(args, self.sess)
        hook_fetches, feed = [], dict(feed_dict or {})
        for h in self.hooks:
            r = h.before_run(ctx) if hasattr(h, "before_run") else None
            hook_fetches.append(None if r is None else r.fetches)
            if r is not None and r.feed_dict:
                feed.update(r.feed_dict)
        results = self.sess.run([fetches, [f for f in hook_fetches if f is not None]], feed_dict=feed or None)
        main, extra = results[0], iter(results[1])
        for h, f in zip(self.hooks, hook_fetches):
            if hasattr(h, "after_run"):
                h.after_run(ctx, self._values(next(extra) if f is not None else None, None, None))
        if ctx.stop_requested:
            self._stop = True
        return main

    def end(self):
        for h in self.hooks:
            if hasattr(h, "end"):
                h.end(self.sess)


def _check_hooks(hooks):
    hooks = list(hooks or [])
    for h in hooks:
        if not all(hasattr(h, m) for m in ("begin", "before_run", "after_run", "end")):
            raise TypeError(f"Hooks must be a SessionRunHook, given: {h!r}")
    return hooks


# -- input_fn / model_fn calls -----------------------------------------------------------------
def _fn_args(fn):
    try:
        return set(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return set()


def _is_dataset(x):
    from compat_tf._src.data.dataset_ops import DatasetV1
    return isinstance(x, DatasetV1)


def _parse_input(result):
    """(features, labels) from what an input_fn returned: a Dataset, a (features, labels) tuple, or features."""
    if _is_dataset(result):
        result = result.make_one_shot_iterator().get_next()
    if isinstance(result, (tuple, list)):
        if len(result) != 2:
            raise ValueError(f"input_fn should return (features, labels) or features; got a sequence of "
                             f"length {len(result)}")
        return result[0], result[1]
    return result, None


class _StopTraining(Exception):
    pass


class Estimator:
    """tf.estimator.Estimator: trains, evaluates and predicts with a `model_fn` (see module docstring)."""

    def __init__(self, model_fn, model_dir=None, config=None, params=None, warm_start_from=None):
        if config is None:
            config = RunConfig()
        elif not isinstance(config, RunConfig):
            raise ValueError(f"config must be an instance of `RunConfig`, but provided {config}.")
        if model_dir is not None and config.model_dir is not None and \
                os.path.abspath(model_dir) != os.path.abspath(config.model_dir):
            raise ValueError(f"`model_dir` are set both in constructor and `RunConfig`, but with different "
                             f"values. In constructor: '{model_dir}', in `RunConfig`: '{config.model_dir}' ")
        model_dir = model_dir or config.model_dir
        if model_dir is None:
            model_dir = tempfile.mkdtemp()
            _tf().logging.warning("Using temporary folder as model directory: %s", model_dir)
        self._model_dir = os.fspath(model_dir)
        self._config = config.replace(model_dir=self._model_dir)
        if model_fn is None:
            raise ValueError("model_fn must be provided to Estimator.")
        args = _fn_args(model_fn)
        if "features" not in args:
            raise ValueError(f"model_fn ({model_fn}) must include features argument.")
        if params is not None and "params" not in args:
            raise ValueError(f"model_fn ({model_fn}) does not include params argument, but params ({params}) "
                             "is passed to Estimator.")
        from compat_tf._src.train.warm_starting_util import settings_from
        self._warm_start_settings = settings_from(warm_start_from)
        self._model_fn = model_fn
        self._params = dict(params or {})

    model_dir = property(lambda self: self._model_dir)
    config = property(lambda self: self._config)
    model_fn = property(lambda self: self._call_model_fn)

    @property
    def params(self):
        return dict(self._params)

    # -- checkpoints ----------------------------------------------------------------------------
    def latest_checkpoint(self):
        """The newest checkpoint prefix in model_dir, or None."""
        return _tf().train.latest_checkpoint(self._model_dir)

    def _require_checkpoint(self):
        ckpt = self.latest_checkpoint()
        if not ckpt:
            raise ValueError(f"Could not find trained model in model_dir: {self._model_dir}.")
        return ckpt

    def get_variable_names(self):
        """Names of the variables in the latest checkpoint."""
        return [name for name, _ in _tf().train.list_variables(self._require_checkpoint())]

    def get_variable_value(self, name):
        """The value of variable `name` in the latest checkpoint (a NumPy array)."""
        return _tf().train.load_variable(self._require_checkpoint(), name)

    def _maybe_warm_start(self, checkpoint_path):
        """tf.train.warm_start with the estimator's WarmStartSettings, unless restoring a checkpoint
        (a restore overrides the warm-started initial values anyway)."""
        if self._warm_start_settings is not None and not checkpoint_path:
            from compat_tf._src.train.warm_starting_util import warm_start
            _tf().logging.info("Warm-starting with WarmStartSettings: %s", self._warm_start_settings)
            warm_start(*self._warm_start_settings)

    # -- graph building -------------------------------------------------------------------------
    def _call_input_fn(self, input_fn, mode):
        args = _fn_args(input_fn)
        kwargs = {}
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = self.config
        return _parse_input(input_fn(**kwargs))

    def _call_model_fn(self, features, labels, mode, config=None):
        args = _fn_args(self._model_fn)
        kwargs = {}
        if "labels" in args:
            kwargs["labels"] = labels
        elif labels is not None:
            raise ValueError("model_fn does not take labels, but input_fn returns labels.")
        if "mode" in args:
            kwargs["mode"] = mode
        if "params" in args:
            kwargs["params"] = self.params
        if "config" in args:
            kwargs["config"] = config or self.config
        spec = self._model_fn(features=features, **kwargs)
        if not isinstance(spec, EstimatorSpec):
            raise ValueError(f"model_fn should return an EstimatorSpec. Given: {spec!r}")
        return spec

    def _new_graph(self):
        tf = _tf()
        g = tf.Graph()
        with g.as_default():
            if self._config.tf_random_seed is not None:
                tf.set_random_seed(self._config.tf_random_seed)
        return g

    def _saver(self, spec):
        tf = _tf()
        scaffold_saver = getattr(spec.scaffold, "saver", None) if spec.scaffold is not None else None
        if scaffold_saver is not None:
            return scaffold_saver
        savers = tf.get_collection(tf.GraphKeys.SAVERS)
        if savers:
            return savers[0]
        saver = tf.train.Saver(sharded=True, max_to_keep=self._config.keep_checkpoint_max,
                               keep_checkpoint_every_n_hours=self._config.keep_checkpoint_every_n_hours,
                               allow_empty=True)
        tf.add_to_collection(tf.GraphKeys.SAVERS, saver)
        return saver

    def _session(self, spec, saver, checkpoint_path):
        """A Session with variables initialized, then restored from `checkpoint_path` if given."""
        tf = _tf()
        sess = tf.Session(config=self._config.session_config)
        scaffold = spec.scaffold
        init_op = getattr(scaffold, "init_op", None) if scaffold is not None else None
        init_feed = getattr(scaffold, "init_feed_dict", None) if scaffold is not None else None
        if checkpoint_path:
            # TF1's SessionManager runs the init op only when no checkpoint is restored
            saver.restore(sess, checkpoint_path)
            uninit = sess.run(tf.report_uninitialized_variables())
            if len(uninit):
                names = {n.decode() if isinstance(n, bytes) else n for n in uninit}
                sess.run(tf.variables_initializer([v for v in tf.global_variables() if v.op.name in names]))
        else:
            sess.run(init_op if init_op is not None else tf.global_variables_initializer(), feed_dict=init_feed)
            init_fn = getattr(scaffold, "init_fn", None) if scaffold is not None else None
            if init_fn is not None:
                init_fn(scaffold, sess)
        local_init = getattr(scaffold, "local_init_op", None) if scaffold is not None else None
        sess.run(local_init if local_init is not None else
                 tf.group(tf.local_variables_initializer(), *tf.get_collection(tf.GraphKeys.TABLE_INITIALIZERS)))
        return sess

    # -- train ----------------------------------------------------------------------------------
    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        """Trains for `steps` more steps, up to global step `max_steps`, or until input_fn's input ends."""
        tf = _tf()
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        if max_steps is not None and max_steps <= 0:
            raise ValueError(f"Must specify max_steps > 0, given: {max_steps}")
        if saving_listeners:
            raise NotImplementedError("tf.estimator.Estimator.train(saving_listeners=...) is not supported by "
                                      "compat_tf")
        hooks = _check_hooks(hooks)
        ckpt = self.latest_checkpoint()
        if max_steps is not None and ckpt:
            step = int(tf.train.load_variable(ckpt, "global_step"))
            if step >= max_steps:
                tf.logging.info("Skipping training since max_steps has already saved.")
                return self
        g = self._new_graph()
        with g.as_default():
            global_step = tf.train.get_or_create_global_step()
            features, labels = self._call_input_fn(input_fn, ModeKeys.TRAIN)
            spec = self._call_model_fn(features, labels, ModeKeys.TRAIN)
            self._maybe_warm_start(None)
            hooks = hooks + _check_hooks(spec.training_hooks) + _check_hooks(spec.training_chief_hooks)
            saver = self._saver(spec)
            summary_op = tf.summary.merge_all()
            writer = tf.summary.FileWriter(self._model_dir, g) if self._config.save_summary_steps else None
            for h in hooks:
                h.begin()
            sess = self._session(spec, saver, ckpt)
            try:
                tf.train.write_graph(g, self._model_dir, "graph.pbtxt")
            except Exception:  # noqa: BLE001 - writing the graph is best-effort, as TF's hook logs it
                pass
            loss = spec.loss
            start = int(sess.run(global_step))
            stop_at = max_steps if max_steps is not None else (start + steps if steps is not None else None)
            save_steps, save_secs = self._config.save_checkpoints_steps, self._config.save_checkpoints_secs
            ckpt_prefix = os.path.join(self._model_dir, "model.ckpt")
            last_saved_step = start
            last_save_time = time.time()

            def save(step):
                saver.save(sess, ckpt_prefix, global_step=step)

            if not ckpt:
                save(start)  # TF's CheckpointSaverHook saves at step 0 after session creation
            hooked = _HookedSession(sess, hooks)
            step = start
            log_steps = self._config.log_step_count_steps
            t0 = time.time()
            try:
                while stop_at is None or step < stop_at:
                    fetch = {"train": spec.train_op, "loss": loss, "step": global_step}
                    want_summary = (summary_op is not None and writer is not None
                                    and self._config.save_summary_steps
                                    and (step - start) % self._config.save_summary_steps == 0)
                    if want_summary:
                        fetch["summary"] = summary_op
                    try:
                        out = hooked.run(fetch)
                    except tf.errors.OutOfRangeError:
                        break
                    if not np.isfinite(out["loss"]).all():
                        raise NanLossDuringTrainingError()
                    step = int(sess.run(global_step))
                    if want_summary:
                        writer.add_summary(out["summary"], step)
                    if writer is not None and self._config.save_summary_steps and \
                            (step - start) % self._config.save_summary_steps == 0:
                        writer.add_summary(tf.Summary(value=[tf.Summary.Value(tag="loss",
                                                                              simple_value=float(out["loss"]))]), step)
                    if log_steps and (step - start) % log_steps == 0:
                        elapsed = time.time() - t0
                        tf.logging.info("loss = %s, step = %d (%.3f sec)", out["loss"], step, elapsed)
                        t0 = time.time()
                    if (save_steps and step - last_saved_step >= save_steps) or \
                            (save_secs and time.time() - last_save_time >= save_secs):
                        save(step)
                        last_saved_step, last_save_time = step, time.time()
                    if hooked.should_stop():
                        break
                step = int(sess.run(global_step))
                if step != last_saved_step or not self.latest_checkpoint():
                    save(step)
                hooked.end()
                tf.logging.info("Loss for final step: %s.", out["loss"] if step > start else None)
            finally:
                if writer is not None:
                    writer.close()
                sess.close()
        return self

    # -- evaluate -------------------------------------------------------------------------------
    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        """Evaluates the model on input_fn's data (all of it, or `steps` batches); returns the metrics dict
        with 'loss' (mean of the per-batch losses) and 'global_step'."""
        tf = _tf()
        if steps is not None and steps <= 0:
            raise ValueError(f"Must specify steps > 0, given: {steps}")
        hooks = _check_hooks(hooks)
        ckpt = checkpoint_path or self.latest_checkpoint()
        if not ckpt:
            tf.logging.info("Could not find trained model in model_dir: %s, running initialization to evaluate.",
                            self._model_dir)
        g = self._new_graph()
        with g.as_default():
            global_step = tf.train.get_or_create_global_step()
            features, labels = self._call_input_fn(input_fn, ModeKeys.EVAL)
            spec = self._call_model_fn(features, labels, ModeKeys.EVAL)
            self._maybe_warm_start(ckpt)
            if "loss" in spec.eval_metric_ops:
                raise ValueError("Metric with name `loss` is not allowed, because Estimator already defines a "
                                 "default metric with the same name.")
            metrics = dict(spec.eval_metric_ops)
            metrics["loss"] = tf.metrics.mean(spec.loss)
            hooks = hooks + _check_hooks(spec.evaluation_hooks)
            saver = self._saver(spec)
            for h in hooks:
                h.begin()
            sess = self._session(spec, saver, ckpt)
            try:
                hooked = _HookedSession(sess, hooks)
                updates = [v[1] for v in metrics.values()]
                n = 0
                while steps is None or n < steps:
                    try:
                        hooked.run(updates)
                    except tf.errors.OutOfRangeError:
                        break
                    n += 1
                    if hooked.should_stop():
                        break
                values = sess.run({k: v[0] for k, v in metrics.items()})
                values["global_step"] = sess.run(global_step)
                hooked.end()
            finally:
                sess.close()
        eval_dir = os.path.join(self._model_dir, "eval" if not name else "eval_" + name)
        self._write_eval_summary(eval_dir, values)
        return values

    def eval_dir(self, name=None):
        """The directory evaluate(name=...) writes its summaries to."""
        return os.path.join(self._model_dir, "eval" if not name else "eval_" + name)

    def _write_eval_summary(self, eval_dir, values):
        tf = _tf()
        summary = tf.Summary()
        for k, v in values.items():
            if k == "global_step":
                continue
            a = np.asarray(v)
            if a.size == 1 and a.dtype.kind in "fiub":
                summary.value.add(tag=k, simple_value=float(a.reshape(())))
        writer = tf.summary.FileWriter(eval_dir)
        try:
            writer.add_summary(summary, int(values["global_step"]))
        finally:
            writer.close()

    # -- predict --------------------------------------------------------------------------------
    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None, yield_single_examples=True):
        """Yields predictions (per example, or per batch with yield_single_examples=False) until input ends."""
        tf = _tf()
        hooks = _check_hooks(hooks)
        ckpt = checkpoint_path or self.latest_checkpoint()
        if not ckpt:
            tf.logging.info("Could not find trained model in model_dir: %s, running initialization to predict.",
                            self._model_dir)
        g = self._new_graph()
        with g.as_default():
            tf.train.get_or_create_global_step()
            features, _ = self._call_input_fn(input_fn, ModeKeys.PREDICT)
            spec = self._call_model_fn(features, None, ModeKeys.PREDICT)
            self._maybe_warm_start(ckpt)
            predictions = spec.predictions
            if predict_keys is not None:
                if isinstance(predict_keys, str):
                    predict_keys = [predict_keys]
                if not isinstance(predictions, dict):
                    raise ValueError("predict_keys argument is not valid in case of non-dict predictions.")
                missing = [k for k in predict_keys if k not in predictions]
                if missing:
                    raise ValueError(f"Expected to run at least one output from {sorted(predictions)}, provided "
                                     f"{predict_keys}.")
                predictions = {k: predictions[k] for k in predict_keys}
            hooks = hooks + _check_hooks(spec.prediction_hooks)
            saver = self._saver(spec)
            for h in hooks:
                h.begin()
            sess = self._session(spec, saver, ckpt)
            try:
                hooked = _HookedSession(sess, hooks)
                while True:
                    try:
                        out = hooked.run(predictions)
                    except tf.errors.OutOfRangeError:
                        break
                    if not yield_single_examples:
                        yield out
                    elif isinstance(out, dict):
                        sizes = {k: np.shape(v)[0] if np.ndim(v) else None for k, v in out.items()}
                        n = next(iter(sizes.values()), 0)
                        if any(s is None or s != n for s in sizes.values()):
                            raise ValueError(f"Batch length of predictions should be same. {sizes}")
                        for i in range(n):
                            yield {k: v[i] for k, v in out.items()}
                    else:
                        if not np.ndim(out):
                            raise ValueError("Prediction should have a batch dimension to yield single examples")
                        yield from out
                    if hooked.should_stop():
                        break
                hooked.end()
            finally:
                sess.close()

    # -- export ---------------------------------------------------------------------------------
    def export_saved_model(self, export_dir_base, serving_input_receiver_fn, assets_extra=None, as_text=False,
                           checkpoint_path=None, experimental_mode=ModeKeys.PREDICT):
        """Writes a SavedModel (tag 'serve') of the PREDICT graph to export_dir_base/<timestamp>; returns
        that directory as bytes. Signatures come from EstimatorSpec.export_outputs (PredictOutput only),
        else 'serving_default' predicts spec.predictions."""
        tf = _tf()
        if experimental_mode != ModeKeys.PREDICT:
            raise NotImplementedError("tf.estimator.Estimator.export_saved_model(experimental_mode=...) other "
                                      "than PREDICT is not supported by compat_tf")
        if assets_extra:
            raise NotImplementedError("tf.estimator.Estimator.export_saved_model(assets_extra=...) is not "
                                      "supported by compat_tf")
        if serving_input_receiver_fn is None:
            raise ValueError("An input_receiver_fn must be defined.")
        ckpt = checkpoint_path or self._require_checkpoint()
        g = self._new_graph()
        with g.as_default():
            tf.train.get_or_create_global_step()
            receiver = serving_input_receiver_fn()
            spec = self._call_model_fn(receiver.features, None, ModeKeys.PREDICT)
            outputs = spec.export_outputs or {"serving_default": PredictOutput(spec.predictions)}
            receivers = receiver.receiver_tensors
            if not isinstance(receivers, dict):
                receivers = {"input": receivers}
            signatures = {}
            for key, output in outputs.items():
                try:
                    signatures[key] = output.as_signature_def(receivers)
                except ValueError as e:     # TF excludes (and logs) what the receiver cannot serve
                    tf.logging.warning("Signature %s excluded from the SavedModel: %s", key, e)
            if not signatures:
                raise ValueError("None of the export outputs can be served by the serving_input_receiver_fn's "
                                 "receiver tensors")
            saver = self._saver(spec)
            sess = self._session(spec, saver, ckpt)
            try:
                export_dir = os.path.join(os.fspath(export_dir_base), str(int(time.time())))
                while os.path.exists(export_dir):
                    export_dir = os.path.join(os.fspath(export_dir_base), str(int(export_dir.rsplit(os.sep)[-1]) + 1))
                builder = tf.saved_model.builder.SavedModelBuilder(export_dir)
                builder.add_meta_graph_and_variables(sess, [tf.saved_model.tag_constants.SERVING],
                                                     signature_def_map=signatures, saver=saver,
                                                     main_op=tf.group(
                                                         tf.local_variables_initializer(),
                                                         *tf.get_collection(tf.GraphKeys.TABLE_INITIALIZERS)))
                builder.save(as_text)
            finally:
                sess.close()
        return export_dir.encode()

    export_savedmodel = export_saved_model

    def experimental_export_all_saved_models(self, *args, **kwargs):
        raise NotImplementedError("tf.estimator.Estimator.experimental_export_all_saved_models is not "
                                  "supported by compat_tf")


class NanLossDuringTrainingError(RuntimeError):
    """Raised by train() when the loss becomes NaN (TF1's NanTensorHook with fail_on_nan_loss)."""

    def __str__(self):
        return "NaN loss during training."
