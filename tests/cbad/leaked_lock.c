struct ovl_fs {
	spinlock_t errseq_lock;
};

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb = ovl_upper_mnt(ofs)->mnt_sb;
	errseq_t src;

	if (!wait)
		return 0;
	spin_lock(&ofs->errseq_lock);
	src = READ_ONCE(upper_sb->s_wb_err);
	if (src)
		return 0;
	spin_unlock(&ofs->errseq_lock);
	return 0;
}
