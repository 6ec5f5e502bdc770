// SPDX-License-Identifier: GPL-2.0
/*
 * A port's rewrite rules and their changes: copy on write under RTNL, the
 * old array freed after a grace period.  Ports have few rules (a shortcut
 * per remote subnet or VM), so lookup is a scan of the array, longest
 * prefix first.
 */
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <uapi/linux/vtl.h>

#include "rw_rules.h"

/**
 * vtl_rw_prefix_match() - is @addr in @prefix/@len?
 * @addr: the address, network order
 * @prefix: the prefix, bits past @len zero
 * @len: its length in bits
 *
 * Return: true if it is.
 */
bool vtl_rw_prefix_match(const u8 *addr, const u8 *prefix, u8 len)
{
	unsigned int bytes = len / 8, bits = len % 8;

	if (memcmp(addr, prefix, bytes))
		return false;
	return !bits || !((addr[bytes] ^ prefix[bytes]) & (0xff << (8 - bits)));
}

/**
 * vtl_rw_lookup() - the rule for a destination address
 * @conf: the port's rules, or NULL
 * @family: 4 or 6
 * @daddr: the address
 *
 * Context: RCU read side (or RTNL).
 * Return: the rule with the longest prefix holding @daddr, or NULL.
 */
const struct vtl_rw_rule *vtl_rw_lookup(const struct vtl_rw_conf *conf,
					u8 family, const u8 *daddr)
{
	u32 i;

	for (i = 0; conf && i < conf->n; i++)
		if (conf->r[i]->family == family &&
		    vtl_rw_prefix_match(daddr, conf->r[i]->dst,
					conf->r[i]->dst_len))
			return conf->r[i];
	return NULL;
}

static void vtl_rw_rule_put(struct vtl_rw_rule *r)
{
	if (!refcount_dec_and_test(&r->ref))
		return;
	free_percpu(r->hits);
	kfree(r);
}

/**
 * vtl_rw_conf_release() - free an array of rules nobody reads any more
 * @conf: the array, or NULL
 *
 * Context: any; does not sleep.
 */
void vtl_rw_conf_release(struct vtl_rw_conf *conf)
{
	u32 i;

	if (!conf)
		return;
	for (i = 0; i < conf->n; i++)
		vtl_rw_rule_put(conf->r[i]);
	kvfree(conf);
}

static void vtl_rw_conf_free_rcu(struct rcu_head *rcu)
{
	vtl_rw_conf_release(container_of(rcu, struct vtl_rw_conf, rcu));
}

static struct vtl_rw_conf *vtl_rw_conf_alloc(u32 n)
{
	struct vtl_rw_conf *conf;

	conf = kvzalloc(struct_size(conf, r, n), GFP_KERNEL_ACCOUNT);
	if (conf)
		conf->n = n;
	return conf;
}

/* Make @conf the port's (NULL if empty); the old one goes after a grace period. */
static void vtl_rw_publish(struct vtl_rw_port *rp, struct vtl_rw_conf *conf)
{
	struct vtl_rw_conf *old;

	if (conf && !conf->n) {
		kvfree(conf);
		conf = NULL;
	}
	old = rcu_replace_pointer(rp->conf, conf, lockdep_rtnl_is_held());
	(*rp->genid)++;
	vtl_rw_use(rp);
	if (old)
		call_rcu(&old->rcu, vtl_rw_conf_free_rcu);
}

static bool vtl_rw_same_prefix(const struct vtl_rw_rule *a, u8 family,
			       const u8 *dst, u8 dst_len)
{
	return a->family == family && a->dst_len == dst_len &&
	       !memcmp(a->dst, dst, sizeof(a->dst));
}

/**
 * vtl_rw_rule_add() - add a rule to a port
 * @rp: the port's rewriting
 * @tmpl: the rule (checked by the caller); copied
 * @extack: for the reason of a failure
 *
 * A rule tunnel auto installs (%VTL_RW_AUTO) never replaces another; one
 * the user adds replaces an automatic one of the same prefix.
 *
 * Context: RTNL.
 * Return: 0; -EEXIST for a prefix the port has a rule for; -E2BIG for too
 * many rules; -ENOMEM.
 */
int vtl_rw_rule_add(struct vtl_rw_port *rp, const struct vtl_rw_rule *tmpl,
		    struct netlink_ext_ack *extack)
{
	const struct vtl_rw_conf *old = rtnl_dereference(rp->conf);
	u32 n = old ? old->n : 0, i, j, replace = U32_MAX;
	struct vtl_rw_conf *conf;
	struct vtl_rw_rule *r;
	bool placed = false;

	for (i = 0; i < n; i++) {
		if (!vtl_rw_same_prefix(old->r[i], tmpl->family, tmpl->dst,
					tmpl->dst_len))
			continue;
		if ((tmpl->flags & VTL_RW_AUTO) ||
		    !(old->r[i]->flags & VTL_RW_AUTO)) {
			NL_SET_ERR_MSG(extack,
				       "conflicting rule: the port has a rule for this prefix");
			return -EEXIST;
		}
		replace = i;
	}
	if (replace == U32_MAX && n >= VTL_REWRITE_MAX_RULES) {
		NL_SET_ERR_MSG(extack, "the port has the most rewrite rules it may have");
		return -E2BIG;
	}

	r = kmemdup(tmpl, sizeof(*tmpl), GFP_KERNEL_ACCOUNT);
	if (!r)
		return -ENOMEM;
	r->hits = vtl_hits_alloc();
	conf = vtl_rw_conf_alloc(n + (replace == U32_MAX));
	if (!r->hits || !conf) {
		free_percpu(r->hits);
		kfree(r);
		kvfree(conf);
		return -ENOMEM;
	}
	refcount_set(&r->ref, 1);
	/* After every longer (or equal) prefix, before every shorter one. */
	for (i = 0, j = 0; i < n; i++) {
		if (i == replace)
			continue;
		if (!placed && old->r[i]->dst_len < r->dst_len) {
			conf->r[j++] = r;
			placed = true;
		}
		refcount_inc(&old->r[i]->ref);
		conf->r[j++] = old->r[i];
	}
	if (!placed)
		conf->r[j] = r;
	vtl_rw_publish(rp, conf);
	return 0;
}

/*
 * Publish the port's rules without those @drop says to drop.  Return: how
 * many were dropped, or -ENOMEM.
 */
static int vtl_rw_filter(struct vtl_rw_port *rp,
			 bool (*drop)(const struct vtl_rw_rule *r,
				      const void *arg),
			 const void *arg)
{
	const struct vtl_rw_conf *old = rtnl_dereference(rp->conf);
	struct vtl_rw_conf *conf;
	u32 i, j, gone = 0;

	for (i = 0; old && i < old->n; i++)
		gone += drop(old->r[i], arg);
	if (!gone)
		return 0;
	conf = vtl_rw_conf_alloc(old->n - gone);
	if (!conf)
		return -ENOMEM;
	for (i = 0, j = 0; i < old->n; i++) {
		if (drop(old->r[i], arg))
			continue;
		refcount_inc(&old->r[i]->ref);
		conf->r[j++] = old->r[i];
	}
	vtl_rw_publish(rp, conf);
	return gone;
}

struct vtl_rw_match {
	u8 family;
	u8 dst_len;
	bool auto_only;
	int out_ifindex;
	const u8 *dst;
};

static bool vtl_rw_drop_prefix(const struct vtl_rw_rule *r, const void *arg)
{
	const struct vtl_rw_match *m = arg;

	return vtl_rw_same_prefix(r, m->family, m->dst, m->dst_len) &&
	       (!m->auto_only || (r->flags & VTL_RW_AUTO));
}

static bool vtl_rw_drop_some(const struct vtl_rw_rule *r, const void *arg)
{
	const struct vtl_rw_match *m = arg;

	return (!m->auto_only || (r->flags & VTL_RW_AUTO)) &&
	       (!m->out_ifindex || r->out_ifindex == m->out_ifindex);
}

/**
 * vtl_rw_rule_del() - delete a port's rule for a prefix
 * @rp: the port's rewriting
 * @family: 4 or 6
 * @dst: the prefix, 16 bytes, bits past @dst_len zero
 * @dst_len: its length
 * @auto_only: only if tunnel auto installed it
 *
 * Context: RTNL.
 * Return: 0, -ENOENT without such a rule, -ENOMEM.
 */
int vtl_rw_rule_del(struct vtl_rw_port *rp, u8 family, const u8 *dst,
		    u8 dst_len, bool auto_only)
{
	struct vtl_rw_match m = {
		.family = family,
		.dst = dst,
		.dst_len = dst_len,
		.auto_only = auto_only,
	};
	int ret = vtl_rw_filter(rp, vtl_rw_drop_prefix, &m);

	return ret ? min(ret, 0) : -ENOENT;
}

/**
 * vtl_rw_conf_new() - a port's rules, from scratch, not yet the port's
 * @tmpl: the rules (checked by the caller, their prefixes distinct);
 *	copied
 * @n: how many, at most %VTL_REWRITE_MAX_RULES
 *
 * Context: process; may sleep.
 * Return: the rules, longest prefix first, NULL for none, or
 * ERR_PTR(-ENOMEM).
 */
struct vtl_rw_conf *vtl_rw_conf_new(const struct vtl_rw_rule *tmpl, u32 n)
{
	struct vtl_rw_conf *conf;
	struct vtl_rw_rule *r;
	u32 i, j;

	if (!n)
		return NULL;
	conf = vtl_rw_conf_alloc(n);
	if (!conf)
		return ERR_PTR(-ENOMEM);
	conf->n = 0;
	for (i = 0; i < n; i++) {
		r = kmemdup(&tmpl[i], sizeof(*r), GFP_KERNEL_ACCOUNT);
		if (!r)
			goto err;
		r->hits = vtl_hits_alloc();
		if (!r->hits) {
			kfree(r);
			goto err;
		}
		refcount_set(&r->ref, 1);
		/* After every longer (or equal) prefix. */
		for (j = conf->n; j && conf->r[j - 1]->dst_len < r->dst_len; j--)
			conf->r[j] = conf->r[j - 1];
		conf->r[j] = r;
		conf->n++;
	}
	return conf;

err:
	vtl_rw_conf_release(conf);
	return ERR_PTR(-ENOMEM);
}

/**
 * vtl_rw_conf_set() - make rules the port's, replacing all it had
 * @rp: the port's rewriting
 * @conf: from vtl_rw_conf_new(), or NULL for none; the port takes it
 *
 * Context: RTNL.
 */
void vtl_rw_conf_set(struct vtl_rw_port *rp, struct vtl_rw_conf *conf)
{
	vtl_rw_publish(rp, conf);
}

/**
 * vtl_rw_rules_flush() - delete a port's rules
 * @rp: the port's rewriting
 * @auto_only: only those tunnel auto installed
 * @out_ifindex: only those into this port; 0 for any
 *
 * Context: RTNL.
 * Return: how many went, or -ENOMEM.
 */
int vtl_rw_rules_flush(struct vtl_rw_port *rp, bool auto_only,
		       int out_ifindex)
{
	struct vtl_rw_match m = {
		.auto_only = auto_only,
		.out_ifindex = out_ifindex,
	};

	return vtl_rw_filter(rp, vtl_rw_drop_some, &m);
}
