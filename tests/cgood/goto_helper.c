/*
 * goto_join.c with the check in a helper that exits through a label: the helper is
 * inlined, its label is its own, and its result joins the caller's local.
 */
struct ovl_fs {
	errseq_t errseq;
};

static int ovl_upper_status(struct ovl_fs *ofs, struct super_block *upper_sb)
{
	int err = 0;

	if (errseq_check(&upper_sb->s_wb_err, ofs->errseq)) {
		err = -EIO;
		goto out;
	}
out:
	return err;
}

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb = ovl_upper_mnt(ofs)->mnt_sb;
	int ret;

	ret = ovl_upper_status(ofs, upper_sb);
	if (ret)
		goto out;
	if (!wait)
		goto out;
	ret = sync_filesystem(upper_sb);
out:
	return ret;
}

static int ovl_fill_super(struct super_block *sb, void *data, int silent)
{
	struct ovl_fs *ofs;
	int err;

	ofs->errseq = errseq_sample(&ovl_upper_mnt(ofs)->mnt_sb->s_wb_err);
	if (errseq_check(&ovl_upper_mnt(ofs)->mnt_sb->s_wb_err, ofs->errseq)) {
		err = -EIO;
		goto out_err;
	}
	return 0;
out_err:
	return err;
}
