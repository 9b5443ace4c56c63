/*
 * rib_priv.h - what the RIB's source files (rib.c, rib_attr.c,
 * rib_decide.c, rib_pool.c) share and nobody else sees: struct rib itself and the
 * interned attribute entry.
 */
#ifndef EVPND_RIB_PRIV_H
#define EVPND_RIB_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

/*
 * uthash fixes its OOM behaviour when first included (by rib.h): adds that
 * cannot allocate fail and call uthash_nonfatal_oom (set by each file to
 * raise its local oom flag) instead of exiting.
 */
#define HASH_NONFATAL_OOM 1
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

/*
 * The arena routes and paths come from (rib_pool.c): one free list per
 * object type, carved from shared blocks that double from 64 KiB (malloc)
 * to 2 MiB (mmap, advised as a transparent huge page: loading 100,000
 * routes then takes a dozen page faults, not thousands).  No malloc call
 * and no malloc header per object.  When the last object is returned all
 * blocks are freed.  Under AddressSanitizer objects are plain malloc/free
 * so that use-after-free stays detectable.
 */
enum rib_pool_id {
	RIB_POOL_ROUTE,
	RIB_POOL_PATH,
	RIB_POOL_N
};

struct rib_pool_block {
	struct rib_pool_block *next;
	size_t size;			/* RIB_ARENA_HUGE: mmap()ed, else malloc()ed */
};

struct rib_arena {
	size_t size[RIB_POOL_N];	/* object sizes, multiples of 8 */
	void *free[RIB_POOL_N];		/* free objects, linked through their first word */
	uint8_t *cur, *end;		/* unused tail of the newest block */
	struct rib_pool_block *blocks;
	size_t block_size;		/* of the next block, 0: the first */
	size_t live;			/* objects handed out */
	size_t mapped;			/* bytes of mmap()ed blocks */
};

void rib_arena_init(struct rib_arena *a);
void *rib_arena_get(struct rib_arena *a, enum rib_pool_id id);
void rib_arena_put(struct rib_arena *a, enum rib_pool_id id, void *obj);
void rib_arena_free(struct rib_arena *a);

struct rib {
	struct rib_config cfg;
	struct rib_arena arena;
	struct rib_route *routes;	/* uthash */
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

/* Free every interned attribute set, whatever its references (rib_free). */
void rib_attrs_free_all(struct rib *rib);

#endif
