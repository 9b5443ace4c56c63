/*
 * htab.c - the intrusive hash table of htab.h.  Invariant: every entry is
 * on the chain of bucket (h->hash(entry) & mask), and n counts them.
 */
#include <stdlib.h>
#include <string.h>

#include "htab.h"

#define HTAB_MIN 64		/* buckets of the first array */
#define HTAB_LOAD 2		/* entries per bucket before the array doubles */

void htab_init(struct htab *h, htab_hash_fn *hash)
{
	h->b = NULL;
	h->mask = 0;
	h->n = 0;
	h->hash = hash;
}

void htab_free(struct htab *h)
{
	free(h->b);
	htab_init(h, h->hash);
}

/* Double the bucket array; on allocation failure keep the old one. */
static void grow(struct htab *h)
{
	size_t size = 2 * (h->mask + 1);
	struct htab_node **b = calloc(size, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i <= h->mask; i++) {
		struct htab_node *n = h->b[i], *next;

		for (; n; n = next) {
			size_t j = h->hash(n) & (size - 1);

			next = n->next;
			n->next = b[j];
			b[j] = n;
		}
	}
	free(h->b);
	h->b = b;
	h->mask = size - 1;
}

int htab_add(struct htab *h, struct htab_node *n, uint32_t hash)
{
	struct htab_node **slot;

	if (!h->b) {
		h->b = calloc(HTAB_MIN, sizeof(*h->b));
		if (!h->b)
			return -1;
		h->mask = HTAB_MIN - 1;
	} else if (h->n >= HTAB_LOAD * (h->mask + 1)) {
		grow(h);
	}
	slot = &h->b[hash & h->mask];
	n->next = *slot;
	*slot = n;
	h->n++;
	return 0;
}

void htab_del(struct htab *h, struct htab_node *n)
{
	struct htab_node **pp = &h->b[h->hash(n) & h->mask];

	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
	n->next = NULL;
	h->n--;
}

static struct htab_node *bucket_from(const struct htab *h, size_t i)
{
	for (; h->b && i <= h->mask; i++)
		if (h->b[i])
			return h->b[i];
	return NULL;
}

struct htab_node *htab_first(const struct htab *h)
{
	return bucket_from(h, 0);
}

struct htab_node *htab_next(const struct htab *h, const struct htab_node *n)
{
	return n->next ? n->next : bucket_from(h, (h->hash(n) & h->mask) + 1);
}

uint32_t htab_hash_ptr(const void *p)
{
	uint64_t a = (uint64_t)(uintptr_t)p;
	uint32_t w[2] = {(uint32_t)a, (uint32_t)(a >> 32)};

	return htab_hash(w, sizeof(w));
}

static uint32_t side_hash(const struct htab_node *n)
{
	return htab_hash_ptr(HTAB_ENTRY(n, const struct htab_side, hnode)->owner);
}

void htab_side_init(struct htab *h)
{
	htab_init(h, side_hash);
}

int htab_side_add(struct htab *h, struct htab_side *s, void *owner)
{
	s->owner = owner; /* before it is in the table: side_hash reads it */
	return htab_add(h, &s->hnode, htab_hash_ptr(owner));
}

struct htab_side *htab_side_find(const struct htab *h, const void *owner)
{
	for (struct htab_node *n = htab_chain(h, htab_hash_ptr(owner)); n; n = htab_chain_next(n)) {
		struct htab_side *s = HTAB_ENTRY(n, struct htab_side, hnode);

		if (s->owner == owner)
			return s;
	}
	return NULL;
}

struct htab_side *htab_side_of(const struct htab *h, const void *owner, bool has)
{
	struct htab_side *s;

	if (!has)
		return NULL;
	if (!(s = htab_side_find(h, owner)))
		abort();
	return s;
}

/* Multiply-xorshift over 32-bit words: keys here are a few words long. */
uint32_t htab_hash(const void *key, size_t len)
{
	const uint8_t *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull;

	for (size_t i = 0; i + 4 <= len; i += 4) {
		uint32_t w;

		memcpy(&w, p + i, 4);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	return (uint32_t)(h ^ (h >> 32));
}
