"""Bit-exact ``errseq_t`` (lib/errseq.c, mainline; semantics unchanged since v4.17).

Kernel layout of the 32-bit word::

    bits 0..11   errno (MAX_ERRNO = 4095)
    bit  12      ERRSEQ_SEEN: some cursor has consumed the current error
    bits 13..31  counter (19 bits, wraps to 0), bumped by errseq_set() when SEEN was set

:class:`ErrseqLayout` makes the counter width a parameter (``counter_bits``; 2 makes wrap-around
reachable in a few steps) and optionally inserts the second flag of J. Layton's RFC v2
(2020-12-14, "errseq: split the SEEN flag into two new flags", not merged): MUSTINC at bit 13
and the counter from bit 14, 18 bits of it in the kernel's 32-bit word
(:func:`layout_counter_bits`).  With MUSTINC, errseq_set() increments iff MUSTINC is set,
``errseq_peek`` sets MUSTINC only, ``errseq_sample`` is a peek that returns 0 unless SEEN,
``errseq_check`` ignores both flags and ``errseq_check_and_advance`` sets both.

Each operation exists in two forms:

* the *step pieces* (``set_new``, ``sample_value``, ``check_ret``, ``advance_new``, ...) take a
  value domain ``D`` (``model.values``) and compute what one atomic step computes from the
  values it read.  The protocol IR calls them with the expression domain, the interpreter with
  ints, the SMT engine with z3 bit-vectors: one copy of the arithmetic;
* the *single-threaded API* (``set``, ``sample``, ``check``, ``check_and_advance``) runs the
  kernel function from start to end on a Python int, built from the same step pieces.  It is
  what the conformance vectors in ``../shared/data`` are replayed against.

Errnos are handled as positive numbers inside the model (the word stores ``-err``); the public
API takes and returns negative errnos, as the kernel does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from model.values import INT, Domain

MAX_ERRNO = 4095
ERRNO_BITS = 12
#: the widths of a real errseq_t: the kernel's u32, and a u64 (the wide-counter discipline)
ERRSEQ_T_BITS = (32, 64)


def layout_counter_bits(counter_bits: int, mustinc: bool) -> int:
    """The counter width a layout really has when ``counter_bits`` is asked for.

    ``counter_bits`` is the mainline layout's width (errno, SEEN, counter).  When that makes
    a real errseq_t (32 or 64 bits), the MUSTINC layout keeps the word as wide and takes its
    flag from the counter: J. Layton's RFC v2 has an 18-bit counter from bit 14 of a u32
    (50 bits in a u64).  Any other width is a model width, kept as asked (2 bits make
    wrap-around reachable in a few steps).
    """
    if mustinc and ERRNO_BITS + 1 + counter_bits in ERRSEQ_T_BITS:
        return counter_bits - 1
    return counter_bits

#: Linux errno numbers the CLI and the traces know by name.
ERRNO_NAMES: dict[int, str] = {
    1: "EPERM", 2: "ENOENT", 5: "EIO", 9: "EBADF", 11: "EAGAIN", 12: "ENOMEM",
    19: "ENODEV", 22: "EINVAL", 27: "EFBIG", 28: "ENOSPC", 30: "EROFS", 122: "EDQUOT",
}
ERRNO_NUMBERS: dict[str, int] = {name: num for num, name in ERRNO_NAMES.items()}


def errno_name(num: int) -> str:
    """``5 -> 'EIO'``; unknown numbers print as ``E#n``."""
    return ERRNO_NAMES.get(num, f"E#{num}")


def errno_number(name: str | int) -> int:
    """The inverse of :func:`errno_name`: ``'EIO' -> 5``, ``'E#77' -> 77`` (an int is
    returned as it is)."""
    if isinstance(name, int):
        return name
    return ERRNO_NUMBERS[name] if name in ERRNO_NUMBERS else int(name.removeprefix("E#"))


@dataclass(frozen=True)
class ErrseqLayout:
    """The bit layout of an errseq word: counter width and whether the MUSTINC flag exists."""

    counter_bits: int = 19
    mustinc: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.counter_bits <= 64:
            raise ValueError(f"counter_bits must be in 1..64, got {self.counter_bits}")

    @staticmethod
    def counter_bits_for(counter_bits: int, mustinc: bool) -> int:
        """:func:`layout_counter_bits`: the width the layout really has."""
        return layout_counter_bits(counter_bits, mustinc)

    # -- constants -------------------------------------------------------------------------
    @property
    def errno_mask(self) -> int:
        return MAX_ERRNO

    @property
    def seen(self) -> int:
        """ERRSEQ_SEEN."""
        return 1 << ERRNO_BITS

    @property
    def mustinc_flag(self) -> int:
        """ERRSEQ_MUSTINC (0 in the mainline layout)."""
        return 1 << (ERRNO_BITS + 1) if self.mustinc else 0

    @property
    def ctr_shift(self) -> int:
        return ERRNO_BITS + (2 if self.mustinc else 1)

    @property
    def ctr_inc(self) -> int:
        """ERRSEQ_CTR_INC: the lowest counter bit."""
        return 1 << self.ctr_shift

    @property
    def width(self) -> int:
        """Bits in the whole word (32 for the kernel layout)."""
        return self.ctr_shift + self.counter_bits

    @property
    def word_mask(self) -> int:
        return (1 << self.width) - 1

    @property
    def flags(self) -> int:
        return self.seen | self.mustinc_flag

    # -- step pieces over a value domain ----------------------------------------------------
    def errno(self, D: Domain, word: Any) -> Any:
        """The errno field (positive), as ``-errseq_check()`` would return it."""
        return D.band(word, D.const(self.errno_mask))

    def counter(self, D: Domain, word: Any) -> Any:
        """The counter field (S. Dhillon's ``errseq_counter()``)."""
        return D.band(D.shr(word, self.ctr_shift), D.const((1 << self.counter_bits) - 1))

    def has_seen(self, D: Domain, word: Any) -> Any:
        return D.ne(D.band(word, D.const(self.seen)), D.const(0))

    def set_new(self, D: Domain, old: Any, errno: Any) -> Any:
        """errseq_set's loop body: the word it tries to install over ``old`` for ``-errno``.

        errno := err, SEEN (and MUSTINC) cleared; the counter is bumped iff ``old`` had SEEN
        (MUSTINC in the RFC layout).  The sum is masked to the word: the counter wraps.
        """
        keep = D.band(old, D.const(self.word_mask & ~(self.errno_mask | self.flags)))
        new = D.bor(keep, errno)
        inc_flag = self.mustinc_flag if self.mustinc else self.seen
        must_inc = D.ne(D.band(old, D.const(inc_flag)), D.const(0))
        bumped = D.band(D.add(new, D.const(self.ctr_inc)), D.const(self.word_mask))
        return D.ite(must_inc, bumped, new)

    def peek_new(self, D: Domain, old: Any) -> Any:
        """errseq_peek (RFC layout only): ``old`` with MUSTINC set; mainline: unchanged."""
        return D.bor(old, D.const(self.mustinc_flag)) if self.mustinc else old

    def sample_value(self, D: Domain, word: Any) -> Any:
        """errseq_sample's result from the word it read (after the peek, in the RFC layout)."""
        return D.ite(self.has_seen(D, word), word, D.const(0))

    def check_ret(self, D: Domain, word: Any, since: Any) -> Any:
        """errseq_check: 0 if nothing changed since ``since``, else the (positive) errno."""
        if self.mustinc:
            m = D.const(self.word_mask & ~self.flags)
            same = D.eq(D.band(word, m), D.band(since, m))
        else:
            same = D.eq(word, since)
        return D.ite(same, D.const(0), self.errno(D, word))

    def advance_new(self, D: Domain, old: Any) -> Any:
        """errseq_check_and_advance: the value installed in the word and the cursor."""
        return D.bor(old, D.const(self.flags))

    def valid_err(self, err: int) -> bool:
        """errseq_set WARNs and does nothing unless ``err`` is in [-MAX_ERRNO, -1]."""
        return -self.errno_mask <= err <= -1

    # -- single-threaded API on ints ---------------------------------------------------------
    def set(self, word: int, err: int) -> int:
        """The word after ``errseq_set(&word, err)``; an invalid ``err`` leaves it unchanged."""
        if not self.valid_err(err):
            return word
        new = self.set_new(INT, word, -err)
        return word if new == word else new

    def peek(self, word: int) -> int:
        """The word after ``errseq_peek(&word)`` (RFC layout); mainline: unchanged."""
        return self.peek_new(INT, word)

    def sample(self, word: int) -> int:
        """``errseq_sample(&word)``.  In the RFC layout the peek also sets MUSTINC in the word;
        use :meth:`peek` for the word after the call."""
        return self.sample_value(INT, self.peek_new(INT, word))

    def check(self, word: int, since: int) -> int:
        """``errseq_check(&word, since)``: 0 or a negative errno."""
        return -self.check_ret(INT, word, since)

    def check_and_advance(self, word: int, since: int) -> tuple[int, int, int]:
        """``errseq_check_and_advance(&word, &since)`` -> (new word, new since, return value)."""
        if word == since:
            return word, since, 0
        new = self.advance_new(INT, word)
        return new, new, -self.errno(INT, new)

    # -- presentation ----------------------------------------------------------------------
    def decode(self, word: int) -> dict[str, int | bool]:
        """Fields of a word: counter, seen, mustinc, errno."""
        return {
            "counter": self.counter(INT, word),
            "seen": bool(word & self.seen),
            "mustinc": bool(word & self.mustinc_flag),
            "errno": word & self.errno_mask,
        }

    def format(self, word: int) -> str:
        """``ctr=1 EIO SEEN``; the pristine word prints as ``0``."""
        if word == 0:
            return "0"
        f = self.decode(word)
        parts = [f"ctr={f['counter']}"]
        if f["errno"]:
            parts.append(errno_name(int(f["errno"])))
        if f["seen"]:
            parts.append("SEEN")
        if f["mustinc"]:
            parts.append("MUSTINC")
        return " ".join(parts)
