"""The fit / evaluate / predict loops of tf.keras.Model (TF 1.15's training_arrays.model_iteration
and training_utils' input standardization), over NumPy arrays, tf.data datasets and generators.

Arrays: 1-D arrays become columns; shapes are checked against the model's inputs ("Error when
checking input: expected dense_input to have shape (6,) but got array with shape (5,)");
validation_split takes the last fraction of the samples (before shuffling); each epoch shuffles
an index array with np.random.shuffle (shuffle='batch' shuffles batches), slices batches and
runs the execution function once per batch. Results per epoch: the loss averaged over the
batches weighted by their sizes (over steps for datasets), the stateful metrics' last values.
"""
import numpy as np

from compat_tf._src.framework import errors
from compat_tf._src.keras import backend as K
from compat_tf._src.keras import callbacks as cbks
from compat_tf._src.keras.utils.generic_utils import make_batches, slice_arrays


# -- standardization ------------------------------------------------------------------------------

def _is_dataset(x):
    from compat_tf._src.data import dataset_ops
    return isinstance(x, dataset_ops.Dataset)


def _is_iterator(x):
    return hasattr(x, "get_next") and hasattr(x, "initializer")


def standardize_input_data(data, names, shapes=None, check_batch_axis=True, exception_prefix="",
                           check_shapes=True):
    """data (array, list or dict by name) -> a list of arrays in `names` order, shapes checked."""
    if not names:
        if data is not None and hasattr(data, "__len__") and len(data):
            raise ValueError(f"Error when checking model {exception_prefix}: expected no data, but got: {data}")
        return []
    if data is None:
        return [None for _ in names]
    if isinstance(data, dict):
        try:
            data = [np.asarray(data[n]) if not hasattr(data[n], "shape") else data[n] for n in names]
        except KeyError as e:
            raise ValueError(f'No data provided for "{e.args[0]}". Need data for each key in: {names}') from None
    elif isinstance(data, (list, tuple)):
        if isinstance(data[0], (list, tuple)):
            data = [np.asarray(d) for d in data]
        elif len(names) == 1 and isinstance(data[0], (float, int, np.number)):
            data = [np.asarray(data)]
        else:
            data = [np.asarray(x) if not hasattr(x, "shape") else x for x in data]
    else:
        data = [np.asarray(data) if not hasattr(data, "shape") else data]
    data = [np.expand_dims(x, 1) if x is not None and getattr(x, "ndim", 0) == 1 else x for x in data]
    if len(data) != len(names):
        if data and hasattr(data[0], "shape"):
            raise ValueError(f"Error when checking model {exception_prefix}: the list of Numpy arrays that you are "
                             f"passing to your model is not the size the model expected. Expected to see "
                             f"{len(names)} array(s), but instead got the following list of {len(data)} arrays: "
                             f"{str(data)[:200]}...")
        raise ValueError(f"Error when checking model {exception_prefix}: you are passing a list as input to your "
                         f"model, but the model expects a list of {len(names)} Numpy arrays instead.")
    if shapes and check_shapes:
        for i, (name, ref) in enumerate(zip(names, shapes)):
            if ref is None or data[i] is None:
                continue
            shape = data[i].shape
            if len(shape) != len(ref):
                raise ValueError(f"Error when checking {exception_prefix}: expected {name} to have {len(ref)} "
                                 f"dimensions, but got array with shape {shape}")
            check = ref[1:] if not check_batch_axis else ref
            got = shape[1:] if not check_batch_axis else shape
            for dim, ref_dim in zip(got, check):
                if ref_dim != dim and ref_dim is not None and dim is not None:
                    raise ValueError(f"Error when checking {exception_prefix}: expected {name} to have shape "
                                     f"{tuple(ref[1:])} but got array with shape {tuple(shape[1:])}")
    return data


def check_loss_and_target_compatibility(targets, loss_fns, output_shapes):
    from compat_tf._src.keras import losses as L
    for y, fn, shape in zip(targets, loss_fns, output_shapes):
        if y is None or fn is None:
            continue
        inner = getattr(fn, "fn", fn)
        if inner is L.categorical_crossentropy or isinstance(fn, L.CategoricalCrossentropy):
            if y.shape[-1] == 1:
                raise ValueError(f"You are passing a target array of shape {y.shape} while using as loss "
                                 "`categorical_crossentropy`. `categorical_crossentropy` expects targets to be "
                                 "binary matrices (1s and 0s) of shape (samples, classes). If your targets are "
                                 "integer classes, you can convert them to the expected format via:\n```\nfrom "
                                 "keras.utils import to_categorical\ny_binary = to_categorical(y_int)\n```\n\n"
                                 "Alternatively, you can use the loss function `sparse_categorical_crossentropy` "
                                 "instead, which does expect integer targets.")
        if inner in (L.binary_crossentropy, L.mean_squared_error, L.categorical_crossentropy) and shape:
            for dim, ref in zip(y.shape[1:], shape[1:]):
                if ref is not None and dim != ref:
                    raise ValueError(f"A target array with shape {y.shape} was passed for an output of shape "
                                     f"{shape} while using as loss `{getattr(inner, '__name__', inner)}`. This loss "
                                     "expects targets to have the same shape as the output.")


def standardize_sample_weights(sample_weight, class_weight, targets, names):
    out = []
    sws = sample_weight if isinstance(sample_weight, (list, tuple)) else \
        [sample_weight.get(n) for n in names] if isinstance(sample_weight, dict) else [sample_weight] * len(names)
    if isinstance(class_weight, (list, tuple)):
        cws = class_weight
    elif isinstance(class_weight, dict) and any(n in class_weight for n in names):
        cws = [class_weight.get(n) for n in names]
    else:
        cws = [class_weight] * len(names)
    for y, sw, cw in zip(targets, sws, cws):
        if sw is not None:
            sw = np.asarray(sw, dtype=K.floatx())
            if sw.ndim == 2 and sw.shape[1] == 1 and y is not None and y.ndim == 2:
                sw = sw[:, 0]
            out.append(sw)
        elif cw is not None and y is not None:
            if y.ndim == 2 and y.shape[1] > 1:
                classes = np.argmax(y, axis=1)
            elif y.ndim == 2 and y.shape[1] == 1:
                classes = np.reshape(y, y.shape[0])
            else:
                classes = y
            missing = set(np.unique(classes).tolist()) - set(cw.keys())
            if missing:
                raise ValueError("`class_weight` must contain all classes in the data. The classes %s exist in the "
                                 "data but not in `class_weight`." % missing)
            out.append(np.asarray([cw[c] for c in classes.tolist()], dtype=K.floatx()))
        else:
            out.append(None)
    return out


def check_array_lengths(inputs, targets, weights=None):
    def lengths(arrays):
        return {a.shape[0] for a in arrays if a is not None and hasattr(a, "shape")}
    xs, ys, ws = lengths(inputs), lengths(targets), lengths(weights or [])
    if len(xs) > 1:
        raise ValueError("All input arrays (x) should have the same number of samples. Got array shapes: "
                         + str([x.shape for x in inputs]))
    if len(ys) > 1:
        raise ValueError("All target arrays (y) should have the same number of samples. Got array shapes: "
                         + str([y.shape for y in targets]))
    if xs and ys and list(xs)[0] != list(ys)[0]:
        raise ValueError(f"Input arrays should have the same number of samples as target arrays. Found "
                         f"{list(xs)[0]} input samples and {list(ys)[0]} target samples.")
    if len(ws) > 1 or (ws and ys and list(ws)[0] != list(ys)[0]):
        raise ValueError(f"Sample_weight arrays should have the same number of samples as target arrays. Got "
                         f"{list(ys)[0] if ys else None} input samples and {sorted(ws)} target samples.")


def feed_values(model, mode, xs, ys, sws):
    """The values for model._ins(mode): inputs, targets, sample weights (None: default 1), learning phase."""
    vals = list(xs)
    if mode != "predict":
        vals += list(ys)
        vals += [sw for sw in sws] + [None] * (len(model._feed_sample_weights) - len(sws))
    if not isinstance(K.symbolic_learning_phase(), int):
        vals.append(mode == "train")
    return vals


# -- batch loops ------------------------------------------------------------------------------------

def _execution_function(model, mode):
    if mode == "train":
        model._make_train_function()
        return model.train_function
    if mode == "test":
        model._make_test_function()
        return model.test_function
    model._make_predict_function()
    return model.predict_function


def _print_train_info(n, val_n, is_dataset):
    unit = "steps" if is_dataset else "samples"
    msg = f"Train on {n} {unit}"
    if val_n:
        msg += f", validate on {val_n} {unit}"
    print(msg)


class _DatasetFeed:
    """Batches of a tf.data dataset read on the host: per epoch, a fresh initializable iterator."""

    def __init__(self, dataset):
        from compat_tf._src.data import iterator_ops
        g = K.get_graph()
        with g.as_default():
            self.iterator = iterator_ops.make_initializable_iterator(dataset) \
                if hasattr(iterator_ops, "make_initializable_iterator") else dataset.make_initializable_iterator()
            self.next = self.iterator.get_next()
        self.started = False

    def reset(self):
        K.get_session().run(self.iterator.initializer)
        self.started = True

    def next_batch(self):
        if not self.started:
            self.reset()
        value = K.get_session().run(self.next)
        if isinstance(value, dict):
            return value, None, None
        if isinstance(value, tuple):
            if len(value) == 2:
                return value[0], value[1], None
            if len(value) == 3:
                return value
        return value, None, None


def _batch_logs(model, logs, outs, mode, prefix=""):
    if mode == "predict":
        return logs
    for name, v in zip(model.metrics_names, outs):
        logs[prefix + name] = float(np.asarray(v))
    return logs


def _run_epoch_arrays(model, f, mode, ins_fn, n, batch_size, shuffle, callbacks):
    index = np.arange(n)
    if shuffle == "batch":
        batches = make_batches(n, batch_size)
        np.random.shuffle(batches)
        index = np.concatenate([index[s:e] for s, e in batches]) if batches else index
    elif shuffle:
        np.random.shuffle(index)
    results = None
    outputs = []
    for b, (start, end) in enumerate(make_batches(n, batch_size)):
        ids = index[start:end]
        logs = {"batch": b, "size": len(ids)}
        if callbacks is not None:
            callbacks.call_batch_hook(mode, "begin", b, logs)
        outs = f(ins_fn(ids))
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        if mode == "predict":
            outputs.append(outs)
        else:
            if results is None:
                results = [0.] * len(outs)
            results[0] += float(outs[0]) * len(ids)
            results[1:] = [float(o) for o in outs[1:]]
        logs = _batch_logs(model, logs, outs, mode)
        if callbacks is not None:
            callbacks.call_batch_hook(mode, "end", b, logs)
            if model.stop_training:
                break
    if mode == "predict":
        return outputs
    if results is None:
        raise ValueError("Empty training data.")
    results[0] /= n
    return results


def _run_epoch_steps(model, f, mode, next_fn, steps, callbacks):
    """Runs up to `steps` batches (None: until the data is exhausted); returns (results, steps run)."""
    results, outputs, step = None, [], 0
    while steps is None or step < steps:
        try:
            ins = next_fn()
        except (errors.OutOfRangeError, StopIteration):
            if steps is not None:
                model.stop_training = True
                from compat_tf._src.platform import tf_logging
                tf_logging.warning("Your dataset ran out of data; interrupting training. Make sure that your dataset "
                                   "can generate at least `steps_per_epoch * epochs` batches (in this case, %d "
                                   "batches). You may need to use the repeat() function when building your "
                                   "dataset.", steps)
            break
        logs = {"batch": step, "size": 1}
        if callbacks is not None:
            callbacks.call_batch_hook(mode, "begin", step, logs)
        outs = f(ins)
        outs = list(outs) if isinstance(outs, (list, tuple)) else [outs]
        if mode == "predict":
            outputs.append(outs)
        else:
            if results is None:
                results = [0.] * len(outs)
            results[0] += float(outs[0])
            results[1:] = [float(o) for o in outs[1:]]
        logs = _batch_logs(model, logs, outs, mode)
        if callbacks is not None:
            callbacks.call_batch_hook(mode, "end", step, logs)
        step += 1
        if model.stop_training:
            break
    if mode == "predict":
        return outputs, step
    if results is None:
        return None, step
    results[0] /= max(step, 1)
    return results, step


def _dataset_next(model, mode, feed):
    def next_fn():
        x, y, sw = feed.next_batch()
        xs, ys, sws = model._standardize_user_data(x, y, sw, check_targets=mode != "predict")
        return feed_values(model, mode, xs, ys, sws)
    return next_fn


def _generator_next(model, mode, generator, class_weight=None):
    it = iter(generator) if not hasattr(generator, "__next__") else generator

    def next_fn():
        data = next(it)
        if not isinstance(data, tuple):
            data = (data,)
        x, y, sw = (list(data) + [None, None])[:3]
        xs, ys, sws = model._standardize_user_data(x, y, sw, class_weight, check_targets=mode != "predict")
        return feed_values(model, mode, xs, ys, sws)
    return next_fn


def _steps_of(generator, steps):
    if steps is None and hasattr(generator, "__len__"):
        return len(generator)
    return steps


# -- fit / evaluate / predict ------------------------------------------------------------------------

def _split_validation(validation_data):
    if isinstance(validation_data, (list, tuple)):
        if len(validation_data) == 2:
            return validation_data[0], validation_data[1], None
        if len(validation_data) == 3:
            return validation_data
        raise ValueError("When passing a `validation_data` argument, it must contain either 2 items (x_val, y_val), "
                         f"or 3 items (x_val, y_val, val_sample_weights), or alternatively it could be a dataset or a "
                         f"dataset or a dataset iterator. However we received `validation_data={validation_data}`")
    return validation_data, None, None


def fit(model, x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data, shuffle,
        class_weight, sample_weight, initial_epoch, steps_per_epoch, validation_steps, validation_freq):
    is_dataset = _is_dataset(x)
    if batch_size is None and not is_dataset and steps_per_epoch is None:
        batch_size = 32
    if is_dataset:
        if y is not None:
            raise ValueError("`y` argument is not supported when using dataset as input.")
        feed = _DatasetFeed(x)
        if model._compile_args is not None and getattr(model, "total_loss", None) is None:
            x0, _, _ = feed.next_batch()
            model._set_inputs(x0)
            feed.started = False
        f = _execution_function(model, "train")
        num, count_mode = steps_per_epoch, "steps"
    else:
        xs, ys, sws = model._standardize_user_data(x, y, sample_weight, class_weight)
        f = _execution_function(model, "train")
        num, count_mode = xs[0].shape[0], "samples"
    val = None
    do_validation = False
    if validation_data is not None:
        vx, vy, vsw = _split_validation(validation_data)
        if _is_dataset(vx):
            val = ("dataset", _DatasetFeed(vx), validation_steps)
            val_n = validation_steps
        else:
            vxs, vys, vsws = model._standardize_user_data(vx, vy, vsw)
            val = ("arrays", (vxs, vys, vsws), vxs[0].shape[0])
            val_n = vxs[0].shape[0]
        do_validation = True
    elif validation_split and 0. < validation_split < 1. and not is_dataset:
        split_at = int(xs[0].shape[0] * (1. - validation_split))
        vxs, vys, vsws = (slice_arrays(a, split_at) for a in (xs, ys, sws))
        xs, ys, sws = (slice_arrays(a, 0, split_at) for a in (xs, ys, sws))
        num = split_at
        val = ("arrays", (vxs, vys, vsws), vxs[0].shape[0])
        val_n = vxs[0].shape[0]
        do_validation = True
    else:
        val_n = None
    if verbose:
        _print_train_info(num, val_n, is_dataset)
    callbacks = cbks.configure_callbacks(callbacks, model, do_validation=do_validation, batch_size=batch_size,
                                         epochs=epochs, steps_per_epoch=steps_per_epoch, samples=num,
                                         verbose=verbose, count_mode=count_mode)
    callbacks.call_begin_hook("train")
    for epoch in range(initial_epoch, epochs):
        if model.stop_training:
            break
        model.reset_metrics()
        epoch_logs = {}
        callbacks.on_epoch_begin(epoch, epoch_logs)
        if is_dataset:
            if steps_per_epoch is None or not feed.started:
                feed.reset()
            results, ran = _run_epoch_steps(model, f, "train", _dataset_next(model, "train", feed), steps_per_epoch,
                                            callbacks)
            if steps_per_epoch is None and callbacks.params.get("steps") is None:
                callbacks.params["steps"] = ran
            if results is None:
                break
        else:
            def ins_fn(ids, xs=xs, ys=ys, sws=sws):
                return feed_values(model, "train", slice_arrays(xs, ids), slice_arrays(ys, ids),
                                   [None if s is None else s[ids] for s in sws])
            results = _run_epoch_arrays(model, f, "train", ins_fn, num, batch_size, shuffle, callbacks)
        epoch_logs = _batch_logs(model, epoch_logs, results, "train")
        if do_validation and (epoch + 1) % validation_freq == 0 and not model.stop_training:
            val_results = _evaluate_data(model, val, batch_size)
            epoch_logs = _batch_logs(model, epoch_logs, val_results, "test", prefix="val_")
        callbacks.on_epoch_end(epoch, epoch_logs)
    callbacks.call_end_hook("train")
    return model.history


def _evaluate_data(model, val, batch_size):
    kind, data, n = val
    f = _execution_function(model, "test")
    model.reset_metrics()
    if kind == "dataset":
        data.reset()
        results, _ = _run_epoch_steps(model, f, "test", _dataset_next(model, "test", data), n, None)
        return results
    vxs, vys, vsws = data

    def ins_fn(ids):
        return feed_values(model, "test", slice_arrays(vxs, ids), slice_arrays(vys, ids),
                           [None if s is None else s[ids] for s in vsws])
    return _run_epoch_arrays(model, f, "test", ins_fn, n, batch_size or 32, False, None)


def _single(results):
    return results[0] if len(results) == 1 else results


def evaluate(model, x, y, batch_size, verbose, sample_weight, steps, callbacks):
    if _is_dataset(x):
        feed = _DatasetFeed(x)
        f = _execution_function(model, "test")
        model.reset_metrics()
        feed.reset()
        results, _ = _run_epoch_steps(model, f, "test", _dataset_next(model, "test", feed), steps, None)
        return _single(results)
    xs, ys, sws = model._standardize_user_data(x, y, sample_weight)
    return _single(_evaluate_data(model, ("arrays", (xs, ys, sws), xs[0].shape[0]), batch_size or 32))


def _concat_outputs(batches):
    if not batches:
        return []
    n_out = len(batches[0])
    outs = [np.concatenate([b[i] for b in batches]) for i in range(n_out)]
    return outs[0] if n_out == 1 else outs


def predict(model, x, batch_size, verbose, steps, callbacks):
    if _is_dataset(x):
        feed = _DatasetFeed(x)
        f = _execution_function(model, "predict")
        feed.reset()
        outputs, _ = _run_epoch_steps(model, f, "predict", _dataset_next(model, "predict", feed), steps, None)
        return _concat_outputs(outputs)
    xs, _, _ = model._standardize_user_data(x, check_targets=False)
    f = _execution_function(model, "predict")
    n = xs[0].shape[0]

    def ins_fn(ids):
        return feed_values(model, "predict", slice_arrays(xs, ids), [], [])
    return _concat_outputs(_run_epoch_arrays(model, f, "predict", ins_fn, n, batch_size or 32, False, None))


def fit_generator(model, generator, steps_per_epoch, epochs, verbose, callbacks, validation_data,
                  validation_steps, validation_freq, class_weight, shuffle, initial_epoch):
    steps_per_epoch = _steps_of(generator, steps_per_epoch)
    if steps_per_epoch is None:
        raise ValueError("`steps_per_epoch=None` is only valid for a generator based on the "
                         "`keras.utils.Sequence` class. Please specify `steps_per_epoch` or use the "
                         "`keras.utils.Sequence` class.")
    next_fn = _generator_next(model, "train", generator, class_weight)
    do_validation = validation_data is not None
    callbacks = cbks.configure_callbacks(callbacks, model, do_validation=do_validation, epochs=epochs,
                                         steps_per_epoch=steps_per_epoch, samples=steps_per_epoch, verbose=verbose,
                                         count_mode="steps")
    callbacks.call_begin_hook("train")
    f = None
    for epoch in range(initial_epoch, epochs):
        if model.stop_training:
            break
        if f is None:
            first = next_fn()
            f = _execution_function(model, "train")
            pending = [first]

            def next_with_pending():
                return pending.pop() if pending else next_fn()
        else:
            def next_with_pending():
                return next_fn()
        model.reset_metrics()
        epoch_logs = {}
        callbacks.on_epoch_begin(epoch, epoch_logs)
        results, _ = _run_epoch_steps(model, f, "train", next_with_pending, steps_per_epoch, callbacks)
        if results is None:
            break
        epoch_logs = _batch_logs(model, epoch_logs, results, "train")
        if do_validation and (epoch + 1) % validation_freq == 0:
            if isinstance(validation_data, tuple):
                vx, vy, vsw = _split_validation(validation_data)
                vxs, vys, vsws = model._standardize_user_data(vx, vy, vsw)
                val_results = _evaluate_data(model, ("arrays", (vxs, vys, vsws), vxs[0].shape[0]), 32)
            else:
                val_results = evaluate_generator(model, validation_data, validation_steps, 0, raw=True)
            epoch_logs = _batch_logs(model, epoch_logs, val_results, "test", prefix="val_")
        callbacks.on_epoch_end(epoch, epoch_logs)
    callbacks.call_end_hook("train")
    return model.history


def evaluate_generator(model, generator, steps, verbose, raw=False):
    steps = _steps_of(generator, steps)
    next_fn = _generator_next(model, "test", generator)
    first = next_fn()
    f = _execution_function(model, "test")
    pending = [first]
    model.reset_metrics()
    results, _ = _run_epoch_steps(model, f, "test", lambda: pending.pop() if pending else next_fn(), steps, None)
    return results if raw else _single(results)


def predict_generator(model, generator, steps, verbose):
    steps = _steps_of(generator, steps)
    next_fn = _generator_next(model, "predict", generator)
    first = next_fn()
    f = _execution_function(model, "predict")
    pending = [first]
    outputs, _ = _run_epoch_steps(model, f, "predict", lambda: pending.pop() if pending else next_fn(), steps, None)
    return _concat_outputs(outputs)
