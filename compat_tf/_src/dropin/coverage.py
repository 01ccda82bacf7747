"""`python -m compat_tf coverage`: which public tf.compat.v1 names compat_tf provides.

The list of TF 1.x public names ships with the package (`_data/tf1_symbols.txt`,
one `tf.module.name` per line; `_data/tf1_keras_symbols.txt` adds TF 1.15's tf.keras names,
which the first list, taken from TF 2.21, leaves out). A name counts as provided when resolving it
attribute by attribute on compat_tf succeeds; a name that resolves to a
placeholder raising NotImplementedError does not count.
"""
import collections
import os

_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "_data")
_SYMBOLS_FILE = os.path.join(_DATA, "tf1_symbols.txt")
_KERAS_SYMBOLS_FILE = os.path.join(_DATA, "tf1_keras_symbols.txt")


def load_symbols():
    # a path, not importlib.resources: when compat_tf is aliased as `tensorflow` by another
    # import hook its __spec__ may no longer say it is a package
    out = []
    for path in (_SYMBOLS_FILE, _KERAS_SYMBOLS_FILE):
        if not os.path.exists(path) and path == _KERAS_SYMBOLS_FILE:
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        out += [line.strip() for line in text.splitlines() if line.strip().startswith("tf")]
    return out


def provided(symbol, root):
    obj = root
    for part in symbol.split(".")[1:]:
        try:
            obj = getattr(obj, part)
        except (AttributeError, NotImplementedError):
            return False
    return True


def coverage_table(symbols=None):
    """{module: (provided, total)} with module = the symbol's parent path ('tf', 'tf.nn', ...)."""
    import compat_tf
    symbols = load_symbols() if symbols is None else symbols
    table = collections.OrderedDict()
    for sym in sorted(symbols):
        module = sym.rpartition(".")[0]
        ok, total = table.get(module, (0, 0))
        table[module] = (ok + provided(sym, compat_tf), total + 1)
    return table


def format_table(table, min_total=1):
    lines = [f"{'module':<44} {'provided':>8} {'total':>6} {'%':>6}"]
    all_ok = all_total = 0
    for module, (ok, total) in table.items():
        all_ok += ok
        all_total += total
        if total >= min_total:
            lines.append(f"{module:<44} {ok:>8} {total:>6} {100.0 * ok / total:>5.1f}%")
    lines.append(f"{'TOTAL':<44} {all_ok:>8} {all_total:>6} {100.0 * all_ok / max(all_total, 1):>5.1f}%")
    return "\n".join(lines)
