/*
 * ``volatile``: the error handling of volatile overlay mounts, v5.11 to v6.11.
 *
 * Shipped in v5.11, commit 335d3fc57941 ("ovl: implement volatile-specific fsync error
 * behaviour"; marked for stable, as a fix of the v5.10 volatile option).  Mount samples
 * ``ofs->errseq = errseq_sample(&upper_sb->s_wb_err)`` (and refuses to mount if errseq_check
 * already fails; U is pristine at mount here).  ``ovl_sync_fs`` skips syncing (volatile) and
 * does::
 *
 *     1  if (errseq_check(&upper_sb->s_wb_err, ofs->errseq)) {    // ofs->errseq never written
 *     2          errseq_set(&sb->s_wb_err, -EIO);                 // v5.11-v6.11 only
 *                return -EIO;                                     // since v5.11
 *        }
 *     -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err);
 *        returns ->sync_fs's error if the VFS passes it up, else the check's
 *
 * The -EIO return is there from v5.11 on, but until v5.17 (5679897eb104, "vfs: make
 * sync_filesystem return errors from ->sync_fs") the VFS dropped it, which is why step 2 sets
 * O.  With ``--sync-fs-errors ignored`` the v5.11 code is v5.11-v5.16 mainline; 5679897eb104
 * was backported to 5.16.y, 5.15.y and 5.10.y, so those stable kernels behave as ``returned``
 * (the default), which is also v5.17-v6.11.
 *
 * Once U has moved, the overlay keeps failing syncfs with -EIO: the error is sticky by design,
 * so ``double`` is outside the contract.
 *
 * The check sits before 'if (!wait)', and sync_filesystem() calls ->sync_fs(sb, 0) then
 * ->sync_fs(sb, 1), as fs/sync.c does: both calls run it unless the first one's -EIO ends the
 * syscall (v5.17+).  (The Python class this file replaced ran it once: the same verdicts, with
 * more states and some longer shortest traces here.)
 *
 * One bad interleaving, ``double`` in ``seed`` (by design): W sets EIO on U; P1 opens O; its
 * first syncfs finds U moved since mount, sets ``ctr=0 EIO`` on O and reports it (O becomes
 * ``ctr=0 EIO SEEN``); its second syncfs finds U still moved, errseq_set bumps O to ``ctr=1
 * EIO``, and the check reports -EIO again, with no new error on U::
 *
 *     replay: volatile/none/seed/double/-/W,W,P1,P1,P1,P1,P1,P1,P1,P1,P1,P1,P1
 *
 * Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
 *
 * volatile: the error handling of volatile overlay mounts, as shipped in v5.11
 * (commit 335d3fc57941, "ovl: implement volatile-specific fsync error behaviour", marked
 * for stable). fs/overlayfs/{ovl_entry.h,overlayfs.h,util.c,super.c} as they read in v5.11;
 * checked with the volatile mount option on (the catalogue entry sets it).
 *
 * Once U has moved since mount, every syncfs fails with -EIO: sticky by design.  Before
 * v5.17 (5679897eb104) the VFS dropped ->sync_fs's return, hence the errseq_set on O.
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
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb;
	int ret;

	ret = ovl_sync_status(ofs);
	/*
	 * We have to always set the err, because the return value isn't
	 * checked in syncfs, and instead indirectly return an error via
	 * the sb's writeback errseq, which VFS inspects after this call.
	 */
	if (ret < 0) {
		errseq_set(&sb->s_wb_err, -EIO);
		return -EIO;
	}

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
