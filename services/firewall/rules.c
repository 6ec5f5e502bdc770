// SPDX-License-Identifier: GPL-2.0
/*
 * A port's firewall configuration and its changes.  Every change runs under
 * RTNL, builds a new &struct vtl_fw_conf and publishes it with one pointer
 * swap; on any error nothing changes.
 */
#include <linux/overflow.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "service.h"

#include "rules.h"

static void vtl_fw_entry_put(struct vtl_fw_entry *e)
{
	if (!refcount_dec_and_test(&e->ref))
		return;
	free_percpu(e->hits);
	kfree(e);
}

/* A new rule, with one reference, its creator's. */
static struct vtl_fw_entry *vtl_fw_entry_new(const struct vtl_fw_spec *spec,
					     u32 id)
{
	struct vtl_fw_entry *e;

	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return NULL;
	e->hits = vtl_hits_alloc();
	if (!e->hits) {
		kfree(e);
		return NULL;
	}
	e->rule = spec->rule;
	e->rule.id = id;
	e->dir = spec->dir;
	refcount_set(&e->ref, 1);
	return e;
}

static void vtl_fw_chain_put(struct vtl_fw_chain *chain)
{
	u32 i;

	if (!chain || !refcount_dec_and_test(&chain->ref))
		return;
	for (i = 0; i < chain->n; i++)
		vtl_fw_entry_put(chain->e[i]);
	vtl_fw_free(chain->cls);
	kvfree(chain);
}

/*
 * The chain of rules @e[0..n), each of which it takes a reference on; NULL
 * for no rules.  Errors as vtl_fw_compile()'s, with a message.
 */
static struct vtl_fw_chain *vtl_fw_chain_new(struct vtl_fw_entry **e, u32 n,
					     struct netlink_ext_ack *extack,
					     int *err)
{
	struct vtl_fw_chain *chain;
	struct vtl_fw_rule *rules;
	u32 i;

	*err = 0;
	if (!n)
		return NULL;
	*err = -ENOMEM;
	rules = kvmalloc_array(n, sizeof(*rules), GFP_KERNEL);
	if (!rules)
		return NULL;
	chain = kvzalloc(struct_size(chain, e, n), GFP_KERNEL_ACCOUNT);
	if (!chain)
		goto out;
	for (i = 0; i < n; i++)
		rules[i] = e[i]->rule;
	chain->cls = vtl_fw_compile(rules, n, err);
	if (!chain->cls) {
		if (*err == -E2BIG)
			NL_SET_ERR_MSG(extack,
				       "the rule set would be too large to compile");
		kvfree(chain);
		chain = NULL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		chain->e[i] = e[i];
		refcount_inc(&e[i]->ref);
	}
	chain->n = n;
	refcount_set(&chain->ref, 1);
out:
	kvfree(rules);
	return chain;
}

/**
 * vtl_fw_conf_release() - free a configuration nobody reads any more
 * @conf: the configuration, or NULL
 *
 * Context: any; does not sleep.
 */
void vtl_fw_conf_release(struct vtl_fw_conf *conf)
{
	unsigned int d;

	if (!conf)
		return;
	for (d = 0; d < VTL_FW_NDIR; d++)
		vtl_fw_chain_put(conf->chain[d]);
	kfree(conf);
}

static void vtl_fw_conf_free_work(struct work_struct *work)
{
	vtl_fw_conf_release(container_of(to_rcu_work(work),
					 struct vtl_fw_conf, rwork));
}

/* A copy of @old, or of the default without it, sharing its chains. */
static struct vtl_fw_conf *vtl_fw_conf_dup(const struct vtl_fw_conf *old)
{
	struct vtl_fw_conf *conf;
	unsigned int d;

	conf = kzalloc(sizeof(*conf), GFP_KERNEL_ACCOUNT);
	if (!conf)
		return NULL;
	for (d = 0; d < VTL_FW_NDIR; d++) {
		conf->policy[d] = old ? old->policy[d] : VTL_FW_VERDICT_ACCEPT;
		conf->chain[d] = old ? old->chain[d] : NULL;
		if (conf->chain[d])
			refcount_inc(&conf->chain[d]->ref);
	}
	return conf;
}

/* Does a rule of @conf (or NULL) match connection states? */
static bool vtl_fw_conf_stateful(const struct vtl_fw_conf *conf)
{
	const struct vtl_fw_chain *chain;
	unsigned int d;
	u32 i;

	for (d = 0; conf && d < VTL_FW_NDIR; d++) {
		chain = conf->chain[d];
		for (i = 0; chain && i < chain->n; i++)
			if (chain->e[i]->rule.state)
				return true;
	}
	return false;
}

/*
 * Make @conf the port's; the old one goes after a grace period.  The port
 * tracks its connections from before a configuration that needs them is
 * seen until after the last one is gone, and its frames meet the firewall
 * once it has a configuration (even one that accepts all: it counts them).
 */
static void vtl_fw_publish(struct vtl_fw_port *fp, struct vtl_fw_conf *conf)
{
	bool stateful = vtl_fw_conf_stateful(conf);
	struct vtl_fw_conf *old;

	if (stateful)
		vtl_service_conns(fp->port, vtl_firewall_id, true);
	if (conf)
		vtl_service_frames(fp->port, vtl_firewall_id, VTL_SVC_BOTH);
	old = rcu_replace_pointer(fp->conf, conf, lockdep_rtnl_is_held());
	fp->genid++;
	if (!conf)
		vtl_service_frames(fp->port, vtl_firewall_id, 0);
	if (!stateful)
		vtl_service_conns(fp->port, vtl_firewall_id, false);
	if (!old)
		return;
	INIT_RCU_WORK(&old->rwork, vtl_fw_conf_free_work);
	queue_rcu_work(vtl_wq, &old->rwork);
}

/**
 * vtl_fw_conf_policy() - a configuration's policy of a direction
 * @conf: the configuration, or NULL for the default
 * @dir: &enum vtl_fw_dir
 *
 * Return: &enum vtl_fw_verdict.
 */
u8 vtl_fw_conf_policy(const struct vtl_fw_conf *conf, u8 dir)
{
	return conf ? conf->policy[dir - 1] : VTL_FW_VERDICT_ACCEPT;
}

/**
 * vtl_fw_conf_rules() - how many rules a configuration has in a direction
 * @conf: the configuration, or NULL
 * @dir: &enum vtl_fw_dir
 *
 * Return: the number.
 */
u32 vtl_fw_conf_rules(const struct vtl_fw_conf *conf, u8 dir)
{
	return conf && conf->chain[dir - 1] ? conf->chain[dir - 1]->n : 0;
}

/* Publish the current configuration with @dir's rules replaced by @e. */
static int vtl_fw_replace_chain(struct vtl_fw_port *fp, u8 dir,
				struct vtl_fw_entry **e, u32 n,
				struct netlink_ext_ack *extack)
{
	struct vtl_fw_conf *conf;
	struct vtl_fw_chain *chain;
	int err;

	conf = vtl_fw_conf_dup(rtnl_dereference(fp->conf));
	if (!conf)
		return -ENOMEM;
	chain = vtl_fw_chain_new(e, n, extack, &err);
	if (err) {
		vtl_fw_conf_release(conf);
		return err;
	}
	vtl_fw_chain_put(conf->chain[dir - 1]);
	conf->chain[dir - 1] = chain;
	vtl_fw_publish(fp, conf);
	return 0;
}

/* The rules of @dir, as an array the caller frees with kvfree(). */
static struct vtl_fw_entry **vtl_fw_entries(const struct vtl_fw_conf *conf,
					    u8 dir, u32 extra, u32 *n)
{
	const struct vtl_fw_chain *chain = conf ? conf->chain[dir - 1] : NULL;
	struct vtl_fw_entry **e;

	*n = chain ? chain->n : 0;
	e = kvmalloc_array(*n + extra, sizeof(*e), GFP_KERNEL);
	if (e && *n)
		memcpy(e, chain->e, *n * sizeof(*e));
	return e;
}

/* The next rule id: never 0, and 2^32 rules later still unique enough. */
static u32 vtl_fw_next_id(struct vtl_fw_port *fp)
{
	if (!++fp->next_id)
		++fp->next_id;
	return fp->next_id;
}

/**
 * vtl_fw_rule_add() - append a rule to a port's rules of its direction
 * @fp: the port's firewall
 * @spec: the rule, checked with vtl_fw_rule_check()
 * @id: set to the new rule's id
 * @extack: for the reason of a failure
 *
 * Context: RTNL.
 * Return: 0, -E2BIG for too many rules or too large a set, -ENOMEM.
 */
int vtl_fw_rule_add(struct vtl_fw_port *fp, const struct vtl_fw_spec *spec,
		    u32 *id, struct netlink_ext_ack *extack)
{
	const struct vtl_fw_conf *old = rtnl_dereference(fp->conf);
	struct vtl_fw_entry **e;
	int ret = -ENOMEM;
	u32 n;

	if (vtl_fw_conf_rules(old, VTL_FW_DIR_IN) +
	    vtl_fw_conf_rules(old, VTL_FW_DIR_OUT) >= VTL_FW_MAX_RULES) {
		NL_SET_ERR_MSG(extack, "the port has the most rules it may have");
		return -E2BIG;
	}
	e = vtl_fw_entries(old, spec->dir, 1, &n);
	if (!e)
		return -ENOMEM;
	e[n] = vtl_fw_entry_new(spec, vtl_fw_next_id(fp));
	if (e[n]) {
		ret = vtl_fw_replace_chain(fp, spec->dir, e, n + 1, extack);
		if (!ret)
			*id = e[n]->rule.id;
		vtl_fw_entry_put(e[n]);
	}
	kvfree(e);
	return ret;
}

/**
 * vtl_fw_rule_del() - delete a rule of a port
 * @fp: the port's firewall
 * @id: the rule's id
 *
 * Context: RTNL.
 * Return: 0, -ENOENT if the port has no such rule, -ENOMEM.
 */
int vtl_fw_rule_del(struct vtl_fw_port *fp, u32 id)
{
	const struct vtl_fw_conf *old = rtnl_dereference(fp->conf);
	struct vtl_fw_entry **e;
	u32 n, i;
	u8 dir;
	int ret;

	for (dir = VTL_FW_DIR_IN; dir <= VTL_FW_DIR_OUT; dir++) {
		e = vtl_fw_entries(old, dir, 0, &n);
		if (!e)
			return -ENOMEM;
		for (i = 0; i < n && e[i]->rule.id != id; i++)
			;
		if (i < n) {
			memmove(&e[i], &e[i + 1], (n - i - 1) * sizeof(*e));
			/* Fewer rules compile to less: only -ENOMEM left. */
			ret = vtl_fw_replace_chain(fp, dir, e, n - 1, NULL);
			kvfree(e);
			return ret;
		}
		kvfree(e);
	}
	return -ENOENT;
}

/**
 * vtl_fw_rules_flush() - delete every rule of a port, or of a direction
 * @fp: the port's firewall
 * @dir: &enum vtl_fw_dir, or 0 for both
 *
 * Context: RTNL.
 * Return: 0 or -ENOMEM.
 */
int vtl_fw_rules_flush(struct vtl_fw_port *fp, u8 dir)
{
	struct vtl_fw_conf *conf;
	unsigned int d;

	conf = vtl_fw_conf_dup(rtnl_dereference(fp->conf));
	if (!conf)
		return -ENOMEM;
	for (d = 0; d < VTL_FW_NDIR; d++) {
		if (dir && d != dir - 1)
			continue;
		vtl_fw_chain_put(conf->chain[d]);
		conf->chain[d] = NULL;
	}
	vtl_fw_publish(fp, conf);
	return 0;
}

/**
 * vtl_fw_policy_set() - set a port's default policy of a direction
 * @fp: the port's firewall
 * @dir: &enum vtl_fw_dir
 * @policy: %VTL_FW_VERDICT_ACCEPT or %VTL_FW_VERDICT_DROP
 *
 * Context: RTNL.
 * Return: 0 or -ENOMEM.
 */
int vtl_fw_policy_set(struct vtl_fw_port *fp, u8 dir, u8 policy)
{
	struct vtl_fw_conf *conf;

	conf = vtl_fw_conf_dup(rtnl_dereference(fp->conf));
	if (!conf)
		return -ENOMEM;
	conf->policy[dir - 1] = policy;
	vtl_fw_publish(fp, conf);
	return 0;
}

/**
 * vtl_fw_conf_build() - a new configuration, not yet the port's
 * @fp: the port's firewall, whose current policies are the default
 * @specs: the rules, both directions, in order; each checked with
 *	vtl_fw_rule_check()
 * @n: their number
 * @policy: per direction, the new policy, or 0 to keep the port's
 * @next_id: the last rule id given; advanced past the new rules' ids
 * @extack: for the reason of a failure
 *
 * The port is not touched: vtl_fw_conf_set() makes it the port's, or
 * vtl_fw_conf_release() frees it.
 *
 * Context: RTNL.
 * Return: the configuration, or ERR_PTR(-E2BIG) for too many rules or too
 * large a set, or ERR_PTR(-ENOMEM).
 */
struct vtl_fw_conf *vtl_fw_conf_build(const struct vtl_fw_port *fp,
				      const struct vtl_fw_spec *specs, u32 n,
				      const u8 *policy, u32 *next_id,
				      struct netlink_ext_ack *extack)
{
	struct vtl_fw_entry **e[VTL_FW_NDIR] = {};
	struct vtl_fw_entry *entry;
	struct vtl_fw_conf *conf;
	u32 nr[VTL_FW_NDIR] = {};
	unsigned int d;
	int ret = -ENOMEM;
	u32 i;

	if (n > VTL_FW_MAX_RULES) {
		NL_SET_ERR_MSG(extack, "too many rules for one port");
		return ERR_PTR(-E2BIG);
	}
	conf = vtl_fw_conf_dup(rtnl_dereference(fp->conf));
	if (!conf)
		return ERR_PTR(-ENOMEM);
	for (d = 0; d < VTL_FW_NDIR; d++) {
		e[d] = kvmalloc_array(n, sizeof(*e[d]), GFP_KERNEL);
		if (!e[d])
			goto out;
	}
	for (i = 0; i < n; i++) {
		d = specs[i].dir - 1;
		/* Never 0, and 2^32 rules later still unique enough. */
		if (!++*next_id)
			++*next_id;
		entry = vtl_fw_entry_new(&specs[i], *next_id);
		if (!entry)
			goto out;
		e[d][nr[d]++] = entry;
	}
	for (d = 0; d < VTL_FW_NDIR; d++) {
		vtl_fw_chain_put(conf->chain[d]);
		conf->chain[d] = NULL;
		if (policy[d])
			conf->policy[d] = policy[d];
	}
	for (d = 0; d < VTL_FW_NDIR; d++) {
		conf->chain[d] = vtl_fw_chain_new(e[d], nr[d], extack, &ret);
		if (ret)
			goto out;
	}
out:
	for (d = 0; d < VTL_FW_NDIR; d++) {
		for (i = 0; e[d] && i < nr[d]; i++)
			vtl_fw_entry_put(e[d][i]);
		kvfree(e[d]);
	}
	if (!ret)
		return conf;
	vtl_fw_conf_release(conf);
	return ERR_PTR(ret);
}

/**
 * vtl_fw_conf_set() - make a configuration the port's
 * @fp: the port's firewall
 * @conf: from vtl_fw_conf_build(), or NULL for the defaults (no rules,
 *	accept both ways); the port takes it
 * @next_id: what vtl_fw_conf_build() left it at
 *
 * Context: RTNL.
 */
void vtl_fw_conf_set(struct vtl_fw_port *fp, struct vtl_fw_conf *conf,
		     u32 next_id)
{
	fp->next_id = next_id;
	vtl_fw_publish(fp, conf);
}

/**
 * vtl_fw_rules_load() - replace a port's rules and policies at once
 * @fp: the port's firewall
 * @specs: the new rules, both directions, in order; each checked with
 *	vtl_fw_rule_check()
 * @n: their number
 * @policy: per direction, the new policy, or 0 to keep it
 * @extack: for the reason of a failure
 *
 * Context: RTNL.
 * Return: 0, -E2BIG for too many rules or too large a set, -ENOMEM; on
 * error nothing changed.
 */
int vtl_fw_rules_load(struct vtl_fw_port *fp, const struct vtl_fw_spec *specs,
		      u32 n, const u8 *policy, struct netlink_ext_ack *extack)
{
	struct vtl_fw_conf *conf;
	u32 next_id = fp->next_id;

	conf = vtl_fw_conf_build(fp, specs, n, policy, &next_id, extack);
	if (IS_ERR(conf))
		return PTR_ERR(conf);
	vtl_fw_conf_set(fp, conf, next_id);
	return 0;
}
