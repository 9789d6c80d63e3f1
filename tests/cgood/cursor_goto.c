/*
 * cursor.c with 'if (!err) goto out;' around the errseq_set (tests/test_cfront.py).
 *
 * cursor: the overlay keeps its own errseq cursor into U and re-raises what it finds on O.
 * Discussed on linux-unionfs, Nov-Dec 2020 (J. Layton's sample-and-advance sketch,
 * A. Goldstein's "check and advance the overlay's sample"), never posted as a patch:
 * written here as the v5.10 code would read with it.
 */
struct ovl_fs {
	/* ... */
	errseq_t cursor;	/* the overlay's cursor into upper_sb->s_wb_err */
};

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb;
	int ret, err;

	if (!ovl_upper_mnt(ofs))
		return 0;

	if (!ovl_should_sync(ofs))
		return 0;
	/* ... */
	if (!wait)
		return 0;

	upper_sb = ovl_upper_mnt(ofs)->mnt_sb;

	down_read(&upper_sb->s_umount);
	ret = sync_filesystem(upper_sb);
	up_read(&upper_sb->s_umount);

	err = errseq_check_and_advance(&upper_sb->s_wb_err, &ofs->cursor);
	if (!err)
		goto out;
	errseq_set(&sb->s_wb_err, err);
out:
	return ret;
}

static int ovl_fill_super(struct super_block *sb, void *data, int silent)
{
	struct ovl_fs *ofs;
	/* ... */
	if (ovl_upper_mnt(ofs))
		ofs->cursor = errseq_sample(&ovl_upper_mnt(ofs)->mnt_sb->s_wb_err);
	/* ... */
	return 0;
}
