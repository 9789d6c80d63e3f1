"""The benchmark ladder: how the explicit engine's cost grows with the scenario's size.

A *ladder* is a list of :class:`Row` s (scenario sizes).  The standard ladder starts from a
base scenario (2 overlay syncers, 1 EIO, 1 syncfs per file, the kernel's 19-bit counter,
opens racing with writeback) and varies one dimension at a time: syncers 3 and 4, errors 2
and 3, syncs per file 2 and 3, counter bits 2.  Each row is run for a fixed set of variants
(:data:`VARIANTS`) and properties (:data:`PROPERTIES`, plus ``wrap`` where the counter has few
enough bits to wrap).

Each (variant, row) runs in a fresh Python process (:func:`run_row`), so that its peak
resident memory belongs to it alone.  That process records its resident memory once the
catalogue is loaded and a one-state warm-up search has run (the *baseline*), runs every
property in turn with the explicit engine, and reports its peak resident memory (``VmHWM``)
at the end.  ``bytes/state`` is (peak - baseline) divided by the largest number of states
any one search stored (the symmetry-off probe included): the searches run one after
another and each frees its visited set before the next, so the peak is the largest
search's (it includes that search's BFS queue and the dict's spare capacity, so it is what
a stored state really costs).  Below :data:`MIN_DELTA_MIB` of growth the quotient is noise
and is not reported.

Limits: ``max_seconds`` and ``max_memory`` apply to each property's search (as ``check
--max-seconds`` and ``--max-memory`` do); a search that hits one is reported ``unknown``
with the figures reached, never dropped.  A row whose process dies or overruns its time by
far is reported ``unknown`` for the properties it had not finished.

The result is plain data (:class:`BenchResult`, JSON via ``to_json``);
``reports/bench.py`` renders the table and the growth curves.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import resource
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

from model.errseq import ERRNO_NUMBERS
from model.variants import tested_mount_options
from model.world import WorldParams
from specs.benchresults import MIN_DELTA_MIB, BenchResult, PropertyFigures, RowResult
from specs.properties import PROPERTIES as ALL_PROPERTIES
from specs.resolved import effective, resolve
from specs.scenarios import CUSTOM

EIO = ERRNO_NUMBERS["EIO"]

#: the variants every ladder row is run for: one that holds everywhere (the full state space
#: is explored), one that holds or breaks depending on the counter, one broken at once
VARIANTS: tuple[tuple[str, str], ...] = (
    ("cursor", "spinlock"),
    ("mustinc", "spinlock"),
    ("copy-naive", "none"),
)
#: the properties measured on every row; those decided against a wide-counter twin
#: (``wrap``) are added where the counter can wrap
PROPERTIES: tuple[str, ...] = tuple(p for p, spec in ALL_PROPERTIES.items()
                                    if not spec.needs_twin and not spec.liveness)
#: counters this narrow (or narrower) also get the twin's properties
WRAP_BITS = 4
#: seconds a row process may run past the sum of its per-property budgets before it is killed
GRACE_SECONDS = 120.0

BASE = WorldParams(syncers=2, syncs=1, errors=(EIO,), counter_bits=19)


@dataclass(frozen=True)
class Row:
    """One rung of a ladder: ``params`` differ from the base on ``dimension`` (``"base"`` for
    the base itself), whose value there is ``size`` (the x axis of the growth curves)."""

    name: str
    dimension: str
    size: int
    params: WorldParams


def _row(dimension: str, size: int, **change: Any) -> Row:
    return Row(f"{dimension}={size}", dimension, size, dataclasses.replace(BASE, **change))


def standard_ladder() -> list[Row]:
    """Base, then one dimension at a time: syncers 3, 4; errors 2, 3; syncs 2, 3; counter
    bits 2."""
    return [
        Row("base", "base", 0, BASE),
        _row("syncers", 3, syncers=3),
        _row("syncers", 4, syncers=4),
        _row("errors", 2, errors=(EIO,) * 2),
        _row("errors", 3, errors=(EIO,) * 3),
        _row("syncs", 2, syncs=2),
        _row("syncs", 3, syncs=3),
        _row("counter_bits", 2, counter_bits=2),
    ]


def quick_ladder() -> list[Row]:
    """Two small rows, for tests and CI: the base and 3 syncers."""
    return [Row("base", "base", 0, BASE), _row("syncers", 3, syncers=3)]


def frontier_ladder() -> list[Row]:
    """Several dimensions grown together, to find how far one variant gets within a budget:
    ``stress``'s shape (3 syncers, 2 syncs, 2 EIOs) with the kernel's counter, then one
    more syncer, sync or error at a time."""
    def grow(k: int, syncers: int, syncs: int, errors: int) -> Row:
        return Row(f"s{syncers}k{syncs}e{errors}", "frontier", k,
                   dataclasses.replace(BASE, syncers=syncers, syncs=syncs,
                                       errors=(EIO,) * errors))
    return [grow(1, 3, 2, 2), grow(2, 4, 2, 2), grow(3, 4, 2, 3), grow(4, 4, 3, 2),
            grow(5, 5, 2, 2)]


LADDERS: dict[str, Callable[[], list[Row]]] = {
    "standard": standard_ladder,
    "quick": quick_ladder,
    "frontier": frontier_ladder,
}


def properties_for(params: WorldParams, props: Sequence[str] | None = None) -> list[str]:
    """``props`` (default :data:`PROPERTIES`, with ``wrap`` where the counter can wrap)."""
    if props:
        return list(props)
    twin = [p for p, spec in ALL_PROPERTIES.items() if spec.needs_twin]
    return list(PROPERTIES) + (twin if params.counter_bits <= WRAP_BITS else [])


__all__ = ["BenchResult", "PropertyFigures", "RowResult", "MIN_DELTA_MIB", "LADDERS", "VARIANTS",
           "PROPERTIES", "Row", "RowSpec", "run_ladder", "run_row", "row_main", "spin_figures"]


def machine(backend: str = "auto") -> dict[str, Any]:
    """What the figures were measured on (``backend``: the one the rows were asked for)."""
    from checks import native

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "loadavg_at_start": [round(x, 2) for x in load or ()],
            "backend": native.resolve(backend)[0]}  # the explicit back end the rows ran on


# --------------------------------------------------------------------------------------------
# One row, in its own process


@dataclass(frozen=True)
class RowSpec:
    """What a row process is asked to do (sent as JSON on its command line)."""

    scheme: str
    lock: str
    row: Row
    props: tuple[str, ...]
    max_seconds: float | None
    max_memory: float | None
    symmetry: bool
    no_symmetry_probe: bool  # also count the first property's states without symmetry
    progress: bool  # show a progress line on the row process's stderr (a terminal)
    backend: str = "auto"  # the explicit back end: auto | python | native
    mount_options: tuple[str, ...] = ()  # --mount-option, for a C scheme that tests them

    def to_json(self) -> str:
        p = self.row.params.to_json()
        return json.dumps({"scheme": self.scheme, "lock": self.lock,
                           "row": [self.row.name, self.row.dimension, self.row.size, p],
                           "props": list(self.props), "max_seconds": self.max_seconds,
                           "max_memory": self.max_memory, "symmetry": self.symmetry,
                           "no_symmetry_probe": self.no_symmetry_probe,
                           "progress": self.progress, "backend": self.backend,
                           "mount_options": list(self.mount_options)})

    @staticmethod
    def from_json(text: str) -> RowSpec:
        d = json.loads(text)
        name, dim, size, p = d["row"]
        return RowSpec(d["scheme"], d["lock"], Row(name, dim, size, WorldParams.from_json(p)),
                       tuple(d["props"]), d["max_seconds"], d["max_memory"], d["symmetry"],
                       d["no_symmetry_probe"], d["progress"], d.get("backend", "auto"),
                       tuple(d.get("mount_options", ())))


def _emit(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def _figures(r: Any) -> PropertyFigures:
    return PropertyFigures(r.prop, r.verdict.value, r.reason, r.stats.states,
                           r.stats.transitions, r.stats.max_depth, r.stats.seconds,
                           r.trace_length, r.by_design)


def peak_rss_mib() -> float:
    """The process's peak resident memory: ``VmHWM`` from ``/proc/self/status`` (it starts
    afresh at exec, unlike ``ru_maxrss``, which keeps the peak of the forked parent's copy),
    else ``ru_maxrss``."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def row_main(spec: RowSpec) -> int:
    """The row process: one JSON line per property as it is decided, then one with the
    memory figures.  On SIGINT, one line with the figures of the search under way; exit 130."""
    from checks.explicit import SearchInterrupted, current_mib
    from checks.progress import progress_line
    from checks.runner import Budget, check_resolved
    from model.variants import load_catalogue

    def check(prop: str, budget: Budget, progress: Any = None) -> Any:
        rc = resolve(spec.scheme, spec.lock, CUSTOM, spec.row.params, prop, spec.mount_options)
        return check_resolved(rc, budget=budget, progress=progress)

    budget = Budget(max_seconds=spec.max_seconds, max_mib=spec.max_memory,
                    symmetry=spec.symmetry, backend=spec.backend)
    label = f"{spec.scheme}/{spec.lock} {spec.row.name}"
    line = progress_line(label=label) if spec.progress else None
    try:
        load_catalogue()
        if spec.props:  # warm up: every module and code path loaded before the baseline
            check(spec.props[0], dataclasses.replace(budget, max_states=1))
        _emit({"baseline_mib": current_mib()})
        for prop in spec.props:
            r = check(prop, budget, line)
            if line is not None:
                line.clear()
            _emit({"property": _figures(r).to_json()})
        if spec.no_symmetry_probe and spec.props:
            off = dataclasses.replace(budget, symmetry=False)
            r = check(spec.props[0], off, line)
            if line is not None:
                line.clear()
            if r.verdict.value != "unknown":
                _emit({"states_no_symmetry": r.stats.states})
    except SearchInterrupted as e:
        if line is not None:
            line.clear()
        _emit({"interrupted": {"prop": e.prop, "states": e.stats.states,
                               "transitions": e.stats.transitions,
                               "max_depth": e.stats.max_depth, "seconds": e.stats.seconds}})
        return 130
    except KeyboardInterrupt:
        _emit({"interrupted": None})
        return 130
    _emit({"peak_mib": peak_rss_mib()})
    return 0


class BenchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a ladder: the rows finished so far and where the row under way got."""

    def __init__(self, done: Sequence[RowResult], current: str,
                 partial: dict[str, Any] | None) -> None:
        super().__init__("bench interrupted")
        self.done, self.current, self.partial = list(done), current, partial

    def summary(self) -> str:
        text = f"{len(self.done)} rows finished; {self.current}"
        p = self.partial
        if p:
            text += (f" {p['prop']}: {p['states']:,} states, {p['transitions']:,} transitions, "
                     f"depth {p['max_depth']}, {p['seconds']:.1f}s so far")
        return text


def _parse_row_output(spec: RowSpec, out: str, note: str) -> RowResult:
    props: list[PropertyFigures] = []
    baseline = peak = None
    no_sym = None
    for line in out.splitlines():
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "property" in d:
            props.append(PropertyFigures.from_json(d["property"]))
        baseline = d.get("baseline_mib", baseline)
        peak = d.get("peak_mib", peak)
        no_sym = d.get("states_no_symmetry", no_sym)
    done = {p.prop for p in props}
    for prop in spec.props:
        if prop not in done:
            props.append(PropertyFigures(prop, "unknown", note or "the row process gave no "
                                         "result for it", 0, 0, 0, 0.0, None))
    # memory to 0.1 MiB, as the JSON stores it: a document read back gives the same B/state
    peak = None if peak is None else round(peak, 1)
    baseline = None if baseline is None else round(baseline, 1)
    return RowResult(spec.scheme, spec.lock, spec.row.name, spec.row.dimension, spec.row.size,
                     effective(spec.scheme, spec.lock, spec.row.params,
                               spec.mount_options).to_json(),
                     spec.symmetry, tuple(props), peak, baseline,
                     no_sym, note, spec.mount_options)


def run_row(spec: RowSpec, done: Sequence[RowResult] = ()) -> RowResult:
    """Run one (variant, row) in a fresh interpreter and collect its figures.  ``done``:
    rows already finished, carried in the :class:`BenchInterrupted` raised on Ctrl-C."""
    budget = (spec.max_seconds or 0) * (len(spec.props) + spec.no_symmetry_probe)
    timeout = budget + GRACE_SECONDS if spec.max_seconds else None
    cmd = [sys.executable, "-m", "checks.bench", "--row", spec.to_json()]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # its own process group: a Ctrl-C on the terminal reaches only this process, which
    # forwards exactly one SIGINT and collects the figures the row process prints
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env, cwd=root,
                            process_group=0)
    label = f"{spec.scheme}/{spec.lock} {spec.row.name}"
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        return _parse_row_output(spec, out, f"row process killed after {timeout:g}s")
    except KeyboardInterrupt:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
        partial = None
        for line in (out or "").splitlines():
            if line.startswith('{"interrupted"'):
                partial = json.loads(line)["interrupted"]
        raise BenchInterrupted(done, label, partial) from None
    if proc.returncode != 0:
        return _parse_row_output(spec, out, f"row process exited with {proc.returncode}")
    return _parse_row_output(spec, out, "")


def run_ladder(rows: Sequence[Row], variants: Sequence[tuple[str, str]],
               props: Sequence[str] | None = None, max_seconds: float | None = 600.0,
               max_memory: float | None = 8192.0, symmetry: bool = True,
               progress: bool = False, ladder: str = "custom",
               on_row: Callable[[RowResult], None] | None = None,
               extra: Callable[[RowSpec, RowResult], RowResult] | None = None,
               backend: str = "auto", executor: Executor | None = None,
               mount_options: tuple[str, ...] = (), vfs: str = "") -> BenchResult:
    """Run every variant on every row, each in its own process (``vfs``: ``--vfs FILE``,
    put into every row's bounds); ``on_row`` sees each
    :class:`RowResult` as it is finished (to print the table as it grows).  ``extra`` may add
    columns to a finished row (another engine's figures in ``PropertyFigures.extra``).
    ``backend``: the explicit engine's back end (``auto``: Python up to
    ``native.PYTHON_FIRST_STATES`` states, then native when a C compiler is present;
    ``native`` measures the native search alone), recorded in the result's ``machine``.
    ``executor`` (a Dask client's, ``checks.cluster``): each row, with its ``extra``
    figures, is one task on the cluster (its row process and SPIN run on the worker, so the
    ratios compare one machine with itself); rows are reported in ladder order."""
    results: list[RowResult] = []
    specs = []
    if vfs:
        rows = [dataclasses.replace(r, params=dataclasses.replace(r.params, vfs=vfs))
                for r in rows]
    for scheme, lock in variants:
        for row in rows:
            chosen = tuple(properties_for(row.params, props))
            specs.append(RowSpec(scheme, lock, row, chosen, max_seconds, max_memory, symmetry,
                                 symmetry and row.dimension in ("syncers", "base"),
                                 progress and executor is None, backend,
                                 tuple(o for o in mount_options
                                       if o in tested_mount_options(scheme))))
    futures = ([executor.submit(row_task, spec, extra) for spec in specs]
               if executor is not None else None)
    for i, spec in enumerate(specs):
        r = futures[i].result() if futures is not None else row_task(spec, extra, results)
        results.append(r)
        if on_row is not None:
            on_row(r)
    settings = {"max_seconds": max_seconds, "max_memory_mib": max_memory,
                "symmetry": symmetry, "properties": list(props) if props else None,
                "variants": [f"{s}/{lk}" for s, lk in variants],
                "cluster": executor is not None}
    if mount_options:
        settings["mount_options"] = list(mount_options)
    if vfs:
        settings["vfs"] = vfs
    return BenchResult(ladder, settings, machine(backend), tuple(results))


def row_task(spec: RowSpec, extra: Callable[[RowSpec, RowResult], RowResult] | None = None,
             done: Sequence[RowResult] = ()) -> RowResult:
    """One row and its ``extra`` figures: what a cluster task runs."""
    r = run_row(spec, done)
    return extra(spec, r) if extra is not None else r


def spin_figures(spec: RowSpec, row: RowResult) -> RowResult:
    """``row`` with SPIN's figures for each property in ``PropertyFigures.extra["spin"]``
    (``checks.spin.run_resolved``, a :class:`checks.spin.SpinRun`): verdict, states,
    compile and search seconds, trail length, and the ratios syncfs-mc/SPIN for time to
    verdict (SPIN's compile included) and states.  ``agree`` is False when the verdicts, or
    the shortest lengths of a violation, differ: a bug in one of the two checkers."""
    from checks.spin import run_resolved

    props = []
    for p in row.properties:
        r = run_resolved(resolve(spec.scheme, spec.lock, CUSTOM, spec.row.params, p.prop,
                                   spec.mount_options),
                         spec.max_seconds)
        total = r.compile_seconds + r.search_seconds
        decided = r.verdict != "unknown" and p.verdict != "unknown"
        agree = None if not decided else (
            r.verdict == p.verdict and (p.trace_length is None
                                        or r.trail_length == p.trace_length))
        fig = {"verdict": r.verdict, "reason": r.reason, "states": r.states,
               "transitions": r.transitions, "compile_s": round(r.compile_seconds, 3),
               "search_s": round(r.search_seconds, 3), "seconds": round(total, 3),
               "trail_length": r.trail_length, "memory_mib": r.memory_mib, "por": r.por,
               "time_ratio": round(p.seconds / total, 3) if total > 0 else None,
               "states_ratio": round(p.states / r.states, 3) if r.states else None,
               "agree": agree}
        props.append(dataclasses.replace(p, extra={**p.extra, "spin": fig}))
    return dataclasses.replace(row, properties=tuple(props))


def _main(argv: Sequence[str]) -> int:
    if len(argv) == 2 and argv[0] == "--row":
        return row_main(RowSpec.from_json(argv[1]))
    sys.stderr.write("usage: python -m checks.bench --row SPEC (use `syncfs-mc bench`)\n")
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
