/* A lock released on the main path but not on an early return (cursor under a mutex). */
struct ovl_fs {
	errseq_t errseq;
	struct mutex errseq_mutex;
};

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb = ovl_upper_mnt(ofs)->mnt_sb;
	int err;

	mutex_lock(&ofs->errseq_mutex);
	err = errseq_check_and_advance(&upper_sb->s_wb_err, &ofs->errseq);
	if (err)
		return err;
	errseq_set(&sb->s_wb_err, err);
	mutex_unlock(&ofs->errseq_mutex);
	return 0;
}
