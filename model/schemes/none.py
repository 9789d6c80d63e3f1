"""``none``: non-volatile overlayfs as shipped, v5.10 to today: nothing reaches O.

fs/overlayfs/super.c, ``ovl_sync_fs()``::

    down_read(&upper_sb->s_umount);
    ret = sync_filesystem(upper_sb);        /* abstracted: no step */
    up_read(&upper_sb->s_umount);
    return ret;

and fs/sync.c then checks ``O`` with the file's cursor::

    1  ca.read     old = READ_ONCE(O); compare with f_sb_err      (0 == 0: return 0)

Expected verdicts (hand analysis):

* ``lost`` violated wherever a file on O is open before an error: U's error never reaches O,
  whose word stays 0, so every overlay ``syncfs`` returns 0.  Shortest (``seed``): P opens
  (1), W reads U (2) and installs EIO (3), P's syncfs compares O = 0 with its cursor 0 (4):
  4 steps.  The thread's P1/P2 example is this with two files.
* ``unseen`` violated wherever a file on O can be opened after an error (every scenario whose
  opens race with writeback, and ``late-open``): the first syncfs of a late opener returns 0.
* ``double``, ``backward``, ``deadlock`` hold: O is never written, upper files use plain
  errseq on U, and there is no lock.
* ``wrap`` holds: every lost error is lost with a counter that cannot wrap too.
"""

from model.variants import Scheme, register_scheme


@register_scheme
class NoneScheme(Scheme):
    """Nothing propagates U's errors to O (v5.10+ non-volatile overlayfs)."""

    name = "none"
    summary = "nothing reaches O (non-volatile overlayfs, v5.10 to today)"
    provenance = "fs/overlayfs/super.c ovl_sync_fs() as shipped since v5.10"
