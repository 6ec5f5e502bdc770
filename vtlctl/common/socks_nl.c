// SPDX-License-Identifier: GPL-2.0
/*
 * The SOCKS service's requests and replies (VTL_CMD_SOCKS_*), and its
 * notifications on the "config" group.  Here, beside the genl core, and
 * not in socks_cmd.c, because both sides read them: "vtlctl socks" and
 * the daemon, which serves what they configure.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "genl.h"
#include "parse.h"
#include "socks_nl.h"

static int put_socks(struct nl_msg *msg, const struct vtlctl_socks *s)
{
	int alen = s->family == AF_INET6 ? 16 : 4;

	if (nla_put_u32(msg, VTL_SOCKS_A_IFINDEX, s->ifindex) < 0 ||
	    nla_put(msg, VTL_SOCKS_A_PROXY_ADDR, alen, s->proxy_addr) < 0 ||
	    nla_put_u16(msg, VTL_SOCKS_A_PROXY_PORT, s->proxy_port) < 0)
		return -EMSGSIZE;
	if (s->version && nla_put_u8(msg, VTL_SOCKS_A_VERSION, s->version) < 0)
		return -EMSGSIZE;
	if (s->user[0] &&
	    nla_put_string(msg, VTL_SOCKS_A_USER, s->user) < 0)
		return -EMSGSIZE;
	if (s->password[0] &&
	    nla_put_string(msg, VTL_SOCKS_A_PASSWORD, s->password) < 0)
		return -EMSGSIZE;
	if (s->dns && nla_put_u8(msg, VTL_SOCKS_A_DNS, s->dns) < 0)
		return -EMSGSIZE;
	if (s->dns_prefix_len &&
	    (nla_put(msg, VTL_SOCKS_A_DNS_PREFIX, 4, &s->dns_prefix) < 0 ||
	     nla_put_u8(msg, VTL_SOCKS_A_DNS_PREFIX_LEN,
			s->dns_prefix_len) < 0))
		return -EMSGSIZE;
	if (s->ipv6 && nla_put_u8(msg, VTL_SOCKS_A_IPV6, s->ipv6) < 0)
		return -EMSGSIZE;
	return 0;
}

/* Proxy the VM of port @s->ifindex through the proxy @s names. */
int vtl_nl_socks_new(struct vtl_nl *nl, const struct vtlctl_socks *s)
{
	struct nl_msg *msg = vtl_nl_msg(nl, VTL_CMD_SOCKS_NEW, 0);

	if (msg && put_socks(msg, s)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return vtl_nl_simple(nl, msg);
}

int vtl_nl_socks_del(struct vtl_nl *nl, uint32_t ifindex)
{
	struct nl_msg *msg = vtl_nl_ifindex_msg(nl, VTL_CMD_SOCKS_DEL, 0,
						VTL_SOCKS_A_IFINDEX, ifindex);

	return vtl_nl_simple(nl, msg);
}

static int parse_socks_stats(struct nlattr *nest, struct vtlctl_socks_stats *st)
{
	static const struct nla_policy policy[VTL_SOCKS_STATS_A_MAX + 1] = {
		[VTL_SOCKS_STATS_A_UP]		  = { .type = NLA_U64 },
		[VTL_SOCKS_STATS_A_ARP_REPLIES]	  = { .type = NLA_U64 },
		[VTL_SOCKS_STATS_A_RESETS]	  = { .type = NLA_U64 },
		[VTL_SOCKS_STATS_A_FAIL_CLOSED]	  = { .type = NLA_U64 },
		[VTL_SOCKS_STATS_A_FILTERED]	  = { .type = NLA_U64 },
		[VTL_SOCKS_STATS_A_TO_VM_DROPPED] = { .type = NLA_U64 },
	};
	uint64_t val[VTL_SOCKS_STATS_A_MAX + 1];
	uint32_t present;

	if (vtl_nl_parse_scalars(nest, VTL_SOCKS_STATS_A_MAX, policy, val,
				 &present))
		return -EBADMSG;
	st->present = true;
	st->up = val[VTL_SOCKS_STATS_A_UP];
	st->arp_replies = val[VTL_SOCKS_STATS_A_ARP_REPLIES];
	st->resets = val[VTL_SOCKS_STATS_A_RESETS];
	st->fail_closed = val[VTL_SOCKS_STATS_A_FAIL_CLOSED];
	st->filtered = val[VTL_SOCKS_STATS_A_FILTERED];
	st->to_vm_dropped = val[VTL_SOCKS_STATS_A_TO_VM_DROPPED];
	return 0;
}

/*
 * A VTL_CMD_SOCKS_* message of the kernel into @s: a GET reply or a NEW
 * notification (@full: the proxy is required), a DEL notification (the
 * ifindex only).  Attributes newer than this program are ignored.
 */
static int parse_socks_hdr(struct nlmsghdr *nlh, struct vtlctl_socks *s,
			   bool full)
{
	static const struct nla_policy policy[VTL_SOCKS_A_MAX + 1] = {
		[VTL_SOCKS_A_IFINDEX]	     = { .type = NLA_U32 },
		[VTL_SOCKS_A_IFNAME]	     = { .type = NLA_STRING,
						 .maxlen = IF_NAMESIZE },
		[VTL_SOCKS_A_PROXY_ADDR]     = { .type = NLA_UNSPEC },
		[VTL_SOCKS_A_PROXY_PORT]     = { .type = NLA_U16 },
		[VTL_SOCKS_A_VERSION]	     = { .type = NLA_U8 },
		[VTL_SOCKS_A_USER]	     = { .type = NLA_STRING,
						 .maxlen = 256 },
		[VTL_SOCKS_A_PASSWORD]	     = { .type = NLA_STRING,
						 .maxlen = 256 },
		[VTL_SOCKS_A_DNS]	     = { .type = NLA_U8 },
		[VTL_SOCKS_A_DNS_PREFIX]     = { .type = NLA_UNSPEC },
		[VTL_SOCKS_A_DNS_PREFIX_LEN] = { .type = NLA_U8 },
		[VTL_SOCKS_A_IPV6]	     = { .type = NLA_U8 },
		[VTL_SOCKS_A_MAC]	     = { .type = NLA_UNSPEC },
		[VTL_SOCKS_A_STATS]	     = { .type = NLA_NESTED },
	};
	struct nlattr *tb[VTL_SOCKS_A_MAX + 1], *a;
	bool has_mac = false;

	memset(s, 0, sizeof(*s));
	if (genlmsg_parse(nlh, 0, tb, VTL_SOCKS_A_MAX, policy) < 0 ||
	    !tb[VTL_SOCKS_A_IFINDEX])
		return -EBADMSG;
	s->ifindex = nla_get_u32(tb[VTL_SOCKS_A_IFINDEX]);
	if (!full)
		return 0;
	a = tb[VTL_SOCKS_A_PROXY_ADDR];
	if (!a || !tb[VTL_SOCKS_A_PROXY_PORT] ||
	    (nla_len(a) != 4 && nla_len(a) != 16))
		return -EBADMSG;
	s->family = nla_len(a) == 4 ? AF_INET : AF_INET6;
	memcpy(s->proxy_addr, nla_data(a), nla_len(a));
	s->proxy_port = nla_get_u16(tb[VTL_SOCKS_A_PROXY_PORT]);
	if (tb[VTL_SOCKS_A_IFNAME])
		nla_strlcpy(s->ifname, tb[VTL_SOCKS_A_IFNAME],
			    sizeof(s->ifname));
	s->version = tb[VTL_SOCKS_A_VERSION] ?
		     nla_get_u8(tb[VTL_SOCKS_A_VERSION]) : VTL_SOCKS_V5;
	if (tb[VTL_SOCKS_A_USER])
		nla_strlcpy(s->user, tb[VTL_SOCKS_A_USER], sizeof(s->user));
	if (tb[VTL_SOCKS_A_PASSWORD])
		nla_strlcpy(s->password, tb[VTL_SOCKS_A_PASSWORD],
			    sizeof(s->password));
	s->dns = tb[VTL_SOCKS_A_DNS] ? nla_get_u8(tb[VTL_SOCKS_A_DNS]) :
				       VTL_SOCKS_DNS_AUTOMAP;
	a = tb[VTL_SOCKS_A_DNS_PREFIX];
	if (a) {
		if (nla_len(a) != 4)
			return -EBADMSG;
		memcpy(&s->dns_prefix, nla_data(a), 4);
	}
	if (tb[VTL_SOCKS_A_DNS_PREFIX_LEN])
		s->dns_prefix_len = nla_get_u8(tb[VTL_SOCKS_A_DNS_PREFIX_LEN]);
	if (s->dns_prefix_len > 32)
		return -EBADMSG;
	s->ipv6 = tb[VTL_SOCKS_A_IPV6] ? nla_get_u8(tb[VTL_SOCKS_A_IPV6]) :
					 VTL_SOCKS_IPV6_DROP;
	if (vtl_nl_get_mac(tb[VTL_SOCKS_A_MAC], &has_mac, s->mac) ||
	    (tb[VTL_SOCKS_A_STATS] &&
	     parse_socks_stats(tb[VTL_SOCKS_A_STATS], &s->stats)))
		return -EBADMSG;
	return 0;
}

static int parse_socks(struct nl_msg *msg, void *item)
{
	return parse_socks_hdr(nlmsg_hdr(msg), item, true);
}

struct one_socks {
	struct vtlctl_socks *s;
	bool found;
};

static int parse_one_socks(struct nl_msg *msg, void *arg)
{
	struct one_socks *one = arg;
	int err;

	if (one->found)		/* a doit answers once */
		return -EBADMSG;
	err = parse_socks(msg, one->s);
	if (!err)
		one->found = true;
	return err;
}

/* The SOCKS service of the port @ifindex, with its counters. */
int vtl_nl_socks_get(struct vtl_nl *nl, uint32_t ifindex,
		     struct vtlctl_socks *s)
{
	struct nl_msg *msg = vtl_nl_ifindex_msg(nl, VTL_CMD_SOCKS_GET, 0,
						VTL_SOCKS_A_IFINDEX, ifindex);
	struct one_socks one = { .s = s };
	int err;

	if (!msg)
		return -ENOMEM;
	err = vtl_nl_transact(nl, msg, parse_one_socks, &one, NULL);
	nlmsg_free(msg);
	if (!err && !one.found) {
		vtl_nl_set_msg(nl, "the kernel sent no SOCKS service");
		err = -EBADMSG;
	}
	return err;
}

/* The SOCKS service of every port of the namespace that has one. */
int vtl_nl_socks_dump(struct vtl_nl *nl, struct vtlctl_socks_list *list)
{
	struct vtl_nl_list dl = VTL_NL_LIST(list, socks, parse_socks);

	return vtl_nl_dump(nl, VTL_CMD_SOCKS_GET, 0, 0, &dl, "ports");
}

/* What vtl_nl_monitor_read() reads into, and passes on. */
struct monitor {
	struct vtl_nl *nl;
	void (*cb)(uint8_t cmd, const struct vtlctl_socks *s, void *arg);
	void *arg;
	int err;
};

static int on_notification(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct monitor *m = arg;
	struct genlmsghdr *g;
	struct vtlctl_socks s;

	if (nlh->nlmsg_type != vtl_nl_family(m->nl) ||
	    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
		return NL_SKIP;
	g = nlmsg_data(nlh);
	if (g->cmd != VTL_CMD_SOCKS_NEW && g->cmd != VTL_CMD_SOCKS_DEL)
		return NL_SKIP;		/* newer than us */
	if (parse_socks_hdr(nlh, &s, g->cmd == VTL_CMD_SOCKS_NEW)) {
		if (!m->err) {
			m->err = -EBADMSG;
			vtl_nl_set_msg(m->nl, "the kernel's notification is malformed");
		}
		return NL_SKIP;
	}
	m->cb(g->cmd, &s, m->arg);
	return NL_OK;
}

int vtl_nl_monitor_read(struct vtl_nl *nl,
			void (*cb)(uint8_t cmd, const struct vtlctl_socks *s,
				   void *arg),
			void *arg)
{
	struct monitor m = { .nl = nl, .cb = cb, .arg = arg };
	int ret = vtl_nl_monitor_recv(nl, on_notification, &m);

	return ret ? ret : m.err;
}
