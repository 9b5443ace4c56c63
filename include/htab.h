/*
 * htab.h - an intrusive chained hash table for the large per-route tables
 * (RIB routes, EVPN MACs, kernel objects).  The handle in the object is one
 * pointer (the chain link), 8 bytes instead of uthash's 56; the bucket
 * array is one pointer per bucket and doubles when the table holds more
 * than two entries per bucket, so lookups walk chains of about one.
 *
 * The table neither allocates nor compares objects: the caller hashes its
 * key, walks the chain of that hash's bucket and compares its own keys.
 * Hashes are not kept in the handle (a route's object would grow 8 bytes):
 * the table asks the hash function given to htab_init when it needs one
 * again -- to grow, to remove an entry, to step a walk to the next bucket.
 * Contract: that function returns for an entry the hash it was added under,
 * as long as it is in the table (its key does not change meanwhile).
 *
 * A walk (htab_first, htab_next) visits every entry once, in no useful
 * order, as long as nothing is added meanwhile: growth would reorder the
 * buckets.  Tables whose walks add entries keep a list of their own.
 */
#ifndef EVPND_HTAB_H
#define EVPND_HTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct htab_node {
	struct htab_node *next;		/* chain of the same bucket */
};

/* The hash entry n was added under (see the contract above). */
typedef uint32_t htab_hash_fn(const struct htab_node *n);

struct htab {
	struct htab_node **b;		/* buckets, NULL until the first insertion */
	size_t mask;			/* buckets - 1 */
	size_t n;			/* entries */
	htab_hash_fn *hash;
};

#define HTAB_ENTRY(node, type, member) \
	((type *)(void *)((char *)(node) - offsetof(type, member)))

void htab_init(struct htab *h, htab_hash_fn *hash);
/* The bucket array; the entries are the caller's (remove or forget them first). */
void htab_free(struct htab *h);
/*
 * Insert n under hash.  -1 only when the first bucket array cannot be
 * allocated; a failed growth is not an error (chains get longer).
 */
int htab_add(struct htab *h, struct htab_node *n, uint32_t hash);
/* Remove n, which must be in h. */
void htab_del(struct htab *h, struct htab_node *n);

/*
 * The chain of hash's bucket: every entry that may have that hash (and
 * others, so the caller compares keys), then the next one.
 */
static inline struct htab_node *htab_chain(const struct htab *h, uint32_t hash)
{
	return h->b ? h->b[hash & h->mask] : NULL;
}

static inline struct htab_node *htab_chain_next(const struct htab_node *n)
{
	return n->next;
}

/*
 * Walk: for (n = htab_first(h); n; n = next) { next = htab_next(h, n); ... }.
 * The work may remove n (after taking next) but must not add entries.
 */
struct htab_node *htab_first(const struct htab *h);
struct htab_node *htab_next(const struct htab *h, const struct htab_node *n);

/* A hash of len bytes (len a multiple of 4) for keys without their own. */
uint32_t htab_hash(const void *key, size_t len);
/* A hash of an address. */
uint32_t htab_hash_ptr(const void *p);

/*
 * Side tables: what few objects of a kind have, kept beside them and found
 * by the address of the object it extends (its owner) instead of a pointer
 * in every object.  The entry embeds struct htab_side; the owner says with
 * a flag of its own whether it has one.
 */
struct htab_side {
	struct htab_node hnode;
	void *owner;
};

void htab_side_init(struct htab *h);
/* Add s for owner; -1 only when the first bucket array cannot be allocated. */
int htab_side_add(struct htab *h, struct htab_side *s, void *owner);
/* The entry of owner, or NULL. */
struct htab_side *htab_side_find(const struct htab *h, const void *owner);
/*
 * The entry of owner when its flag has says it has one, else NULL; a set
 * flag without an entry aborts (the owner and the table disagree).
 */
struct htab_side *htab_side_of(const struct htab *h, const void *owner, bool has);

static inline void htab_side_del(struct htab *h, struct htab_side *s)
{
	htab_del(h, &s->hnode);
}

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
