"""tf.keras.utils data helpers (TF 1.15's data_utils): get_file (the Keras cache, ~/.keras/datasets
by default or $KERAS_HOME), Sequence, and simple single-process enqueuers.

get_file returns the cached file when it is there (checking file_hash when given, extracting
archives with extract=True); otherwise it downloads `origin`, and without network it raises an
Exception saying which file it looked for and where to put it.
"""
import hashlib
import os
import tarfile
import threading
import zipfile


def _cache_root(cache_dir=None):
    if cache_dir is None:
        cache_dir = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    if not os.access(cache_dir, os.W_OK) and not os.path.exists(cache_dir):
        try:
            os.makedirs(cache_dir, exist_ok=True)
        except OSError:
            cache_dir = os.path.join("/tmp", ".keras")
    return cache_dir


def _hash_file(fpath, algorithm="sha256", chunk_size=65535):
    hasher = hashlib.sha256() if algorithm in ("sha256", "auto") else hashlib.md5()
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto"):
    if algorithm == "auto":
        algorithm = "sha256" if len(file_hash) == 64 else "md5"
    return str(_hash_file(fpath, algorithm)) == str(file_hash)


def _extract_archive(file_path, path=".", archive_format="auto"):
    formats = ["tar", "zip"] if archive_format == "auto" else \
        ([archive_format] if isinstance(archive_format, str) else list(archive_format or []))
    for fmt in formats:
        if fmt == "tar" and tarfile.is_tarfile(file_path):
            with tarfile.open(file_path) as archive:
                archive.extractall(path)
            return True
        if fmt == "zip" and zipfile.is_zipfile(file_path):
            with zipfile.ZipFile(file_path) as archive:
                archive.extractall(path)
            return True
    return False


def get_file(fname, origin, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None):
    """The local path of `fname` in the Keras cache, downloading `origin` when it is missing."""
    datadir = os.path.join(_cache_root(cache_dir), cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if untar:
        untar_fpath = os.path.join(datadir, fname)
        fpath = untar_fpath + ".tar.gz"
    else:
        fpath = os.path.join(datadir, fname)
    download = not os.path.exists(fpath)
    if not download and file_hash is not None and not validate_file(fpath, file_hash, hash_algorithm):
        print("A local file was found, but it seems to be incomplete or outdated because the " + hash_algorithm +
              " file hash does not match the original value of " + file_hash + " so we will re-download the data.")
        download = True
    if download:
        print("Downloading data from", origin)
        from urllib.request import urlretrieve
        try:
            urlretrieve(origin, fpath)
        except Exception as e:  # noqa: BLE001 - any network failure: Keras' message, with the cache path
            if os.path.exists(fpath):
                os.remove(fpath)
            raise Exception(f"URL fetch failure on {origin}: {getattr(e, 'errno', None)} -- "
                            f"{getattr(e, 'reason', e)}. {fname} is not in the Keras cache ({datadir}) and it "
                            f"could not be downloaded; put the file there to use it offline.") from None
    if untar:
        if not os.path.exists(untar_fpath):
            _extract_archive(fpath, datadir, archive_format="tar")
        return untar_fpath
    if extract:
        _extract_archive(fpath, datadir, archive_format)
    return fpath


class Sequence:
    """tf.keras.utils.Sequence: a dataset by index (__getitem__ returns batch i, __len__ the number of
    batches); fit_generator iterates it epoch by epoch."""

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]


class SequenceEnqueuer:
    """Base of the enqueuers: start(), get() (a generator of batches), stop()."""

    def __init__(self, sequence, use_multiprocessing=False):
        self.sequence = sequence
        self.use_multiprocessing = use_multiprocessing
        self._running = False

    def is_running(self):
        return self._running

    def start(self, workers=1, max_queue_size=10):
        self._running = True

    def stop(self, timeout=None):
        self._running = False


class OrderedEnqueuer(SequenceEnqueuer):
    """Yields a Sequence's batches in order, epoch after epoch (in the calling thread)."""

    def __init__(self, sequence, use_multiprocessing=False, shuffle=False):
        super().__init__(sequence, use_multiprocessing)
        self.shuffle = shuffle

    def get(self):
        import random
        while self.is_running():
            order = list(range(len(self.sequence)))
            if self.shuffle:
                random.shuffle(order)
            for i in order:
                if not self.is_running():
                    return
                yield self.sequence[i]
            self.sequence.on_epoch_end()


class GeneratorEnqueuer(SequenceEnqueuer):
    """Yields a generator's items (in the calling thread; thread-safe by a lock)."""

    def __init__(self, generator, use_multiprocessing=False, wait_time=None, random_seed=None):
        super().__init__(generator, use_multiprocessing)
        self._lock = threading.Lock()

    def get(self):
        while self.is_running():
            with self._lock:
                try:
                    item = next(self.sequence)
                except StopIteration:
                    return
            yield item

