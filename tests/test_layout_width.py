"""The width of the errseq word a world is really built with (``model.world.effective_params``).

J. Layton's RFC v2 keeps errseq_t a u32: MUSTINC takes bit 13 and the counter runs from bit
14, so it has 18 bits where mainline has 19.  The world must be built that way at the default
width, and report the width it used.
"""

from __future__ import annotations

import dataclasses

import pytest

from model.errseq import ErrseqLayout, layout_counter_bits
from model.variants import DISCIPLINES, SCHEMES, load_catalogue
from model.world import WorldParams, build_world, effective_params
from specs.scenarios import SCENARIOS

load_catalogue()


def _bits(scheme: str, lock: str, p: WorldParams) -> int:
    return effective_params(SCHEMES[scheme], DISCIPLINES[lock], p).counter_bits


def test_mustinc_world_at_the_default_is_the_rfc_word_bit_for_bit() -> None:
    p = SCENARIOS["seed"][0]
    assert p.counter_bits == 19
    assert _bits("mustinc", "none", p) == 18
    w = build_world(SCHEMES["mustinc"], DISCIPLINES["none"], p)
    L = w.layout
    assert (L.counter_bits, L.width, L.word_mask) == (18, 32, 0xFFFFFFFF)
    assert (L.seen, L.mustinc_flag, L.ctr_inc) == (1 << 12, 1 << 13, 1 << 14)
    assert w.params["counter_bits"] == 18, "the report must show the width the world used"
    # the largest counter wraps to 0 inside the word, as the RFC's u32 does
    top = ((1 << 18) - 1) << 14 | L.mustinc_flag
    assert L.set(top, -5) == 5


@pytest.mark.parametrize("scheme", ["none", "copy-naive", "cursor", "volatile"])
def test_mainline_layout_keeps_its_width(scheme: str) -> None:
    p = SCENARIOS["seed"][0]
    assert _bits(scheme, "none", p) == 19
    assert build_world(SCHEMES[scheme], DISCIPLINES["none"], p).layout.width == 32


def test_wide_counter_is_a_u64_in_both_layouts() -> None:
    p = SCENARIOS["seed"][0]
    assert _bits("copy-naive", "wide-counter", p) == 51
    assert _bits("mustinc", "wide-counter", p) == 50
    for scheme in ("copy-naive", "mustinc"):
        w = build_world(SCHEMES[scheme], DISCIPLINES["wide-counter"], p)
        assert w.layout.width == 64


@pytest.mark.parametrize("scenario", ["race", "wrap"])
def test_model_widths_are_kept_as_asked(scenario: str) -> None:
    """2 bits (race, wrap) is a model width, not a real errseq_t: MUSTINC keeps it, so the
    wrap-around stays reachable in the same few steps."""
    p = SCENARIOS[scenario][0]
    assert p.counter_bits == 2
    assert _bits("mustinc", "none", p) == 2
    assert _bits("mustinc", "spinlock", dataclasses.replace(p, counter_bits=1)) == 1


@pytest.mark.parametrize("bits", [1, 2, 18, 19, 31, 50, 51])
def test_fitting_is_idempotent(bits: int) -> None:
    """A width read back from a report (or a replay key) builds the same world again."""
    for mustinc in (False, True):
        once = layout_counter_bits(bits, mustinc)
        assert layout_counter_bits(once, mustinc) == once
        if 13 + bits in (32, 64):  # a real errseq_t: the same word in both layouts
            assert ErrseqLayout(once, mustinc).width == 13 + bits
