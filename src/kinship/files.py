"""Files written whole or not at all: a temporary file beside the target, fsync, then a rename.

Used by ``db backup`` (and the backup before a migration) and by ``export -o FILE``. A target
that exists, or is a symbolic link (dangling or not), is never written through or replaced. On
any error the temporary file is removed and the message names the real cause ("no space left
on device writing FILE", exit 5).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, TypeVar

from kinship.errors import DataError, UsageError

T = TypeVar("T")

_SIDE_FILES = ("-journal", "-wal", "-shm")  # what SQLite may leave beside a temporary copy


def check_new_target(path: Path) -> None:
    """Refuse a target that exists, is a symbolic link, or whose folder does not exist (exit 2)."""
    try:
        _check_new_target(path)
    except OSError as exc:  # a name too long, a folder we may not look into…
        raise UsageError(f"cannot write {str(path)[:200]}: {exc.strerror}", "choose another path") from exc


def _check_new_target(path: Path) -> None:
    if path.is_symlink():
        raise UsageError(
            f"{path} is a symbolic link; kinship never writes through one", "choose a new file name"
        )
    if os.path.lexists(path):
        raise UsageError(f"{path} already exists", "choose a new file name; nothing was overwritten")
    if not path.parent.is_dir():
        raise UsageError(
            f"the folder {path.parent} does not exist", "create it first, or choose another path"
        )


def write_error(path: Path, exc: OSError) -> DataError:
    """Return the DataError that names why writing ``path`` failed (full disk, size limit, …)."""
    code = exc.errno
    if code == errno.ENOSPC:
        message = f"no space left on device writing {path}"
    elif code == errno.EDQUOT:
        message = f"disk quota exceeded writing {path}"
    elif code == errno.EFBIG:
        message = f"the file-size limit (ulimit -f) was reached writing {path}"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        message = f"not allowed to write {path} ({exc.strerror})"
    else:
        message = f"cannot write {path}: {exc.strerror or exc}"
    return DataError(message, "nothing was written; free some space or choose another place")


def explain_failed_write(path: Path, needed_bytes: int) -> OSError:
    """Return the OSError most likely behind writing ``needed_bytes`` that a library reported vaguely.

    SQLite says "disk I/O error" or "database or disk is full" without the errno: compare the
    size it had to write with the file-size limit and the free space to name the real cause.
    """
    with suppress(OSError, ImportError, ValueError):
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
        if soft != resource.RLIM_INFINITY and needed_bytes >= soft:
            return OSError(errno.EFBIG, os.strerror(errno.EFBIG))
    with suppress(OSError):
        stats = os.statvfs(path.parent)
        if stats.f_bavail * stats.f_frsize < needed_bytes + 1024 * 1024:
            return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return OSError(errno.EIO, "input/output error")


def _remove(temporary: Path) -> None:
    for suffix in ("", *_SIDE_FILES):
        with suppress(OSError):
            os.unlink(f"{temporary}{suffix}")


def _fsync(path: Path, *, folder: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if folder else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        if folder:
            return  # some systems cannot open a folder for syncing: the rename still stands
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not folder:
            raise
    finally:
        os.close(fd)


def _publish(temporary: Path, path: Path) -> None:
    """Give the finished temporary file its name, never replacing anything that appeared meanwhile."""
    try:
        os.link(temporary, path)  # fails if the name exists: unlike rename, it never replaces
    except FileExistsError as exc:
        raise UsageError(f"{path} already exists", "choose a new file name; nothing was overwritten") from exc
    except OSError:  # a file system without hard links: rename, after one more look
        check_new_target(path)
        os.rename(temporary, path)
    else:
        os.unlink(temporary)


@contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` (0600) to write; on success it becomes ``path``.

    The block writes the temporary file (any way it likes, SQLite included); afterwards it is
    synced to disk and renamed. On any error it is removed with SQLite's side files, and an
    OSError becomes a DataError naming the cause. Refuses an existing target or a symlink.
    """
    check_new_target(path)
    import tempfile

    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise write_error(path, exc) from exc
    os.close(fd)
    temporary = Path(name)
    try:
        yield temporary
        os.chmod(temporary, 0o600)
        _fsync(temporary)
        _publish(temporary, path)
    except OSError as exc:
        _remove(temporary)
        raise write_error(path, exc) from exc
    except BaseException:
        _remove(temporary)
        raise
    _fsync(path.parent, folder=True)


def write_atomically(path: Path, writer: Callable[[IO[bytes]], T]) -> T:
    """Write ``path`` whole or not at all with ``writer(handle)``; return what the writer returned.

    ``handle`` is a binary file; wrap it in ``io.TextIOWrapper(handle, encoding="utf-8",
    newline="")`` for text (and detach or flush the wrapper before returning).
    """
    with atomic_target(path) as temporary, open(temporary, "wb") as handle:
        result = writer(handle)
        handle.flush()
    return result


def write_text_atomically(path: Path, writer: Callable[[IO[str]], T]) -> T:
    """Write ``path`` (UTF-8, newlines as given) whole or not at all with ``writer(handle)``."""
    import io

    def binary(handle: IO[bytes]) -> T:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        try:
            result = writer(text)
            text.flush()
            return result
        finally:
            text.detach()  # the binary handle stays open: write_atomically closes it

    return write_atomically(path, binary)
