"""A failed element travelling through a tf.data pipeline in place of its value.

TF1's dataset iterators return an error for one element and go on: the next
`get_next` continues with the next element (the map function that raised for
element 3 is called for element 4). compat_tf's pipelines are chains of Python
generators, and a generator that raises is finished, so a transformation that
fails on one element does not raise: it yields an `ElementError` holding the
TF1 error, and every transformation downstream handles it as TF1's kernel
handles a non-OK status from its input (see each transformation's
`_iterate`): most pass it on at once, `batch` drops the elements it had
gathered, `take`/`skip`/`shard` do not count it, `ignore_errors` drops it.
`IteratorGetNext` raises the error for that call (iterator_ops.py).

Only TF1 errors (`errors.OpError`) become element errors; any other exception
is a bug and ends the iterator.
"""


class ElementError:
    """The TF1 error (an errors.OpError) produced for one element instead of its value."""
    __slots__ = ("error",)

    def __init__(self, error):
        self.error = error

    def __repr__(self):
        return f"ElementError({type(self.error).__name__})"


def is_error(element):
    """Whether `element` (a tuple of component values, or an ElementError) is a failed element."""
    return type(element) is ElementError
