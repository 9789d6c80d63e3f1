/*
 * ``mustinc``: J. Layton's RFC v2 (2020-12-14): a second errseq flag, and O re-raised from U.
 *
 * "[RFC PATCH v2 1/2] errseq: split the SEEN flag into two new flags" and "[RFC PATCH v2 2/2]
 * overlayfs: propagate errors from upper to overlay sb in sync_fs" (not merged).  errseq_t
 * stays a u32: MUSTINC takes bit 13 and the counter (18 bits) starts at bit 14.  errseq_set
 * increments iff MUSTINC; ``errseq_peek`` sets MUSTINC only, so the next error is counted
 * without this one being marked seen; ``errseq_sample`` is a peek that returns 0 unless SEEN;
 * errseq_check ignores both flags; errseq_check_and_advance sets both, retrying once if it
 * lost a race to a peek.  The overlay half was written for volatile mounts, so it is sticky
 * like ``volatile`` by design::
 *
 *     mount:  ofs->errseq = errseq_peek(&upper_sb->s_wb_err);    // never written again
 *     1  ret = errseq_check(&upper_sb->s_wb_err, ofs->errseq);
 *     2  if (ret)
 *     3          errseq_set(&sb->s_wb_err, ret);
 *        return ret;                                             // ->sync_fs's result
 *     -- then fs/sync.c: errseq_check_and_advance(&O, &f->f_sb_err), RFC semantics
 *
 * The whole world (U, O, every cursor) uses the RFC layout: the layout is a parameter of the
 * world (``ErrseqLayout(mustinc=True)``), not a fork of the code, and ``effective_params``
 * gives it 18 counter bits at the kernel's 32-bit width (50 in the u64 of wide-counter).
 *
 * Every sample is a peek, and so a write: the overlay file's open peeks O, and the hidden real
 * file ovl_open opens on U peeks U (``kernel.open_realfile``; the real file's ``f_path`` is on
 * U since v6.7, before which it sampled the overlay's O).  The peek at mount finds U pristine
 * and writes nothing.
 *
 * Model notes: ovl_sync_fs returns the check's result, which the VFS passes up with
 * ``--sync-fs-errors returned``.  Not modelled: when check_and_advance's first cmpxchg
 * succeeds on a word that had MUSTINC without SEEN, the RFC loop makes a second cmpxchg with
 * the value it first read, which can only swap if the word has come back to that value since;
 * and its WARN_ON_ONCE.
 *
 * One bad interleaving, ``backward`` in ``race`` (not by design): errseq_set does not bump O
 * while O lacks MUSTINC, so a setter holding a stale errseq_check(U) result puts an older errno
 * back.  P1 and P2 open O; W sets EIO, P1's check of U reads EIO; W sets ENOSPC; P2's check
 * reads ENOSPC and sets ``ctr=0 ENOSPC`` in O; P1 sets ``ctr=0 EIO`` over it; P2's report
 * fails its cmpxchg on that word; P2's second syncfs sets ``ctr=0 ENOSPC`` again, a value O
 * held before::
 *
 *     replay: mustinc/none/race/backward/-/P1,P1,P2,P2,W,W,W,P1,W,P2,P2,P2,P2,P1,P1,P2,P2,P2,P2
 *
 * Verdicts, shortest lengths and state counts: ``tests/expected_verdicts.json``.
 *
 * mustinc: J. Layton, RFC v2, 2020-12-14, linux-fsdevel (not merged): "[RFC PATCH v2 1/2]
 * errseq: split the SEEN flag into two new flags" and "[RFC PATCH v2 2/2] overlayfs:
 * propagate errors from upper to overlay sb in sync_fs".  Written from the RFC as
 * model/schemes/mustinc.py describes it; checked with the volatile mount option on (the
 * catalogue entry sets it): the overlay half was for volatile mounts, so it is sticky like
 * volatile by design.
 *
 * Patch 1/2, lib/errseq.c: errseq_t stays a u32; MUSTINC takes bit 13 and the counter (18 bits)
 * starts at bit 14.  errseq_set increments iff MUSTINC; errseq_peek sets MUSTINC only, so
 * the next error is counted without this one being marked seen; errseq_sample is a peek
 * that returns 0 unless SEEN; errseq_check ignores both flags; errseq_check_and_advance
 * sets both (retrying once if it lost a race to a peek).  The defines below give the world
 * that layout (U, O and every cursor); the functions are the model's (model/kernel.py).
 *
 * Patch 2/2: mount peeks U into ofs->errseq (never written again); each syncfs re-raises in O
 * whatever U got since, and returns it.  The check sits after 'if (!wait)', so it runs in
 * ->sync_fs(sb, 1) only: once per syncfs, as in the Python model.
 */
#define ERRSEQ_MUSTINC		(1 << (ERRSEQ_SHIFT + 1))
#define ERRSEQ_CTR_INC		(1 << (ERRSEQ_SHIFT + 2))

struct ovl_fs {
	/* ... */
	errseq_t errseq;	/* errseq_peek(&upper_sb->s_wb_err) at mount */
};

static int ovl_sync_fs(struct super_block *sb, int wait)
{
	struct ovl_fs *ofs = sb->s_fs_info;
	struct super_block *upper_sb;
	int ret;

	if (!ovl_upper_mnt(ofs))
		return 0;

	/*
	 * Not called for sync(2) call or an emergency sync (SB_I_SKIP_SYNC).
	 * All the super blocks will be iterated, including upper_sb.
	 */
	if (!wait)
		return 0;

	upper_sb = ovl_upper_mnt(ofs)->mnt_sb;

	if (!ovl_should_sync(ofs)) {
		/* volatile: report what the upper fs got since mount, on O too */
		ret = errseq_check(&upper_sb->s_wb_err, ofs->errseq);
		if (ret)
			errseq_set(&sb->s_wb_err, ret);
		return ret;
	}

	down_read(&upper_sb->s_umount);
	ret = sync_filesystem(upper_sb);
	up_read(&upper_sb->s_umount);

	return ret;
}

static int ovl_fill_super(struct super_block *sb, void *data, int silent)
{
	struct ovl_fs *ofs;
	/* ... */
	if (ofs->config.ovl_volatile)
		ofs->errseq = errseq_peek(&ovl_upper_mnt(ofs)->mnt_sb->s_wb_err);
	/* ... */
	return 0;
}
