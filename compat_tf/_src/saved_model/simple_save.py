"""tensorflow.python.saved_model.simple_save (TF 1.15's module of that name): `simple_save`.

compat_tf binds `tensorflow.python.saved_model` to the public tf.saved_model module, so importing
this module makes the import system set `tf.saved_model.simple_save` to the module object. The
module is therefore callable, as the function: `tf.saved_model.simple_save(sess, ...)` keeps working.
"""
import sys as _sys
import types as _types

from compat_tf._src.saved_model.builder_impl import simple_save  # noqa: F401


class _CallableModule(_types.ModuleType):
    def __call__(self, *args, **kwargs):
        return simple_save(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallableModule
