"""tfe.run_test_in_graph_and_eager_modes / run_all_tests_in_graph_and_eager_modes (TF's test_util):
a tf.test.TestCase method run twice, in a fresh graph and then executing eagerly."""
import functools
import unittest

from compat_tf._src.eager import context
from compat_tf._src.framework import graph as _graph


def run_test_in_graph_and_eager_modes(func=None, config=None, use_gpu=True, reset_test=True,
                                      assert_no_eager_garbage=False):
    """Decorator: the test runs in graph mode, then (after tearDown/setUp when reset_test) eagerly."""
    def decorator(f):
        @functools.wraps(f)
        def run_both(self, *args, **kwargs):
            with _graph.Graph().as_default():
                f(self, *args, **kwargs)
            if reset_test:
                self.tearDown()
                self._tempdir = None
                self.setUp()
            with context.eager_mode():
                f(self, *args, **kwargs)
        return run_both
    return decorator(func) if func is not None else decorator


def run_all_tests_in_graph_and_eager_modes(cls):
    """Class decorator: every test method of `cls` runs in both modes."""
    for name in dir(cls):
        if name.startswith(unittest.TestLoader.testMethodPrefix) and callable(getattr(cls, name)):
            setattr(cls, name, run_test_in_graph_and_eager_modes(getattr(cls, name)))
    return cls
