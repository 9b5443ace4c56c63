/*
 * rib_pool.c - the arena routes and paths of a RIB are allocated from
 * (see struct rib_arena in rib_priv.h).  Objects of each type are taken
 * from that type's free list, else carved from the unused tail of the
 * newest block; a block is never split between owners, so freeing all
 * blocks is only done once no object is live.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "rib_priv.h"

#define RIB_ARENA_MIN (64 * 1024)	/* first block, from malloc */
#define RIB_ARENA_HUGE (2 * 1024 * 1024) /* largest block: one huge page */

#if defined(__SANITIZE_ADDRESS__)
#define RIB_ARENA_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RIB_ARENA_MALLOC 1
#endif
#endif

void rib_arena_init(struct rib_arena *a)
{
	memset(a, 0, sizeof(*a));
	a->size[RIB_POOL_ROUTE] = (sizeof(struct rib_route) + 7) & ~(size_t)7;
	a->size[RIB_POOL_PATH] = (sizeof(struct rib_path) + 7) & ~(size_t)7;
}

void rib_arena_free(struct rib_arena *a)
{
	struct rib_pool_block *b;

	while ((b = a->blocks)) {
		a->blocks = b->next;
		if (b->size == RIB_ARENA_HUGE)
			munmap(b, RIB_ARENA_HUGE);
		else
			free(b);
	}
	for (int i = 0; i < RIB_POOL_N; i++)
		a->free[i] = NULL;
	a->cur = a->end = NULL;
	a->block_size = 0;
	a->live = 0;
	a->mapped = 0;
}

#ifdef RIB_ARENA_MALLOC

void *rib_arena_get(struct rib_arena *a, enum rib_pool_id id)
{
	return malloc(a->size[id]);
}

void rib_arena_put(struct rib_arena *a, enum rib_pool_id id, void *obj)
{
	free(obj);
}

#else

/* An RIB_ARENA_HUGE-aligned mapping of that size, advised as a huge page. */
static void *huge_map(void)
{
	uint8_t *p = mmap(NULL, 2 * RIB_ARENA_HUGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t head;

	if (p == MAP_FAILED)
		return NULL;
	head = (RIB_ARENA_HUGE - ((uintptr_t)p & (RIB_ARENA_HUGE - 1))) & (RIB_ARENA_HUGE - 1);
	if (head)
		munmap(p, head);
	munmap(p + head + RIB_ARENA_HUGE, RIB_ARENA_HUGE - head);
	madvise(p + head, RIB_ARENA_HUGE, MADV_HUGEPAGE); /* a hint: failure is harmless */
	return p + head;
}

static int block_new(struct rib_arena *a)
{
	size_t size = a->block_size ? a->block_size : RIB_ARENA_MIN;
	struct rib_pool_block *b = size == RIB_ARENA_HUGE ? huge_map() : malloc(size);

	if (!b)
		return -1;
	b->size = size;
	b->next = a->blocks;
	a->blocks = b;
	if (size == RIB_ARENA_HUGE)
		a->mapped += size;
	a->block_size = size < RIB_ARENA_HUGE ? 2 * size : size;
	a->cur = (uint8_t *)(b + 1);
	a->end = (uint8_t *)b + size;
	return 0;
}

void *rib_arena_get(struct rib_arena *a, enum rib_pool_id id)
{
	void *obj = a->free[id];

	if (obj) {
		memcpy(&a->free[id], obj, sizeof(void *));
	} else {
		if ((size_t)(a->end - a->cur) < a->size[id] && block_new(a) == -1)
			return NULL;
		obj = a->cur;
		a->cur += a->size[id];
	}
	a->live++;
	return obj;
}

/* The last object returned frees the blocks (a flushed RIB gives memory back). */
void rib_arena_put(struct rib_arena *a, enum rib_pool_id id, void *obj)
{
	if (--a->live == 0) {
		rib_arena_free(a);
		return;
	}
	memcpy(obj, &a->free[id], sizeof(void *));
	a->free[id] = obj;
}

#endif
