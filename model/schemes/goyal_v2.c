/*
 * goyal-v2: V. Goyal, "[PATCH 3/3] overlayfs: Check writeback errors w.r.t upper in
 * ->syncfs()", 2020-12-16, linux-fsdevel, series "vfs, overlayfs: Fix syncfs() to return
 * error" (v2; not merged).  Patch 1/3 gives file_operations a ->syncfs that syncfs(2) calls
 * instead of its own sync_filesystem() + errseq_check_and_advance(); patch 2/3 adds
 * ovl_syncfs; patch 3/3 makes the overlay's own sb->s_wb_err the cursor into U, advanced
 * under ofs->errseq_lock, then checks the file against it.  Mount samples U into O.
 *
 * J. Layton's objection (2020-12-17): O ends up with SEEN set, so a file opened on O after
 * an error nobody reported samples it as seen and is never told (the 'unseen' property).
 * The lines of ovl_syncfs that patch 2/3 adds before the sync (the checks that 'goto out')
 * are elided here: on a writable, non-volatile upper none is taken.
 */
struct ovl_fs {
	/* ... */
	/* Protects multiple sb->s_wb_err update from upper_sb . */
	spinlock_t errseq_lock;
};

int ovl_syncfs(struct file *file)
{
	struct super_block *sb = file->f_path.dentry->d_sb;
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb;
	int ret, ret2;

	ret = 0;
	down_read(&sb->s_umount);
	/* ... */
	upper_sb = ovl_upper_mnt(ofs)->mnt_sb;

	down_read(&upper_sb->s_umount);
	ret = sync_filesystem(upper_sb);
	up_read(&upper_sb->s_umount);

	/* Update overlay sb->s_wb_err */
	if (errseq_check(&upper_sb->s_wb_err, sb->s_wb_err)) {
		/* Upper sb has errors since last time */
		spin_lock(&ofs->errseq_lock);
		errseq_check_and_advance(&upper_sb->s_wb_err, &sb->s_wb_err);
		spin_unlock(&ofs->errseq_lock);
	}

	ret2 = errseq_check_and_advance(&sb->s_wb_err, &file->f_sb_err);
out:
	up_read(&sb->s_umount);
	return ret ? ret : ret2;
}

static int ovl_fill_super(struct super_block *sb, void *data, int silent)
{
	struct ovl_fs *ofs;
	/* ... */
	spin_lock_init(&ofs->errseq_lock);
	/* ... */
	if (ovl_upper_mnt(ofs)) {
		/* ... */
		sb->s_stack_depth = ovl_upper_mnt(ofs)->mnt_sb->s_stack_depth;
		sb->s_time_gran = ovl_upper_mnt(ofs)->mnt_sb->s_time_gran;
		sb->s_wb_err = errseq_sample(&ovl_upper_mnt(ofs)->mnt_sb->s_wb_err);
	}
	/* ... */
	return 0;
}
