"""tf.contrib.eager's function-style gradients (TF 1.15's eager/backprop.py), on GradientTape.

- `implicit_value_and_gradients(f)(*args)` -> (f's value, [(gradient, variable)]) over the
  trainable variables f read (in the order first read); ValueError when f reads none.
- `implicit_gradients(f)` -> the [(gradient, variable)] list alone.
- `value_and_gradients_function(f, params=None)(*args, dy=None)` -> (f's value, [gradient of
  f with respect to each chosen positional argument]); `params` names or indexes them (all
  by default); `dy` is the output gradient.
- `gradients_function(f, params=None)` -> the gradient list alone.
Arguments differentiated are converted to tensors and watched; nesting these functions gives
higher-order derivatives (an outer tape records the inner gradient). `None` marks an argument
f does not depend on differentiably, as in TF.
"""
import inspect

from compat_tf._src.eager import tape as _tape
from compat_tf._src.framework import graph as _graph


def implicit_value_and_gradients(f):
    """tfe.implicit_value_and_gradients (TF's backprop.implicit_val_and_grad)."""
    def grad_fn(*args, **kwds):
        with _tape.GradientTape() as this_tape:
            end_node = f(*args, **kwds)
            if end_node is None:
                raise ValueError(f"Cannot differentiate a function that returns None; did you forget to return a "
                                 f"value from {getattr(f, '__name__', f)}?")
        variables = list(this_tape.watched_variables())
        if not variables:
            raise ValueError("No trainable variables were accessed while the function was being computed.")
        grads = this_tape.gradient(end_node, variables)
        return end_node, list(zip(grads, variables))
    return grad_fn


def implicit_gradients(f):
    """tfe.implicit_gradients (TF's backprop.implicit_grad): [(gradient, variable)] of f."""
    def grad_fn(*args, **kwds):
        return implicit_value_and_gradients(f)(*args, **kwds)[1]
    return grad_fn


def _parameter_positions(f, params, args):
    """TF's _get_arg_spec: indices of the positional arguments to differentiate."""
    if params is None:
        return list(range(len(args)))
    try:
        names = [p.name for p in inspect.signature(f).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        names = []
    if names and names[0] == "self" and inspect.ismethod(f):
        names = names[1:]
    out = []
    for p in params:
        if isinstance(p, int):
            out.append(p)
        elif p in names:
            out.append(names.index(p))
        else:
            raise ValueError(f"Function {getattr(f, '__name__', f)} does not have an argument named {p}; "
                             f"its arguments are {names}")
    return out


def _make_vjp(f, params):
    def decorated(*args):
        from compat_tf._src.ops import constant
        from compat_tf._src.ops import control_flow_ops
        positions = _parameter_positions(f, params, args)
        this_tape = _tape.GradientTape(persistent=True)
        with this_tape:
            args = [constant.convert_to_tensor(a) if i in positions else a for i, a in enumerate(args)]
            seen = set()
            for i in positions:                      # TF's _ensure_unique_tensor_objects
                if id(args[i]) in seen:
                    args[i] = control_flow_ops.identity(args[i])
                seen.add(id(args[i]))
            sources = [args[i] for i in positions]
            this_tape.watch(sources)
            result = f(*args)
            if result is None:
                raise ValueError(f"Cannot differentiate a function that returns None; did you forget to return a "
                                 f"value from {getattr(f, '__name__', f)}?")
            flat = [control_flow_ops.identity(x) for x in _tape._flatten(result)]
            result = _tape._pack_as(result, flat)

        def vjp(dy=None):
            if dy is not None:
                dy = [constant.convert_to_tensor(x) for x in _tape._flatten(dy)]
            return this_tape.gradient(_tape._flatten(result), sources, output_gradients=dy)
        return result, vjp
    return decorated


def value_and_gradients_function(f, params=None):
    """tfe.value_and_gradients_function (TF's backprop.val_and_grad_function)."""
    def decorated(*args, **kwds):
        dy = kwds.pop("dy", None)
        if kwds:
            raise ValueError("Functions to be differentiated cannot receive keyword arguments.")
        val, vjp = _make_vjp(f, params)(*args)
        return val, vjp(dy=dy)
    return decorated


def gradients_function(f, params=None):
    """tfe.gradients_function (TF's backprop.gradients_function)."""
    def decorated(*args, **kwds):
        _, grad = value_and_gradients_function(f, params=params)(*args, **kwds)
        return grad
    return decorated


def executing_eagerly():
    return _graph._eager_graph is not None and not _graph._default_graph_state.stack
