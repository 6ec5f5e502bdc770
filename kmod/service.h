/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The service API: what the framework offers the in-kernel services under
 * services/, and what it asks of them.
 *
 * The data path hands each frame through a port, either way, to every
 * service in turn as a &struct vtl_frame: parsed once (pkt.h), with its
 * connection state from the port's table (conntable.h) already known.  A
 * service may read the frame, answer it (vtl_frame_reply()) and pass or
 * drop it; the first service that drops a frame ends its way.
 *
 * Each service keeps its per-port state in a slot of the port
 * (vtl_port_svc()), set up when the port is created and freed after the
 * port's last RCU grace period, so that the data path reads it without
 * further locking.  Configuration runs under RTNL.
 *
 * A frame meets only the services that use the port, and the port's
 * connections are tracked only while something needs them: each service
 * says which of the port's frames it must see (vtl_service_frames()) and
 * whether it needs their connection state (vtl_service_conns()) whenever
 * its configuration of the port changes.  A frame that no service sees on
 * a port that does not track is not even parsed.  Without tracking, a
 * frame's @ct_state is 0 and vtl_frame_conn() finds nothing.
 */
#ifndef _VTL_SERVICE_H
#define _VTL_SERVICE_H

#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "pkt.h"

struct vtl_conn;
struct vtl_ct;
struct vtl_export_chunk;
struct vtl_model;
struct vtl_net;
struct vtl_port;

/* The services, by their index in services.h, in the order frames meet them. */
#define VTL_SERVICE(name) vtl_##name##_id,
enum vtl_svc_id {
#include "services.h"
	VTL_SVC_COUNT
};

#undef VTL_SERVICE

/**
 * enum vtl_verdict - what a service makes of a frame
 * @VTL_PASS: the frame goes on, to the next service and then its way
 * @VTL_DROP: the frame is dropped (and counted by the caller)
 * @VTL_STOLEN: the service took the frame (and sent or freed it)
 */
enum vtl_verdict {
	VTL_PASS,
	VTL_DROP,
	VTL_STOLEN,
};

/**
 * struct vtl_frame - a frame on its way through a port
 * @port: the port
 * @skb: the frame, from the Ethernet header on (skb_mac_header()); not
 *	shared, so a service may edit it through skb.h
 * @pkt: the frame parsed; @pkt.flags is 0 if it did not parse
 * @from_vm: it came out of the VM's device; else it goes to the VM
 * @ct_state: its connection state, one &enum vtl_ct_state bit; 0 for
 *	a frame without IP, or on a port that does not track
 * @ct: its place in the port's connection table, for vtl_frame_conn();
 *	NULL for a frame without IP, or on a port that does not track
 * @len: its length on the wire, from the Ethernet header on
 */
struct vtl_frame {
	struct vtl_port *port;
	struct sk_buff *skb;
	struct vtl_pkt pkt;
	bool from_vm;
	u8 ct_state;
	const struct vtl_ct *ct;
	u32 len;
};

/**
 * struct vtl_service - an in-kernel service
 * @name: for messages
 * @port_size: the size of its state of a port: the framework allocates
 *	it zeroed (charged to the configuring process) in the port's slot
 *	before @port_init, and frees it after @port_free; 0 for none
 * @n_counters: how many per-CPU counters (stats.h) it keeps a port, at
 *	most %VTL_COUNTERS_MAX: the framework allocates them zeroed before
 *	@port_init (vtl_port_counters()) and frees them after @port_free
 * @ops: its generic netlink operations, joined into the "vtl" family at
 *	load time; @n_ops of them
 * @n_ops: see @ops
 * @port_policy: its attributes of &enum vtl_port_attr, policy entries
 *	merged into the port policy at load time (NULL for none): those it
 *	returns from @fill_port (NLA_REJECT, with a reason) and those it
 *	takes in %VTL_CMD_PORT_SET
 * @port_set: apply its settings in a %VTL_CMD_PORT_SET request (validated
 *	by @port_policy; any may be absent) to a port; returns 0, or a
 *	negative errno with @extack set and the port unchanged; process
 *	context, RTNL; may be NULL
 * @conn_size: the size of its region of each tracked connection
 *	(vtl_conn_ext()), zeroed when the connection is created and
 *	guarded by the connection's lock (vtl_conn_lock()); fixed at load
 *	time; 0 for none, and then a connection costs nothing more for
 *	this service
 * @conn_destroy: the connection is being freed: let go of what its region
 *	holds (an RCU callback or the table's teardown: must not sleep);
 *	may be NULL
 * @port_init: set up the service's state of a new port, in its slot;
 *	process context, RTNL, before the data path sees the port; may be
 *	NULL
 * @port_uninit: the port is being destroyed and the data path no longer
 *	starts on it (RTNL): let go of references other ports' state holds
 *	to it; may be NULL
 * @port_free: free what @port_init set up (not the slot itself, which
 *	the framework frees); the data path is done with the port (an RCU
 *	callback: must not sleep); may be NULL
 * @net_init: set up the service's state of a new namespace instance, in
 *	its slot; may be NULL
 * @net_exit: free it, once the instance has no ports; may be NULL
 * @frame: the data path's call for each frame of a port, in the
 *	directions the service asked for (vtl_service_frames(); none at
 *	first), and in @track_frames while the port tracks its connections;
 *	softirq, RCU read side
 * @track_frames: %VTL_SVC_TO_VM, %VTL_SVC_FROM_VM, both or 0: the
 *	directions whose frames the service sees on a port while it tracks
 *	its connections (vtl_port_track()), to keep what it needs beside
 *	them
 * @fill_port: add the service's attributes to a port's netlink message
 * @export_policy: the policy of its attributes in an export (export.h,
 *	%VTL_EXPORT_SVC_A_DATA of its chunks and of its connection regions),
 *	@export_maxattr + 1 entries; the framework validates each nest
 *	against it before handing it over.  NULL: the service exports
 *	nothing, and an import resets it to its defaults (@import_commit)
 * @export_maxattr: see @export_policy
 * @port_export: add its state of a port to an export chunk, in its own
 *	attribute space: from where @ch->cursor says (0 at first), advancing
 *	it past each item added; return 0 once done, or -EMSGSIZE when
 *	vtl_export_chunk_full() or a put failed (the partial item removed),
 *	to be called again in the next chunk, in the same or the next
 *	message, with the cursor kept (an export spans many messages).
 *	Counters are not exported.  Process context, RTNL; may be NULL
 * @import_parse: parse one of its chunks of an import (@data, validated;
 *	NULL for a chunk without data) into a staged object off to the
 *	side, *@staged: NULL at the first chunk, when the service allocates
 *	it (charged to the caller, bounded as its configuration commands
 *	bound it).  The port is not touched.  Return 0, or a negative errno
 *	with @extack set.  Process context, no lock held
 * @import_prepare: make ready to commit what @staged (NULL: no chunk, the
 *	defaults) says for @port: all that can fail (allocations, checks of
 *	other ports), the port unchanged; 0 or a negative errno with
 *	@extack set.  Process context, RTNL; may be NULL
 * @import_commit: make @staged (NULL: the defaults) the port's state,
 *	replacing what it had, and free it; cannot fail.  Process context,
 *	RTNL, after every service's @import_prepare succeeded
 * @import_abort: free @staged (not NULL), which was not committed
 * @conn_export: add the service's region @ext of connection @c to an
 *	export, in its own attribute space, or nothing if it has nothing to
 *	say (a region as when the connection was created); 0 or -EMSGSIZE.
 *	Under the connection's lock and RCU: must not sleep; may be NULL
 * @conn_import: fill its region @ext of a new connection, not yet in any
 *	table, from @data (validated); 0 or -EINVAL with @extack set;
 *	process context; may be NULL if @conn_export is
 * @export_genid: a number that changes with every change of what
 *	@port_export exports of @port, so that an export spanning a change
 *	is flagged NLM_F_DUMP_INTR; RTNL; may be NULL
 */
struct vtl_service {
	const char *name;
	size_t port_size;
	unsigned int n_counters;
	const struct genl_ops *ops;
	unsigned int n_ops;
	const struct nla_policy *port_policy;
	int (*port_set)(struct vtl_port *port, struct nlattr **attrs,
			struct netlink_ext_ack *extack);
	unsigned int conn_size;
	void (*conn_destroy)(struct vtl_conn *c, void *ext);
	int (*port_init)(struct vtl_port *port);
	void (*port_uninit)(struct vtl_port *port);
	void (*port_free)(struct vtl_port *port);
	int (*net_init)(struct vtl_net *vn);
	void (*net_exit)(struct vtl_net *vn);
	enum vtl_verdict (*frame)(struct vtl_frame *f);
	unsigned int track_frames;
	int (*fill_port)(struct sk_buff *msg, const struct vtl_port *port);
	const struct nla_policy *export_policy;
	unsigned int export_maxattr;
	int (*port_export)(struct vtl_export_chunk *ch,
			   const struct vtl_port *port);
	int (*import_parse)(void **staged, const struct nlattr *data,
			    struct netlink_ext_ack *extack);
	int (*import_prepare)(void *staged, struct vtl_port *port,
			      struct netlink_ext_ack *extack);
	void (*import_commit)(void *staged, struct vtl_port *port);
	void (*import_abort)(void *staged);
	int (*conn_export)(struct sk_buff *msg, const struct vtl_conn *c,
			   const void *ext);
	int (*conn_import)(void *ext, const struct nlattr *data,
			   struct netlink_ext_ack *extack);
	u32 (*export_genid)(const struct vtl_port *port);
};

/* Each service's definition, vtl_<name>_service (services.h). */
#define VTL_SERVICE(name) vtl_##name##_service,
extern const struct vtl_service
#include "services.h"
	vtl_services_end;	/* closes the list; never defined */
#undef VTL_SERVICE

/*
 * By direction ([0] to the VM, [1] from it), the services that see a
 * port's frames while it tracks (&struct vtl_service.track_frames).
 */
extern unsigned long vtl_services_tracking[2];

/* The framework's workqueue, for services' deferred work (rcu_work). */
extern struct workqueue_struct *vtl_wq;

int vtl_services_net_init(struct vtl_net *vn);
void vtl_services_net_exit(struct vtl_net *vn);
int vtl_services_port_init(struct vtl_port *port);
void vtl_services_port_uninit(struct vtl_port *port);
void vtl_services_port_free(struct vtl_port *port);
enum vtl_verdict vtl_services_frame(struct vtl_frame *f, unsigned long svcs);
int vtl_services_fill_port(struct sk_buff *msg, const struct vtl_port *port);
int vtl_services_port_set(struct vtl_port *port, struct nlattr **attrs,
			  struct netlink_ext_ack *extack);
void vtl_services_port_policy(struct nla_policy *policy);
const struct nlattr *vtl_services_port_setting(struct nlattr **attrs);
unsigned int vtl_services_n_ops(void);
void vtl_services_copy_ops(struct genl_ops *to);
int vtl_services_conn_layout(size_t base, size_t *size);
void vtl_services_conn_init(struct vtl_conn *c);
void vtl_services_conn_destroy(struct vtl_conn *c);
void *vtl_conn_ext(struct vtl_conn *c, enum vtl_svc_id id);
const struct vtl_service *vtl_service(enum vtl_svc_id id);
int vtl_service_by_name(const char *name);
/* Directions of a port's frames, for vtl_service_frames(). */
#define VTL_SVC_TO_VM		BIT(0)
#define VTL_SVC_FROM_VM		BIT(1)
#define VTL_SVC_BOTH		(VTL_SVC_TO_VM | VTL_SVC_FROM_VM)

void vtl_service_frames(struct vtl_port *port, enum vtl_svc_id id,
			unsigned int dirs);
void vtl_service_conns(struct vtl_port *port, enum vtl_svc_id id, bool need);
void vtl_frame_reply(const struct vtl_frame *f, struct sk_buff *reply);
struct vtl_conn *vtl_frame_conn(const struct vtl_frame *f);
bool vtl_frame_redirect(struct vtl_frame *f, struct vtl_port *out);

int vtl_services_init(void);
void vtl_services_uninit(void);

#endif /* _VTL_SERVICE_H */
