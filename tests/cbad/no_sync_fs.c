static int ovl_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	return 0;
}
