"""``--upper-at-mount 0|any|WORD`` and ``--errors any`` (issue 15, item 1).

An upper filesystem that has been up for months holds any errseq word when the overlay is
mounted.  The default (0) must leave every result as it was; a WORD starts U there; ``any``
is decided by the explicit engines by enumerating the words (``model.world.mount_words``)
and by the SMT engine with U's pre-mount word symbolic and the mount run on it.  At 2-bit
counters both must agree on every verdict and shortest length, and a counterexample must
replay from the concrete word (and errnos) it names.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from checks import native
from checks.runner import Budget, check_property, check_resolved
from model.errseq import ErrseqLayout
from model.variants import load_catalogue
from model.world import WorldParams, mount_words, parse_word, valid_mount_word
from specs.replaykey import parse_key
from specs.resolved import resolve
from specs.results import Verdict
from specs.scenarios import SCENARIOS

SEED2 = dataclasses.replace(SCENARIOS["seed"][0], counter_bits=2)
PY = Budget(backend="python")


def seed2(**over: object) -> WorldParams:
    return dataclasses.replace(SEED2, **over)


def run(*args: str) -> tuple[int, str, str]:
    p = subprocess.run([sys.executable, "-m", "checks.cli", *args], capture_output=True,
                       text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


# -- the words -------------------------------------------------------------------------------


def test_words_parse_in_every_notation() -> None:
    L = ErrseqLayout(2)
    want = (1 << L.ctr_shift) | L.seen | 5
    for text in (str(want), hex(want), "ctr=1 EIO SEEN", "ctr=1,EIO,SEEN", "SEEN ctr=1 E#5"):
        assert parse_word(L, text) == want, text
    assert L.format(want) == "ctr=1 EIO SEEN"  # the notation the traces print parses back
    for bad in ("ctr=4 EIO", "ctr=1", "4096", "FOO", "MUSTINC EIO", str(1 << 16)):
        with pytest.raises(ValueError):
            parse_word(L, bad)
    assert parse_word(ErrseqLayout(2, mustinc=True), "MUSTINC") == 1 << 13


def test_the_enumeration_is_every_valid_word_up_to_errno_renaming() -> None:
    L = ErrseqLayout(2)
    words = mount_words(L, (5,))
    assert words[0] == 0 and len(words) == 1 + 4 * 2 * 2  # ctr x SEEN x {EIO, ENOSPC}
    assert all(valid_mount_word(L, w) for w in words)
    assert {w & L.errno_mask for w in words} == {0, 5, 28}
    M = ErrseqLayout(2, mustinc=True)
    # the flags alone on counter 0, then counter x flags x errnos
    assert len(mount_words(M, (5,))) == 4 + 4 * 4 * 2


# -- the default is today's behaviour --------------------------------------------------------


def test_the_default_changes_nothing() -> None:
    assert "upper_at_mount" not in WorldParams().to_json()
    assert "errors_any" not in WorldParams().to_json()
    assert WorldParams.from_json(WorldParams().to_json()) == WorldParams()
    a = check_property("copy-counter", "none", SEED2, "lost", budget=PY, scenario="seed")
    b = check_property("copy-counter", "none", seed2(upper_at_mount="0"), "lost", budget=PY,
                       scenario="seed")
    assert a.to_json(False) == b.to_json(False)
    assert "upper_at_mount" not in (a.key or "")
    assert not any("before the mount" in line for line in a.trace.prologue)


# -- one word, and every word, on the explicit engines ---------------------------------------


def test_a_word_starts_u_there_and_its_key_replays() -> None:
    r = check_property("copy-counter", "none", seed2(upper_at_mount="ctr=1 EIO SEEN"),
                       "backward", budget=PY, scenario="seed")
    assert r.verdict is Verdict.VIOLATED
    assert r.trace.prologue[0].startswith("U = ctr=1 EIO SEEN before the mount")
    code, out, err = run("replay", r.key)
    assert code == 1, err
    assert "U = ctr=1 EIO SEEN before the mount" in out


@pytest.mark.skipif(not native.available(), reason="no C compiler")
@pytest.mark.parametrize("upper", ["ctr=3 EIO SEEN", "any"])
def test_python_and_native_agree(upper: str) -> None:
    p = seed2(upper_at_mount=upper)
    for prop in ("lost", "double") if upper != "any" else ("double",):  # (a C object per word)
        py = check_property("cursor", "none", p, prop, budget=PY, scenario="seed")
        nat = check_property("cursor", "none", p, prop, budget=Budget(backend="native"),
                             scenario="seed")
        assert (py.verdict, py.trace_length, py.stats.states, py.stats.transitions) == (
            nat.verdict, nat.trace_length, nat.stats.states, nat.stats.transitions)


def test_any_takes_the_shortest_over_every_word_and_names_it() -> None:
    p = seed2(upper_at_mount="any")
    r = check_property("copy-naive", "spinlock", p, "lost", budget=PY, scenario="seed")
    assert r.verdict is Verdict.VIOLATED and r.trace_length == 20
    key = parse_key(r.key)
    word = dict(key.overrides)["upper_at_mount"]
    assert word not in ("0", "any")
    # no word is shorter: the shortest over all is the least of each word's shortest
    for w in mount_words(ErrseqLayout(2), (5,)):
        one = check_property("copy-naive", "spinlock", seed2(upper_at_mount=str(w)), "lost",
                             budget=PY, scenario="seed")
        assert one.verdict is Verdict.HOLDS or one.trace_length >= 20
    code, out, err = run("replay", r.key)
    assert code == 1, err


# -- the SMT engine: the mount on a symbolic word --------------------------------------------


@pytest.mark.parametrize("scheme,prop", [("copy-counter", "lost"), ("copy-counter", "double"),
                                         ("cursor", "lost"), ("cursor", "double"),
                                         ("volatile", "double"),
                                         pytest.param("mustinc", "double",
                                                      marks=pytest.mark.slow)])
def test_smt_agrees_with_the_enumeration_at_two_bits(scheme: str, prop: str) -> None:
    """``--engine both``: a disagreement raises; both must decide."""
    r = check_property(scheme, "none", seed2(upper_at_mount="any"), prop, engine="both",
                       budget=dataclasses.replace(PY, max_seconds=120), scenario="seed")
    e, s = r.others
    assert e.verdict is not Verdict.UNKNOWN and s.verdict is not Verdict.UNKNOWN
    assert (e.verdict, e.trace_length) == (s.verdict, s.trace_length)


def test_a_verdict_only_the_symbolic_mount_state_exposes() -> None:
    """copy-counter's ``backward`` holds from a fresh upper and breaks from one with a
    history: the mount copies U's word into O (ctr=0 EPERM SEEN, say), a syncer reads that
    word as ``src``, an error bumps U and the other syncer copies it to O, and the first then
    sees counters differ and writes its stale ``src & ~SEEN`` back: O goes back to the mount's
    value, re-armed.  With U = 0 at mount the stale ``src`` is 0 and never differs from a
    word O left.  The SMT engine finds it with U symbolic; the enumeration at 2 bits confirms
    it, with the same shortest length."""
    fresh = check_property("copy-counter", "none", SEED2, "backward", budget=PY,
                           scenario="seed")
    assert fresh.verdict is Verdict.HOLDS
    rc = resolve("copy-counter", "none", "seed", seed2(upper_at_mount="any"), "backward")
    smt = check_resolved(rc, "smt", dataclasses.replace(PY, max_seconds=150))
    assert smt.verdict is Verdict.VIOLATED and smt.trace_length == 10
    assert "before the mount" in smt.trace.prologue[0]
    word = dict(parse_key(smt.key).overrides)["upper_at_mount"]
    assert word != "0"
    explicit = check_resolved(rc, "explicit", PY)
    assert explicit.verdict is Verdict.VIOLATED and explicit.trace_length == 10
    code, _, err = run("replay", smt.key)
    assert code == 1, err


def test_errors_any_picks_errnos_that_replay() -> None:
    rc = resolve("copy-counter", "none", "seed",
                 seed2(upper_at_mount="any", errors_any=True), "double")
    r = check_resolved(rc, "smt", dataclasses.replace(PY, max_seconds=120))
    assert r.verdict is Verdict.VIOLATED and r.trace_length == 5
    over = dict(parse_key(r.key).overrides)
    assert "errors_any" not in over  # the key names the concrete errnos
    code, out, err = run("replay", r.key)
    assert code == 1, err


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("args,words", [
    (["--upper-at-mount", "ctr=9 EIO", "--counter-bits", "2"], "does not fit 2 bits"),
    (["--upper-at-mount", "FOO"], "is not ctr=N"),
    (["--upper-at-mount", "4096"], "is no errseq word"),
    (["--upper-at-mount", "MUSTINC EIO"], "has no MUSTINC flag"),
    (["--errors", "any"], "only the smt engine"),
])
def test_bad_input_is_one_line_and_exit_2(args: list[str], words: str) -> None:
    load_catalogue()
    code, out, err = run("check", "copy-counter", "--scenario", "seed", "--property", "lost",
                         *args)
    assert code == 2, (out, err)
    assert words in err and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize("args,words", [
    (["bench", "--quick", "--upper-at-mount", "FOO"], "is not ctr=N"),
    (["sweep", "--upper-at-mount", "5"], "valid: 0, any"),
    (["export", "copy-counter", "--property", "lost", "--upper-at-mount", "any"],
     "starts from one state"),
    (["check", "copy-counter", "--property", "lost", "--upper-at-mount", "any"],
     "--counter-bits 4 or less"),
])
def test_the_other_commands_refuse_what_they_cannot_do(args: list[str], words: str) -> None:
    code, out, err = run(*args)
    assert code == 2, (out, err)
    assert words in err and len(err.strip().splitlines()) == 1, err
