/*
 * ``copy-counter``: copy U into O (without SEEN) only when U's counter moved.
 *
 * S. Dhillon, 2020-11-28, in the seed thread ("This also needs some locking sprinkled on it"):
 * mount sets ``sb->s_wb_err = READ_ONCE(upper_sb->s_wb_err)``; ``ovl_sync_fs`` does::
 *
 *     1  src = READ_ONCE(upper_sb->s_wb_err);
 *     2  if (errseq_counter(src) != errseq_counter(sb->s_wb_err))     // reads O
 *     3          WRITE_ONCE(sb->s_wb_err, src & ~ERRSEQ_SEEN);
 *     -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err)
 *
 * Only an errseq_set on a word that has SEEN bumps U's counter, and this scheme never sets SEEN
 * on U: a process syncing a file directly on U must.  Until one does, step 2 compares equal
 * counters and O keeps its mount value.  When the counter does move, racing copies (steps 1-3
 * without a lock) can put an older word back in O, and a counter that wraps to O's value
 * hides the errors in between (S. Dhillon: "exactly enough errors ... wrapping back to the
 * same value").
 *
 * One bad interleaving, ``lost`` in ``seed``: P1 opens O; W sets EIO on U (``ctr=0 EIO``);
 * P1's syncfs reads U, finds its counter 0 equal to O's and copies nothing; the check of O
 * returns 0::
 *
 *     replay: copy-counter/none/seed/lost/-/P1,W,W,P1,P1,P1
 *
 * Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
 *
 * copy-counter: S. Dhillon, 2020-11-28, linux-unionfs (seed thread): fs/overlayfs/super.c
 * (v5.10) and lib/errseq.c as they read after the diff. "This also needs some locking
 * sprinkled on it because racing can occur with sync_fs" (S. Dhillon), and a counter that
 * wraps to O's value hides the errors in between.
 */
struct ovl_fs {
	struct vfsmount *upper_mnt;
	/* ... */
};

int errseq_counter(errseq_t eseq)
{
	return eseq >> (ERRSEQ_SHIFT + 1);
}

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
	/* ... */
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
	struct ovl_fs *ofs;
	/* ... */
	sb->s_stack_depth = ovl_upper_mnt(ofs)->mnt_sb->s_stack_depth;
	sb->s_time_gran = ovl_upper_mnt(ofs)->mnt_sb->s_time_gran;
	sb->s_wb_err = READ_ONCE(ovl_upper_mnt(ofs)->mnt_sb->s_wb_err);
	/* ... */
	return 0;
}
