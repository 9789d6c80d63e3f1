"""The variant catalogue: one module per propagation scheme (DESIGN §3).

Importing this package registers every scheme with :mod:`model.variants`.  Each module's
header gives the kernel pseudocode it models with its atomic steps numbered, where it comes
from, and one worked bad interleaving as a replay key (``tests/test_scheme_headers.py``
replays it).  The verdicts, lengths and state counts are in ``tests/expected_verdicts.json``
only, so that no header can contradict them.
"""

# The cmpxchg discipline registers first, so that every scheme is validated under it.
import model.cmpxchg  # noqa: F401
from model.schemes import (  # noqa: F401
    copy_counter,
    copy_naive,
    cursor,
    mustinc,
    none,
    upper_cursor,
    volatile,
)

#: The catalogue in kernel C (model/schemes/*.c), loaded on demand as ``c:NAME``: the file,
#: the mount options its code is checked with, and the properties outside its contract.
#: Not yet the source of truth: the recorded matrices still come from the Python classes
#: above.  tests/c_parity.py compares the two cell by cell: none, copy-naive, copy-counter,
#: cursor, mustinc and upper-cursor give every recorded row (states included); volatile
#: and volatile-6.12 give every verdict, with more states and some longer traces, because
#: the C runs the check in both ->sync_fs calls as the kernel does (README, "Schemes in
#: C"); goyal-v2 has no Python class.  Every module header's worked interleaving replays
#: on its C file (tests/test_scheme_headers.py).
C_CATALOGUE: dict[str, tuple[str, tuple[str, ...], frozenset[str]]] = {
    "none": ("none.c", (), frozenset()),
    "copy-naive": ("copy_naive.c", (), frozenset()),
    "copy-counter": ("copy_counter.c", (), frozenset()),
    "cursor": ("cursor.c", (), frozenset()),
    "volatile": ("volatile.c", ("volatile",), frozenset({"double"})),
    "volatile-6.12": ("volatile_6_12.c", ("volatile",), frozenset({"double"})),
    "upper-cursor": ("upper_cursor.c", (), frozenset()),
    "goyal-v2": ("goyal_v2.c", (), frozenset()),
    "mustinc": ("mustinc.c", ("volatile",), frozenset({"double"})),
}

