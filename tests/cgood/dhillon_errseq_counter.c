// SPDX-License-Identifier: GPL-2.0-only
/*
 * S. Dhillon, 2020-11-28, linux-unionfs: "Either we need to set the seen flag on the
 * upperdir's errseq_t, or have a sync method, like:" -- the functions as they read after
 * the diff (fs/overlayfs/super.c and lib/errseq.c, v5.10).
 */
#include <linux/fs.h>
#include <linux/errseq.h>
#include "overlayfs.h"

#define ERRSEQ_SHIFT		ilog2(MAX_ERRNO + 1)

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb;
	errseq_t src;
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

	/* Propagate the error up from the upper_sb once */
	src = READ_ONCE(upper_sb->s_wb_err);
	if (errseq_counter(src) != errseq_counter(sb->s_wb_err))
		WRITE_ONCE(sb->s_wb_err, src & ~ERRSEQ_SEEN);

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

	err = -EIO;
	if (WARN_ON(sb->s_user_ns != current_user_ns()))
		goto out;

	sb->s_d_op = &ovl_dentry_operations;

	err = -ENOMEM;
	ofs = kzalloc(sizeof(struct ovl_fs), GFP_KERNEL);
	if (!ofs)
		goto out;

	/* ... */

	if (ofs->config.upperdir) {
		struct super_block *upper_sb;

		if (!ofs->config.workdir) {
			pr_err("missing 'workdir'\n");
			goto out_err;
		}

		err = ovl_get_upper(sb, ofs, &layers[0], &upperpath);
		if (err)
			goto out_err;

		upper_sb = ovl_upper_mnt(ofs)->mnt_sb;
		if (!ovl_should_sync(ofs)) {
			ofs->errseq = errseq_sample(&upper_sb->s_wb_err);
			if (errseq_check(&upper_sb->s_wb_err, ofs->errseq)) {
				err = -EIO;
				pr_err("Cannot mount volatile when upperdir has an unseen error. Sync upperdir fs to clear state.\n");
				goto out_err;
			}
		}

		err = ovl_get_workdir(sb, ofs, &upperpath);
		if (err)
			goto out_err;

		if (!ofs->workdir)
			sb->s_flags |= SB_RDONLY;

		sb->s_stack_depth = ovl_upper_mnt(ofs)->mnt_sb->s_stack_depth;
		sb->s_time_gran = ovl_upper_mnt(ofs)->mnt_sb->s_time_gran;
		sb->s_wb_err = READ_ONCE(ovl_upper_mnt(ofs)->mnt_sb->s_wb_err);

	}
	/* ... */
	return 0;

out_err:
	kfree(splitlower);
	path_put(&upperpath);
	ovl_free_fs(ofs);
out:
	return err;
}

/**
 * errseq_counter() - Get the value of the errseq counter
 * @eseq: Value being checked
 *
 * This returns the errseq_t counter value. Reminder, it can wrap because
 * there are only a limited number of counter bits.
 *
 * Return: The counter portion of the errseq_t.
 */
int errseq_counter(errseq_t eseq)
{
	return eseq >> (ERRSEQ_SHIFT + 1);
}
