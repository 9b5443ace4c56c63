/*
 * evpn_priv.h - internals shared by evpn.c (instances, Type-3), evpn_import.c
 * (received routes -> kernel) and evpn_local.c (local MACs -> Type-2).
 *
 * Remote state is indexed per (VNI, MAC) and per (VNI, IP): the candidate
 * routes for a MAC can come from several RDs (the MAC moved between PEs) and
 * from ourselves; the winner (RFC 7432 15 via rib_path_cmp) is what the
 * kernel gets.  "installed" fields remember what was asked of the kernel so
 * that only differences are requested.
 */
#ifndef EVPND_EVPN_PRIV_H
#define EVPND_EVPN_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <sys/queue.h>
#include <uthash.h>

#include "evpn.h"
#include "htab.h"
#include "kernel.h"
#include "pool.h"
#include "rib.h"

#define EVPN_MAX_RT 32
#define EVPN_MAX_ECOMM (2 * EVPN_MAX_RT + 4) /* of a local route: L2 and VRF RTs, 4 others */
#define EVPN_DAD_MOVES 5	/* FRR's default: 5 moves ... */
#define EVPN_DAD_WINDOW_S 180	/* ... within 180 s */
/*
 * Kernel deletions caused by a graceful-restart stale sweep are held this
 * long: a restarted route reflector (FRR 8.4) sends End-of-RIB before it has
 * relearned the other clients' routes, which come back seconds later.
 */
#define EVPN_SWEEP_HOLD_MS 15000

struct evpn_vni {
	UT_hash_handle hh; /* by vni */
	vni_t vni;
	struct rd rd;
	uint16_t rd_index;
	struct ecomm rt_export[EVPN_MAX_RT];
	size_t n_export;
	struct ecomm rt_import[EVPN_MAX_RT];
	size_t n_import;
	bool from_config;
	bool in_kernel;		/* its VXLAN device exists */
	struct kernel_vni k;
	bool advertised;	/* its Type-3 is in the RIB */
	struct evpn_key t3_key;
};

/* Route target -> the VNIs (or VRFs' L3VNIs) importing it. */
struct evpn_rt_import {
	UT_hash_handle hh;
	struct ecomm rt;
	vni_t *vnis;
	size_t n;
};

struct evpn_mac_key {
	vni_t vni;
	struct mac mac;
	uint8_t pad[2];
};

/* What a route change does to the candidate lists a path is in. */
enum evpn_cand_op { EVPN_CAND_ADD, EVPN_CAND_DEL, EVPN_CAND_KEEP };

/*
 * Routes that are candidates for one (VNI, MAC) or (VNI, IP): up to
 * EVPN_CANDS_INLINE in the structure itself (a MAC has one or two routes,
 * MAC-only and MAC+IP, almost always), more in v.
 */
#define EVPN_CANDS_INLINE 2

struct evpn_cands {
	uint32_t n;
	uint32_t cap;		      /* of v when > EVPN_CANDS_INLINE, else inline */
	union {
		const struct rib_route *in[EVPN_CANDS_INLINE];
		const struct rib_route **v;
	};
};

static inline const struct rib_route *evpn_cand(const struct evpn_cands *c, size_t i)
{
	return c->cap > EVPN_CANDS_INLINE ? c->v[i] : c->in[i];
}

/*
 * What a MAC has once it was learned here (evpn_local.c): allocated at its
 * first local appearance and kept while the MAC exists, since duplicate
 * address detection counts moves between here and remote PEs.  MACs only
 * ever remote -- nearly all of a leaf's -- have none, and their entry has
 * no pointer to one either: it is found by the entry's address
 * (evpn_mac_loc).
 */
struct evpn_mac_local {
	struct htab_side side;	      /* evpn.mac_locs; owner: the evpn_mac (evpn_mac_local_of) */
	LIST_ENTRY(evpn_mac_local) link; /* evpn.local_macs */
	/* duplicate address detection: EVPN_DAD_MOVES moves within EVPN_DAD_WINDOW_S */
	time_t dad_since;
	struct rd adv_rd;	      /* advertised: under this RD (its key: mac_adv_key) */
	int ifindex;		      /* local: the bridge port */
	uint32_t seq;		      /* our sequence */
	uint16_t dad_moves;
	bool advertised;	      /* our MAC-only Type-2 is in the RIB (by address: originate) */
};

struct evpn_mac {
	/* one per remote MAC: 56 bytes */
	struct htab_node hnode;	      /* evpn.macs */
	struct evpn_mac_key key;
	bool local : 1;
	bool local_static : 1;
	bool lost_to_remote : 1;      /* a remote route with a higher sequence won */
	bool moved_away : 1;	      /* ... and our routes for it were withdrawn */
	bool duplicate : 1;	      /* frozen: local moves are no longer advertised */
	bool queued : 1;	      /* in evpn.pending */
	bool has_loc : 1;	      /* learned here once: evpn_mac_loc */
	struct evpn_cands cands;      /* Type-2 routes (MAC-only and MAC+IP), any RD */
	/*
	 * Installed: the attributes of the route the kernel entry was asked
	 * for (one reference; its next hop and sticky flag are the entry's),
	 * else NULL.
	 */
	const struct rib_attrs *inst;
};

_Static_assert(sizeof(struct evpn_mac) == 56, "one per remote MAC: keep it small");

struct evpn_ip_key {
	vni_t vni;
	struct ipaddr ip;
};

/* A neighbour's local side, from its first local binding (evpn_local.c) until it is freed. */
struct evpn_neigh_local {
	struct htab_side side;	      /* evpn.neigh_locs; owner: the evpn_neigh (evpn_neigh_local_of) */
	struct htab_node mac_hnode;   /* evpn.neighs_by_mac, iff neigh->local */
	LIST_ENTRY(evpn_neigh_local) link; /* evpn.local_neighs */
	struct rd adv_rd;	      /* advertised: under this RD and MAC (its key: neigh_adv_key) */
	struct mac mac;		      /* bound to it, while neigh->local */
	struct mac adv_mac;
	bool advertised;	      /* our MAC+IP Type-2 is in the RIB */
};

struct evpn_neigh {
	/* one per remote MAC+IP route's IP: 64 bytes */
	struct htab_node hnode;	      /* evpn.neighs */
	struct evpn_ip_key key;
	struct evpn_cands cands;      /* Type-2 MAC+IP routes with this IP */
	struct mac inst_mac;
	bool installed : 1;
	bool local : 1;
	bool has_loc : 1;	      /* bound here once: evpn_neigh_loc */
};

_Static_assert(sizeof(struct evpn_neigh) == 64, "one per remote MAC+IP route");

struct evpn_flood_key {
	vni_t vni;
	struct ipaddr vtep;
};

struct evpn_flood {
	UT_hash_handle hh;
	struct evpn_flood_key key;
	uint32_t refs;		      /* remote Type-3 routes naming this VTEP */
	bool installed;
};

/* ---- L3: VRFs, symmetric IRB host routes and Type-5 prefixes (evpn_l3.c) ---- */

/* An IP VRF of the configuration, identified by its L3VNI. */
struct evpn_vrf {
	UT_hash_handle hh;	      /* by l3vni */
	vni_t l3vni;
	char name[16];
	struct rd rd;
	struct ecomm rt_import[EVPN_MAX_RT];
	size_t n_import;
	struct ecomm rt_export[EVPN_MAX_RT];
	size_t n_export;
	uint32_t advertise;	      /* CFG_ADV_* */
	bool has_cfg_rmac;
	struct mac cfg_rmac;
	bool in_kernel;		      /* the L3VNI's VXLAN device exists */
	struct kernel_vni k;	      /* ... and its bridge (the L3 SVI), VRF, table */
	bool active;		      /* in the kernel with an SVI and a router MAC */
	struct mac rmac;	      /* configured, else the L3 SVI's MAC */
	bool t5_dirty;		      /* local routes changed: recompute its Type-5s */
	bool seen;		      /* configuration pass mark */
};

struct evpn_l3key {
	vni_t l3vni;
	struct prefix p; /* zero padding: the whole key is hashed */
	uint8_t pad;
};

/*
 * One prefix of a VRF: the routes that offer it (remote Type-2 MAC+IP host
 * routes and Type-5 routes, any RD, and our own), what the kernel was given,
 * and our own Type-5 for it.
 */
struct evpn_l3route {
	UT_hash_handle hh;
	struct evpn_l3key key;
	struct evpn_cands cands;
	uint8_t n_inst;		      /* nexthops installed; 0: no route */
	struct ipaddr inst[KERNEL_ROUTE_NH_MAX];
	bool local;		      /* a local route of the VRF's table offers it */
	bool local_advertised;	      /* our Type-5 for it is in the RIB */
	struct evpn_key adv_key;
};

struct evpn_nh_key {
	vni_t l3vni;
	struct ipaddr vtep;
};

/*
 * A remote VTEP as next hop of a VRF's routes (RFC 9135 symmetric IRB):
 * neighbour VTEP -> router MAC on the L3 SVI (and ::ffff:VTEP for IPv6
 * routes over an IPv4 underlay), FDB router MAC -> VTEP on the L3VNI's VXLAN
 * device.  Shared by every route through it: refs counts installed routes.
 */
struct evpn_nh {
	UT_hash_handle hh;
	struct evpn_nh_key key;
	uint32_t refs;
	struct mac rmac;	      /* from the latest route through it */
	bool installed;
	struct mac inst_rmac;
	bool inst_mapped;	      /* the ::ffff:VTEP neighbour too */
	uint32_t refs_v6;	      /* installed IPv6 routes through it */
};

/* A route of the kernel's (kernel_route) in some table. */
struct evpn_lroute_key {
	uint32_t table;
	uint32_t metric;
	struct prefix p;
	uint8_t pad[2];
};

struct evpn_lroute {
	UT_hash_handle hh;
	struct evpn_lroute_key key;
	struct kernel_route r;
};

struct evpn {
	struct rib *rib;
	struct bgp *bgp;
	struct kernel *kernel;	      /* NULL: no kernel programming */
	struct event_base *base;
	struct event *work_ev;	      /* deferred work outside RIB callbacks */
	uint32_t asn;
	struct in_addr router_id;
	struct ipaddr vtep;
	bool advertise_all_vni;
	bool arp_nd_suppression;
	struct evpn_vni *vnis;
	struct evpn_rt_import *rt_index;
	/*
	 * MACs and IPs by VNI, from pools.  Walks over the tables (htab_first)
	 * must not add entries; the local sides are on lists of their own.
	 */
	struct htab macs, neighs;
	struct htab neighs_by_mac;    /* local neighbours by (VNI, their MAC): evpn_mac_hash */
	struct htab mac_locs, neigh_locs; /* local sides by their entry's address */
	LIST_HEAD(, evpn_mac_local) local_macs;
	LIST_HEAD(, evpn_neigh_local) local_neighs;
	struct pool mac_pool, neigh_pool;
	struct evpn_flood *floods;
	struct evpn_vrf *vrfs;
	struct evpn_rt_import *rt_vrf_index; /* route target -> L3VNIs of the VRFs importing it */
	struct evpn_l3route *l3routes;
	struct evpn_nh *nhs;
	struct evpn_lroute *lroutes;
	struct ipaddr *underlay;      /* neighbor addresses (default-VRF Type-5 filter) */
	struct evpn_devs *devs;	      /* declared devices (evpn_dev.c), NULL before configure */
	bool devs_applied;	      /* a non-empty set was handed to the kernel once */
	size_t n_underlay;
	bool work_pending;
	struct evpn_mac_key *pending; /* MACs to look at again outside RIB callbacks */
	size_t n_pending, cap_pending;
	struct evpn_stats {
		uint64_t mac_moves, local_macs, local_neighs, remote_macs, remote_neighs;
		uint64_t duplicates;
		uint64_t vteps;
		uint64_t l3_routes, t5_local;
	} st;
};

/* evpn_dev.c: devices of create: true entries, applied through kernel_ops.devices_apply */
void evpn_devices_configure(struct evpn *e, const struct config *cfg);
void evpn_devices_apply(struct evpn *e); /* again, with the kernel now set */
void evpn_devices_free(struct evpn *e);

/* evpn.c */
struct evpn_vni *evpn_vni_get(struct evpn *e, vni_t vni);
void evpn_subject(char out[32], vni_t vni);
void evpn_schedule_work(struct evpn *e);
const struct rib_attrs *evpn_attrs_local(struct evpn *e, const struct ecomm *rts, size_t n_rts,
					 const struct ecomm *extra, size_t n_extra);
const struct rib_attrs *evpn_local_attrs(struct evpn *e, const struct evpn_vni *v,
					 const struct ecomm *extra, size_t n_extra);

/* evpn_import.c */
void evpn_rt_index_clear(struct evpn_rt_import **idx);
void evpn_rt_index_add(struct evpn_rt_import **idx, const struct ecomm *rt, vni_t vni);
/* The VNIs of idx p's route targets name, each once, at most cap. */
size_t evpn_rt_index_lookup(struct evpn_rt_import *idx, const struct rib_path *p, vni_t *out,
			    size_t cap);
void evpn_cands_add(struct evpn_cands *c, const struct rib_route *rt);
void evpn_cands_del(struct evpn_cands *c, const struct rib_route *rt);
void evpn_cands_free(struct evpn_cands *c);
void evpn_import_observer(void *arg, const struct rib_route *rt, const struct rib_path *old_best,
			  const struct rib_path *new_best);
void evpn_import_rebuild(struct evpn *e);	 /* after VNIs or RTs changed */
void evpn_mac_reevaluate(struct evpn *e, struct evpn_mac *m);
/* The kernel no longer holds m's remote entry (someone else removed it). */
void evpn_mac_uninstalled(struct evpn *e, struct evpn_mac *m);
uint32_t evpn_mac_hash(vni_t vni, const struct mac *mac);
struct evpn_mac *evpn_mac_get(struct evpn *e, vni_t vni, const struct mac *mac, bool create);
htab_hash_fn evpn_mac_node_hash, evpn_neigh_node_hash; /* evpn.macs, evpn.neighs */
struct evpn_neigh *evpn_neigh_get(struct evpn *e, vni_t vni, const struct ipaddr *ip, bool create);
void evpn_mac_maybe_free(struct evpn *e, struct evpn_mac *m);
void evpn_neigh_maybe_free(struct evpn *e, struct evpn_neigh *n);
/* The remote winner for m, NULL if none (MAC-only or MAC+IP routes alike). */
const struct rib_path *evpn_mac_remote_best(const struct evpn_mac *m);
void evpn_import_free(struct evpn *e);

void evpn_kernel_vni_add(struct evpn *e, const struct kernel_vni *k);
void evpn_kernel_vni_del(struct evpn *e, vni_t vni);

/* evpn_l3.c */
void evpn_l3_configure(struct evpn *e, const struct config *cfg);
bool evpn_l3_is_l3vni(const struct evpn *e, vni_t vni);
void evpn_l3_vni_add(struct evpn *e, const struct kernel_vni *k);
void evpn_l3_vni_del(struct evpn *e, vni_t vni);
void evpn_l3_kernel_start(struct evpn *e); /* a kernel was set: mark L3VNIs */
/* The active VRF an L2VNI's SVI routes in, or NULL. */
const struct evpn_vrf *evpn_l3_vrf_of(const struct evpn *e, const struct evpn_vni *v);
void evpn_l3_observer(struct evpn *e, const struct rib_route *rt, const struct rib_path *old_best,
		      const struct rib_path *new_best);
void evpn_l3_rebuild(struct evpn *e);
void evpn_l3_work(struct evpn *e);
void evpn_l3_free(struct evpn *e);
extern void evpn_l3_route_add(void *arg, const struct kernel_route *r);
extern void evpn_l3_route_del(void *arg, const struct kernel_route *r);

/* evpn_local.c */
htab_hash_fn evpn_by_mac_node_hash; /* evpn.neighs_by_mac */
/* The MAC (neighbour) entry a local side belongs to. */
static inline struct evpn_mac *evpn_mac_local_of(const struct evpn_mac_local *l)
{
	return l->side.owner;
}

static inline struct evpn_neigh *evpn_neigh_local_of(const struct evpn_neigh_local *l)
{
	return l->side.owner;
}

/* m's local side (NULL unless m->has_loc), then n's. */
struct evpn_mac_local *evpn_mac_loc(const struct evpn *e, const struct evpn_mac *m);
struct evpn_neigh_local *evpn_neigh_loc(const struct evpn *e, const struct evpn_neigh *n);
/* Whether our Type-2 for m (for n) is in the RIB. */
bool evpn_mac_advertised(const struct evpn *e, const struct evpn_mac *m);
bool evpn_neigh_advertised(const struct evpn *e, const struct evpn_neigh *n);
/* Free m's (n's) local side, if any, as m (n) goes. */
void evpn_mac_loc_free(struct evpn *e, struct evpn_mac *m);
void evpn_neigh_loc_free(struct evpn *e, struct evpn_neigh *n);
void evpn_mac_queue(struct evpn *e, struct evpn_mac *m);
extern const struct kernel_events evpn_kernel_events;
void evpn_local_readvertise(struct evpn *e, struct evpn_vni *v); /* RD/RT changed */
void evpn_local_vni_gone(struct evpn *e, vni_t vni);
void evpn_local_work(struct evpn *e); /* deferred: withdraw MACs lost to remote PEs */

#endif
