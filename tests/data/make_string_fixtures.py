"""Writes tests/data/strings/expected.json with REAL TensorFlow (tf.compat.v1.strings): hashes,
split, unicode decode/encode/transcode, unsorted_segment_join, format, ngrams, for
tests/ops/test_string_more_ops.py.

Run: /tmp/tfvenv/bin/python tests/data/make_string_fixtures.py
"""
import json
import os

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "strings")

WORDS = ["", "a", "hello", "h\u00e9llo world, longer than sixteen bytes", "12345678", "1234567"]
UTF8 = "h\u00e9llo \U0001F600\u4e2d"
BAD = b"a\xffb\xe2\x82c\xc3"


def _py(v):
    if isinstance(v, bytes):
        return v.decode("latin-1")
    if isinstance(v, np.ndarray):
        return _py(v.tolist())
    if isinstance(v, (list, tuple)):
        return [_py(x) for x in v]
    if isinstance(v, np.generic):
        return v.item()
    if hasattr(v, "to_list"):
        return _py(v.to_list())
    if hasattr(v, "indices"):
        return {"indices": _py(v.indices), "values": _py(v.values), "dense_shape": _py(v.dense_shape)}
    return v


def cases():
    s = tf.strings
    c = {}
    c["hash"] = s.to_hash_bucket(WORDS, 1000)
    c["hash_big"] = s.to_hash_bucket(WORDS, 2 ** 62)
    c["hash_top"] = tf.string_to_hash_bucket(WORDS, 77)
    c["strong"] = s.to_hash_bucket_strong(WORDS, 1000, [1, 2])
    c["strong_big"] = s.to_hash_bucket_strong(WORDS, 2 ** 62, [0xDECAFCAFFE, -3])
    lines = ["a b  c", " x ", "", "p<>q<><>r"]
    c["split_ws"] = s.split(lines)
    c["split_space"] = s.split(lines, sep=" ")
    c["split_multi"] = s.split(lines, sep="<>")
    c["split_max"] = s.split(lines, sep=" ", maxsplit=1)
    c["split_2d"] = s.split([["a b", "c"], ["", "d e f"]])
    c["split_scalar"] = s.split("x y z")
    c["decode"] = s.unicode_decode(UTF8, "UTF-8")
    c["decode_bad"] = s.unicode_decode(BAD, "UTF-8")
    c["decode_bad_ignore"] = s.unicode_decode(BAD, "UTF-8", errors="ignore")
    c["decode_bad_char"] = s.unicode_decode(BAD, "UTF-8", replacement_char=63)
    c["decode_ctrl"] = s.unicode_decode("a\x01\tb", "UTF-8", replace_control_characters=True)
    c["decode_16"] = s.unicode_decode(UTF8.encode("utf-16-be"), "UTF-16-BE")
    c["decode_32"] = s.unicode_decode(UTF8.encode("utf-32-be"), "UTF-32-BE")
    c["decode_off"] = list(s.unicode_decode_with_offsets(UTF8, "UTF-8"))
    c["decode_off_bad"] = list(s.unicode_decode_with_offsets(BAD, "UTF-8"))
    c["split_chars"] = s.unicode_split(UTF8, "UTF-8")
    c["split_chars_bad"] = s.unicode_split(BAD, "UTF-8")
    c["split_chars_off"] = list(s.unicode_split_with_offsets(UTF8, "UTF-8"))
    c["bytes_split"] = s.bytes_split(UTF8)
    c["encode"] = s.unicode_encode([[104, 233, 0x1F600], [0x4e2d, 0x110000, -5]], "UTF-8")
    c["encode_16"] = s.unicode_encode([[104, 233, 0x1F600]], "UTF-16-BE")
    c["encode_32"] = s.unicode_encode([104, 233, 0x1F600], "UTF-32-BE")
    c["encode_ignore"] = s.unicode_encode([[104, 0x110000, 105]], "UTF-8", errors="ignore")
    c["encode_char"] = s.unicode_encode([[104, 0xD800, 105]], "UTF-8", replacement_char=63)
    c["transcode"] = s.unicode_transcode([UTF8, "abc"], "UTF-8", "UTF-16-BE")
    c["transcode_bad"] = s.unicode_transcode([BAD], "UTF-8", "UTF-8")
    c["transcode_bad_ignore"] = s.unicode_transcode([BAD], "UTF-8", "UTF-8", errors="ignore")
    c["transcode_ctrl"] = s.unicode_transcode(["a\x01b"], "UTF-8", "UTF-8", replace_control_characters=True)
    c["transcode_32"] = s.unicode_transcode(["a\U0001F600"], "UTF-8", "UTF-32-BE")
    c["segjoin"] = s.unsorted_segment_join(["a", "b", "c", "d", "e"], [1, 0, 1, 3, 1], 4, separator=",")
    c["segjoin_2d"] = s.unsorted_segment_join([["a", "b"], ["c", "d"], ["e", "f"]], [1, 0, 1], 2)
    c["format"] = s.format("x={} y={} z={}", [tf.constant([1, 2, 3]), tf.constant(2.5), tf.constant("s")])
    c["format_sum"] = s.format("{}", [tf.reshape(tf.range(40), [8, 5])], summarize=2)
    c["format_ph"] = s.format("a:%s b:%s", [tf.constant([[1.5, 2.0]]), tf.constant(True)], placeholder="%s")
    c["ngrams"] = s.ngrams(["a", "b", "c", "d"], 2)
    c["ngrams_2d"] = s.ngrams([["a", "b", "c"], ["d", "e", "f"]], [1, 3], separator="-")
    c["ngrams_pad"] = s.ngrams(["a", "b", "c"], 3, pad_values=("<s>", "</s>"), padding_width=1)
    c["ngrams_padfull"] = s.ngrams(["a", "b"], 3, pad_values="#")
    c["ngrams_short"] = s.ngrams(["a", "b"], 3, preserve_short_sequences=True)
    c["ngrams_short2d"] = s.ngrams([["a", "b"], ["c", "d"]], 3)
    c["script"] = s.unicode_script([65, 0x3B1, 0x4E00, 0x5D0, 48, 0x0627, 0x0430, 0x3042, 0x0301])
    return c


def errors_():
    s = tf.strings
    out = {}
    for key, fn in {"encode_strict": lambda: s.unicode_encode([[0x110000]], "UTF-8", errors="strict"),
                    "decode_strict": lambda: s.unicode_decode(BAD, "UTF-8", errors="strict"),
                    "segjoin_range": lambda: s.unsorted_segment_join(["a", "b"], [0, 5], 2)}.items():
        try:
            with tf.Session() as sess:
                sess.run(fn())
            out[key] = None
        except Exception as e:  # noqa: BLE001 - recording the class
            out[key] = [type(e).__name__, str(e).split("\n")[0][:200]]
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    with tf.Graph().as_default():
        c = cases()
        with tf.Session() as sess:
            vals = sess.run(c)
    res = {k: _py(v) for k, v in vals.items()}
    with tf.Graph().as_default():
        res["errors"] = errors_()
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(res, f, indent=0, sort_keys=True)


if __name__ == "__main__":
    main()
