/*
 * Bounded loops, unrolled: a for with a constant bound (twice), break on a value read
 * from U, and continue; what remains is copy-naive's copy done at most twice per call.
 */
static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb;
	errseq_t src;
	int i, n = 2;

	if (!wait)
		return 0;
	upper_sb = ovl_upper_mnt(ofs)->mnt_sb;
	for (i = 0; i < n; i++) {
		if (i == 5)
			continue;
		src = READ_ONCE(upper_sb->s_wb_err);
		if (!src)
			break;
		WRITE_ONCE(sb->s_wb_err, src);
	}
	return 0;
}
