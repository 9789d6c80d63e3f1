"""Compare variants side by side: every scheme x discipline x scenario, every property.

Each (variant, scenario, property) is one job for the explicit engine; the jobs run in a
process pool across the machine's cores and their results are put back in the order asked for,
so the matrix never depends on which job finished first.  Then, for each pair of variants that
differ only in discipline, :func:`differences` names the shortest trace that breaks one and not
the other: what the lock buys.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from itertools import combinations

from checks.explicit import SearchInterrupted
from checks.runner import Budget, check_resolved
from model.world import WorldParams
from specs.resolved import effective, resolve
from specs.results import CheckResult, CompareResult, Difference, PropertyResult, Verdict


@dataclass(frozen=True)
class Cell:
    """One row of the matrix: a variant in a scenario with the bounds asked for."""

    scheme: str
    lock: str
    scenario: str
    params: WorldParams
    mount_options: tuple[str, ...] = ()  # --mount-option, for the schemes that test them


class CompareInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`run`: the checks finished so far and, when the checks ran in
    this process, the figures of the one being searched."""

    def __init__(self, results: Sequence[PropertyResult | None], work: Sequence[tuple],
                 current: SearchInterrupted | None) -> None:
        super().__init__("compare interrupted")
        self.finished = [r for r in results if r is not None]
        self.total = len(work)
        self.current = current

    def summary(self) -> str:
        """One line: how many checks finished, their verdicts, the one being searched."""
        from checks.progress import stats_text

        counts: dict[str, int] = {}
        for r in self.finished:
            counts[r.verdict.value] = counts.get(r.verdict.value, 0) + 1
        verdicts = ", ".join(f"{n} {v}" for v, n in sorted(counts.items())) or "none"
        text = f"{len(self.finished)} of {self.total} checks finished ({verdicts})"
        if self.current is not None:
            text += f"; {self.current.prop}: {stats_text(self.current.stats)} so far"
        return text


def _job(args: tuple[Cell, str, Budget]) -> PropertyResult:
    cell, prop, budget = args
    return check_resolved(resolve(cell.scheme, cell.lock, cell.scenario, cell.params, prop,
                                  cell.mount_options), budget=budget)


def incompatibility(cell: Cell) -> str:
    """Why ``cell``'s scheme does not compose with its discipline (the located headline a
    check of it would print, exit 2), or ``""``: a C scheme says so when it is read
    (``model.cfront``, ``CScheme.incompatible``); a Python scheme composes with all."""
    from model.variants import scheme_for

    err = getattr(scheme_for(cell.scheme, cell.mount_options), "incompatible", {}).get(
        cell.lock)
    return "" if err is None else err.headline


def run(cells: Sequence[Cell], props: Sequence[str], budget: Budget | None = None,
        jobs: int | None = None, progress: Callable[[int, int], None] | None = None,
        executor: Executor | None = None) -> CompareResult:
    """Check every property of every cell; ``jobs`` worker processes (default: one per core;
    1: in this process), or the tasks of ``executor`` (a Dask client's ``get_executor()``:
    ``checks.cluster``).  ``progress(done, total)`` is called as jobs finish."""
    budget = budget or Budget()
    # a cell whose scheme does not compose with its lock is marked, not checked
    why = [incompatibility(c) for c in cells]
    work = [(c, p, budget) for c, w in zip(cells, why, strict=True) if not w for p in props]
    jobs = jobs or os.cpu_count() or 1
    results: list[PropertyResult | None] = [None] * len(work)
    if executor is not None:
        futures = {executor.submit(_job, w): i for i, w in enumerate(work)}
        try:
            for done, fut in enumerate(as_completed(futures), start=1):
                results[futures[fut]] = fut.result()
                if progress:
                    progress(done, len(work))
        except KeyboardInterrupt:
            for fut in futures:
                fut.cancel()
            raise CompareInterrupted(results, work, None) from None
    elif jobs == 1 or len(work) == 1:
        for i, w in enumerate(work):
            try:
                results[i] = _job(w)
            except SearchInterrupted as e:
                raise CompareInterrupted(results, work, e) from None
            except KeyboardInterrupt:
                raise CompareInterrupted(results, work, None) from None
            if progress:
                progress(i + 1, len(work))
    else:
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(work)))
        try:
            futures = {pool.submit(_job, w): i for i, w in enumerate(work)}
            for done, fut in enumerate(as_completed(futures), start=1):
                results[futures[fut]] = fut.result()
                if progress:
                    progress(done, len(work))
        except KeyboardInterrupt:
            # the workers' figures die with them: end them now rather than let them run on
            pool.shutdown(wait=False, cancel_futures=True)
            for child in multiprocessing.active_children():
                child.terminate()
            raise CompareInterrupted(results, work, None) from None
        pool.shutdown()
    checks = []
    n = len(props)
    k = 0
    for c, w in zip(cells, why, strict=True):
        if w:
            checks.append(CheckResult(c.scheme, c.lock, c.scenario, "explicit", c.params, (),
                                      c.mount_options, w))
            continue
        rs = tuple(r for r in results[k * n:(k + 1) * n] if r is not None)
        k += 1
        checks.append(CheckResult(c.scheme, c.lock, c.scenario, "explicit",
                                  effective(c.scheme, c.lock, c.params, c.mount_options), rs,
                                  c.mount_options))
    scenarios = {c.scenario: c.params for c in cells}
    return CompareResult(tuple(props), tuple(checks), differences(cells, checks), scenarios)


def differences(cells: Sequence[Cell], checks: Sequence[CheckResult]
                ) -> tuple[Difference, ...]:
    """For every two cells of one scheme in one scenario with the same bounds asked for and
    different disciplines, and every property that one of them breaks and the other does not
    (it holds): the shortest counterexample of the one that breaks it.  A longer shortest
    trace under a lock is not a difference: it is usually the same interleaving plus the
    lock's own steps."""
    out: list[Difference] = []
    for (ca, a), (cb, b) in combinations(zip(cells, checks, strict=True), 2):
        if (ca.scheme, ca.scenario, ca.params) != (cb.scheme, cb.scenario, cb.params) or \
                ca.lock == cb.lock:
            continue
        for ra in a.results:
            rb = b.result(ra.prop)
            if rb is None:
                continue
            d = _differ(a, ra, b, rb) or _differ(b, rb, a, ra)
            if d is not None:
                out.append(d)
    return tuple(out)


def _differ(x: CheckResult, rx: PropertyResult, y: CheckResult, ry: PropertyResult
            ) -> Difference | None:
    """``x`` breaks the property and ``y`` does not: it holds there."""
    if rx.verdict is not Verdict.VIOLATED or rx.trace is None or rx.key is None:
        return None
    if ry.verdict is Verdict.HOLDS:
        return Difference(x.scheme, x.scenario, rx.prop, x.lock, y.lock, rx.trace, rx.key,
                          ry.stats.states)
    return None
