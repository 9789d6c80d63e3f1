"""The explicit searches' budget: limits on states, memory and time, and the progress callback.

A search makes one :class:`Meter` when it starts and calls :meth:`Meter.expanded` after each
state it expands and :meth:`Meter.level_end` after each BFS level; either returns the reason
to stop with ``unknown`` (the texts users and tests read), or None.  The costly looks are
spaced out: the process's memory (a read of ``/proc/self/statm``) every
``MEMORY_CHECK_EVERY`` new states, the first look at the first state; the clock (for the time
limit and for progress reports) every ``CLOCK_CHECK_EVERY`` expanded states and at every
level's end.  The searches make :meth:`Meter.expanded`'s two comparisons inline, so a state
costs no call until a look is due.
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """When to give up with ``unknown`` (None: no limit)."""

    max_states: int | None = None
    max_seconds: float | None = None
    max_mib: float | None = None  # resident memory of the whole process, in MiB


#: how many new states between two looks at the process's memory (reading it costs a syscall)
MEMORY_CHECK_EVERY = 2048
#: how many expanded states between two looks at the clock (for the time limit and the
#: progress callback); the clock is also read at the end of every BFS level
CLOCK_CHECK_EVERY = 1024
#: seconds between two progress reports
PROGRESS_INTERVAL = 1.0


@dataclass(frozen=True)
class Progress:
    """A snapshot of a running search, for a progress line: ``states`` stored so far,
    ``transitions`` taken, the BFS ``depth`` being expanded, ``queue`` (states waiting to be
    expanded, this level's rest and the next level so far), the process's resident ``mib``."""

    prop: str
    states: int
    transitions: int
    depth: int
    queue: int
    seconds: float
    mib: float

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else 0.0


ProgressFn = Callable[[Progress], None]

_NEVER = sys.maxsize


class Meter:
    """One search's budget (``limits``) and progress reports (``progress``, at most once per
    ``interval`` seconds), measured from the meter's creation.

    ``stored`` is the number of states the search holds, ``queue`` the states waiting to be
    expanded (for the progress line).  The per-state test is two public counters, so a hot
    loop can make it inline and call :meth:`look` only when it passes::

        meter.tick -= 1
        if meter.tick <= 0 or stored >= meter.watch:
            why = meter.look(stored, transitions, depth, queue)

    which is what :meth:`expanded` does.  ``tick``: expanded states left before the clock is
    read; ``watch``: the number of stored states at which the state limit or the next look at
    memory is due."""

    def __init__(self, prop: str, limits: Limits, progress: ProgressFn | None = None,
                 interval: float = PROGRESS_INTERVAL) -> None:
        self.prop, self.limits = prop, limits
        self.progress, self.interval = progress, interval
        self.t0 = time.perf_counter()
        self.next_report = self.t0 + interval
        self._state_cap = _NEVER if limits.max_states is None else limits.max_states + 1
        # the first look at memory is at the first state: a limit below what the process
        # already holds is hit at once, never missed on a small world
        self._next_memory = 0 if limits.max_mib is not None else _NEVER
        self.watch = min(self._state_cap, self._next_memory)
        self.tick = CLOCK_CHECK_EVERY

    def elapsed(self) -> float:
        """Seconds since the search started."""
        return time.perf_counter() - self.t0

    def expanded(self, stored: int, transitions: int, depth: int, queue: int) -> str | None:
        """After one expanded state: the reason to stop (a limit hit), or None."""
        self.tick -= 1
        if self.tick <= 0 or stored >= self.watch:
            return self.look(stored, transitions, depth, queue)
        return None

    def look(self, stored: int, transitions: int, depth: int, queue: int) -> str | None:
        """The rest of :meth:`expanded`, once ``tick`` has been counted down and one of the
        two counters says a look is due: the state limit, then the memory limit, then the
        clock (progress and the time limit)."""
        if stored >= self.watch:
            why = self._counts(stored, depth)
            if why is not None:
                return why
        if self.tick <= 0:
            self.tick = CLOCK_CHECK_EVERY
            return self._clock(stored, transitions, depth, queue)
        return None

    def level_end(self, stored: int, transitions: int, depth: int, queue: int) -> str | None:
        """After a whole BFS level: report progress if due; the reason to stop when the time
        budget is spent, or None."""
        return self._clock(stored, transitions, depth, queue)

    def _counts(self, stored: int, depth: int) -> str | None:
        """The state limit, then (when due) the memory limit."""
        limits = self.limits
        if stored >= self._state_cap:
            return f"state limit {limits.max_states} reached at depth {depth}"
        if stored >= self._next_memory:
            assert limits.max_mib is not None
            self._next_memory = stored + MEMORY_CHECK_EVERY
            self.watch = min(self._state_cap, self._next_memory)
            mib = current_mib()
            if mib > limits.max_mib:
                return (f"memory limit {limits.max_mib:g} MiB reached ({mib:.0f} MiB resident) "
                        f"at depth {depth} with {stored} states")
        return None

    def _clock(self, stored: int, transitions: int, depth: int, queue: int) -> str | None:
        now = time.perf_counter()
        if self.progress is not None and now >= self.next_report:
            self.next_report = now + self.interval
            self.progress(Progress(self.prop, stored, transitions, depth, queue,
                                   now - self.t0, current_mib()))
        limit = self.limits.max_seconds
        if limit is not None and time.perf_counter() - self.t0 > limit:
            return f"time limit {limit:g}s reached at depth {depth}"
        return None


def peak_mib() -> float:
    """The process's peak resident memory so far (``ru_maxrss``)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_mib() -> float:
    """The process's resident memory now (Linux ``/proc/self/statm``), else its peak."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[1])
        return pages * resource.getpagesize() / (1024.0 * 1024.0)
    except (OSError, ValueError, IndexError):
        return peak_mib()
