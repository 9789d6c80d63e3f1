/* The upper filesystem's ->sync_fs called through the pointer: not something the model places. */
static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb = ovl_upper_mnt(ofs)->mnt_sb;

	if (!wait)
		return 0;
	return upper_sb->s_op->sync_fs(upper_sb, wait);
}
