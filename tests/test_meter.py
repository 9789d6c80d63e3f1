"""``checks.meter.Meter``: each limit stops a search with its own reason, at the state where
the old inline checks stopped it; progress is reported when the clock is looked at."""

from __future__ import annotations

import re

import pytest

from checks import meter
from checks.meter import Limits, Meter, Progress


def _run(m: Meter, states: int, depth: int = 0) -> tuple[int, str | None]:
    """Expand ``states`` states (the n-th leaves n stored); the last state looked at and the
    reason to stop, if any."""
    for stored in range(1, states + 1):
        why = m.expanded(stored, 2 * stored, depth, states - stored)
        if why is not None:
            return stored, why
    return states, None


def test_no_limit_never_stops() -> None:
    m = Meter("lost", Limits())
    assert _run(m, 10_000) == (10_000, None)
    assert m.level_end(10_000, 20_000, 5, 0) is None


def test_state_limit_is_hit_on_the_first_state_past_it() -> None:
    m = Meter("lost", Limits(max_states=50))
    assert _run(m, 50, depth=3) == (50, None)
    assert m.expanded(51, 102, 4, 0) == "state limit 50 reached at depth 4"


def test_a_zero_state_limit_is_hit_at_the_first_state() -> None:
    assert _run(Meter("lost", Limits(max_states=0)), 10) == (1, "state limit 0 reached at depth 0")


def test_memory_limit_below_what_the_process_holds_is_hit_at_the_first_state() -> None:
    stored, why = _run(Meter("lost", Limits(max_mib=0.5)), 10, depth=0)
    assert stored == 1 and why is not None
    assert re.fullmatch(r"memory limit 0\.5 MiB reached \(\d+ MiB resident\) at depth 0 "
                        r"with 1 states", why), why


def test_memory_is_looked_at_first_then_every_memory_check_every_states(monkeypatch) -> None:
    looks: list[int] = []
    m = Meter("lost", Limits(max_mib=100.0))
    stored_now = [0]

    def fake_mib() -> float:
        looks.append(stored_now[0])
        return 200.0 if len(looks) == 3 else 10.0

    monkeypatch.setattr(meter, "current_mib", fake_mib)
    every = meter.MEMORY_CHECK_EVERY
    why = None
    for stored in range(1, 3 * every + 10, 3):  # three new states per expansion
        stored_now[0] = stored
        why = m.expanded(stored, 0, 7, 0)
        if why is not None:
            break
    first, second, third = looks
    assert first == 1 and second >= first + every > second - 3 and third >= second + every
    assert why == (f"memory limit 100 MiB reached (200 MiB resident) at depth 7 "
                   f"with {third} states")


def test_state_limit_is_checked_before_memory(monkeypatch) -> None:
    monkeypatch.setattr(meter, "current_mib", lambda: 1e9)
    m = Meter("lost", Limits(max_states=0, max_mib=1.0))
    assert m.expanded(1, 0, 0, 0) == "state limit 0 reached at depth 0"


def test_time_limit_is_checked_every_clock_check_every_states_and_at_level_end(
        monkeypatch) -> None:
    monkeypatch.setattr(meter, "CLOCK_CHECK_EVERY", 8)
    m = Meter("lost", Limits(max_seconds=0))
    assert _run(m, 100, depth=2) == (8, "time limit 0s reached at depth 2")
    assert Meter("lost", Limits(max_seconds=0)).level_end(1, 0, 6, 0) == \
        "time limit 0s reached at depth 6"
    assert Meter("lost", Limits(max_seconds=3600)).level_end(1, 0, 6, 0) is None


def test_progress_is_reported_when_the_clock_is_looked_at(monkeypatch) -> None:
    monkeypatch.setattr(meter, "CLOCK_CHECK_EVERY", 4)
    seen: list[Progress] = []
    m = Meter("double", Limits(), seen.append, interval=0)
    assert _run(m, 10, depth=1) == (10, None)
    assert m.level_end(10, 20, 1, 0) is None
    assert [(p.states, p.transitions, p.depth, p.queue) for p in seen] == \
        [(4, 8, 1, 6), (8, 16, 1, 2), (10, 20, 1, 0)]
    assert all(p.prop == "double" and p.seconds >= 0 and p.mib > 0 for p in seen)


def test_progress_waits_for_its_interval() -> None:
    seen: list[Progress] = []
    m = Meter("lost", Limits(), seen.append, interval=3600)
    assert _run(m, 5000) == (5000, None) and m.level_end(5000, 0, 0, 0) is None
    assert seen == []


@pytest.mark.parametrize("limits", [Limits(max_states=10), Limits(max_seconds=3600),
                                    Limits(max_mib=1e6)])
def test_a_limit_not_reached_never_stops(limits: Limits) -> None:
    assert _run(Meter("lost", limits), 10) == (10, None)
