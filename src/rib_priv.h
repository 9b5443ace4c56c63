/*
 * rib_priv.h - what the RIB's source files (rib.c, rib_attr.c,
 * rib_decide.c) share and nobody else sees: struct rib itself and the
 * interned attribute entry.
 */
#ifndef EVPND_RIB_PRIV_H
#define EVPND_RIB_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

/*
 * uthash (the interned attributes' table) fixes its OOM behaviour when first
 * included: adds that cannot allocate fail and call uthash_nonfatal_oom (set
 * by each file to raise its local oom flag) instead of exiting.
 */
#define HASH_NONFATAL_OOM 1
#include <uthash.h>

#include "pool.h"
#include "rib.h"

/* An interned attribute set; struct rib_attrs is what callers see of it. */
struct rib_attrs_entry {
	UT_hash_handle hh;
	uint32_t refcnt;
	size_t size;			/* bytes allocated, for statistics */
	struct rib_attrs a;
	/* variable-length members follow in the same allocation */
};

struct rib_cursor {
	LIST_ENTRY(rib_cursor) link;
	uint64_t pos;			/* sequence of the next entry to read */
};

/*
 * The export change log: a ring of routes; entry of sequence s is at
 * ent[(head + s - base) & (cap - 1)].  A route has at most one entry (its
 * latest, route->log_seq); older ones are set to NULL when superseded.
 */
struct rib_log {
	struct rib_route **ent;
	size_t cap;			/* power of two, or 0 */
	size_t head;
	size_t n;
	uint64_t base;			/* sequence of the first entry, from 1 */
	unsigned since_trim;		/* cursor steps since the last trim */
};

/* What a path with RIB_PATH_EXT has besides (rib.exts, by the path's address). */
struct rib_path_ext {
	struct htab_side side;		/* owner: the path */
	struct esi esi;
	struct ipaddr gw;
};

/* The peers a route with sent_side was announced to (rib.sents, by the route's address). */
struct rib_sent {
	struct htab_side side;		/* owner: the route */
	uint64_t slots;			/* by peer slot; never 0 */
};

struct rib {
	struct rib_config cfg;
	struct pool route_pool, path_pool, sent_pool;
	struct htab routes;		/* every route, also walked over route_pool */
	struct htab exts;		/* rib_path_ext of the paths with RIB_PATH_EXT */
	struct htab sents;		/* rib_sent of the routes with sent_side */
	struct rib_attrs_entry *attrs;	/* uthash */
	struct rib_peer local;
	LIST_HEAD(, rib_peer) peers;	/* other than local */
	LIST_HEAD(, rib_cursor) cursors;
	struct rib_log log;
	rib_observer_fn observer;
	void *observer_arg;
	rib_sweep_fn sweep_hook;
	void *sweep_arg;
	size_t n_routes;		/* with a path */
	size_t n_routes_alloc;
	size_t n_paths;
	size_t n_attrs;
	size_t attrs_bytes;
	size_t n_peers;
	uint64_t slots;			/* peer slots in use (rib_peer.slot) */
};

/* Equal contents, whichever peers announced them (attrs_eq but from). */
bool rib_attrs_same(const struct rib_attrs *a, const struct rib_attrs *b);

/* Free every interned attribute set, whatever its references (rib_free). */
void rib_attrs_free_all(struct rib *rib);

#endif
