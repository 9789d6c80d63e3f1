/* A switch on wait: outside the subset (write it as if/else). */
static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb = ovl_upper_mnt(ofs)->mnt_sb;

	switch (wait) {
	case 0:
		return 0;
	default:
		break;
	}
	return errseq_check(&upper_sb->s_wb_err, 0);
}
