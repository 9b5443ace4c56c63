/*
 * htab.h - an intrusive chained hash table for the large per-route tables
 * (RIB routes, EVPN MACs, kernel objects).  The handle in the object is 16
 * bytes (chain link and the full 32-bit hash) instead of uthash's 56; the
 * bucket array is one pointer per bucket and doubles when the table holds
 * more than two entries per bucket, so lookups walk chains of about one.
 *
 * The table neither allocates nor compares objects: the caller hashes its
 * key, walks the chain of that hash and compares its own keys.  The hash is
 * kept in the handle, so growing never calls back and a chain walk skips
 * other hashes without touching their objects' keys.
 *
 * A walk (htab_first, htab_next) visits every entry once, in no useful
 * order, as long as nothing is added meanwhile: growth would reorder the
 * buckets.  Tables whose walks add entries keep a list of their own.
 */
#ifndef EVPND_HTAB_H
#define EVPND_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct htab_node {
	struct htab_node *next;		/* chain of the same bucket */
	uint32_t hash;
};

struct htab {
	struct htab_node **b;		/* buckets, NULL until the first insertion */
	size_t mask;			/* buckets - 1 */
	size_t n;			/* entries */
};

#define HTAB_ENTRY(node, type, member) \
	((type *)(void *)((char *)(node) - offsetof(type, member)))

void htab_init(struct htab *h);
/* The bucket array; the entries are the caller's (remove or forget them first). */
void htab_free(struct htab *h);
/*
 * Insert n under hash.  -1 only when the first bucket array cannot be
 * allocated; a failed growth is not an error (chains get longer).
 */
int htab_add(struct htab *h, struct htab_node *n, uint32_t hash);
/* Remove n, which must be in h. */
void htab_del(struct htab *h, struct htab_node *n);

/* First entry of hash's chain with that hash, then the next one. */
static inline struct htab_node *htab_chain_next(struct htab_node *n, uint32_t hash)
{
	while (n && n->hash != hash)
		n = n->next;
	return n;
}

static inline struct htab_node *htab_chain(const struct htab *h, uint32_t hash)
{
	return h->b ? htab_chain_next(h->b[hash & h->mask], hash) : NULL;
}

/*
 * Walk: for (n = htab_first(h); n; n = next) { next = htab_next(h, n); ... }.
 * The work may remove n (after taking next) but must not add entries.
 */
struct htab_node *htab_first(const struct htab *h);
struct htab_node *htab_next(const struct htab *h, const struct htab_node *n);

/* A hash of len bytes (len a multiple of 4) for keys without their own. */
uint32_t htab_hash(const void *key, size_t len);

static inline size_t htab_count(const struct htab *h)
{
	return h->n;
}

/* Bytes of the bucket array (statistics). */
static inline size_t htab_bytes(const struct htab *h)
{
	return h->b ? (h->mask + 1) * sizeof(*h->b) : 0;
}

#endif
