// SPDX-License-Identifier: GPL-2.0
/*
 * Persistence's part of a port's export and import (kmod/export.c), &enum
 * vtl_persist_export_attr: whether the port is suspended, the VM's MAC and
 * addresses it learned, and for each connection VTL answered for, the
 * window to give back on resume.  Importing a suspended port keeps it
 * suspended: VTL goes on answering for the VM on the new port until it is
 * resumed there.  The counters start at 0.
 */
#include <linux/etherdevice.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "export.h"
#include "port.h"

#include "persist.h"

const struct nla_policy vtl_persist_export_policy[VTL_PERSIST_EXPORT_A_MAX + 1] = {
	[VTL_PERSIST_EXPORT_A_SUSPENDED] = NLA_POLICY_MAX(NLA_U8, 1),
	[VTL_PERSIST_EXPORT_A_MAC] = NLA_POLICY_ETH_ADDR,
	[VTL_PERSIST_EXPORT_A_ADDR] = NLA_POLICY_EXACT_LEN(16),
	[VTL_PERSIST_EXPORT_A_WINDOW] = NLA_POLICY_MIN(NLA_U32, 1),
};

static struct vtl_persist *vtl_persist_of(const struct vtl_port *port)
{
	return vtl_port_svc(port, vtl_persist_id);
}

static int vtl_persist_put_addrs(struct sk_buff *msg,
				 const struct vtl_persist_addrs *s)
{
	struct in6_addr a;
	int i, w;

	for (i = 0; i < VTL_PERSIST_MAX_ADDRS; i++) {
		for (w = 0; w < 4; w++)
			a.s6_addr32[w] = READ_ONCE(s->a[i].s6_addr32[w]);
		if (!ipv6_addr_any(&a) &&
		    nla_put(msg, VTL_PERSIST_EXPORT_A_ADDR, sizeof(a), &a))
			return -EMSGSIZE;
	}
	return 0;
}

/* All of it in one chunk: a few hundred bytes. */
int vtl_persist_port_export(struct vtl_export_chunk *ch,
			    const struct vtl_port *port)
{
	const struct vtl_persist *p = vtl_persist_of(port);
	u64 m = READ_ONCE(p->mac);
	u8 mac[ETH_ALEN];

	u64_to_ether_addr(m, mac);
	if (nla_put_u8(ch->msg, VTL_PERSIST_EXPORT_A_SUSPENDED,
		       READ_ONCE(p->suspended)) ||
	    (m && nla_put(ch->msg, VTL_PERSIST_EXPORT_A_MAC, ETH_ALEN, mac)) ||
	    vtl_persist_put_addrs(ch->msg, &p->addrs4) ||
	    vtl_persist_put_addrs(ch->msg, &p->addrs6))
		return -EMSGSIZE;
	ch->cursor = 1;
	return 0;
}

/**
 * struct vtl_persist_import - persistence's import, staged
 * @suspended: the port is to be suspended
 * @mac: the VM's MAC, ether_addr_to_u64(); 0 for none
 * @addrs4: its IPv4 addresses, IPv4-mapped
 * @addrs6: its IPv6 addresses
 */
struct vtl_persist_import {
	bool suspended;
	u64 mac;
	struct vtl_persist_addrs addrs4;
	struct vtl_persist_addrs addrs6;
};

int vtl_persist_import_parse(void **staged, const struct nlattr *data,
			     struct netlink_ext_ack *extack)
{
	struct vtl_persist_import *pi = *staged;
	struct vtl_persist_addrs *s;
	const struct nlattr *a;
	struct in6_addr addr;
	int rem;

	if (!pi) {
		pi = kzalloc(sizeof(*pi), GFP_KERNEL_ACCOUNT);
		if (!pi)
			return -ENOMEM;
		*staged = pi;
	}
	if (!data)
		return 0;
	nla_for_each_nested(a, data, rem) {
		switch (nla_type(a)) {
		case VTL_PERSIST_EXPORT_A_SUSPENDED:
			pi->suspended = nla_get_u8(a);
			break;
		case VTL_PERSIST_EXPORT_A_MAC:
			if (!is_valid_ether_addr(nla_data(a))) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "persist: not a unicast MAC address");
				return -EINVAL;
			}
			pi->mac = ether_addr_to_u64(nla_data(a));
			break;
		case VTL_PERSIST_EXPORT_A_ADDR:
			memcpy(&addr, nla_data(a), sizeof(addr));
			s = ipv6_addr_v4mapped(&addr) ? &pi->addrs4 :
							&pi->addrs6;
			if (ipv6_addr_any(&addr) ||
			    s->next >= VTL_PERSIST_MAX_ADDRS) {
				NL_SET_ERR_MSG_ATTR(extack, a,
						    "persist: more addresses of a family than VTL keeps, or ::");
				return -EINVAL;
			}
			s->a[s->next++] = addr;
			break;
		case VTL_PERSIST_EXPORT_A_WINDOW:
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "persist: a window belongs to a connection");
			return -EINVAL;
		}
	}
	return 0;
}

void vtl_persist_import_abort(void *staged)
{
	kfree(staged);
}

static void vtl_persist_set_addrs(struct vtl_persist_addrs *s,
				  const struct vtl_persist_addrs *from)
{
	int i, w;

	for (i = 0; i < VTL_PERSIST_MAX_ADDRS; i++)
		for (w = 0; w < 4; w++)
			WRITE_ONCE(s->a[i].s6_addr32[w],
				   from->a[i].s6_addr32[w]);
	s->next = from->next % VTL_PERSIST_MAX_ADDRS;
}

/*
 * The suspended flag is set as it is, without the window updates of a
 * resume: the connections' regions come with the import.
 */
void vtl_persist_import_commit(void *staged, struct vtl_port *port)
{
	struct vtl_persist *p = vtl_persist_of(port);
	struct vtl_persist_import none = {}, *pi = staged ?: &none;

	spin_lock_bh(&p->lock);
	WRITE_ONCE(p->mac, pi->mac);
	vtl_persist_set_addrs(&p->addrs4, &pi->addrs4);
	vtl_persist_set_addrs(&p->addrs6, &pi->addrs6);
	spin_unlock_bh(&p->lock);
	if (pi->suspended && !p->suspended)
		p->suspensions++;
	WRITE_ONCE(p->suspended, pi->suspended);
	vtl_persist_use(port);
	kfree(staged);
}

/* Something to say only for a connection VTL told "zero window". */
int vtl_persist_conn_export(struct sk_buff *msg, const struct vtl_conn *c,
			    const void *ext)
{
	const struct vtl_persist_conn *pc = ext;

	if (!pc->told_zero || !pc->window)
		return 0;
	return nla_put_u32(msg, VTL_PERSIST_EXPORT_A_WINDOW, pc->window);
}

int vtl_persist_conn_import(void *ext, const struct nlattr *data,
			    struct netlink_ext_ack *extack)
{
	struct vtl_persist_conn *pc = ext;
	const struct nlattr *a;
	int rem;

	nla_for_each_nested(a, data, rem) {
		if (nla_type(a) != VTL_PERSIST_EXPORT_A_WINDOW) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "persist: not part of a connection");
			return -EINVAL;
		}
		pc->window = nla_get_u32(a);
		pc->told_zero = true;
	}
	return 0;
}
