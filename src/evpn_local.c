/*
 * evpn_local.c - local state from the kernel -> routes we originate.
 *
 * A MAC learned on a bridge port (not the VXLAN device) of an active VNI
 * becomes a Type-2 MAC route; a neighbour on its SVI a Type-2 MAC+IP route
 * (RFC 7432 7.2, label = VNI per RFC 8365).  MAC mobility (RFC 7432 15.1): a
 * MAC that appears here while a remote PE advertises it is announced with
 * that PE's sequence number plus one; when a remote route with a higher
 * sequence wins later, the MAC moved away and our route is withdrawn.  A
 * static MAC is announced sticky (15.2) and a remote sticky MAC is never
 * taken over.
 *
 * RIB callbacks must not change the RIB, so what they decide here (withdraw
 * a MAC that moved away, re-install a remote MAC someone removed) is queued
 * and done by evpn_local_work() when the loop turns.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgp.h"
#include "evpn_ecomm.h"
#include "evpn_nlri.h"
#include "evpn_priv.h"
#include "log.h"

void evpn_mac_queue(struct evpn *e, struct evpn_mac *m)
{
	if (m->queued)
		return;
	if (e->n_pending == e->cap_pending) {
		e->cap_pending = e->cap_pending ? e->cap_pending * 2 : 64;
		e->pending = realloc(e->pending, e->cap_pending * sizeof(*e->pending));
		if (!e->pending)
			abort();
	}
	e->pending[e->n_pending++] = m->key;
	m->queued = true;
	evpn_schedule_work(e);
}

/* A Type-2 route of ours under rd, for mac and ip (NULL: MAC-only), no label yet. */
static void type2_route(const struct rd *rd, const struct mac *mac, const struct ipaddr *ip,
			struct evpn_route *r)
{
	memset(r, 0, sizeof(*r));
	r->type = EVPN_RT_MACIP;
	r->rd = *rd;
	r->mac = *mac;
	if (ip)
		r->ip = *ip;
}

static void local_route(const struct evpn_vni *v, const struct mac *mac, const struct ipaddr *ip,
			struct evpn_route *r)
{
	type2_route(&v->rd, mac, ip, r);
	r->nlabels = 1;
	r->label[0] = v->vni;
}

/*
 * Originate (or replace) one local Type-2 route.  A MAC+IP route of a VNI
 * whose SVI routes in a VRF (symmetric IRB, RFC 9135 9.1) also carries the
 * L3VNI as second label, the VRF's route targets and its router's MAC.
 */
static bool originate(struct evpn *e, const struct evpn_vni *v, struct evpn_route *r,
		      uint32_t seq, bool sticky, struct evpn_key *adv_key, bool *advertised)
{
	const struct evpn_vrf *f = r->ip.family ? evpn_l3_vrf_of(e, v) : NULL;
	struct ecomm extra[EVPN_MAX_RT + 2];
	const struct rib_attrs *a;
	struct evpn_key k;
	size_t n = 0;
	int rc = -1;

	evpn_key_from_route(r, &k);
	if (*advertised && memcmp(&k, adv_key, sizeof(k)) != 0) {
		rib_withdraw(e->rib, rib_peer_local(e->rib), adv_key); /* the RD changed */
		*advertised = false;
	}
	if (seq || sticky)
		evpn_ecomm_mac_mobility(&extra[n++], seq, sticky);
	if (f) {
		r->nlabels = 2;
		r->label[1] = f->l3vni;
		for (size_t i = 0; i < f->n_export; i++)
			extra[n++] = f->rt_export[i];
		evpn_ecomm_router_mac(&extra[n++], &f->rmac);
	}
	a = evpn_local_attrs(e, v, extra, n);
	if (a)
		rc = rib_update(e->rib, rib_peer_local(e->rib), r, a);
	rib_attrs_unref(e->rib, a);
	if (rc == -1) {
		char subj[32];

		evpn_subject(subj, v->vni);
		log_err(subj, "cannot originate a Type-2 route");
		return false;
	}
	*adv_key = k;
	*advertised = true;
	bgp_export_schedule(e->bgp); /* peers hear of it when the loop turns */
	return true;
}

static void withdraw_key(struct evpn *e, struct evpn_key *k, bool *advertised)
{
	if (*advertised) {
		rib_withdraw(e->rib, rib_peer_local(e->rib), k);
		bgp_export_schedule(e->bgp);
	}
	*advertised = false;
}

/*
 * The key of a local Type-2 route from its RD, MAC and IP (NULL: MAC-only).
 * MAC and neighbour entries keep only the RD (and MAC) they advertised
 * under, not the whole key: an entry is not worth 48 bytes more.
 */
static void adv_key(const struct rd *rd, const struct mac *mac, const struct ipaddr *ip,
		    struct evpn_key *k)
{
	struct evpn_route r;

	type2_route(rd, mac, ip, &r);
	evpn_key_from_route(&r, k);
}

/* ---- local sides, by their entry's address ------------------------------ */

uint32_t evpn_by_mac_node_hash(const struct htab_node *n)
{
	const struct evpn_neigh_local *l = HTAB_ENTRY(n, const struct evpn_neigh_local, mac_hnode);

	return evpn_mac_hash(evpn_neigh_local_of(l)->key.vni, &l->mac);
}

struct evpn_mac_local *evpn_mac_loc(const struct evpn *e, const struct evpn_mac *m)
{
	struct htab_side *s = htab_side_of(&e->mac_locs, m, m->has_loc);

	return s ? HTAB_ENTRY(s, struct evpn_mac_local, side) : NULL;
}

struct evpn_neigh_local *evpn_neigh_loc(const struct evpn *e, const struct evpn_neigh *n)
{
	struct htab_side *s = htab_side_of(&e->neigh_locs, n, n->has_loc);

	return s ? HTAB_ENTRY(s, struct evpn_neigh_local, side) : NULL;
}

bool evpn_mac_advertised(const struct evpn *e, const struct evpn_mac *m)
{
	const struct evpn_mac_local *l = evpn_mac_loc(e, m);

	return l && l->advertised;
}

bool evpn_neigh_advertised(const struct evpn *e, const struct evpn_neigh *n)
{
	const struct evpn_neigh_local *l = evpn_neigh_loc(e, n);

	return l && l->advertised;
}

/* m's local side, allocated at its first local appearance (m->local implies it). */
static struct evpn_mac_local *mac_local(struct evpn *e, struct evpn_mac *m)
{
	struct evpn_mac_local *l = evpn_mac_loc(e, m);

	if (l)
		return l;
	if (!(l = calloc(1, sizeof(*l))) || htab_side_add(&e->mac_locs, &l->side, m) == -1)
		abort(); /* out of memory, as for every entry here */
	m->has_loc = true;
	LIST_INSERT_HEAD(&e->local_macs, l, link);
	return l;
}

static struct evpn_neigh_local *neigh_local(struct evpn *e, struct evpn_neigh *n)
{
	struct evpn_neigh_local *l = evpn_neigh_loc(e, n);

	if (l)
		return l;
	if (!(l = calloc(1, sizeof(*l))) || htab_side_add(&e->neigh_locs, &l->side, n) == -1)
		abort();
	n->has_loc = true;
	LIST_INSERT_HEAD(&e->local_neighs, l, link);
	return l;
}

void evpn_mac_loc_free(struct evpn *e, struct evpn_mac *m)
{
	struct evpn_mac_local *l = evpn_mac_loc(e, m);

	if (!l)
		return;
	htab_side_del(&e->mac_locs, &l->side);
	LIST_REMOVE(l, link);
	free(l);
	m->has_loc = false;
}

void evpn_neigh_loc_free(struct evpn *e, struct evpn_neigh *n)
{
	struct evpn_neigh_local *l = evpn_neigh_loc(e, n);

	if (!l)
		return;
	htab_side_del(&e->neigh_locs, &l->side);
	LIST_REMOVE(l, link);
	free(l);
	n->has_loc = false;
}

/* ---- advertising --------------------------------------------------------- */

/* The key of m's advertised route; m has a local side. */
static void mac_adv_key(const struct evpn *e, const struct evpn_mac *m, struct evpn_key *k)
{
	adv_key(&evpn_mac_loc(e, m)->adv_rd, &m->key.mac, NULL, k);
}

static void neigh_adv_key(const struct evpn *e, const struct evpn_neigh *n, struct evpn_key *k)
{
	const struct evpn_neigh_local *l = evpn_neigh_loc(e, n);

	adv_key(&l->adv_rd, &l->adv_mac, &n->key.ip, k);
}

static void advertise_mac(struct evpn *e, const struct evpn_vni *v, struct evpn_mac *m)
{
	struct evpn_mac_local *l = mac_local(e, m);
	struct evpn_route r;
	struct evpn_key k;

	mac_adv_key(e, m, &k);
	local_route(v, &m->key.mac, NULL, &r);
	if (originate(e, v, &r, l->seq, m->local_static, &k, &l->advertised))
		l->adv_rd = v->rd;
}

static void withdraw_mac(struct evpn *e, struct evpn_mac *m)
{
	struct evpn_key k;

	if (!evpn_mac_advertised(e, m))
		return;
	mac_adv_key(e, m, &k);
	withdraw_key(e, &k, &evpn_mac_loc(e, m)->advertised);
}

static void withdraw_neigh(struct evpn *e, struct evpn_neigh *n)
{
	struct evpn_key k;

	if (!evpn_neigh_advertised(e, n))
		return;
	neigh_adv_key(e, n, &k);
	withdraw_key(e, &k, &evpn_neigh_loc(e, n)->advertised);
}

/* n is bound (n->local). */
static void advertise_neigh(struct evpn *e, const struct evpn_vni *v, struct evpn_neigh *n)
{
	struct evpn_neigh_local *l = evpn_neigh_loc(e, n);
	struct evpn_mac *m = evpn_mac_get(e, v->vni, &l->mac, false);
	struct evpn_route r;
	struct evpn_key k;

	/*
	 * Only a binding whose MAC is local is ours to advertise: the SVI also
	 * learns neighbours for hosts behind other VTEPs (flooded ARP/ND), and
	 * advertising those would steal them (RFC 7432 15).  The binding waits
	 * for its MAC (ev_mac_add advertises it then).
	 */
	if (!m || !evpn_mac_advertised(e, m)) { /* not local, moved away, sticky elsewhere, frozen */
		withdraw_neigh(e, n);
		return;
	}
	neigh_adv_key(e, n, &k);
	local_route(v, &l->mac, &n->key.ip, &r);
	if (originate(e, v, &r, evpn_mac_loc(e, m)->seq, m->local_static, &k, &l->advertised)) {
		l->adv_rd = v->rd;
		l->adv_mac = l->mac;
	}
}

/*
 * A neighbour is local while it is bound to a MAC (its local side's mac):
 * then, and only then, its local side is in e->neighs_by_mac, so that what
 * happens to a MAC reaches its bindings without a walk over every neighbour.
 */
static void neigh_bind(struct evpn *e, struct evpn_neigh *n, const struct mac *mac)
{
	struct evpn_neigh_local *l = neigh_local(e, n);

	if (n->local && !mac_cmp(&l->mac, mac))
		return;
	if (n->local)
		htab_del(&e->neighs_by_mac, &l->mac_hnode);
	n->local = true;
	l->mac = *mac;
	if (htab_add(&e->neighs_by_mac, &l->mac_hnode, evpn_mac_hash(n->key.vni, mac)) == -1)
		abort();
}

static void neigh_unbind(struct evpn *e, struct evpn_neigh *n)
{
	if (!n->local)
		return;
	htab_del(&e->neighs_by_mac, &evpn_neigh_loc(e, n)->mac_hnode);
	n->local = false;
}

enum neighs_op { NEIGHS_READVERTISE, NEIGHS_WITHDRAW };

/* Local neighbours bound to (vni, mac): advertised again (in v), or withdrawn. */
static void neighs_of(struct evpn *e, const struct evpn_vni *v, vni_t vni, const struct mac *mac,
		      enum neighs_op op)
{
	uint32_t hv = evpn_mac_hash(vni, mac);
	struct htab_node *h, *next;

	for (h = htab_chain(&e->neighs_by_mac, hv); h; h = next) {
		struct evpn_neigh_local *l = HTAB_ENTRY(h, struct evpn_neigh_local, mac_hnode);
		struct evpn_neigh *n = evpn_neigh_local_of(l);

		next = htab_chain_next(h); /* the work does not rebind */
		if (n->key.vni != vni || mac_cmp(&l->mac, mac))
			continue;
		if (op == NEIGHS_WITHDRAW)
			withdraw_neigh(e, n);
		else
			advertise_neigh(e, v, n);
	}
}

/* MAC + IP routes of local neighbours using mac, after its sequence changed. */
static void readvertise_neighs_of(struct evpn *e, const struct evpn_vni *v, const struct mac *mac)
{
	neighs_of(e, v, v->vni, mac, NEIGHS_READVERTISE);
}

/* The MAC moved to another PE: withdraw its MAC+IP routes too (RFC 7432 15.1). */
static void withdraw_neighs_of(struct evpn *e, vni_t vni, const struct mac *mac)
{
	neighs_of(e, NULL, vni, mac, NEIGHS_WITHDRAW);
}

/*
 * Duplicate address detection: a MAC that moves EVPN_DAD_MOVES times within
 * EVPN_DAD_WINDOW_S seconds (two hosts with one MAC, or a loop) is frozen:
 * its local appearances are no longer advertised, so it stops flapping
 * across the fabric.  Returns true when m is (now) frozen.
 */
static bool dad_move(struct evpn *e, struct evpn_mac *m)
{
	struct evpn_mac_local *l = mac_local(e, m);
	time_t now = time(NULL);
	char subj[32], s[MAC_STRLEN];

	if (m->duplicate)
		return true;
	if (!l->dad_moves || now - l->dad_since > EVPN_DAD_WINDOW_S) {
		l->dad_moves = 0;
		l->dad_since = now;
	}
	if (++l->dad_moves < EVPN_DAD_MOVES)
		return false;
	m->duplicate = true;
	e->st.duplicates++;
	evpn_subject(subj, m->key.vni);
	log_warn(subj, "duplicate MAC %s: %u moves in %ld s; frozen (no longer advertised from here)",
		 mac_fmt(&m->key.mac, s), l->dad_moves, (long)(now - l->dad_since));
	return true;
}

static void ev_mac_add(void *arg, const struct kernel_mac *km)
{
	struct evpn *e = arg;
	struct evpn_vni *v = evpn_vni_get(e, km->vni);
	struct evpn_mac_local *l;
	struct evpn_mac *m;
	const struct rib_path *remote;
	uint32_t seq;
	bool was_local;
	char subj[32], s[MAC_STRLEN];

	if (!v || !v->advertised)
		return;
	evpn_subject(subj, km->vni);
	m = evpn_mac_get(e, km->vni, &km->mac, true);
	l = mac_local(e, m);
	was_local = m->local;
	remote = evpn_mac_remote_best(m);
	seq = l->seq;
	if (remote && remote->attrs->mm_sticky) {
		log_warn(subj, "MAC %s learned locally is a sticky MAC of %s: not advertised",
			 mac_fmt(&km->mac, s), ipaddr_fmt(&remote->attrs->next_hop,
							  (char[IPADDR_STRLEN]){0}));
		m->local = true;
		return;
	}
	if (remote && remote->attrs->mm_seq >= seq) {
		if (dad_move(e, m)) {
			m->local = true;
			return;
		}
		seq = remote->attrs->mm_seq + 1; /* RFC 7432 15.1 */
		log_info(subj, "MAC %s moved here from %s: sequence %u", mac_fmt(&km->mac, s),
			 ipaddr_fmt(&remote->attrs->next_hop, (char[IPADDR_STRLEN]){0}), seq);
		e->st.mac_moves++;
	}
	if (!m->local)
		e->st.local_macs++;
	m->local = true;
	m->local_static = km->is_static;
	l->ifindex = km->ifindex;
	m->lost_to_remote = false;
	if (seq != l->seq || !l->advertised || m->moved_away) {
		bool again = seq != l->seq || m->moved_away || !was_local;

		l->seq = seq;
		m->moved_away = false;
		advertise_mac(e, v, m);
		if (again) /* bindings waiting for this MAC, or with its old sequence */
			readvertise_neighs_of(e, v, &m->key.mac);
	}
}

static void ev_mac_del(void *arg, const struct kernel_mac *km)
{
	struct evpn *e = arg;
	struct evpn_mac *m = evpn_mac_get(e, km->vni, &km->mac, false);

	if (!m || !m->local)
		return;
	m->local = false;
	e->st.local_macs--;
	/* bindings first: m stays alive while its own route is advertised */
	withdraw_neighs_of(e, km->vni, &km->mac); /* until the MAC is back */
	withdraw_mac(e, m);
	evpn_mac_reevaluate(e, m); /* a remote route may be the answer now; may free m */
}

static void ev_neigh_add(void *arg, const struct kernel_neigh *kn)
{
	struct evpn *e = arg;
	struct evpn_vni *v = evpn_vni_get(e, kn->vni);
	struct evpn_neigh *n;

	if (!v || !v->advertised)
		return;
	n = evpn_neigh_get(e, kn->vni, &kn->ip, true);
	if (n->local && evpn_neigh_advertised(e, n) &&
	    !mac_cmp(&evpn_neigh_loc(e, n)->mac, &kn->mac))
		return;
	if (!n->local)
		e->st.local_neighs++;
	neigh_bind(e, n, &kn->mac);
	advertise_neigh(e, v, n);
}

static void ev_neigh_del(void *arg, const struct kernel_neigh *kn)
{
	struct evpn *e = arg;
	struct evpn_neigh *n = evpn_neigh_get(e, kn->vni, &kn->ip, false);

	if (!n || !n->local)
		return;
	neigh_unbind(e, n);
	e->st.local_neighs--;
	withdraw_neigh(e, n);
	evpn_neigh_maybe_free(e, n);
}

/* Someone else removed a MAC we installed: look again once local events are in. */
static void ev_remote_lost(void *arg, vni_t vni, const struct mac *mac)
{
	struct evpn *e = arg;
	struct evpn_mac *m = evpn_mac_get(e, vni, mac, false);

	if (!m || !m->inst)
		return;
	evpn_mac_uninstalled(e, m);
	evpn_mac_queue(e, m);
}

static void ev_vni_add(void *arg, const struct kernel_vni *k)
{
	evpn_kernel_vni_add(arg, k);
}

static void ev_vni_del(void *arg, vni_t vni)
{
	evpn_kernel_vni_del(arg, vni);
}

const struct kernel_events evpn_kernel_events = {
	.vni_add = ev_vni_add,
	.vni_del = ev_vni_del,
	.mac_add = ev_mac_add,
	.mac_del = ev_mac_del,
	.neigh_add = ev_neigh_add,
	.neigh_del = ev_neigh_del,
	.remote_lost = ev_remote_lost,
	.route_add = evpn_l3_route_add,
	.route_del = evpn_l3_route_del,
};

void evpn_local_work(struct evpn *e)
{
	size_t n = e->n_pending;

	e->n_pending = 0;
	for (size_t i = 0; i < n; i++) {
		struct evpn_mac *m;
		char subj[32], s[MAC_STRLEN];

		m = evpn_mac_get(e, e->pending[i].vni, &e->pending[i].mac, false);
		if (!m)
			continue;
		m->queued = false;
		if (m->lost_to_remote) {
			evpn_subject(subj, m->key.vni);
			log_info(subj, "MAC %s moved away (higher sequence elsewhere): withdrawn",
				 mac_fmt(&m->key.mac, s));
			withdraw_mac(e, m);
			withdraw_neighs_of(e, m->key.vni, &m->key.mac);
			m->lost_to_remote = false;
			m->moved_away = true;
			dad_move(e, m);
		}
		evpn_mac_reevaluate(e, m);
	}
}

/* Walks over the local sides only: O(MACs and neighbours ever local). */
void evpn_local_readvertise(struct evpn *e, struct evpn_vni *v)
{
	struct evpn_mac_local *ml;
	struct evpn_neigh_local *nl;

	LIST_FOREACH(ml, &e->local_macs, link) {
		struct evpn_mac *m = evpn_mac_local_of(ml);

		if (m->key.vni == v->vni && ml->advertised)
			advertise_mac(e, v, m); /* frees and adds no local side */
	}
	LIST_FOREACH(nl, &e->local_neighs, link) {
		struct evpn_neigh *n = evpn_neigh_local_of(nl);

		if (n->key.vni == v->vni && nl->advertised && n->local)
			advertise_neigh(e, v, n);
	}
}

void evpn_local_vni_gone(struct evpn *e, vni_t vni)
{
	struct evpn_mac_local *ml, *mnext;
	struct evpn_neigh_local *nl, *nnext;

	for (nl = LIST_FIRST(&e->local_neighs); nl; nl = nnext) {
		struct evpn_neigh *n = evpn_neigh_local_of(nl);

		nnext = LIST_NEXT(nl, link); /* n and nl may be freed, nothing else */
		if (n->key.vni != vni || !n->local)
			continue;
		neigh_unbind(e, n);
		withdraw_neigh(e, n);
		evpn_neigh_maybe_free(e, n);
	}
	for (ml = LIST_FIRST(&e->local_macs); ml; ml = mnext) {
		struct evpn_mac *m = evpn_mac_local_of(ml);

		mnext = LIST_NEXT(ml, link);
		if (m->key.vni != vni || !m->local)
			continue;
		m->local = false;
		withdraw_mac(e, m);
		evpn_mac_maybe_free(e, m);
	}
}
