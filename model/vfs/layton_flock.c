/*
 * J. Layton, "[PATCH] vfs: protect updates to file->f_sb_err with f_lock", linux-fsdevel,
 * 2020-12-03 (Cc: stable # v5.8+; Fixes: 735e4ae5ba28; resent 2020-12-19 and 2021-01-04,
 * not merged).  Two tasks calling syncfs() on the same fd could race updating f_sb_err: a
 * lockless errseq_check first, and only when something changed the check-and-advance under
 * the file's f_lock.  fs/sync.c's syncfs as the patch leaves it.
 *
 * What --flock models for files on an overlay; with --vfs it applies to files on the
 * upper fs as well, as the patch does (--flock leaves those unlocked).
 */

/*
 * syncfs - sync a single filesystem
 */
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

	if (errseq_check(&sb->s_wb_err, f.file->f_sb_err)) {
		/* Something changed, must use slow path */
		spin_lock(&f.file->f_lock);
		ret2 = errseq_check_and_advance(&sb->s_wb_err, &f.file->f_sb_err);
		spin_unlock(&f.file->f_lock);
	}

	fdput(f);
	return ret ? ret : ret2;
}
