/*
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
