/*
 * S. Dhillon, "[PATCH] overlay: Implement volatile-specific fsync error behaviour"
 * (linux-fsdevel, 2020-12-02, Message-Id <20201202092720.41522-1-sargun@sargun.me>), v1:
 * the functions of fs/overlayfs/{ovl_entry.h,util.c,super.c} (v5.10) as they read after
 * the diff, written by a reviewer who read only the README.  Differs from what was merged
 * (335d3fc57941, model/schemes/volatile.c): errseq_set(O) records the check's own error,
 * not -EIO, and a failing check does not return early (it goes on to sync upper_sb).
 * Checked with --mount-option volatile (tests/test_cfront.py).
 */
struct ovl_config {
	/* ... */
	bool ovl_volatile;
};

struct ovl_fs {
	/* ... */
	struct ovl_config config;
	/* ... */
	/* Whiteout dentry cache */
	struct dentry *whiteout;
	/* snapshot of upperdir's errseq_t at mount time for volatile mounts */
	errseq_t upper_errseq;
};

static inline bool ovl_should_sync(struct ovl_fs *ofs)
{
	return !ofs->config.ovl_volatile;
}

/*
 * ovl_check_sync provides sync checking, and safety for volatile mounts
 *
 * Returns 1 if sync required.
 *
 * Returns 0 if syncing can be skipped because mount is volatile, and no errors
 * have occurred on the upperdir since the mount.
 *
 * Returns -errno if it is a volatile mount, and the error that occurred since
 * the last mount. If the error code changes, it'll return the latest error
 * code.
 */

int ovl_check_sync(struct ovl_fs *ofs)
{
	struct vfsmount *mnt;

	if (ovl_should_sync(ofs))
		return 1;

	mnt = ovl_upper_mnt(ofs);
	if (!mnt)
		return 0;

	return errseq_check(&mnt->mnt_sb->s_wb_err, ofs->upper_errseq);
}

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb;
	int ret;

	ret = ovl_check_sync(ofs);
	/*
	 * We have to always set the err, because the return value isn't
	 * checked, and instead VFS looks at the writeback errseq after
	 * this call.
	 */
	if (ret < 0)
		errseq_set(&sb->s_wb_err, ret);

	if (!ret)
		return ret;

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

static int ovl_fill_super(struct super_block *sb, void *data, int silent)
{
	struct path upperpath = { };
	struct dentry *root_dentry;
	struct ovl_entry *oe;
	struct ovl_fs *ofs;
	struct ovl_layer *layers;
	struct cred *cred;
	char *splitlower = NULL;
	unsigned int numlower;
	int err;

	/* ... */
	sb->s_op = &ovl_super_operations;

	if (ofs->config.upperdir) {
		struct super_block *upper_mnt_sb;

		if (!ofs->config.workdir) {
			pr_err("missing 'workdir'\n");
			goto out_err;
		}

		err = ovl_get_upper(sb, ofs, &layers[0], &upperpath);
		if (err)
			goto out_err;

		err = ovl_get_workdir(sb, ofs, &upperpath);
		if (err)
			goto out_err;

		if (!ofs->workdir)
			sb->s_flags |= SB_RDONLY;

		upper_mnt_sb = ovl_upper_mnt(ofs)->mnt_sb;
		sb->s_stack_depth = upper_mnt_sb->s_stack_depth;
		sb->s_time_gran = upper_mnt_sb->s_time_gran;
		ofs->upper_errseq = errseq_sample(&upper_mnt_sb->s_wb_err);
	}
	oe = ovl_get_lowerstack(sb, splitlower, numlower, ofs, layers);
	err = PTR_ERR(oe);
	if (IS_ERR(oe))
		goto out_err;
	/* ... */
	return 0;

out_err:
	ovl_free_fs(ofs);
	return err;
}
