"""What a check ran with is worked out once (``specs.resolved``) and every command reports
the same: ``check --json``, ``compare --format json``, ``trace --format json`` and
``replay --format json`` agree on the effective bounds, the replay key and ``by_design``."""

from __future__ import annotations

import contextlib
import io
import json
import pickle

import pytest

from checks.cli import main
from checks.options import scenario_params
from checks.runner import check_resolved
from specs.properties import PROPERTIES
from specs.replaykey import parse_key
from specs.resolved import TWIN_EXTRA_BITS, resolve
from specs.results import Verdict


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(args))
    return code, out.getvalue()


#: a discipline that changes the bounds, a lock-free rewrite, and a VFS switch with a
#: property the scheme breaks by design
CELLS = [
    ("none", "wide-counter", "seed", "lost", ()),
    ("copy-naive", "cmpxchg", "seed", "double", ()),
    ("mustinc", "spinlock", "shared-fd", "double", ("--flock",)),
]


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}-{c[3]}")
def test_every_command_reports_what_was_checked_the_same_way(cell) -> None:
    scheme, lock, scenario, prop, extra = cell
    variant = ["--lock", lock, "--scenario", scenario, "--property", prop, *extra]
    code, out = run("check", scheme, *variant, "--json")
    assert code in (0, 1)
    checked = json.loads(out)
    (result,) = checked["results"]
    assert result["verdict"] == "violated"

    code, out = run("compare", "--scheme", scheme, *variant, "--format", "json")
    assert code == 0
    (cell_doc,) = json.loads(out)["cells"]
    (compared,) = cell_doc["results"]

    code, out = run("trace", scheme, *variant, "--format", "json")
    traced = json.loads(out)

    code, out = run("replay", result["replay_key"], "--format", "json")
    replayed = json.loads(out)

    rc = resolve(scheme, lock, scenario, scenario_params(scenario, flock=bool(extra) or None),
                 prop)
    params = rc.params.to_json()
    assert checked["params"] == cell_doc["params"] == traced["params"] == replayed["params"] \
        == params
    assert result["replay_key"] == compared["replay_key"] == traced["replay_key"] \
        == replayed["replay_key"]
    assert result["by_design"] == compared["by_design"] == traced["by_design"] \
        == replayed["by_design"] == rc.by_design
    assert result["trace_length"] == traced["length"] == replayed["length"]


def test_wide_counter_reports_the_counter_it_ran_with() -> None:
    rc = resolve("none", "wide-counter", "seed", scenario_params("seed"), "lost")
    assert rc.requested.counter_bits == 19 and rc.params.counter_bits == 51
    assert rc.world.layout.counter_bits == 51
    # the key names the bounds asked for: replay rebuilds the same world from them
    key = rc.key(("W", "P1"))
    assert str(key) == "none/wide-counter/seed/lost/-/W,P1" and not key.overrides
    assert parse_key(str(key)) == key


def test_the_twin_belongs_to_the_properties_that_need_one() -> None:
    p = scenario_params("wrap")
    for name, prop in PROPERTIES.items():
        rc = resolve("copy-counter", "none", "wrap", p, name)
        assert (rc.twin is not None) == prop.needs_twin
    rc = resolve("copy-counter", "none", "wrap", p, "wrap")
    assert rc.twin is not None
    assert rc.twin.layout.counter_bits == p.counter_bits + TWIN_EXTRA_BITS


def test_by_design_comes_from_the_scheme() -> None:
    p = scenario_params("seed")
    assert resolve("volatile", "none", "seed", p, "double").by_design
    assert not resolve("copy-naive", "none", "seed", p, "double").by_design


def test_a_resolved_check_pickles_without_its_worlds() -> None:
    rc = resolve("copy-naive", "none", "seed", scenario_params("seed"), "double")
    assert rc.world is not None  # built, cached
    back = pickle.loads(pickle.dumps(rc))
    assert back == rc
    r = check_resolved(back)
    assert r.verdict is Verdict.VIOLATED and r.trace_length == 11
    assert r.key == str(rc.key(r.trace.schedule))
