/* a VFS file reaching into overlayfs: the VFS knows only the file's own superblock */
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

	ret2 = errseq_check_and_advance(&ovl_upper_mnt(OVL_FS(sb))->mnt_sb->s_wb_err,
					&f.file->f_sb_err);

	fdput(f);
	return ret ? ret : ret2;
}
