"""tf.nest (TF 1.15 semantics: sorted dict keys, namedtuples rebuilt, strings are leaves)."""
import collections

import pytest

import compat_tf as tf

Point = collections.namedtuple("Point", ["x", "y"])


def test_flatten_pack_map():
    s = {"b": [1, (2, "ab")], "a": Point(3, {"z": 4, "c": 5})}
    flat = tf.nest.flatten(s)
    assert flat == [3, 5, 4, 1, 2, "ab"]                        # keys sorted: a(x, y{c, z}), b
    packed = tf.nest.pack_sequence_as(s, [f * 2 for f in flat])
    assert packed == {"b": [2, (4, "abab")], "a": Point(6, {"z": 8, "c": 10})}
    assert isinstance(packed["a"], Point) and list(packed) == ["b", "a"]
    assert tf.nest.map_structure(lambda a, b: a + b, [1, (2,)], [10, (20,)]) == [11, (22,)]
    assert tf.nest.flatten(7) == [7] and not tf.nest.is_nested("abc") and tf.nest.is_nested(Point(1, 2))
    assert tf.contrib.framework.nest.flatten is tf.nest.flatten


def test_structure_errors():
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        tf.nest.assert_same_structure([1, 2], [1, [2]])
    with pytest.raises(TypeError, match="don't have the same sequence type"):
        tf.nest.assert_same_structure([1], (1,))
    tf.nest.assert_same_structure([1], (1,), check_types=False)
    with pytest.raises(ValueError, match="Structure had 2 elements, but flat_sequence had 3"):
        tf.nest.pack_sequence_as([1, 2], [1, 2, 3])
