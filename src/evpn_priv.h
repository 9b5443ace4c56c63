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

#include <uthash.h>

#include "evpn.h"
#include "kernel.h"
#include "rib.h"

#define EVPN_MAX_RT 32
#define EVPN_DAD_MOVES 5	/* FRR's default: 5 moves ... */
#define EVPN_DAD_WINDOW_S 180	/* ... within 180 s */

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

/* Route target -> the VNIs importing it. */
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

/* Routes that are candidates for one (VNI, MAC) or (VNI, IP). */
struct evpn_cands {
	const struct rib_route **v;
	size_t n, cap;
};

struct evpn_mac {
	UT_hash_handle hh;
	struct evpn_mac_key key;
	struct evpn_cands cands;      /* Type-2 routes (MAC-only and MAC+IP), any RD */
	/* what the kernel has */
	bool installed;
	struct ipaddr inst_vtep;
	bool inst_sticky;
	/* local learning */
	bool local;
	bool local_static;
	int ifindex;
	uint32_t local_seq;
	bool local_advertised;	      /* our MAC-only Type-2 is in the RIB */
	struct evpn_key adv_key;      /* ... under this key */
	bool lost_to_remote;	      /* a remote route with a higher sequence won */
	bool moved_away;	      /* ... and our routes for it were withdrawn */
	/* duplicate address detection: EVPN_DAD_MOVES moves within EVPN_DAD_WINDOW_S */
	uint16_t dad_moves;
	time_t dad_since;
	bool duplicate;		      /* frozen: local moves are no longer advertised */
	bool queued;		      /* in evpn.pending */
};

struct evpn_ip_key {
	vni_t vni;
	struct ipaddr ip;
};

struct evpn_neigh {
	UT_hash_handle hh;
	struct evpn_ip_key key;
	struct evpn_cands cands;      /* Type-2 MAC+IP routes with this IP */
	bool installed;
	struct mac inst_mac;
	/* local */
	bool local;
	struct mac local_mac;
	bool local_advertised;
	struct evpn_key adv_key;
};

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
	struct evpn_mac *macs;
	struct evpn_neigh *neighs;
	struct evpn_flood *floods;
	bool work_pending;
	struct evpn_mac_key *pending; /* MACs to look at again outside RIB callbacks */
	size_t n_pending, cap_pending;
	struct evpn_stats {
		uint64_t mac_moves, local_macs, local_neighs, remote_macs, remote_neighs;
		uint64_t duplicates;
		uint64_t vteps;
	} st;
};

/* evpn.c */
struct evpn_vni *evpn_vni_get(struct evpn *e, vni_t vni);
void evpn_subject(char out[32], vni_t vni);
void evpn_schedule_work(struct evpn *e);
const struct rib_attrs *evpn_local_attrs(struct evpn *e, const struct evpn_vni *v,
					 const struct ecomm *extra, size_t n_extra);

/* evpn_import.c */
void evpn_import_observer(void *arg, const struct rib_route *rt, const struct rib_path *old_best,
			  const struct rib_path *new_best);
void evpn_import_rebuild(struct evpn *e);	 /* after VNIs or RTs changed */
void evpn_mac_reevaluate(struct evpn *e, struct evpn_mac *m);
struct evpn_mac *evpn_mac_get(struct evpn *e, vni_t vni, const struct mac *mac, bool create);
struct evpn_neigh *evpn_neigh_get(struct evpn *e, vni_t vni, const struct ipaddr *ip, bool create);
void evpn_mac_maybe_free(struct evpn *e, struct evpn_mac *m);
void evpn_neigh_maybe_free(struct evpn *e, struct evpn_neigh *n);
/* The remote winner for m, NULL if none (MAC-only or MAC+IP routes alike). */
const struct rib_path *evpn_mac_remote_best(const struct evpn_mac *m);
void evpn_import_free(struct evpn *e);

void evpn_kernel_vni_add(struct evpn *e, const struct kernel_vni *k);
void evpn_kernel_vni_del(struct evpn *e, vni_t vni);

/* evpn_local.c */
void evpn_mac_queue(struct evpn *e, struct evpn_mac *m);
extern const struct kernel_events evpn_kernel_events;
void evpn_local_readvertise(struct evpn *e, struct evpn_vni *v); /* RD/RT changed */
void evpn_local_vni_gone(struct evpn *e, vni_t vni);
void evpn_local_work(struct evpn *e); /* deferred: withdraw MACs lost to remote PEs */

#endif
