"""The explicit engine and the SMT engine must agree, row by row.

One catalogue of (scheme, discipline, scenario, overrides, property, verdict, shortest length)
rows, each decided by both engines through ``engine="both"``: a disagreement in verdict or in
shortest length raises ``EngineDisagreement``, and both must match the recorded row.  Some
rows shrink a scenario (one syncfs per file, a 1-bit counter wrapped by three errors) so that
the SMT unrolling stays within seconds; the ``wrap`` scenario and the ``wrap`` property are
both covered.
"""

from __future__ import annotations

import dataclasses

import pytest

from checks import runner, smt
from checks.cli import main
from checks.runner import Budget, EngineDisagreement, check_property
from specs.results import Verdict
from specs.scenarios import SCENARIOS

ONE = {"syncs": 1}
SMALL_WRAP = {"counter_bits": 1, "errors": (5, 5, 5), "upper_syncs": 3}

# scheme, lock, scenario, overrides, property, verdict, shortest length (violations)
ROWS = [
    ("none", "none", "seed", {}, "lost", "violated", 4),
    ("none", "none", "seed", {}, "double", "holds", None),
    ("copy-naive", "none", "seed", {}, "double", "violated", 11),
    ("copy-naive", "none", "seed", {}, "backward", "violated", 8),
    ("copy-naive", "none", "seed", {}, "deadlock", "holds", None),
    ("copy-naive", "spinlock", "seed", ONE, "lost", "holds", None),
    ("copy-counter", "none", "seed", {}, "lost", "violated", 6),
    ("cursor", "spinlock", "seed", ONE, "lost", "holds", None),
    ("cursor", "none", "seed", ONE, "lost", "violated", 11),
    ("upper-cursor", "none", "seed", ONE, "double", "holds", None),
    ("mustinc", "none", "seed", {}, "double", "violated", 14),  # +1: the peek of U at open
    ("volatile", "none", "seed", ONE, "lost", "holds", None),
    ("volatile-6.12", "none", "seed", {}, "double", "violated", 7),
    ("volatile-6.12", "none", "seed", {"sync_fs_errors": "ignored"}, "lost", "violated", 6),
    ("none", "none", "shared-fd", {}, "lost", "violated", 5),
    ("copy-naive", "none", "shared-fd", {}, "backward", "violated", 7),
    ("cursor", "none", "late-open", {}, "unseen", "violated", 7),
    ("upper-cursor", "none", "late-open", {}, "unseen", "violated", 7),
    ("copy-naive", "none", "late-open", {}, "lost", "holds", None),
    ("upper-cursor", "none", "two-overlays", ONE, "unseen", "violated", 9),
    ("copy-counter", "none", "race", ONE, "lost", "violated", 6),
    ("cursor", "none", "race", ONE, "unseen", "violated", 8),
    ("none", "none", "wrap", SMALL_WRAP, "lost", "violated", 3),
    ("none", "none", "wrap", SMALL_WRAP, "wrap", "holds", None),
    ("copy-counter", "none", "wrap", SMALL_WRAP, "lost", "violated", 5),
    ("copy-counter", "none", "wrap", SMALL_WRAP, "wrap", "violated", 13),
    ("copy-naive", "none", "wrap", SMALL_WRAP, "wrap", "violated", 18),
    # cmpxchg: retry loops (a failed store restarts the body) in both engines
    ("copy-naive", "cmpxchg", "seed", ONE, "lost", "holds", None),
    ("copy-naive", "cmpxchg", "seed", {}, "double", "violated", 13),
    ("cursor", "cmpxchg", "seed", ONE, "lost", "violated", 13),
]


def _id(row) -> str:
    scheme, lock, scenario, over, prop, *_ = row
    opts = "".join(f",{k}={v}" for k, v in over.items())
    return f"{scheme}/{lock}/{scenario}{opts}/{prop}"


@pytest.mark.parametrize("row", ROWS, ids=_id)
def test_engines_agree(row) -> None:
    scheme, lock, scenario, over, prop, verdict, length = row
    params = dataclasses.replace(SCENARIOS[scenario][0], **over)
    r = check_property(scheme, lock, params, prop, engine="both",
                       budget=Budget(max_seconds=600))
    explicit_r, smt_r = r.others
    assert explicit_r.verdict.value == verdict
    assert smt_r.verdict.value == verdict, smt_r.reason
    assert explicit_r.trace_length == smt_r.trace_length == length
    if verdict == "holds":
        assert smt_r.proof in ("bmc-complete", "k-induction", "invariant")
    else:  # the SMT trace went through the reference interpreter too
        assert smt_r.trace is not None and smt_r.trace.reason.startswith(prop)


HOLDS_ROWS = [r for r in ROWS if r[5] == "holds"]


@pytest.mark.parametrize("row", HOLDS_ROWS, ids=_id)
def test_bounded_model_checking_alone_proves_the_same(row, monkeypatch) -> None:
    """Without the invariant proof (``checks.smtinv``) every ``holds`` above is proved by
    unrolling to the longest execution or by k-induction, and agrees with the invariant's."""
    scheme, lock, scenario, over, prop, verdict, length = row
    params = dataclasses.replace(SCENARIOS[scenario][0], **over)
    with_inv = check_property(scheme, lock, params, prop, engine="smt",
                              budget=Budget(max_seconds=600))
    monkeypatch.setattr(smt, "INVARIANT", False)
    alone = check_property(scheme, lock, params, prop, engine="smt",
                           budget=Budget(max_seconds=600))
    assert with_inv.verdict is alone.verdict is Verdict.HOLDS, alone.reason
    assert with_inv.proof == "invariant" and with_inv.depth == 0
    assert alone.proof in ("bmc-complete", "k-induction") and alone.depth > 0


def test_k_induction_proves_what_no_step_can_break(monkeypatch) -> None:
    """``none`` never writes O: ``backward`` is 1-inductive, no unrolling needed."""
    monkeypatch.setattr(smt, "INVARIANT", False)
    r = check_property("none", "none", SCENARIOS["seed"][0], "backward", engine="smt")
    assert r.verdict is Verdict.HOLDS and r.proof == "k-induction" and r.depth == 1


def test_a_disagreement_is_exit_3(monkeypatch, capsys) -> None:
    real = runner._smt

    def lying(*args, **kwargs):
        r = real(*args, **kwargs)
        return dataclasses.replace(r, verdict=Verdict.HOLDS, trace=None)

    monkeypatch.setattr(runner, "_smt", lying)
    with pytest.raises(EngineDisagreement):
        check_property("none", "none", SCENARIOS["seed"][0], "lost", engine="both")
    assert main(["check", "none", "--engine", "both", "--property", "lost"]) == 3
    err = capsys.readouterr().err
    assert "engines disagree on lost" in err and len(err.strip().splitlines()) == 1


def test_smt_time_limit_gives_unknown() -> None:
    r = check_property("cursor", "spinlock", SCENARIOS["seed"][0], "lost", engine="smt",
                       budget=Budget(max_seconds=0.5))
    assert r.verdict is Verdict.UNKNOWN and "time limit" in r.reason
