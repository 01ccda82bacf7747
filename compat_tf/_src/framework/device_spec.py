"""tf.DeviceSpec (TF 1.15's DeviceSpecV1): a parsed device name (job, replica, task, device type/index).

Parsing is the graph's own (`graph._parse_device`, TF1's DeviceSpec.from_string
rules: "/cpu:0", "/device:GPU:1", "/job:ps/task:2"); `to_string` gives TF's
canonical "/job:ps/replica:0/task:2/device:CPU:0". V1 specs are mutable
(`parse_from_string`, `merge_from`, field setters); `make_merged_spec` and
`replace` return new specs, as in TF 1.15.
"""
from compat_tf._src.framework import graph as _graph

__all__ = ["DeviceSpec"]

_FIELDS = ("job", "replica", "task", "device_type", "device_index")


def _device_type(value):
    if value is None:
        return None
    value = str(value)
    return value.upper() if value.upper() in ("CPU", "GPU") else value


class DeviceSpec:
    """TF1's tf.DeviceSpec (DeviceSpecV1)."""

    def __init__(self, job=None, replica=None, task=None, device_type=None, device_index=None):
        self.job = job
        self.replica = replica
        self.task = task
        self.device_type = device_type
        self.device_index = device_index

    # the setters TF 1.15's DeviceSpecV1 has (V2 specs are immutable)
    job = property(lambda self: self._job, lambda self, v: setattr(self, "_job", None if v is None else str(v)))
    replica = property(lambda self: self._replica,
                       lambda self, v: setattr(self, "_replica", None if v is None else int(v)))
    task = property(lambda self: self._task, lambda self, v: setattr(self, "_task", None if v is None else int(v)))
    device_type = property(lambda self: self._device_type,
                           lambda self, v: setattr(self, "_device_type", _device_type(v)))
    device_index = property(lambda self: self._device_index,
                            lambda self, v: setattr(self, "_device_index", None if v is None else int(v)))

    def _fields(self):
        return tuple(getattr(self, f) for f in _FIELDS)

    def to_string(self):
        return _graph._device_to_string(*self._fields())

    @classmethod
    def from_string(cls, spec):
        return cls(*_graph._parse_device(spec or ""))

    def parse_from_string(self, spec):
        """Sets every field from `spec` (unset fields become None); returns self."""
        for f, v in zip(_FIELDS, _graph._parse_device(spec or "")):
            setattr(self, f, v)
        return self

    def merge_from(self, dev):
        """Copies the fields `dev` sets into this spec (in place)."""
        for f in _FIELDS:
            v = getattr(dev, f)
            if v is not None:
                setattr(self, f, v)

    def make_merged_spec(self, dev):
        """A new spec: this one with the fields `dev` sets taken from `dev`."""
        out = DeviceSpec(*self._fields())
        out.merge_from(dev)
        return out

    def replace(self, **kwargs):
        values = dict(zip(_FIELDS, self._fields()))
        unknown = set(kwargs) - set(_FIELDS)
        if unknown:
            raise TypeError(f"replace() got unexpected keyword arguments {sorted(unknown)}")
        values.update(kwargs)
        return DeviceSpec(**values)

    def __eq__(self, other):
        return isinstance(other, DeviceSpec) and self.to_string() == other.to_string()

    def __hash__(self):
        return hash(self.to_string())

    def __repr__(self):
        return f"<DeviceSpec(job={self.job!r}, replica={self.replica!r}, task={self.task!r}, " \
               f"device_type={self.device_type!r}, device_index={self.device_index!r})>"
