struct ovl_fs {
	errseq_t errseq;
};

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	int err;

	if (!wait)
		return 0;
	err = errseq_check(&sb->s_wb_err, ofs->cursor);
	return err;
}
