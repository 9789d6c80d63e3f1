"""What a long run shows while it runs and when it is interrupted.

* :func:`progress_line` gives the explicit engine's progress callback a renderer: one line on
  a terminal's stderr, rewritten in place (``\\r``), with the states stored, states per
  second, BFS depth, queue length and resident memory.  When stderr is not a terminal (piped,
  redirected, CI) it gives nothing, so logs stay clean.
* :func:`interrupt_summary` turns a Ctrl-C (an exception carrying figures, such as
  :class:`checks.runner.CheckInterrupted`) into the one line printed before exiting 130.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO

from checks.explicit import Progress, SearchInterrupted
from specs.results import PropertyResult, Stats


class ProgressLine:
    """Renders :class:`~checks.explicit.Progress` snapshots as one self-overwriting line on
    ``stream``; ``label`` (e.g. the variant) is printed in front of each."""

    def __init__(self, stream: TextIO, label: str = "") -> None:
        self.stream, self.label = stream, label
        self.width = 0

    def __call__(self, p: Progress) -> None:
        head = f"{self.label} " if self.label else ""
        text = (f"{head}{p.prop}: {p.states:,} states  {p.states_per_second:,.0f} states/s  "
                f"depth {p.depth}  queue {p.queue:,}  {p.mib:,.0f} MiB  {p.seconds:.0f}s")
        pad = max(0, self.width - len(text))
        self.width = len(text)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()

    def clear(self) -> None:
        """Erase the line (call it before printing anything else on the terminal)."""
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0


#: set to 1 to show the progress line even when stderr is not a terminal (a log file)
FORCE_ENV = "SYNCFS_MC_PROGRESS"


def progress_line(stream: TextIO | None = None, label: str = "") -> ProgressLine | None:
    """A :class:`ProgressLine` on ``stream`` (default: stderr) when it is a terminal or
    ``SYNCFS_MC_PROGRESS=1`` is set, else None: nothing is shown when the output is piped."""
    stream = stream if stream is not None else sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return ProgressLine(stream, label) if tty or os.environ.get(FORCE_ENV) == "1" else None


def stats_text(stats: Stats) -> str:
    """``1,234 states, 5,678 transitions, depth 12, 3.4s``: figures reached so far."""
    return (f"{stats.states:,} states, {stats.transitions:,} transitions, depth "
            f"{stats.max_depth}, {stats.seconds:.1f}s")


def finished_text(results: tuple[PropertyResult, ...] | list[PropertyResult]) -> str:
    """``lost holds (278 states), double violated (11 steps)`` for properties decided."""
    parts = []
    for r in results:
        if r.trace is not None:
            parts.append(f"{r.prop} {r.verdict.value} ({len(r.trace)} steps)")
        else:
            parts.append(f"{r.prop} {r.verdict.value} ({r.stats.states:,} states)")
    return ", ".join(parts) if parts else "none"


def interrupt_summary(exc: BaseException | None) -> str:
    """The one line printed on Ctrl-C: what was being searched and how far it got, and the
    properties already decided, when ``exc`` (or what it wraps) carries them."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        summary = getattr(exc, "summary", None)
        if callable(summary):
            return f"syncfs-mc: interrupted: {summary()}"
        if isinstance(exc, SearchInterrupted):
            return f"syncfs-mc: interrupted: {exc.prop}: {stats_text(exc.stats)} so far"
        exc = exc.__cause__ or exc.__context__
    return "syncfs-mc: interrupted"


def progress_bar(stream: TextIO | None = None) -> Callable[[int, int], None] | None:
    """``compare``'s ``progress(done, total)``: a one-line bar on a terminal's stderr;
    None when stderr is piped."""
    out = stream if stream is not None else sys.stderr
    if not out.isatty():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        fill = width * done // total
        out.write(f"\r[{'#' * fill}{'.' * (width - fill)}] {done}/{total} checks")
        if done == total:
            out.write("\r" + " " * (width + 30) + "\r")
        out.flush()

    return show
