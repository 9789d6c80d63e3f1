/* The unlock of a hunk whose lock was left out (or taken under another name). */
struct ovl_fs {
	errseq_t errseq;
	spinlock_t errseq_lock;
};

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb = ovl_upper_mnt(ofs)->mnt_sb;
	int err;

	err = errseq_check_and_advance(&upper_sb->s_wb_err, &ofs->errseq);
	spin_unlock(&ofs->errseq_lock);
	return err;
}
