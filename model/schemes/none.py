"""``none``: non-volatile overlayfs as shipped, v5.10 to today: nothing reaches O.

fs/overlayfs/super.c, ``ovl_sync_fs()``::

    down_read(&upper_sb->s_umount);
    ret = sync_filesystem(upper_sb);        /* abstracted: no step */
    up_read(&upper_sb->s_umount);
    return ret;

and fs/sync.c then checks ``O`` with the file's cursor::

    1  ca.read     old = READ_ONCE(O); compare with f_sb_err      (0 == 0: return 0)

Expected verdicts (hand analysis, checked against the explicit engine; ``--lock spinlock``
changes nothing: the scheme has no region to lock, so both disciplines give the same table):

* ``lost``: violated wherever an overlay file is open before the error: O stays 0 and equals
  every cursor, so every overlay ``syncfs`` returns 0.  Shortest: seed, race, two-overlays 4
  steps (P1 opens; W reads U and cmpxchg's EIO in; P1's check_and_advance reads O = 0 =
  cursor); wrap 3 (the open is in the prologue); shared-fd 5 (a cursor two threads reach
  costs a second step: read O, read cursor); shared-fd --flock 7 (+ lock/unlock of f_lock).
  Holds in late-open: the files open after the error, so hi = G = Gs (it is ``unseen``).
* ``unseen``: violated wherever an overlay file can be opened after an error nobody on O
  consumed: W's two steps, open(O) samples 0, syncfs returns 0: 4 steps (seed, race,
  two-overlays, late-open), 5 in shared-fd, 7 with --flock.  Holds in wrap: all opens
  come first, so no file is ever owed an error.
* ``double``, ``backward``: hold: O is never written, so an overlay syncfs never returns an
  error; the upper syncers run plain errseq on U with one syncfs each.
* ``wrap``: holds: every loss is also a loss with a counter that cannot wrap.
* ``deadlock``: holds: the only lock is f_lock (--flock), taken and released around the check.
"""

from model.variants import Scheme, register_scheme


@register_scheme
class NoneScheme(Scheme):
    """Nothing propagates U's errors to O (v5.10+ non-volatile overlayfs)."""

    name = "none"
    summary = "nothing reaches O (non-volatile overlayfs, v5.10 to today)"
    provenance = "fs/overlayfs/super.c ovl_sync_fs() as shipped since v5.10"
