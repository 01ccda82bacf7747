"""nox sessions for compat_tf. `nox` alone runs the default sessions: tests and lint."""
import nox

nox.options.sessions = ["tests", "lint"]
nox.options.default_venv_backend = "venv"


@nox.session
def tests(session):
    """The default test run (slow tests excluded by pyproject's addopts)."""
    session.install(".[test]")
    session.run("pytest", "-q", *session.posargs)


@nox.session
def slow(session):
    """Only the long-running tests."""
    session.install(".[test]")
    session.run("pytest", "-q", "-m", "slow", *session.posargs)


@nox.session
def lint(session):
    session.install("ruff")
    session.run("ruff", "check", "compat_tf", "tests", "examples", "benchmarks", *session.posargs)


@nox.session
def conformance(session):
    """TF1 programs with outputs recorded from real TensorFlow (../shared/conformance)."""
    session.install(".")
    session.run("python", "../shared/conformance/run.py", *session.posargs)


@nox.session
def bench(session):
    """benchmarks/run.py: the issue-5 cases beside JAX + optax (a TF1 column when tensorflow is
    installed); prints a table, writes benchmarks/results/latest.json. `nox -s bench -- --quick`."""
    session.install(".")
    session.run("python", "benchmarks/run.py", *session.posargs)


@nox.session
def oracle(session):
    """Optional parity tests against real TensorFlow; the default test run never needs it."""
    session.install(".[test]", "tensorflow-cpu")
    session.run("pytest", "-q", "-m", "oracle", "tests/oracle", *session.posargs, env={"COMPAT_TF_ORACLE": "1"})


@nox.session(venv_backend="none")
def gpu_check(session):
    """On a machine with NVIDIA GPUs and a CUDA JAX: scripts/gpu_check.sh (multi-device checks,
    speed cases and whole programs on the GPU, data-parallel example and tests); uses the
    current Python, as the CUDA install lives there. `nox -s gpu_check -- OUT_DIR`."""
    session.run("bash", "scripts/gpu_check.sh", *session.posargs, external=True)
