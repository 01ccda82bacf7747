"""tf.make_template: variable sharing, scope and op names as TF 1.15 (names recorded from tf.compat.v1)."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _scale(x, init=1.0):
    w = tf.get_variable("w", [2], initializer=tf.constant_initializer(init))
    return x * w


def test_second_call_reuses_variables_and_opens_a_new_name_scope():
    t = tf.make_template("lin", _scale, init=2.0)
    assert t.variables == [] and t.variable_scope is None
    a = t(tf.constant([1.0, 2.0]))
    b = t(tf.constant([3.0, 4.0]))
    assert (a.name, b.name) == ("lin/mul:0", "lin_1/mul:0")
    assert [v.name for v in t.variables] == ["lin/w:0"]
    assert [v.name for v in t.trainable_variables] == ["lin/w:0"]
    assert t.non_trainable_variables == [] and t.variable_scope_name == "lin/"
    assert [v.name for v in tf.global_variables()] == ["lin/w:0"]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_allclose(s.run([a, b]), [[2, 4], [6, 8]])
    # a second template of the same name gets a unique scope
    t2 = tf.make_template("lin", _scale)
    t2(tf.constant([1.0, 2.0]))
    assert [v.name for v in t2.variables] == ["lin_1/w:0"]


def test_create_scope_now_and_unique_name():
    tf.make_template("lin", _scale)(tf.constant([1.0, 2.0]))
    t = tf.make_template("lin", _scale, create_scope_now_=True)
    assert t.variable_scope.name == "lin_1"
    c, d = t(tf.constant([1.0, 2.0])), t(tf.constant([1.0, 2.0]))
    assert (c.name, d.name) == ("lin_1/mul:0", "lin_1_1/mul:0")
    assert [v.name for v in t.variables] == ["lin_1/w:0"]
    with tf.variable_scope("outer"):
        u = tf.make_template("lin", _scale, unique_name_="uq")
        e, e2 = u(tf.constant([1.0, 2.0])), u(tf.constant([1.0, 2.0]))
    assert (e.name, e2.name) == ("outer/uq/mul:0", "outer/uq_1/mul:0")
    assert [v.name for v in u.variables] == ["outer/uq/w:0"]


def test_trainable_variable_created_after_first_call_is_an_error():
    t = tf.make_template("bad", lambda x: x * tf.Variable(1.0))
    t(1.0)
    with pytest.raises(ValueError, match="Trainable variable created when calling a template after the first"):
        t(2.0)


def test_errors_carry_the_definition_site_and_first_call_can_be_retried():
    calls = []

    def f(x):
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("boom")
        return _scale(x)
    t = tf.make_template("retry", f)
    with pytest.raises(ValueError, match="boom\n\noriginally defined at:"):
        t(tf.constant([1.0, 2.0]))
    t(tf.constant([1.0, 2.0]))
    assert [v.name for v in t.variables] == ["retry/w:0"]
    with pytest.raises(ValueError, match="name cannot be None"):
        tf.make_template(None, f)
