/*
 * volatile-6.12's check written with a goto to one exit: -EIO on one path, 0 or
 * sync_filesystem's result on the others, joined at 'out' (the value differs per path).
 */
struct ovl_fs {
	errseq_t errseq;
};

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb = ovl_upper_mnt(ofs)->mnt_sb;
	int ret = 0;

	if (errseq_check(&upper_sb->s_wb_err, ofs->errseq)) {
		ret = -EIO;
		goto out;
	}
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
