"""tf.contrib.training.HParams: TF 1.15's parsing, typing and errors."""
import json

import pytest

import compat_tf as tf

HParams = tf.contrib.training.HParams


def test_parse_types_and_lists():
    hp = HParams(learning_rate=0.1, num_layers=2, use_bn=True, name="net", sizes=[1, 2], rates=[0.5])
    hp.parse("learning_rate=1,num_layers=3, use_bn=false,name=resnet,sizes=[4, 5 ,6],rates=[1]")
    assert hp.values() == {"learning_rate": 1.0, "num_layers": 3, "use_bn": False, "name": "resnet",
                           "sizes": [4, 5, 6], "rates": [1.0]}
    assert isinstance(hp.learning_rate, float) and isinstance(hp.rates[0], float)
    hp.parse("use_bn=1,sizes[1]=9")
    assert hp.use_bn is True and hp.sizes == [4, 9, 6]
    assert "sizes" in hp and "nope" not in hp
    assert str(hp) == str(sorted(hp.values().items()))
    assert repr(hp).startswith("HParams([(")


@pytest.mark.parametrize("text, message", [
    ("num_layers=2.5", "Could not parse hparam 'num_layers' of type 'int' with value '2.5'"),
    ("use_bn=maybe", "Could not parse hparam 'use_bn' of type 'bool' with value 'maybe'"),
    ("unknown=1", "Unknown hyperparameter type for unknown"),
    ("num_layers=1,num_layers=2", "Multiple assignments to variable 'num_layers'"),
    ("sizes=3", "Must pass a list for multi-valued parameter: sizes"),
    ("num_layers=[1,2]", "Must not pass a list for single-valued parameter: num_layers"),
    ("=3", "Malformed hyperparameter value: =3"),
])
def test_parse_errors(text, message):
    hp = HParams(num_layers=2, use_bn=True, sizes=[1])
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        hp.parse(text)


def test_set_add_get_json():
    hp = HParams(a=1, s="x")
    with pytest.raises(ValueError, match="Could not cast hparam 'a'"):
        hp.set_hparam("a", 1.5)
    with pytest.raises(ValueError, match="Could not cast hparam 's'"):
        hp.set_hparam("s", 3)
    hp.add_hparam("b", [0.5])
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: parse"):
        hp.add_hparam("parse", 1)
    with pytest.raises(ValueError, match="Multi-valued hyperparameters cannot be empty: c"):
        hp.add_hparam("c", [])
    assert hp.get("a", 5) == 1 and hp.get("zz", 7) == 7
    with pytest.raises(ValueError, match="is incompatible with default"):
        hp.get("a", "str")
    hp.parse_json(json.dumps({"a": 4, "b": [1, 2]}))
    assert json.loads(hp.to_json()) == {"a": 4, "s": "x", "b": [1.0, 2.0]}
    hp.del_hparam("b")
    assert "b" not in hp and not hasattr(hp, "b")
