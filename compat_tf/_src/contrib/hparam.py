"""tf.contrib.training.HParams (TF 1.15's hparam.py): named hyperparameters with types fixed by
their defaults, overridable from a "name=value,list=[1,2]" string, a dict or JSON.

Parsing and casting as TF1: an int parameter rejects floats, a bool one accepts true/True/
false/False or an integer, a float one accepts ints, a str one rejects numbers; lists keep
their element type; "name[i]=v" sets one element of a list parameter. Errors are ValueErrors
with TF1's messages.
"""
import json
import numbers
import re

__all__ = ["HParams", "parse_values"]

PARAM_RE = re.compile(r"""
  (?P<name>[a-zA-Z][\w\.]*)      # variable name: "var" or "x"
  (\[\s*(?P<index>\d+)\s*\])?    # (optional) index: "1" or None
  \s*=\s*
  ((?P<val>[^,\[]*)              # single value: "a" or None
   |
   \[(?P<vals>[^\]]*)\])         # list of values: None or "1,2,3"
  ($|,\s*)""", re.VERBOSE)


def _parse_fail(name, var_type, value, values):
    raise ValueError(f"Could not parse hparam '{name}' of type '{var_type.__name__}' with value '{value}' in "
                     f"{values}")


def _reuse_fail(name, values):
    raise ValueError(f"Multiple assignments to variable '{name}' in {values}")


def _parse_bool(name, type_, values):
    def parse(value):
        if value in ("true", "True"):
            return True
        if value in ("false", "False"):
            return False
        try:
            return bool(int(value))
        except ValueError:
            _parse_fail(name, type_, value, values)
    return parse


def parse_values(values, type_map, ignore_unknown=False):
    """{name: value, or {index: value}} from a "a=1,b=[x,y],c[0]=2" string, typed by type_map."""
    results = {}
    pos = 0
    while pos < len(values):
        m = PARAM_RE.match(values, pos)
        if not m:
            raise ValueError(f"Malformed hyperparameter value: {values[pos:]}")
        pos = m.end()
        d = m.groupdict()
        name = d["name"]
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError(f"Unknown hyperparameter type for {name}")
        type_ = type_map[name]
        parse = _parse_bool(name, type_, values) if type_ is bool else type_
        if d["val"] is not None:
            try:
                value = parse(d["val"])
            except ValueError:
                _parse_fail(name, type_, d["val"], values)
            if not d["index"]:
                if name in results:
                    _reuse_fail(name, values)
                results[name] = value
            else:
                slot = results.setdefault(name, {})
                if not isinstance(slot, dict):
                    _reuse_fail(name, values)
                index = int(d["index"])
                if index in slot:
                    _reuse_fail(name, values)
                slot[index] = value
        elif d["vals"] is not None:
            if d["index"] is not None:
                raise ValueError("Assignment of a list to a list index.")
            if name in results:
                _reuse_fail(name, values)
            elements = [e for e in re.split("[ ,]", d["vals"]) if e]
            try:
                results[name] = [parse(e) for e in elements]
            except ValueError:
                _parse_fail(name, type_, d["vals"], values)
        else:
            _parse_fail(name, type_, "", values)
    return results


def _cast_to_type_if_compatible(name, param_type, value):
    fail = f"Could not cast hparam '{name}' of type '{param_type}' from value {value!r}"
    if isinstance(value, param_type):
        return value
    if issubclass(param_type, type(None)):
        return value
    if issubclass(param_type, (str, bytes)) and not isinstance(value, (str, bytes)):
        raise ValueError(fail)
    if issubclass(param_type, bool) != isinstance(value, bool):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise ValueError(fail)
    return param_type(value)


class HParams:
    """TF1's tf.contrib.training.HParams."""

    _HAS_DYNAMIC_ATTRIBUTES = True

    def __init__(self, hparam_def=None, model_structure=None, **kwargs):
        self._hparam_types = {}
        self._model_structure = model_structure
        if hparam_def:
            raise NotImplementedError("tf.contrib.training.HParams(hparam_def=...) (an HParamDef proto) is not "
                                      "implemented by compat_tf")
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name, value):
        if getattr(self, name, None) is not None:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name, value):
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError(f"Must not pass a list for single-valued parameter: {name}")
            setattr(self, name, [_cast_to_type_if_compatible(name, param_type, v) for v in value])
        else:
            if is_list:
                raise ValueError(f"Must pass a list for multi-valued parameter: {name}.")
            setattr(self, name, _cast_to_type_if_compatible(name, param_type, value))

    def del_hparam(self, name):
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values):
        """Overrides from a "name=value,..." string; returns self."""
        type_map = {name: t for name, (t, _) in self._hparam_types.items()}
        values_map = parse_values(values, type_map)
        for name, value in list(values_map.items()):
            if isinstance(value, dict):          # "name[i]=v": set elements of a list parameter
                current = list(getattr(self, name))
                for i, v in value.items():
                    current[i] = v
                values_map[name] = current
        return self.override_from_dict(values_map)

    def override_from_dict(self, values_dict):
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_model_structure(self, model_structure):
        self._model_structure = model_structure

    def get_model_structure(self):
        return self._model_structure

    def to_json(self, indent=None, separators=None, sort_keys=False):
        return json.dumps(self.values(), indent=indent, separators=separators, sort_keys=sort_keys)

    def parse_json(self, values_json):
        return self.override_from_dict(json.loads(values_json))

    def values(self):
        return {n: getattr(self, n) for n in self._hparam_types}

    def get(self, key, default=None):
        if key in self._hparam_types:
            if default is not None:
                param_type, is_list = self._hparam_types[key]
                type_str = f"list<{param_type}>" if is_list else str(param_type)
                fail = f"Hparam '{key}' of type '{type_str}' is incompatible with default={default}"
                if is_list != isinstance(default, list):
                    raise ValueError(fail)
                try:
                    for v in (default if is_list else [default]):
                        _cast_to_type_if_compatible(key, param_type, v)
                except ValueError as e:
                    raise ValueError(f"{fail}. {e}") from None
            return getattr(self, key)
        return default

    def __contains__(self, key):
        return key in self._hparam_types

    def __str__(self):
        return str(sorted(self.values().items()))

    def __repr__(self):
        return f"{type(self).__name__}({self})"
