static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct super_block *other = get_super(sb);
	errseq_t src;

	src = READ_ONCE(other->s_wb_err);
	return 0;
}
