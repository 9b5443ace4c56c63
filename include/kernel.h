/*
 * kernel.h - the narrow interface between evpnd's logic and the Linux
 * kernel.  Logic asks for forwarding state ("this remote MAC is behind that
 * VTEP in VNI 100") and hears about local state ("a VNI appeared", "a MAC was
 * learned on a bridge port"); only kernel_nl.c knows netlink.
 *
 * Kernel model (../shared/BRIEF.md): one VXLAN device per VNI, enslaved to a
 * bridge; the bridge (or a VLAN device on it) is the SVI; an L3VNI's SVI is
 * enslaved to a VRF.  Entries evpnd installs are marked as its own:
 * FDB and neighbour entries with NTF_EXT_LEARNED (extern_learn), routes with
 * protocol KERNEL_RTPROT; that is how a restarted evpnd finds and reconciles
 * them instead of flushing.
 *
 * Requests are asynchronous and batched: they are queued and sent many per
 * sendmsg when the event loop turns (or when a batch fills); a failed
 * request is logged with its object and retried with back-off, and
 * kernel_resync() re-reads the kernel after a lost event (ENOBUFS).
 *
 * The interface is a table of operations so that logic can be unit-tested
 * against a mock (tests/unit); struct kernel is the object both implement.
 */
#ifndef EVPND_KERNEL_H
#define EVPND_KERNEL_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "types.h"

#define KERNEL_RTPROT 0xb5 /* route protocol of evpnd's routes (not in rtnetlink's list) */

struct event_base;
struct kernel;
struct kernel_audit;
struct kernel_audit_req;
typedef void (*kernel_audit_done_fn)(void *arg, int drift);

/* A VNI as the kernel has it: VXLAN device, bridge, SVI. */
struct kernel_vni {
	vni_t vni;
	int vxlan_ifindex;
	char vxlan_name[16];
	struct ipaddr local;	 /* VXLAN source address (local ...) */
	uint16_t dstport;	 /* UDP port, host order */
	bool learning;		 /* data-plane learning on (should be off) */
	bool neigh_suppress;	 /* bridge port flag: ARP/ND suppression */
	bool up;		 /* VXLAN device and bridge up */
	int bridge_ifindex;	 /* 0: not enslaved */
	char bridge_name[16];
	int svi_ifindex;	 /* the bridge itself when it has an address (an L3VNI's:
				    always), else 0 */
	struct mac svi_mac;
	int vrf_ifindex;	 /* master of the SVI when it is a VRF, else 0 */
	uint32_t vrf_table;	 /* the VRF's routing table; RT_TABLE_MAIN (254) without a VRF */
	bool l3;		 /* marked as an L3VNI (kernel_ops.l3vni_set) */
};

/* A MAC learned (or configured) on a bridge port that is not a VXLAN device. */
struct kernel_mac {
	vni_t vni;
	struct mac mac;
	int ifindex;	/* the bridge port */
	bool is_static; /* NUD_NOARP/static entry: advertised as sticky */
};

/* An IP-to-MAC binding on an SVI (neighbour entry). */
struct kernel_neigh {
	vni_t vni;
	struct ipaddr ip;
	struct mac mac;
	int ifindex; /* the SVI */
};

/*
 * A unicast route of the kernel's, not evpnd's own (protocol other than
 * KERNEL_RTPROT), in any table but the local one: what Type-5 routes are
 * originated from (the logic picks the tables of its VRFs).  The key is
 * (table, prefix, metric); a multipath route is reported once, with its
 * first nexthop's device.
 */
struct kernel_route {
	uint32_t table;
	struct prefix prefix;
	uint32_t metric;	/* RTA_PRIORITY */
	int oif;		/* output device of the (first) nexthop, 0: none */
	uint8_t protocol;	/* RTPROT_* (RTPROT_KERNEL: a connected route) */
	uint8_t scope;		/* RT_SCOPE_* */
	bool has_gateway;
};

#define KERNEL_ROUTE_METRIC 20	/* priority of evpnd's routes: connected/static ones (0) win */
#define KERNEL_ROUTE_NH_MAX 16	/* nexthops of one route (ECMP) */

/*
 * Devices evpnd creates and owns (configuration create: true), handed to
 * kernel_ops.devices_apply as a whole set.  Names are at most 15 characters.
 */
struct kernel_ifaddr {
	struct ipaddr addr; /* host bits kept: 172.16.0.254 */
	uint8_t plen;	    /* 24 */
};

/* A VRF device: "ip link add NAME type vrf table TABLE". */
struct kernel_vrfdev {
	char name[16];
	uint32_t table;
};

/*
 * A VNI's devices: VXLAN device (id vni local LOCAL dstport DSTPORT
 * nolearning [srcport LOW HIGH] mtu MTU) enslaved to a bridge (port flags
 * neigh_suppress on, learning off; mtu MTU, MAC mac when has_mac,
 * addresses addrs, master vrf), access ports enslaved to the bridge; all up.
 */
struct kernel_vnidev {
	vni_t vni;
	bool l3;			/* an L3VNI (subject "vrf NAME" in logs) */
	char vxlan_name[16];
	char bridge_name[16];
	struct ipaddr local;
	uint16_t dstport;
	uint16_t sport_low, sport_high; /* 0, 0: the kernel's range */
	uint16_t mtu;
	bool has_mac;
	struct mac mac;
	const struct kernel_ifaddr *addrs;
	size_t n_addrs;
	const char (*ports)[16];
	size_t n_ports;
	char vrf[16];			/* master of the bridge, "": none */
};

struct kernel_devices {
	const struct kernel_vrfdev *vrfs;
	size_t n_vrfs;
	const struct kernel_vnidev *vnis;
	size_t n_vnis;
	/* Underlay: where the MTU check looks for the egress interfaces (neighbors). */
	const struct ipaddr *peers;
	size_t n_peers;
};

/* What the kernel tells the logic.  Each may be NULL.  arg: kernel_cfg.arg. */
struct kernel_events {
	void (*vni_add)(void *arg, const struct kernel_vni *v); /* new or changed */
	void (*vni_del)(void *arg, vni_t vni);
	void (*mac_add)(void *arg, const struct kernel_mac *m); /* local, new or changed */
	void (*mac_del)(void *arg, const struct kernel_mac *m);
	void (*neigh_add)(void *arg, const struct kernel_neigh *n);
	void (*neigh_del)(void *arg, const struct kernel_neigh *n);
	/*
	 * A MAC or neighbour evpnd installed was removed or changed by someone
	 * else (operator, ageing, a local host moving in): logic decides whether
	 * to put it back.
	 */
	void (*remote_lost)(void *arg, vni_t vni, const struct mac *mac);
	/* Local routes (struct kernel_route), new or changed, and removed. */
	void (*route_add)(void *arg, const struct kernel_route *r);
	void (*route_del)(void *arg, const struct kernel_route *r);
};

/*
 * Requests.  Every call is idempotent (adding what is present or deleting
 * what is absent succeeds) and returns at once; the work happens when the
 * loop turns.  Remote MACs and flood entries are keyed by (vni, mac/vtep).
 */
struct kernel_ops {
	/* Flood list (Type-3): 00:00:00:00:00:00 dst VTEP self permanent on the VNI's device. */
	void (*flood_add)(struct kernel *k, vni_t vni, const struct ipaddr *vtep);
	void (*flood_del)(struct kernel *k, vni_t vni, const struct ipaddr *vtep);
	/* Remote MAC (Type-2): FDB "master extern_learn" + "dst VTEP self extern_learn". */
	void (*mac_add)(struct kernel *k, vni_t vni, const struct mac *mac, const struct ipaddr *vtep,
			bool sticky);
	void (*mac_del)(struct kernel *k, vni_t vni, const struct mac *mac);
	/* Remote MAC+IP (Type-2 with IP): neighbour on the VNI's SVI, extern_learn. */
	void (*neigh_add)(struct kernel *k, vni_t vni, const struct ipaddr *ip,
			  const struct mac *mac);
	void (*neigh_del)(struct kernel *k, vni_t vni, const struct ipaddr *ip);
	/*
	 * Mark vni as an L3VNI (symmetric IRB, RFC 9135) or not.  For an L3VNI
	 * the SVI is its bridge whether or not it has an address, its local
	 * MACs and neighbours are not reported (those reported before are
	 * withdrawn through mac_del/neigh_del), and routes may be requested in
	 * its VRF.  May come before the VNI's devices exist.  When they do, the
	 * VNI is reported again through vni_add with l3 set before the call
	 * returns (from a kernel_events callback: once the events are read).
	 */
	void (*l3vni_set)(struct kernel *k, vni_t vni, bool l3);
	/*
	 * A route in the table of l3vni's VRF (kernel_vni.vrf_table): p via
	 * each of the n VTEPs (1..KERNEL_ROUTE_NH_MAX, ECMP when several)
	 * "dev SVI onlink", protocol KERNEL_RTPROT, metric KERNEL_ROUTE_METRIC.
	 * A new request for (l3vni, p) replaces the nexthops.  For an IPv6 p and
	 * an IPv4 VTEP the gateway is the IPv4-mapped address ::ffff:VTEP (as FRR
	 * installs it); its neighbour entry is the logic's to request
	 * (neigh_add(l3vni, ::ffff:VTEP, router MAC)).  Requests for a VNI
	 * whose devices are absent wait for them, as for MACs.
	 */
	void (*route_add)(struct kernel *k, vni_t l3vni, const struct prefix *p,
			  const struct ipaddr *vteps, size_t n);
	void (*route_del)(struct kernel *k, vni_t l3vni, const struct prefix *p);
	/*
	 * Start-up reconciliation: everything evpnd installed before (extern_learn
	 * on VXLAN devices and SVIs, routes of protocol KERNEL_RTPROT in any
	 * table) is "stale" until requested again; sweep removes what is still
	 * stale.  Never flush-and-re-add.
	 */
	void (*sweep_stale)(struct kernel *k);
	/*
	 * Hold deletions: while ms > 0, a deletion of an entry the kernel holds
	 * is not sent for ms milliseconds; a request for the entry meanwhile
	 * cancels it (an identical one sends nothing).  ms = 0 stops holding
	 * new deletions (held ones still go when their time comes).  Used
	 * around a graceful-restart stale sweep, so that routes a restarted
	 * peer re-advertises a moment after its End-of-RIB never leave the
	 * kernel.  May be NULL (mocks).
	 */
	void (*hold_deletes)(struct kernel *k, uint32_t ms);
	/* Re-read links, FDB, neighbours and routes (after ENOBUFS on the event socket). */
	void (*resync)(struct kernel *k);
	/* Send what is queued now (tests; the loop does it by itself). */
	void (*flush)(struct kernel *k);
	void (*free)(struct kernel *k);
	/*
	 * Audit, synchronous (tools and tests; evpnctl audit and the periodic
	 * repair run in steps, audit_start): settle first (pending events
	 * applied, queued requests sent and acknowledged), then re-read the FDB
	 * of the VNIs' VXLAN devices, the neighbours of their SVIs and the
	 * routes of protocol KERNEL_RTPROT (metric KERNEL_ROUTE_METRIC) and
	 * compare them with what was asked for.  Drift items are appended to out (may be
	 * NULL) and out->checked grows by the number of keys compared.  Objects
	 * with a request still pending (awaiting a retry, socket full), stale
	 * leftovers awaiting sweep_stale, objects whose VNI device is absent or
	 * down, and remote MACs whose bridge entry a local port now holds (a
	 * move: the logic decides) are not compared.  Entries not marked as
	 * evpnd's are never reported as extra nor touched.  repair: every drift
	 * is fixed through the request path (desired entry sent again, extra
	 * one deleted), one log line each, and sent before audit returns.
	 * Returns the number of drift items found, -1 when the kernel could not
	 * be read (or out could not grow: the items that fit are kept).
	 * Synchronous; not to be called from a kernel_events callback.
	 */
	int (*audit)(struct kernel *k, bool repair, struct kernel_audit *out);
	/*
	 * An audit in steps (struct kernel_audit_req): the same comparison,
	 * but the kernel is read a slice per loop turn (other work goes on;
	 * what changes meanwhile is not compared this time).  done(arg, drift)
	 * at the end, never before audit_start returned; drift -1 when the
	 * kernel could not be read.  -1 (and no call) when it cannot start:
	 * a resync is reading the kernel, an audit on demand is running, or
	 * (periodic) an audit is running or the pace forbids it (errno EBUSY,
	 * EAGAIN; else the failure's).  An audit on demand cancels a periodic
	 * one that is running (no call for that); freeing the kernel calls
	 * done(arg, -1) for one on demand still running.
	 */
	int (*audit_start)(struct kernel *k, const struct kernel_audit_req *req);
	/*
	 * Declared devices (struct kernel_devices; nothing in it is kept):
	 * create what is missing, fix what differs and can be changed (MTU,
	 * MAC, up, master, bridge port flags, addresses, access ports), and
	 * delete the devices of the previous set that are not declared any
	 * more, only those evpnd created (marked with the alias "evpnd: ...").
	 * Existing devices of the right kind are used as they are (never
	 * deleted and created again: a restart keeps forwarding); a device of
	 * another kind is an error of its VNI, logged with the object.  Also
	 * (re)computes the underlay MTU (the interfaces of the routes towards
	 * peers) and warns about VXLAN devices whose MTU plus the
	 * encapsulation exceeds it, now and whenever a VNI changes.
	 * Synchronous (a socket of its own); the devices reach the logic
	 * through the normal events.  Returns the number of VNIs/VRFs that
	 * could not be set up, 0 when all were.
	 */
	int (*devices_apply)(struct kernel *k, const struct kernel_devices *d);
};

#define KERNEL_LAT_BUCKETS 7
#define KERNEL_LAT_BOUNDS_US {100, 1000, 10000, 100000, 1000000, 10000000, 60000000}

struct kernel_stats {
	uint64_t requests;	/* requests queued */
	uint64_t sent;		/* netlink messages sent */
	uint64_t batches;	/* sendmsg calls */
	uint64_t errors;	/* requests the kernel refused */
	uint64_t retries;
	uint64_t events;	/* netlink events processed */
	uint64_t resyncs;
	uint64_t queue_depth;	/* requests not yet acknowledged */
	uint64_t stale_swept;	/* leftovers removed by sweep_stale */
	uint64_t audit_runs;	/* audit calls that read the kernel */
	uint64_t audit_drift;	/* drift items found, all audits */
	uint64_t audit_repairs;	/* repairs requested by audits */
	uint64_t audit_last_us;	/* how long the last audit in steps took */
	uint64_t audit_paced;	/* audits in steps not started: too soon after the last (audit_pace) */
	/*
	 * Install latency: request queued -> acknowledged by the kernel, per
	 * request; lat_bucket[i] counts those <= KERNEL_LAT_BOUNDS_US[i] (and
	 * above the previous bound), larger ones only count in lat_count.
	 */
	uint64_t lat_bucket[KERNEL_LAT_BUCKETS];
	uint64_t lat_count;
	uint64_t lat_sum_us;
	uint64_t held_deletes;	/* deletions held (hold_deletes) */
	uint64_t held_cancelled; /* ... and cancelled by a new request */
	uint64_t echo_filtered;	/* bulk installs with their echoes filtered (kernel_nl.c) */
};

struct kernel {
	const struct kernel_ops *ops;
	struct kernel_stats stats;
};

struct kernel_cfg {
	struct event_base *base;
	const struct kernel_events *events;
	void *arg;
	bool learn_local;  /* report local MACs/neighbours (advertise-all-vni) */
	/*
	 * Send requests from a thread of their own (with a loop only; started
	 * when the loop first flushes, so after privileges are dropped): the
	 * kernel's work on them overlaps the logic's on the other core.
	 */
	bool writer_thread;
	/*
	 * A periodic audit in steps (audit_start) starts no sooner than
	 * audit_pace times the last periodic one's duration after it ended; 0:
	 * whenever asked.  Audits on demand are not paced and do not pace.  The cost of
	 * reading the FDB grows with the square of its size (the kernel resumes
	 * a dump by walking to its position again for each datagram): with 19,
	 * periodic audits take at most 5 % of the time whatever the table.
	 */
	unsigned audit_pace;
};

/*
 * The netlink implementation (kernel_nl.c): discovers VNIs, reports them and
 * the current local MACs/neighbours through events (synchronously, before it
 * returns), loads what evpnd installed earlier as stale, and listens.
 * NULL (after logging) when netlink sockets cannot be opened.
 */
struct kernel *kernel_nl_new(const struct kernel_cfg *cfg);

/* ---- audit ---------------------------------------------------------- */

enum kernel_drift_kind {
	KERNEL_DRIFT_FLOOD = 1,	/* flood entry (Type-3): key is the VTEP */
	KERNEL_DRIFT_MAC,	/* remote MAC (Type-2): key is the MAC */
	KERNEL_DRIFT_NEIGH,	/* neighbour (Type-2 with IP): key is the IP */
	KERNEL_DRIFT_ROUTE,	/* route in an L3VNI's table (Type-5): key is the prefix */
};

enum kernel_drift_problem {
	KERNEL_DRIFT_MISSING = 1, /* desired, absent from the kernel */
	KERNEL_DRIFT_EXTRA,	  /* marked as evpnd's in the kernel, not desired */
	KERNEL_DRIFT_WRONG,	  /* present with another VTEP / MAC / flags, or half a MAC */
};

#define KERNEL_DRIFT_TEXT 96

/* One difference between what evpnd asked for and what the kernel holds. */
struct kernel_drift {
	enum kernel_drift_kind kind;
	enum kernel_drift_problem problem;
	vni_t vni;
	struct mac mac;			  /* KERNEL_DRIFT_MAC: the key */
	struct ipaddr ip;		  /* FLOOD: the VTEP; NEIGH: the address; ROUTE: the
					     prefix's address (key: "10.2.0.0/24") */
	bool repaired;			  /* a repair was requested (audit with repair) */
	char key[IPADDR_STRLEN];	  /* the key as text: VTEP, MAC, IP or prefix */
	char expected[KERNEL_DRIFT_TEXT]; /* "dst 10.0.0.2", "lladdr 02:..", "via 10.0.0.2,10.0.0.3"
					     (routes), "-": not desired */
	char found[KERNEL_DRIFT_TEXT];	  /* same form; "-": absent */
};

/* Result of audits: zero-initialise, pass to kernel_audit(), then clear. */
struct kernel_audit {
	struct kernel_drift *v;
	size_t n, cap;
	uint64_t checked; /* keys compared */
};

/* Free the items and zero the struct (it can be used again). */
void kernel_audit_clear(struct kernel_audit *a);

/* An audit in steps (kernel_ops.audit_start). */
struct kernel_audit_req {
	bool repair;
	bool on_demand;			/* evpnctl audit: not paced, a periodic one gives way */
	struct kernel_audit *out;	/* drift items appended (NULL: counted only); kept
					   by the caller until done */
	kernel_audit_done_fn done;
	void *arg;
};

static inline const char *kernel_drift_kind_str(enum kernel_drift_kind k)
{
	return k == KERNEL_DRIFT_FLOOD	 ? "flood"
	       : k == KERNEL_DRIFT_MAC	 ? "mac"
	       : k == KERNEL_DRIFT_ROUTE ? "route"
					 : "neigh";
}

static inline const char *kernel_drift_problem_str(enum kernel_drift_problem p)
{
	return p == KERNEL_DRIFT_MISSING ? "missing" : p == KERNEL_DRIFT_EXTRA ? "extra" : "wrong";
}

/* Convenience wrappers. */
static inline void kernel_flood_add(struct kernel *k, vni_t v, const struct ipaddr *vtep)
{
	k->ops->flood_add(k, v, vtep);
}
static inline void kernel_flood_del(struct kernel *k, vni_t v, const struct ipaddr *vtep)
{
	k->ops->flood_del(k, v, vtep);
}
static inline void kernel_mac_add(struct kernel *k, vni_t v, const struct mac *m,
				  const struct ipaddr *vtep, bool sticky)
{
	k->ops->mac_add(k, v, m, vtep, sticky);
}
static inline void kernel_mac_del(struct kernel *k, vni_t v, const struct mac *m)
{
	k->ops->mac_del(k, v, m);
}
static inline void kernel_neigh_add(struct kernel *k, vni_t v, const struct ipaddr *ip,
				    const struct mac *m)
{
	k->ops->neigh_add(k, v, ip, m);
}
static inline void kernel_neigh_del(struct kernel *k, vni_t v, const struct ipaddr *ip)
{
	k->ops->neigh_del(k, v, ip);
}
static inline void kernel_l3vni_set(struct kernel *k, vni_t v, bool l3)
{
	if (k->ops->l3vni_set)
		k->ops->l3vni_set(k, v, l3);
}
static inline void kernel_route_add(struct kernel *k, vni_t l3vni, const struct prefix *p,
				    const struct ipaddr *vteps, size_t n)
{
	k->ops->route_add(k, l3vni, p, vteps, n);
}
static inline void kernel_route_del(struct kernel *k, vni_t l3vni, const struct prefix *p)
{
	k->ops->route_del(k, l3vni, p);
}
/* 0 when the implementation has no devices (mocks): nothing to create. */
static inline int kernel_devices_apply(struct kernel *k, const struct kernel_devices *d)
{
	return k->ops->devices_apply ? k->ops->devices_apply(k, d) : 0;
}
static inline void kernel_hold_deletes(struct kernel *k, uint32_t ms)
{
	if (k->ops->hold_deletes)
		k->ops->hold_deletes(k, ms);
}
/* -1 (ENOTSUP) when the implementation has no audit in steps (mocks). */
static inline int kernel_audit_begin(struct kernel *k, const struct kernel_audit_req *req)
{
	if (!k->ops->audit_start) {
		errno = ENOTSUP;
		return -1;
	}
	return k->ops->audit_start(k, req);
}
/* The periodic audit: in steps, with repair, paced. */
static inline int kernel_audit_start(struct kernel *k, kernel_audit_done_fn done, void *arg)
{
	struct kernel_audit_req req = {.repair = true, .done = done, .arg = arg};

	return kernel_audit_begin(k, &req);
}

/* -1 when the implementation has no audit (mocks). */
static inline int kernel_audit(struct kernel *k, bool repair, struct kernel_audit *out)
{
	return k->ops->audit ? k->ops->audit(k, repair, out) : -1;
}
static inline void kernel_free(struct kernel *k)
{
	if (k)
		k->ops->free(k);
}

#endif
