/* only the helper that checks f_sb_err (no SYSCALL_DEFINE1): the entry; its parameters are
 * placed by their types (struct file *filp), file_inode(filp)->i_sb is the superblock */
static int do_syncfs(struct file *filp)
{
	struct super_block *s = file_inode(filp)->i_sb;
	int ret, err;

	ret = sync_filesystem(s);
	err = errseq_check_and_advance(&s->s_wb_err, &filp->f_sb_err);
	return ret ? ret : err;
}

static int unused(void)
{
	return 0;
}
