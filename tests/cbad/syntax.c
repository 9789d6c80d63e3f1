static int ovl_sync_fs(struct super_block *sb, int wait)
{
	errseq_t src
	src = READ_ONCE(sb->s_wb_err);
	return 0;
}
