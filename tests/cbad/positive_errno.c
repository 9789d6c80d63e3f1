static int ovl_sync_fs(struct super_block *sb, int wait)
{
	if (!wait)
		return 0;
	errseq_set(&sb->s_wb_err, EIO);
	return 0;
}
