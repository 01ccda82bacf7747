"""Running TF1 scripts and notebooks written for Python 2 (`python -m compat_tf run`).

Many TF1 tutorials are Python 2: print statements, `except E, e`, `xrange`, `dict.iteritems()`,
`raise E, "msg"`, `0777` literals, `cPickle`/`urllib2` imports. Real TensorFlow cannot run them
on any supported Python; compat_tf's launcher rewrites them with fissix (a maintained fork of
lib2to3) before running, and says in one line what it rewrote.

Modules the script imports from its own folder (its helpers: `import utils`, `from nets import
vgg`) get the same treatment through an import hook; installed packages are never rewritten.

A source is rewritten only when it is Python 2: it does not compile as Python 3, or it uses a
Python-2-only name (xrange, iteritems, has_key, raw_input, unicode, basestring, cPickle, ...);
valid Python 3 that names none of these is run untouched, and a rewrite that does not compile
is dropped (the original runs and fails as it would). Not rewritten: integer `/` (Python 2
floors int / int; a TF1 script that relies on it gets a float, as under `from __future__ import
division`), implicit relative imports, str/bytes mixing.
"""
import collections
import importlib.abc
import importlib.machinery
import importlib.util
import os
import re
import sys

__all__ = ["describe", "install_import_hook", "looks_like_python2", "rewrite"]

# lib2to3's fixers for what TF1-era scripts contain (no idioms/ws_comma style rewrites)
_FIXERS = ["apply", "basestring", "dict", "except", "exec", "execfile", "filter", "funcattrs", "getcwdu",
           "has_key", "imports", "imports2", "itertools", "itertools_imports", "long", "map", "methodattrs", "ne",
           "next", "nonzero", "numliterals", "print", "raise", "raw_input", "reduce", "reload", "renames", "repr",
           "standarderror", "sys_exc", "throw", "tuple_params", "types", "unicode", "urllib", "xrange",
           "xreadlines", "zip"]

_PY2_NAMES = re.compile(r"\b(xrange|iteritems|itervalues|iterkeys|has_key|raw_input|unicode|basestring|"
                        r"cPickle|urllib2|izip|imap|ifilter|iteritems|unichr|execfile)\b")

# what each fixer is called in the note
_LABELS = {"FixPrint": "print statement", "FixExcept": "except E, e", "FixXrange": "xrange",
           "FixDict": "dict.iter*/keys()", "FixRaise": "raise E, msg", "FixNumliterals": "0777/123L literal",
           "FixHasKey": "has_key", "FixRawInput": "raw_input", "FixUnicode": "unicode", "FixImports": "py2 module",
           "FixImports2": "py2 module", "FixUrllib": "urllib", "FixBasestring": "basestring", "FixLong": "long",
           "FixNe": "<>", "FixRepr": "`x`", "FixMap": "map() list", "FixFilter": "filter() list",
           "FixZip": "zip() list", "FixItertools": "itertools.i*", "FixItertoolsImports": "itertools.i*",
           "FixNext": ".next()", "FixExec": "exec statement", "FixExecfile": "execfile"}


def looks_like_python2(source):
    """Whether `source` needs the rewrite (see the module docstring)."""
    try:
        compile(source, "<source>", "exec", dont_inherit=True)
    except SyntaxError:
        return True
    return bool(_PY2_NAMES.search(source))


class _CountingTool:
    """fissix's RefactoringTool whose fixers count the nodes they change."""

    def __init__(self):
        from fissix.refactor import RefactoringTool
        self.tool = RefactoringTool([f"fissix.fixes.fix_{n}" for n in _FIXERS])
        self.counts = collections.Counter()
        for fixer in self.tool.pre_order + self.tool.post_order:
            fixer.transform = self._counting(fixer, fixer.transform)

    def _counting(self, fixer, transform):
        def wrapped(node, results):
            before = str(node)
            new = transform(node, results)
            if (new is not None and str(new) != before) or str(node) != before:
                self.counts[type(fixer).__name__] += 1
            return new
        return wrapped


def rewrite(source, name="<source>"):
    """(new source, {what: count}) with the Python 2 forms rewritten, or (source, {}) when the
    source is Python 3 already, cannot be parsed as Python 2, or the rewrite does not compile."""
    if not looks_like_python2(source):
        return source, {}
    tool = _CountingTool()
    text = source if source.endswith("\n") else source + "\n"
    try:
        tree = tool.tool.refactor_string(text, name)
    except Exception:  # noqa: BLE001 - fissix's parse errors: leave the source as it is
        return source, {}
    new = str(tree)
    if new == text:
        return source, {}
    try:
        compile(new, name, "exec", dont_inherit=True)
    except SyntaxError:
        return source, {}
    counts = collections.Counter()
    for fixer, n in tool.counts.items():
        counts[_LABELS.get(fixer, fixer[3:].lower())] += n
    return new, dict(counts)


def describe(counts, name):
    """The one-line note: 'compat_tf run: rewrote Python 2 forms in x.py: print statement (3), ...'."""
    parts = ", ".join(f"{what} ({n})" for what, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"compat_tf run: rewrote Python 2 forms in {name}: {parts}"


class _Py2SourceLoader(importlib.machinery.SourceFileLoader):
    """Loads a module from its source, rewritten when it is Python 2 (no .pyc is read or written)."""

    def get_code(self, fullname):
        path = self.get_filename(fullname)
        source = importlib.util.decode_source(self.get_data(path))
        new, counts = rewrite(source, path)
        if counts:
            print(describe(counts, os.path.relpath(path)), file=sys.stderr)
        return compile(new, path, "exec", dont_inherit=True)


class _Py2Finder(importlib.abc.MetaPathFinder):
    """Finds the modules under `root` with the normal path finder and loads them rewritten."""

    def __init__(self, root):
        self.root = os.path.abspath(root) + os.sep

    def find_spec(self, fullname, path, target=None):
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or not isinstance(spec.loader, importlib.machinery.SourceFileLoader):
            return None
        if not os.path.abspath(spec.origin).startswith(self.root):
            return None
        spec.loader = _Py2SourceLoader(fullname, spec.origin)
        return spec


def install_import_hook(root):
    """Rewrites Python 2 modules imported from under `root` (the script's folder) from now on."""
    finder = _Py2Finder(root)
    sys.meta_path.insert(1 if sys.meta_path else 0, finder)
    return finder
