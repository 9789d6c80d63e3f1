/* Arithmetic outside the subset: '*' on an errseq_t. */
static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb = ovl_upper_mnt(ofs)->mnt_sb;
	errseq_t src;

	src = READ_ONCE(upper_sb->s_wb_err);
	WRITE_ONCE(sb->s_wb_err, src * 2);
	return 0;
}
