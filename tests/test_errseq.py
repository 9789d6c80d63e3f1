"""errseq_t against the real kernel (lib/errseq.c vectors) and against its own laws."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.errseq import MAX_ERRNO, ErrseqLayout
from model.expr import E, evaluate
from model.values import INT as _INT

KERNEL = ErrseqLayout(counter_bits=19)


def _vectors(shared: Path) -> list[dict]:
    path = shared / "data" / "errseq_vectors.jsonl"
    if not path.exists():
        pytest.skip(f"reference vectors not found at {path}")
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_kernel_vectors_replay_exactly(shared_dir: Path) -> None:
    """Every op of every sequence produced by the real lib/errseq.c: same words, cursors,
    return values and WARNs."""
    seqs = _vectors(shared_dir)
    assert len(seqs) == 300
    ops = 0
    for seq in seqs:
        word = seq["init"]
        cursors = dict(seq["cursors_init"])
        for op in seq["ops"]:
            kind = op["op"]
            where = f"sequence {seq['id']} op {ops}"
            if kind == "set":
                assert KERNEL.valid_err(op["err"]) is not op["warn"], where
                word = KERNEL.set(word, op["err"])
            elif kind == "sample":
                assert KERNEL.sample(word) == op["ret"], where
                if "into" in op:
                    cursors[op["into"]] = op["ret"]
            elif kind == "check":
                assert KERNEL.check(word, op["since"]) == op["ret"], where
            elif kind == "check_and_advance":
                c = op["cursor"]
                assert cursors[c] == op["since_before"], where
                word, cursors[c], ret = KERNEL.check_and_advance(word, cursors[c])
                assert cursors[c] == op["since_after"], where
                assert ret == op["ret"], where
            else:  # pragma: no cover - the format has four ops
                raise AssertionError(f"unknown op {kind}")
            assert word == op["after"], where
            ops += 1
        assert cursors == seq["cursors_final"], f"sequence {seq['id']}"
    assert ops == 6729


def test_kernel_layout_constants() -> None:
    assert (KERNEL.width, KERNEL.seen, KERNEL.ctr_inc, KERNEL.word_mask) == (
        32, 0x1000, 0x2000, 0xFFFFFFFF)
    rfc = ErrseqLayout(counter_bits=18, mustinc=True)
    assert (rfc.width, rfc.mustinc_flag, rfc.ctr_inc) == (32, 0x2000, 0x4000)


widths = st.integers(min_value=1, max_value=32)
errnos = st.integers(min_value=1, max_value=MAX_ERRNO)


@st.composite
def layout_and_word(draw):
    L = ErrseqLayout(draw(widths), mustinc=draw(st.booleans()))
    return L, draw(st.integers(min_value=0, max_value=L.word_mask))


@settings(max_examples=400, deadline=None)
@given(layout_and_word(), errnos)
def test_set_installs_errno_and_clears_flags(lw, errno) -> None:
    L, word = lw
    new = L.set(word, -errno)
    assert new & L.errno_mask == errno
    assert new & L.seen == 0 and new & L.mustinc_flag == 0
    inc_flag = L.mustinc_flag if L.mustinc else L.seen
    step = 1 if word & inc_flag else 0
    period = 1 << L.counter_bits
    assert L.counter(_INT, new) == (L.counter(_INT, word) + step) % period
    assert new <= L.word_mask


@settings(max_examples=300, deadline=None)
@given(layout_and_word(), st.sampled_from([0, -(MAX_ERRNO + 1), -65536, 1, 7]))
def test_set_with_invalid_err_changes_nothing(lw, err) -> None:
    L, word = lw
    assert L.set(word, err) == word


@settings(max_examples=300, deadline=None)
@given(layout_and_word(), layout_and_word())
def test_check_and_advance_reports_once(lw, other) -> None:
    """After check_and_advance the cursor equals the word: a second call reports nothing."""
    L, word = lw
    since = other[1] & L.word_mask
    w1, s1, r1 = L.check_and_advance(word, since)
    assert s1 == w1
    assert (r1 == 0) == (word == since) or (word != since and word & L.errno_mask == 0)
    assert L.check_and_advance(w1, s1) == (w1, s1, 0)
    assert L.check(w1, s1) == 0


@settings(max_examples=300, deadline=None)
@given(layout_and_word())
def test_sample_reports_unseen_errors_to_first_opener(lw) -> None:
    L, word = lw
    s = L.sample(word)
    if word & L.seen:
        assert s == L.peek(word)
    else:
        assert s == 0


@settings(max_examples=200, deadline=None)
@given(layout_and_word(), errnos, st.integers(min_value=0, max_value=2**32 - 1))
def test_step_pieces_agree_across_domains(lw, errno, since) -> None:
    """The expression domain builds trees that evaluate to what the int domain computes."""
    L, word = lw
    since &= L.word_mask
    env = {"w": word, "s": since, "e": errno}
    w, s, e = _var("w"), _var("s"), _var("e")
    assert evaluate(L.set_new(E, w, e), env) == L.set_new(_INT, word, errno)
    assert evaluate(L.check_ret(E, w, s), env) == L.check_ret(_INT, word, since)
    assert evaluate(L.sample_value(E, w), env) == L.sample_value(_INT, word)
    assert evaluate(L.advance_new(E, w), env) == L.advance_new(_INT, word)
    assert evaluate(L.peek_new(E, w), env) == L.peek_new(_INT, word)


def test_counter_wraps_after_two_to_the_bits_increments() -> None:
    L = ErrseqLayout(counter_bits=2)
    word = L.set(0, -5)
    start = word
    for _ in range(4):
        word, _, _ = L.check_and_advance(word, 0)  # mark SEEN
        word = L.set(word, -5)
    assert word == start  # four increments: the 2-bit counter is back where it was


def _var(name: str):
    from model.expr import Var

    return Var(name)



