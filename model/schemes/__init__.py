"""The variant catalogue: one kernel C file per propagation scheme (DESIGN §3).

The C files (``model/schemes/*.c``) are the source of truth: importing this package reads
each with :mod:`model.cfront` and registers it with :mod:`model.variants` under its
catalogue name (:data:`CATALOGUE`), so ``syncfs-mc check cursor`` checks ``cursor.c``'s code.
Each file's header comment gives the scheme, where it comes from, and one worked bad
interleaving as a replay key (``tests/test_scheme_headers.py`` replays it).  The verdicts,
lengths and state counts are in ``tests/expected_verdicts.json`` only, so that no header can
contradict them.

What the C cannot say stays here, in :data:`CATALOGUE`: the catalogue name, the one-line
summary and provenance ``syncfs-mc list`` prints, the mount options the entry is checked with
(a mount option is not code), and the properties outside the scheme's contract (a verdict
"by design" is a judgement about the code, not part of it).
"""

# The cmpxchg discipline registers first, so that every scheme is validated under it.
import model.cmpxchg  # noqa: F401
from model.variants import register_c_scheme

#: The catalogue in kernel C, also loaded on demand as ``c:NAME`` (then with the file's own
#: name and no summary): the file, the mount options its code is checked with, and the
#: properties outside its contract.  goyal-v2 is only ``c:goyal-v2`` (not in the recorded
#: matrices yet).
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

#: The registered catalogue, in the order ``syncfs-mc list`` and the matrices use:
#: name -> (summary, provenance).  Entries whose C file is the source of truth.
CATALOGUE: dict[str, tuple[str, str]] = {
    "copy-counter": (
        "copy U & ~SEEN into O when errseq_counter(U) != errseq_counter(O)",
        "S. Dhillon, 2020-11-28, linux-unionfs (seed thread)"),
    "copy-naive": (
        "WRITE_ONCE(O, READ_ONCE(U)) on every syncfs",
        "J. Layton, 2020-11-27, linux-unionfs (seed thread)"),
    "cursor": (
        "ofs->cursor into U: check_and_advance(U, &cursor); if err: errseq_set(O, err)",
        "J. Layton / A. Goldstein, linux-unionfs Nov-Dec 2020 (discussed, never posted)"),
    "mustinc": (
        "RFC MUSTINC layout (18-bit counter); if errseq_check(U, ofs->errseq): "
        "errseq_set(O, err) (sticky)",
        "J. Layton, RFC v2, 2020-12-14, linux-fsdevel (not merged)"),
    "none": (
        "nothing reaches O (non-volatile overlayfs, v5.10 to today)",
        "fs/overlayfs/super.c ovl_sync_fs() as shipped since v5.10"),
    "upper-cursor": (
        "file cursors on U: lockless errseq_check(U), then check_and_advance under f_lock",
        'V. Goyal, v3 "overlayfs: Report writeback errors on upper", 2020-12-21, '
        "linux-fsdevel (not merged)"),
    "volatile": (
        "volatile mount (v5.11): if U moved since mount: errseq_set(O, -EIO), return -EIO",
        "commit 335d3fc57941, v5.11, marked for stable (shipped); --sync-fs-errors ignored is "
        "v5.11-v5.16 mainline: 5679897eb104 (v5.17) is in 5.16.y, 5.15.y, 5.10.y"),
    "volatile-6.12": (
        "volatile mount (v6.12+): if U moved since mount: return -EIO (as since v5.11), "
        "O no longer set",
        "commit 34b4540e6646 (\"ovl: don't set the superblock's errseq_t manually\"), v6.12 "
        "(shipped)"),
}

for _name, (_summary, _provenance) in CATALOGUE.items():
    _file, _options, _by_design = C_CATALOGUE[_name]
    register_c_scheme(_name, _file, _options, _by_design, _summary, _provenance)
