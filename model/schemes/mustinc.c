/*
 * mustinc: J. Layton, RFC v2, 2020-12-14, linux-fsdevel (not merged): "[RFC PATCH v2 1/2]
 * errseq: split the SEEN flag into two new flags" and "[RFC PATCH v2 2/2] overlayfs:
 * propagate errors from upper to overlay sb in sync_fs".  Written from the RFC as
 * model/schemes/mustinc.py describes it; checked with the volatile mount option on (the
 * catalogue entry sets it): the overlay half was for volatile mounts, so it is sticky like
 * volatile by design.
 *
 * 1/2, lib/errseq.c: errseq_t stays a u32; MUSTINC takes bit 13 and the counter (18 bits)
 * starts at bit 14.  errseq_set increments iff MUSTINC; errseq_peek sets MUSTINC only, so
 * the next error is counted without this one being marked seen; errseq_sample is a peek
 * that returns 0 unless SEEN; errseq_check ignores both flags; errseq_check_and_advance
 * sets both (retrying once if it lost a race to a peek).  The defines below give the world
 * that layout (U, O and every cursor); the functions are the model's (model/kernel.py).
 *
 * 2/2: mount peeks U into ofs->errseq (never written again); each syncfs re-raises in O
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
