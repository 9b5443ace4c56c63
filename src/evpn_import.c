/*
 * evpn_import.c - received EVPN routes -> kernel state (see evpn_priv.h).
 *
 * A route is imported into every active VNI that imports one of its route
 * targets (RFC 7432 9.1; a local route belongs to the VNI in its label).
 * Type-3 routes count references on (VNI, VTEP) flood entries; Type-2 routes
 * are candidates of their (VNI, MAC) and, with an IP, (VNI, IP).  After each
 * change the winner of the touched entries is recomputed with rib_path_cmp,
 * i.e. MAC mobility (RFC 7432 15) across RDs, and only a difference with
 * what the kernel was given is requested.
 *
 * Invariant: a route is a candidate of exactly the entries its current best
 * path imports into; entries with no candidate and no local state are freed.
 */
#include <stdlib.h>
#include <string.h>

#include "evpn_priv.h"
#include "log.h"

#define MAX_IMPORT 64

/* ---- route target index --------------------------------------------- */

void evpn_rt_index_clear(struct evpn_rt_import **idx)
{
	struct evpn_rt_import *r, *tmp;

	HASH_ITER(hh, *idx, r, tmp) {
		HASH_DEL(*idx, r);
		free(r->vnis);
		free(r);
	}
}

void evpn_rt_index_add(struct evpn_rt_import **idx, const struct ecomm *rt, vni_t vni)
{
	struct evpn_rt_import *r;

	HASH_FIND(hh, *idx, rt, sizeof(*rt), r);
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			abort();
		r->rt = *rt;
		HASH_ADD(hh, *idx, rt, sizeof(r->rt), r);
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->vnis[i] == vni)
			return;
	r->vnis = realloc(r->vnis, (r->n + 1) * sizeof(*r->vnis));
	if (!r->vnis)
		abort();
	r->vnis[r->n++] = vni;
}

size_t evpn_rt_index_lookup(struct evpn_rt_import *idx, const struct rib_path *p, vni_t *out,
			    size_t cap)
{
	size_t n = 0;

	for (uint16_t i = 0; i < p->attrs->n_ecomm; i++) {
		const struct ecomm *c = &p->attrs->ecomm[i];
		struct evpn_rt_import *r;

		if (!ecomm_is_rt(c))
			continue;
		HASH_FIND(hh, idx, c, sizeof(*c), r);
		for (size_t j = 0; r && j < r->n && n < cap; j++) {
			bool dup = false;

			for (size_t k = 0; k < n; k++)
				dup |= out[k] == r->vnis[j];
			if (!dup)
				out[n++] = r->vnis[j];
		}
	}
	return n;
}

static void rt_index_build(struct evpn *e)
{
	struct evpn_vni *v, *tmp;

	evpn_rt_index_clear(&e->rt_index);
	HASH_ITER(hh, e->vnis, v, tmp) {
		if (!v->advertised) /* advertised == active (evpn.c) */
			continue;
		for (size_t i = 0; i < v->n_import; i++)
			evpn_rt_index_add(&e->rt_index, &v->rt_import[i], v->vni);
	}
}

/* The VNIs path p is imported into; a local path belongs to its label's VNI. */
static size_t import_vnis(const struct evpn *e, const struct rib_path *p, vni_t *out)
{
	if (!p)
		return 0;
	if (rib_path_peer(p)->local) {
		out[0] = rib_path_label(p, 0);
		return p->nlabels ? 1 : 0;
	}
	return evpn_rt_index_lookup(e->rt_index, p, out, MAX_IMPORT);
}

/* ---- candidate lists -------------------------------------------------- */

void evpn_cands_add(struct evpn_cands *c, const struct rib_route *rt)
{
	bool inl = c->cap <= EVPN_CANDS_INLINE;
	const struct rib_route **v = inl ? c->in : c->v;

	for (size_t i = 0; i < c->n; i++)
		if (v[i] == rt)
			return;
	if (c->n == (inl ? EVPN_CANDS_INLINE : c->cap)) {
		uint32_t cap = 2 * c->n;
		const struct rib_route **nv = malloc(cap * sizeof(*nv));

		if (!nv)
			abort();
		memcpy(nv, v, c->n * sizeof(*nv));
		if (!inl)
			free(c->v);
		c->v = v = nv;
		c->cap = cap;
	}
	v[c->n++] = rt;
}

void evpn_cands_del(struct evpn_cands *c, const struct rib_route *rt)
{
	const struct rib_route **v = c->cap > EVPN_CANDS_INLINE ? c->v : c->in;

	for (size_t i = 0; i < c->n; i++) {
		if (v[i] == rt) {
			v[i] = v[--c->n];
			return;
		}
	}
}

void evpn_cands_free(struct evpn_cands *c)
{
	if (c->cap > EVPN_CANDS_INLINE)
		free(c->v);
	c->n = c->cap = 0;
}

/*
 * Best of the candidates' best paths, local ones included or not; *route
 * (if route is not NULL) its route.
 */
static const struct rib_path *cands_best(const struct evpn_cands *c, bool remote_only,
					 const struct rib_route **route)
{
	const struct rib_path *best = NULL;

	for (size_t i = 0; i < c->n; i++) {
		const struct rib_path *p = rib_route_best(evpn_cand(c, i));

		if (!p || (remote_only && rib_path_peer(p)->local))
			continue;
		if (!best || rib_path_cmp(p, best, EVPN_RT_MACIP, NULL) < 0) {
			best = p;
			if (route)
				*route = evpn_cand(c, i);
		}
	}
	return best;
}

/* ---- entries ---------------------------------------------------------- */

uint32_t evpn_mac_hash(vni_t vni, const struct mac *mac)
{
	struct evpn_mac_key k = {.vni = vni, .mac = *mac};

	return htab_hash(&k, sizeof(k));
}

uint32_t evpn_mac_node_hash(const struct htab_node *n)
{
	const struct evpn_mac *m = HTAB_ENTRY(n, const struct evpn_mac, hnode);

	return htab_hash(&m->key, sizeof(m->key));
}

uint32_t evpn_neigh_node_hash(const struct htab_node *n)
{
	const struct evpn_neigh *ne = HTAB_ENTRY(n, const struct evpn_neigh, hnode);

	return htab_hash(&ne->key, sizeof(ne->key));
}

struct evpn_mac *evpn_mac_get(struct evpn *e, vni_t vni, const struct mac *mac, bool create)
{
	struct evpn_mac_key k = {.vni = vni, .mac = *mac};
	uint32_t hv = htab_hash(&k, sizeof(k)); /* = evpn_mac_hash(vni, mac) */
	struct evpn_mac *m;

	for (struct htab_node *n = htab_chain(&e->macs, hv); n; n = htab_chain_next(n)) {
		m = HTAB_ENTRY(n, struct evpn_mac, hnode);
		if (!memcmp(&m->key, &k, sizeof(k)))
			return m;
	}
	if (!create)
		return NULL;
	if (!(m = pool_get(&e->mac_pool)))
		abort(); /* as for every table entry here: out of memory is fatal */
	m->key = k; /* before it is in the table: evpn_mac_node_hash reads it */
	if (htab_add(&e->macs, &m->hnode, hv) == -1)
		abort();
	return m;
}

struct evpn_neigh *evpn_neigh_get(struct evpn *e, vni_t vni, const struct ipaddr *ip, bool create)
{
	struct evpn_ip_key k;
	struct evpn_neigh *ne;
	uint32_t hv;

	memset(&k, 0, sizeof(k));
	k.vni = vni;
	k.ip = *ip;
	hv = htab_hash(&k, sizeof(k));
	for (struct htab_node *n = htab_chain(&e->neighs, hv); n; n = htab_chain_next(n)) {
		ne = HTAB_ENTRY(n, struct evpn_neigh, hnode);
		if (!memcmp(&ne->key, &k, sizeof(k)))
			return ne;
	}
	if (!create)
		return NULL;
	if (!(ne = pool_get(&e->neigh_pool)))
		abort();
	ne->key = k;
	if (htab_add(&e->neighs, &ne->hnode, hv) == -1)
		abort();
	return ne;
}

/* What the kernel entry of m was asked for: a (NULL: nothing installed). */
static void mac_set_inst(struct evpn *e, struct evpn_mac *m, const struct rib_attrs *a)
{
	if (a == m->inst)
		return;
	rib_attrs_unref(e->rib, m->inst);
	m->inst = a ? rib_attrs_ref(a) : NULL;
}

void evpn_mac_uninstalled(struct evpn *e, struct evpn_mac *m)
{
	mac_set_inst(e, m, NULL);
}

static void mac_free(struct evpn *e, struct evpn_mac *m)
{
	mac_set_inst(e, m, NULL);
	htab_del(&e->macs, &m->hnode);
	evpn_mac_loc_free(e, m);
	evpn_cands_free(&m->cands);
	pool_put(&e->mac_pool, m);
}

static void neigh_free(struct evpn *e, struct evpn_neigh *n)
{
	htab_del(&e->neighs, &n->hnode);
	evpn_neigh_loc_free(e, n); /* not bound (n->local): not in neighs_by_mac */
	evpn_cands_free(&n->cands);
	pool_put(&e->neigh_pool, n);
}

void evpn_mac_maybe_free(struct evpn *e, struct evpn_mac *m)
{
	if (m->cands.n || m->local || m->inst || evpn_mac_advertised(e, m) || m->queued ||
	    m->duplicate)
		return;
	mac_free(e, m);
}

void evpn_neigh_maybe_free(struct evpn *e, struct evpn_neigh *n)
{
	if (n->cands.n || n->local || n->installed || evpn_neigh_advertised(e, n))
		return;
	neigh_free(e, n);
}

static bool has_local_cand(const struct evpn_cands *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (rib_route_best(evpn_cand(c, i)) && rib_path_peer(rib_route_best(evpn_cand(c, i)))->local)
			return true;
	return false;
}

const struct rib_path *evpn_mac_remote_best(const struct evpn_mac *m)
{
	return cands_best(&m->cands, true, NULL);
}

/*
 * Give the kernel the winner for m: a remote winner is installed (unless it
 * is a default gateway, RFC 7432 10.1), a local one removes the remote entry.
 * A local MAC that lost to a remote one (higher sequence: it moved away) is
 * withdrawn later, outside the RIB callback.
 */
void evpn_mac_reevaluate(struct evpn *e, struct evpn_mac *m)
{
	const struct rib_path *remote = cands_best(&m->cands, true, NULL);
	const struct rib_path *all = cands_best(&m->cands, false, NULL);
	bool want = remote && all == remote && !remote->attrs->default_gw;

	if (remote && all == remote && has_local_cand(&m->cands)) {
		m->lost_to_remote = true; /* our MAC or MAC+IP routes must go */
		evpn_mac_queue(e, m);
	}
	if (want) {
		const struct rib_attrs *a = remote->attrs;

		if (!m->inst || (a != m->inst && (ipaddr_cmp(&a->next_hop, &m->inst->next_hop) ||
						  a->mm_sticky != m->inst->mm_sticky))) {
			if (e->kernel)
				kernel_mac_add(e->kernel, m->key.vni, &m->key.mac, &a->next_hop,
					       a->mm_sticky);
			if (!m->inst && m->local)
				e->st.mac_moves++;
		}
		mac_set_inst(e, m, e->kernel ? a : NULL); /* the same entry: keep the newest */
	} else if (m->inst) {
		kernel_mac_del(e->kernel, m->key.vni, &m->key.mac);
		mac_set_inst(e, m, NULL);
	}
	evpn_mac_maybe_free(e, m);
}

static void neigh_reevaluate(struct evpn *e, struct evpn_neigh *n)
{
	const struct rib_route *rt = NULL;
	const struct rib_path *best = cands_best(&n->cands, false, &rt);
	bool want = e->arp_nd_suppression && best && !rib_path_peer(best)->local && !n->local;

	if (want) {
		const struct mac *mac = (const struct mac *)rt->key.mac;

		if (!n->installed || mac_cmp(mac, &n->inst_mac)) {
			if (e->kernel)
				kernel_neigh_add(e->kernel, n->key.vni, &n->key.ip, mac);
			n->installed = e->kernel != NULL;
			n->inst_mac = *mac;
		}
	} else if (n->installed) {
		kernel_neigh_del(e->kernel, n->key.vni, &n->key.ip);
		n->installed = false;
	}
	evpn_neigh_maybe_free(e, n);
}

static void flood_change(struct evpn *e, vni_t vni, const struct ipaddr *vtep, int delta)
{
	struct evpn_flood_key k;
	struct evpn_flood *f;

	memset(&k, 0, sizeof(k));
	k.vni = vni;
	k.vtep = *vtep;
	HASH_FIND(hh, e->floods, &k, sizeof(k), f);
	if (!f) {
		if (delta < 0)
			return;
		f = calloc(1, sizeof(*f));
		if (!f)
			abort();
		f->key = k;
		HASH_ADD(hh, e->floods, key, sizeof(f->key), f);
	}
	f->refs = (uint32_t)((int)f->refs + delta);
}

static void flood_reconcile(struct evpn *e, struct evpn_flood *f)
{
	if (f->refs && !f->installed && e->kernel) {
		kernel_flood_add(e->kernel, f->key.vni, &f->key.vtep);
		f->installed = true;
	} else if (!f->refs && f->installed) {
		kernel_flood_del(e->kernel, f->key.vni, &f->key.vtep);
		f->installed = false;
	}
	if (!f->refs && !f->installed) {
		HASH_DEL(e->floods, f);
		free(f);
	}
}

/* ---- route changes ---------------------------------------------------- */

static const struct ipaddr *t3_vtep(const struct rib_route *rt, const struct rib_path *p,
				    struct ipaddr *tmp)
{
	if (p->attrs->has_pmsi && p->attrs->pmsi.type == BGP_PMSI_INGRESS_REPL)
		return &p->attrs->pmsi.ir;
	ipaddr_from_bytes(tmp, rt->key.ip, rt->key.family == AF_INET ? 4 : 16);
	return tmp;
}

static void t3_change(struct evpn *e, const struct rib_route *rt, const struct rib_path *p,
		      int delta)
{
	vni_t vnis[MAX_IMPORT];
	struct ipaddr tmp;
	const struct ipaddr *vtep;
	size_t n;

	if (!p || rib_path_peer(p)->local)
		return;
	n = import_vnis(e, p, vnis);
	vtep = t3_vtep(rt, p, &tmp);
	for (size_t i = 0; i < n; i++) {
		struct evpn_flood_key k;
		struct evpn_flood *f;

		flood_change(e, vnis[i], vtep, delta);
		memset(&k, 0, sizeof(k));
		k.vni = vnis[i];
		k.vtep = *vtep;
		HASH_FIND(hh, e->floods, &k, sizeof(k), f);
		if (f)
			flood_reconcile(e, f);
	}
}

static bool key_ip(const struct rib_route *rt, struct ipaddr *ip)
{
	if (!rt->key.family)
		return false;
	ipaddr_from_bytes(ip, rt->key.ip, rt->key.family == AF_INET ? 4 : 16);
	return true;
}

static void cands_apply(struct evpn_cands *c, const struct rib_route *rt, enum evpn_cand_op op)
{
	if (op == EVPN_CAND_ADD)
		evpn_cands_add(c, rt);
	else if (op == EVPN_CAND_DEL)
		evpn_cands_del(c, rt);
}

/*
 * Add rt to (or remove it from, or leave it in) the candidates of the
 * entries path p imports into; with reevaluate decide for each of them.
 */
static void t2_register(struct evpn *e, const struct rib_route *rt, const struct rib_path *p,
			enum evpn_cand_op op, bool reevaluate)
{
	vni_t vnis[MAX_IMPORT];
	size_t n = import_vnis(e, p, vnis);
	const struct mac *mac = (const struct mac *)rt->key.mac;
	struct ipaddr ip;
	bool has_ip = key_ip(rt, &ip), add = op == EVPN_CAND_ADD;

	for (size_t i = 0; i < n; i++) {
		struct evpn_mac *m = evpn_mac_get(e, vnis[i], mac, add);
		struct evpn_neigh *ne = has_ip ? evpn_neigh_get(e, vnis[i], &ip, add) : NULL;

		if (m) {
			cands_apply(&m->cands, rt, op);
			if (reevaluate)
				evpn_mac_reevaluate(e, m);
		}
		if (ne) {
			cands_apply(&ne->cands, rt, op);
			if (reevaluate)
				neigh_reevaluate(e, ne);
		}
	}
}

void evpn_import_observer(void *arg, const struct rib_route *rt, const struct rib_path *old_best,
			  const struct rib_path *new_best)
{
	struct evpn *e = arg;

	switch (rt->key.type) {
	case EVPN_RT_IMET:
		t3_change(e, rt, new_best, +1);
		t3_change(e, rt, old_best, -1);
		break;
	case EVPN_RT_MACIP:
		/*
		 * Unregister the old path without a decision, register the new one
		 * and decide for its entries, then decide again for every entry
		 * the old path was in (one it left -- its RTs changed -- must see
		 * it go; deciding twice changes nothing in the kernel).  Deciding
		 * between the two steps would remove and re-add what both share.
		 */
		if (old_best)
			t2_register(e, rt, old_best, EVPN_CAND_DEL, false);
		if (new_best)
			t2_register(e, rt, new_best, EVPN_CAND_ADD, true);
		if (old_best)
			t2_register(e, rt, old_best, EVPN_CAND_KEEP, true);
		evpn_l3_observer(e, rt, old_best, new_best);
		break;
	case EVPN_RT_PREFIX:
		evpn_l3_observer(e, rt, old_best, new_best);
		break;
	default:
		break;
	}
}

static void cands_clear_all(struct evpn *e)
{
	struct htab_node *h;
	struct evpn_flood *f, *ft;

	for (h = htab_first(&e->macs); h; h = htab_next(&e->macs, h))
		HTAB_ENTRY(h, struct evpn_mac, hnode)->cands.n = 0;
	for (h = htab_first(&e->neighs); h; h = htab_next(&e->neighs, h))
		HTAB_ENTRY(h, struct evpn_neigh, hnode)->cands.n = 0;
	HASH_ITER(hh, e->floods, f, ft)
		f->refs = 0;
}

/* The VNIs or their RTs changed: import the whole RIB again and reconcile. */
void evpn_import_rebuild(struct evpn *e)
{
	struct htab_node *h, *next;
	struct evpn_flood *f, *ft;
	struct rib_iter it;
	struct rib_route *rt;

	rt_index_build(e);
	cands_clear_all(e);
	rib_iter_init(&it, 0);
	while ((rt = rib_iter_next(e->rib, &it))) {
		if (!rib_route_best(rt))
			continue;
		if (rt->key.type == EVPN_RT_MACIP)
			t2_register(e, rt, rib_route_best(rt), EVPN_CAND_ADD, false);
		else if (rt->key.type == EVPN_RT_IMET && !rib_path_peer(rib_route_best(rt))->local) {
			vni_t vnis[MAX_IMPORT];
			struct ipaddr tmp;
			size_t cnt = import_vnis(e, rib_route_best(rt), vnis);

			for (size_t i = 0; i < cnt; i++)
				flood_change(e, vnis[i], t3_vtep(rt, rib_route_best(rt), &tmp), +1);
		}
	}
	/* the kernel requests and frees of these walks add no entries */
	for (h = htab_first(&e->macs); h; h = next) {
		next = htab_next(&e->macs, h);
		evpn_mac_reevaluate(e, HTAB_ENTRY(h, struct evpn_mac, hnode));
	}
	for (h = htab_first(&e->neighs); h; h = next) {
		next = htab_next(&e->neighs, h);
		neigh_reevaluate(e, HTAB_ENTRY(h, struct evpn_neigh, hnode));
	}
	HASH_ITER(hh, e->floods, f, ft)
		flood_reconcile(e, f);
	evpn_l3_rebuild(e);
}

void evpn_import_free(struct evpn *e)
{
	struct htab_node *h, *next;
	struct evpn_flood *f, *ft;

	evpn_rt_index_clear(&e->rt_index);
	for (h = htab_first(&e->macs); h; h = next) {
		next = htab_next(&e->macs, h);
		mac_free(e, HTAB_ENTRY(h, struct evpn_mac, hnode));
	}
	for (h = htab_first(&e->neighs); h; h = next) {
		struct evpn_neigh *n = HTAB_ENTRY(h, struct evpn_neigh, hnode);

		next = htab_next(&e->neighs, h);
		if (n->local) /* bound: its local side is in neighs_by_mac */
			htab_del(&e->neighs_by_mac, &evpn_neigh_loc(e, n)->mac_hnode);
		n->local = false;
		neigh_free(e, n);
	}
	htab_free(&e->macs);
	htab_free(&e->neighs);
	htab_free(&e->neighs_by_mac); /* its entries were the neighbours' local sides */
	htab_free(&e->mac_locs);      /* emptied by mac_free, neigh_free */
	htab_free(&e->neigh_locs);
	HASH_ITER(hh, e->floods, f, ft) {
		HASH_DEL(e->floods, f);
		free(f);
	}
}
