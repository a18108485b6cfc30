"""Argument checks shared by every module (one place, one wording).

Each check returns the cleaned value or raises :class:`~symnet.errors.InvalidInput` (or
:class:`~symnet.errors.TooLargeError` above a size limit) with a message that names the
argument, the value received and what is expected.

Examples
--------
>>> from symnet._validation import positive_int
>>> positive_int(3, "n")
3
>>> positive_int(True, "n")
Traceback (most recent call last):
...
symnet.errors.InvalidInput: n must be an int, got the bool True
>>> positive_int(0, "shallow_product: n")
Traceback (most recent call last):
...
symnet.errors.InvalidInput: shallow_product: n must be at least 1, got 0
"""

from __future__ import annotations

from typing import Any

import numpy as np

from symnet.errors import InvalidInput, TooLargeError

__all__ = ["nonnegative_int", "positive_int"]


def positive_int(value: Any, what: str, minimum: int = 1, maximum: int | None = None) -> int:
    """``value`` as an int with ``minimum <= value`` (and ``<= maximum`` when given).

    Bools are refused (``True`` is not the number 1 here); numpy integers are accepted.
    Above ``maximum`` the error is :class:`TooLargeError` (a subclass of InvalidInput).
    """
    if isinstance(value, bool):
        raise InvalidInput(f"{what} must be an int, got the bool {value!r}")
    if not isinstance(value, (int, np.integer)):
        raise InvalidInput(f"{what} must be an int, got {type(value).__name__} {value!r}")
    value = int(value)
    if value < minimum:
        raise InvalidInput(f"{what} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise TooLargeError(f"{what} = {value} is beyond symnet's limit of {maximum}")
    return value


def nonnegative_int(value: Any, what: str, maximum: int | None = None) -> int:
    """``value`` as an int >= 0 (see :func:`positive_int`)."""
    return positive_int(value, what, minimum=0, maximum=maximum)
