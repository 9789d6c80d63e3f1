/*
 * fs/sync.c, v5.11 (the same since v5.8, 735e4ae5ba28 "vfs: track per-sb writeback errors
 * and report them to syncfs"; later kernels spell the fd accessors fd_file(f), CLASS(fd, f),
 * around the same check): syncfs(2) syncs the file's superblock, then checks the
 * superblock's s_wb_err against the file's f_sb_err and advances the cursor, with no lock
 * on it.  For a file on an overlay sb is the overlay's superblock (O); for a file on the
 * upper fs, the upper's (U).
 *
 * The model's own VFS (no --vfs): --vfs model/vfs/v5_11.c gives the same worlds.
 */

/*
 * syncfs - sync a single filesystem
 */
SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct fd f = fdget(fd);
	struct super_block *sb;
	int ret, ret2;

	if (!f.file)
		return -EBADF;
	sb = f.file->f_path.dentry->d_sb;

	down_read(&sb->s_umount);
	ret = sync_filesystem(sb);
	up_read(&sb->s_umount);

	ret2 = errseq_check_and_advance(&sb->s_wb_err, &f.file->f_sb_err);

	fdput(f);
	return ret ? ret : ret2;
}
