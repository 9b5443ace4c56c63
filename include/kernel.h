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

#include <stdbool.h>
#include <stdint.h>

#include "types.h"

#define KERNEL_RTPROT 0xb5 /* route protocol of evpnd's routes (not in rtnetlink's list) */

struct event_base;
struct kernel;

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
	int svi_ifindex;	 /* the bridge itself when it has an address, else 0 */
	struct mac svi_mac;
	int vrf_ifindex;	 /* master of the SVI when it is a VRF, else 0 */
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
	 * Start-up reconciliation: everything evpnd installed before (extern_learn
	 * on VXLAN devices and SVIs) is "stale" until requested again; sweep
	 * removes what is still stale.  Never flush-and-re-add.
	 */
	void (*sweep_stale)(struct kernel *k);
	/* Re-read links, FDB and neighbours (after ENOBUFS on the event socket). */
	void (*resync)(struct kernel *k);
	/* Send what is queued now (tests; the loop does it by itself). */
	void (*flush)(struct kernel *k);
	void (*free)(struct kernel *k);
};

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
};

/*
 * The netlink implementation (kernel_nl.c): discovers VNIs, reports them and
 * the current local MACs/neighbours through events (synchronously, before it
 * returns), loads what evpnd installed earlier as stale, and listens.
 * NULL (after logging) when netlink sockets cannot be opened.
 */
struct kernel *kernel_nl_new(const struct kernel_cfg *cfg);

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
static inline void kernel_free(struct kernel *k)
{
	if (k)
		k->ops->free(k);
}

#endif
