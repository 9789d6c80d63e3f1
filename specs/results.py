"""Results every engine produces and every renderer reads: verdicts, traces, statistics.

Frozen data with a JSON round-trip (``to_json`` / ``from_json``); no engine and no renderer
in here.  A :class:`Trace` is the one counterexample type for all engines: the actor chosen
at each step, plus what the reference interpreter computed when it replayed those choices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from model.world import WorldParams


class Verdict(StrEnum):
    """A closed set: a limit or a solver's ``unknown`` is never read as a pass."""

    HOLDS = "holds"
    VIOLATED = "violated"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TraceStep:
    """One atomic step of a counterexample, as the interpreter replayed it."""

    index: int  # 1-based
    actor: str
    step: str  # the IR step's name, e.g. "errseq_set(U).cmpxchg"
    action: str  # what it did, in kernel terms, with decoded values
    state: dict[str, str]  # shared words after the step, decoded
    raw: dict[str, int]  # shared variables after the step, raw
    notes: tuple[str, ...] = ()  # "syncfs(fd1) {", "} -> -EIO", "error #1", ...
    syscall: str | None = None  # the syscall this step completes, for the summary line
    writes: tuple[str, ...] = ()  # shared variables the step assigns (``Step.writes``)
    reads: tuple[str, ...] = ()  # shared variables the step reads (``Step.reads``)

    def touched(self, words: tuple[str, ...]) -> str | None:
        """The superblock word among ``words`` this step accesses: the one it writes, else
        the one it reads; None for a step that touches none (a lock, a cursor alone)."""
        for group in (self.writes, self.reads):
            for w in group:
                if w in words:
                    return w
        return None

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "actor": self.actor, "step": self.step,
                "action": self.action, "state": dict(self.state), "raw": dict(self.raw),
                "notes": list(self.notes), "syscall": self.syscall,
                "writes": list(self.writes), "reads": list(self.reads)}

    @staticmethod
    def from_json(d: dict[str, Any]) -> TraceStep:
        return TraceStep(d["index"], d["actor"], d["step"], d["action"], dict(d["state"]),
                         dict(d["raw"]), tuple(d["notes"]), d["syscall"],
                         tuple(d["writes"]), tuple(d["reads"]))


@dataclass(frozen=True)
class Trace:
    """A counterexample: the schedule (actor per step) and its replayed steps."""

    schedule: tuple[str, ...]
    steps: tuple[TraceStep, ...]
    reason: str  # the broken promise, named at the last step
    prologue: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()  # syscalls begun and not returned when the trace ends
    initial: dict[str, str] = field(default_factory=dict)  # shared words before step 1
    words: tuple[str, ...] = ("U", "O")  # the superblock words: U, then each overlay's
    #: a lasso (``progress``): the 0-based index in ``schedule`` where the cycle starts, the
    #: steps before it being the stem; ``len(schedule)``: the last state stutters for ever
    cycle_start: int | None = None

    def __len__(self) -> int:
        return len(self.schedule)

    @property
    def switches(self) -> int:
        """Context switches: steps whose actor differs from the previous step's."""
        return sum(1 for a, b in zip(self.schedule, self.schedule[1:], strict=False) if a != b)

    def to_json(self) -> dict[str, Any]:
        return {"schedule": list(self.schedule), "steps": [s.to_json() for s in self.steps],
                "reason": self.reason, "prologue": list(self.prologue),
                "pending": list(self.pending), "initial": dict(self.initial),
                "words": list(self.words)} | (
                    {} if self.cycle_start is None else {"cycle_start": self.cycle_start})

    @staticmethod
    def from_json(d: dict[str, Any]) -> Trace:
        return Trace(tuple(d["schedule"]), tuple(TraceStep.from_json(s) for s in d["steps"]),
                     d["reason"], tuple(d.get("prologue", ())), tuple(d.get("pending", ())),
                     dict(d.get("initial", {})), tuple(d["words"]), d.get("cycle_start"))


TRACE_FORMAT, TRACE_VERSION = "syncfs-mc-trace", 2


@dataclass(frozen=True)
class TraceReport:
    """One counterexample with what it is a counterexample of: the document ``syncfs-mc
    trace --format json`` prints (schema: ``reports/trace.schema.json``).  Its JSON is the
    trace's own fields plus these, so ``Trace.from_json`` reads it directly."""

    scheme: str
    lock: str
    scenario: str
    prop: str
    params: WorldParams  # the effective bounds (``specs.resolved``)
    trace: Trace
    key: str  # the replay key (``specs.replaykey``)
    by_design: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"format": TRACE_FORMAT, "version": TRACE_VERSION, "scheme": self.scheme,
                "lock": self.lock, "scenario": self.scenario, "property": self.prop,
                "params": self.params.to_json(), "by_design": self.by_design,
                "replay_key": self.key, "length": len(self.trace),
                "switches": self.trace.switches, **self.trace.to_json()}

    @staticmethod
    def from_json(d: dict[str, Any]) -> TraceReport:
        if d.get("format") != TRACE_FORMAT or d.get("version") != TRACE_VERSION:
            raise ValueError(f"not a {TRACE_FORMAT} v{TRACE_VERSION} document")
        return TraceReport(d["scheme"], d["lock"], d["scenario"], d["property"],
                           WorldParams.from_json(d["params"]), Trace.from_json(d),
                           d["replay_key"],
                           d["by_design"])


@dataclass(frozen=True)
class Stats:
    """What a search cost."""

    states: int
    transitions: int
    max_depth: int
    seconds: float
    peak_mib: float

    def to_json(self) -> dict[str, Any]:
        return {"states": self.states, "transitions": self.transitions,
                "max_depth": self.max_depth, "seconds": round(self.seconds, 3),
                "peak_mib": round(self.peak_mib, 1)}

    @staticmethod
    def from_json(d: dict[str, Any]) -> Stats:
        return Stats(d["states"], d["transitions"], d["max_depth"], d["seconds"], d["peak_mib"])


@dataclass(frozen=True)
class PropertyResult:
    """The verdict on one property, with its counterexample or its reason."""

    prop: str
    verdict: Verdict
    reason: str
    stats: Stats
    trace: Trace | None = None
    by_design: bool = False
    engine: str = "explicit"
    proof: str | None = None  # how a holds was obtained: "exhaustive", "bmc-complete", ...
    depth: int | None = None  # SMT: the unrolling depth reached
    others: tuple[PropertyResult, ...] = ()  # engine "both": each engine's own result
    key: str | None = None  # the replay key of ``trace`` (``specs.resolved``)

    @property
    def trace_length(self) -> int | None:
        return len(self.trace) if self.trace is not None else None

    def to_json(self, timings: bool = True) -> dict[str, Any]:
        """``timings=False`` leaves out ``seconds`` and ``peak_mib``: what remains is the same
        on every run of the same command (the determinism tests compare it byte for byte)."""
        out = {
            "property": self.prop,
            "verdict": self.verdict.value,
            "reason": self.reason,
            "by_design": self.by_design,
            "trace_length": self.trace_length,
            "trace": ([st.to_json() for st in self.trace.steps]
                      if self.trace is not None else None),
            "schedule": list(self.trace.schedule) if self.trace is not None else None,
            "replay_key": self.key,
            "states": self.stats.states,
            "transitions": self.stats.transitions,
            "max_depth": self.stats.max_depth,
            "seconds": round(self.stats.seconds, 3),
            "peak_mib": round(self.stats.peak_mib, 1),
            "engine": self.engine,
            "proof": self.proof,
            "depth": self.depth,
            "engines": ({o.engine: o.to_json(timings) for o in self.others} if self.others
                        else None),
        }
        if not timings:
            del out["seconds"], out["peak_mib"]
        return out

    def to_record(self) -> dict[str, Any]:
        """Like :meth:`to_json`, with the whole trace (prologue, pending, reason) kept, so
        that :meth:`from_record` gives the same object back."""
        d = self.to_json()
        d["trace"] = self.trace.to_json() if self.trace is not None else None
        d["engines"] = [o.to_record() for o in self.others]
        return d

    @staticmethod
    def from_record(d: dict[str, Any]) -> PropertyResult:
        stats = Stats(d["states"], d["transitions"], d["max_depth"], d["seconds"],
                      d["peak_mib"])
        trace = Trace.from_json(d["trace"]) if d.get("trace") is not None else None
        return PropertyResult(d["property"], Verdict(d["verdict"]), d["reason"], stats, trace,
                              d["by_design"], d["engine"], d["proof"], d["depth"],
                              tuple(PropertyResult.from_record(o) for o in d["engines"] or ()),
                              d["replay_key"])


@dataclass(frozen=True)
class CheckResult:
    """Every property checked for one variant in one scenario."""

    scheme: str
    lock: str
    scenario: str
    engine: str
    params: WorldParams  # the effective bounds every property was checked with
    results: tuple[PropertyResult, ...] = field(default_factory=tuple)
    mount_options: tuple[str, ...] = ()  # --mount-option (a C scheme's code tests them)
    #: why the scheme does not compose with the discipline (a C scheme's own lock inside a
    #: cmpxchg restart, ...): the cell was not checked, and ``results`` is empty
    incompatible: str = ""

    def to_json(self, timings: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {"scheme": self.scheme, "lock": self.lock,
                             "scenario": self.scenario, "engine": self.engine,
                             "params": self.params.to_json(),
                             "results": [r.to_json(timings) for r in self.results]}
        if self.mount_options:
            d["mount_options"] = list(self.mount_options)
        if self.incompatible:
            d["incompatible"] = self.incompatible
        return d

    def to_record(self) -> dict[str, Any]:
        """Lossless JSON (see :meth:`PropertyResult.to_record`)."""
        d = self.to_json()
        d["results"] = [r.to_record() for r in self.results]
        return d

    @staticmethod
    def from_record(d: dict[str, Any]) -> CheckResult:
        return CheckResult(d["scheme"], d["lock"], d["scenario"], d["engine"],
                           WorldParams.from_json(d["params"]),
                           tuple(PropertyResult.from_record(r) for r in d["results"]),
                           tuple(d.get("mount_options", ())), d.get("incompatible", ""))

    def result(self, prop: str) -> PropertyResult | None:
        for r in self.results:
            if r.prop == prop:
                return r
        return None


@dataclass(frozen=True)
class Difference:
    """What a discipline buys: one property on which two variants of the same scheme, in the
    same scenario with the same bounds asked for, differing only in discipline, disagree:
    under ``broken`` the trace (its shortest counterexample, replay ``key``) breaks it, under
    ``kept`` it holds in ``kept_states`` states."""

    scheme: str
    scenario: str
    prop: str
    broken: str  # discipline whose shortest counterexample is ``trace``
    kept: str  # discipline on which the property holds
    trace: Trace
    key: str
    kept_states: int

    def to_json(self) -> dict[str, Any]:
        return {"scheme": self.scheme, "scenario": self.scenario, "property": self.prop,
                "broken": self.broken, "kept": self.kept, "trace": self.trace.to_json(),
                "replay_key": self.key, "kept_states": self.kept_states}

    @staticmethod
    def from_json(d: dict[str, Any]) -> Difference:
        return Difference(d["scheme"], d["scenario"], d["property"], d["broken"], d["kept"],
                          Trace.from_json(d["trace"]), d["replay_key"], d["kept_states"])


@dataclass(frozen=True)
class CompareResult:
    """A matrix: one :class:`CheckResult` per variant x scenario, in the order asked for,
    and what each discipline buys over its siblings."""

    properties: tuple[str, ...]
    cells: tuple[CheckResult, ...]
    differences: tuple[Difference, ...] = ()
    #: scenario name -> the bounds asked for (each cell carries its effective ones)
    scenarios: dict[str, WorldParams] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"properties": list(self.properties),
                "scenarios": {k: v.to_json() for k, v in self.scenarios.items()},
                "cells": [c.to_record() for c in self.cells],
                "differences": [d.to_json() for d in self.differences]}

    @staticmethod
    def from_json(d: dict[str, Any]) -> CompareResult:
        return CompareResult(tuple(d["properties"]),
                             tuple(CheckResult.from_record(c) for c in d["cells"]),
                             tuple(Difference.from_json(x) for x in d["differences"]),
                             {k: WorldParams.from_json(v) for k, v in d["scenarios"].items()})
