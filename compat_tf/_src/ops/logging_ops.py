"""tf.Print and tf.print: printing tensor values from inside a running step.

Both print from a host callback in the jitted step (`jax.debug.callback`,
ordered), so output appears in program order, once per `Session.run` that
executes the op (also when tf.gradients re-evaluates a tf.Print on the path),
and before `Session.run` returns.

- `tf.Print(input_, data, message, first_n, summarize)` (op "Print") is an
  identity of `input_` that writes `message` followed by `[value]` for each
  tensor in `data` to stderr, in TF1's format (`Tensor::SummarizeValue`: the
  first `summarize` elements, default 3, then "..."). `first_n` limits how
  many runs print (counted per op, in this process). Gradients pass through.
- `tf.print(*inputs, output_stream=sys.stderr, summarize=3, sep=" ", end="\\n")`
  (op "PrintV2") formats like TF 1.15's tf.print (numpy-like nested brackets,
  the first and last `summarize` elements per dimension) and returns the op,
  to be run or used in `tf.control_dependencies`.

Deviations: TF1 writes from C++ (std::cerr / std::cout); compat_tf writes to
Python's sys.stderr / sys.stdout (captured the same way by pytest's capfd).
`first_n` counters are per op for the life of the process, not per session.
"""
import sys
import threading

import jax
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import shape_inference
from compat_tf._src.framework.graph import Tensor
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.runtime import host_checks

__all__ = ["Print", "print"]

_builtin_print = print


# --------------------------------------------------------------------------------------------
# TF's Tensor::SummarizeValue (v1 for Print/Assert, v2 for tf.print)
# --------------------------------------------------------------------------------------------

def _element(v, v2=False):
    if isinstance(v, (bytes, np.bytes_)):
        s = bytes(v).decode("utf-8", "backslashreplace")
        return f'"{s}"' if v2 else s
    if isinstance(v, str):
        return f'"{v}"' if v2 else v
    if isinstance(v, (bool, np.bool_)):
        return ("True" if v else "False") if v2 else ("1" if v else "0")
    if isinstance(v, (np.floating, float)):
        return _float_str(v)
    if isinstance(v, (np.complexfloating, complex)):
        return f"({_float_str(v.real)},{_float_str(v.imag)})"
    return str(v)


def _float_str(v):
    """C++ StrCat of a float/double: shortest of %.{6,15}g that round-trips, else %.{9,17}g."""
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    single = isinstance(v, (np.float32, np.float16)) or getattr(v, "dtype", None) in (np.float32, np.float16)
    short, long_ = (6, 9) if single else (15, 17)
    s = f"{float(v):.{short}g}"
    typ = np.float32 if single else np.float64
    if typ(float(s)) != typ(v):
        s = f"{float(v):.{long_}g}"
    return s


def summarize_v1(value, summarize=3):
    """TF1 Tensor::SummarizeValue(summarize) as tf.Print and tf.Assert print it."""
    arr = np.asarray(value)
    flat = arr.reshape(-1)
    n = flat.size
    limit = n if summarize is None or summarize < 0 else min(int(summarize), n)
    if arr.ndim == 0:
        out = " ".join(_element(flat[i]) for i in range(limit))
        return out + ("..." if n > limit else "")
    out = []
    idx = [0]

    def dim(d):
        if idx[0] >= limit:
            return
        count = arr.shape[d]
        if d == arr.ndim - 1:
            for i in range(count):
                if idx[0] >= limit:
                    if d != 0:
                        out.append("...")
                    return
                if i > 0:
                    out.append(" ")
                out.append(_element(flat[idx[0]]))
                idx[0] += 1
            return
        for _ in range(count):
            flag = False
            if idx[0] < limit:
                out.append("[")
                flag = True
            dim(d + 1)
            if idx[0] < limit or flag:
                out.append("]")
    dim(0)
    s = "".join(out)
    return s + ("..." if n > limit else "")


def summarize_v2(value, summarize=3):
    """TF's print_v2 summary (tf.print / tf.strings.format): numpy-like nested brackets."""
    arr = np.asarray(value)
    if arr.ndim == 0:
        return _element(arr.reshape(-1)[0], True)
    ends = max(arr.shape) if summarize is None or summarize < 0 else int(summarize)
    out = []

    def spacing(d):
        if d == arr.ndim - 1:
            out.append(" ")
            return
        out.append("\n" * (arr.ndim - d - 1))
        out.append(" " * (d + 1))

    def dim(d, index):
        if d == arr.ndim:
            out.append(_element(arr[tuple(index)], True))
            return
        out.append("[")
        count = arr.shape[d]
        start_of_end = max(ends, count - ends)
        for i in range(min(ends, count)):
            if i > 0:
                spacing(d)
            dim(d + 1, index + [i])
        if count > 2 * ends:
            spacing(d)
            out.append("...")
        for i in range(start_of_end, count):
            spacing(d)
            dim(d + 1, index + [i])
        out.append("]")
    dim(0, [])
    return "".join(out)


# --------------------------------------------------------------------------------------------
# tf.Print
# --------------------------------------------------------------------------------------------

_counts = {}
_counts_lock = threading.Lock()


_last_run = {}


def _should_print(key, first_n, run=None):
    with _counts_lock:
        if run is not None:
            # tf.gradients re-evaluates forward ops: print once per op per Session.run
            if _last_run.get(key) == run:
                return False
            _last_run[key] = run
        if first_n is None or first_n < 0:
            return True
        n = _counts.get(key, 0)
        if n >= first_n:
            return False
        _counts[key] = n + 1
        return True


def _emit(ctx, fn, values):
    """Calls fn(*numpy values) on the host: at once outside jit, else by an ordered callback."""
    if not host_checks.in_device_trace():
        fn(*[np.asarray(v) for v in values])
        return
    jax.debug.callback(fn, *values, ordered=True)


@register_op("Print", ctx=True, stateful=True)
def _print_v1(ctx, value, *data, message="", first_n=-1, summarize=3, _template=(), **_):
    key = (id(ctx.op.graph), ctx.op.name)
    template = _template or tuple(("t", i) for i in range(len(data)))

    def do_print(run, *vals):
        if not _should_print(key, first_n, int(run)):
            return
        parts = [message]
        for kind, x in template:
            parts.append("[" + (x if kind == "s" else summarize_v1(vals[x], summarize)) + "]")
        sys.stderr.write("".join(parts) + "\n")
        sys.stderr.flush()
    _emit(ctx, do_print, [host_checks.ctx_counter(ctx)] + list(data))
    return value


host_checks.register_callback_op("Print")


def _split_static_strings(items):
    """(template, tensors): build-time string constants go into the template, others are inputs."""
    template, tensors = [], []
    for x in items:
        if isinstance(x, (str, bytes)):
            template.append(("s", x.decode() if isinstance(x, bytes) else x))
            continue
        t = _constant.convert_to_tensor(x)
        if t.dtype.base_dtype == _dtypes.string:
            v = shape_inference.constant_value(t)
            if v is not None:
                template.append(("s", summarize_v1(v, -1) if np.ndim(v) else _element(v.reshape(-1)[0]
                                                                                       if hasattr(v, "reshape")
                                                                                       else v)))
                continue
            raise NotImplementedError(f"tf.Print / tf.Assert of a string tensor computed at run time ({t.name}) "
                                      "is not supported by compat_tf; pass build-time string constants")
        template.append(("t", len(tensors)))
        tensors.append(t)
    return tuple(template), tensors


def Print(input_, data, message=None, first_n=None, summarize=None, name=None):  # noqa: N802 - TF1 name
    """tf.Print (TF1 op Print): identity of `input_` that prints `message` and `data` to stderr."""
    x = input_ if isinstance(input_, Tensor) else _constant.convert_to_tensor(input_)
    template, tensors = _split_static_strings(list(data or []))
    attrs = {"message": message or "", "first_n": -1 if first_n is None else int(first_n),
             "summarize": 3 if summarize is None else int(summarize), "_template": template}
    g = x.graph
    op = g.create_op("Print", [x] + tensors, attrs, name=name or "Print",
                     output_specs=[(x.shape, x.dtype.base_dtype)])
    return op.outputs[0]


# --------------------------------------------------------------------------------------------
# tf.print (PrintV2)
# --------------------------------------------------------------------------------------------

@register_op("PrintV2", num_outputs=0, shape=lambda op: [], ctx=True, stateful=True, differentiable=False)
def _print_v2(ctx, *tensors, _pieces=(), output_stream="stderr", summarize=3, sep=" ", end="\n", **_):
    stream = _STREAMS.get(output_stream) if isinstance(output_stream, str) else output_stream

    def do_print(*vals):
        text = sep.join(_render(p, vals, summarize) for p in _pieces) + end
        if stream is None or stream == "stderr":
            sys.stderr.write(text)
            sys.stderr.flush()
        elif stream == "stdout":
            sys.stdout.write(text)
            sys.stdout.flush()
        elif hasattr(stream, "write"):
            stream.write(text)
        else:
            stream(text[:-len(end)] if end and text.endswith(end) else text)
    _emit(ctx, do_print, list(tensors))
    return ()


_STREAMS = {"stderr": "stderr", "stdout": "stdout"}


def _render(piece, vals, summarize):
    kind = piece[0]
    if kind == "s":
        return piece[1]
    if kind == "t":
        return summarize_v2(vals[piece[1]], summarize)
    if kind == "list":
        return "[" + ", ".join(_render(p, vals, summarize) for p in piece[1]) + "]"
    if kind == "tuple":
        return "(" + ", ".join(_render(p, vals, summarize) for p in piece[1]) + ")"
    if kind == "dict":
        return "{" + ", ".join(f"{k!r}: {_render(p, vals, summarize)}" for k, p in piece[1]) + "}"
    raise AssertionError(kind)


def _piece(x, tensors, top):
    if isinstance(x, str):
        return ("s", x if top else repr(x))
    if isinstance(x, (list, tuple)) and not isinstance(x, Tensor):
        return ("list" if isinstance(x, list) else "tuple", tuple(_piece(e, tensors, False) for e in x))
    if isinstance(x, dict):
        return ("dict", tuple((k, _piece(x[k], tensors, False)) for k in sorted(x)))
    if hasattr(x, "_variable") and hasattr(x, "value"):
        x = x.value()
    if isinstance(x, Tensor) or isinstance(x, np.ndarray):
        t = _constant.convert_to_tensor(x)
        if t.dtype.base_dtype == _dtypes.string:
            v = shape_inference.constant_value(t)
            if v is None:
                raise NotImplementedError("tf.print of a string tensor computed at run time is not supported "
                                          "by compat_tf")
            return ("s", summarize_v2(v, -1))
        tensors.append(t)
        return ("t", len(tensors) - 1)
    return ("s", str(x))


def print(*inputs, **kwargs):  # noqa: A001 - TF1 name
    """tf.print (TF 1.15, op PrintV2): prints `inputs` when the returned op runs.

    Accepts tensors, Python values and nested lists/tuples/dicts of them, and the keyword
    arguments output_stream (sys.stderr, sys.stdout, or a logging function such as
    tf.logging.info), summarize (default 3; -1 or None prints everything), sep, end, name.
    """
    output_stream = kwargs.pop("output_stream", sys.stderr)
    summarize = kwargs.pop("summarize", 3)
    sep = kwargs.pop("sep", " ")
    end = kwargs.pop("end", "\n")
    name = kwargs.pop("name", None)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments for tf.print: {sorted(kwargs)}")
    if output_stream is sys.stderr:
        stream = "stderr"
    elif output_stream is sys.stdout:
        stream = "stdout"
    elif isinstance(output_stream, str) or callable(output_stream) or hasattr(output_stream, "write"):
        if isinstance(output_stream, str) and output_stream not in _STREAMS:
            raise ValueError(f"Unsupported output stream for tf.print: {output_stream!r}")
        stream = output_stream
    else:
        raise ValueError(f"Unsupported output stream for tf.print: {output_stream!r}")
    tensors = []
    pieces = tuple(_piece(x, tensors, True) for x in inputs)
    g = tensors[0].graph if tensors else _graph.get_default_graph()
    with g.name_scope(name or "PrintV2") as scope:
        return g.create_op("PrintV2", tensors, {"_pieces": pieces, "output_stream": stream,
                                                "summarize": -1 if summarize is None else int(summarize),
                                                "sep": sep, "end": end}, name=scope)


host_checks.register_callback_op("PrintV2")

_ = _builtin_print
