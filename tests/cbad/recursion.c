/* ->sync_fs calling itself for the waiting pass: recursion, outside the subset. */
static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb = ovl_upper_mnt(ofs)->mnt_sb;

	if (!wait)
		return ovl_sync_fs(sb, 1);
	return errseq_check(&upper_sb->s_wb_err, 0);
}
