/*
 * ``none``: non-volatile overlayfs as shipped, v5.10 to today: nothing reaches O.
 *
 * fs/overlayfs/super.c, ``ovl_sync_fs()``::
 *
 *     down_read(&upper_sb->s_umount);
 *     ret = sync_filesystem(upper_sb);        // abstracted: no step
 *     up_read(&upper_sb->s_umount);
 *     return ret;
 *
 * and fs/sync.c then checks ``O`` with the file's cursor::
 *
 *     1  ca.read     old = READ_ONCE(O); compare with f_sb_err      (0 == 0: return 0)
 *
 * O is never written, so an overlay ``syncfs`` returns 0 whatever happened on U.  The scheme
 * marks no region, so an overlay lock changes nothing.
 *
 * One bad interleaving, ``lost`` in ``seed``: P1 opens O (its cursor samples O = 0); W's
 * errseq_set(U, -EIO) reads U and installs ``ctr=0 EIO``; P1's syncfs finds O = 0, equal to its
 * cursor, and returns 0, though the error completed after the open::
 *
 *     replay: none/none/seed/lost/-/P1,W,W,P1
 *
 * Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
 *
 * none: non-volatile overlayfs as shipped, v5.10 to today: nothing reaches O.
 * fs/overlayfs/super.c, ovl_sync_fs() as in v5.10 (non-volatile path).
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

	return ret;
}
