"""tf.keras.Model (TF 1.15's keras/engine/training.py, graph mode): compile and the fit /
evaluate / predict loops run on the Keras session.

compile builds, under "loss/", one loss per output (a Loss object or function, weighted by
`loss_weights`; per-sample values weighted by sample weights, summed and divided by the number
of elements), adds the model's regularization losses, and creates the metrics under
"metrics/<name>" (stateful Mean metrics: the value reported for an epoch is the running mean
over its batches; the loss is averaged over batches weighted by their sizes). Targets are
placeholders "<output>_target"; sample weights "<output>_sample_weights" default to 1.
'accuracy'/'acc' picks binary / sparse categorical / categorical accuracy from the loss and
the output shape and is reported as "acc" (TF 1.x's name).

The train function (built on first fit) runs, under "training/", the optimizer's updates
(gradients of the total loss w.r.t. the trainable weights collected at compile time) and the
layers' updates (batch norm moving averages), feeding the learning phase 1; test and predict
functions feed 0. NumPy inputs are sliced into batches on the host (shuffled each epoch with
NumPy's global RNG unless shuffle=False); tf.data datasets are iterated on the host, epoch by
epoch (until exhausted, or steps_per_epoch steps).

Deviations: distribution strategies, run_eagerly and multiprocessing workers are not
supported; fit_generator's `workers`/`use_multiprocessing` are accepted and ignored (the
generator runs in the calling thread).
"""
import numpy as np

from compat_tf._src.framework import graph as _graph
from compat_tf._src.keras import backend as K
from compat_tf._src.keras import callbacks as cbks
from compat_tf._src.keras import losses as losses_module
from compat_tf._src.keras import metrics as metrics_module
from compat_tf._src.keras import optimizers
from compat_tf._src.keras.engine import training_loop
from compat_tf._src.keras.engine.base_layer import flatten
from compat_tf._src.keras.engine.network import Network
from compat_tf._src.ops import math_ops
from compat_tf._src.ops import constant as _constant

__all__ = ["Model"]


def _to_list(x):
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _per_output(value, output_names, what, default=None):
    """A value given once, per output as a list, or per output name as a dict -> a list."""
    if isinstance(value, dict):
        for k in value:
            if k not in output_names:
                raise ValueError(f"Unknown entry in {what} dictionary: \"{k}\". Only expected the following keys: "
                                 f"{output_names}")
        return [value.get(n, default) for n in output_names]
    if isinstance(value, (list, tuple)) and what != "metrics":
        if len(value) != len(output_names):
            raise ValueError(f"When passing a list as {what}, it should have one entry per model output. The model "
                             f"has {len(output_names)} outputs, but you passed {what}={value}")
        return list(value)
    return [value] * len(output_names)


class Model(Network):
    """tf.keras.Model: Model(inputs, outputs, name=None) (functional) or a subclass with `call`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._compile_args = None
        self.stop_training = False
        self.history = None
        self.train_function = self.test_function = self.predict_function = None

    # -- compile -----------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, sample_weight_mode=None,
                weighted_metrics=None, target_tensors=None, distribute=None, **kwargs):
        """Configures the model for training (see the module docstring)."""
        if distribute is not None:
            raise NotImplementedError("tf.keras.Model.compile(distribute=...) is not supported by compat_tf")
        kwargs.pop("run_eagerly", None)
        self._function_kwargs = kwargs
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss or {}
        self._compile_args = dict(loss=loss, metrics=metrics, loss_weights=loss_weights,
                                  sample_weight_mode=sample_weight_mode, weighted_metrics=weighted_metrics,
                                  target_tensors=target_tensors)
        self._is_compiled = True
        self.train_function = self.test_function = self.predict_function = None
        if self.inputs and self.outputs:
            self._compile_graph(**self._compile_args)

    def _compile_graph(self, *args, **kwargs):
        # while executing eagerly the compiled graph is built in Keras' own graph (TF 1.15's keras
        # FuncGraph), run by a session that shares the eager variables
        with K.get_graph().as_default():
            self._compile_graph_in_default(*args, **kwargs)

    def _compile_graph_in_default(self, loss, metrics, loss_weights, sample_weight_mode, weighted_metrics,
                                  target_tensors):
        names = self.output_names
        if not loss and not self.losses:
            raise ValueError("The model cannot be compiled because it has no loss to optimize.")
        loss_fns = []
        for fn in _per_output(loss, names, "loss"):
            if fn is None:
                loss_fns.append(None)
                continue
            fn = losses_module.get(fn)
            if not isinstance(fn, losses_module.Loss):
                fn = losses_module.LossFunctionWrapper(fn, name=getattr(fn, "__name__", "loss"),
                                                       reduction=losses_module.ReductionV2.SUM_OVER_BATCH_SIZE)
            loss_fns.append(fn)
        self.loss_functions = loss_fns
        weights = _per_output(loss_weights if loss_weights is not None else 1.0, names, "loss_weights", 1.0)
        g = K.get_graph()
        targets, sws = [], []
        user_targets = _per_output(target_tensors, names, "target_tensors") if target_tensors is not None else \
            [None] * len(names)
        temporal = _per_output(sample_weight_mode, names, "sample_weight_mode")
        for name, out, fn, tt, mode in zip(names, self.outputs, loss_fns, user_targets, temporal):
            if fn is None:
                targets.append(None)
                sws.append(None)
                continue
            if tt is not None:
                targets.append(tt)
            else:
                targets.append(K.placeholder(ndim=out.shape.ndims, name=name + "_target",
                                             dtype=out.dtype.base_dtype.name))
            with g.name_scope(None):
                if mode == "temporal":
                    sws.append(_constant.placeholder_with_default(_constant.constant([[1.]], dtype=K.floatx()),
                                                                  shape=[None, None], name=name + "_sample_weights"))
                else:
                    sws.append(_constant.placeholder_with_default(
                        _constant.constant([1.], dtype=K.floatx()), shape=[None], name=name + "_sample_weights"))
        self._feed_targets = [t for t in targets if t is not None]
        self._feed_sample_weights = [s for s in sws if s is not None]
        self._targets, self._sample_weights = targets, sws
        self._feed_output_names = [n for n, t in zip(names, targets) if t is not None]
        self._feed_loss_fns = [f for f in loss_fns if f is not None]
        self._feed_output_shapes = []
        for out, fn in zip(self.outputs, loss_fns):
            if fn is None:
                continue
            shape = K.int_shape(out)
            if _is_sparse_ce(fn):
                shape = shape[:-1] + (1,)
            self._feed_output_shapes.append(shape)
        # losses
        total_loss = None
        output_losses = []
        with K.name_scope("loss"):
            for name, out, fn, w, y_true, sw in zip(names, self.outputs, loss_fns, weights, targets, sws):
                if fn is None:
                    continue
                mask = getattr(out, "_keras_mask", None)
                with K.name_scope(name + "_loss"):
                    if mask is not None:
                        mask = math_ops.cast(mask, out.dtype)
                        _, _, sw2 = losses_module.squeeze_or_expand_dimensions(mask, None, sw)
                        sw = sw2 * mask
                    if isinstance(fn, losses_module.LossFunctionWrapper) or hasattr(fn, "reduction"):
                        per_sample = fn.call(y_true, out)
                        weighted = losses_module.compute_weighted_loss(per_sample, sample_weight=sw,
                                                                       reduction=losses_module.ReductionV2.NONE)
                        red = fn.reduction
                        if red == losses_module.ReductionV2.AUTO:
                            red = losses_module.ReductionV2.SUM_OVER_BATCH_SIZE
                        output_loss = losses_module.reduce_weighted_loss(weighted, reduction=red)
                    else:
                        output_loss = fn(y_true, out, sample_weight=sw)
                output_losses.append(output_loss)
                total_loss = w * output_loss if total_loss is None else total_loss + w * output_loss
            if total_loss is None:
                total_loss = _constant.constant(0.)
            custom = self.get_losses_for(None) + self.get_losses_for(self.inputs)
            if custom:
                total_loss += math_ops.add_n(custom)
        self.total_loss = total_loss
        # metrics
        self.metrics_names = ["loss"]
        self._metric_tensors = []
        self._compile_metric_objects = []
        multi = len(self.outputs) > 1
        if multi:
            for name, ol in zip(self._feed_output_names, output_losses):
                m = metrics_module.Mean(name=name + "_loss")
                self._add_metric(m, name + "_loss", lambda m=m, ol=ol: m(ol))
        per_output_metrics = _metrics_per_output(metrics, names)
        per_output_weighted = _metrics_per_output(weighted_metrics, names)
        for i, (name, out, fn) in enumerate(zip(names, self.outputs, loss_fns)):
            if fn is None:
                continue
            for weighted, metric_list in ((False, per_output_metrics[i]), (True, per_output_weighted[i])):
                for metric in metric_list:
                    mname, mobj = _make_metric(metric, out, fn, weighted)
                    full = (name + "_" + mname) if multi else mname
                    if full in self.metrics_names:
                        j = 1
                        while f"{full}_{j}" in self.metrics_names:
                            j += 1
                        full = f"{full}_{j}"
                    y_true, sw = self._targets[i], self._sample_weights[i] if weighted else None
                    self._add_metric(mobj, full,
                                     lambda mobj=mobj, y_true=y_true, out=out, sw=sw: mobj(y_true, out,
                                                                                           sample_weight=sw))
        for t in self._metrics_from_layers():
            self._add_metric(None, t._metric_name, lambda t=t: t)
        self._collected_trainable_weights = self.trainable_weights
        self.train_function = self.test_function = self.predict_function = None

    def _add_metric(self, obj, name, build):
        with K.name_scope("metrics"):
            with K.name_scope(name):
                t = build()
        self.metrics_names.append(name)
        self._metric_tensors.append(t)
        if obj is not None:
            self._compile_metric_objects.append(obj)

    def _metrics_from_layers(self):
        return [m for m in self.metrics if hasattr(m, "_metric_name")]

    @property
    def metrics(self):
        out = []
        for layer in self._gather_unique_layers():
            out.extend(layer._metrics)
        return out

    def reset_metrics(self):
        """Zeroes the compiled metrics' state (fit does it at each epoch start)."""
        tuples = []
        for m in getattr(self, "_compile_metric_objects", []):
            tuples += [(v, np.zeros(v.get_shape().as_list())) for v in m.variables]
        K.batch_set_value(tuples)

    # -- deferred inputs (subclassed / Sequential without input shape) ------------------------------
    def _set_inputs(self, inputs, outputs=None, training=None):
        """Creates placeholders like `inputs` (arrays or tensors), calls the model on them and, when
        compile was called before, builds the compiled graph."""
        if self.inputs:
            return
        from compat_tf._src.keras.engine.input_layer import Input
        flat = _to_list(inputs) if not isinstance(inputs, dict) else [inputs[k] for k in sorted(inputs)]
        if outputs is None:
            placeholders = []
            for i, x in enumerate(flat):
                if isinstance(x, _graph.Tensor):
                    placeholders.append(x)
                    continue
                x = np.asarray(x)
                shape = (None,) + x.shape[1:] if x.ndim > 1 else (None, 1)
                dtype = K.floatx() if x.dtype.kind == "f" or x.dtype == np.float64 else x.dtype.name
                placeholders.append(Input(batch_shape=shape, dtype=dtype, name=f"input_{i + 1}"))
            model_inputs = placeholders[0] if len(placeholders) == 1 else placeholders
            outputs = self(model_inputs, training=training) if "training" in self._call_fn_args and \
                training is not None else self(model_inputs)
            if self.inputs:                 # set (and compiled) by the call above
                return
            self.built = True
            flat_in = placeholders
        else:
            flat_in = flatten(inputs)
        self.inputs = flat_in
        self.outputs = flatten(outputs)
        self.input_names = [getattr(getattr(x, "_keras_history", None), "layer", None).name
                            if getattr(x, "_keras_history", None) is not None else f"input_{i + 1}"
                            for i, x in enumerate(self.inputs)]
        self.output_names = [f"output_{i + 1}" for i in range(len(self.outputs))]
        self._feed_inputs = list(self.inputs)
        self._feed_input_names = list(self.input_names)
        self._feed_input_shapes = [K.int_shape(x) for x in self.inputs]
        if self._compile_args is not None and getattr(self, "total_loss", None) is None:
            self._compile_graph(**self._compile_args)

    # -- execution functions -----------------------------------------------------------------------
    def _ins(self, mode):
        ins = list(self._feed_inputs)
        if mode != "predict":
            ins += self._feed_targets + self._feed_sample_weights
        lp = K.symbolic_learning_phase()
        if not isinstance(lp, int):
            ins.append(lp)
        return ins

    def _make_train_function(self):
        if self.train_function is not None:
            return
        with K.get_graph().as_default(), K.name_scope("training"):
            updates = self.optimizer.get_updates(params=self._collected_trainable_weights, loss=self.total_loss)
            updates = list(updates) + self.get_updates_for(None) + self.get_updates_for(self.inputs)
            self.train_function = K.function(self._ins("train"), [self.total_loss] + self._metric_tensors,
                                             updates=updates, name="train_function",
                                             **self._function_kwargs)

    def _make_test_function(self):
        if self.test_function is None:
            with K.get_graph().as_default(), K.name_scope("evaluation"):
                self.test_function = K.function(self._ins("test"), [self.total_loss] + self._metric_tensors,
                                                updates=self.state_updates, name="test_function",
                                                **self._function_kwargs)

    def _make_predict_function(self):
        if self.predict_function is None:
            kwargs = getattr(self, "_function_kwargs", {})
            with K.get_graph().as_default(), K.name_scope("predict"):
                self.predict_function = K.function(self._ins("predict"), self.outputs, updates=self.state_updates,
                                                   name="predict_function", **kwargs)

    def _check_compiled(self):
        if not self._is_compiled or self.optimizer is None:
            raise RuntimeError("You must compile your model before training/testing. Use `model.compile(optimizer, "
                               "loss)`.")

    # -- data --------------------------------------------------------------------------------------
    def _standardize_user_data(self, x, y=None, sample_weight=None, class_weight=None, check_targets=True):
        if not self.inputs:
            self._set_inputs(x)
        xs = training_loop.standardize_input_data(x, self._feed_input_names, self._feed_input_shapes,
                                                  exception_prefix="input")
        if not check_targets:
            return xs, [], []
        if y is None:
            raise ValueError("You passed a model with outputs but no targets (y) to fit/evaluate.")
        ys = training_loop.standardize_input_data(y, self._feed_output_names, self._feed_output_shapes,
                                                  exception_prefix="target", check_shapes=False)
        training_loop.check_loss_and_target_compatibility(ys, self._feed_loss_fns, self._feed_output_shapes)
        sws = training_loop.standardize_sample_weights(sample_weight, class_weight, ys, self._feed_output_names)
        training_loop.check_array_lengths(xs, ys, sws)
        return xs, ys, sws

    # -- public training API -------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None, validation_split=0.,
            validation_data=None, shuffle=True, class_weight=None, sample_weight=None, initial_epoch=0,
            steps_per_epoch=None, validation_steps=None, validation_freq=1, max_queue_size=10, workers=1,
            use_multiprocessing=False, **kwargs):
        """Trains for `epochs` epochs; returns the History callback (history: {name: [per epoch]})."""
        if kwargs:
            raise TypeError("Unrecognized keyword arguments: " + str(kwargs))
        self._check_compiled()
        return training_loop.fit(self, x, y, batch_size, epochs, verbose, callbacks, validation_split,
                                 validation_data, shuffle, class_weight, sample_weight, initial_epoch,
                                 steps_per_epoch, validation_steps, validation_freq)

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None, steps=None, callbacks=None,
                 max_queue_size=10, workers=1, use_multiprocessing=False):
        """The loss (and metrics) over the data: a scalar, or a list in `metrics_names` order."""
        self._check_compiled()
        return training_loop.evaluate(self, x, y, batch_size, verbose, sample_weight, steps, callbacks)

    def predict(self, x, batch_size=None, verbose=0, steps=None, callbacks=None, max_queue_size=10, workers=1,
                use_multiprocessing=False):
        """The outputs for `x`, batch by batch, concatenated (a list for several outputs)."""
        return training_loop.predict(self, x, batch_size, verbose, steps, callbacks)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, reset_metrics=True):
        """One gradient update on one batch; returns the loss (and metrics)."""
        self._check_compiled()
        xs, ys, sws = self._standardize_user_data(x, y, sample_weight, class_weight)
        self._make_train_function()
        outs = self.train_function(training_loop.feed_values(self, "train", xs, ys, sws))
        if reset_metrics:
            self.reset_metrics()
        return outs[0] if len(outs) == 1 else outs

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True):
        self._check_compiled()
        xs, ys, sws = self._standardize_user_data(x, y, sample_weight)
        self._make_test_function()
        outs = self.test_function(training_loop.feed_values(self, "test", xs, ys, sws))
        if reset_metrics:
            self.reset_metrics()
        return outs[0] if len(outs) == 1 else outs

    def predict_on_batch(self, x):
        xs, _, _ = self._standardize_user_data(x, check_targets=False)
        self._make_predict_function()
        outs = self.predict_function(training_loop.feed_values(self, "predict", xs, [], []))
        return outs[0] if len(outs) == 1 else outs

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, validation_freq=1, class_weight=None,
                      max_queue_size=10, workers=1, use_multiprocessing=False, shuffle=True, initial_epoch=0):
        """fit over a Python generator / keras.utils.Sequence yielding (x, y[, sample_weight])."""
        self._check_compiled()
        return training_loop.fit_generator(self, generator, steps_per_epoch, epochs, verbose, callbacks,
                                           validation_data, validation_steps, validation_freq, class_weight,
                                           shuffle, initial_epoch)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                           use_multiprocessing=False, verbose=0):
        self._check_compiled()
        return training_loop.evaluate_generator(self, generator, steps, verbose)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0):
        return training_loop.predict_generator(self, generator, steps, verbose)

    def _get_callback_model(self):
        return self


def _is_sparse_ce(fn):
    return isinstance(fn, losses_module.LossFunctionWrapper) and \
        fn.fn is losses_module.sparse_categorical_crossentropy


def _metrics_per_output(metrics, names):
    if not metrics:
        return [[] for _ in names]
    if isinstance(metrics, dict):
        return [_to_list(metrics.get(n, [])) for n in names]
    if isinstance(metrics, (list, tuple)) and metrics and all(isinstance(m, (list, tuple)) for m in metrics) \
            and len(metrics) == len(names):
        return [list(m) for m in metrics]
    return [list(_to_list(metrics)) for _ in names]


def _make_metric(metric, output, loss_fn, weighted):
    """(reported name, Metric object) for a compile() metric entry."""
    prefix = "weighted_" if weighted else ""
    if metric in ("accuracy", "acc", "crossentropy", "ce"):
        is_sparse = _is_sparse_ce(loss_fn) or isinstance(loss_fn, losses_module.SparseCategoricalCrossentropy)
        is_binary = isinstance(loss_fn, losses_module.BinaryCrossentropy) or \
            (isinstance(loss_fn, losses_module.LossFunctionWrapper) and
             loss_fn.fn is losses_module.binary_crossentropy)
        last = output.shape[-1].value if output.shape.ndims else None
        if metric in ("accuracy", "acc"):
            fn = metrics_module.binary_accuracy if (last == 1 or is_binary) else \
                metrics_module.sparse_categorical_accuracy if is_sparse else metrics_module.categorical_accuracy
            suffix = "acc"
        else:
            fn = metrics_module.binary_crossentropy if (last == 1 or is_binary) else \
                metrics_module.sparse_categorical_crossentropy if is_sparse else \
                metrics_module.categorical_crossentropy
            suffix = "ce"
        name = prefix + suffix
        return name, metrics_module.MeanMetricWrapper(fn, name=name)
    if isinstance(metric, metrics_module.Metric):
        return prefix + metric.name, metric
    fn = metrics_module.get(metric)
    if isinstance(fn, type) and issubclass(fn, metrics_module.Metric):
        obj = fn()
        return prefix + obj.name, obj
    name = prefix + (fn.name if hasattr(fn, "name") else fn.__name__)
    return name, metrics_module.MeanMetricWrapper(fn, name=name)


_ = cbks
