/*
 * rib.h - the EVPN RIB: every path of every EVPN route, keyed by struct
 * evpn_key (RD included), the best path of each route, and what the BGP
 * output side must advertise.  Pure data structure and decisions: no
 * sockets, no kernel, no logging, no global state (all hangs off struct rib).
 *
 * Ownership and invariants:
 *  - Path attributes are interned (rib_attrs_intern): equal contents from
 *    the same peer share one immutable, reference-counted struct rib_attrs.
 *    A path holds one reference to its attributes, and finds its peer
 *    through them (rib_path_peer).
 *  - A route holds its paths (at most one per peer) and its best path.  A
 *    route lives while it has a path or a reference (the export change log,
 *    an iterator, rib_route_ref); a route with no path has best == NULL and
 *    is skipped by rib_route_get and iteration.
 *  - Every change of a route's best path (appearing, changing, disappearing)
 *    calls the observer synchronously, while both paths are still valid,
 *    and appends the route to the export change log read by the cursors.
 *  - Callbacks must not modify the RIB.
 *  - struct rib_route, rib_path and rib_peer are read-only outside the RIB.
 */
#ifndef EVPND_RIB_H
#define EVPND_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "bgp_attr.h"
#include "evpn_nlri.h"
#include "htab.h"
#include "pool.h"
#include "types.h"

struct rib;
struct rib_peer;

/* ---- interned path attributes ------------------------------------- */

/*
 * The path attributes of one or many routes.  As a template (filled by
 * hand or by rib_attrs_from_update) the variable-length members point
 * anywhere, e.g. into a received message; rib_attrs_intern copies them.
 * Interned copies are immutable and always hold as_path in 4-octet form.
 */
struct rib_attrs {
	/*
	 * The peer that announced them (rib_peer_local for evpnd's own):
	 * part of the set's identity, so that a path (one per route and peer)
	 * need not name its peer itself.  Only compared, never followed, once
	 * the peer is removed (references such as an installed MAC's outlive
	 * its paths).
	 */
	struct rib_peer *from;
	uint8_t origin;			/* BGP_ORIGIN_* */
	bool has_med;
	bool has_local_pref;
	bool has_originator;
	bool has_pmsi;
	bool as_path_as2;		/* template only: as_path has 2-octet ASNs */
	uint8_t n_unknown;
	uint32_t as_path_len;		/* octets */
	uint32_t as4_path_len;		/* template only, with as_path_as2 (RFC 6793) */
	uint16_t n_cluster;
	uint16_t n_ecomm;
	uint32_t med;
	uint32_t local_pref;
	uint32_t originator_id;		/* host order */
	const uint8_t *as_path;		/* segments as on the wire */
	const uint8_t *as4_path;	/* template only */
	const uint8_t *cluster_list;	/* n_cluster ids, network order */
	const struct ecomm *ecomm;	/* in received order */
	const struct buf *unknown;	/* whole optional transitive attributes */
	struct bgp_pmsi pmsi;		/* id: tunnel identifier of non-IR types */
	struct ipaddr next_hop;
	/*
	 * Derived when interning, ignored in templates: AS_PATH length for the
	 * decision (RFC 4271 9.1.2.2 a: a set counts 1, RFC 5065 5.3:
	 * confederation segments 0) and the EVPN summary of ecomm
	 * (evpn_ecomm_summarise: MAC mobility per RFC 7432 7.7, a route
	 * without the community has sequence 0).
	 */
	uint16_t as_path_count;
	bool mm_present;
	bool mm_sticky;
	bool has_rmac;
	bool default_gw;
	uint32_t mm_seq;
	struct mac rmac;
};

/*
 * Fill a template from a decoded UPDATE without allocating: t points into
 * u and its message and is valid while they are.  The next hop is MP_REACH's when
 * present, else NEXT_HOP.  Attributes not in u->present are absent.
 */
void rib_attrs_from_update(struct rib_attrs *t, const struct bgp_update *u);

/*
 * The shared immutable copy of tmpl's contents with one reference for the
 * caller, or NULL when out of memory.  Equal contents give the same pointer.
 */
const struct rib_attrs *rib_attrs_intern(struct rib *rib, const struct rib_attrs *tmpl);
const struct rib_attrs *rib_attrs_ref(const struct rib_attrs *a);
/* Drop a reference; the last one frees a. NULL is ignored. */
void rib_attrs_unref(struct rib *rib, const struct rib_attrs *a);
uint32_t rib_attrs_refcnt(const struct rib_attrs *a);

/* ---- peers --------------------------------------------------------- */

struct rib_peer_info {
	uint32_t id;			/* the BGP layer's handle for the session */
	uint32_t bgp_id;		/* BGP identifier from OPEN, host order */
	struct ipaddr addr;		/* peer address */
	bool ibgp;
	bool rr_client;			/* RFC 4456: we reflect to it as its RR */
};

struct rib_path;

#define RIB_NO_SLOT 0xff		/* more than 64 peers: sends are not tracked */

struct rib_peer {
	struct rib_peer_info info;
	bool local;			/* the RIB's own peer: routes evpnd originates */
	uint8_t slot;			/* its bit in rib_route.sent, or RIB_NO_SLOT */
	size_t n_paths;			/* prefix count (max-prefix) */
	size_t n_stale;
	LIST_ENTRY(rib_peer) link;
};

/* Register a session's peer; NULL when out of memory. */
struct rib_peer *rib_peer_add(struct rib *rib, const struct rib_peer_info *info);
/* New identity (BGP identifier after OPEN, RR client flag after reload). */
void rib_peer_set_info(struct rib *rib, struct rib_peer *peer, const struct rib_peer_info *info);
/* Flush the peer's paths (observer and log as for withdraws) and free it. */
void rib_peer_remove(struct rib *rib, struct rib_peer *peer);
/* The local peer (id 0, bgp_id = our router id): locally originated routes. */
struct rib_peer *rib_peer_local(struct rib *rib);

/* ---- routes and paths ---------------------------------------------- */

#define RIB_PATH_STALE 0x01		/* graceful restart (RFC 4724 4.2) */
/*
 * The path has per-path NLRI fields most paths do not have -- a Type-2 or
 * Type-5 ESI (Type-1/4: in the key), a Type-5 gateway IP -- kept beside it
 * in the RIB (rib_path_esi, rib_path_gw), not in every path.
 */
#define RIB_PATH_EXT 0x02

/*
 * One peer's path to a route: the per-path NLRI fields not in the key, 32
 * bytes.  A path is reached only through its route (no per-peer list, no
 * pointer back); whoever holds a path knows its route.
 */
struct rib_path {
	struct rib_path *next;		/* route's paths */
	const struct rib_attrs *attrs;	/* one reference; attrs->from is the path's peer */
	/* raw 24-bit label fields (the VNI under VXLAN): rib_path_label */
	uint32_t label0 : 24;
	uint32_t nlabels : 2;
	uint32_t flags : 6;		/* RIB_PATH_* */
	uint32_t label1;
};

/* Label field i (0 or 1) of p; 0 when p has fewer. */
static inline uint32_t rib_path_label(const struct rib_path *p, unsigned i)
{
	return i >= p->nlabels ? 0 : i == 0 ? p->label0 : p->label1;
}

_Static_assert(sizeof(struct rib_path) == 24, "one per route and peer: keep it small");

/* The peer p came from. */
static inline struct rib_peer *rib_path_peer(const struct rib_path *p)
{
	return p->attrs->from;
}

/* The path's ESI (all zero when none) and Type-5 gateway (family 0: none). */
const struct esi *rib_path_esi(const struct rib *rib, const struct rib_path *p);
const struct ipaddr *rib_path_gw(const struct rib *rib, const struct rib_path *p);

struct rib_route {
	struct htab_node hnode;		/* rib.routes */
	struct evpn_key key;
	struct rib_path *paths;		/* the best first (rib_route_best) */
	/*
	 * The low 32 bits of the sequence of its change log entry, when
	 * logged: the log never holds 2^32 entries, so they tell the entry.
	 */
	uint32_t log_seq;
	uint32_t logged : 1;
	/*
	 * Announced to a peer with a slot since: the peers' bits are in a
	 * side table (rib_route_sent), so that the routes a leaf only
	 * receives do not carry them.
	 */
	uint32_t sent_side : 1;
	uint32_t sent_unknown : 1;	/* the side entry could not be allocated: taken
					   as announced to every peer */
	uint32_t refcnt : 29;		/* log entry, iterators, rib_route_ref */
};

_Static_assert(sizeof(struct rib_route) == 64, "one per route: keep it in a cache line");

/* The best path of rt: NULL iff rt has none. */
static inline struct rib_path *rib_route_best(const struct rib_route *rt)
{
	return rt->paths;
}

/* The route of key with at least one path, or NULL. */
struct rib_route *rib_route_get(struct rib *rib, const struct evpn_key *key);
/* Keep a route alive (e.g. across event loop turns) until rib_route_unref. */
void rib_route_ref(struct rib_route *rt);
void rib_route_unref(struct rib *rib, struct rib_route *rt);
/* peer's path of rt, or NULL. */
struct rib_path *rib_route_path(const struct rib_route *rt, const struct rib_peer *peer);
/*
 * Same attributes and per-path NLRI fields (peers may differ): e.g. the
 * observer seeing the best path move from one route reflector's copy to
 * another's can skip the kernel.
 */
bool rib_path_same(const struct rib *rib, const struct rib_path *a, const struct rib_path *b);
/* Rebuild the decoded route of path p of rt (to encode it as an NLRI). */
void rib_path_route(const struct rib *rib, const struct rib_route *rt, const struct rib_path *p,
		    struct evpn_route *out);

/*
 * Announce: set peer's path for r's key to r's per-path fields and attrs
 * (interned with from = peer; the RIB takes its own reference).  A
 * re-announcement clears the stale flag; an identical one changes nothing
 * else.  Returns 0, or -1 when r has no valid key, attrs are another
 * peer's or memory ran out (the RIB is unchanged).
 */
int rib_update(struct rib *rib, struct rib_peer *peer, const struct evpn_route *r,
	       const struct rib_attrs *attrs);
/* Remove peer's path for key.  0, or -1 when there was none. */
int rib_withdraw(struct rib *rib, struct rib_peer *peer, const struct evpn_key *key);
/*
 * Remove all of peer's paths.  This and the two below walk the routes until
 * the peer has no (stale) path left: O(routes) for a peer with a path to
 * the last route walked, a full table's walk at worst.
 */
void rib_peer_flush(struct rib *rib, struct rib_peer *peer);
/* Graceful restart: mark all of peer's paths stale (they stay usable). */
void rib_peer_mark_stale(struct rib *rib, struct rib_peer *peer);
/* Remove peer's paths still stale (End-of-RIB or restart timer). */
void rib_peer_sweep_stale(struct rib *rib, struct rib_peer *peer);

/* ---- best path ----------------------------------------------------- */

/* Which step decided rib_path_cmp, in the order they are applied. */
enum rib_why {
	RIB_WHY_EQUAL = 0,
	RIB_WHY_STICKY,		/* RFC 7432 15.2: static MAC does not move */
	RIB_WHY_MM_SEQ,		/* RFC 7432 15.1: higher sequence number */
	RIB_WHY_MM_NEXTHOP,	/* RFC 7432 15.1: equal sequence, lower PE IP */
	RIB_WHY_LOCAL_PREF,	/* RFC 4271 9.1.2.2 (via 9.1.1) */
	RIB_WHY_LOCAL,		/* locally originated over received */
	RIB_WHY_AS_PATH,	/* RFC 4271 9.1.2.2 a */
	RIB_WHY_ORIGIN,		/* b */
	RIB_WHY_MED,		/* c, always compared */
	RIB_WHY_EBGP,		/* d */
	RIB_WHY_ORIGINATOR,	/* f with RFC 4456 9: ORIGINATOR_ID or BGP id */
	RIB_WHY_CLUSTER,	/* RFC 4456 9: shorter CLUSTER_LIST */
	RIB_WHY_PEER_ADDR,	/* g */
	RIB_WHY_PEER_ID,	/* last resort: deterministic */
};

const char *rib_why_name(enum rib_why why);

/*
 * Order two paths of routes of the given EVPN route type: < 0 when a is
 * preferred, > 0 when b is, 0 when they are equal; why (may be NULL) tells
 * which step decided.  Exported so that the EVPN layer can apply the same
 * MAC mobility rules between routes of different RDs (one MAC, two PEs).
 */
int rib_path_cmp(const struct rib_path *a, const struct rib_path *b, uint8_t type,
		 enum rib_why *why);

typedef void (*rib_observer_fn)(void *arg, const struct rib_route *rt,
				const struct rib_path *old_best, const struct rib_path *new_best);
void rib_set_observer(struct rib *rib, rib_observer_fn fn, void *arg);
/*
 * Called with begin = true before rib_peer_sweep_stale removes a peer's
 * stale paths (the observer then sees each go) and with false after: the
 * EVPN layer holds the kernel deletions such a sweep causes.
 */
typedef void (*rib_sweep_fn)(void *arg, bool begin);
void rib_set_sweep_hook(struct rib *rib, rib_sweep_fn fn, void *arg);

/* ---- the RIB --------------------------------------------------------- */

struct rib_config {
	uint32_t local_as;
	uint32_t router_id;		/* host order */
	uint32_t cluster_id;		/* host order; RFC 4456 7: router id by default */
};

struct rib *rib_new(const struct rib_config *cfg);
/* Free everything, without observer calls; cursors and peers die with it. */
void rib_free(struct rib *rib);
void rib_set_config(struct rib *rib, const struct rib_config *cfg);

struct rib_stats {
	size_t routes;		/* with at least one path */
	size_t routes_alloc;	/* including routes kept only by references */
	size_t paths;
	size_t attrs;		/* interned attribute sets */
	size_t attrs_bytes;
	size_t log_len;		/* change log entries not yet released */
	size_t log_bytes;	/* the change log's ring (given back when it empties) */
	size_t peers;
	size_t mapped_bytes;	/* route/path memory mmap()ed, outside malloc's statistics */
};
void rib_stats_get(const struct rib *rib, struct rib_stats *st);

/*
 * Iteration over routes with a path, optionally of one route type (0: all),
 * roughly oldest first (a walk over the route pool).  The iterator holds a
 * reference on its current route, so it survives RIB changes between calls
 * (a dump to a new peer across event loop turns); routes added meanwhile
 * may or may not be visited (a peer's change-log cursor, created before its
 * dump, has them).  rib_iter_next returns NULL at the end (the reference is
 * then dropped); rib_iter_stop ends an iteration early.
 */
struct rib_iter {
	struct rib_route *cur;
	struct pool_walk walk;
	uint8_t type;
};
void rib_iter_init(struct rib_iter *it, uint8_t type);
struct rib_route *rib_iter_next(struct rib *rib, struct rib_iter *it);
void rib_iter_stop(struct rib *rib, struct rib_iter *it);

/* ---- export ---------------------------------------------------------- */

/*
 * Change log consumers (one per peer session).  A new cursor starts at the
 * end of the log (dump the table with rib_iter first).  rib_cursor_next
 * returns each route whose best path changed since the cursor last saw it,
 * once, or NULL when the cursor is up to date; the route stays valid until
 * the next call into the RIB (rib_route_ref to keep it).  Log entries every
 * cursor has passed are released.
 */
struct rib_cursor;
struct rib_cursor *rib_cursor_new(struct rib *rib);
void rib_cursor_free(struct rib *rib, struct rib_cursor *c);
struct rib_route *rib_cursor_next(struct rib *rib, struct rib_cursor *c);
/* Log entries ahead of the cursor (an upper bound of routes to send). */
size_t rib_cursor_pending(const struct rib *rib, const struct rib_cursor *c);

/*
 * The path to advertise to peer to, or NULL (withdraw / nothing): the best
 * path, except back to the peer it came from, and (RFC 4456 6) a path from
 * an iBGP non-client only to clients and eBGP peers; client, eBGP and local
 * paths go to everyone.
 */
const struct rib_path *rib_export_path(const struct rib *rib, const struct rib_route *rt,
				       const struct rib_peer *to);

/*
 * Export bookkeeping (a one-bit Adj-RIB-Out per peer): whether rt was
 * announced to peer to and not withdrawn since -- true when not tracked
 * (RIB_NO_SLOT, or the bits could not be allocated), so a withdraw is then
 * always sent -- and recording a message.  The bits of a route live in a
 * side entry while any is set; a removed peer's are cleared (its slot may
 * be reused), a peer kept across a graceful restart keeps them.
 */
bool rib_route_sent(const struct rib *rib, const struct rib_route *rt, const struct rib_peer *to);
void rib_route_set_sent(struct rib *rib, struct rib_route *rt, const struct rib_peer *to,
			bool announced);

/*
 * RFC 4456 8: true when attrs' ORIGINATOR_ID is our router id or our
 * cluster id is in its CLUSTER_LIST; the caller treats the update as a
 * withdraw.
 */
bool rib_path_loop(const struct rib *rib, const struct rib_attrs *attrs);

#define RIB_OUT_MAX_SEG 64
#define RIB_OUT_MAX_ASN 1024
#define RIB_OUT_MAX_CLUSTER 256

/* struct bgp_attr_out with the storage it points into (besides the attrs). */
struct rib_out {
	struct bgp_attr_out attr;
	struct bgp_asseg seg[RIB_OUT_MAX_SEG];
	uint32_t asn[RIB_OUT_MAX_ASN];
	uint32_t cluster[RIB_OUT_MAX_CLUSTER];
};

/*
 * Attributes for advertising p to peer to (out->attr, valid while p's attrs
 * are).  Reflection (iBGP to iBGP): ORIGINATOR_ID kept or set to the
 * sender's BGP identifier, our cluster id prepended to CLUSTER_LIST (RFC
 * 4456 8).  Local paths: ORIGIN IGP, empty AS_PATH, LOCAL_PREF 100 unless
 * set.  iBGP always gets LOCAL_PREF (RFC 4271 5.1.5, default 100).  eBGP:
 * our AS prepended, no LOCAL_PREF, ORIGINATOR_ID, CLUSTER_LIST, and MED
 * only on local paths (RFC 4271 5.1.4).  The next hop is left to the caller
 * (p->attrs->next_hop).  Returns 0, or -1 when the path exceeds struct
 * rib_out's limits.
 */
int rib_out_build(const struct rib *rib, const struct rib_path *p, const struct rib_peer *to,
		  struct rib_out *out);

#endif
