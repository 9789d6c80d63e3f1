"""Run SPIN on an exported model: the yardstick DESIGN §8 names.

``run_model`` writes a Promela model (``checks.promela``) into a temporary directory, runs
``spin -a``, compiles ``pan.c`` with ``gcc -O2 -fwrapv -DSAFETY -DBFS`` (breadth-first, so a
trail is a shortest one in SPIN's possibly reduced graph; ``-DNOREDUCE`` switches off SPIN's
partial-order reduction), runs ``./pan`` (``-E`` unless the property is ``deadlock``, whose
violation is SPIN's invalid end state) and parses its report into a :class:`SpinRun`.  When
SPIN finds a violation, ``spin -t`` replays the trail to count its steps: one SPIN transition
per IR step, so it compares with our shortest counterexample as is.

Compile and search are timed separately (wall clock, as the process sees it).  A search that
outlives ``timeout_s`` is killed and reported ``unknown``; so is one that stops on its memory
bound, its depth bound, or a failed range assertion of the export (``promela.RANGE_MARK``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from checks.promela import RANGE_MARK, export
from specs.properties import PROPERTIES
from specs.resolved import ResolvedCheck
from specs.results import PropertyResult

#: pan's memory bound (MiB), DESIGN's 8 GiB
MEMLIM_MIB = 8192
#: pan's depth bound: far past any bounded scenario
MAX_DEPTH = 1_000_000
#: log2 of pan's hash table slots (-w); 2**22 slots cost 32 MiB
HASH_BITS = 22
#: seconds allowed for spin -a and gcc
COMPILE_TIMEOUT_S = 300.0


class SpinUnavailable(RuntimeError):
    """``spin`` or ``gcc`` is not installed (``apt-get install spin gcc``)."""


class SpinFailed(RuntimeError):
    """SPIN or gcc rejected the exported model: a bug in the exporter."""


@dataclasses.dataclass(frozen=True)
class SpinRun:
    """What one SPIN verification of one exported property found, and what it cost.

    ``verdict`` is ``violated``, ``holds`` or ``unknown`` (``reason`` says why);
    ``error`` is SPIN's kind of violation (``assertion``, ``invalid end state``) or None;
    ``trail_length`` counts the steps of the replayed trail (IR steps) when violated.
    """

    verdict: str
    reason: str
    error: str | None
    states: int | None  # states stored
    matched: int | None
    transitions: int | None
    depth: int | None  # depth reached
    state_vector: int | None  # bytes
    memory_mib: float | None  # pan's "total actual memory usage"
    compile_seconds: float  # spin -a and gcc
    search_seconds: float  # ./pan, wall clock
    trail_length: int | None
    por: bool  # SPIN's partial-order reduction on (not -DNOREDUCE)
    model_lines: int

    def to_json(self) -> dict[str, object]:
        return dataclasses.asdict(self)


def tools() -> tuple[str, str]:
    """Paths of ``spin`` and ``gcc``; :class:`SpinUnavailable` names whichever is missing."""
    spin, gcc = shutil.which("spin"), shutil.which("gcc")
    missing = [n for n, p in (("spin", spin), ("gcc", gcc)) if p is None]
    if missing:
        raise SpinUnavailable(f"{' and '.join(missing)} not found on PATH; install with "
                              f"`apt-get install {' '.join(missing)}`")
    assert spin is not None and gcc is not None
    return spin, gcc


def available() -> bool:
    """Whether SPIN can be run here."""
    try:
        tools()
    except SpinUnavailable:
        return False
    return True


def _num(pattern: str, text: str, kind: type = int) -> int | float | None:
    m = re.search(pattern, text)
    return kind(m.group(1)) if m else None


def _run(cmd: list[str], cwd: Path, timeout: float | None) -> tuple[int | None, str, float]:
    """(exit status or None on timeout, stdout+stderr, wall seconds); kills the whole process
    group on timeout."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return None, out, time.perf_counter() - t0
    return proc.returncode, out, time.perf_counter() - t0


def parse_pan(out: str) -> dict[str, object]:
    """The figures of a ``pan`` report (None where it printed none)."""
    fig: dict[str, object] = {
        "states": _num(r"(\d+) states, stored", out),
        "matched": _num(r"(\d+) states, matched", out),
        "transitions": _num(r"(\d+) transitions \(= ", out),
        "depth": _num(r"depth reached (\d+)", out),
        "state_vector": _num(r"State-vector (\d+) byte", out),
        "memory_mib": _num(r"([\d.]+)\s+total actual memory usage", out, float),
        "errors": _num(r"errors: (\d+)", out),
    }
    return fig


def run_model(model: str, prop: str, timeout_s: float | None = None, por: bool = True,
              hash_bits: int = HASH_BITS, keep: Path | None = None) -> SpinRun:
    """Verify the Promela text ``model`` (exported for ``prop``) with SPIN.

    ``keep``: a directory to work in and leave behind (model, pan.c, trail), else a
    temporary one removed afterwards.
    """
    spin, gcc = tools()
    tmp = None
    if keep is None:
        tmp = tempfile.TemporaryDirectory(prefix="syncfs-mc-spin-")
        work = Path(tmp.name)
    else:
        work = keep
        work.mkdir(parents=True, exist_ok=True)
    try:
        return _verify(spin, gcc, work, model, prop, timeout_s, por, hash_bits)
    finally:
        if tmp is not None:
            tmp.cleanup()


def _verify(spin: str, gcc: str, work: Path, model: str, prop: str, timeout_s: float | None,
            por: bool, hash_bits: int) -> SpinRun:
    (work / "model.pml").write_text(model, encoding="utf-8")
    lines = model.count("\n")
    rc, out, t_spin = _run([spin, "-a", "model.pml"], work, COMPILE_TIMEOUT_S)
    if rc != 0:
        raise SpinFailed(f"spin -a rejected the exported model: {_first_error(out)}")
    flags = ["-O2", "-fwrapv", "-w", "-DSAFETY", "-DBFS", f"-DMEMLIM={MEMLIM_MIB}"]
    if not por:
        flags.append("-DNOREDUCE")
    rc, out, t_gcc = _run([gcc, *flags, "-o", "pan", "pan.c"], work, COMPILE_TIMEOUT_S)
    if rc != 0:
        raise SpinFailed(f"gcc could not compile pan.c: {_first_error(out)}")
    compile_s = t_spin + t_gcc
    args = ["./pan", f"-m{MAX_DEPTH}", f"-w{hash_bits}", "-n"]
    if not PROPERTIES[prop].on_states:
        args.append("-E")  # assertions only; a property of states is an invalid end state
    rc, out, search_s = _run(args, work, timeout_s)
    fig = parse_pan(out)

    def run(verdict: str, reason: str, error: str | None = None,
            trail: int | None = None) -> SpinRun:
        return SpinRun(verdict, reason, error, fig["states"], fig["matched"],  # type: ignore
                       fig["transitions"], fig["depth"], fig["state_vector"],  # type: ignore
                       fig["memory_mib"], compile_s, search_s, trail, por, lines)  # type: ignore

    if rc is None:
        return run("unknown", f"timeout: pan killed after {timeout_s:g}s")
    if "pan: reached -DMEMLIM bound" in out or "out of memory" in out:
        return run("unknown", f"memory bound {MEMLIM_MIB} MiB reached")
    found = re.search(r"^pan:\d+: (assertion violated|invalid end state)(.*)$", out, re.M)
    if found and RANGE_MARK in found.group(2):
        return run("unknown", "a word outgrew the 30-bit int range of the export")
    if found:
        error = "assertion" if found.group(1) == "assertion violated" else "invalid end state"
        trail = _trail_length(spin, work)
        return run("violated", f"{error} at depth {fig['depth']}", error, trail)
    if "max search depth too small" in out:
        return run("unknown", f"depth bound {MAX_DEPTH} reached")
    if fig["errors"] == 0 and fig["states"] is not None:
        if "Search not completed" in out:
            return run("unknown", "search not completed")
        return run("holds", f"no violation in {fig['states']} states")
    raise SpinFailed(f"cannot read pan's report (exit {rc}): {_first_error(out)}")


def _trail_length(spin: str, work: Path) -> int | None:
    """Steps of the trail that ``spin -t -p`` executes.  Not its "trail ends after N steps":
    pan's BFS trail to an invalid end state ends with one more entry, the never-executable
    statement at a finished process's end label (``spin -t -p`` prints it as run at a valid
    end state; only our finished actors sit there, and nothing of ours runs there)."""
    rc, out, _ = _run([spin, "-t", "-p", "model.pml"], work, COMPILE_TIMEOUT_S)
    if rc is None or "trail ends after" not in out:
        return None
    steps = {m.group(1) for m in re.finditer(r"^\s*(\d+):\s+proc\s+\d+ (.*)\t\[", out, re.M)
             if "<valid end state>" not in m.group(2)}  # the end label's false: never runs
    return len(steps)


def _first_error(out: str) -> str:
    for line in out.splitlines():
        if "rror" in line:
            return line.strip()
    return (out.strip().splitlines() or ["no output"])[-1]


def run_resolved(rc: ResolvedCheck, timeout_s: float | None = None, por: bool = True
                 ) -> SpinRun:
    """Export one resolved check and verify it with SPIN (``spin``, the benchmark's SPIN
    columns).

    Raises :class:`SpinUnavailable` when spin or gcc is missing and
    :class:`checks.promela.ExportError` when the variant cannot be exported exactly.
    """
    return run_model(export(rc), rc.prop, timeout_s, por)


@dataclasses.dataclass(frozen=True)
class Comparison:
    """One property decided by syncfs-mc's explicit engine and by SPIN on the export."""

    prop: str
    ours: PropertyResult
    spin: SpinRun

    @property
    def agree(self) -> bool:
        """Same verdict and, for a violation, the same shortest length (unknowns agree with
        anything: a limit is not an answer)."""
        return self.disagreement is None

    @property
    def disagreement(self) -> str | None:
        mine, theirs = self.ours.verdict.value, self.spin.verdict
        if "unknown" in (mine, theirs):
            return None
        if mine != theirs:
            return f"syncfs-mc says {mine}, SPIN says {theirs}"
        if mine == "violated" and self.ours.trace_length != self.spin.trail_length:
            return (f"shortest counterexample: {self.ours.trace_length} steps here, "
                    f"{self.spin.trail_length} in SPIN's BFS trail")
        return None

    def to_json(self) -> dict[str, object]:
        return {"property": self.prop, "agree": self.agree,
                "syncfs_mc": {"verdict": self.ours.verdict.value,
                              "length": self.ours.trace_length,
                              "states": self.ours.stats.states,
                              "seconds": self.ours.stats.seconds},
                "spin": self.spin.to_json()}

