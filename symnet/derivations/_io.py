"""Atomic, non-clobbering file writes (used by derivations, the CLI and the docs build)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from symnet.errors import InvalidInput

__all__ = ["atomic_path", "write_bytes_atomic", "write_text_atomic"]


def _refuse(target: Path) -> InvalidInput:
    return InvalidInput(f"{target} exists; refusing to overwrite it (pass --force / force=True to replace it)")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, force: bool = False) -> Iterator[Path]:
    """A temporary path next to ``path`` (same suffix); on success it becomes ``path`` atomically.

    Without ``force`` an existing file is never replaced: the final step is a hard link, which
    fails if the name exists (so a file created meanwhile is not clobbered either); where hard
    links are not supported, an existence check precedes the rename. On error the temporary
    file is removed and ``path`` is untouched.

    Raises
    ------
    InvalidInput
        If ``path`` exists and ``force`` is false, if it is a directory, or if its directory
        does not exist.
    """
    target = Path(path)
    if target.is_dir():
        raise InvalidInput(f"{target} is a directory; give a file name to write")
    parent = target.parent
    if not parent.is_dir():
        raise InvalidInput(f"cannot write {target}: the directory {parent} does not exist")
    if target.exists() and not force:
        raise _refuse(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}", dir=parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise _refuse(target) from None
            except OSError:  # no hard links on this file system
                if target.exists():
                    raise _refuse(target) from None
                os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_bytes_atomic(path: str | os.PathLike, data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`); returns the path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from symnet.derivations._io import write_bytes_atomic
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_bytes_atomic(d / "a.tex", b"x").read_bytes()
    b'x'
    >>> write_bytes_atomic(d / "a.tex", b"y")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    symnet.errors.InvalidInput: ... exists; refusing to overwrite it (pass --force / force=True to replace it)
    """
    with atomic_path(path, force=force) as tmp:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    return Path(path)


def write_text_atomic(path: str | os.PathLike, text: str, force: bool = False) -> Path:
    """:func:`write_bytes_atomic` for UTF-8 text."""
    return write_bytes_atomic(path, text.encode("utf-8"), force=force)
