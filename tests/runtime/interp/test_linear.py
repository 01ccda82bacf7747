"""The NumPy tier's conv_general_dilated and dot_general rules (runtime/interp/linear.py) against XLA.

Every convolution equation of each case (a forward convolution, or the input- and filter-gradient
convolutions that jax.grad emits for it) is evaluated by the rule on random operands of the
equation's shapes, and compared with XLA evaluating the same equation (conv_general_dilated_p bound
under jax.jit). Each runs with the default im2col block size and with a tiny one, so the blocked
paths (row blocks, contraction blocks with partial sums, leading-axis loops, short last blocks) are
exercised on small shapes; and with operands in other memory layouts (Fortran order, reversed
views), since the rule reads its operands through strided views in their own layout. The plans the
rule makes for the CNN benchmark's layer are checked too (which axes are rows, which get blocked).
Batched dot_general: batch axes anywhere, operands in the same layouts.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

import compat_tf  # noqa: F401 - enables x64 as compat_tf does
from compat_tf._src.runtime.interp import core, linear

NHWC = ("NHWC", "HWIO", "NHWC")
NCHW = ("NCHW", "OIHW", "NCHW")


def _conv(dn, strides=(1, 1), padding="SAME", **kw):
    return functools.partial(lax.conv_general_dilated, window_strides=strides, padding=padding,
                             dimension_numbers=dn, **kw)


def _grads(conv):
    """Both gradients of sum(conv(x, w) ** 2): the input- and the filter-gradient convolutions."""
    return jax.grad(lambda x, w: (conv(x, w) ** 2).sum(), argnums=(0, 1))


# name: (function of (x, w), x shape, w shape, dtype)
CASES = {
    # the CNN benchmark's convolutions: forward (NHWC, 5x5 SAME) and both gradients
    "nhwc_5x5_same": (_conv(NHWC), (4, 12, 12, 3), (5, 5, 3, 8), np.float32),
    "nhwc_5x5_same_grads": (_grads(_conv(NHWC)), (4, 12, 12, 3), (5, 5, 3, 8), np.float32),
    "nhwc_stride2_valid_grads": (_grads(_conv(NHWC, (2, 2), "VALID")), (3, 11, 10, 4), (3, 3, 4, 6), np.float32),
    "nhwc_stride2_same_grads": (_grads(_conv(NHWC, (2, 2), "SAME")), (3, 11, 10, 4), (3, 3, 4, 6), np.float32),
    "nhwc_stride1_valid_grads": (_grads(_conv(NHWC, (1, 1), "VALID")), (2, 9, 8, 5), (3, 2, 5, 4), np.float32),
    # layouts: output features first in memory, in the middle, or last; mixed specs
    "nchw_oihw": (_conv(NCHW, (1, 2)), (3, 4, 9, 10), (6, 4, 3, 3), np.float32),
    "nchw_grads": (_grads(_conv(NCHW, (2, 1), "VALID")), (3, 4, 9, 10), (6, 4, 3, 3), np.float32),
    "nhwc_oihw_to_nchw": (_conv(("NHWC", "OIHW", "NCHW")), (2, 7, 8, 3), (5, 3, 3, 2), np.float32),
    "nchw_hwio_to_chwn": (_conv(("NCHW", "HWIO", "CHWN"), (2, 2)), (2, 3, 8, 7), (3, 3, 3, 4), np.float32),
    "nchw_to_hwnc": (_conv(("NCHW", "IOHW", "HWNC")), (3, 2, 6, 6), (2, 5, 3, 3), np.float32),
    # padding (asymmetric, negative), lhs and rhs dilation, a 1x1 kernel (no im2col copy)
    "asym_negative_padding": (_conv(NHWC, (1, 1), ((2, 1), (0, -1))), (2, 9, 9, 3), (3, 3, 3, 5), np.float32),
    "rhs_dilation": (_conv(NHWC, (1, 1), "VALID", rhs_dilation=(2, 3)), (2, 11, 12, 3), (3, 3, 3, 5), np.float32),
    "lhs_dilation": (_conv(NHWC, (1, 1), ((2, 1), (1, 2)), lhs_dilation=(2, 3)), (2, 5, 4, 3), (3, 3, 3, 4),
                     np.float32),
    "both_dilations_strided": (_conv(NHWC, (2, 3), ((1, 0), (-1, 2)), lhs_dilation=(2, 1), rhs_dilation=(1, 2)),
                               (2, 7, 9, 3), (2, 3, 3, 4), np.float32),
    "lhs_dilation_beyond_kernel": (_conv(NHWC, (1, 2), ((0, 2), (1, 1)), lhs_dilation=(3, 2)), (2, 4, 5, 3),
                                   (1, 2, 3, 4), np.float32),
    "dilation_zeros_only": (_conv(NHWC, (1, 1), ((-1, -1), (0, 0)), lhs_dilation=(3, 1)), (1, 2, 3, 2),
                            (1, 2, 2, 3), np.float32),
    "dilations_sharing_factors": (_conv(NHWC, (3, 2), ((3, -1), (-2, 5)), lhs_dilation=(2, 4), rhs_dilation=(2, 2)),
                                  (2, 6, 5, 3), (3, 3, 3, 2), np.float32),
    "conv_transpose_grads": (_grads(functools.partial(lax.conv_transpose, strides=(2, 3), padding="SAME",
                                                      dimension_numbers=NHWC)), (2, 5, 4, 3), (3, 4, 3, 5),
                             np.float32),
    "one_by_one": (_conv(NHWC, (1, 1), "VALID"), (3, 5, 6, 7), (1, 1, 7, 4), np.float32),
    "one_by_one_nchw_grads": (_grads(_conv(NCHW, (1, 1), "VALID")), (3, 7, 5, 6), (4, 7, 1, 1), np.float32),
    "kernel_larger_than_input": (_conv(NHWC, (1, 1), "VALID"), (2, 3, 3, 2), (4, 3, 2, 3), np.float32),
    # groups: depthwise, grouped, and the batch-grouped filter gradient of a grouped convolution
    "depthwise": (_conv(NHWC, feature_group_count=4), (2, 7, 7, 4), (3, 3, 1, 8), np.float32),
    "grouped_nchw": (_conv(NCHW, feature_group_count=2), (2, 6, 5, 5), (4, 3, 3, 3), np.float32),
    "grouped_grads": (_grads(_conv(NHWC, (2, 1), feature_group_count=3)), (2, 7, 6, 6), (3, 3, 2, 6),
                      np.float32),
    "batch_groups": (_conv(NHWC, (1, 1), "VALID", batch_group_count=2), (4, 6, 6, 3), (3, 3, 3, 4), np.float32),
    # 1-D and 3-D
    "conv1d_grads": (_grads(_conv(("NWC", "WIO", "NWC"), (2,))), (3, 17, 4), (5, 4, 6), np.float32),
    "conv3d_grads": (_grads(_conv(("NDHWC", "DHWIO", "NDHWC"), (1, 2, 1))), (2, 5, 6, 4, 3), (2, 3, 2, 3, 4),
                     np.float32),
    # other dtypes: half precision is computed in float32; integers exactly
    "float16": (_conv(NHWC, (1, 2)), (2, 8, 8, 3), (3, 3, 3, 4), np.float16),
    "float16_grads": (_grads(_conv(NHWC)), (2, 8, 8, 3), (3, 3, 3, 4), np.float16),
    "bfloat16": (_conv(NCHW), (2, 3, 6, 6), (4, 3, 3, 3), jnp.bfloat16),
    "float64": (_conv(NHWC, (2, 2)), (2, 8, 8, 3), (3, 3, 3, 4), np.float64),
    "int32": (_conv(NHWC, (1, 1), "VALID"), (2, 6, 6, 3), (3, 3, 3, 4), np.int32),
}


def _conv_equations(fn, x_shape, w_shape, dtype):
    x = jax.ShapeDtypeStruct(x_shape, dtype)
    w = jax.ShapeDtypeStruct(w_shape, dtype)
    eqns = []

    def walk(jaxpr):
        for e in jaxpr.eqns:
            if e.primitive.name == "conv_general_dilated":
                eqns.append(e)
            for p in e.params.values():
                if hasattr(p, "jaxpr"):                     # a ClosedJaxpr (pjit, custom rules)
                    walk(p.jaxpr)
    walk(jax.make_jaxpr(fn)(x, w).jaxpr)
    return eqns


def _random(aval, rs):
    if np.issubdtype(aval.dtype, np.integer):
        return rs.randint(-5, 6, aval.shape).astype(aval.dtype)
    return rs.standard_normal(aval.shape).astype(aval.dtype)


LAYOUTS = {
    "c": lambda a: a,
    "fortran": np.asfortranarray,
    "reversed": lambda a: np.flip(np.flip(a).copy()),       # same values, negative strides
}


@pytest.mark.parametrize("block", ["default", "tiny"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_conv_rule_matches_xla(name, block, monkeypatch):
    if block == "tiny":
        monkeypatch.setattr(linear, "_BLOCK_ELEMENTS", 40)
    fn, x_shape, w_shape, dtype = CASES[name]
    eqns = _conv_equations(fn, x_shape, w_shape, dtype)
    assert eqns, name
    rs = np.random.RandomState(len(name))
    rule = core.RULES["conv_general_dilated"]
    for i, e in enumerate(eqns):
        lhs, rhs = (_random(v.aval, rs) for v in e.invars)
        want = np.asarray(jax.jit(functools.partial(lax.conv_general_dilated_p.bind, **e.params))(lhs, rhs))
        for layout, f in LAYOUTS.items():
            got = rule(f(lhs), f(rhs), **e.params)
            where = f"{name} eqn {i} ({layout} operands)"
            assert got.shape == want.shape, where
            if np.issubdtype(want.dtype, np.integer):
                np.testing.assert_array_equal(got, want, err_msg=where)
                continue
            got = got.astype(want.dtype)
            tol = {np.dtype(np.float64): 1e-12, np.dtype(np.float32): 2e-5}.get(want.dtype, 1e-2)
            scale = max(float(np.abs(want.astype(np.float64)).max(initial=0.0)), 1.0)
            np.testing.assert_allclose(got.astype(np.float64), want.astype(np.float64), rtol=tol,
                                       atol=tol * scale, err_msg=where)


def _random_config(rs):
    """A convolution with random layout, strides, padding (negative too), dilations and groups."""
    ns = rs.randint(1, 3)
    sp = "HW"[:ns]
    lhs, rhs, out = ("N" + "C" + sp, "O" + "I" + sp, "N" + "C" + sp)
    lhs, rhs, out = ("".join(rs.permutation(list(t))) for t in (lhs, rhs, out))
    groups = rs.choice([1, 1, 2, 3])
    batch_grouped = groups > 1 and rs.rand() < 0.4
    c_in, o = (2 if batch_grouped else 2 * groups), 2 * groups
    n = groups * 2 if batch_grouped else rs.randint(1, 4)
    kw = dict(window_strides=tuple(rs.randint(1, 4, ns)), lhs_dilation=tuple(rs.randint(1, 4, ns)),
              rhs_dilation=tuple(rs.randint(1, 3, ns)), padding=tuple((rs.randint(-1, 4), rs.randint(-1, 4))
                                                                      for _ in range(ns)),
              dimension_numbers=(lhs, rhs, out))
    kw["batch_group_count" if batch_grouped else "feature_group_count"] = int(groups)
    sizes = {"N": n, "C": c_in, **{d: rs.randint(3, 8) for d in sp}}
    ksizes = {"O": o, "I": c_in if batch_grouped else c_in // groups, **{d: rs.randint(1, 4) for d in sp}}
    return kw, tuple(sizes[d] for d in lhs), tuple(ksizes[d] for d in rhs)


def test_random_configurations_match_xla(monkeypatch):
    """30 random convolutions (layouts, strides, padding, both dilations, feature or batch groups, 1-D
    and 2-D), with a tiny im2col block."""
    monkeypatch.setattr(linear, "_BLOCK_ELEMENTS", 50)
    rs = np.random.RandomState(7)
    rule = core.RULES["conv_general_dilated"]
    for trial in range(30):
        kw, x_shape, w_shape = _random_config(rs)
        conv = functools.partial(lax.conv_general_dilated, **kw)
        x, w = rs.standard_normal(x_shape).astype(np.float32), rs.standard_normal(w_shape).astype(np.float32)
        want = np.asarray(jax.jit(conv)(x, w))
        (e,) = _conv_equations(conv, x_shape, w_shape, np.float32)
        got = rule(x, w, **e.params)
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5, err_msg=f"trial {trial}: {kw} {x_shape} {w_shape}")


def _plans(fn, x_shape, w_shape, monkeypatch):
    """The rule's plan for each convolution equation of fn (float32 operands)."""
    plans = []
    real = linear._conv_plan
    monkeypatch.setattr(linear, "_conv_plan", lambda *a: plans.append(real(*a)) or plans[-1])
    rs = np.random.RandomState(0)
    for e in _conv_equations(fn, x_shape, w_shape, np.float32):
        core.RULES["conv_general_dilated"](*(_random(v.aval, rs) for v in e.invars), **e.params)
    return plans


def test_plans_of_a_cnn_layer_and_its_gradients(monkeypatch):
    """The CNN benchmark's second layer (batch 64, 14x14x32 -> 64, 5x5 SAME) and its gradients: forward
    and input gradient in row blocks with the contraction innermost (NHWC: a kernel row's features are one
    contiguous run); the filter gradient (its "kernel" is the batch x 14x14 output gradient) in contraction
    blocks, the batch outermost, x's features innermost (they are its rows)."""
    fwd, in_grad, w_grad = sorted(_plans(_grads(_conv(NHWC)), (64, 14, 14, 32), (5, 5, 32, 64), monkeypatch),
                                  key=lambda p: (p.split_k, p.kc != ["k0", "k1", "c"]))
    for p in (fwd, in_grad):
        assert p.rows_first and p.k_inner and not p.split_k and len(p.blocks) > 1, p
        assert p.free == ["n", "s0", "s1"] and p.kc == ["k0", "k1", "c"], p
    assert w_grad.rows_first and w_grad.split_k and not w_grad.k_inner and len(w_grad.blocks) > 1, w_grad
    assert w_grad.free == ["s0", "s1", "n"] and w_grad.kc == ["c", "k0", "k1"], w_grad


def test_plans_of_other_layouts(monkeypatch):
    """A 1x1 convolution is one product with no copy; NCHW output makes the spatial axes the columns, one
    product per example."""
    (one,) = _plans(_conv(NHWC, (1, 1), "VALID"), (8, 16, 16, 64), (1, 1, 64, 32), monkeypatch)
    assert one.blocks == [()] and one.rows_first, one
    (nchw,) = _plans(_conv(NCHW), (8, 16, 20, 20), (32, 16, 3, 3), monkeypatch)[-1:]
    assert not nchw.rows_first and nchw.loop == ["g", "n"] and nchw.free == ["s0", "s1"], nchw


@pytest.mark.parametrize("lhs_shape,rhs_shape,dims", [
    ((3, 4, 5), (3, 5, 6), (((2,), (1,)), ((0,), (0,)))),            # batch leading: views, no copy
    ((4, 3, 5), (6, 5, 3), (((2,), (1,)), ((1,), (2,)))),            # batch inside / last: copies
    ((5, 4, 3, 2), (2, 5, 3, 7), (((0,), (1,)), ((2, 3), (2, 0)))),  # two batch axes, contraction first
    ((2, 3, 4), (2, 4, 3), (((1, 2), (2, 1)), ((0,), (0,)))),        # two contracted axes, no free ones
])
def test_batched_dot_general_matches_xla(lhs_shape, rhs_shape, dims):
    rs = np.random.RandomState(1)
    a, b = rs.standard_normal(lhs_shape).astype(np.float32), rs.standard_normal(rhs_shape).astype(np.float32)
    want = np.asarray(jax.jit(functools.partial(lax.dot_general, dimension_numbers=dims))(a, b))
    for f in LAYOUTS.values():
        got = core.RULES["dot_general"](f(a), f(b), dimension_numbers=dims)
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)
