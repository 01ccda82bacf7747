"""ops/onednn_lib.py, ops/onednn_conv.py, ops/xla_ffi.py: convolutions run by oneDNN on CPU, against
XLA's convolution (values, every JAX transformation), and where the host call must not be used."""
import ctypes
import json
import os
import subprocess
import sys
import textwrap

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from compat_tf._src.ops import onednn_conv
from compat_tf._src.ops import onednn_lib
from compat_tf._src.ops import xla_ffi
from compat_tf._src.ops.onednn_lib import Geometry

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

needs_onednn = pytest.mark.skipif(not onednn_lib.available(), reason="oneDNN (onednn-cpu-gomp) is not installed")

GEOMETRIES = [
    Geometry(2, (9, 8), 3, (3, 3), 4, (1, 1), ((1, 1), (1, 1)), (1, 1)),          # SAME
    Geometry(2, (9, 8), 3, (3, 2), 5, (2, 1), ((0, 0), (0, 0)), (1, 1)),          # VALID, strided
    Geometry(1, (11, 10), 2, (3, 3), 2, (1, 2), ((2, 2), (1, 0)), (2, 1)),        # dilated, uneven pads
    Geometry(3, (7, 1), 4, (3, 1), 6, (1, 1), ((1, 1), (0, 0)), (1, 1)),          # one output column
    Geometry(2, (13,), 3, (4,), 5, (2,), ((1, 2),), (1,)),                         # 1-D (NWC)
    Geometry(2, (5, 6, 4), 2, (3, 2, 2), 3, (1, 2, 1), ((1, 1), (0, 1), (1, 0)), (1, 1, 2)),   # 3-D
    Geometry(2, (9, 8), 6, (3, 3), 12, (2, 1), ((1, 1), (0, 1)), (1, 2), groups=3),            # grouped
    Geometry(2, (7, 7), 4, (3, 3), 8, (1, 1), ((1, 1), (1, 1)), (1, 1), groups=4),             # depthwise x2
]


def _data(g, seed=0):
    rs = np.random.RandomState(seed)
    return (jnp.asarray(rs.randn(*g.x_shape), jnp.float32), jnp.asarray(rs.randn(*g.w_shape), jnp.float32),
            jnp.asarray(rs.randn(*g.y_shape), jnp.float32))


def _close(got, want, tol=2e-5):
    for a, b in zip(jax.tree.leaves(got), jax.tree.leaves(want)):
        scale = float(jnp.max(jnp.abs(b))) or 1.0
        np.testing.assert_allclose(np.asarray(a) / scale, np.asarray(b) / scale, rtol=tol, atol=tol)


@needs_onednn
@pytest.mark.parametrize("g", GEOMETRIES, ids=lambda g: f"{len(g.spatial)}d-s{g.strides}-d{g.dilations}-g{g.groups}")
def test_kernels_equal_xlas_convolution_and_its_transposes(g):
    x, w, dy = _data(g)
    conv = onednn_lib.convolution(g)
    assert conv is not None
    _close(conv.forward(x, w), onednn_conv._xla_conv(g, x, w))
    _close(conv.input_grad(dy, w), onednn_conv._xla_input_grad(g, dy, w))
    _close(conv.filter_grad(x, dy), onednn_conv._xla_filter_grad(g, x, dy))


@needs_onednn
@pytest.mark.parametrize("g", GEOMETRIES[:3] + GEOMETRIES[4:], ids=lambda g: f"{len(g.spatial)}d-g{g.groups}")
def test_every_transformation_matches_xla(g):
    """grad, jit, forward mode (tf.hessians' jacfwd), a gradient of a gradient (a gradient penalty)
    and vmap, through the primitives and through XLA's convolution."""
    x, w, _ = _data(g, 1)

    def model(conv):
        return lambda x, w: jnp.sum(jnp.sin(conv(g, x, w)))
    ours = model(lambda g, x, w: onednn_conv.conv_p.bind(x, w, geometry=g))
    xla = model(onednn_conv._xla_conv)
    checks = {
        "value": lambda f: f(x, w),
        "grad": lambda f: jax.grad(f, (0, 1))(x, w),
        "jit grad": lambda f: jax.jit(jax.grad(f, (0, 1)))(x, w),
        "jvp of grad": lambda f: jax.jvp(jax.grad(f, 1), (x, w), (x * 0.5, w))[1],
        "grad of grad (x)": lambda f: jax.jit(jax.grad(lambda a, b: jnp.sum(jax.grad(f, 0)(a, b) ** 2), (0, 1)))(x, w),
        "grad of grad (w)": lambda f: jax.grad(lambda a, b: jnp.sum(jax.grad(f, 1)(a, b) ** 2), (0, 1))(x, w),
        "vmap": lambda f: jax.vmap(f)(jnp.stack([x, 2 * x]), jnp.stack([w, -w])),
    }
    for name, check in checks.items():
        _close(check(ours), check(xla), tol=5e-5)


@needs_onednn
def test_the_step_calls_onednn_in_place_on_a_single_cpu():
    g = GEOMETRIES[0]
    x, w, _ = _data(g)
    f = jax.jit(jax.grad(lambda x, w: jnp.sum(onednn_conv.conv_p.bind(x, w, geometry=g) ** 2), (0, 1)))
    hlo = f.lower(x, w).as_text()
    assert hlo.count(onednn_conv._TARGET) == 3          # forward, input and filter gradients
    assert "callback" not in hlo                        # not through jax.pure_callback's copies
    _close(f(x, w), jax.grad(lambda x, w: jnp.sum(onednn_conv._xla_conv(g, x, w) ** 2), (0, 1))(x, w))


@needs_onednn
def test_export_gets_xlas_convolution():
    """jax.export cannot serialise a host call: the exported program holds XLA's convolution and
    runs without compat_tf's handler."""
    g = GEOMETRIES[1]
    x, w, _ = _data(g)
    f = jax.jit(lambda x, w: onednn_conv.conv_p.bind(x, w, geometry=g))
    exported = jax.export.export(f)(x, w)
    text = exported.mlir_module()
    assert onednn_conv._TARGET not in text and "convolution" in text
    _close(exported.call(x, w), onednn_conv._xla_conv(g, x, w))


@needs_onednn
def test_a_step_over_several_devices_gets_xlas_convolution():
    """The data-parallel and cluster sessions partition a step over devices; a host call there would
    gather every shard on one device, so their steps keep XLA's convolution."""
    script = textwrap.dedent("""
        import json, jax, jax.numpy as jnp, numpy as np
        from jax.sharding import Mesh, NamedSharding, PartitionSpec as P
        from compat_tf._src.ops import onednn_conv
        from compat_tf._src.ops.onednn_lib import Geometry
        g = Geometry(4, (6, 6), 2, (3, 3), 3, (1, 1), ((1, 1), (1, 1)), (1, 1))
        mesh = Mesh(np.array(jax.devices()[:2]), ("batch",))
        x = jax.device_put(jnp.ones(g.x_shape, jnp.float32), NamedSharding(mesh, P("batch")))
        w = jax.device_put(jnp.ones(g.w_shape, jnp.float32), NamedSharding(mesh, P()))
        f = jax.jit(jax.grad(lambda x, w: onednn_conv.conv_p.bind(x, w, geometry=g).sum(), (0, 1)))
        hlo = f.lower(x, w).as_text()
        got = f(x, w)
        ones = jnp.ones(g.x_shape, jnp.float32), jnp.ones(g.w_shape, jnp.float32)
        want = jax.grad(lambda x, w: onednn_conv._xla_conv(g, x, w).sum(), (0, 1))(*ones)
        print("RESULT " + json.dumps({"custom_call": onednn_conv._TARGET in hlo,
              "err": max(float(jnp.max(jnp.abs(a - b))) for a, b in zip(got, want))}))
    """)
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=2", JAX_PLATFORMS="cpu",
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    assert lines, proc.stderr[-3000:]
    result = json.loads(lines[-1][len("RESULT "):])
    assert result == {"custom_call": False, "err": result["err"]} and result["err"] < 1e-4


@needs_onednn
def test_the_numpy_tier_calls_the_kernels():
    from compat_tf._src.runtime import interp
    g = GEOMETRIES[2]
    x, w, _ = _data(g)
    loss = lambda x, w: jnp.sum(onednn_conv.conv_p.bind(x, w, geometry=g) ** 2)      # noqa: E731
    closed = jax.make_jaxpr(jax.grad(loss, (0, 1)))(x, w)
    interp.core.reset_fallback_counts()
    got = interp.eval_closed_jaxpr(closed, [np.asarray(x), np.asarray(w)])
    _close(got, jax.grad(lambda x, w: jnp.sum(onednn_conv._xla_conv(g, x, w) ** 2), (0, 1))(x, w))
    assert interp.core.fallback_counts() == {}          # each primitive had its NumPy-tier rule


@needs_onednn
def test_tf_conv2d_goes_through_onednn_for_float32_only():
    import compat_tf as tf
    x = np.random.RandomState(0).randn(2, 8, 8, 3)
    w = np.random.RandomState(1).randn(3, 3, 3, 4)
    f32 = jnp.float32
    assert onednn_conv.applies(jnp.zeros((2, 8, 8, 3), f32), jnp.zeros((3, 3, 3, 4), f32), 1, "NHWC")
    assert not onednn_conv.applies(jnp.zeros((2, 8, 8, 3), jnp.float64), jnp.zeros((3, 3, 3, 4), jnp.float64), 1,
                                   "NHWC")
    assert not onednn_conv.applies(jnp.zeros((2, 8, 8, 3), jnp.bfloat16), jnp.zeros((3, 3, 3, 4), jnp.bfloat16), 1,
                                   "NHWC")
    assert not onednn_conv.applies(jnp.zeros((2, 3, 8, 8), f32), jnp.zeros((3, 3, 3, 4), f32), 1, "NCHW")
    g = tf.Graph()
    with g.as_default():
        xp = tf.placeholder(tf.float32, [2, 8, 8, 3])
        wv = tf.Variable(w.astype(np.float32))
        y = tf.nn.conv2d(xp, wv, [1, 2, 1, 1], "SAME")
        loss = tf.reduce_sum(tf.sin(y))
        dx, dw = tf.gradients(loss, [xp, wv])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run([y, dx, dw], {xp: x.astype(np.float32)})
    used = Geometry(2, (8, 8), 3, (3, 3), 4, (2, 1), ((0, 1), (1, 1)), (1, 1))     # TF's SAME padding
    assert onednn_lib._convolutions.get(used) is not None
    def ref(x, w):
        return jax.lax.conv_general_dilated(x, w, (2, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"),
                                            precision="highest")
    xj, wj = jnp.asarray(x, jnp.float32), jnp.asarray(w, jnp.float32)
    want = [ref(xj, wj), *jax.grad(lambda x, w: jnp.sum(jnp.sin(ref(x, w))), (0, 1))(xj, wj)]
    _close(got, want)


@needs_onednn
def test_tf_depthwise_and_separable_convolutions_go_through_onednn():
    import compat_tf as tf
    rs = np.random.RandomState(2)
    x = rs.randn(2, 9, 9, 4).astype(np.float32)
    dw = rs.randn(3, 3, 4, 2).astype(np.float32)
    pw = rs.randn(1, 1, 8, 5).astype(np.float32)
    g = tf.Graph()
    with g.as_default():
        xp = tf.placeholder(tf.float32, x.shape)
        dwv, pwv = tf.Variable(dw), tf.Variable(pw)
        y = tf.nn.separable_conv2d(xp, dwv, pwv, [1, 2, 2, 1], "SAME")
        grads = tf.gradients(tf.reduce_sum(tf.sin(y)), [xp, dwv, pwv])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got = sess.run([y] + grads, {xp: x})
            assert any(c is not None and c.geometry.groups == 4 for c in onednn_lib._convolutions.values())

    def ref(x, dw, pw):
        dn = ("NHWC", "HWIO", "NHWC")
        h = jax.lax.conv_general_dilated(x, dw.reshape(3, 3, 1, 8), (2, 2), "SAME", dimension_numbers=dn,
                                         feature_group_count=4, precision="highest")
        return jax.lax.conv_general_dilated(h, pw, (1, 1), "VALID", dimension_numbers=dn, precision="highest")
    want = [ref(x, dw, pw), *jax.grad(lambda *a: jnp.sum(jnp.sin(ref(*a))), (0, 1, 2))(x, dw, pw)]
    _close(got, want, tol=5e-5)


@needs_onednn
def test_compiler_options_only_for_steps_holding_the_kernels():
    g = GEOMETRIES[0]
    x, w, _ = _data(g)
    with_conv = jax.make_jaxpr(jax.grad(lambda x, w: jnp.sum(jax.jit(
        lambda x, w: onednn_conv.conv_p.bind(x, w, geometry=g))(x, w))))(x, w)   # nested in a pjit
    assert onednn_conv.compiler_options(with_conv) == onednn_conv.COMPILER_OPTIONS
    assert onednn_conv.compiler_options(jax.make_jaxpr(lambda x: x * 2)(x)) == {}


def test_switched_off_by_the_environment():
    script = ("import json; from compat_tf._src.ops import onednn_lib; "
              "print('RESULT ' + json.dumps(onednn_lib.available()))")
    env = dict(os.environ, COMPAT_TF_ONEDNN="0", PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert "RESULT false" in proc.stdout, proc.stderr[-2000:]


@needs_onednn
def test_a_geometry_onednn_refuses_falls_back_to_xla():
    """conv() answers None where oneDNN has no primitive (here: an empty output), and the caller
    lowers XLA's convolution."""
    x, w = jnp.zeros((1, 2, 2, 1), jnp.float32), jnp.zeros((3, 3, 1, 1), jnp.float32)
    assert onednn_conv.applies(x, w, 1, "NHWC")
    assert onednn_conv.conv(x, w, (1, 1), ((0, 0), (0, 0)), (1, 1), 1, "NHWC") is None
    x = jnp.zeros((1, 4, 4, 1), jnp.float32)                       # the same, with an output
    y = onednn_conv.conv(x, w, (1, 1), ((0, 0), (0, 0)), (1, 1), 1, "NHWC")
    assert y is not None and y.shape == (1, 2, 2, 1)


@needs_onednn
def test_wrong_buffers_are_an_error_not_a_silent_write():
    g = GEOMETRIES[0]
    buf = xla_ffi.Buffer(0, (1, 2, 3), 11)
    with pytest.raises(ValueError, match="buffers of shapes"):
        onednn_conv._custom_call([buf, buf], [buf], {"kind": b"forward", "geometry": repr(tuple(g)).encode()})
    with pytest.raises(ValueError, match="expected"):
        onednn_lib.convolution(g).forward(np.zeros((1, 2), np.float32), np.zeros(g.w_shape, np.float32))


def test_ffi_handlers_written_in_python_get_buffers_in_place_and_report_errors():
    def double(inputs, outputs, attrs):
        (src,), (dst,) = inputs, outputs
        if attrs["mode"] == b"fail":
            raise RuntimeError("asked to fail")
        floats = ctypes.POINTER(ctypes.c_float)
        a = np.ctypeslib.as_array(ctypes.cast(src.address, floats), src.shape)
        b = np.ctypeslib.as_array(ctypes.cast(dst.address, floats), dst.shape)
        np.multiply(a, 2, out=b)
    xla_ffi.register("compat_tf_test_double", double)
    xla_ffi.register("compat_tf_test_double", double)          # idempotent

    def call(x, mode):
        return jax.ffi.ffi_call("compat_tf_test_double", jax.ShapeDtypeStruct(x.shape, x.dtype))(x, mode=mode)
    x = jnp.arange(6.0, dtype=jnp.float32).reshape(2, 3)
    np.testing.assert_array_equal(jax.jit(call, static_argnums=1)(x, "ok"), 2 * np.arange(6.0).reshape(2, 3))
    with pytest.raises(Exception, match="asked to fail"):
        jax.block_until_ready(jax.jit(call, static_argnums=1)(x, "fail"))


@needs_onednn
def test_a_step_holding_the_custom_call_is_cached_and_loads_in_a_new_process(tmp_path):
    """JAX's persistent cache does not write programs holding Python host callbacks; the custom
    call is a named target, so a second process reads the step back and runs it."""
    script = textwrap.dedent("""
        import json, jax, numpy as np
        import compat_tf as tf
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
        hits = []
        jax.monitoring.register_event_listener(
            lambda name, **kw: hits.append(name) if name == "/jax/compilation_cache/cache_hits" else None)
        x = tf.placeholder(tf.float32, [4, 8, 8, 3])
        w = tf.Variable(np.random.RandomState(0).randn(3, 3, 3, 5).astype(np.float32))
        loss = tf.reduce_sum(tf.square(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME")))
        train = tf.train.GradientDescentOptimizer(1e-3).minimize(loss)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            feed = {x: np.random.RandomState(1).randn(4, 8, 8, 3).astype(np.float32)}
            s.run(train, feed)
            from compat_tf._src.ops import onednn_lib
            print("RESULT " + json.dumps({"loss": float(s.run(loss, feed)), "hits": len(hits),
                                          "onednn": any(onednn_lib._convolutions.values())}))
    """)
    env = dict(os.environ, COMPAT_TF_COMPILATION_CACHE=str(tmp_path), COMPAT_TF_EXECUTION="compile",
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    results = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
        assert lines, proc.stderr[-3000:]
        results.append(json.loads(lines[-1][len("RESULT "):]))
    assert results[0]["onednn"] and results[1]["onednn"]
    assert results[0]["hits"] == 0 and results[1]["hits"] >= 1
    assert results[1]["loss"] == results[0]["loss"]


def test_handlers_are_used_only_with_the_ffi_version_they_were_written_for(tmp_path, monkeypatch):
    assert xla_ffi.works.__wrapped__() is True          # this jaxlib: FFI 0.x, x >= 3
    api = tmp_path / "xla" / "ffi" / "api"
    api.mkdir(parents=True)
    for major, minor, ok in [(0, 3, True), (0, 7, True), (1, 0, False), (0, 2, False)]:
        (api / "c_api.h").write_text(f"#define XLA_FFI_API_MAJOR {major}\n#define XLA_FFI_API_MINOR {minor}\n")
        monkeypatch.setattr(jax.ffi, "include_dir", lambda: str(tmp_path))
        assert xla_ffi.works.__wrapped__() is ok, (major, minor)
    (api / "c_api.h").unlink()
    assert xla_ffi.works.__wrapped__() is False


@needs_onednn
def test_the_geometry_cache_is_bounded_and_dropped_kernels_are_freed(monkeypatch):
    import gc
    import weakref
    monkeypatch.setattr(onednn_lib, "MAX_CONVOLUTIONS", 3)
    monkeypatch.setattr(onednn_lib, "_convolutions", type(onednn_lib._convolutions)())
    geometries = [Geometry(b, (6, 6), 2, (3, 3), 3, (1, 1), ((1, 1), (1, 1)), (1, 1)) for b in range(1, 6)]
    refs = []
    for g in geometries:
        x, w, dy = (np.ones(s, np.float32) for s in (g.x_shape, g.w_shape, g.y_shape))
        conv = onednn_lib.convolution(g)
        refs.append(weakref.ref(conv))
        assert conv.forward(x, w).max() == 18.0
        assert conv.filter_grad(x, dy).max() == 36.0 * g.batch        # the centre tap sees 6x6
        del conv
    gc.collect()
    assert list(onednn_lib._convolutions) == geometries[2:]          # the least recently used went
    assert [r() is None for r in refs] == [True, True, False, False, False]   # and were destroyed
    again = onednn_lib.convolution(geometries[0])                     # made anew, and it works
    assert again.forward(np.ones(geometries[0].x_shape, np.float32),
                         np.ones(geometries[0].w_shape, np.float32)).max() == 18.0
