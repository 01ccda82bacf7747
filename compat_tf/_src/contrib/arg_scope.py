"""tf.contrib.framework.arg_scope (TF 1.15's arg_scope.py): default keyword arguments for the
functions decorated with `add_arg_scope`.

As TF1: one module-wide stack of scopes (not per graph or thread); a scope maps a function's key
(`(module, name)` of the undecorated function) to its default kwargs; nested scopes copy the outer
one and update it; an explicit keyword argument wins over the scope's; a scope dict (what
`with arg_scope(...) as sc` gives) can be re-entered with `arg_scope(sc)`.
"""
import contextlib
import functools
import inspect

__all__ = ["add_arg_scope", "arg_scope", "arg_scope_func_key", "arg_scoped_arguments", "current_arg_scope",
           "has_arg_scope"]

_ARGSTACK = [{}]
_DECORATED_OPS = {}


def arg_scope_func_key(op):
    return getattr(op, "_key_op", str(op))


def _key_of(func):
    return getattr(func, "_key_op", None) or (func.__module__, func.__name__)


def current_arg_scope():
    return _ARGSTACK[-1]


def _name_op(op):
    return (op.__module__, op.__name__)


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Sets default kwargs for the listed ops (or re-enters a scope dict) in the `with` body."""
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError("When attempting to re-use a scope by suppling a dictionary, kwargs must be "
                             "empty.")
        current_scope = list_ops_or_scope.copy()
    else:
        if not isinstance(list_ops_or_scope, (list, tuple)):
            raise TypeError("list_ops_or_scope must either be a list/tuple or reused scope (i.e. dict)")
        current_scope = current_arg_scope().copy()
        for op in list_ops_or_scope:
            key = arg_scope_func_key(op)
            if not has_arg_scope(op):
                raise ValueError(f"{_name_op(op)} is not decorated with @add_arg_scope")
            merged = dict(current_scope.get(key, {}))
            merged.update(kwargs)
            current_scope[key] = merged
    _ARGSTACK.append(current_scope)
    try:
        yield current_scope
    finally:
        _ARGSTACK.pop()


def add_arg_scope(func):
    """Decorates `func` so that `arg_scope([func], ...)` supplies its default kwargs."""
    key = _key_of(func)

    @functools.wraps(func)
    def func_with_args(*args, **kwargs):
        scope = _ARGSTACK[-1]
        if key in scope:
            current_args = dict(scope[key])
            current_args.update(kwargs)
            return func(*args, **current_args)
        return func(*args, **kwargs)

    _DECORATED_OPS[key] = arg_scoped_arguments(func)
    func_with_args._key_op = key
    return func_with_args


def has_arg_scope(func):
    return arg_scope_func_key(func) in _DECORATED_OPS


def arg_scoped_arguments(func):
    """The names of `func`'s positional-or-keyword parameters (TF1: getargspec(func).args)."""
    if getattr(func, "_key_op", None) in _DECORATED_OPS and hasattr(func, "__wrapped__"):
        func = func.__wrapped__
    params = inspect.signature(func).parameters.values()
    return [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
