/* An array of samples: no array in the subset. */
static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb = ovl_upper_mnt(ofs)->mnt_sb;
	errseq_t seen[2];

	seen[wait] = READ_ONCE(upper_sb->s_wb_err);
	return 0;
}
