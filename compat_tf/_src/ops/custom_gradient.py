"""tf.custom_gradient (TF 1.15's ops/custom_gradient.py), in eager mode.

`f(*args)` returns `(outputs, grad_fn)`; the decorated function returns the outputs, and a
GradientTape differentiating through them calls `grad_fn(*output_gradients)` for the
gradients with respect to the arguments (and, when `f` read trainable variables that are
not arguments, `grad_fn(*dys, variables=[...])` returns `(argument grads, variable grads)`,
TypeError if grad_fn takes no `variables`). As in TF, `f`'s own ops are not differentiated.

compat_tf records one `_EagerCustomGradient` op whose inputs are the arguments (and the
variables' reads) and whose outputs are `f`'s; its lowering is a `jax.custom_vjp` whose
backward pass calls `grad_fn` on the host (eagerly) through `jax.pure_callback`, so the
tape's single vjp goes through it.

Deviations: graph mode is not supported (NotImplementedError; TF 1.15 builds an IdentityN
with a gradient override there); `grad_fn` is not itself differentiated (no second order
through a custom gradient).
"""
import functools
import inspect

import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op

__all__ = ["custom_gradient"]


def _shape(op):
    return [(list(v.shape), _dtypes.as_dtype(v.dtype)) for v in op.attrs["_values"]]


@register_op("_EagerCustomGradient", shape=_shape, ctx=True, num_outputs=lambda attrs, n: len(attrs["_values"]))
def _custom_gradient_op(ctx, *inputs, _values, _grad, **_):
    specs = [jax.ShapeDtypeStruct(np.shape(x), jnp.result_type(x)) for x in inputs]

    @jax.custom_vjp
    def fn(*xs):
        return tuple(jnp.asarray(v) for v in _values)

    def fwd(*xs):
        return fn(*xs), None

    def bwd(_, cts):
        return tuple(jax.pure_callback(_grad, specs, *cts))

    fn.defvjp(fwd, bwd)
    return list(fn(*inputs))


def custom_gradient(f):
    """tf.custom_gradient: see the module docstring."""
    @functools.wraps(f)
    def decorated(*args, **kwargs):
        from compat_tf._src.eager import tape as _tape
        if _graph._eager_graph is None or _graph._default_graph_state.stack:
            raise NotImplementedError("tf.custom_gradient is supported by compat_tf in eager mode only "
                                      "(tf.enable_eager_execution); in graph mode TF 1.15 uses a gradient "
                                      "override, which compat_tf does not implement")
        return _eager_call(f, args, kwargs, _tape)
    return decorated


def _eager_call(f, args, kwargs, _tape):
    from compat_tf._src.eager.tensor import EagerTensor
    from compat_tf._src.ops import constant
    with _tape.stop_all_recording():
        watcher = _tape.GradientTape()
        with watcher:
            result, grad_fn = f(*args, **kwargs)
    all_inputs = list(args) + list(kwargs.values())
    variables = [v for v in watcher.watched_variables() if all(v is not i for i in all_inputs)]
    if variables:
        spec = inspect.getfullargspec(grad_fn)
        if "variables" not in spec.args and "variables" not in spec.kwonlyargs and not spec.varkw:
            raise TypeError("If using @custom_gradient with a function that uses variables, then grad_fn must "
                            "accept a keyword argument 'variables'.")
    flat_result = [constant.convert_to_tensor(x) for x in _tape._flatten(result)]
    inputs = [constant.convert_to_tensor(x) for x in args] + [v.value() for v in variables]
    n_args = len(args)
    dtypes = [t.dtype.base_dtype for t in inputs]

    def host_grad(*cts):
        dys = [EagerTensor(np.asarray(c), t.dtype.base_dtype) for c, t in zip(cts, flat_result)]
        with _tape.stop_all_recording():
            if variables:
                input_grads, variable_grads = grad_fn(*dys, variables=variables)
                variable_grads = list(variable_grads)
                if len(variable_grads) != len(variables):
                    raise ValueError("Must return gradient for each variable from @custom_gradient grad_fn.")
            else:
                input_grads, variable_grads = grad_fn(*dys), []
        flat = _tape._flatten(input_grads)
        if len(flat) != n_args:
            raise ValueError("custom_gradient function expected to return", n_args, "gradients but returned",
                             len(flat), "instead.")
        out = []
        for g, t, dt in zip(flat + variable_grads, inputs, dtypes):
            shape = tuple(t.shape.as_list())
            out.append(np.zeros(shape, dt.as_numpy_dtype) if g is None
                       else np.asarray(g, dt.as_numpy_dtype).reshape(shape))
        return tuple(out)

    g = _graph.get_default_graph()
    op = g.create_op("_EagerCustomGradient", inputs,
                     {"_values": tuple(np.asarray(t) for t in flat_result), "_grad": host_grad},
                     name=getattr(f, "__name__", "CustomGradient"))
    return _tape._pack_as(result, list(op.outputs))
