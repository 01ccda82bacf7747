"""Mutation fuzzing of compat_tf's parsers of untrusted bytes, on Hypothesis.

Hypothesis drives the runs (how many, derandomized or not, the report of a failure); each
example is one 64-bit number from which a `random.Random` makes the input, because drawing every
edit through Hypothesis costs more than most parsers take. A parser's test makes its inputs from
seeds (valid files of its format) by random mutations: byte edits (bit flips, interesting bytes
and words, varints, inserted, deleted, duplicated or truncated runs, numbers in text replaced by
extreme ones, splices of other seeds) and, for protobuf formats, edits of the decoded message (a
field set to an extreme value, a repeated entry dropped or doubled, a sub-message cleared, a map
entry added, copied or dropped), re-encoded, sometimes with byte edits on top.

Each input must end, within the bounds below, in success or in one of the exceptions TF1 itself
raises for bad input of that format (each test's docstring says which and why); anything else
fails the test with the input in the message.

Bounds per input: TIME_LIMIT_S seconds of CPU, or WALL_LIMIT_S of wall time for an input that
blocks (timers interrupt a hang), and a peak of traced
allocation (tracemalloc: Python objects and NumPy buffers) of at most
MEMORY_CAP_BYTES + MEMORY_PER_INPUT_BYTE * len(input); tracing slows a parser two to three times.

Examples per parser: in the default run (derandomized: the same inputs every run) DEFAULT_EXAMPLES
for the quick parsers and a fraction of it for the slower ones (GraphDef, MetaGraphDef and
SavedModel import, orbax checkpoints: each test's parameters say), about a minute of CPU for all;
SLOW_EXAMPLES for each in the `slow` run (random inputs). COMPAT_TF_FUZZ_EXAMPLES and
COMPAT_TF_FUZZ_SLOW_EXAMPLES override the two. Runs longer than the default print the outcome
counts every PROGRESS_EVERY inputs (to stderr), so an interrupted slow run still reports.
"""
import collections
import contextlib
import dis
import os
import random
import re
import shutil
import signal
import struct
import sys
import tempfile
import threading
import time
import tracemalloc

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

DEFAULT_EXAMPLES = int(os.environ.get("COMPAT_TF_FUZZ_EXAMPLES", "2000"))
SLOW_EXAMPLES = int(os.environ.get("COMPAT_TF_FUZZ_SLOW_EXAMPLES", "100000"))
TIME_LIMIT_S = 10.0
WALL_LIMIT_S = 300.0
PROGRESS_EVERY = 10_000
MEMORY_CAP_BYTES = 64 << 20
MEMORY_PER_INPUT_BYTE = 16

_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFF, 0x20, 0x3A, 0x2F)
_WORDS = (0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 500_000_000,
          (1 << 63) - 1, 1 << 63, (1 << 64) - 1)
_NUMBERS = (b"0", b"-1", b"-2", b"1", b"3", b"65536", b"500000000", b"2147483648", b"9223372036854775807",
            b"99999999999999999999999", b"1e308", b"nan", b"-0")
_DIGITS = re.compile(rb"-?\d+")
_OPS = ("flip", "byte", "word", "varint", "insert", "delete", "dup", "truncate", "number", "splice")


def example_counts(divisor=1):
    """The `examples` parameters of a fuzz test: DEFAULT_EXAMPLES // divisor, and the slow run's."""
    import pytest
    return [DEFAULT_EXAMPLES // divisor, pytest.param(SLOW_EXAMPLES, marks=pytest.mark.slow)]


class Hang(Exception):
    """An input ran past TIME_LIMIT_S."""


class Deliberate:
    """An allowed outcome: an exception of `cls` that compat_tf's own code raises on purpose (its last
    frame is a `raise` statement in compat_tf), not one Python raises for a bug (a TypeError of an
    operation on None, say)."""

    def __init__(self, cls):
        self.cls = cls

    def matches(self, e):
        if not isinstance(e, self.cls):
            return False
        tb = e.__traceback__
        while tb.tb_next is not None:
            tb = tb.tb_next
        code = tb.tb_frame.f_code
        return f"{os.sep}compat_tf{os.sep}" in code.co_filename and _is_raise(code, tb.tb_lasti)


def _is_raise(code, offset):
    """Whether the instruction at `offset` of `code` is a `raise` statement's (read from the code
    object, not the source file: a file edited while a long run goes on, or a raise written over
    several lines, would mislead a look at the source line)."""
    return any(ins.offset == offset and ins.opname == "RAISE_VARARGS" for ins in dis.get_instructions(code))


def _varint(v):
    out = bytearray()
    v &= (1 << 64) - 1
    while True:
        b = v & 0x7F
        v >>= 7
        if not v:
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def mutate_bytes(rnd, data, seeds=(), max_edits=6):
    """`data` with 1..max_edits byte-level edits (a splice takes a run of one of `seeds`)."""
    data = bytearray(data)
    for _ in range(rnd.randint(1, max_edits)):
        n = len(data)
        op = rnd.choice(_OPS)
        pos = rnd.randrange(n) if n else 0
        if op == "flip" and n:
            data[pos] ^= 1 << rnd.randrange(8)
        elif op == "byte" and n:
            data[pos] = rnd.choice(_BYTES) if rnd.random() < 0.5 else rnd.randrange(256)
        elif op == "word" and n:
            width = rnd.choice((2, 4, 8))
            word = rnd.choice(_WORDS) & ((1 << (8 * width)) - 1)
            data[pos:pos + width] = word.to_bytes(width, rnd.choice(("little", "big")))
        elif op == "varint":
            data[pos:pos + rnd.randint(0, 10)] = _varint(rnd.choice(_WORDS))
        elif op == "insert":
            data[pos:pos] = rnd.randbytes(rnd.randint(1, 16))
        elif op == "delete" and n:
            del data[pos:pos + rnd.randint(1, 32)]
        elif op == "dup" and n:
            chunk = data[pos:pos + rnd.randint(1, 64)]
            at = rnd.randint(0, n)
            data[at:at] = chunk * rnd.randint(1, 4)
        elif op == "truncate":
            del data[pos:]
        elif op == "number":
            m = _DIGITS.search(bytes(data), pos) or _DIGITS.search(bytes(data))
            if m:
                data[m.start():m.end()] = rnd.choice(_NUMBERS)
        elif op == "splice" and seeds:
            other = rnd.choice(seeds)
            if other:
                a = rnd.randrange(len(other))
                data[pos:pos + rnd.randint(0, 64)] = other[a:a + rnd.randint(1, 256)]
    return bytes(data)


# -- structure-aware edits of protobuf messages ------------------------------------------------

def _int_range(fd):
    t = fd.type
    if t in (fd.TYPE_UINT32, fd.TYPE_FIXED32):
        return 0, (1 << 32) - 1
    if t in (fd.TYPE_UINT64, fd.TYPE_FIXED64):
        return 0, (1 << 64) - 1
    if t in (fd.TYPE_INT64, fd.TYPE_SINT64, fd.TYPE_SFIXED64):
        return -(1 << 63), (1 << 63) - 1
    if t in (fd.TYPE_INT32, fd.TYPE_SINT32, fd.TYPE_SFIXED32, fd.TYPE_ENUM):
        return -(1 << 31), (1 << 31) - 1
    return None


_INTS = (0, 1, -1, 2, 3, 7, 19, 22, 77, 255, 65536, 500_000_000, (1 << 31) - 1, -(1 << 31), 1 << 40,
         (1 << 63) - 1, -(1 << 63))
_FLOATS = (0.0, -0.0, 1.0, -1.0, 1e38, -1e38, float("inf"), float("-inf"), float("nan"))
_STRINGS = ("", "x", "bad name!", "a/b", "^x", "x:1", "x:99", "a" * 300, "\u00fc", "Const", "Placeholder",
            "NoOp", "Identity", "_x", "T", "dtype", "value", "shape")


def _is_map(fd):
    return fd.message_type is not None and fd.message_type.GetOptions().map_entry


def _scalar(rnd, fd):
    rng = _int_range(fd)
    if rng is not None:
        lo, hi = rng
        v = rnd.choice(_INTS) if rnd.random() < 0.7 else rnd.randint(lo, hi)
        return min(max(v, lo), hi)
    if fd.type in (fd.TYPE_FLOAT, fd.TYPE_DOUBLE):
        return rnd.choice(_FLOATS)
    if fd.type == fd.TYPE_BOOL:
        return rnd.random() < 0.5
    if fd.type == fd.TYPE_STRING:
        return rnd.choice(_STRINGS)
    return rnd.choice((b"", b"\x00" * 8, b"\xff" * 5, rnd.randbytes(rnd.randint(1, 40))))


def _pick(rnd, msg, depth=0):
    """A random place in `msg` to edit, (message, field, index or None), found by descending through
    its set fields (now and then an unset one, so that absent fields get values too)."""
    present = [fd for fd, _ in msg.ListFields()]
    fields = present if present and rnd.random() < 0.85 else list(msg.DESCRIPTOR.fields)
    if not fields:
        return None
    fd = rnd.choice(fields)
    descend = depth < 12 and rnd.random() < 0.75
    if _is_map(fd):
        m = getattr(msg, fd.name)
        keys = sorted(m)
        if descend and keys and fd.message_type.fields_by_name["value"].message_type is not None:
            return _pick(rnd, m[rnd.choice(keys)], depth + 1) or (msg, fd, None)
        return msg, fd, None
    if fd.is_repeated:
        vals = getattr(msg, fd.name)
        if descend and len(vals):
            i = rnd.randrange(len(vals))
            if fd.message_type is not None:
                return _pick(rnd, vals[i], depth + 1) or (msg, fd, None)
            return msg, fd, i
        return msg, fd, None
    if fd.message_type is not None and descend:
        return _pick(rnd, getattr(msg, fd.name), depth + 1) or (msg, fd, None)
    return msg, fd, None


def _edit(rnd, msg, fd, where):
    if _is_map(fd):
        m = getattr(msg, fd.name)
        keys = sorted(m)
        key_fd, value_fd = (fd.message_type.fields_by_name[k] for k in ("key", "value"))
        key = rnd.choice(_STRINGS + tuple(keys)) if key_fd.type == key_fd.TYPE_STRING else _scalar(rnd, key_fd)
        choice = rnd.choice(("drop", "copy", "add"))
        if keys and choice == "drop":
            del m[rnd.choice(keys)]
        elif keys and choice == "copy" and value_fd.message_type is not None:
            m[key].CopyFrom(m[rnd.choice(keys)])
        elif value_fd.message_type is None:
            m[key] = _scalar(rnd, value_fd)
        else:
            m[key].Clear()
        return
    if fd.is_repeated:
        vals = getattr(msg, fd.name)
        if where is not None:
            vals[where] = _scalar(rnd, fd)
            return
        choice = rnd.choice(("drop", "dup", "add", "clear"))
        if len(vals) and choice == "drop":
            del vals[rnd.randrange(len(vals))]
        elif len(vals) and choice == "dup":
            i = rnd.randrange(len(vals))
            if fd.message_type is not None:
                vals.add().CopyFrom(vals[i])
            else:
                vals.append(vals[i])
        elif choice == "clear":
            del vals[:]
        elif fd.message_type is not None:
            vals.add()
        else:
            vals.append(_scalar(rnd, fd))
        return
    if fd.message_type is not None:
        msg.ClearField(fd.name)
        return
    setattr(msg, fd.name, _scalar(rnd, fd))


def mutate_proto(rnd, message_class, data, max_edits=4, text=False):
    """The message `data` (serialized, or in text format) with 1..max_edits field edits, encoded the
    same way again."""
    if text:
        from google.protobuf import text_format
        msg = text_format.Parse(data.decode(), message_class())
    else:
        msg = message_class.FromString(data)
    for _ in range(rnd.randint(1, max_edits)):
        place = _pick(rnd, msg)
        if place is not None:
            _edit(rnd, *place)
    if text:
        from google.protobuf import text_format
        return text_format.MessageToString(msg).encode()
    return msg.SerializeToString()


def _is_text(message_class, data):
    try:
        message_class.FromString(data)
        return False
    except Exception:  # noqa: BLE001 - not the binary encoding: the text format
        return True


class Mutator:
    """seed number -> a mutated input: byte edits of a seed, or (with `message_class`) field edits of
    it, sometimes followed by byte edits. Seeds of a protobuf format may be binary or text."""

    def __init__(self, seeds, message_class=None):
        self.seeds = list(seeds)
        self.message_class = message_class
        self.text = [message_class is not None and _is_text(message_class, s) for s in self.seeds]

    def __call__(self, number):
        rnd = random.Random(number)
        i = rnd.randrange(len(self.seeds))
        data = self.seeds[i]
        if self.message_class is None or rnd.random() < 0.25:
            return mutate_bytes(rnd, data, self.seeds)
        data = mutate_proto(rnd, self.message_class, data, text=self.text[i])
        return mutate_bytes(rnd, data, self.seeds, max_edits=2) if rnd.random() < 0.25 else data

    def __repr__(self):
        return f"<mutations of {len(self.seeds)} seeds>"


# -- running one input within the bounds -------------------------------------------------------

@contextlib.contextmanager
def _time_limit(cpu_seconds, wall_seconds):
    """Interrupts the block with Hang after `cpu_seconds` of the process's CPU time (a loaded
    machine, or a niced run, does not fail an input that is merely waiting for a core), or after
    `wall_seconds` of wall time (an input blocked without using CPU)."""
    def on_signal(signum, frame):
        what = f"{cpu_seconds} s of CPU" if signum == signal.SIGPROF else f"{wall_seconds} s"
        raise Hang(f"the input ran longer than {what}")
    old = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, cpu_seconds)
    signal.setitimer(signal.ITIMER_REAL, wall_seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _size(data):
    if isinstance(data, (bytes, bytearray)):
        return len(data)
    return sum(_size(d) for d in data) if isinstance(data, (tuple, list)) else 0


class Fuzzer:
    """Runs `target(data)` on each input; counts the outcomes; fails on a disallowed one."""

    def __init__(self, target, allowed):
        self.target = target
        self.allowed = tuple(a for a in allowed if not isinstance(a, Deliberate))
        self.deliberate = [a for a in allowed if isinstance(a, Deliberate)]
        self.outcomes = collections.Counter()
        self.max_peak = 0
        self.seconds = 0.0
        self.report_every = 0
        self._started = (time.perf_counter(), time.process_time())

    def report(self, file=None):
        wall, cpu = self._started
        total = sum(self.outcomes.values())
        print(f"\n{total} inputs in {time.perf_counter() - wall:.1f} s ({time.process_time() - cpu:.1f} s CPU, "
              f"{self.seconds:.1f} s in the parser), max traced peak {self.max_peak / 2**20:.1f} MiB: "
              f"{dict(self.outcomes.most_common())}", file=file, flush=True)

    def check(self, number, data):
        cap = MEMORY_CAP_BYTES + MEMORY_PER_INPUT_BYTE * _size(data)
        start = time.perf_counter()
        # Tracing only the parser is two to three times cheaper than tracing the whole run, but
        # stopping tracemalloc while another thread allocates can crash CPython before 3.12.9
        # (gh-128679): once another thread exists (orbax's pools), tracing stays on to the end.
        toggle = not tracemalloc.is_tracing() and threading.active_count() == 1
        if not tracemalloc.is_tracing():
            tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        try:
            with _time_limit(TIME_LIMIT_S, WALL_LIMIT_S):
                result = self.target(data)
            outcome = "ok" if result is None else f"ok:{result}"
        except self.allowed as e:
            outcome = type(e).__name__
        except Exception as e:  # noqa: BLE001 - the failure this test exists to find, or a deliberate error
            if not any(d.matches(e) for d in self.deliberate):
                raise AssertionError(f"input #{number} raised {type(e).__name__}: {e}\ninput: {data!r:.400}") from e
            outcome = type(e).__name__
        finally:
            peak = tracemalloc.get_traced_memory()[1] - base
            if toggle and threading.active_count() == 1:
                tracemalloc.stop()
            self.seconds += time.perf_counter() - start
        self.max_peak = max(self.max_peak, peak)
        assert peak <= cap, f"input #{number} allocated {peak} bytes (cap {cap}): {data!r:.400}"
        self.outcomes[outcome] += 1
        if self.report_every and sum(self.outcomes.values()) % self.report_every == 0:
            self.report(file=sys.stderr)

    def run(self, mutator, examples):
        """Checks `examples` inputs made by `mutator`; returns the outcome counts. A failure names the
        input's number: `mutator(number)` makes it again."""
        @settings(max_examples=examples, deadline=None, database=None,
                  derandomize=examples <= DEFAULT_EXAMPLES, suppress_health_check=list(HealthCheck),
                  phases=[Phase.generate])
        @given(st.integers(0, (1 << 64) - 1))
        def each(number):
            self.check(number, mutator(number))

        self.report_every = PROGRESS_EVERY if examples > DEFAULT_EXAMPLES else 0
        self._started = (time.perf_counter(), time.process_time())
        try:
            each()
        finally:
            if tracemalloc.is_tracing():
                tracemalloc.stop()
        self.report()
        return self.outcomes


def assert_reaches_parser(outcomes, stage_prefix="ok", min_fraction=0.05):
    """The mutations are not all rejected at the first check: some inputs get through."""
    total = sum(outcomes.values())
    passed = sum(n for k, n in outcomes.items() if k.startswith(stage_prefix))
    assert total and passed >= min_fraction * total, f"only {passed} of {total} inputs got through: {dict(outcomes)}"


def frame_records(records):
    """TFRecord framing of `records` (bytes), with valid checksums."""
    from compat_tf._src.io.tf_record import masked_crc32c
    out = bytearray()
    for r in records:
        head = struct.pack("<Q", len(r))
        out += head + struct.pack("<I", masked_crc32c(head)) + r + struct.pack("<I", masked_crc32c(r))
    return bytes(out)


@contextlib.contextmanager
def scratch_dir():
    """A temporary directory for the files the parsers read, in memory (/dev/shm) where there is one."""
    base = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    path = tempfile.mkdtemp(prefix="compat_tf_fuzz_", dir=base)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def split_records(data):
    """The records of a valid TFRecord file's bytes (checksums not checked)."""
    out, pos = [], 0
    while pos + 12 <= len(data):
        (n,) = struct.unpack("<Q", data[pos:pos + 8])
        out.append(data[pos + 12:pos + 12 + n])
        pos += 16 + n
    return out
