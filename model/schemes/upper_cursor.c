/*
 * ``upper-cursor``: overlay files keep their cursor on U itself (V. Goyal, v3, not merged).
 *
 * V. Goyal, "overlayfs: Report writeback errors on upper" (v3, patch 3/3, 2020-12-21): a new
 * ``s_op->errseq_check_advance`` hook lets the VFS ask the overlay to check the file.  At open,
 * after the real file is opened, ``ovl_init_file_errseq`` re-samples the file's cursor from U
 * (``f_sb_err = errseq_sample(&upper_sb->s_wb_err)``), and syncfs calls::
 *
 *     1  if (!errseq_check(&upper_sb->s_wb_err, file->f_sb_err))   // lockless
 *            return 0;
 *     2  spin_lock(&file->f_lock);
 *     3  ret = errseq_check_and_advance(&upper_sb->s_wb_err, &file->f_sb_err);
 *     4  spin_unlock(&file->f_lock);
 *
 * That is the shape of J. Layton's f_lock patch for the VFS (``--flock``) with U for O, and
 * both come from ``CallCtx.check_advance_under_f_lock``.  (v2, 2020-12-16, was "overlayfs:
 * Check writeback errors w.r.t upper in ->syncfs()", through a new ``f_op->syncfs``.)  O is
 * never written.  The file's layer stays O for the ``unseen`` contract: each overlay file is a
 * plain errseq subscriber of U, so a consumer on U (or on another overlay) hides an error from
 * a later opener on O.
 *
 * One bad interleaving, ``unseen`` in ``race``: W sets EIO on U; Q1 opens U and its syncfs
 * consumes the error (U becomes ``ctr=0 EIO SEEN``); P1 then opens O, its cursor samples U
 * with SEEN, and its first syncfs returns 0 at the lockless check, though no file on O was
 * told of the error::
 *
 *     replay: upper-cursor/none/race/unseen/-/W,W,Q1,Q1,Q1,P1,P1
 *
 * Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
 *
 * upper-cursor: V. Goyal, "[PATCH v3 3/3] overlayfs: Report writeback errors on upper",
 * 2020-12-21, linux-fsdevel (not merged).  Patch 1/3 adds s_op->errseq_check_advance, which
 * syncfs(2) calls instead of its own errseq_check_and_advance(); this patch makes each
 * overlay file a subscriber of U: its cursor is re-sampled from U at open and checked
 * against U, lockless first, then under the file's f_lock.  O is never written.
 * ovl_sync_fs is unchanged (v5.10).  Written from the shape the Python scheme's header
 * gives; lines of the patch the model has no use for are elided.
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
	/* ... */
	if (!wait)
		return 0;

	upper_sb = ovl_upper_mnt(ofs)->mnt_sb;

	down_read(&upper_sb->s_umount);
	ret = sync_filesystem(upper_sb);
	up_read(&upper_sb->s_umount);

	return ret;
}

static void ovl_init_file_errseq(struct file *file)
{
	struct super_block *upper_sb = ovl_upper_mnt(OVL_FS(file_inode(file)->i_sb))->mnt_sb;

	file->f_sb_err = errseq_sample(&upper_sb->s_wb_err);
}

static int ovl_errseq_check_advance(struct super_block *sb, struct file *file)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb;
	int ret;

	if (!ovl_upper_mnt(ofs))
		return 0;

	upper_sb = ovl_upper_mnt(ofs)->mnt_sb;

	if (!errseq_check(&upper_sb->s_wb_err, file->f_sb_err))
		return 0;

	/* Something changed, must use slow path */
	spin_lock(&file->f_lock);
	ret = errseq_check_and_advance(&upper_sb->s_wb_err, &file->f_sb_err);
	spin_unlock(&file->f_lock);

	return ret;
}
