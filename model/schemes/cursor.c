/*
 * ``cursor``: the overlay keeps its own cursor into U and re-raises what it finds on O.
 *
 * Discussed in the seed thread and after (J. Layton's sample-and-advance sketch, A. Goldstein's
 * "check and advance the overlay's sample"), never posted as a patch.  Mount samples
 * ``ofs->cursor = errseq_sample(&upper_sb->s_wb_err)``; ``ovl_sync_fs`` does::
 *
 *     1  err = errseq_check_and_advance(&upper_sb->s_wb_err, &ofs->cursor);
 *     2  if (err)
 *     3          errseq_set(&sb->s_wb_err, err);
 *     -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err)
 *
 * ``ofs->cursor`` is shared by every syncer of the overlay: with more than one, its read and
 * its store are steps of their own (DESIGN §6), so step 1 is a read of U, a read of the
 * cursor, a cmpxchg of U and a store of the cursor.  Step 1 also sets SEEN on U, on behalf of
 * files that are not on U.
 *
 * One bad interleaving, ``lost`` in ``seed``: P1 opens O; W sets EIO on U; P2 opens O, and its
 * syncfs consumes the error into ``ofs->cursor`` (U becomes ``ctr=0 EIO SEEN``) but has not
 * raised it on O yet; P1's syncfs, begun after the error, finds U equal to the advanced cursor
 * (err = 0) and checks O, still 0: it returns 0::
 *
 *     replay: cursor/none/seed/lost/-/P1,W,W,P2,P2,P2,P2,P2,P1,P1,P1
 *
 * Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
 *
 * cursor: the overlay keeps its own errseq cursor into U and re-raises what it finds on O.
 * Discussed on linux-unionfs, Nov-Dec 2020 (J. Layton's sample-and-advance sketch,
 * A. Goldstein's "check and advance the overlay's sample"), never posted as a patch:
 * written here as the v5.10 code would read with it.
 */
struct ovl_fs {
	/* ... */
	errseq_t cursor;	/* the overlay's cursor into upper_sb->s_wb_err */
};

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb;
	int ret, err;

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

	err = errseq_check_and_advance(&upper_sb->s_wb_err, &ofs->cursor);
	if (err)
		errseq_set(&sb->s_wb_err, err);

	return ret;
}

static int ovl_fill_super(struct super_block *sb, void *data, int silent)
{
	struct ovl_fs *ofs;
	/* ... */
	if (ovl_upper_mnt(ofs))
		ofs->cursor = errseq_sample(&ovl_upper_mnt(ofs)->mnt_sb->s_wb_err);
	/* ... */
	return 0;
}
