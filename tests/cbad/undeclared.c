static int ovl_sync_fs(struct super_block *sb, int wait)
{
	if (!wait)
		return 0;
	WRITE_ONCE(sb->s_wb_err, src);
	return 0;
}
