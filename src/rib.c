/*
 * rib.c - the EVPN RIB: routes keyed by struct evpn_key in a hash table,
 * one path per peer and route, best path selection, the observer, the
 * export change log with its cursors, and iteration.
 *
 * Invariants:
 *  - The first of route->paths is their rib_path_cmp-best (rib_route_best;
 *    a route without paths has none); every change of it goes through
 *    best_set() and best_changed(), which calls
 *    the observer (both paths still allocated) and appends to the log.
 *  - A path is on its route's list only (a peer's paths are found by
 *    walking the routes, peer_walk); freeing a path happens only after
 *    the observer has seen it go.
 *  - A route is freed only when it has no path and refcnt is 0 (the log
 *    holds one reference while the route has an entry; iterators and
 *    rib_route_ref others), so no route pointer handed out dangles before
 *    the contract says so.
 *  - The log only grows while cursors exist; entries every cursor passed
 *    are released in batches (log_trim), so a cursor step is O(1) amortised.
 *  - Routes and paths come from the RIB's pools (pool.h).  Every route is
 *    in routes (lookup); iterators walk the route pool, which growth of the
 *    table does not reorder.
 */
#include <stdlib.h>
#include <string.h>

#include "rib_priv.h"

#define LOG_MIN_CAP 1024
#define LOG_TRIM_EVERY 256	/* cursor steps between trims of the log */

static uint32_t key_hash(const struct evpn_key *k)
{
	uint64_t h = evpn_key_hash(k);

	return (uint32_t)(h ^ (h >> 32));
}

static uint32_t route_node_hash(const struct htab_node *n)
{
	return key_hash(&HTAB_ENTRY(n, const struct rib_route, hnode)->key);
}

/* ---- the RIB --------------------------------------------------------- */

static void local_peer_init(struct rib *rib)
{
	memset(&rib->local, 0, sizeof(rib->local));
	rib->local.local = true;
	rib->local.slot = RIB_NO_SLOT; /* never an export destination */
	rib->local.info.ibgp = true;
	rib->local.info.bgp_id = rib->cfg.router_id;
}

struct rib *rib_new(const struct rib_config *cfg)
{
	struct rib *rib = calloc(1, sizeof(*rib));

	if (!rib)
		return NULL;
	rib->cfg = *cfg;
	pool_init(&rib->route_pool, sizeof(struct rib_route));
	pool_init(&rib->path_pool, sizeof(struct rib_path));
	pool_init(&rib->sent_pool, sizeof(struct rib_sent));
	htab_init(&rib->routes, route_node_hash);
	htab_side_init(&rib->exts);
	htab_side_init(&rib->sents);
	local_peer_init(rib);
	LIST_INIT(&rib->peers);
	LIST_INIT(&rib->cursors);
	rib->log.base = 1;
	return rib;
}

void rib_set_config(struct rib *rib, const struct rib_config *cfg)
{
	rib->cfg = *cfg;
	rib->local.info.bgp_id = cfg->router_id;
}

void rib_set_observer(struct rib *rib, rib_observer_fn fn, void *arg)
{
	rib->observer = fn;
	rib->observer_arg = arg;
}

void rib_set_sweep_hook(struct rib *rib, rib_sweep_fn fn, void *arg)
{
	rib->sweep_hook = fn;
	rib->sweep_arg = arg;
}

static struct rib_path_ext *path_ext(const struct rib *rib, const struct rib_path *p)
{
	struct htab_side *s = htab_side_of(&rib->exts, p, p->flags & RIB_PATH_EXT);

	return s ? HTAB_ENTRY(s, struct rib_path_ext, side) : NULL;
}

/* p without its attribute reference (not taken yet, or dropped). */
static void path_put(struct rib *rib, struct rib_path *p)
{
	struct rib_path_ext *x = path_ext(rib, p);

	if (x) {
		htab_side_del(&rib->exts, &x->side);
		free(x);
	}
	pool_put(&rib->path_pool, p);
}

static void path_free(struct rib *rib, struct rib_path *p)
{
	rib_attrs_unref(rib, p->attrs);
	path_put(rib, p);
}

void rib_free(struct rib *rib)
{
	struct rib_route *rt;
	struct rib_peer *peer;
	struct rib_cursor *c;

	if (!rib)
		return;
	struct pool_walk w = {0};

	while ((rt = pool_walk_next(&rib->route_pool, &w))) { /* returned routes have no paths */
		while (rt->paths) {
			struct rib_path *p = rt->paths;

			rt->paths = p->next;
			path_free(rib, p);
		}
	}
	htab_free(&rib->routes);
	htab_free(&rib->exts); /* emptied with the paths */
	htab_free(&rib->sents);
	pool_free(&rib->route_pool);
	pool_free(&rib->path_pool);
	pool_free(&rib->sent_pool);
	while ((peer = LIST_FIRST(&rib->peers))) {
		LIST_REMOVE(peer, link);
		free(peer);
	}
	while ((c = LIST_FIRST(&rib->cursors))) {
		LIST_REMOVE(c, link);
		free(c);
	}
	free(rib->log.ent);
	rib_attrs_free_all(rib);
	free(rib);
}

void rib_stats_get(const struct rib *rib, struct rib_stats *st)
{
	st->routes = rib->n_routes;
	st->routes_alloc = rib->n_routes_alloc;
	st->paths = rib->n_paths;
	st->attrs = rib->n_attrs;
	st->attrs_bytes = rib->attrs_bytes;
	st->log_len = rib->log.n;
	st->log_bytes = rib->log.cap * sizeof(*rib->log.ent);
	st->peers = rib->n_peers;
	st->mapped_bytes = rib->route_pool.mapped + rib->path_pool.mapped + rib->sent_pool.mapped;
}

/* ---- routes -------------------------------------------------------- */

static struct rib_route *route_find(struct rib *rib, const struct evpn_key *key, uint32_t hv)
{
	struct htab_node *n;

	for (n = htab_chain(&rib->routes, hv); n; n = htab_chain_next(n)) {
		struct rib_route *rt = HTAB_ENTRY(n, struct rib_route, hnode);

		if (!memcmp(&rt->key, key, sizeof(*key)))
			return rt;
	}
	return NULL;
}

static struct rib_route *route_get_or_add(struct rib *rib, const struct evpn_key *key)
{
	uint32_t hv = key_hash(key);
	struct rib_route *rt = route_find(rib, key, hv);

	if (rt)
		return rt;
	rt = pool_get(&rib->route_pool);
	if (!rt)
		return NULL;
	rt->key = *key;
	if (htab_add(&rib->routes, &rt->hnode, hv) == -1) {
		pool_put(&rib->route_pool, rt);
		return NULL;
	}
	rib->n_routes_alloc++;
	return rt;
}

static struct rib_sent *route_sent(const struct rib *rib, const struct rib_route *rt)
{
	struct htab_side *s = htab_side_of(&rib->sents, rt, rt->sent_side);

	return s ? HTAB_ENTRY(s, struct rib_sent, side) : NULL;
}

static void route_sent_free(struct rib *rib, struct rib_route *rt)
{
	struct rib_sent *x = route_sent(rib, rt);

	if (x) {
		htab_side_del(&rib->sents, &x->side);
		pool_put(&rib->sent_pool, x);
	}
	rt->sent_side = false;
	rt->sent_unknown = false;
}

/* Free rt when nothing holds it any more. */
static void route_release(struct rib *rib, struct rib_route *rt)
{
	if (rt->paths || rt->refcnt > 0)
		return;
	route_sent_free(rib, rt);
	htab_del(&rib->routes, &rt->hnode);
	rib->n_routes_alloc--;
	pool_put(&rib->route_pool, rt);
}

struct rib_route *rib_route_get(struct rib *rib, const struct evpn_key *key)
{
	struct rib_route *rt = route_find(rib, key, key_hash(key));

	return rt && rt->paths ? rt : NULL;
}

void rib_route_ref(struct rib_route *rt)
{
	rt->refcnt++;
}

void rib_route_unref(struct rib *rib, struct rib_route *rt)
{
	rt->refcnt--;
	route_release(rib, rt);
}

struct rib_path *rib_route_path(const struct rib_route *rt, const struct rib_peer *peer)
{
	struct rib_path *p;

	for (p = rt->paths; p; p = p->next)
		if (rib_path_peer(p) == peer)
			return p;
	return NULL;
}

/* ---- the change log -------------------------------------------------- */

/* The entry of sequence seq, given by its low 32 bits (rib_route.log_seq). */
static struct rib_route **log_at(struct rib_log *log, uint32_t seq)
{
	return &log->ent[(log->head + (uint32_t)(seq - (uint32_t)log->base)) & (log->cap - 1)];
}

static int log_grow(struct rib_log *log)
{
	size_t cap = log->cap ? 2 * log->cap : LOG_MIN_CAP;
	struct rib_route **ent;

	if (cap > UINT32_MAX) /* log_seq tells entries by 32 bits */
		return -1;
	ent = malloc(cap * sizeof(*ent));
	if (!ent)
		return -1;
	for (size_t i = 0; i < log->n; i++)
		ent[i] = log->ent[(log->head + i) & (log->cap - 1)];
	free(log->ent);
	log->ent = ent;
	log->cap = cap;
	log->head = 0;
	return 0;
}

/*
 * Append rt as the latest change; its previous entry, if any, is cleared
 * (the reference moves to the new one).  Without cursors nobody reads the
 * log, so nothing is appended.  If memory runs out the route keeps its old
 * entry: cursors before it still see the route, later ones miss this change.
 */
static void log_append(struct rib *rib, struct rib_route *rt)
{
	struct rib_log *log = &rib->log;

	if (LIST_EMPTY(&rib->cursors))
		return;
	if (log->n == log->cap && log_grow(log) == -1)
		return;
	if (rt->logged)
		*log_at(log, rt->log_seq) = NULL;
	else
		rt->refcnt++;
	rt->logged = 1;
	rt->log_seq = (uint32_t)(log->base + log->n);
	log->n++;
	*log_at(log, rt->log_seq) = rt;
}

static uint64_t log_end(const struct rib_log *log)
{
	return log->base + log->n;
}

/* Release the entries before the slowest cursor (all when there is none). */
static void log_trim(struct rib *rib)
{
	struct rib_log *log = &rib->log;
	uint64_t min = log_end(log);
	struct rib_cursor *c;

	log->since_trim = 0;
	LIST_FOREACH(c, &rib->cursors, link)
		if (c->pos < min)
			min = c->pos;
	while (log->base < min) {
		struct rib_route *rt = log->ent[log->head];

		log->head = (log->head + 1) & (log->cap - 1);
		log->base++;
		log->n--;
		if (rt) {
			rt->logged = 0;
			rib_route_unref(rib, rt);
		}
	}
	if (log->n == 0 && log->cap > LOG_MIN_CAP) { /* a burst is over: give it back */
		free(log->ent);
		log->ent = NULL;
		log->cap = 0;
		log->head = 0;
	}
}

struct rib_cursor *rib_cursor_new(struct rib *rib)
{
	struct rib_cursor *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->pos = log_end(&rib->log);
	LIST_INSERT_HEAD(&rib->cursors, c, link);
	return c;
}

void rib_cursor_free(struct rib *rib, struct rib_cursor *c)
{
	if (!c)
		return;
	LIST_REMOVE(c, link);
	free(c);
	log_trim(rib);
}

struct rib_route *rib_cursor_next(struct rib *rib, struct rib_cursor *c)
{
	struct rib_log *log = &rib->log;

	if (++log->since_trim >= LOG_TRIM_EVERY)
		log_trim(rib);
	while (c->pos < log_end(log)) {
		struct rib_route *rt = *log_at(log, c->pos);

		c->pos++;
		if (rt)
			return rt;
	}
	log_trim(rib); /* caught up: maybe this cursor held everyone back */
	return NULL;
}

size_t rib_cursor_pending(const struct rib *rib, const struct rib_cursor *c)
{
	return (size_t)(log_end(&rib->log) - c->pos);
}

/* ---- best path --------------------------------------------------------- */

static void best_changed(struct rib *rib, struct rib_route *rt, const struct rib_path *old)
{
	if (rib->observer)
		rib->observer(rib->observer_arg, rt, old, rib_route_best(rt));
	log_append(rib, rt);
}

static struct rib_path *best_select(const struct rib_route *rt)
{
	struct rib_path *best = rt->paths;

	for (struct rib_path *p = best ? best->next : NULL; p; p = p->next)
		if (rib_path_cmp(p, best, rt->key.type, NULL) < 0)
			best = p;
	return best;
}

/* ---- paths ------------------------------------------------------------- */

/*
 * The per-path fields of r into fresh p (flags 0, at its final address):
 * 0, or -1 when memory ran out.
 */
static int path_fill(struct rib *rib, struct rib_path *p, const struct evpn_route *r)
{
	struct rib_path_ext *x;
	struct esi esi;
	struct ipaddr gw;

	p->nlabels = r->nlabels > 2 ? 2 : r->nlabels;
	p->label0 = p->nlabels > 0 ? r->label[0] & 0xffffff : 0;
	p->label1 = p->nlabels > 1 ? r->label[1] & 0xffffff : 0;
	memset(&esi, 0, sizeof(esi));
	memset(&gw, 0, sizeof(gw));
	if (r->type == EVPN_RT_MACIP || r->type == EVPN_RT_PREFIX)
		esi = r->esi;
	if (r->type == EVPN_RT_PREFIX && r->gw.family)
		gw = r->gw;
	if (esi_is_zero(&esi) && !gw.family)
		return 0;
	if (!(x = calloc(1, sizeof(*x))))
		return -1;
	x->esi = esi;
	x->gw = gw;
	if (htab_side_add(&rib->exts, &x->side, p) == -1) {
		free(x);
		return -1;
	}
	p->flags |= RIB_PATH_EXT;
	return 0;
}

static const struct esi no_esi;
static const struct ipaddr no_gw;

const struct esi *rib_path_esi(const struct rib *rib, const struct rib_path *p)
{
	const struct rib_path_ext *x = path_ext(rib, p);

	return x ? &x->esi : &no_esi;
}

const struct ipaddr *rib_path_gw(const struct rib *rib, const struct rib_path *p)
{
	const struct rib_path_ext *x = path_ext(rib, p);

	return x ? &x->gw : &no_gw;
}

bool rib_path_same(const struct rib *rib, const struct rib_path *p, const struct rib_path *q)
{
	return rib_attrs_same(p->attrs, q->attrs) && p->nlabels == q->nlabels &&
	       p->label0 == q->label0 && p->label1 == q->label1 &&
	       memcmp(rib_path_esi(rib, p), rib_path_esi(rib, q), sizeof(struct esi)) == 0 &&
	       ipaddr_cmp(rib_path_gw(rib, p), rib_path_gw(rib, q)) == 0;
}

/* Unlink p from its route's list. */
static void route_unlink(struct rib_route *rt, struct rib_path *p)
{
	struct rib_path **pp;

	for (pp = &rt->paths; *pp != p; pp = &(*pp)->next)
		;
	*pp = p->next;
}

/* Make best (a path of rt, or NULL) the first of rt->paths: rib_route_best. */
static void best_set(struct rib_route *rt, struct rib_path *best)
{
	if (best && rt->paths != best) {
		route_unlink(rt, best);
		best->next = rt->paths;
		rt->paths = best;
	}
}

static void peer_count(struct rib *rib, struct rib_peer *peer)
{
	peer->n_paths++;
	rib->n_paths++;
}

static void peer_uncount(struct rib *rib, struct rib_path *p)
{
	rib_path_peer(p)->n_paths--;
	if (p->flags & RIB_PATH_STALE)
		rib_path_peer(p)->n_stale--;
	rib->n_paths--;
}

/* Put new in place of old (NULL: add) on rt, then decide and notify. */
static void path_install(struct rib *rib, struct rib_route *rt, struct rib_path *old,
			 struct rib_path *new)
{
	struct rib_path *best = rib_route_best(rt), *now = best;

	if (!rt->paths)
		rib->n_routes++;
	if (old) {
		route_unlink(rt, old);
		peer_uncount(rib, old);
	}
	new->next = rt->paths;
	rt->paths = new;
	peer_count(rib, rib_path_peer(new));
	if (!best)
		now = new;
	else if (best == old)
		now = best_select(rt);
	else if (rib_path_cmp(new, best, rt->key.type, NULL) < 0)
		now = new;
	best_set(rt, now);
	if (now != best)
		best_changed(rib, rt, best);
	if (old)
		path_free(rib, old);
}

int rib_update(struct rib *rib, struct rib_peer *peer, const struct evpn_route *r,
	       const struct rib_attrs *attrs)
{
	struct rib_route *rt;
	struct rib_path *old, *p;
	struct evpn_key key;

	if (r->type < EVPN_RT_EAD || r->type > EVPN_RT_PREFIX || attrs->from != peer)
		return -1;
	evpn_key_from_route(r, &key);
	rt = route_get_or_add(rib, &key);
	if (!rt)
		return -1;
	old = rib_route_path(rt, peer);
	p = pool_get(&rib->path_pool);
	if (!p) {
		route_release(rib, rt);
		return -1;
	}
	p->attrs = attrs;
	if (path_fill(rib, p, r) == -1) {
		path_put(rib, p);
		route_release(rib, rt);
		return -1;
	}
	if (old && rib_path_same(rib, old, p)) {
		if (old->flags & RIB_PATH_STALE) {
			old->flags &= ~RIB_PATH_STALE;
			peer->n_stale--;
		}
		path_put(rib, p);
		return 0;
	}
	rib_attrs_ref(attrs);
	path_install(rib, rt, old, p);
	return 0;
}

/* Take p off its route rt and peer, decide, notify, free p (maybe rt). */
static void path_remove(struct rib *rib, struct rib_route *rt, struct rib_path *p)
{
	struct rib_path *best = rib_route_best(rt);

	route_unlink(rt, p);
	peer_uncount(rib, p);
	if (best == p) {
		best_set(rt, best_select(rt));
		best_changed(rib, rt, p);
	}
	if (!rt->paths)
		rib->n_routes--;
	path_free(rib, p);
	route_release(rib, rt);
}

int rib_withdraw(struct rib *rib, struct rib_peer *peer, const struct evpn_key *key)
{
	struct rib_route *rt = route_find(rib, key, key_hash(key));
	struct rib_path *p = rt ? rib_route_path(rt, peer) : NULL;

	if (!p)
		return -1;
	path_remove(rib, rt, p);
	return 0;
}

/* ---- peers ------------------------------------------------------------- */

struct rib_peer *rib_peer_add(struct rib *rib, const struct rib_peer_info *info)
{
	struct rib_peer *peer = calloc(1, sizeof(*peer));

	if (!peer)
		return NULL;
	peer->info = *info;
	peer->slot = RIB_NO_SLOT;
	for (uint8_t s = 0; s < 64; s++) {
		if (!(rib->slots & (1ull << s))) {
			rib->slots |= 1ull << s;
			peer->slot = s;
			break;
		}
	}
	LIST_INSERT_HEAD(&rib->peers, peer, link);
	rib->n_peers++;
	return peer;
}

bool rib_route_sent(const struct rib *rib, const struct rib_route *rt, const struct rib_peer *to)
{
	const struct rib_sent *x;

	if (to->slot == RIB_NO_SLOT || rt->sent_unknown)
		return true;
	x = route_sent(rib, rt);
	return x && (x->slots & (1ull << to->slot));
}

void rib_route_set_sent(struct rib *rib, struct rib_route *rt, const struct rib_peer *to,
			bool announced)
{
	struct rib_sent *x;

	if (to->slot == RIB_NO_SLOT || rt->sent_unknown)
		return;
	x = route_sent(rib, rt);
	if (announced && !x) {
		/* without the entry the route counts as announced to all */
		if (!(x = pool_get(&rib->sent_pool))) {
			rt->sent_unknown = true;
			return;
		}
		if (htab_side_add(&rib->sents, &x->side, rt) == -1) {
			pool_put(&rib->sent_pool, x);
			rt->sent_unknown = true;
			return;
		}
		x->slots = 0;
		rt->sent_side = true;
	}
	if (!x)
		return;
	if (announced)
		x->slots |= 1ull << to->slot;
	else
		x->slots &= ~(1ull << to->slot);
	if (!x->slots)
		route_sent_free(rib, rt);
}

void rib_peer_set_info(struct rib *rib, struct rib_peer *peer, const struct rib_peer_info *info)
{
	if (!peer->local)
		peer->info = *info;
}

struct rib_peer *rib_peer_local(struct rib *rib)
{
	return &rib->local;
}

/* What peer_walk does to each of the peer's paths. */
enum peer_op {
	PEER_FLUSH,			/* remove it */
	PEER_MARK,			/* mark it stale */
	PEER_SWEEP,			/* remove it if stale */
};

/*
 * The peer's paths, route by route, until none is left to do: the live
 * counts (PEER_FLUSH: n_paths, PEER_SWEEP: n_stale, PEER_MARK: those not
 * marked yet), so paths an observer adds or removes meanwhile cannot make
 * it stop early.  The iterator holds the route it returned, so removing
 * its path may leave it pathless but not freed.  Routes added meanwhile
 * may or may not be walked.
 */
static size_t peer_left(const struct rib_peer *peer, enum peer_op op, size_t marked)
{
	switch (op) {
	case PEER_FLUSH:
		return peer->n_paths;
	case PEER_SWEEP:
		return peer->n_stale;
	case PEER_MARK:
		return peer->n_paths - marked;
	}
	return 0;
}

static void peer_walk(struct rib *rib, struct rib_peer *peer, enum peer_op op)
{
	size_t marked = 0;
	struct rib_iter it;
	struct rib_route *rt;
	struct rib_path *p;

	rib_iter_init(&it, 0);
	while (peer_left(peer, op, marked) > 0 && (rt = rib_iter_next(rib, &it))) {
		p = rib_route_path(rt, peer);
		if (!p || (op == PEER_SWEEP && !(p->flags & RIB_PATH_STALE)))
			continue;
		if (op == PEER_MARK) {
			p->flags |= RIB_PATH_STALE;
			marked++;
		} else {
			path_remove(rib, rt, p);
		}
	}
	rib_iter_stop(rib, &it);
}

void rib_peer_flush(struct rib *rib, struct rib_peer *peer)
{
	peer_walk(rib, peer, PEER_FLUSH);
}

/*
 * A removed peer's bits go, and the side entries left without any: a later
 * peer may take the slot, and a reflector's entries for a peer that went
 * away would otherwise stay until their routes change.
 */
static void sent_forget_slot(struct rib *rib, uint8_t slot)
{
	struct htab_node *n, *next;

	for (n = htab_first(&rib->sents); n; n = next) {
		struct rib_sent *x = HTAB_ENTRY(n, struct rib_sent, side.hnode);

		next = htab_next(&rib->sents, n);
		x->slots &= ~(1ull << slot);
		if (!x->slots)
			route_sent_free(rib, x->side.owner);
	}
}

void rib_peer_remove(struct rib *rib, struct rib_peer *peer)
{
	rib_peer_flush(rib, peer);
	if (peer->local)
		return;
	LIST_REMOVE(peer, link);
	rib->n_peers--;
	if (peer->slot != RIB_NO_SLOT) {
		rib->slots &= ~(1ull << peer->slot);
		sent_forget_slot(rib, peer->slot);
	}
	free(peer);
}

void rib_peer_mark_stale(struct rib *rib, struct rib_peer *peer)
{
	peer_walk(rib, peer, PEER_MARK);
	peer->n_stale = peer->n_paths;
}

void rib_peer_sweep_stale(struct rib *rib, struct rib_peer *peer)
{
	if (!peer->n_stale)
		return;
	if (rib->sweep_hook)
		rib->sweep_hook(rib->sweep_arg, true);
	peer_walk(rib, peer, PEER_SWEEP);
	if (rib->sweep_hook)
		rib->sweep_hook(rib->sweep_arg, false);
}

/* ---- iteration --------------------------------------------------------- */

void rib_iter_init(struct rib_iter *it, uint8_t type)
{
	memset(it, 0, sizeof(*it));
	it->type = type;
}

/*
 * The walk also returns slots of freed routes: they have no paths (a route
 * is freed only without, and pool_put overwrites its hnode only).  Routes
 * skipped are passed within this call: the walk resumes from the route
 * returned, which the iterator holds.
 */
struct rib_route *rib_iter_next(struct rib *rib, struct rib_iter *it)
{
	struct rib_route *prev = it->cur, *rt;

	while ((rt = pool_walk_next(&rib->route_pool, &it->walk)) &&
	       (!rt->paths || (it->type && rt->key.type != it->type)))
		;
	if (rt)
		rib_route_ref(rt);
	it->cur = rt;
	if (prev)
		rib_route_unref(rib, prev);
	return rt;
}

void rib_iter_stop(struct rib *rib, struct rib_iter *it)
{
	if (it->cur)
		rib_route_unref(rib, it->cur);
	it->cur = NULL;
	it->walk.done = true;
}
