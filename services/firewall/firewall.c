// SPDX-License-Identifier: GPL-2.0
/*
 * The stateful firewall: per port, a configuration of two rule sets
 * ("in", toward the VM, and "out", from it) and their default policies,
 * applied to every IP packet through the port.
 *
 * Configuration.  A port's configuration is immutable once published: each
 * change (under RTNL) builds a new one and swaps it in with one RCU pointer
 * update, so a packet sees either the old rules and policies or the new
 * ones, never a mix; the old one is freed after a grace period, from
 * process context (rcu_work).  A rule set is a &struct vtl_fw_chain: its
 * rules in order and their compiled classifier (fwclass.h).  A change of
 * one direction recompiles that direction only; configurations share the
 * chains they did not change, and chains share the rules they kept, with
 * the rules' hit counters, so counters survive the addition or deletion of
 * other rules.
 *
 * Data path.  One RCU dereference, one classifier lookup (whose cost grows
 * with the logarithm of the rule count and the bitmap words it ANDs, not
 * with the rule count itself) and a per-CPU counter increment per packet.
 * A port never configured costs one pointer test.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/u64_stats_sync.h>

#include "port.h"
#include "skb.h"

#include "firewall.h"
#include "fwclass.h"
#include "rules.h"

static_assert((int)VTL_FW_ACCEPT == (int)VTL_FW_VERDICT_ACCEPT);
static_assert((int)VTL_FW_DROP == (int)VTL_FW_VERDICT_DROP);
static_assert((int)VTL_FW_REJECT == (int)VTL_FW_VERDICT_REJECT);
static_assert((int)VTL_FW_STATE_NEW == (int)VTL_FW_CT_NEW);
static_assert((int)VTL_FW_STATE_ESTABLISHED == (int)VTL_FW_CT_ESTABLISHED);
static_assert((int)VTL_FW_STATE_RELATED == (int)VTL_FW_CT_RELATED);
static_assert((int)VTL_FW_STATE_INVALID == (int)VTL_FW_CT_INVALID);
static_assert((int)VTL_FW_STATE_NEW == (int)VTL_CT_NEW);
static_assert((int)VTL_FW_STATE_ESTABLISHED == (int)VTL_CT_ESTABLISHED);
static_assert((int)VTL_FW_STATE_RELATED == (int)VTL_CT_RELATED);
static_assert((int)VTL_FW_STATE_INVALID == (int)VTL_CT_INVALID);

/* Index of a direction in the per-direction arrays. */
static unsigned int vtl_fw_di(bool from_vm)
{
	return from_vm ? VTL_FW_DIR_OUT - 1 : VTL_FW_DIR_IN - 1;
}

static struct vtl_fw_port *vtl_fw_port(const struct vtl_port *port)
{
	return vtl_port_svc(port, vtl_firewall_id);
}

/* The ports of a protocol fwclass.h matches ports of, if the frame has them. */
static void vtl_fw_ports(const struct vtl_pkt *pkt,
			 struct vtl_fw_match_key *key)
{
	if (pkt->flags & (VTL_PKT_TCP | VTL_PKT_UDP)) {
		key->sport = be16_to_cpu(vtl_pkt_sport(pkt));
		key->dport = be16_to_cpu(vtl_pkt_dport(pkt));
		return;
	}
	switch (pkt->l4_proto) {
	case IPPROTO_UDPLITE:
	case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		/* Their ports lead the header, as TCP's and UDP's do. */
		if ((pkt->flags & VTL_PKT_FRAG_LATER) ||
		    pkt->l4_off + 4 > pkt->len)
			return;
		key->sport = be16_to_cpu(vtl_pkt_get_be16(pkt, pkt->l4_off));
		key->dport = be16_to_cpu(vtl_pkt_get_be16(pkt,
							  pkt->l4_off + 2));
	}
}

static void vtl_fw_key(const struct vtl_frame *f,
		       struct vtl_fw_match_key *key)
{
	const struct vtl_pkt *pkt = &f->pkt;

	memset(key, 0, sizeof(*key));
	key->proto = pkt->l4_proto;
	/*
	 * A port tracks while a rule matches states (vtl_fw_publish()); a
	 * frame without state, on a port that does not, meets only rules
	 * that match every state, as one state does.
	 */
	key->state = f->ct_state ?: VTL_CT_NEW;
	if (pkt->flags & VTL_PKT_IPV4) {
		__be32 saddr = vtl_pkt_ip4_saddr(pkt);
		__be32 daddr = vtl_pkt_ip4_daddr(pkt);

		key->family = 4;
		memcpy(key->src, &saddr, 4);
		memcpy(key->dst, &daddr, 4);
	} else {
		key->family = 6;
		memcpy(key->src, vtl_pkt_ip6_saddr(pkt), 16);
		memcpy(key->dst, vtl_pkt_ip6_daddr(pkt), 16);
	}
	vtl_fw_ports(pkt, key);
}

static void vtl_fw_tally(struct vtl_fw_port *fp, u8 action, bool policy,
			 unsigned int di)
{
	switch (action) {
	case VTL_FW_ACCEPT:
		vtl_counter_inc(fp->stats, VTL_FW_C_ACCEPTED);
		break;
	case VTL_FW_DROP:
		vtl_counter_inc(fp->stats, VTL_FW_C_DROPPED);
		break;
	default:
		vtl_counter_inc(fp->stats, VTL_FW_C_REJECTED);
		break;
	}
	if (policy)
		vtl_counter_inc(fp->stats, VTL_FW_C_POLICY + di);
}

/* Drop @f and tell its sender: a RST for TCP, else port unreachable. */
static void vtl_fw_reject(struct vtl_frame *f)
{
	struct sk_buff *reply;

	if (f->pkt.flags & VTL_PKT_TCP)
		reply = vtl_skb_build_tcp_rst(f->skb, &f->pkt);
	else
		reply = vtl_skb_build_icmp_unreach(f->skb, &f->pkt);
	/* Nothing answers an error, a RST, a broadcast, ... */
	if (!IS_ERR_OR_NULL(reply))
		vtl_frame_reply(f, reply);
}

static enum vtl_verdict vtl_fw_frame(struct vtl_frame *f)
{
	struct vtl_fw_port *fp = vtl_fw_port(f->port);
	const struct vtl_fw_rule *rule = NULL;
	const struct vtl_fw_chain *chain;
	const struct vtl_fw_conf *conf;
	struct vtl_fw_match_key key;
	unsigned int di;
	u32 idx;
	u8 action;

	conf = rcu_dereference(fp->conf);
	if (!conf || !(f->pkt.flags & VTL_PKT_IP))
		return VTL_PASS;
	di = vtl_fw_di(f->from_vm);
	chain = conf->chain[di];
	if (chain) {
		vtl_fw_key(f, &key);
		rule = vtl_fw_lookup(chain->cls, &key, &idx);
	}
	if (rule) {
		vtl_hits_add(chain->e[idx]->hits, f->len);
		action = rule->action;
	} else {
		action = conf->policy[di];
	}
	vtl_fw_tally(fp, action, !rule, di);
	if (action == VTL_FW_ACCEPT)
		return VTL_PASS;
	if (action == VTL_FW_REJECT)
		vtl_fw_reject(f);
	return VTL_DROP;
}

static int vtl_fw_port_init(struct vtl_port *port)
{
	vtl_fw_port(port)->stats = vtl_port_counters(port, vtl_firewall_id);
	vtl_fw_port(port)->port = port;
	return 0;
}

static void vtl_fw_port_free(struct vtl_port *port)
{
	struct vtl_fw_port *fp = vtl_fw_port(port);

	/* Past the port's last grace period: nobody reads the conf. */
	vtl_fw_conf_release(rcu_dereference_protected(fp->conf, 1));
}

/**
 * vtl_fw_read_stats() - a port's firewall counters, summed over the CPUs
 * @fp: the port's firewall
 * @sum: where to put them
 */
void vtl_fw_read_stats(const struct vtl_fw_port *fp, struct vtl_fw_stats *sum)
{
	u64 c[VTL_FW_C_COUNT];
	unsigned int i;

	vtl_counters_read(fp->stats, c, VTL_FW_C_COUNT);
	sum->accepted = c[VTL_FW_C_ACCEPTED];
	sum->dropped = c[VTL_FW_C_DROPPED];
	sum->rejected = c[VTL_FW_C_REJECTED];
	for (i = 0; i < VTL_FW_NDIR; i++)
		sum->policy[i] = c[VTL_FW_C_POLICY + i];
}

static int vtl_fw_fill_port(struct sk_buff *msg, const struct vtl_port *port)
{
	const struct vtl_fw_port *fp = vtl_fw_port(port);
	const struct vtl_fw_conf *conf = rtnl_dereference(fp->conf);
	struct vtl_fw_stats st;
	struct nlattr *nest;

	vtl_fw_read_stats(fp, &st);
	nest = nla_nest_start(msg, VTL_PORT_A_FW);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u8(msg, VTL_FW_PORT_A_POLICY_IN,
		       vtl_fw_conf_policy(conf, VTL_FW_DIR_IN)) ||
	    nla_put_u8(msg, VTL_FW_PORT_A_POLICY_OUT,
		       vtl_fw_conf_policy(conf, VTL_FW_DIR_OUT)) ||
	    nla_put_u32(msg, VTL_FW_PORT_A_RULES_IN,
			vtl_fw_conf_rules(conf, VTL_FW_DIR_IN)) ||
	    nla_put_u32(msg, VTL_FW_PORT_A_RULES_OUT,
			vtl_fw_conf_rules(conf, VTL_FW_DIR_OUT)) ||
	    nla_put_u64_64bit(msg, VTL_FW_PORT_A_ACCEPTED, st.accepted,
			      VTL_FW_PORT_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_FW_PORT_A_DROPPED, st.dropped,
			      VTL_FW_PORT_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_FW_PORT_A_REJECTED, st.rejected,
			      VTL_FW_PORT_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_FW_PORT_A_POLICY_IN_PACKETS,
			      st.policy[VTL_FW_DIR_IN - 1], VTL_FW_PORT_A_PAD) ||
	    nla_put_u64_64bit(msg, VTL_FW_PORT_A_POLICY_OUT_PACKETS,
			      st.policy[VTL_FW_DIR_OUT - 1],
			      VTL_FW_PORT_A_PAD)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

const struct vtl_service vtl_firewall_service = {
	.name = "firewall",
	.port_size = sizeof(struct vtl_fw_port),
	.n_counters = VTL_FW_C_COUNT,
	.ops = vtl_fw_genl_ops,
	.n_ops = VTL_FW_N_OPS,
	.port_policy = vtl_fw_port_policy,
	.port_init = vtl_fw_port_init,
	.port_free = vtl_fw_port_free,
	.frame = vtl_fw_frame,
	.fill_port = vtl_fw_fill_port,
	.export_policy = vtl_fw_export_policy,
	.export_maxattr = VTL_FW_EXPORT_A_MAX,
	.port_export = vtl_fw_port_export,
	.import_parse = vtl_fw_import_parse,
	.import_prepare = vtl_fw_import_prepare,
	.import_commit = vtl_fw_import_commit,
	.import_abort = vtl_fw_import_abort,
	.export_genid = vtl_fw_export_genid,
};
