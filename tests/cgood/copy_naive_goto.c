/*
 * copy_naive.c written with the early exits as gotos to one label, and the copy inside a
 * loop with a constant bound (once): the same steps, so the same rows as copy-naive.
 */
static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb;
	int ret = 0;
	int i;

	if (!ovl_upper_mnt(ofs))
		goto out;
	if (!ovl_should_sync(ofs))
		goto out;
	if (!wait)
		goto out;

	upper_sb = ovl_upper_mnt(ofs)->mnt_sb;

	down_read(&upper_sb->s_umount);
	ret = sync_filesystem(upper_sb);
	up_read(&upper_sb->s_umount);

	for (i = 0; i < 1; i++)
		WRITE_ONCE(sb->s_wb_err, READ_ONCE(upper_sb->s_wb_err));
out:
	return ret;
}
