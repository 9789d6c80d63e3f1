"""The disciplines beyond ``none`` and ``spinlock``: a smaller recorded table.

``expected_verdicts.json`` covers ``none`` and ``spinlock`` in every scenario; running the
new disciplines over all of it would more than double the suite, so this table records them
in the cheap scenarios (seed, shared-fd, late-open) for every scheme, plus ``wide-counter``
where it matters (``wrap``, for the schemes whose wrap run is small).  Same cell format:
violations with their exact shortest length, passes with their exact state count.

Regenerate after a deliberate model change, then review the diff::

    python tests/test_disciplines.py --update
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from test_expected_verdicts import _expected as _recorded_base
from test_expected_verdicts import key, run_case

from model.variants import DISCIPLINES, SCHEMES, load_catalogue

DATA = Path(__file__).with_name("expected_disciplines.json")
NEW = ("mutex", "spinlock-read-u", "mutex-read-u", "wide-counter", "cmpxchg")
CHEAP = ("seed", "shared-fd", "late-open")
WRAP_WIDE = ("copy-counter", "upper-cursor", "none")


def cases() -> list[tuple[str, str, str, dict[str, Any]]]:
    load_catalogue()
    out = []
    for scheme in SCHEMES:
        for lock in NEW:
            assert lock in DISCIPLINES
            for scenario in CHEAP:
                out.append((scheme, lock, scenario, {}))
    for scheme in WRAP_WIDE:
        out.append((scheme, "wide-counter", "wrap", {}))
    return out


def _expected() -> dict[str, Any]:
    return json.loads(DATA.read_text())


@pytest.mark.parametrize("case", cases(), ids=lambda c: key(*c))
def test_new_disciplines_match_their_recorded_table(case) -> None:
    k = key(*case)
    assert k in _expected(), f"no recorded verdicts for {k}: run with --update and review"
    assert run_case(*case) == _expected()[k]


def test_table_has_no_stale_rows() -> None:
    assert sorted(_expected()) == sorted(key(*c) for c in cases())


def test_mutex_is_spinlock_step_for_step() -> None:
    """Same exclusion, same steps: every recorded mutex row equals the spinlock row."""
    base, new = _recorded_base(), _expected()
    for scheme in SCHEMES:
        for scenario in CHEAP:
            assert new[key(scheme, "mutex", scenario, {})] == \
                base[key(scheme, "spinlock", scenario, {})]
            assert new[key(scheme, "mutex-read-u", scenario, {})] == \
                new[key(scheme, "spinlock-read-u", scenario, {})]


def test_wide_counter_never_wraps_and_changes_nothing_else_in_wide_scenarios() -> None:
    base, new = _recorded_base(), _expected()
    for k, row in new.items():
        if " wide-counter " in k:
            assert row["wrap"]["verdict"] == "holds", k
            if "--scenario wrap" not in k:  # a 19-bit counter never wraps there either
                assert {p: c["verdict"] for p, c in row.items()} == \
                    {p: c["verdict"] for p, c in base[k.replace("wide-counter", "none")].items()}


def test_scheme_without_regions_ignores_the_lock() -> None:
    new, base = _expected(), _recorded_base()
    for lock in NEW[:3] + ("cmpxchg",):
        for scenario in CHEAP:
            assert new[key("none", lock, scenario, {})] == base[key("none", "none", scenario, {})]


def test_what_cmpxchg_buys() -> None:
    """Installing O with cmpxchg removes the stale copy (copy-naive's lost and unseen, as the
    spinlock does) but not the re-arm from U (double, backward); it cannot protect cursor's
    multi-word update of U and ofs->cursor, nor copy-counter's counter comparison; a body
    that never stores O (volatile-6.12) only pays the snapshot read."""
    new, base = _expected(), _recorded_base()

    def verdicts(k: str, table: dict[str, Any]) -> dict[str, str]:
        return {p: c["verdict"] for p, c in table[k].items()}

    for scenario in ("seed", "shared-fd"):
        cas = verdicts(key("copy-naive", "cmpxchg", scenario, {}), new)
        none = verdicts(key("copy-naive", "none", scenario, {}), base)
        assert none["lost"] == "violated" and cas["lost"] == "holds"
        assert cas["double"] == cas["backward"] == "violated"
        for scheme in ("cursor", "copy-counter"):
            assert verdicts(key(scheme, "cmpxchg", scenario, {}), new) == \
                verdicts(key(scheme, "none", scenario, {}), base)
    for scenario in CHEAP:
        row = new[key("volatile-6.12", "cmpxchg", scenario, {})]
        plain = base[key("volatile-6.12", "none", scenario, {})]
        assert {p: c["verdict"] for p, c in row.items()} == \
            {p: c["verdict"] for p, c in plain.items()}


if __name__ == "__main__":
    if "--update" not in sys.argv:
        sys.exit("usage: python tests/test_disciplines.py --update")
    table = {}
    for c in cases():
        table[key(*c)] = run_case(*c)
        print(key(*c), file=sys.stderr)
    DATA.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n")
