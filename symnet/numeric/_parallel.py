"""Running independent numeric work items on any :class:`concurrent.futures.Executor`.

A sweep over activations, n and scales is a list of independent work items. Each item is a
picklable value (a numeric :class:`~symnet.network.Network`, its target, the points and the
options) and the work function is a module-level function, so the same call runs in the current
process (``executor=None``), on threads, on a :class:`~concurrent.futures.ProcessPoolExecutor`,
or on a cluster through ``dask.distributed.Client(...).get_executor()``, without code changes.
Results come back in submission order, whatever order the workers finish in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from symnet.errors import InvalidInput

__all__ = ["run_all"]

T = TypeVar("T")
R = TypeVar("R")


def run_all(function: Callable[[T], R], items: Sequence[T], executor: Any = None) -> list[R]:
    """``[function(item) for item in items]``, on ``executor`` if given (results in order).

    Parameters
    ----------
    function : callable
        A module-level function (picklable) of one argument.
    items : sequence
        Picklable work items.
    executor : concurrent.futures.Executor or None
        Anything with ``submit(fn, *args) -> Future`` (thread and process pools, Dask's
        ``Client.get_executor()``); ``None`` runs in the current process.

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> from symnet.numeric._parallel import run_all
    >>> with ThreadPoolExecutor(2) as pool:
    ...     run_all(abs, [-3, 1, -2], executor=pool)
    [3, 1, 2]
    """
    items = list(items)
    if executor is None:
        return [function(item) for item in items]
    submit = getattr(executor, "submit", None)
    if not callable(submit):
        raise InvalidInput(
            f"executor must be a concurrent.futures.Executor (something with submit()), got "
            f"{type(executor).__name__}; e.g. ProcessPoolExecutor() or dask's Client.get_executor()"
        )
    futures = [submit(function, item) for item in items]
    return [f.result() for f in futures]
