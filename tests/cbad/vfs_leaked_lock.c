/* a VFS file whose early exit leaves f_lock held */
SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct fd f = fdget(fd);
	struct super_block *sb;
	int ret, ret2 = 0;

	if (!f.file)
		return -EBADF;
	sb = f.file->f_path.dentry->d_sb;

	down_read(&sb->s_umount);
	ret = sync_filesystem(sb);
	up_read(&sb->s_umount);

	spin_lock(&f.file->f_lock);
	if (!errseq_check(&sb->s_wb_err, f.file->f_sb_err))
		goto out;
	ret2 = errseq_check_and_advance(&sb->s_wb_err, &f.file->f_sb_err);
	spin_unlock(&f.file->f_lock);
out:

	fdput(f);
	return ret ? ret : ret2;
}
