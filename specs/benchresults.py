"""What a benchmark ladder measured (``syncfs-mc bench``, ``checks.bench``), as plain data
with a JSON round-trip: per property its verdict and cost (:class:`PropertyFigures`), per
variant and row the row process's memory (:class:`RowResult`), and the whole run
(:class:`BenchResult`).  ``reports/bench.py`` renders them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

#: growth of resident memory below which bytes per state is not reported (noise)
MIN_DELTA_MIB = 8.0


@dataclass(frozen=True)
class PropertyFigures:
    """One property's search on one row: its verdict and what it cost."""

    prop: str
    verdict: str
    reason: str
    states: int
    transitions: int
    max_depth: int
    seconds: float
    trace_length: int | None
    by_design: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. {"spin": {...}}

    @property
    def states_per_second(self) -> float | None:
        return self.states / self.seconds if self.seconds > 0 else None

    def to_json(self) -> dict[str, Any]:
        """States per second are computed from the seconds as stored (to the millisecond),
        so a document read back renders the same figures."""
        d = dataclasses.asdict(self)
        d["seconds"] = secs = round(self.seconds, 3)
        d["states_per_second"] = round(self.states / secs) if secs > 0 else None
        return d

    @staticmethod
    def from_json(d: dict[str, Any]) -> PropertyFigures:
        return PropertyFigures(d["prop"], d["verdict"], d["reason"], d["states"],
                               d["transitions"], d["max_depth"], d["seconds"],
                               d["trace_length"], d.get("by_design", False),
                               dict(d.get("extra") or {}))


@dataclass(frozen=True)
class RowResult:
    """One variant on one row: a :class:`PropertyFigures` per property, and the row
    process's memory (``peak_mib`` its peak resident memory, ``baseline_mib`` its resident
    memory before the first search).  ``states_no_symmetry``: the first property's states with
    symmetry reduction off (measured on the syncers dimension), else None."""

    scheme: str
    lock: str
    row: str
    dimension: str
    size: int
    params: dict[str, Any]
    symmetry: bool
    properties: tuple[PropertyFigures, ...]
    peak_mib: float | None
    baseline_mib: float | None
    states_no_symmetry: int | None = None
    note: str = ""  # why figures are missing (the row process died, was killed, ...)
    mount_options: tuple[str, ...] = ()  # bench --mount-option (a C scheme's code tests them)

    @property
    def variant(self) -> str:
        mount = "".join(f" --mount-option {o}" for o in self.mount_options)
        return f"{self.scheme}/{self.lock}{mount}"

    @property
    def max_states(self) -> int:
        return max((p.states for p in self.properties), default=0)

    @property
    def seconds(self) -> float:
        return sum(p.seconds for p in self.properties)

    @property
    def bytes_per_state(self) -> float | None:
        """(peak - baseline) / the most states any one search of the row stored (the
        symmetry-off probe included); None below the noise floor."""
        stored = max(self.max_states, self.states_no_symmetry or 0)
        if self.peak_mib is None or self.baseline_mib is None or not stored:
            return None
        delta = self.peak_mib - self.baseline_mib
        if delta < MIN_DELTA_MIB:
            return None
        return delta * 1024 * 1024 / stored

    def to_json(self) -> dict[str, Any]:
        bps = self.bytes_per_state
        return {"scheme": self.scheme, "lock": self.lock, "row": self.row,
                "dimension": self.dimension, "size": self.size, "params": dict(self.params),
                "symmetry": self.symmetry,
                "properties": [p.to_json() for p in self.properties],
                "peak_mib": None if self.peak_mib is None else round(self.peak_mib, 1),
                "baseline_mib": (None if self.baseline_mib is None
                                 else round(self.baseline_mib, 1)),
                "bytes_per_state": None if bps is None else round(bps, 1),
                "states_no_symmetry": self.states_no_symmetry, "note": self.note,
                **({"mount_options": list(self.mount_options)} if self.mount_options else {})}

    @staticmethod
    def from_json(d: dict[str, Any]) -> RowResult:
        return RowResult(d["scheme"], d["lock"], d["row"], d["dimension"], d["size"],
                         dict(d["params"]), d["symmetry"],
                         tuple(PropertyFigures.from_json(p) for p in d["properties"]),
                         d["peak_mib"], d["baseline_mib"], d.get("states_no_symmetry"),
                         d.get("note", ""), tuple(d.get("mount_options", ())))


BENCH_FORMAT, BENCH_VERSION = "syncfs-mc-bench", 1


@dataclass(frozen=True)
class BenchResult:
    """A whole ladder run: the settings, the machine, one :class:`RowResult` per variant
    and row, in the order run."""

    ladder: str
    settings: dict[str, Any]
    machine: dict[str, Any]
    rows: tuple[RowResult, ...]

    def to_json(self) -> dict[str, Any]:
        return {"format": BENCH_FORMAT, "version": BENCH_VERSION, "ladder": self.ladder,
                "settings": dict(self.settings), "machine": dict(self.machine),
                "rows": [r.to_json() for r in self.rows]}

    @staticmethod
    def from_json(d: dict[str, Any]) -> BenchResult:
        if d.get("format") != BENCH_FORMAT or d.get("version") != BENCH_VERSION:
            raise ValueError(f"not a {BENCH_FORMAT} v{BENCH_VERSION} document")
        return BenchResult(d["ladder"], dict(d["settings"]), dict(d["machine"]),
                           tuple(RowResult.from_json(r) for r in d["rows"]))
