"""tf.nest / tf.contrib.framework.nest (TF 1.15 util/nest.py): nested structures of lists, tuples,
namedtuples and dicts (dicts flattened in sorted-key order); everything else is a leaf
(strings, arrays, tensors, SparseTensors)."""
import collections.abc

__all__ = ["assert_same_structure", "flatten", "is_nested", "is_sequence", "map_structure", "pack_sequence_as"]


def is_nested(seq):
    """Whether `seq` is a list, tuple (namedtuple) or mapping (not a string)."""
    return isinstance(seq, (list, tuple, collections.abc.Mapping)) and not isinstance(seq, (str, bytes))


is_sequence = is_nested


def _sorted_keys(d):
    try:
        return sorted(d)
    except TypeError:
        raise TypeError("nest only supports dicts with sortable keys.") from None


def _children(seq):
    if isinstance(seq, collections.abc.Mapping):
        return [seq[k] for k in _sorted_keys(seq)]
    return list(seq)


def flatten(structure, expand_composites=False):
    """The leaves of `structure`, depth first (a leaf gives [leaf])."""
    if not is_nested(structure):
        return [structure]
    out = []
    for child in _children(structure):
        out.extend(flatten(child))
    return out


def _rebuild(structure, children):
    if isinstance(structure, collections.abc.Mapping):
        items = dict(zip(_sorted_keys(structure), children))
        if isinstance(structure, collections.defaultdict):
            result = type(structure)(structure.default_factory)
            result.update((k, items[k]) for k in structure)
            return result
        return type(structure)((k, items[k]) for k in structure)
    if isinstance(structure, tuple) and hasattr(type(structure), "_fields"):
        return type(structure)(*children)
    return type(structure)(children)


def _pack(structure, flat, index):
    if not is_nested(structure):
        return flat[index], index + 1
    children = []
    for child in _children(structure):
        packed, index = _pack(child, flat, index)
        children.append(packed)
    return _rebuild(structure, children), index


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    """`flat_sequence` packed into the shape of `structure`."""
    if not is_nested(flat_sequence):
        raise TypeError(f"flat_sequence must be a sequence. Got: {flat_sequence}")
    flat_sequence = list(flat_sequence)
    if not is_nested(structure):
        if len(flat_sequence) != 1:
            raise ValueError(f"Structure is a scalar but len(flat_sequence) == {len(flat_sequence)} > 1")
        return flat_sequence[0]
    n = len(flatten(structure))
    if n != len(flat_sequence):
        raise ValueError(f"Could not pack sequence. Structure had {n} elements, but flat_sequence had "
                         f"{len(flat_sequence)} elements.  Structure: {structure}, flat_sequence: {flat_sequence}.")
    return _pack(structure, flat_sequence, 0)[0]


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    """ValueError when the nestings differ, TypeError when check_types and a sequence type differs."""
    if is_nested(nest1) != is_nested(nest2):
        raise ValueError(f"The two structures don't have the same nested structure.\n\nFirst structure: {nest1}\n\n"
                         f"Second structure: {nest2}")
    if not is_nested(nest1):
        return
    if check_types and type(nest1) is not type(nest2):
        raise TypeError(f"The two structures don't have the same sequence type. First structure has type "
                        f"{type(nest1)}, while second structure has type {type(nest2)}.")
    if isinstance(nest1, collections.abc.Mapping) and set(nest1) != set(nest2):
        raise ValueError(f"The two dictionaries don't have the same set of keys. First structure has keys "
                         f"{sorted(nest1)}, while second structure has keys {sorted(nest2)}.")
    c1, c2 = _children(nest1), _children(nest2)
    if len(c1) != len(c2):
        raise ValueError(f"The two structures don't have the same number of elements.\n\nFirst structure: {nest1}"
                         f"\n\nSecond structure: {nest2}")
    for a, b in zip(c1, c2):
        assert_same_structure(a, b, check_types)


def map_structure(func, *structure, **kwargs):
    """func applied to the corresponding leaves, in the structure of the first argument."""
    if not callable(func):
        raise TypeError(f"func must be callable, got: {func}")
    if not structure:
        raise ValueError("Must provide at least one structure")
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", None)
    if kwargs:
        raise ValueError(f"Only valid keyword arguments are `check_types` and `expand_composites`, not: {kwargs}")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    flat = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*leaves) for leaves in zip(*flat)])
