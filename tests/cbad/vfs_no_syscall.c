/* fs/sync.c's sync_filesystem alone: no syncfs in it */
int sync_filesystem(struct super_block *sb)
{
	int ret;

	if (sb_rdonly(sb))
		return 0;
	ret = __sync_filesystem(sb, 0);
	if (ret < 0)
		return ret;
	return __sync_filesystem(sb, 1);
}
