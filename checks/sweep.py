"""Sweep the scopes: the smallest world that breaks each promise, smallest first.

A ``holds`` is only as wide as the bounds it was checked under.  ``sweep`` checks every scope
up to a size, in increasing size (Alloy's small-scope hypothesis): for each variant (scheme
x discipline) and property, the first violated scope is the smallest world that breaks the
promise; if none breaks it, it held in every scope up to the bound.

* **Scopes** (:func:`scopes`) are the bounds of ``--up-to`` expanded: every number of overlay
  syncers, syncfs calls per file, errors (each errno sequence over ``--errnos``), upper
  syncers and their calls, counter widths, threads per file, overlays and open timings up to
  the maxima.  **Size** (:func:`scope_size`): the syncfs calls plus the errors, then the
  actors, then the overlays, the counter width (narrow first: it wraps sooner), the open
  timing and the errnos, compared in that order.
* **A cell stops at its first violated scope.**  Scopes are decided in size order, so no
  skipped scope (all are larger) can be a smaller witness; the report claims only "the
  smallest violating scope", so skipping is sound by construction.  A smaller scope that hit
  a limit is named beside the violation: it might have been a smaller witness.
* **Resumable**: each scope's result is cached on disk under a key made of the resolved check
  (scheme source, discipline, the bounds asked for and the effective ones, property), the
  search settings that change figures (symmetry, limits) and a hash of the engine's own code
  (:func:`engine_version`), so a change to the model invalidates everything and a rerun or a
  larger ``--up-to`` computes only what is new.  A counterexample read back from the cache is
  replayed in the reference interpreter again before it is shown.
* **Where the checks run**: one scope is one task, for a local process pool (``jobs``) or
  for an executor the caller gives, such as a Dask distributed client's
  (``distributed.Client.get_executor()``): the results are the same either way, because the
  order of decisions never depends on which task finished first.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checks.replay import replay
from checks.runner import Budget, check_resolved
from model.errseq import errno_name, errno_number
from model.world import OPEN_AT, WorldParams
from specs.resolved import ResolvedCheck, resolve
from specs.results import PropertyResult, Stats, Verdict

#: ``--up-to`` dimensions: (name on the command line, WorldParams field, smallest value)
DIMENSIONS = (("syncers", "syncers", 1), ("syncs", "syncs", 1), ("errors", "errors", 0),
              ("upper-syncers", "upper_syncers", 0), ("upper-syncs", "upper_syncs", 1),
              ("counter-bits", "counter_bits", 1), ("threads", "threads_per_file", 1),
              ("overlays", "overlays", 1))
#: what a dimension not named in ``--up-to`` is fixed at
FIXED = {"syncers": 1, "syncs": 1, "errors": 1, "upper-syncers": 0, "upper-syncs": 1,
         "counter-bits": 2, "threads": 1, "overlays": 1}
#: the largest value a dimension may reach (a sweep is exhaustive: keep it small)
CEILING = {"syncers": 6, "syncs": 6, "errors": 6, "upper-syncers": 3, "upper-syncs": 6,
           "counter-bits": 19, "threads": 3, "overlays": 3}


class SweepSpecError(ValueError):
    """A malformed ``--up-to``, ``--errnos`` or ``--open-at`` (the CLI: exit 2)."""


@dataclass(frozen=True)
class UpTo:
    """The ranges of a sweep: ``ranges[dim] = (low, high)`` for every dimension."""

    ranges: tuple[tuple[str, tuple[int, int]], ...]
    errnos: tuple[int, ...]
    open_at: tuple[str, ...]

    def range(self, dim: str) -> tuple[int, int]:
        return dict(self.ranges)[dim]

    def text(self) -> str:
        """As the user would write it (every dimension, the fixed ones included)."""
        parts = []
        for dim, (lo, hi) in self.ranges:
            parts.append(f"{dim}={hi}" if lo == _low(dim) else f"{dim}={lo}..{hi}")
        return (",".join(parts) + f"; errnos {','.join(errno_name(e) for e in self.errnos)}"
                f"; open {','.join(self.open_at)}")


def _low(dim: str) -> int:
    return next(lo for d, _, lo in DIMENSIONS if d == dim)


def parse_up_to(text: str, errnos: str = "EIO", open_at: str = "race,first") -> UpTo:
    """``syncers=3,syncs=2,errors=2,counter-bits=2..3``: each dimension up to a value (from
    its smallest, :data:`DIMENSIONS`) or over ``LOW..HIGH``; a dimension not named is fixed
    (:data:`FIXED`)."""
    given: dict[str, tuple[int, int]] = {}
    names = [d for d, _, _ in DIMENSIONS]
    for item in filter(None, (x.strip() for x in text.split(","))):
        dim, eq, val = item.partition("=")
        dim = dim.strip()
        if not eq or dim not in names:
            raise SweepSpecError(f"--up-to: {item!r} is not DIMENSION=N or DIMENSION=LOW..HIGH "
                                 f"(dimensions: {', '.join(names)})")
        if dim in given:
            raise SweepSpecError(f"--up-to: {dim} given twice")
        lo_s, dots, hi_s = val.partition("..")
        try:
            lo, hi = (int(lo_s), int(hi_s)) if dots else (_low(dim), int(val))
        except ValueError:
            raise SweepSpecError(f"--up-to: {item!r}: the bounds must be integers") from None
        if not _low(dim) <= lo <= hi <= CEILING[dim]:
            raise SweepSpecError(f"--up-to: {dim} must lie in {_low(dim)}..{CEILING[dim]} "
                                 f"with LOW <= HIGH, got {val}")
        given[dim] = (lo, hi)
    ranges = tuple((d, given.get(d, (FIXED[d], FIXED[d]))) for d in names)
    try:
        errs = tuple(dict.fromkeys(errno_number(e.strip()) for e in errnos.split(",")
                                   if e.strip()))
    except (KeyError, ValueError):
        raise SweepSpecError(f"--errnos: {errnos!r} is not a list of errno names such as "
                             "EIO,ENOSPC") from None
    if not errs or any(not 0 < e < 4096 for e in errs):
        raise SweepSpecError(f"--errnos: {errnos!r}: give at least one errno in 1..4095")
    opens = tuple(dict.fromkeys(o.strip() for o in open_at.split(",") if o.strip()))
    bad = [o for o in opens if o not in OPEN_AT]
    if not opens or bad:
        raise SweepSpecError(f"--open-at: {open_at!r}: choose from {', '.join(OPEN_AT)}")
    return UpTo(ranges, errs, opens)


def scope_size(p: WorldParams) -> tuple:
    """The order of a sweep: syncfs calls plus errors, then actors, then overlays, counter
    width, open timing and the errnos themselves."""
    calls = p.syncers * p.threads_per_file * p.syncs + p.upper_syncers * p.upper_syncs
    actors = p.syncers * p.threads_per_file + p.upper_syncers + (1 if p.errors else 0)
    return (calls + len(p.errors), actors, p.overlays, p.counter_bits,
            OPEN_AT.index(p.open_at), p.errors)


def scopes(up: UpTo, base: WorldParams) -> list[WorldParams]:
    """Every scope of ``up``, smallest first (``base``: the switches that do not vary,
    ``sync_fs_errors`` and ``flock``)."""
    r = up.range
    out = []
    for s, k, e, u, j, c, t, o in itertools.product(
            *(range(r(d)[0], r(d)[1] + 1) for d, _, _ in DIMENSIONS)):
        if u == 0 and j != r("upper-syncs")[0]:
            continue  # no upper syncer: its number of calls is moot
        if o > s:
            continue  # an overlay with no file on it adds nothing
        for errs in itertools.product(up.errnos, repeat=e):
            for when in up.open_at:
                if when == "after-errors" and not errs:
                    continue  # the same world as "first"
                out.append(dataclasses.replace(
                    base, syncers=s, syncs=k, errors=errs, upper_syncers=u, upper_syncs=j,
                    counter_bits=c, threads_per_file=t, overlays=o, open_at=when))
    out.sort(key=scope_size)
    return out


def scope_label(p: WorldParams) -> str:
    """A scope as the ``check`` options that give it."""
    parts = [f"--syncers {p.syncers}", f"--syncs {p.syncs}",
             f"--errors {','.join(errno_name(e) for e in p.errors) or 'none'}"]
    if p.upper_syncers:
        parts += [f"--upper-syncers {p.upper_syncers}", f"--upper-syncs {p.upper_syncs}"]
    parts.append(f"--counter-bits {p.counter_bits}")
    if p.threads_per_file > 1:
        parts.append(f"--threads {p.threads_per_file}")
    if p.overlays > 1:
        parts.append(f"--overlays {p.overlays}")
    parts.append(f"open {p.open_at}")
    return " ".join(parts)


def scope_short(p: WorldParams) -> str:
    """``s3 k2 e2 u0 c2 race``: a scope in a matrix cell."""
    text = f"s{p.syncers} k{p.syncs} e{len(p.errors)}"
    if len(set(p.errors)) > 1 or (p.errors and p.errors[0] != 5):
        text += "(" + ",".join(errno_name(e) for e in p.errors) + ")"
    if p.upper_syncers:
        text += f" u{p.upper_syncers}x{p.upper_syncs}"
    if p.threads_per_file > 1:
        text += f" t{p.threads_per_file}"
    if p.overlays > 1:
        text += f" o{p.overlays}"
    return text + f" c{p.counter_bits} {p.open_at}"


# --------------------------------------------------------------------------------------------
# The cache


_ENGINE_VERSION: str | None = None


def engine_version() -> str:
    """A hash of the code that decides a verdict (``model/``, ``specs/``, ``checks/``):
    any change to it makes every cached scope stale."""
    global _ENGINE_VERSION
    if _ENGINE_VERSION is None:
        root = Path(__file__).resolve().parent.parent
        h = hashlib.sha256()
        for pkg in ("model", "specs", "checks"):
            for f in sorted((root / pkg).rglob("*")):
                if f.suffix in (".py", ".c") and f.is_file():
                    h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
        _ENGINE_VERSION = h.hexdigest()[:20]
    return _ENGINE_VERSION


def _scheme_source(scheme: str) -> str:
    """The hash of a scheme given by a C file outside the package (catalogue schemes are
    covered by :func:`engine_version`)."""
    from model.cfront import is_c_path

    if is_c_path(scheme) and not scheme.startswith("c:"):
        return hashlib.sha256(Path(scheme).read_bytes()).hexdigest()[:20]
    return ""


def cache_key(rc: ResolvedCheck, budget: Budget) -> str:
    """The cache key of one scope of one cell."""
    d = {"engine": engine_version(), "scheme": rc.scheme, "source": _scheme_source(rc.scheme),
         "lock": rc.lock, "prop": rc.prop, "requested": rc.requested.to_json(),
         "params": rc.params.to_json(), "symmetry": budget.symmetry,
         "max_states": budget.max_states, "max_seconds": budget.max_seconds,
         "max_mib": budget.max_mib}
    if rc.requested.vfs:  # --vfs FILE: its code decides the verdict too
        d["vfs_source"] = _scheme_source(rc.requested.vfs)
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:32]


class ScopeCache:
    """Finished scopes on disk, one small JSON file each (written atomically)."""

    def __init__(self, directory: Path | None) -> None:
        self.dir = directory

    @staticmethod
    def default() -> ScopeCache:
        from checks.native.build import cache_dir

        return ScopeCache(cache_dir() / "sweep")

    def get(self, rc: ResolvedCheck, budget: Budget) -> PropertyResult | None:
        if self.dir is None:
            return None
        f = self.dir / f"{cache_key(rc, budget)}.json"
        try:
            d = json.loads(f.read_text())
        except (OSError, ValueError):
            return None
        return _from_cache(rc, d)

    def put(self, rc: ResolvedCheck, budget: Budget, r: PropertyResult) -> None:
        if self.dir is None:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        f = self.dir / f"{cache_key(rc, budget)}.json"
        tmp = f.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(_to_cache(r), sort_keys=True))
        tmp.replace(f)


def _to_cache(r: PropertyResult) -> dict[str, Any]:
    s = r.stats
    return {"verdict": r.verdict.value, "reason": r.reason, "by_design": r.by_design,
            "schedule": list(r.trace.schedule) if r.trace is not None else None,
            "stats": [s.states, s.transitions, s.max_depth, s.seconds, s.peak_mib],
            "proof": r.proof}


def _from_cache(rc: ResolvedCheck, d: dict[str, Any]) -> PropertyResult:
    stats = Stats(*d["stats"])
    verdict = Verdict(d["verdict"])
    if d["schedule"] is None:
        return PropertyResult(rc.prop, verdict, d["reason"], stats, None, d["by_design"],
                              proof=d["proof"])
    schedule = tuple(d["schedule"])
    trace = replay(rc.replay_world, schedule, rc.prop, rc.twin)  # shown once replayed again
    return PropertyResult(rc.prop, verdict, trace.reason, stats, trace, d["by_design"],
                          key=str(rc.key(schedule)))


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class SweepCell:
    """One variant and property over the sweep.

    ``verdict``: violated (``witness`` is the smallest violating scope and its result),
    holds (every scope held), or unknown (no violation, and the scopes in ``unknown`` hit a
    limit).  ``checked``: scopes decided before the cell stopped; ``states``: their states.
    """

    scheme: str
    lock: str
    prop: str
    verdict: Verdict
    witness: tuple[WorldParams, PropertyResult] | None
    checked: int
    total: int
    states: int
    unknown: tuple[WorldParams, ...]

    @property
    def variant(self) -> str:
        return f"{self.scheme} --lock {self.lock}"


@dataclass(frozen=True)
class SweepResult:
    """A whole sweep: what was asked, every cell, and what it cost."""

    up_to: UpTo
    base: WorldParams
    props: tuple[str, ...]
    scopes: tuple[WorldParams, ...]
    cells: tuple[SweepCell, ...]
    seconds: float
    computed: int  # scopes searched by this run
    cached: int  # scopes read back from the cache


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: finished scopes are in the cache; no report is made."""

    def __init__(self, done: int, computed: int) -> None:
        super().__init__("sweep interrupted")
        self.done, self.computed = done, computed

    def summary(self) -> str:
        return (f"{self.done} scopes decided ({self.computed} searched by this run, kept in "
                "the cache); no report written")


# --------------------------------------------------------------------------------------------
# The sweep


def _job(rc: ResolvedCheck, budget: Budget) -> PropertyResult:
    return check_resolved(rc, budget=budget)


class _Inline(Executor):
    """An executor that runs each task when it is submitted (``jobs=1``)."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        f: Future = Future()
        try:
            f.set_result(fn(*args, **kwargs))
        except BaseException as e:  # noqa: BLE001 - handed to the caller through the future
            if isinstance(e, KeyboardInterrupt):
                raise
            f.set_exception(e)
        return f


@dataclass
class _CellRun:
    scheme: str
    lock: str
    prop: str
    checks: list[ResolvedCheck]
    results: dict[int, PropertyResult]
    next: int = 0  # the next scope to submit
    running: int = 0
    cell: SweepCell | None = None

    def decide(self, scope_list: Sequence[WorldParams]) -> SweepCell | None:
        """The cell's verdict once every scope up to its first violation is decided."""
        unknown = []
        states = 0
        for i in range(len(self.checks)):
            r = self.results.get(i)
            if r is None:
                return None
            states += r.stats.states
            if r.verdict is Verdict.VIOLATED:
                return SweepCell(self.scheme, self.lock, self.prop, Verdict.VIOLATED,
                                 (scope_list[i], r), i + 1, len(self.checks), states,
                                 tuple(unknown))
            if r.verdict is Verdict.UNKNOWN:
                unknown.append(scope_list[i])
        verdict = Verdict.UNKNOWN if unknown else Verdict.HOLDS
        return SweepCell(self.scheme, self.lock, self.prop, verdict, None, len(self.checks),
                         len(self.checks), states, tuple(unknown))


ProgressFn = Callable[[int, int, int, int, float], None]


def sweep(variants: Sequence[tuple[str, str]], props: Sequence[str], up: UpTo,
          base: WorldParams, budget: Budget | None = None, jobs: int | None = None,
          executor: Executor | None = None, cache: ScopeCache | None = None,
          progress: ProgressFn | None = None) -> SweepResult:
    """Sweep every (scheme, lock) of ``variants`` for every property of ``props``.

    ``executor``: where the scopes run (a Dask client's ``get_executor()``, say); else a
    local pool of ``jobs`` processes (default one per core; 1: in this process).  ``cache``:
    default :meth:`ScopeCache.default`; ``ScopeCache(None)`` keeps nothing.
    ``progress(cells_done, cells, scopes_done, computed, states_per_second)``.
    """
    budget = budget or Budget()
    cache = cache if cache is not None else ScopeCache.default()
    scope_list = tuple(scopes(up, base))
    runs = [_CellRun(s, lock, p, [resolve(s, lock, "custom", sc, p) for sc in scope_list], {})
            for s, lock in variants for p in props]
    t0 = time.monotonic()
    computed = from_cache = 0
    states_searched = 0
    own_pool = executor is None
    jobs = jobs or os.cpu_count() or 1
    if executor is None:
        executor = _Inline() if jobs == 1 else ProcessPoolExecutor(max_workers=jobs)
    width = jobs if own_pool else max(jobs, 2 * len(runs))
    pending: dict[Future, tuple[_CellRun, int]] = {}

    def report() -> None:
        if progress is not None:
            done = sum(1 for r in runs if r.cell is not None)
            rate = states_searched / max(1e-9, time.monotonic() - t0)
            progress(done, len(runs), computed + from_cache, computed, rate)

    def settle(run: _CellRun) -> None:
        if run.cell is None:
            run.cell = run.decide(scope_list)
            if run.cell is not None:
                # a cancelled task is forgotten at once, never waited for: an executor need
                # not notify a cancellation (Dask's cannot once the task has finished)
                for f, (r2, _) in list(pending.items()):
                    if r2 is run and f.cancel():
                        del pending[f]

    def fill() -> None:
        nonlocal from_cache
        # round robin over the open cells, each in scope order, up to `width` tasks at once
        progressed = True
        while len(pending) < width and progressed:
            progressed = False
            for run in runs:
                if len(pending) >= width:
                    break
                while run.cell is None and run.next < len(run.checks):
                    i = run.next
                    run.next += 1
                    hit = cache.get(run.checks[i], budget)
                    if hit is not None:
                        run.results[i] = hit
                        from_cache += 1
                        settle(run)
                        continue
                    pending[executor.submit(_job, run.checks[i], budget)] = (run, i)
                    progressed = True
                    break

    try:
        fill()
        report()
        while pending:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for f in done:
                item = pending.pop(f, None)
                if item is None or f.cancelled():
                    continue  # forgotten when its cell was decided
                run, i = item
                r = f.result()
                computed += 1
                states_searched += r.stats.states
                cache.put(run.checks[i], budget, r)
                if run.cell is None:
                    run.results[i] = r
                    settle(run)
            fill()
            report()
    except KeyboardInterrupt:
        for f in pending:
            f.cancel()
        if own_pool and isinstance(executor, ProcessPoolExecutor):
            executor.shutdown(wait=False, cancel_futures=True)
            for child in multiprocessing.active_children():
                child.terminate()
        raise SweepInterrupted(computed + from_cache, computed) from None
    finally:
        if own_pool and isinstance(executor, ProcessPoolExecutor):
            executor.shutdown(wait=False, cancel_futures=True)
    for run in runs:
        settle(run)
        assert run.cell is not None
    return SweepResult(up, base, tuple(props), scope_list, tuple(r.cell for r in runs
                                                               if r.cell is not None),
                       time.monotonic() - t0, computed, from_cache)


def iter_violations(result: SweepResult) -> Iterator[SweepCell]:
    """The violated cells, in matrix order."""
    return (c for c in result.cells if c.verdict is Verdict.VIOLATED)
