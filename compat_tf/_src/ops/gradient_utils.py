"""tf.grad_pass_through and tf.recompute_grad (TF 1.15's ops/custom_gradient.py).

- `grad_pass_through(f)`: `f(*args)`'s value with the identity gradient: the gradient of each
  output goes to the argument at its position unchanged (f itself, and the variables it reads,
  get none). In graph mode the output is a `_GradPassThrough` op (inputs: f's output and the
  argument) whose lowering is a `jax.custom_vjp`; in eager mode it is tf.custom_gradient's.
- `recompute_grad(f)`: `f` itself. TF recomputes f's forward pass in the backward pass to save
  memory; values and gradients are the same, and compat_tf leaves recomputation
  (rematerialisation) to XLA inside the one jitted step.
"""
import functools

import jax
import jax.numpy as jnp

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import nest
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant

__all__ = ["grad_pass_through", "recompute_grad"]


@jax.custom_vjp
def _pass_through(value, arg):
    return value


def _pass_through_fwd(value, arg):
    return value, (jnp.zeros_like(value), jnp.zeros_like(arg))


def _pass_through_bwd(res, ct):
    zero_value, zero_arg = res
    return zero_value, jnp.reshape(ct, jnp.shape(zero_arg)).astype(zero_arg.dtype)


_pass_through.defvjp(_pass_through_fwd, _pass_through_bwd)


@register_op("_GradPassThrough")
def _grad_pass_through_op(value, arg):
    return _pass_through(value, arg)


def grad_pass_through(f):
    """tf.grad_pass_through: see the module docstring."""
    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        if _graph._eager_graph is not None and not _graph._default_graph_state.stack:
            from compat_tf._src.ops.custom_gradient import custom_gradient

            def grad(*dys, variables=None):
                return (list(dys), [None] * len(variables)) if variables else list(dys)
            return custom_gradient(lambda *a, **k: (f(*a, **k), grad))(*args, **kwargs)
        result = f(*args, **kwargs)
        outs = nest.flatten(result)
        if len(outs) != len(args):
            raise ValueError(f"tf.grad_pass_through: f returned {len(outs)} tensors for {len(args)} arguments; "
                             "each output's gradient goes to the argument at its position")
        passed = []
        for out, arg in zip(outs, args):
            out = _constant.convert_to_tensor(out)
            arg = _constant.convert_to_tensor(arg)
            if out.shape.num_elements() is not None and arg.shape.num_elements() is not None and \
                    out.shape.num_elements() != arg.shape.num_elements():
                raise ValueError(f"tf.grad_pass_through: output {out.name} of shape {out.shape} cannot pass its "
                                 f"gradient to argument {arg.name} of shape {arg.shape}")
            passed.append(out.graph.create_op("_GradPassThrough", [out, arg], {}, name="GradPassThrough",
                                              output_specs=[(out.shape, out.dtype.base_dtype)]).outputs[0])
        return nest.pack_sequence_as(result, passed)
    return wrapped


def recompute_grad(f):
    """tf.recompute_grad: `f` (see the module docstring)."""
    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        return f(*args, **kwargs)
    return wrapped
