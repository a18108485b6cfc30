"""Atomic, non-clobbering file writes (used by derivations, the CLI and the docs build)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from symnet.errors import InvalidInput

__all__ = ["write_bytes_atomic", "write_text_atomic"]


def write_bytes_atomic(path: str | os.PathLike, data: bytes, force: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically: a temporary file in the same directory, then rename.

    Without ``force`` an existing file is never replaced: the final step is a hard link, which
    fails if the name exists (so a file created meanwhile is not clobbered either); where hard
    links are not supported, an existence check precedes the rename.

    Raises
    ------
    InvalidInput
        If ``path`` exists and ``force`` is false, if it is a directory, or if its directory
        does not exist.

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
    target = Path(path)
    if target.is_dir():
        raise InvalidInput(f"{target} is a directory; give a file name to write")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InvalidInput(f"cannot write {target}: the directory {parent} does not exist")
    if target.exists() and not force:
        raise InvalidInput(f"{target} exists; refusing to overwrite it (pass --force / force=True to replace it)")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise InvalidInput(
                    f"{target} exists; refusing to overwrite it (pass --force / force=True to replace it)"
                ) from None
            except OSError:  # no hard links on this file system
                if target.exists():
                    raise InvalidInput(
                        f"{target} exists; refusing to overwrite it (pass --force / force=True to replace it)"
                    ) from None
                os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return target


def write_text_atomic(path: str | os.PathLike, text: str, force: bool = False) -> Path:
    """:func:`write_bytes_atomic` for UTF-8 text."""
    return write_bytes_atomic(path, text.encode("utf-8"), force=force)
