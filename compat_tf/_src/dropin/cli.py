"""The `python -m compat_tf` command line.

  python -m compat_tf run [--checkpoint-format tf|orbax] SCRIPT.py [args...]
                                                    run a TF1 script with tensorflow = compat_tf
                                                    (--checkpoint-format tf: Saver writes TF's format)
  python -m compat_tf run -m PACKAGE.MODULE [args...]
                                                    the same for a module, as `python -m` runs it
                                                    (relative imports work; the current directory is
                                                    on the path)
  python -m compat_tf run NOTEBOOK.ipynb [--output OUT.ipynb]
                                                    run a notebook's code cells in order
  python -m compat_tf install-kernel [--user] [--prefix DIR] [--name NAME]
  python -m compat_tf coverage [--all]              tf.compat.v1 names provided, by module
  python -m compat_tf convert-checkpoint SRC DST --to tf|orbax
                                                    rewrite a checkpoint in the other format
"""
import argparse
import os
import runpy
import sys


def _run(argv):
    argv = list(argv)
    while argv and argv[0].startswith("--checkpoint-format"):
        opt = argv.pop(0)
        value = opt.partition("=")[2] if "=" in opt else (argv.pop(0) if argv else "")
        from compat_tf._src.train import checkpoint_format
        try:
            os.environ[checkpoint_format.ENV_VAR] = checkpoint_format.normalize(value)
        except ValueError as e:
            print(f"compat_tf run: {e}", file=sys.stderr)
            return 2
    if not argv or argv == ["-m"]:
        print("usage: python -m compat_tf run SCRIPT.py|NOTEBOOK.ipynb|-m MODULE [args...]", file=sys.stderr)
        return 2
    import compat_tf
    compat_tf.install()
    if argv[0] == "-m":
        return _exit_status(lambda: _run_module(argv[1], argv[2:]))
    target = argv[0]
    if not os.path.exists(target):
        print(f"compat_tf run: no such file: {target}", file=sys.stderr)
        return 2
    if target.endswith(".ipynb"):
        from compat_tf._src.dropin import notebook
        p = argparse.ArgumentParser(prog="python -m compat_tf run NOTEBOOK.ipynb")
        p.add_argument("notebook")
        p.add_argument("--output", "-o", help="write the executed notebook (with outputs) here")
        args = p.parse_args(argv)
        sys.argv = [target]
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
        try:
            notebook.run_notebook(target, output=args.output)
        except notebook.CellError as e:
            print(f"compat_tf run: {e}", file=sys.stderr)
            return 1
        return 0
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
    return _exit_status(lambda: _run_script(target))


def _exit_status(run):
    """The exit status of `run()`: 0, or what its SystemExit says (a message is printed, status 1)."""
    try:
        run()
    except SystemExit as e:
        code = e.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        print(code, file=sys.stderr)
        return 1
    return 0


def _run_module(name, args):
    """Runs module `name` as __main__ the way `python -m name` does: the current directory first on the
    path, sys.argv[0] the module's file, its package imported (so relative imports work)."""
    import importlib.util
    sys.path.insert(0, os.getcwd())
    try:
        spec = importlib.util.find_spec(name)
    except ImportError:
        spec = None
    if spec is None:
        raise SystemExit(f"compat_tf run: no module named {name}")
    sys.argv = [spec.origin or name] + list(args)
    runpy.run_module(name, run_name="__main__", alter_sys=True)


def _run_script(target):
    """Runs the script as __main__; a Python 2 script is rewritten first (py2compat), with a note."""
    from compat_tf._src.dropin import py2compat
    py2compat.install_import_hook(os.path.dirname(os.path.abspath(target)))
    with open(target, encoding="utf-8", errors="surrogateescape") as f:
        source = f.read()
    new, counts = py2compat.rewrite(source, target)
    if not counts:
        runpy.run_path(target, run_name="__main__")
        return
    print(py2compat.describe(counts, os.path.basename(target)), file=sys.stderr)
    import types
    module = types.ModuleType("__main__")
    module.__file__ = target
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = module
    try:
        exec(compile(new, target, "exec", dont_inherit=True), module.__dict__)  # noqa: S102 - the user's script
    finally:
        sys.modules["__main__"] = saved


def _install_kernel(argv):
    from compat_tf._src.dropin import kernel
    p = argparse.ArgumentParser(prog="python -m compat_tf install-kernel")
    p.add_argument("--user", action="store_true")
    p.add_argument("--prefix")
    p.add_argument("--name", default=kernel.KERNEL_NAME)
    args = p.parse_args(argv)
    d = kernel.install_kernel_spec(user=args.user, prefix=args.prefix, name=args.name)
    print(f"Installed kernelspec {args.name} in {d}")
    return 0


def _coverage(argv):
    from compat_tf._src.dropin import coverage
    p = argparse.ArgumentParser(prog="python -m compat_tf coverage")
    p.add_argument("--all", action="store_true", help="list every module, including the small ones")
    args = p.parse_args(argv)
    print(coverage.format_table(coverage.coverage_table(), min_total=1 if args.all else 10))
    return 0


def _convert_checkpoint(argv):
    p = argparse.ArgumentParser(
        prog="python -m compat_tf convert-checkpoint",
        description="Rewrites a checkpoint (either format; every checksum verified) in the format --to.")
    p.add_argument("src", help="checkpoint prefix (or a directory: its latest checkpoint)")
    p.add_argument("dst", help="prefix of the checkpoint to write")
    p.add_argument("--to", required=True, choices=["tf", "orbax"],
                   help="tf: TensorFlow's V2 tensor bundle; orbax: compat_tf's default format")
    args = p.parse_args(argv)
    from compat_tf._src.framework import errors
    from compat_tf._src.train import checkpoint_convert
    try:
        dst = checkpoint_convert.convert(args.src, args.dst, args.to)
    except (ValueError, errors.OpError) as e:
        print(f"compat_tf convert-checkpoint: {getattr(e, 'message', None) or e}", file=sys.stderr)
        return 1
    print(f"wrote {dst} ({args.to})")
    return 0


COMMANDS = {"run": _run, "install-kernel": _install_kernel, "coverage": _coverage,
            "convert-checkpoint": _convert_checkpoint}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr if argv and argv[0] not in ("-h", "--help") else sys.stdout)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    return COMMANDS[argv[0]](argv[1:])
