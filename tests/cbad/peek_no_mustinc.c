struct ovl_fs {
	errseq_t errseq;
};

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	return 0;
}

static int ovl_fill_super(struct super_block *sb, void *data, int silent)
{
	struct ovl_fs *ofs;

	ofs->errseq = errseq_peek(&ovl_upper_mnt(ofs)->mnt_sb->s_wb_err);
	return 0;
}
