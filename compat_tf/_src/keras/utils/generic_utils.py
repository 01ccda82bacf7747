"""tf.keras.utils generic helpers (TF 1.15's keras/utils/generic_utils.py): custom objects,
(de)serialization of Keras objects as {'class_name', 'config'}, Progbar, batching helpers.

Progbar prints what Keras 2.2.4-tf prints: "n/N [====>....] - ETA: 1s - loss: 0.1234" updated
in place (verbose=1), or one "N/N - 0s - loss: ..." line at the end (verbose=2); values not in
`stateful_metrics` are shown as their average weighted by the steps each covered.
"""
import re
import sys
import time

import numpy as np

_GLOBAL_CUSTOM_OBJECTS = {}


class CustomObjectScope:
    """tf.keras.utils.CustomObjectScope({'name': obj, ...}): objects visible to deserialization."""

    def __init__(self, *args):
        self.custom_objects = args
        self.backup = None

    def __enter__(self):
        self.backup = _GLOBAL_CUSTOM_OBJECTS.copy()
        for objects in self.custom_objects:
            _GLOBAL_CUSTOM_OBJECTS.update(objects)
        return self

    def __exit__(self, *args):
        _GLOBAL_CUSTOM_OBJECTS.clear()
        _GLOBAL_CUSTOM_OBJECTS.update(self.backup)


def custom_object_scope(*args):
    """tf.keras.utils.custom_object_scope: a CustomObjectScope."""
    return CustomObjectScope(*args)


def get_custom_objects():
    """tf.keras.utils.get_custom_objects: the global dict of custom objects (mutable)."""
    return _GLOBAL_CUSTOM_OBJECTS


def serialize_keras_class_and_config(cls_name, cls_config):
    return {"class_name": cls_name, "config": cls_config}


def serialize_keras_object(instance):
    """tf.keras.utils.serialize_keras_object: {'class_name', 'config'} for objects with
    get_config, the `__name__` of functions."""
    if instance is None:
        return None
    if hasattr(instance, "get_config"):
        return serialize_keras_class_and_config(type(instance).__name__, instance.get_config())
    if hasattr(instance, "__name__"):
        return instance.__name__
    raise ValueError("Cannot serialize", instance)


def class_and_config_for_serialized_keras_object(config, module_objects=None, custom_objects=None,
                                                 printable_module_name="object"):
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise ValueError("Improper config format: " + str(config))
    class_name = config["class_name"]
    if custom_objects and class_name in custom_objects:
        cls = custom_objects[class_name]
    elif class_name in _GLOBAL_CUSTOM_OBJECTS:
        cls = _GLOBAL_CUSTOM_OBJECTS[class_name]
    else:
        cls = (module_objects or {}).get(class_name)
        if cls is None:
            raise ValueError("Unknown " + printable_module_name + ": " + class_name)
    return cls, config["config"]


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None,
                             printable_module_name="object"):
    """tf.keras.utils.deserialize_keras_object: a config dict -> `cls.from_config(config)`,
    a name -> the object of that name (a class is instantiated with no arguments)."""
    import inspect
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        cls, cls_config = class_and_config_for_serialized_keras_object(
            identifier, module_objects, custom_objects, printable_module_name)
        custom_objects = custom_objects or {}
        if hasattr(cls, "from_config"):
            params = inspect.signature(cls.from_config).parameters
            if "custom_objects" in params:
                return cls.from_config(cls_config, custom_objects=dict(list(_GLOBAL_CUSTOM_OBJECTS.items())
                                                                       + list(custom_objects.items())))
            with CustomObjectScope(custom_objects):
                return cls.from_config(cls_config)
        with CustomObjectScope(custom_objects):
            return cls(**cls_config)
    if isinstance(identifier, str):
        if custom_objects and identifier in custom_objects:
            obj = custom_objects[identifier]
        elif identifier in _GLOBAL_CUSTOM_OBJECTS:
            obj = _GLOBAL_CUSTOM_OBJECTS[identifier]
        else:
            obj = (module_objects or {}).get(identifier)
            if obj is None:
                raise ValueError("Unknown " + printable_module_name + ":" + identifier)
        if isinstance(obj, type):
            return obj()
        return obj
    raise ValueError(f"Could not interpret serialized {printable_module_name}: {identifier}")


def to_snake_case(name):
    """Keras' to_snake_case: 'Conv2DTranspose' -> 'conv2d_transpose'."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    if insecure[0] != "_":
        return insecure
    return "private" + insecure


def to_list(x):
    """A list for a list/tuple, `[x]` otherwise."""
    if isinstance(x, list):
        return x
    if isinstance(x, tuple):
        return list(x)
    return [x]


def has_arg(fn, name, accept_all=False):
    import inspect
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    if accept_all and any(p.kind == p.VAR_KEYWORD for p in params.values()):
        return True
    return name in params


def make_batches(size, batch_size):
    """[(start, end), ...] covering range(size) in batches of batch_size (the last may be short)."""
    n = int(np.ceil(size / float(batch_size)))
    return [(i * batch_size, min(size, (i + 1) * batch_size)) for i in range(n)]


def slice_arrays(arrays, start=None, stop=None):
    """arrays[start:stop] (or arrays[indices] when `start` is an index list) for one array or a list."""
    if arrays is None:
        return [None]
    if isinstance(start, list) and stop is not None:
        raise ValueError("The stop argument has to be None if the value of start is a list.")
    if isinstance(arrays, list):
        if hasattr(start, "__len__"):
            if hasattr(start, "shape"):
                start = start.tolist()
            return [None if x is None else x[start] for x in arrays]
        return [None if x is None else (None if not hasattr(x, "__getitem__") else x[start:stop])
                for x in arrays]
    if hasattr(start, "__len__"):
        if hasattr(start, "shape"):
            start = start.tolist()
        return arrays[start]
    if hasattr(start, "__getitem__"):
        return arrays[start:stop]
    return [None]


class Progbar:
    """tf.keras.utils.Progbar(target, width=30, verbose=1, interval=0.05, stateful_metrics=None,
    unit_name='step'): Keras' console progress bar."""

    def __init__(self, target, width=30, verbose=1, interval=0.05, stateful_metrics=None, unit_name="step"):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()
        self._dynamic_display = ((hasattr(sys.stdout, "isatty") and sys.stdout.isatty())
                                 or "ipykernel" in sys.modules or "posix" in sys.modules)
        self._total_width = 0
        self._seen_so_far = 0
        self._values = {}          # name -> [weighted sum, weight] or a stateful value
        self._values_order = []
        self._start = time.time()
        self._last_update = 0

    def _record(self, current, values):
        steps = current - self._seen_so_far
        for k, v in values or []:
            if k not in self._values_order:
                self._values_order.append(k)
            if k in self.stateful_metrics:
                self._values[k] = [v, 1]    # shown as is, with the numeric formatting
            elif k in self._values and isinstance(self._values[k], list):
                self._values[k][0] += v * steps
                self._values[k][1] += steps
            else:
                self._values[k] = [v * steps, steps]
        self._seen_so_far = current

    def _value_text(self, k, signed):
        value = self._values[k]
        if not isinstance(value, list):
            return f" {value}"
        avg = np.mean(value[0] / max(1, value[1]))
        big = abs(avg) > 1e-3 if signed else avg > 1e-3
        return f" {avg:.4f}" if big else f" {avg:.4e}"

    def _bar(self, current):
        if self.target is None:
            return "%7d/Unknown" % current
        digits = int(np.log10(self.target)) + 1
        bar = ("%" + str(digits) + "d/%d [") % (current, self.target)
        filled = int(self.width * float(current) / self.target)
        if filled > 0:
            bar += "=" * (filled - 1) + (">" if current < self.target else "=")
        return bar + "." * (self.width - filled) + "]"

    def _timing(self, current, now):
        per_unit = (now - self._start) / current if current else 0
        if self.target is not None and current < self.target:
            eta = per_unit * (self.target - current)
            if eta > 3600:
                text = "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
            elif eta > 60:
                text = "%d:%02d" % (eta // 60, eta % 60)
            else:
                text = "%ds" % eta
            return " - ETA: " + text
        info = " - %.0fs" % (now - self._start)
        if per_unit >= 1 or per_unit == 0:
            return info + " %.0fs/%s" % (per_unit, self.unit_name)
        if per_unit >= 1e-3:
            return info + " %.0fms/%s" % (per_unit * 1e3, self.unit_name)
        return info + " %.0fus/%s" % (per_unit * 1e6, self.unit_name)

    def update(self, current, values=None):
        """Moves the bar to `current` with `values` = [(name, value of the last step), ...]."""
        self._record(current, values)
        now = time.time()
        done = self.target is not None and current >= self.target
        if self.verbose == 1:
            if now - self._last_update < self.interval and self.target is not None and not done:
                return
            prev_width = self._total_width
            if self._dynamic_display:
                sys.stdout.write("\b" * prev_width + "\r")
            else:
                sys.stdout.write("\n")
            bar = self._bar(current)
            self._total_width = len(bar)
            sys.stdout.write(bar)
            info = self._timing(current, now)
            for k in self._values_order:
                info += f" - {k}:" + self._value_text(k, signed=True)
            self._total_width += len(info)
            if prev_width > self._total_width:
                info += " " * (prev_width - self._total_width)
            if done:
                info += "\n"
            sys.stdout.write(info)
            sys.stdout.flush()
        elif self.verbose == 2 and done:
            digits = int(np.log10(self.target)) + 1
            info = ("%" + str(digits) + "d/%d") % (current, self.target) + " - %.0fs" % (now - self._start)
            for k in self._values_order:
                info += f" - {k}:" + self._value_text(k, signed=False)
            sys.stdout.write(info + "\n")
            sys.stdout.flush()
        self._last_update = now

    def add(self, n, values=None):
        self.update(self._seen_so_far + n, values)
