"""Dataset.cache(filename) files are TensorFlow's: real TensorFlow reads a cache compat_tf wrote and
compat_tf reads one TensorFlow wrote (each over a different input, so the values can only come from
the files), and both refuse a second concurrent writer with AlreadyExistsError.

Optional, like the rest of tests/oracle: skipped when TensorFlow is not installed.
"""
import os

import pytest

try:
    import tensorflow.compat.v1 as real_tf
    real_tf.disable_v2_behavior()
except ImportError:
    pytest.skip("tensorflow is not installed (optional oracle; nox -s oracle)", allow_module_level=True)
except TypeError as e:  # compat_tf was imported first in this process
    pytest.skip(f"import tensorflow before compat_tf to run the oracle tests ({e})", allow_module_level=True)

import compat_tf  # noqa: E402

pytestmark = pytest.mark.oracle


def _drain(tf, ds):
    with tf.Graph().as_default():
        nxt = tf.data.make_one_shot_iterator(ds()).get_next()
        out = []
        with tf.Session() as sess:
            while True:
                try:
                    a, b = sess.run(nxt)
                except tf.errors.OutOfRangeError:
                    return out
                out.append((int(a), bytes(b)))


def _pairs(tf, n, filename):
    return lambda: tf.data.Dataset.range(n).map(lambda x: (x * 7, tf.strings.as_string(x))).cache(filename)


@pytest.mark.parametrize("writer, reader", [(compat_tf, real_tf), (real_tf, compat_tf)])
def test_one_reads_the_cache_the_other_wrote(tmp_path, writer, reader):
    f = str(tmp_path / "c")
    expected = [(0, b"0"), (7, b"1"), (14, b"2")]
    assert _drain(writer, _pairs(writer, 3, f)) == expected
    assert sorted(os.listdir(tmp_path)) == ["c.data-00000-of-00001", "c.index"]
    assert _drain(reader, _pairs(reader, 10, f)) == expected


@pytest.mark.parametrize("tf", [compat_tf, real_tf])
def test_second_writer_is_already_exists(tmp_path, tf):
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(3).cache(str(tmp_path / "c"))
        it1, it2 = tf.data.make_initializable_iterator(ds), tf.data.make_initializable_iterator(ds)
        n1, n2 = it1.get_next(), it2.get_next()
        with tf.Session() as sess:
            sess.run([it1.initializer, it2.initializer])
            assert sess.run(n1) == 0
            with pytest.raises(tf.errors.AlreadyExistsError, match="concurrent caching iterator"):
                sess.run(n2)
