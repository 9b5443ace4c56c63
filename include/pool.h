/*
 * pool.h - fixed-size object pools for the per-route structures (RIB
 * routes and paths, EVPN MACs and neighbours, kernel objects).  Objects are
 * taken from the pool's free list, else carved from the unused tail of its
 * newest block; blocks double from 64 KiB (malloc) to 2 MiB (mmap; once
 * full, collapsed into a transparent huge page: 100,000 objects take a
 * dozen TLB entries, not thousands, and the newest block costs only the
 * pages used of it).  No malloc call and no malloc header per
 * object.  When the last object is returned all blocks are freed, so a
 * flushed table gives its memory back.  Under AddressSanitizer objects are
 * plain malloc/free so that use-after-free stays detectable.
 *
 * A walk (pool_walk_next) replaces a list of every object: it visits the
 * slots in the order their blocks were added, each slot that ever held an
 * object -- live or returned, the caller tells them apart by a mark of its
 * own beyond the first pointer-sized bytes, which pool_put uses.  Under
 * AddressSanitizer only live objects are visited, oldest first.
 *
 * A pool is not thread-safe: each belongs to one module's state.
 */
#ifndef EVPND_POOL_H
#define EVPND_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pool_block;

struct pool {
	size_t size;			/* object size, a multiple of 8 */
	void *free;			/* free objects, linked through their first word */
	uint8_t *cur, *end;		/* unused tail of the newest block */
	struct pool_block *blocks;	/* oldest first */
	struct pool_block *last;	/* newest: cur and end are in it */
	size_t block_size;		/* of the next block, 0: the first */
	size_t live;			/* objects handed out */
	size_t mapped;			/* bytes of mmap()ed blocks */
	size_t bytes;			/* bytes of all blocks */
};

void pool_init(struct pool *p, size_t objsize);
/* An object of the pool's size, zeroed, or NULL when memory ran out. */
void *pool_get(struct pool *p);
void pool_put(struct pool *p, void *obj);
/* Free every block, whatever objects are still live. */
void pool_free(struct pool *p);
/* false under AddressSanitizer: objects are then malloc()ed one by one. */
bool pool_has_blocks(void);

/*
 * A resumable walk, zeroed to start.  Between calls the pool may change,
 * but the slot pool_walk_next returned last must still hold a live object
 * (the caller keeps it; under AddressSanitizer the walk resumes from it),
 * which also keeps the blocks.  Objects taken after the walk started may or
 * may not be visited.
 */
struct pool_walk {
	struct pool_block *b;		/* NULL: not started */
	size_t i;			/* blocks: the next slot of b */
	bool done;
};

/* The next slot, NULL at the end. */
void *pool_walk_next(const struct pool *p, struct pool_walk *w);

#endif
