"""TF1's Python gradient registry: tf.RegisterGradient, tf.NotDifferentiable (tf.no_gradient,
tf.NoGradient) and the lookup tf.gradients makes through Graph.gradient_override_map.

compat_tf differentiates its own op types by JAX autodiff of their lowerings, so the registry
holds only what programs register. tf.gradients asks `gradient_rule(op)` for each op on the
path from the xs to the ys; the op's gradient type is its `gradient_override_map` type, else
its own type, and
- a function registered with `RegisterGradient(type)` is called as in TF1,
  `fn(op, *output_grads)`, when tf.gradients is built (under "gradients/<op>_grad/") and the
  graph it returns is the op's backward pass (ops/gradients_impl.py);
- a type registered with `NotDifferentiable` passes no gradient;
- an override naming one of compat_tf's own op types uses that type's JAX gradient
  evaluated at the op's inputs ({"Sign": "Identity"}: the straight-through estimator);
- an override naming an unknown type raises LookupError when tf.gradients is built, as TF1.

As TF1, registering a type twice raises KeyError; so does registering a type compat_tf already
implements (TF has a gradient registered for those).
Deviation: through an override to a built-in type, that type's gradient is the vjp of its
lowering at the op's inputs (TF's gradient function of the type would read the op's own
outputs and attrs).
"""
from compat_tf._src.framework import registry as _op_registry

__all__ = ["NoGradient", "NotDifferentiable", "RegisterGradient", "no_gradient"]

_GRADIENTS = {}     # op type -> python gradient function, or None (not differentiable)


def _register(op_type, fn):
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    if op_type in _GRADIENTS or _op_registry.lookup(op_type) is not None:
        raise KeyError(f"Registering two gradient with name '{op_type}'! (compat_tf already defines a gradient "
                       f"for op type {op_type!r})")
    _GRADIENTS[op_type] = fn


class RegisterGradient:
    """tf.RegisterGradient(op_type): decorator registering `fn(op, *grads)` as op_type's gradient."""

    def __init__(self, op_type):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, f):
        _register(self._op_type, f)
        return f


def NotDifferentiable(op_type):  # noqa: N802 - TF1 name
    """tf.NotDifferentiable / tf.no_gradient: ops of `op_type` pass no gradient."""
    _register(op_type, None)


NoGradient = NotDifferentiable
no_gradient = NotDifferentiable


class GradientRule:
    """What tf.gradients does at one op: `kind` is "default" (JAX's gradient of the lowering),
    "none" (no gradient), "python" (`fn` registered) or "builtin" (`fn` is the OpDef whose
    gradient stands in)."""
    __slots__ = ("kind", "fn", "grad_type")

    def __init__(self, kind, fn=None, grad_type=None):
        self.kind, self.fn, self.grad_type = kind, fn, grad_type


_DEFAULT = GradientRule("default")


def gradient_rule(op):
    """The GradientRule for `op` (see the module docstring); LookupError for an unknown override."""
    override = getattr(op, "_gradient_op_type", None)
    grad_type = override or op.type
    if grad_type in _GRADIENTS:
        fn = _GRADIENTS[grad_type]
        return GradientRule("none" if fn is None else "python", fn, grad_type)
    if override is None:
        return _DEFAULT
    opdef = _op_registry.lookup(override)
    if opdef is None:
        raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {grad_type})")
    if override == op.type:
        return _DEFAULT
    if not opdef.differentiable or override == "StopGradient":
        return GradientRule("none", None, grad_type)
    return GradientRule("builtin", opdef, grad_type)


def registered_types():
    """The op types with a registered gradient (a live view: `type in registered_types()`)."""
    return _GRADIENTS.keys()
