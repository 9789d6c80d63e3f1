/*
 * ``volatile-6.12``: the error handling of volatile overlay mounts since v6.12.
 *
 * As ``volatile`` (volatile.c), with step 2 gone: commit 34b4540e6646 ("ovl: don't set the
 * superblock's errseq_t manually", v6.12) no longer sets O, and the -EIO travels only through
 * ->sync_fs's return value.  (With ``--sync-fs-errors ignored``, a combination that never
 * shipped, the -EIO is dropped altogether.)  The check runs in both ->sync_fs calls of
 * sync_filesystem(), as in volatile.c.
 *
 * One bad interleaving, ``double`` in ``seed`` (by design): W sets EIO on U; P1 opens O; its
 * first syncfs finds U moved since mount and returns -EIO, though O is still 0; its second
 * syncfs finds U still moved and returns -EIO again, with no new error on U::
 *
 *     replay: volatile-6.12/none/seed/double/-/W,W,P1,P1,P1,P1,P1
 *
 * Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
 *
 * volatile-6.12: the error handling of volatile overlay mounts since v6.12, commit
 * 34b4540e6646 ("ovl: don't set the superblock's errseq_t manually", H. Xu, 2024-07-30,
 * v2 reviewed by A. Goldstein; shipped in v6.12).  fs/overlayfs/{ovl_entry.h,overlayfs.h,
 * util.c,super.c} as they read in v6.12; checked with the volatile mount option on (the
 * catalogue entry sets it).
 *
 * The patch drops the errseq_set(&sb->s_wb_err, -EIO) of v5.11 and its comment: since
 * v5.17 (5679897eb104, "vfs: make sync_filesystem return errors from ->sync_fs") the -EIO
 * reaches syncfs through ->sync_fs's return.  Once U has moved since mount, every syncfs
 * fails with -EIO: sticky by design.
 */
struct ovl_config {
	/* ... */
	bool ovl_volatile;
};

struct ovl_fs {
	/* ... */
	struct ovl_config config;
	/* ... */
	errseq_t errseq;	/* errseq_sample(&upper_sb->s_wb_err) at mount */
};

static inline bool ovl_should_sync(struct ovl_fs *ofs)
{
	return !ofs->config.ovl_volatile;
}

/*
 * Returns 1 if we should sync, 0 if nothing to sync (volatile mount without error), and a
 * negative error if the upper filesystem had an error since the volatile mount.
 */
int ovl_sync_status(struct ovl_fs *ofs)
{
	struct vfsmount *mnt;

	if (ovl_should_sync(ofs))
		return 1;

	mnt = ovl_upper_mnt(ofs);
	if (!mnt)
		return 0;

	return errseq_check(&mnt->mnt_sb->s_wb_err, ofs->errseq);
}

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = OVL_FS(sb);
	struct super_block *upper_sb;
	int ret;

	ret = ovl_sync_status(ofs);

	if (ret < 0)
		return -EIO;

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
	struct ovl_fs *ofs;
	int err;
	/* ... */
	if (ofs->config.ovl_volatile) {
		ofs->errseq = errseq_sample(&ovl_upper_mnt(ofs)->mnt_sb->s_wb_err);
		if (errseq_check(&ovl_upper_mnt(ofs)->mnt_sb->s_wb_err, ofs->errseq)) {
			err = -EIO;
			pr_err("Cannot mount volatile when upperdir has an unseen error. Sync upperdir fs to clear state.\n");
			goto out_err;
		}
	}
	/* ... */
	return 0;
out_err:
	return err;
}
