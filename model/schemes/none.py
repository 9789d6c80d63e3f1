"""``none``: non-volatile overlayfs as shipped, v5.10 to today: nothing reaches O.

fs/overlayfs/super.c, ``ovl_sync_fs()``::

    down_read(&upper_sb->s_umount);
    ret = sync_filesystem(upper_sb);        /* abstracted: no step */
    up_read(&upper_sb->s_umount);
    return ret;

and fs/sync.c then checks ``O`` with the file's cursor::

    1  ca.read     old = READ_ONCE(O); compare with f_sb_err      (0 == 0: return 0)

O is never written, so an overlay ``syncfs`` returns 0 whatever happened on U.  The scheme
marks no region, so an overlay lock changes nothing.

One bad interleaving, ``lost`` in ``seed``: P1 opens O (its cursor samples O = 0); W's
errseq_set(U, -EIO) reads U and installs ``ctr=0 EIO``; P1's syncfs finds O = 0, equal to its
cursor, and returns 0, though the error completed after the open::

    replay: none/none/seed/lost/-/P1,W,W,P1

Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
"""

from model.variants import Scheme, register_scheme


@register_scheme
class NoneScheme(Scheme):
    """Nothing propagates U's errors to O (v5.10+ non-volatile overlayfs)."""

    name = "none"
    summary = "nothing reaches O (non-volatile overlayfs, v5.10 to today)"
    provenance = "fs/overlayfs/super.c ovl_sync_fs() as shipped since v5.10"
