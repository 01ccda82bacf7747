"""Running a Jupyter notebook's code cells in order, as `python -m compat_tf run NOTEBOOK.ipynb` does.

Cells share one namespace (like a kernel). IPython-only lines (`%magic`,
`!shell`) are skipped with a note, since there is no IPython here. Each
cell's stdout/stderr is printed and recorded; the first failing cell stops
the run with its index and first line named. The executed notebook, with
outputs, can be written back out (nbformat 4 JSON). Cells written for Python 2
are rewritten first (py2compat), with one line to stderr saying what was rewritten.
"""
import collections
import contextlib
import io
import json
import os
import sys
import traceback


class CellError(Exception):
    def __init__(self, index, cell_source, exc):
        first = next((ln for ln in cell_source.splitlines() if ln.strip()), "")
        super().__init__(f"cell {index} failed ({first!r}): {type(exc).__name__}: {exc}")
        self.index = index
        self.exc = exc


class _Tee(io.TextIOBase):
    def __init__(self, stream, record):
        self._stream = stream
        self._record = record

    def write(self, s):
        self._stream.write(s)
        self._record.append(s)
        return len(s)

    def flush(self):
        self._stream.flush()


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _strip_magics(src):
    lines = src.splitlines()
    if lines and lines[0][:1] in (" ", "\t"):
        # IPython's leading_indent transform: the first line's indentation is removed from every line
        prefix = lines[0][:len(lines[0]) - len(lines[0].lstrip())]
        lines = [line[len(prefix):] if line.startswith(prefix) else line for line in lines]
    out = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            out.append(line[:len(line) - len(stripped)] + "pass  # skipped IPython line: " + stripped[:60])
        else:
            out.append(line)
    return "\n".join(out)


def _python3(src, index, notes):
    """A Python 2 cell rewritten (py2compat); what was rewritten is added to `notes`."""
    from compat_tf._src.dropin import py2compat
    new, counts = py2compat.rewrite(src, f"<cell {index}>")
    notes.update(counts)
    return new


def run_notebook(path, output=None, namespace=None):
    """Executes the code cells of `path`; returns the executed notebook dict. Raises CellError."""
    with open(path, encoding="utf-8") as f:
        nb = json.load(f)
    ns = namespace if namespace is not None else {"__name__": "__main__", "__file__": path}
    count = 0
    failure = None
    notes = collections.Counter()
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        count += 1
        src = _source(cell)
        out, err = [], []
        cell["outputs"] = []
        cell["execution_count"] = count
        try:
            with contextlib.redirect_stdout(_Tee(sys.stdout, out)), \
                    contextlib.redirect_stderr(_Tee(sys.stderr, err)):
                code = compile(_python3(_strip_magics(src), index, notes), f"<cell {index}>", "exec")
                exec(code, ns)  # noqa: S102 - running the user's notebook is the point
        except BaseException as e:  # noqa: BLE001 - reported as the cell's error
            if isinstance(e, KeyboardInterrupt):
                raise
            tb = traceback.format_exc()
            sys.stderr.write(tb)
            cell["outputs"].append({"output_type": "error", "ename": type(e).__name__, "evalue": str(e),
                                    "traceback": tb.splitlines()})
            failure = CellError(index, src, e)
        for name, rec in (("stdout", out), ("stderr", err)):
            if rec:
                cell["outputs"].insert(0 if name == "stdout" else len(cell["outputs"]),
                                       {"output_type": "stream", "name": name, "text": "".join(rec)})
        if failure is not None:
            break
    if notes:
        from compat_tf._src.dropin import py2compat
        print(py2compat.describe(notes, os.path.basename(path)), file=sys.stderr)
    if output:
        with open(output, "w", encoding="utf-8") as f:
            json.dump(nb, f, indent=1)
    if failure is not None:
        raise failure
    return nb
