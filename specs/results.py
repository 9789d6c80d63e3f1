"""Results every engine produces and every renderer reads: verdicts, traces, statistics.

Frozen data with a JSON round-trip (``to_json`` / ``from_json``); no engine and no renderer
in here.  A :class:`Trace` is the one counterexample type for all engines: the actor chosen
at each step, plus what the reference interpreter computed when it replayed those choices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "actor": self.actor, "step": self.step,
                "action": self.action, "state": dict(self.state), "raw": dict(self.raw),
                "notes": list(self.notes), "syscall": self.syscall}

    @staticmethod
    def from_json(d: dict[str, Any]) -> TraceStep:
        return TraceStep(d["index"], d["actor"], d["step"], d["action"], dict(d["state"]),
                         dict(d["raw"]), tuple(d["notes"]), d["syscall"])


@dataclass(frozen=True)
class Trace:
    """A counterexample: the schedule (actor per step) and its replayed steps."""

    schedule: tuple[str, ...]
    steps: tuple[TraceStep, ...]
    reason: str  # the broken promise, named at the last step
    prologue: tuple[str, ...] = ()
    pending: tuple[str, ...] = ()  # syscalls begun and not returned when the trace ends

    def __len__(self) -> int:
        return len(self.schedule)

    def to_json(self) -> dict[str, Any]:
        return {"schedule": list(self.schedule), "steps": [s.to_json() for s in self.steps],
                "reason": self.reason, "prologue": list(self.prologue),
                "pending": list(self.pending)}

    @staticmethod
    def from_json(d: dict[str, Any]) -> Trace:
        return Trace(tuple(d["schedule"]), tuple(TraceStep.from_json(s) for s in d["steps"]),
                     d["reason"], tuple(d.get("prologue", ())), tuple(d.get("pending", ())))


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


@dataclass(frozen=True)
class CheckResult:
    """Every property checked for one variant in one scenario."""

    scheme: str
    lock: str
    scenario: str
    engine: str
    params: dict[str, Any]
    results: tuple[PropertyResult, ...] = field(default_factory=tuple)

    def to_json(self, timings: bool = True) -> dict[str, Any]:
        return {"scheme": self.scheme, "lock": self.lock, "scenario": self.scenario,
                "engine": self.engine, "params": dict(self.params),
                "results": [r.to_json(timings) for r in self.results]}
