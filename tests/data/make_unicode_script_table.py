"""Writes compat_tf/_data/unicode_scripts.npz with REAL TensorFlow: the ICU script code
(UScriptCode) TensorFlow's tf.strings.unicode_script gives every code point, as runs
(first code point of each run, its code), for compat_tf/_src/ops/unicode_ops.py.

Run: /tmp/tfvenv/bin/python tests/data/make_unicode_script_table.py
"""
import os

import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "compat_tf", "_data", "unicode_scripts.npz")


def main():
    points = np.arange(0x110000, dtype=np.int32)
    codes = tf.strings.unicode_script(points).numpy()
    starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]])).astype(np.int32)
    np.savez_compressed(os.path.normpath(OUT), starts=starts, codes=codes[starts].astype(np.int16))
    print(len(starts), "runs;", "invalid:", tf.strings.unicode_script([-1, 0x110000, 0xD800]).numpy())


if __name__ == "__main__":
    main()
