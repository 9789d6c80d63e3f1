/*
 * A patch of two files, as a reviewer would paste it: fs/overlayfs/super.c's ovl_sync_fs as
 * v5.10 ships it (the catalogue's none.c) and fs/sync.c's syncfs after J. Layton's f_lock
 * patch (model/vfs/layton_flock.c).  The syscall is this scheme's VFS: the same worlds as
 * 'none --vfs model/vfs/layton_flock.c'.
 */
static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb;
	int ret;

	if (!ovl_upper_mnt(ofs))
		return 0;

	if (!ovl_should_sync(ofs))
		return 0;
	/*
	 * Not called for sync(2) call or an emergency sync (SB_I_SKIP_SYNC).
	 * All the super blocks will be iterated, including upper_sb.
	 *
	 * If this is a syncfs(2) call, then we do need to call
	 * sync_filesystem() on upper_sb, but enough if we do it when being
	 * called with wait == 1.
	 */
	if (!wait)
		return 0;

	upper_sb = ovl_upper_mnt(ofs)->mnt_sb;

	down_read(&upper_sb->s_umount);
	ret = sync_filesystem(upper_sb);
	up_read(&upper_sb->s_umount);

	return ret;
}

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
