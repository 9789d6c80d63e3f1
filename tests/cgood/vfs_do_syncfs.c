/*
 * fs/sync.c's syncfs split into a helper, as a VFS patch might leave it (the v5.11 code
 * otherwise): the syscall resolves the fd, the helper syncs and checks.  Gives v5_11.c's
 * verdicts and lengths.
 */
static int do_syncfs(struct file *file)
{
	struct super_block *sb = file->f_path.dentry->d_sb;
	int ret, ret2;

	down_read(&sb->s_umount);
	ret = sync_filesystem(sb);
	up_read(&sb->s_umount);

	ret2 = errseq_check_and_advance(&sb->s_wb_err, &file->f_sb_err);
	return ret ? ret : ret2;
}

int sync_filesystem(struct super_block *sb)
{
	/* ... */
	return 0;
}

SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct fd f = fdget(fd);
	int ret;

	if (!f.file)
		return -EBADF;
	ret = do_syncfs(f.file);
	fdput(f);
	return ret;
}
