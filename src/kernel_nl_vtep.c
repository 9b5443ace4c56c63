/*
 * kernel_nl_vtep.c - the VTEP addresses remote MACs point at, interned.
 *
 * A fabric has few VTEPs and many remote MACs, and each MAC object keeps
 * its destination three times (wanted, held, in flight): a 16-bit id into
 * this table instead of a 20-byte address each.  Invariants:
 *  - one entry per address; id 0 is "no address" and is never an entry;
 *  - every non-zero id held anywhere is one reference, and an entry is freed
 *    (its id reusable) when the last one is put back;
 *  - the id stack has room for every id of v, so putting back never fails;
 *  - ids are at most t->max: a further address is refused (ENOSPC).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_nl_priv.h"

static const struct ipaddr no_ip;

static uint32_t vtep_hash(const struct ipaddr *ip)
{
	uint32_t w[5] = { ip->family };

	memcpy(&w[1], ip->bytes, ipaddr_len(ip));
	return htab_hash(w, sizeof(w));
}

static uint32_t vtep_node_hash(const struct htab_node *n)
{
	return vtep_hash(&HTAB_ENTRY(n, const struct knl_vtep, hnode)->ip);
}

void knl_vteps_init(struct knl_vteps *t)
{
	memset(t, 0, sizeof(*t));
	htab_init(&t->h, vtep_node_hash);
	t->max = KNL_VTEP_MAX;
}

void knl_vteps_free(struct knl_vteps *t)
{
	for (uint32_t id = 1; id < t->n; id++)
		free(t->v[id]);
	htab_free(&t->h);
	free(t->v);
	free(t->free_ids);
	memset(t, 0, sizeof(*t));
}


knl_vtep_id knl_vtep_find(const struct knl_vteps *t, const struct ipaddr *ip)
{
	uint32_t hv;

	if (!ipaddr_is_set(ip))
		return 0;
	hv = vtep_hash(ip);
	for (struct htab_node *n = htab_chain(&t->h, hv); n; n = htab_chain_next(n)) {
		struct knl_vtep *e = HTAB_ENTRY(n, struct knl_vtep, hnode);

		if (ipaddr_cmp(&e->ip, ip) == 0)
			return e->id;
	}
	return 0;
}

/* Room for one more id (none is free) in v and in the stack of free ids. */
static int vtep_grow(struct knl_vteps *t)
{
	uint32_t cap = t->cap ? t->cap * 2 : 16;
	struct knl_vtep **v;
	knl_vtep_id *f;

	if (t->n > t->max) { /* ids 0 .. max handed out */
		errno = ENOSPC;
		return -1;
	}
	if (t->n < t->cap)
		return 0;
	if (!(v = realloc(t->v, cap * sizeof(*v))))
		return -1;
	t->v = v;
	if (!(f = realloc(t->free_ids, cap * sizeof(*f))))
		return -1;
	t->free_ids = f;
	if (t->n == 0)
		t->v[t->n++] = NULL; /* id 0 */
	t->cap = cap;
	return 0;
}

int knl_vtep_get(struct knl_vteps *t, const struct ipaddr *ip, knl_vtep_id *id)
{
	struct knl_vtep *e;

	*id = knl_vtep_find(t, ip);
	if (*id || !ipaddr_is_set(ip)) {
		knl_vtep_ref(t, *id);
		return 0;
	}
	if (!(e = calloc(1, sizeof(*e))))
		return -1;
	e->ip.family = ip->family;
	memcpy(e->ip.bytes, ip->bytes, ipaddr_len(ip));
	if ((t->nfree == 0 && vtep_grow(t) == -1) ||
	    htab_add(&t->h, &e->hnode, vtep_hash(&e->ip)) == -1) {
		free(e);
		return -1;
	}
	e->id = t->nfree ? t->free_ids[--t->nfree] : t->n++;
	e->refs = 1;
	t->v[e->id] = e;
	*id = e->id;
	return 0;
}

void knl_vtep_ref(struct knl_vteps *t, knl_vtep_id id)
{
	if (id)
		t->v[id]->refs++;
}

void knl_vtep_put(struct knl_vteps *t, knl_vtep_id id)
{
	struct knl_vtep *e;

	if (!id || --(e = t->v[id])->refs)
		return;
	htab_del(&t->h, &e->hnode);
	t->v[id] = NULL;
	t->free_ids[t->nfree++] = id;
	free(e);
}

const struct ipaddr *knl_vtep_ip(const struct knl_vteps *t, knl_vtep_id id)
{
	return id ? &t->v[id]->ip : &no_ip;
}

size_t knl_vtep_count(const struct knl_vteps *t)
{
	return htab_count(&t->h);
}
