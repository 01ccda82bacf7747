"""Per-session host resources: queues, iterators, readers.

TF1 keeps stateful host objects (a FIFOQueue's buffer, an iterator's position,
a reader's file offset) in the session's resource manager, keyed by the op
that creates them: two sessions on one graph have separate queues, and a
resource lives until the session is closed. Host lowerings reach them with
`ctx.session` (see `runtime.lowering.LoweringContext`):

    queue = resources.get_or_create(ctx.session, op.name, lambda: _Queue(...))

Creation is atomic (one object per key even under concurrent runs). On
`Session.close()` every resource with a `close(cancel_pending=True)` or
`cancel()` method gets it, so threads blocked on a queue are released.
"""
import threading

_CREATE_LOCK = threading.Lock()


def _table(session):
    table = getattr(session, "_resources", None)
    if table is None:
        with _CREATE_LOCK:
            table = getattr(session, "_resources", None)
            if table is None:
                table = session._resources = {}
    return table


def get_or_create(session, key, factory):
    """The resource `key` of `session`, made by `factory()` on first use."""
    if session is None:
        raise RuntimeError(f"resource {key!r} is only available inside a Session.run")
    table = _table(session)
    res = table.get(key)
    if res is None:
        with _CREATE_LOCK:
            res = table.get(key)
            if res is None:
                res = table[key] = factory()
    return res


def lookup(session, key):
    """The resource `key` of `session`, or None."""
    return _table(session).get(key) if session is not None else None


def replace(session, key, value):
    """Stores `value` as resource `key` (an iterator re-initialised), returns it."""
    _table(session)[key] = value
    return value


def close_all(session):
    """Releases every resource of `session` (called by Session.close)."""
    table = getattr(session, "_resources", None) or {}
    for res in list(table.values()):
        close = getattr(res, "cancel", None) or getattr(res, "close", None)
        if callable(close):
            try:
                close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
    table.clear()
