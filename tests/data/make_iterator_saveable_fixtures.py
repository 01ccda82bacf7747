"""Writes tests/data/iterator_saveable/expected.json with REAL TensorFlow (tf.compat.v1,
make_saveable_from_iterator + Saver): the get_next sequences before and after a save/restore of
each pipeline in _iterator_saveable_cases.py, the checkpoint keys, and which pipelines fail to save,
for tests/data/test_iterator_saveable.py.

Run: /tmp/tfvenv/bin/python tests/data/make_iterator_saveable_fixtures.py
"""
import importlib.util
import json
import os
import pathlib
import tempfile

import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
HERE = pathlib.Path(__file__).parent
_spec = importlib.util.spec_from_file_location("_iterator_saveable_cases", HERE / "_iterator_saveable_cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)


def main():
    out = {"tf_version": tf.__version__, "runs": {}, "save_errors": {}}
    with tempfile.TemporaryDirectory() as d:
        for name in cases.CASES:
            out["runs"][name] = cases.run(tf, name, d)
        for name in cases.FAILING:
            out["save_errors"][name] = cases.save_error(tf, name, d)
    os.makedirs(HERE / "iterator_saveable", exist_ok=True)
    with open(HERE / "iterator_saveable" / "expected.json", "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
