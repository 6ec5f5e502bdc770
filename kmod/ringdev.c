// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vtl, the character device a daemon attaches its ring through
 * (<linux/vtl_ring.h>): open, the attach and kick ioctls, mmap, poll.
 *
 * Each of open, attach and mmap needs CAP_NET_ADMIN in the initial user
 * namespace, as VTL's netlink commands do (GENL_ADMIN_PERM): an fd passed
 * to an unprivileged process gives it nothing new.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "ring.h"

/**
 * struct vtl_ringdev_file - an open /dev/vtl
 * @lock: serialises attaches; never held around a user copy or by mmap,
 *	which runs under the mm's lock that a page fault takes
 * @ring: the attached ring, or NULL before attach; set once, under @lock,
 *	and read without it (vtl_ringdev_ring())
 */
struct vtl_ringdev_file {
	struct mutex lock;	/* attaches */
	struct vtl_ring *ring;
};

static int vtl_ringdev_open(struct inode *inode, struct file *file)
{
	struct vtl_ringdev_file *rf;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	rf = kzalloc(sizeof(*rf), GFP_KERNEL_ACCOUNT);
	if (!rf)
		return -ENOMEM;
	mutex_init(&rf->lock);
	file->private_data = rf;
	return nonseekable_open(inode, file);
}

static int vtl_ringdev_release(struct inode *inode, struct file *file)
{
	struct vtl_ringdev_file *rf = file->private_data;

	if (rf->ring)
		vtl_ring_release(rf->ring);
	mutex_destroy(&rf->lock);
	kfree(rf);
	return 0;
}

/* The ring, once attached; a file's ring never changes after that. */
static struct vtl_ring *vtl_ringdev_ring(struct vtl_ringdev_file *rf)
{
	/* Pairs with the release in vtl_ringdev_attach(). */
	return smp_load_acquire(&rf->ring);
}

/*
 * A failure to write the answer back (EFAULT) leaves the file attached: its
 * ring is freed with it.
 */
static long vtl_ringdev_attach(struct vtl_ringdev_file *rf,
			       struct vtl_ring_attach __user *uarg)
{
	struct vtl_ring_attach req;
	struct vtl_ring *ring;

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	mutex_lock(&rf->lock);
	if (rf->ring) {
		mutex_unlock(&rf->lock);
		return -EBUSY;
	}
	ring = vtl_ring_attach(current->nsproxy->net_ns, &req);
	if (IS_ERR(ring)) {
		mutex_unlock(&rf->lock);
		return PTR_ERR(ring);
	}
	/* Set up before kick, poll and mmap can see it. */
	smp_store_release(&rf->ring, ring);
	mutex_unlock(&rf->lock);
	return copy_to_user(uarg, &req, sizeof(req)) ? -EFAULT : 0;
}

static long vtl_ringdev_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct vtl_ringdev_file *rf = file->private_data;
	struct vtl_ring *ring;

	switch (cmd) {
	case VTL_RING_IOC_ATTACH:
		return vtl_ringdev_attach(rf, (void __user *)arg);
	case VTL_RING_IOC_KICK:
		ring = vtl_ringdev_ring(rf);
		if (!ring)
			return -EINVAL;
		return vtl_ring_kick(ring);
	default:
		return -ENOTTY;
	}
}

static __poll_t vtl_ringdev_poll(struct file *file, poll_table *wait)
{
	struct vtl_ring *ring = vtl_ringdev_ring(file->private_data);

	if (!ring)
		return EPOLLERR;
	return vtl_ring_poll(ring, file, wait);
}

static int vtl_ringdev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct vtl_ring *ring = vtl_ringdev_ring(file->private_data);

	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (!ring)
		return -EINVAL;
	return vtl_ring_mmap(ring, vma);
}

static const struct file_operations vtl_ringdev_fops = {
	.owner = THIS_MODULE,
	.open = vtl_ringdev_open,
	.release = vtl_ringdev_release,
	.unlocked_ioctl = vtl_ringdev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.poll = vtl_ringdev_poll,
	.mmap = vtl_ringdev_mmap,
};

static struct miscdevice vtl_ringdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = VTL_RING_DEV_NAME,
	.fops = &vtl_ringdev_fops,
	.mode = 0600,
};

int __init vtl_ringdev_init(void)
{
	return misc_register(&vtl_ringdev);
}

/* Context: no file can be open: each holds a reference on the module. */
void vtl_ringdev_uninit(void)
{
	misc_deregister(&vtl_ringdev);
}
