"""Dataset.cache(filename) with a non-empty filename: TF 1.15's file cache (CacheDatasetOp::FileDataset).

Files (TF's own format and names, so TF 1.15 reads a cache compat_tf wrote and the other way round):
`FILENAME.index` and `FILENAME.data-00000-of-00001`, a tensor bundle (io/tensor_bundle.py) holding
component j of element i under the key `"%7d_%Nd" % (i, j)` (space-padded; N: the digits of the
component count minus one), as TF's FileDataset::FormatName.

What it mirrors, as TF 1.15's kernel does it:
- the mode is chosen when the iterator is made: FILENAME.index exists -> read the cache (the input
  is not touched, even if it has changed since); otherwise -> write while passing elements through;
- a writer takes the lock on its first get_next: `FILENAME_0.index` existing is AlreadyExistsError
  ("Existing cache files found"), `FILENAME_0.lockfile` existing is AlreadyExistsError ("There appears
  to be a concurrent caching iterator running ..."), and a lockfile that cannot be created is the
  file system's error in TF's class (NotFoundError for a missing directory, PermissionDeniedError).
  A get_next that failed to lock fails alone and the next one tries again, as TF's
  EnsureLockFileExists does;
- element data go to a temporary (`FILENAME_0.data-00000-of-00001.tempstate<random>`) and the
  cache is committed only at the end of the input: data renamed to FILENAME.data-00000-of-00001, then
  the index written (aside, renamed), then the lockfile removed. An iterator dropped before the end
  (re-initialized, session closed, `cache(f).take(k)`) removes its temporary and lockfile, as TF's
  ~FileWriterIterator, so a partial iteration leaves no cache and no lock;
- a failed input element is passed on and not cached (TF returns the error before writing);
- more than 10,000,000 elements is InvalidArgumentError (TF's kMaxItems).

Deviations: the lockfile is created with O_EXCL (TF checks, then creates: a race TF can lose); a
dropped writer deletes only its own files (TF globs `FILENAME_0*`, which can remove a concurrent
writer's lockfile); a failed write of the data (disk full) raises its error and ends the iteration
(TF fails every later get_next); checkpointed partial caches (TF flushes FILENAME_<k> shards when an
iterator is saved) are not written: a restored iterator replays its input (iterator_saveable.py).
"""
import os
import secrets
import time

from compat_tf._src.data import structure
from compat_tf._src.data.element_error import ElementError, is_error
from compat_tf._src.framework import errors

MAX_ITEMS = 10_000_000
_DATA_SUFFIX = ".data-00000-of-00001"


def element_key(index, component, num_components):
    """TF's FileDataset::FormatName: the bundle key of one component of one element."""
    width = len(str(max(num_components - 1, 0)))
    return f"{index:>7}_{component:>{width}}"


def iterate(input_ds, filename, ictx, specs):
    """The elements of `input_ds` through the cache FILENAME (`specs`: the flat element spec)."""
    if os.path.exists(filename + ".index"):     # TF: FileExists(MetaFilename(filename)) at MakeIterator
        return _read(filename, specs)
    return _write_through(input_ds._iterate(ictx), _CacheWriter(filename, specs))


def _read(filename, specs):
    """FileReaderIterator: the cached elements in key order; a cache that cannot be opened fails
    every get_next (TF returns the reader's status each time)."""
    from compat_tf._src.io.tensor_bundle import BundleReader
    try:
        reader = BundleReader(filename)
    except errors.OpError as e:
        while True:
            yield ElementError(e)
    names = reader.names()
    n = len(specs)
    for start in range(0, len(names) - n + 1, n):
        try:
            yield tuple(_read_component(reader, names[start + j], specs[j], j) for j in range(n))
        except errors.OpError as e:
            yield ElementError(e)


def _read_component(reader, name, spec, j):
    if reader.dtype(name) != spec.dtype:
        got = reader.dtype(name).name if reader.dtype(name) is not None else "an unknown dtype"
        raise errors.InvalidArgumentError(
            None, None, f"Data type mismatch at component {j}: expected {spec.dtype.name} but the cache "
            f"{reader.prefix} holds {got} (key {name!r})")
    return reader.read(name)


def _write_through(it, writer):
    """FileWriterIterator: the input's elements, each appended to the cache before it is passed on;
    the cache is committed at the end of the input and abandoned when the iterator is dropped."""
    try:
        while True:
            try:
                writer.lock()
                break
            except errors.OpError as e:     # retried on the next get_next, as TF
                yield ElementError(e)
        for el in it:
            if is_error(el):
                yield el
                continue
            writer.add(el)
            yield el
        writer.commit()
    finally:
        writer.abandon()


class _CacheWriter:
    """The files of one writing iterator: lockfile, temporary data file, index entries."""

    def __init__(self, filename, specs):
        self.filename = filename
        self.specs = specs
        self.shard = filename + "_0"
        self.lockfile = self.shard + ".lockfile"
        self.temp_data = None
        self._f = None
        self._entries = []
        self._offset = 0
        self._count = 0
        self._locked = False

    def lock(self):
        from compat_tf._src.train.checkpoint_commit import oserror_to_tf
        if os.path.exists(self.shard + ".index"):
            raise errors.AlreadyExistsError(
                None, None, f"Existing cache files found: \n{self.shard}.index\n{self.shard}{_DATA_SUFFIX}\n"
                "To continue delete the above files.")
        try:
            fd = os.open(self.lockfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            raise errors.AlreadyExistsError(
                None, None, "There appears to be a concurrent caching iterator running - cache lockfile "
                f"already exists ('{self.lockfile}'). If you are sure no other running TF computations are "
                "using this cache prefix, delete the lockfile and re-initialize the iterator. Lockfile "
                f"contents: {_head(self.lockfile)}") from None
        except OSError as e:
            raise oserror_to_tf(e, self.lockfile) from None
        self._locked = True
        try:
            with os.fdopen(fd, "w") as f:
                f.write(f"Created at: {int(time.time())}")
            self.temp_data = f"{self.shard}{_DATA_SUFFIX}.tempstate{secrets.randbits(63)}"
            self._f = open(self.temp_data, "wb")
        except OSError as e:
            self.abandon()
            raise oserror_to_tf(e, self.temp_data or self.lockfile) from None

    def add(self, element):
        from compat_tf._src.io.tensor_bundle_writer import tensor_bytes
        from compat_tf._src.train.checkpoint_commit import oserror_to_tf
        if self._count >= MAX_ITEMS:
            raise errors.InvalidArgumentError(
                None, None, f"Upstream iterator is producing more than {MAX_ITEMS} items, which is more than "
                "the cache limit.")
        n = len(self.specs)
        for j, (value, spec) in enumerate(zip(element, self.specs)):
            arr = structure.as_numpy(value, spec.dtype)
            data, crc = tensor_bytes(arr)
            try:
                self._f.write(data)
            except OSError as e:
                raise oserror_to_tf(e, self.temp_data) from None
            self._entries.append((element_key(self._count, j, n), spec.dtype, arr.shape, self._offset,
                                  len(data), crc))
            self._offset += len(data)
        self._count += 1

    def commit(self):
        """Data renamed into place, then the index (its existence marks a finished cache), then the
        lockfile removed."""
        from compat_tf._src.train.checkpoint_commit import oserror_to_tf
        index_temp = f"{self.filename}.index.tempstate{secrets.randbits(63)}"
        try:
            self._f.close()
            self._f = None
            with open(index_temp, "wb") as f:
                f.write(self._index_bytes())
            os.replace(self.temp_data, self.filename + _DATA_SUFFIX)
            self.temp_data = None
            os.replace(index_temp, self.filename + ".index")
        except OSError as e:
            _remove(index_temp)
            raise oserror_to_tf(e, self.filename) from None

    def _index_bytes(self):
        from compat_tf._src.io.tensor_bundle_writer import index_bytes
        return index_bytes(self._entries)

    def abandon(self):
        """Closes and removes this writer's temporary and lockfile (nothing once committed)."""
        if self._f is not None:
            self._f.close()
            self._f = None
        if self.temp_data is not None:
            _remove(self.temp_data)
            self.temp_data = None
        if self._locked:
            _remove(self.lockfile)
            self._locked = False


def _head(path):
    try:
        with open(path, "rb") as f:
            return f.read(150).decode("utf-8", "replace")
    except OSError:
        return ""


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


__all__ = ["MAX_ITEMS", "element_key", "iterate"]
