"""syncfs-mc beside SPIN, per property (``syncfs-mc spin``): our verdict, length, states and
seconds; SPIN's, its compile and search apart; the syncfs-mc/SPIN ratios of time to verdict
and of states; whether the two agree.

Renders ``checks.spin.Comparison`` rows (read by attribute; no engine is imported).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from checks.spin import Comparison


def ratio(ours: float | int | None, theirs: float | int | None) -> str:
    """``ours / theirs`` to two decimals, or ``-`` when either is missing (or SPIN's is 0)."""
    if ours is None or not theirs:
        return "-"
    return f"{ours / theirs:.2f}"


def render_comparisons(rows: Sequence[Comparison], variant: str) -> str:
    """The side-by-side table for ``variant``, one line per property (and SPIN's reason when
    it gave up)."""
    head = (f"{'property':<9} {'verdict':<9} {'len':>4} {'states':>9} {'secs':>7} | "
            f"{'SPIN':<9} {'len':>4} {'stored':>9} {'compile':>7} {'search':>7} | "
            f"{'t ratio':>7} {'st ratio':>8}  agree")
    lines = [f"syncfs-mc vs SPIN: {variant}", head, "-" * len(head)]
    for r in rows:
        o, s = r.ours, r.spin
        spin_total = s.compile_seconds + s.search_seconds
        lines.append(
            f"{r.prop:<9} {o.verdict.value:<9} {o.trace_length or '-':>4} "
            f"{o.stats.states:>9} {o.stats.seconds:>7.2f} | {s.verdict:<9} "
            f"{s.trail_length or '-':>4} {s.states if s.states is not None else '-':>9} "
            f"{s.compile_seconds:>7.2f} {s.search_seconds:>7.2f} | "
            f"{ratio(o.stats.seconds, spin_total):>7} {ratio(o.stats.states, s.states):>8}  "
            f"{'yes' if r.agree else 'NO: ' + str(r.disagreement)}")
        if s.verdict == "unknown":
            lines.append(f"{'':<9} SPIN: {s.reason}")
    return "\n".join(lines)
