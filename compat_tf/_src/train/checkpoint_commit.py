"""Atomic checkpoint writes: every file is written aside and the checkpoint committed by rename.

TF1's BundleWriter writes `PREFIX.data-*` and `PREFIX.index` to temporary names and renames
each; a save killed between the two renames, or a save to a prefix that already holds a
checkpoint, can leave an index that does not match its data. compat_tf makes the commit of a
checkpoint (several files) all-or-nothing:

1. each file is written to `FINAL.tempstate<token>` (token: pid and a random part) and fsynced;
   a failure (disk full, permission) removes them and leaves the old files untouched;
2. a journal `PREFIX.commit-journal` listing the (staged, final) pairs in rename order (data
   first, the index last) is written aside and renamed into place (so it is whole or absent);
3. the staged files are renamed over the final names, in order, and the directory fsynced;
4. the journal is removed.

A reader of PREFIX calls `recover(PREFIX)` first: with a journal whose first staged file is
gone (the commit was killed half-way through its renames), it finishes the remaining renames
(renames are idempotent, so a reader racing a live writer is harmless); with a journal whose
staged files are all still there, the old checkpoint is still whole and is left as it is. So
a checkpoint prefix always names either the old or the new checkpoint, never a mix.
Staged files left by a writer that died (its pid no longer alive) are removed by the next
save of the same prefix.
"""
import contextlib
import errno
import glob
import json
import os
import secrets

from compat_tf._src.framework import errors

__all__ = ["StagedWrite", "recover", "remove_stale", "atomic_write_bytes", "fsync_dir", "oserror_to_tf"]

_STAGE_MARK = ".tempstate"
JOURNAL_SUFFIX = ".commit-journal"


def fsync_dir(path):
    """fsyncs directory `path` so renames in it are durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _synced_open(path, mode):
    with open(path, mode) as f:
        yield f
        f.flush()
        os.fsync(f.fileno())


def oserror_to_tf(e, what):
    """An OSError raised while writing `what` as TF's error class (ENOSPC: ResourceExhausted, as TF)."""
    code = getattr(e, "errno", None)
    msg = f"{what}: {e.strerror or e}" if isinstance(e, OSError) else f"{what}: {e}"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return errors.ResourceExhaustedError(None, None, msg)
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        return errors.PermissionDeniedError(None, None, msg)
    if code == errno.ENOENT:
        return errors.NotFoundError(None, None, msg)
    if code in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        return errors.FailedPreconditionError(None, None, msg)
    return errors.UnknownError(None, None, msg)


def _pid_alive(pid):
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _token_pid(path):
    token = path.rpartition(_STAGE_MARK)[2]
    try:
        return int(token.split("_", 1)[0])
    except ValueError:
        return None


class StagedWrite:
    """The files of one checkpoint, written aside under one token and committed together.

        w = StagedWrite(prefix)
        write_bundle(w.stage(prefix + ".index"), ...)   # stage() gives the path to write
        w.commit()                                       # or w.abort() (commit aborts on failure)
    """

    def __init__(self, prefix):
        self.prefix = prefix
        self.token = f"{os.getpid()}_{secrets.token_hex(4)}"
        self.pairs = []      # (staged, final), in commit order

    def stage(self, final):
        staged = f"{final}{_STAGE_MARK}{self.token}"
        self.pairs.append((staged, final))
        return staged

    open = staticmethod(_synced_open)    # the opener writers use: data reaches the disk before the rename

    def abort(self):
        for staged, _ in self.pairs:
            _remove(staged)

    def commit(self):
        """Renames every staged file over its final name, recoverably (see the module doc)."""
        journal = self.prefix + JOURNAL_SUFFIX
        directory = os.path.dirname(self.prefix)
        try:
            body = json.dumps([[os.path.basename(s), os.path.basename(f)] for s, f in self.pairs]).encode()
            atomic_write_bytes(journal, body)
            for staged, final in self.pairs:
                if os.path.isdir(final) and not os.path.islink(final):   # an older compat_tf's data dir
                    _remove(final)
                os.replace(staged, final)
            fsync_dir(directory)
        except OSError as e:
            # before the first rename: nothing changed; after it: the journal lets a reader roll forward
            if os.path.exists(self.pairs[0][0]):
                self.abort()
                _remove(journal)
            raise oserror_to_tf(e, f"Failed to commit checkpoint {self.prefix}") from e
        _remove(journal)


def atomic_write_bytes(path, data):
    """Writes `data` to `path` through a fsynced temporary file and a rename."""
    tmp = f"{path}{_STAGE_MARK}{os.getpid()}_{secrets.token_hex(4)}"
    try:
        with _synced_open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise
    fsync_dir(os.path.dirname(path))


def recover(prefix):
    """Finishes a commit of `prefix` that was killed half-way through its renames (see the module doc)."""
    journal = prefix + JOURNAL_SUFFIX
    try:
        with open(journal, "rb") as f:
            pairs = json.loads(f.read().decode())
    except FileNotFoundError:
        return
    except (OSError, ValueError, UnicodeDecodeError):
        return
    directory = os.path.dirname(prefix)
    pairs = [(os.path.join(directory, s), os.path.join(directory, f)) for s, f in pairs]
    if not pairs or os.path.exists(pairs[0][0]):
        return          # no rename happened yet: the old checkpoint is whole (the writer may be live)
    for staged, final in pairs:
        try:
            os.replace(staged, final)
        except FileNotFoundError:
            pass        # renamed already (by the writer or another reader)
        except OSError:
            return
    fsync_dir(directory)
    _remove(journal)


def remove_stale(prefix):
    """Removes staged files of `prefix` left by writers that are no longer alive."""
    pattern = glob.escape(prefix) + ".*" + _STAGE_MARK + "*"
    for path in glob.glob(pattern) + glob.glob(glob.escape(prefix) + _STAGE_MARK + "*"):
        pid = _token_pid(path)
        if pid is not None and not _pid_alive(pid):
            _remove(path)


def _remove(path):
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            import shutil
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.remove(path)
    except FileNotFoundError:
        pass
    except OSError:
        pass
