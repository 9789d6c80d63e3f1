/*
 * ``copy-naive``: copy U's word into O on every syncfs.
 *
 * J. Layton, 2020-11-27, in the seed thread ("Something like this maybe?  Totally untested")::
 *
 *     ret = sync_filesystem(upper_sb);
 *     // Propagate s_wb_err from upper_sb to overlayfs sb
 *     1  src = READ_ONCE(upper_sb->s_wb_err);
 *     2  WRITE_ONCE(sb->s_wb_err, src);
 *     return ret;
 *     -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err)
 *     3  old = READ_ONCE(O); compare with f_sb_err
 *     4  cmpxchg(O, old, old | SEEN); f_sb_err = old | SEEN
 *
 * Two things go wrong.  Nobody sets SEEN on U, so every copy re-arms O with the unseen word
 * (S. Dhillon: "syncfs() twice in a row will return the error twice").  And steps 1-2 race:
 * a syncer that read U before an error can write its stale copy over one that carries it.  A
 * lock around 1-2 (``--lock spinlock``) removes the stale copy, not the re-arm.
 *
 * One bad interleaving, ``double`` in ``seed`` (the thread's case): W sets EIO on U; P1 opens
 * O; P1's syncfs copies ``ctr=0 EIO`` into O and reports -EIO, which leaves O ``ctr=0 EIO
 * SEEN``; P1's second syncfs copies the unseen word back over it and reports -EIO again::
 *
 *     replay: copy-naive/none/seed/double/-/W,W,P1,P1,P1,P1,P1,P1,P1,P1,P1
 *
 * Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
 *
 * copy-naive: J. Layton, 2020-11-27, linux-unionfs (seed thread), "Something like this
 * maybe? Totally untested of course": fs/overlayfs/super.c (v5.10) after the diff.
 * Copying U's word into O re-arms an error O already reported: "syncfs() twice in a
 * row will return the error twice" (S. Dhillon).
 */
static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb;
	int ret;

	if (!ovl_upper_mnt(ofs))
		return 0;

	if (!ovl_should_sync(ofs))
		return 0;
	/*
	 * Not called for sync(2) call or an emergency sync (SB_I_SKIP_SYNC).
	 * All the super blocks will be iterated, including upper_sb.
	 *
	 * If this is a syncfs(2) call, then we do need to call
	 * sync_filesystem() on upper_sb, but enough if we do it when being
	 * called with wait == 1.
	 */
	if (!wait)
		return 0;

	upper_sb = ovl_upper_mnt(ofs)->mnt_sb;

	down_read(&upper_sb->s_umount);
	ret = sync_filesystem(upper_sb);
	up_read(&upper_sb->s_umount);

	/* Propagate s_wb_err from upper_sb to overlayfs sb */
	WRITE_ONCE(sb->s_wb_err, READ_ONCE(upper_sb->s_wb_err));

	return ret;
}
