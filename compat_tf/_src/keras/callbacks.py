"""tf.keras.callbacks (TF 1.15): hooks fit/evaluate/predict call around epochs and batches.

History records each epoch's logs; ProgbarLogger prints Keras' progress bar ("Epoch 1/3",
"64/64 [====] - 0s 1ms/sample - loss: 0.5 - acc: 0.8"); ModelCheckpoint saves the model or
its weights (HDF5 or a TF checkpoint, by filepath) each epoch or on improvement of `monitor`;
EarlyStopping stops when `monitor` stops improving by min_delta for `patience` epochs
(optionally restoring the best weights); TensorBoard writes real event files (scalars per epoch
or batch, weight histograms every histogram_freq epochs, the graph) through tf.summary's
FileWriter; LearningRateScheduler/ReduceLROnPlateau set the optimizer's learning rate
variable; CSVLogger appends rows; TerminateOnNaN stops on a NaN/inf loss; LambdaCallback
wraps functions.

Deviations: RemoteMonitor needs the `requests` package and a server (it posts as Keras does);
TensorBoard's embeddings/profiling options are accepted and ignored.
"""
import collections
import csv
import io
import json
import os
import time

import numpy as np

from compat_tf._src.keras import backend as K
from compat_tf._src.keras.utils.generic_utils import Progbar

_logging = None


def _warn(msg, *args):
    from compat_tf._src.platform import tf_logging
    tf_logging.warning(msg, *args)


class CallbackList:
    """A list of callbacks called together (set_model/set_params broadcast)."""

    def __init__(self, callbacks=None, queue_length=10):
        self.callbacks = list(callbacks or [])
        self.params = {}
        self.model = None

    def append(self, callback):
        self.callbacks.append(callback)

    def set_params(self, params):
        self.params = params
        for cb in self.callbacks:
            cb.set_params(params)

    def set_model(self, model):
        self.model = model
        for cb in self.callbacks:
            cb.set_model(model)

    def _call(self, hook, *args):
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs or {})

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs or {})

    def call_batch_hook(self, mode, hook, batch, logs=None):
        name = {"train": "on_train_batch_", "test": "on_test_batch_", "predict": "on_predict_batch_"}[mode] + hook
        self._call(name, batch, logs or {})
        if mode == "train":
            self._call("on_batch_" + hook, batch, logs or {})

    def call_begin_hook(self, mode):
        self._call({"train": "on_train_begin", "test": "on_test_begin", "predict": "on_predict_begin"}[mode], {})

    def call_end_hook(self, mode):
        self._call({"train": "on_train_end", "test": "on_test_end", "predict": "on_predict_end"}[mode], {})

    def __iter__(self):
        return iter(self.callbacks)


class Callback:
    """tf.keras.callbacks.Callback: override the on_* hooks you need."""

    def __init__(self):
        self.validation_data = None
        self.model = None
        self.params = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass


class BaseLogger(Callback):
    """Averages the batch values of non-stateful metrics into the epoch logs (weighted by batch size)."""

    def __init__(self, stateful_metrics=None):
        super().__init__()
        self.stateful_metrics = set(stateful_metrics or [])

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        batch_size = logs.get("size", 0)
        num_steps = logs.get("num_steps", 1)
        self.seen += batch_size * num_steps
        for k, v in logs.items():
            if k in self.stateful_metrics:
                self.totals[k] = v
            elif k in self.totals:
                self.totals[k] += v * batch_size
            else:
                self.totals[k] = v * batch_size

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            for k in self.params["metrics"]:
                if k in self.totals:
                    logs[k] = self.totals[k] if k in self.stateful_metrics else self.totals[k] / self.seen


class TerminateOnNaN(Callback):
    """Stops training when a batch loss is NaN or inf."""

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and (np.isnan(loss) or np.isinf(loss)):
            print("Batch %d: Invalid loss, terminating training" % batch)
            self.model.stop_training = True


class ProgbarLogger(Callback):
    """Prints metrics to stdout (count_mode 'samples' or 'steps')."""

    def __init__(self, count_mode="samples", stateful_metrics=None):
        super().__init__()
        if count_mode == "samples":
            self.use_steps = False
        elif count_mode == "steps":
            self.use_steps = True
        else:
            raise ValueError("Unknown `count_mode`: " + str(count_mode))
        self.stateful_metrics = set(stateful_metrics or [])

    def on_train_begin(self, logs=None):
        self.verbose = self.params["verbose"]
        self.epochs = self.params["epochs"]

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.target = self.params["steps"] if self.use_steps else self.params["samples"]
        if self.verbose and self.epochs > 1:
            print("Epoch %d/%d" % (epoch + 1, self.epochs))
        self.progbar = Progbar(target=self.target, verbose=self.verbose, stateful_metrics=self.stateful_metrics,
                               unit_name="step" if self.use_steps else "sample")

    def on_batch_begin(self, batch, logs=None):
        self.log_values = []

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        num_steps = logs.get("num_steps", 1)
        self.seen += num_steps if self.use_steps else logs.get("size", 0) * num_steps
        for k in self.params["metrics"]:
            if k in logs:
                self.log_values.append((k, logs[k]))
        if self.verbose and (self.target is None or self.seen < self.target):
            self.progbar.update(self.seen, self.log_values)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        for k in self.params["metrics"]:
            if k in logs:
                self.log_values.append((k, logs[k]))
        if self.verbose:
            self.progbar.update(self.seen, self.log_values)


class History(Callback):
    """Records `epoch` (list) and `history` ({metric: [value per epoch]}); fit returns it."""

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epoch.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)


def _monitor_op(mode, monitor, name):
    if mode not in ("auto", "min", "max"):
        _warn("%s mode %s is unknown, fallback to auto mode.", name, mode)
        mode = "auto"
    if mode == "min" or (mode == "auto" and "acc" not in monitor):
        return np.less
    return np.greater


class ModelCheckpoint(Callback):
    """tf.keras.callbacks.ModelCheckpoint(filepath, monitor='val_loss', verbose=0, save_best_only=False,
    save_weights_only=False, mode='auto', save_freq='epoch', period=1): `filepath` may hold
    format fields ({epoch:02d}, {val_loss:.2f})."""

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", load_weights_on_restart=False, period=1, **kwargs):
        super().__init__()
        self.monitor = monitor
        self.verbose = verbose
        self.filepath = filepath
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.period = period
        self.epochs_since_last_save = 0
        self.load_weights_on_restart = load_weights_on_restart
        if save_freq != "epoch" and not isinstance(save_freq, int):
            raise ValueError("Unrecognized save_freq: {}".format(save_freq))
        self.save_freq = save_freq
        self._samples_seen = 0
        self.monitor_op = _monitor_op(mode, monitor, "ModelCheckpoint")
        self.best = np.inf if self.monitor_op is np.less else -np.inf

    def on_batch_end(self, batch, logs=None):
        if isinstance(self.save_freq, int):
            self._samples_seen += (logs or {}).get("size", 1)
            if self._samples_seen >= self.save_freq:
                self._save_model(self._current_epoch, logs)
                self._samples_seen = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self.epochs_since_last_save += 1
        if self.save_freq == "epoch":
            self._save_model(epoch, logs)

    def _save_model(self, epoch, logs):
        logs = logs or {}
        if isinstance(self.save_freq, int) or self.epochs_since_last_save >= self.period:
            self.epochs_since_last_save = 0
            filepath = self.filepath.format(epoch=epoch + 1, **logs)
            if self.save_best_only:
                current = logs.get(self.monitor)
                if current is None:
                    _warn("Can save best model only with %s available, skipping.", self.monitor)
                    return
                if self.monitor_op(current, self.best):
                    if self.verbose > 0:
                        print("\nEpoch %05d: %s improved from %0.5f to %0.5f, saving model to %s"
                              % (epoch + 1, self.monitor, self.best, current, filepath))
                    self.best = current
                    self._write(filepath)
                elif self.verbose > 0:
                    print("\nEpoch %05d: %s did not improve from %0.5f" % (epoch + 1, self.monitor, self.best))
            else:
                if self.verbose > 0:
                    print("\nEpoch %05d: saving model to %s" % (epoch + 1, filepath))
                self._write(filepath)

    def _write(self, filepath):
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)


class EarlyStopping(Callback):
    """tf.keras.callbacks.EarlyStopping(monitor='val_loss', min_delta=0, patience=0, verbose=0, mode='auto',
    baseline=None, restore_best_weights=False)."""

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False):
        super().__init__()
        self.monitor = monitor
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.min_delta = abs(min_delta)
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.monitor_op = _monitor_op(mode, monitor, "EarlyStopping")
        if self.monitor_op is np.greater:
            self.min_delta *= 1
        else:
            self.min_delta *= -1

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        if self.baseline is not None:
            self.best = self.baseline
        else:
            self.best = np.inf if self.monitor_op is np.less else -np.inf

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            _warn("Early stopping conditioned on metric `%s` which is not available. Available metrics are: %s",
                  self.monitor, ",".join(list((logs or {}).keys())))
            return
        if self.monitor_op(current - self.min_delta, self.best):
            self.best = current
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                if self.restore_best_weights:
                    if self.verbose > 0:
                        print("Restoring model weights from the end of the best epoch.")
                    self.model.set_weights(self.best_weights)

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print("Epoch %05d: early stopping" % (self.stopped_epoch + 1))


class RemoteMonitor(Callback):
    """Posts each epoch's logs as JSON to `root + path` (needs the `requests` package)."""

    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data", headers=None,
                 send_as_json=False):
        super().__init__()
        self.root, self.path, self.field = root, path, field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        try:
            import requests
        except ImportError:
            raise ImportError("RemoteMonitor requires the `requests` library.") from None
        send = {"epoch": epoch}
        for k, v in (logs or {}).items():
            send[k] = float(v) if isinstance(v, (np.generic, np.ndarray)) else v
        try:
            if self.send_as_json:
                requests.post(self.root + self.path, json=send, headers=self.headers)
            else:
                requests.post(self.root + self.path, {self.field: json.dumps(send)}, headers=self.headers)
        except requests.exceptions.RequestException:
            _warn("Warning: could not reach RemoteMonitor root server at " + str(self.root))


def _set_lr(model, lr):
    if not hasattr(model.optimizer, "lr"):
        raise ValueError('Optimizer must have a "lr" attribute.')
    K.set_value(model.optimizer.lr, lr)


class LearningRateScheduler(Callback):
    """Sets the optimizer's learning rate to schedule(epoch[, lr]) at each epoch start."""

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        if not hasattr(self.model.optimizer, "lr"):
            raise ValueError('Optimizer must have a "lr" attribute.')
        try:
            lr = float(K.get_value(self.model.optimizer.lr))
            lr = self.schedule(epoch, lr)
        except TypeError:
            lr = self.schedule(epoch)
        if not isinstance(lr, (float, np.float32, np.float64)):
            raise ValueError('The output of the "schedule" function should be float.')
        _set_lr(self.model, lr)
        if self.verbose > 0:
            print("\nEpoch %05d: LearningRateScheduler reducing learning rate to %s." % (epoch + 1, lr))

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["lr"] = K.get_value(self.model.optimizer.lr)


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by `factor` when `monitor` has not improved for `patience` epochs."""

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0, **kwargs):
        super().__init__()
        self.monitor = monitor
        if factor >= 1.0:
            raise ValueError("ReduceLROnPlateau does not support a factor >= 1.0.")
        if "epsilon" in kwargs:
            min_delta = kwargs.pop("epsilon")
        self.factor = factor
        self.min_lr = min_lr
        self.min_delta = min_delta
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0
        self.best = 0
        self.mode = mode
        self._reset()

    def _reset(self):
        if self.mode not in ("auto", "min", "max"):
            _warn("Learning Rate Plateau Reducing mode %s is unknown, fallback to auto mode.", self.mode)
            self.mode = "auto"
        if self.mode == "min" or (self.mode == "auto" and "acc" not in self.monitor):
            self.monitor_op = lambda a, b: np.less(a, b - self.min_delta)
            self.best = np.inf
        else:
            self.monitor_op = lambda a, b: np.greater(a, b + self.min_delta)
            self.best = -np.inf
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        logs["lr"] = K.get_value(self.model.optimizer.lr)
        current = logs.get(self.monitor)
        if current is None:
            _warn("Reduce LR on plateau conditioned on metric `%s` which is not available. Available metrics are: "
                  "%s", self.monitor, ",".join(list(logs.keys())))
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.monitor_op(current, self.best):
            self.best = current
            self.wait = 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(K.get_value(self.model.optimizer.lr))
                if old_lr > self.min_lr:
                    new_lr = max(old_lr * self.factor, self.min_lr)
                    _set_lr(self.model, new_lr)
                    if self.verbose > 0:
                        print("\nEpoch %05d: ReduceLROnPlateau reducing learning rate to %s." % (epoch + 1, new_lr))
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class CSVLogger(Callback):
    """Streams epoch results to a CSV file (header: epoch + sorted log keys)."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.sep = separator
        self.filename = filename
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        self.csv_file = io.open(self.filename, mode, newline="")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}

        def handle(k):
            is_zero_dim = isinstance(k, np.ndarray) and k.ndim == 0
            if isinstance(k, str):
                return k
            if isinstance(k, collections.abc.Iterable) and not is_zero_dim:
                return '"[%s]"' % (", ".join(map(str, k)))
            return k
        if self.keys is None:
            self.keys = sorted(logs.keys())
        if self.model.stop_training:
            logs = dict((k, logs[k]) if k in logs else (k, "NA") for k in self.keys)
        if not self.writer:
            class CustomDialect(csv.excel):
                delimiter = self.sep
            fieldnames = ["epoch"] + self.keys
            self.writer = csv.DictWriter(self.csv_file, fieldnames=fieldnames, dialect=CustomDialect)
            if self.append_header:
                self.writer.writeheader()
        row = collections.OrderedDict({"epoch": epoch})
        row.update((key, handle(logs[key])) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        self.csv_file.close()
        self.writer = None


class LambdaCallback(Callback):
    """A callback from functions: on_epoch_begin/end(epoch, logs), on_batch_begin/end(batch, logs),
    on_train_begin/end(logs)."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None, on_batch_end=None,
                 on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        self.__dict__.update(kwargs)
        noop2 = lambda a, b: None  # noqa: E731
        noop1 = lambda a: None  # noqa: E731
        self.on_epoch_begin = on_epoch_begin or noop2
        self.on_epoch_end = on_epoch_end or noop2
        self.on_batch_begin = on_batch_begin or noop2
        self.on_batch_end = on_batch_end or noop2
        self.on_train_begin = on_train_begin or noop1
        self.on_train_end = on_train_end or noop1


class TensorBoard(Callback):
    """tf.keras.callbacks.TensorBoard(log_dir='./logs', histogram_freq=0, write_graph=True,
    write_images=False, update_freq='epoch', ...): event files in log_dir with the epoch (or
    batch/every n samples) logs as scalars, weight histograms every histogram_freq epochs and
    the graph."""

    def __init__(self, log_dir="./logs", histogram_freq=0, batch_size=32, write_graph=True, write_grads=False,
                 write_images=False, embeddings_freq=0, embeddings_layer_names=None, embeddings_metadata=None,
                 embeddings_data=None, update_freq="epoch", profile_batch=2):
        super().__init__()
        self.log_dir = log_dir
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.batch_size = batch_size
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self._samples_seen = 0
        self._samples_seen_at_last_write = 0
        self._total_batches_seen = 0
        self.writer = None
        self._hist_ops = None

    def set_model(self, model):
        from compat_tf._src.summary import writer as _writer
        self.model = model
        if self.writer is None:
            graph = K.get_session().graph if self.write_graph else None
            self.writer = _writer.FileWriter(self.log_dir, graph)

    def _write_scalars(self, logs, step):
        from compat_tf._src.summary import protos
        summary = protos.Summary()
        for name, value in logs.items():
            if name in ("batch", "size", "num_steps"):
                continue
            try:
                v = float(value)
            except (TypeError, ValueError):
                continue
            item = summary.value.add()
            item.tag = name
            item.simple_value = v
        self.writer.add_summary(summary, step)
        self.writer.flush()

    def _write_histograms(self, epoch):
        from compat_tf._src.summary import summary_ops
        if self._hist_ops is None:
            ops = []
            g = K.get_session().graph
            with g.as_default():
                for layer in self.model.layers:
                    for w in layer.weights:
                        ops.append(summary_ops.histogram(w.op.name.replace(":", "_"), w))
            self._hist_ops = summary_ops.merge(ops) if ops else None
        if self._hist_ops is not None:
            self.writer.add_summary(K.get_session().run(self._hist_ops), epoch)
            self.writer.flush()

    def on_batch_end(self, batch, logs=None):
        if self.update_freq == "epoch":
            return
        logs = logs or {}
        self._samples_seen += logs.get("size", 1)
        if self._samples_seen - self._samples_seen_at_last_write >= self.update_freq:
            self._write_scalars({("batch_" + k): v for k, v in logs.items()}, self._total_batches_seen)
            self._samples_seen_at_last_write = self._samples_seen
        self._total_batches_seen += 1

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        step = epoch if self.update_freq == "epoch" else self._samples_seen
        prefix = "" if self.update_freq == "epoch" else "epoch_"
        self._write_scalars({prefix + k: v for k, v in logs.items()}, step)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._write_histograms(epoch)

    def on_train_end(self, logs=None):
        if self.writer is not None:
            self.writer.flush()


def configure_callbacks(callbacks, model, do_validation=False, batch_size=None, epochs=None,
                        steps_per_epoch=None, samples=None, verbose=1, count_mode="steps", mode="train"):
    """TF 1.15's configure_callbacks: BaseLogger + user callbacks + History (+ ProgbarLogger) for training."""
    if isinstance(callbacks, CallbackList):
        return callbacks
    callbacks = list(callbacks or [])
    if mode == "train":
        model.history = History()
        stateful = model.metrics_names[1:]
        callbacks = [BaseLogger(stateful_metrics=stateful)] + callbacks + [model.history]
        if verbose:
            callbacks.append(ProgbarLogger(count_mode, stateful_metrics=stateful))
    cb = CallbackList(callbacks)
    cb.set_model(model)
    metrics = list(model.metrics_names)
    if do_validation:
        metrics += ["val_" + n for n in model.metrics_names]
    cb.set_params({"batch_size": batch_size, "epochs": epochs, "steps": steps_per_epoch, "samples": samples,
                   "verbose": verbose, "do_validation": do_validation, "metrics": metrics})
    model.stop_training = False
    return cb


_ = time
