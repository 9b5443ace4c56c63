/*
 * pool.c - the fixed-size object pools of pool.h.  A block belongs to one
 * pool and is never split; blocks are only freed all at once, when no
 * object of the pool is live (or by pool_free).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pool.h"

#define POOL_MIN (64 * 1024)		/* first block, from malloc */
#define POOL_HUGE (2 * 1024 * 1024)	/* largest block: one huge page */
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25		/* Linux 6.1; glibc 2.36 lacks the name */
#endif

#if defined(__SANITIZE_ADDRESS__)
#define POOL_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POOL_MALLOC 1
#endif
#endif

/*
 * A block; under AddressSanitizer the header of one object instead, on the
 * pool's list of live objects (so that pool_free frees them too).
 */
struct pool_block {
	struct pool_block *next;
	size_t size;			/* POOL_HUGE: mmap()ed, else malloc()ed */
};

void pool_init(struct pool *p, size_t objsize)
{
	memset(p, 0, sizeof(*p));
	p->size = (objsize + 7) & ~(size_t)7;
}

/* Blocks, or (under AddressSanitizer) the live objects: size 0 there. */
static void blocks_free(struct pool *p)
{
	struct pool_block *b;

	while ((b = p->blocks)) {
		p->blocks = b->next;
		if (b->size == POOL_HUGE)
			munmap(b, POOL_HUGE);
		else
			free(b);
	}
	p->last = NULL;
}

void pool_free(struct pool *p)
{
	blocks_free(p);
	p->free = NULL;
	p->cur = p->end = NULL;
	p->block_size = 0;
	p->live = 0;
	p->mapped = 0;
	p->bytes = 0;
}

#ifdef POOL_MALLOC

bool pool_has_blocks(void)
{
	return false;
}

/*
 * Live objects on a doubly linked list through their headers (struct
 * pool_block + prev), oldest first: blocks is the oldest, last the newest.
 */
struct pool_obj {
	struct pool_block b;		/* next: the following live object */
	struct pool_obj *prev;
};

void *pool_get(struct pool *p)
{
	struct pool_obj *o = calloc(1, sizeof(*o) + p->size);

	if (!o)
		return NULL;
	o->prev = (struct pool_obj *)p->last;
	if (p->last)
		p->last->next = &o->b;
	else
		p->blocks = &o->b;
	p->last = &o->b;
	p->live++;
	return o + 1;
}

void pool_put(struct pool *p, void *obj)
{
	struct pool_obj *o = (struct pool_obj *)obj - 1;

	if (o->prev)
		o->prev->b.next = o->b.next;
	else
		p->blocks = o->b.next;
	if (o->b.next)
		((struct pool_obj *)o->b.next)->prev = o->prev;
	else
		p->last = o->prev ? &o->prev->b : NULL;
	p->live--;
	free(o);
}

/* w->b: the object returned last, the one to resume from. */
void *pool_walk_next(const struct pool *p, struct pool_walk *w)
{
	struct pool_block *b;

	if (w->done)
		return NULL;
	b = w->b ? w->b->next : p->blocks;
	if (!b) {
		w->done = true;
		return NULL;
	}
	w->b = b;
	return (struct pool_obj *)b + 1;
}

#else

bool pool_has_blocks(void)
{
	return true;
}

/*
 * A POOL_HUGE-aligned mapping of that size, advised as no huge page yet
 * (THP "always" would fault one in at the first touch): its pages become
 * resident as objects are carved from it, so the newest block, on average
 * half used, costs what is used of it (a huge page from the first touch
 * makes each pool's newest block wholly resident: ~1 MiB a pool, ~50
 * B/route at 100,000 routes).
 */
static void *huge_map(void)
{
	uint8_t *m = mmap(NULL, 2 * POOL_HUGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t head;

	if (m == MAP_FAILED)
		return NULL;
	head = (POOL_HUGE - ((uintptr_t)m & (POOL_HUGE - 1))) & (POOL_HUGE - 1);
	if (head)
		munmap(m, head);
	munmap(m + head + POOL_HUGE, POOL_HUGE - head);
	madvise(m + head, POOL_HUGE, MADV_NOHUGEPAGE); /* hints: failure is harmless */
	return m + head;
}

/* The administrator turned transparent huge pages off (read once). */
static bool thp_never(void)
{
	static int never = -1;
	char line[128] = "";
	FILE *f;

	if (never >= 0)
		return never;
	never = 0;
	if ((f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r"))) {
		never = fgets(line, sizeof(line), f) && strstr(line, "[never]");
		fclose(f);
	}
	return never;
}

/*
 * A full block becomes one huge page: now, by MADV_COLLAPSE (one 2 MiB copy
 * per block's worth of objects; synchronous, it may compact memory), else
 * later by khugepaged as MADV_HUGEPAGE allows.  Both are hints; a kernel
 * without them leaves small pages, and so does THP set to never (which
 * MADV_COLLAPSE would override).
 */
static void huge_collapse(struct pool_block *b)
{
	if (thp_never())
		return;
	madvise(b, POOL_HUGE, MADV_HUGEPAGE);
	madvise(b, POOL_HUGE, MADV_COLLAPSE);
}

static int block_new(struct pool *p)
{
	size_t size = p->block_size ? p->block_size : POOL_MIN;
	struct pool_block *b = size == POOL_HUGE ? huge_map() : malloc(size);

	if (!b)
		return -1;
	b->size = size;
	b->next = NULL;
	if (p->last && p->last->size == POOL_HUGE)
		huge_collapse(p->last); /* full now */
	if (p->last)
		p->last->next = b;
	else
		p->blocks = b;
	p->last = b;
	if (size == POOL_HUGE)
		p->mapped += size;
	p->bytes += size;
	p->block_size = size < POOL_HUGE ? 2 * size : size;
	p->cur = (uint8_t *)(b + 1);
	p->end = (uint8_t *)b + size;
	return 0;
}

void *pool_get(struct pool *p)
{
	void *obj = p->free;

	if (obj) {
		memcpy(&p->free, obj, sizeof(void *));
	} else {
		if ((size_t)(p->end - p->cur) < p->size && block_new(p) == -1)
			return NULL;
		obj = p->cur;
		p->cur += p->size;
	}
	p->live++;
	memset(obj, 0, p->size);
	return obj;
}

/* Slots of b ever handed out: all of a full block's, those before cur in the newest. */
static size_t block_slots(const struct pool *p, const struct pool_block *b)
{
	const uint8_t *base = (const uint8_t *)(b + 1);

	if (b == p->last)
		return (size_t)(p->cur - base) / p->size;
	return (b->size - sizeof(*b)) / p->size;
}

void *pool_walk_next(const struct pool *p, struct pool_walk *w)
{
	if (w->done)
		return NULL;
	if (!w->b)
		w->b = p->blocks;
	for (; w->b; w->b = w->b->next, w->i = 0)
		if (w->i < block_slots(p, w->b))
			return (uint8_t *)(w->b + 1) + w->i++ * p->size;
	w->done = true;
	return NULL;
}

/* The last object returned frees the blocks. */
void pool_put(struct pool *p, void *obj)
{
	if (--p->live == 0) {
		pool_free(p);
		return;
	}
	memcpy(obj, &p->free, sizeof(void *));
	p->free = obj;
}

#endif
