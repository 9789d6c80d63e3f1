"""Scenario presets (DESIGN §5): the actors and bounds of a check.

Every preset is a :class:`~model.world.WorldParams`; the CLI overrides any field of it.
"""

from __future__ import annotations

from model.errseq import ERRNO_NUMBERS
from model.world import WorldParams

EIO, ENOSPC = ERRNO_NUMBERS["EIO"], ERRNO_NUMBERS["ENOSPC"]

SCENARIOS: dict[str, tuple[WorldParams, str]] = {
    "seed": (
        WorldParams(syncers=2, syncs=2, errors=(EIO,), counter_bits=19),
        "the thread's P1/P2: two overlay files, two syncfs each, one EIO",
    ),
    "race": (
        WorldParams(syncers=2, syncs=2, upper_syncers=1, upper_syncs=1, errors=(EIO, ENOSPC),
                    counter_bits=2),
        "two overlay syncers (two syncfs each) and one upper syncer race with EIO then ENOSPC; "
        "2-bit counter",
    ),
    "wrap": (
        WorldParams(syncers=1, syncs=2, upper_syncers=1, upper_syncs=5, errors=(EIO,) * 5,
                    counter_bits=2, open_at="first"),
        "five EIOs, each seen by an upper syncer, wrap a 2-bit counter between two overlay "
        "syncs",
    ),
    "shared-fd": (
        WorldParams(syncers=1, syncs=1, threads_per_file=2, errors=(EIO,), counter_bits=19),
        "two threads call syncfs on one open overlay file",
    ),
    "late-open": (
        WorldParams(syncers=1, syncs=1, upper_syncers=1, upper_syncs=1, errors=(EIO,),
                    counter_bits=19, open_at="after-errors"),
        "files on O and on U opened after an error nobody has seen (generic/484's shape)",
    ),
    "two-overlays": (
        WorldParams(syncers=2, syncs=2, overlays=2, errors=(EIO,), counter_bits=19),
        "two overlays on one upper, one file each (one layer hiding an error from another)",
    ),
    "stress": (
        WorldParams(syncers=3, syncs=2, errors=(EIO, EIO), counter_bits=2),
        "three overlay syncers, two EIOs, two syncs each, 2-bit counter, no upper syncer",
    ),
}

DEFAULT_SCENARIO = "seed"
#: the scenario of a query given by its bounds alone (no preset): ``WorldParams()`` defaults
CUSTOM = "custom"
