"""VFS changes in kernel C, for ``--vfs FILE`` (:mod:`model.cfront.vfs`): fs/sync.c's
``syncfs`` as a kernel or a patch leaves it.

- ``v5_11.c``: the stock syscall, the same check since v5.8 (735e4ae5ba28, "vfs: track
  per-sb writeback errors and report them to syncfs"): what the model does with no ``--vfs``;
- ``layton_flock.c``: J. Layton, "[PATCH] vfs: protect updates to file->f_sb_err with
  f_lock", linux-fsdevel, 2020-12-03 (resent 2020-12-19 and 2021-01-04; not merged): what
  ``--flock`` models, and on files on the upper fs too.
"""
