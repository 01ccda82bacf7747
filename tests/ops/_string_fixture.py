"""The string-op cases of tests/data/make_string_fixtures.py built with compat_tf, and TF's recorded
values (tests/data/strings/expected.json), for the tests of the string op modules."""
import json
import os
import types

import numpy as np

import compat_tf as tf

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")


def _fixture_module():
    src = open(os.path.join(DATA, "make_string_fixtures.py")).read()
    body = src.split("\nWORDS = ", 1)[1].split("\ndef errors_():", 1)[0]
    mod = types.ModuleType("string_fixture")
    mod.np, mod.tf = np, tf
    exec("WORDS = " + body, mod.__dict__)  # noqa: S102 - the fixture script's inputs and cases
    return mod


def expected():
    with open(os.path.join(DATA, "strings", "expected.json")) as f:
        return json.load(f)


def run_cases(keys):
    """compat_tf's values of the fixture cases `keys`, converted as the fixture script converts TF's."""
    mod = _fixture_module()
    with tf.Graph().as_default():
        cases = _select(mod, keys)
        assert sorted(cases) == sorted(keys)
        with tf.Session() as sess:
            vals = sess.run(cases)
    return {k: mod._py(v) for k, v in vals.items()}


def _select(mod, keys):
    """Builds only the cases in `keys` (the fixture's cases() builds them all, one line each)."""
    built = {}
    src = open(os.path.join(DATA, "make_string_fixtures.py")).read()
    lines = src.split("def cases():", 1)[1].split("    return c", 1)[0].splitlines()
    env = dict(mod.__dict__, s=tf.strings, c=built)
    for line in lines:
        line = line.strip()
        if line.startswith('c["') and line.split('"')[1] in keys:
            exec(line, env)  # noqa: S102
        elif line.startswith("lines = "):
            exec(line, env)  # noqa: S102
    return built
