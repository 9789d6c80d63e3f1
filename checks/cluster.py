"""Where many checks run: a local process pool, or an existing Dask distributed cluster.

``--dask ADDRESS`` (or ``$DASK_SCHEDULER_ADDRESS``) on ``sweep`` and ``compare`` sends each
check to the cluster at ADDRESS as a Dask task (``distributed.Client.get_executor()``, a
``concurrent.futures.Executor``), so the commands' own scheduling (the order of results,
a sweep's stop at a cell's first violation) is the same as with the local pool and the
results are identical.  The workers must have syncfs-mc installed (the same version: a
sweep's cache key includes a hash of the engine's code, and so does every result).  Dask is
an optional extra: ``pip install -e '.[dask]'``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

import click

INSTALL_HINT = "pip install -e '.[dask]' (or: pip install 'distributed>=2024.1')"

dask_option = click.option(
    "--dask", "dask_address", metavar="ADDRESS",
    help="run the checks on the Dask distributed cluster at ADDRESS (tcp://host:8786; "
         "default $DASK_SCHEDULER_ADDRESS; needs the dask extra)")


class ClusterError(RuntimeError):
    """No Dask, or no scheduler at the address (the CLI: exit 2 with this message)."""


def dask_address(given: str | None) -> str | None:
    """``--dask`` if given, else ``$DASK_SCHEDULER_ADDRESS``, else None (local pool)."""
    return given or os.environ.get("DASK_SCHEDULER_ADDRESS") or None


def dask_executor(address: str, timeout: float = 10.0) -> tuple[Executor, Callable[[], None]]:
    """An executor whose tasks run on the cluster at ``address``, and how to let it go."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(f"--dask needs Dask distributed, which is not installed: "
                           f"{INSTALL_HINT}") from None
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise ClusterError(f"--dask: no Dask scheduler answered at {address!r} "
                           f"({type(e).__name__}: {e})") from None
    return client.get_executor(), client.close


@contextmanager
def executor_for(address: str | None) -> Iterator[Executor | None]:
    """The cluster's executor for the length of a ``with`` block, or None (no address: the
    caller uses its local pool).  A missing Dask or scheduler is an ``InputError`` (exit 2)."""
    from checks.options import InputError

    if address is None:
        yield None
        return
    try:
        executor, close = dask_executor(address)
    except ClusterError as e:
        raise InputError(str(e)) from None
    try:
        yield executor
    finally:
        close()
