"""``syncfs-mc sweep``: the command line of :mod:`checks.sweep` (parse, run, print)."""

from __future__ import annotations

import sys
from typing import TextIO

import click

from checks import cluster
from checks import sweep as sweeping
from checks.options import (
    EXIT_OK,
    InputError,
    backend_option,
    bounded,
    budget_from,
    check_output_path,
    limit_options,
    memory_option,
    pick,
    pick_scheme,
    pick_vfs,
    properties,
    split,
    write_output,
)
from model.variants import DISCIPLINES, SCHEMES, load_catalogue
from model.world import SYNC_FS_ERRORS, WorldParams
from reports import sweep as render_sweep
from specs.properties import DEFAULT_PROPERTIES

DEFAULT_UP_TO = "syncers=2,syncs=2,errors=2"


def sweep_progress(stream: TextIO | None = None) -> sweeping.ProgressFn | None:
    """A one-line progress bar on a terminal's stderr (cells and scopes done, states/s);
    None when stderr is piped."""
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        return None

    def show(cells_done: int, cells: int, scopes_done: int, computed: int, rate: float) -> None:
        width = 24
        fill = width * cells_done // max(1, cells)
        out.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {cells_done}/{cells} cells, "
                  f"{scopes_done} scopes ({computed} searched), {rate:,.0f} states/s   ")
        if cells_done == cells:
            out.write("\r" + " " * (width + 80) + "\r")
        out.flush()

    return show


@click.command("sweep")
@click.option("--scheme", "schemes", multiple=True,
              help="scheme or C file (repeatable, comma-separated; default: the catalogue)")
@click.option("--lock", "locks", multiple=True,
              help="discipline (repeatable; default: none,spinlock)")
@click.option("--property", "props", multiple=True, help="property (repeatable; default: all)")
@click.option("--up-to", "up_to", default=DEFAULT_UP_TO, show_default=True,
              help="largest scope per dimension: syncers, syncs, errors, upper-syncers, "
                   "upper-syncs, counter-bits (default 2), threads, overlays; N or LOW..HIGH")
@click.option("--errnos", default="EIO", show_default=True,
              help="the errnos error sequences are drawn from: EIO,ENOSPC")
@click.option("--open-at", "open_at", default="race,first", show_default=True,
              help="open timings to sweep: race, first, after-errors")
@click.option("--sync-fs-errors", default="returned", show_default=True,
              help="returned (v5.17+) | ignored (v5.11-v5.16 mainline)")
@click.option("--flock", is_flag=True, help="the VFS advances f_sb_err under f_lock")
@click.option("--vfs", metavar="FILE",
              help="fs/sync.c's syncfs in C (model/vfs/*.c) in every scope")
@click.option("--upper-at-mount", default="0", show_default=True, metavar="0|any",
              help="U's word before the mount: 0 (a fresh upper) or any (every valid word; "
                   "counters of at most 4 bits)")
@click.option("--format", "fmt", default="text", show_default=True,
              help="text | markdown | json | html")
@click.option("-o", "--output", help="write the report to this file")
@click.option("--no-cache", is_flag=True, help="search every scope again (the cache is "
              "neither read nor written)")
@click.option("--no-timings", is_flag=True, help="leave out the seconds and the cache figures")
@click.option("--jobs", type=int, help="local worker processes (default: one per core)")
@cluster.dask_option
@backend_option
@limit_options
@memory_option
def sweep_cmd(schemes: tuple[str, ...], locks: tuple[str, ...], props: tuple[str, ...],
              up_to: str, errnos: str, open_at: str, sync_fs_errors: str, flock: bool,
              fmt: str, output: str | None, no_cache: bool, no_timings: bool,
              jobs: int | None, dask_address: str | None, backend: str,
              max_states: int | None, max_seconds: float | None,
              max_memory: int | None, vfs: str | None = None,
              upper_at_mount: str = "0") -> None:
    """Check every scope up to --up-to, smallest first, for every variant and property:
    the smallest scope that breaks each promise, or how far it held (limits are per scope)."""
    load_catalogue()
    fmt = pick("format", fmt, list(render_sweep.FORMATS))
    names = [pick_scheme(x) for x in split(schemes)] or list(SCHEMES)
    disciplines = ([pick("discipline", x, list(DISCIPLINES)) for x in split(locks)]
                   or ["none", "spinlock"])
    chosen = properties(props) or list(DEFAULT_PROPERTIES)
    pick("--sync-fs-errors value", sync_fs_errors, list(SYNC_FS_ERRORS))
    bounded("--jobs", jobs, 1, 256, "worker processes")
    try:
        up = sweeping.parse_up_to(up_to, errnos, open_at)
    except sweeping.SweepSpecError as e:
        raise InputError(str(e)) from None
    budget = budget_from(max_states, max_seconds, max_memory, backend=backend)
    if output is not None:
        check_output_path(output)
    # one WORD would have to fit every scope's counter: 0 and any only
    upper = pick("--upper-at-mount value", upper_at_mount.strip().lower(), ["0", "any"])
    base = WorldParams(sync_fs_errors=sync_fs_errors, flock=flock,
                       vfs=pick_vfs(vfs, flock) if vfs is not None else "",
                       upper_at_mount=upper)
    variants = [(s, lock) for s in dict.fromkeys(names) for lock in dict.fromkeys(disciplines)]
    cache = sweeping.ScopeCache(None) if no_cache else sweeping.ScopeCache.default()
    with cluster.executor_for(cluster.dask_address(dask_address)) as executor:
        result = sweeping.sweep(variants, chosen, up, base, budget, jobs, executor, cache,
                                sweep_progress())
    render = render_sweep.FORMATS[fmt]
    text = render(result) if fmt in ("markdown", "html") else render(result, not no_timings)
    write_output(text, output)
    sys.exit(EXIT_OK)

