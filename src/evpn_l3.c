/*
 * evpn_l3.c - IP VRFs: symmetric IRB (RFC 9135) and IP prefix routes
 * (RFC 9136) over VXLAN (RFC 8365).
 *
 * A VRF of the configuration is active when its L3VNI's VXLAN device and
 * bridge (the L3 SVI) exist and it has a router MAC (configured, else the
 * L3 SVI's).  Received routes are imported into the active VRFs that import
 * one of their route targets: a Type-2 MAC+IP route with two labels and a
 * router's-MAC community offers a host route (/32, /128), a Type-5 route with
 * a router's MAC its prefix.  Per (VRF, prefix) the candidates decide what
 * the kernel gets:
 *   - one of our own routes offers the prefix (a local host or a prefix we
 *     advertise): nothing, the kernel routes it locally;
 *   - else remote Type-2 candidates: the winner by RFC 7432 15 (one VTEP);
 *   - else every remote Type-5 candidate's VTEP: ECMP, sorted, capped.
 * Each VTEP used by an installed route is a next hop (struct evpn_nh): its
 * neighbour and router-MAC FDB entry are installed while routes use it.
 *
 * Local side: the kernel's routes in a VRF's table (not evpnd's own) are
 * advertised as Type-5 when the VRF's advertise list has their family, with
 * the gateway IP zero (RFC 9136 4.4.1 interface-less model); in the default
 * VRF the underlay is left out: prefixes covering the VTEP address or a
 * neighbor's, and routes out of an interface on which one is connected.
 * MAC+IP routes of an L2VNI whose SVI routes in an active VRF carry the
 * L3VNI as second label, the VRF's route targets and the router's MAC
 * (evpn_local.c asks evpn_l3_vrf_of()).
 *
 * Invariants: a route is a candidate of exactly the (VRF, prefix) entries
 * its best path imports into; inst[] is what the kernel was asked for; an
 * evpn_nh's refs is the number of installed routes through it.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include <json-c/json.h>

#include "bgp.h"
#include "evpn_ecomm.h"
#include "evpn_nlri.h"
#include "evpn_priv.h"
#include "log.h"

#define MAX_VRF_IMPORT 16

static void vrf_subject(char out[32], const struct evpn_vrf *f)
{
	snprintf(out, 32, "vrf %s", f->name);
}

static struct evpn_vrf *vrf_get(const struct evpn *e, vni_t l3vni)
{
	struct evpn_vrf *f;

	HASH_FIND(hh, e->vrfs, &l3vni, sizeof(l3vni), f);
	return f;
}

bool evpn_l3_is_l3vni(const struct evpn *e, vni_t vni)
{
	return vrf_get(e, vni) != NULL;
}

static bool vrf_is_default(const struct evpn_vrf *f)
{
	return !strcmp(f->name, "default");
}

const struct evpn_vrf *evpn_l3_vrf_of(const struct evpn *e, const struct evpn_vni *v)
{
	const struct evpn_vrf *f, *tmp;

	if (!v->in_kernel || !v->k.svi_ifindex)
		return NULL;
	HASH_ITER(hh, e->vrfs, f, tmp)
		if (f->active && f->k.vrf_ifindex == v->k.vrf_ifindex)
			return f;
	return NULL;
}

/* ---- keys ----------------------------------------------------------- */

static void l3key(struct evpn_l3key *k, vni_t l3vni, const struct prefix *p)
{
	memset(k, 0, sizeof(*k));
	k->l3vni = l3vni;
	k->p.addr.family = p->addr.family;
	memcpy(k->p.addr.bytes, p->addr.bytes, ipaddr_len(&p->addr));
	k->p.len = p->len;
}

static void addr_copy(struct ipaddr *out, const struct ipaddr *a)
{
	memset(out, 0, sizeof(*out));
	out->family = a->family;
	memcpy(out->bytes, a->bytes, ipaddr_len(a));
}

/* The prefix a route offers: the host route of a Type-2 IP, a Type-5 prefix. */
static bool route_prefix(const struct rib_route *rt, struct prefix *p)
{
	memset(p, 0, sizeof(*p));
	if (!rt->key.family)
		return false;
	ipaddr_from_bytes(&p->addr, rt->key.ip, rt->key.family == AF_INET ? 4 : 16);
	if (rt->key.type == EVPN_RT_MACIP) {
		/* link-local addresses are not routed (RFC 4291 2.5.6) */
		if (p->addr.family == AF_INET6 && p->addr.bytes[0] == 0xfe &&
		    (p->addr.bytes[1] & 0xc0) == 0x80)
			return false;
		p->len = p->addr.family == AF_INET ? 32 : 128;
	} else {
		p->len = rt->key.plen;
		prefix_normalise(p);
	}
	return true;
}

/* ---- route target index --------------------------------------------- */

static void rt_vrf_build(struct evpn *e)
{
	struct evpn_vrf *f, *tmp;

	evpn_rt_index_clear(&e->rt_vrf_index);
	HASH_ITER(hh, e->vrfs, f, tmp)
		for (size_t i = 0; f->active && i < f->n_import; i++)
			evpn_rt_index_add(&e->rt_vrf_index, &f->rt_import[i], f->l3vni);
}

/*
 * The VRFs path p of route rt is imported into.  Our own paths belong to the
 * VRF in their label (Type-2: the second, Type-5: the only one); received
 * ones by route target, and only when they can be routed to: a router's MAC
 * (RFC 9135 8.1), and for Type-2 the L3VNI label (RFC 9135 9.1).
 */
static size_t import_vrfs(const struct evpn *e, const struct rib_route *rt,
			  const struct rib_path *p, vni_t *out)
{
	size_t n = 0;

	if (!p)
		return 0;
	if (rib_path_peer(p)->local) {
		vni_t l3 = rt->key.type == EVPN_RT_PREFIX ? rib_path_label(p, 0)
			   : p->nlabels == 2	     ? rib_path_label(p, 1)
						     : 0;
		const struct evpn_vrf *f = l3 ? vrf_get(e, l3) : NULL;

		if (f && f->active)
			out[n++] = l3;
		return n;
	}
	if (!p->attrs->has_rmac || (rt->key.type == EVPN_RT_MACIP && p->nlabels != 2) ||
	    (rt->key.type == EVPN_RT_MACIP && p->attrs->default_gw))
		return 0;
	return evpn_rt_index_lookup(e->rt_vrf_index, p, out, MAX_VRF_IMPORT);
}

/* ---- next hops (per VRF and VTEP) ------------------------------------ */

static void mapped_v4(struct ipaddr *out, const struct ipaddr *v4)
{
	memset(out, 0, sizeof(*out));
	out->family = AF_INET6;
	out->bytes[10] = 0xff;
	out->bytes[11] = 0xff;
	memcpy(&out->bytes[12], v4->bytes, 4);
}

static struct evpn_nh *nh_get(struct evpn *e, vni_t l3vni, const struct ipaddr *vtep, bool create)
{
	struct evpn_nh_key k;
	struct evpn_nh *nh;

	memset(&k, 0, sizeof(k));
	k.l3vni = l3vni;
	addr_copy(&k.vtep, vtep);
	HASH_FIND(hh, e->nhs, &k, sizeof(k), nh);
	if (nh || !create)
		return nh;
	nh = calloc(1, sizeof(*nh));
	if (!nh)
		abort();
	nh->key = k;
	HASH_ADD(hh, e->nhs, key, sizeof(nh->key), nh);
	return nh;
}

/* Another installed next hop of the VRF holds the router MAC's FDB entry. */
static bool rmac_shared(const struct evpn *e, const struct evpn_nh *self, const struct mac *m)
{
	const struct evpn_nh *nh, *tmp;

	HASH_ITER(hh, e->nhs, nh, tmp)
		if (nh != self && nh->installed && nh->key.l3vni == self->key.l3vni &&
		    !mac_cmp(&nh->inst_rmac, m))
			return true;
	return false;
}

/* Bring the kernel's neighbour and FDB entries of nh in line with its refs. */
static void nh_sync(struct evpn *e, struct evpn_nh *nh)
{
	bool want = nh->refs > 0 && e->kernel;
	bool want_mapped = want && nh->refs_v6 > 0 && nh->key.vtep.family == AF_INET;
	vni_t l3 = nh->key.l3vni;
	struct ipaddr mapped;

	mapped_v4(&mapped, &nh->key.vtep);
	if (nh->installed && (!want || mac_cmp(&nh->rmac, &nh->inst_rmac))) {
		if (!rmac_shared(e, nh, &nh->inst_rmac))
			kernel_mac_del(e->kernel, l3, &nh->inst_rmac);
		if (!want) {
			kernel_neigh_del(e->kernel, l3, &nh->key.vtep);
			nh->installed = false;
		}
	}
	if (want && (!nh->installed || mac_cmp(&nh->rmac, &nh->inst_rmac))) {
		kernel_mac_add(e->kernel, l3, &nh->rmac, &nh->key.vtep, false);
		kernel_neigh_add(e->kernel, l3, &nh->key.vtep, &nh->rmac);
		if (nh->inst_mapped)
			kernel_neigh_add(e->kernel, l3, &mapped, &nh->rmac);
		nh->installed = true;
		nh->inst_rmac = nh->rmac;
	}
	if (want_mapped && !nh->inst_mapped)
		kernel_neigh_add(e->kernel, l3, &mapped, &nh->rmac);
	else if (!want_mapped && nh->inst_mapped && e->kernel)
		kernel_neigh_del(e->kernel, l3, &mapped);
	nh->inst_mapped = want_mapped;
	if (!nh->refs && !nh->installed) {
		HASH_DEL(e->nhs, nh);
		free(nh);
	}
}

static void nh_ref(struct evpn *e, vni_t l3vni, const struct ipaddr *vtep, const struct mac *rmac,
		   bool v6)
{
	struct evpn_nh *nh = nh_get(e, l3vni, vtep, true);

	nh->refs++;
	nh->refs_v6 += v6;
	nh->rmac = *rmac;
	nh_sync(e, nh);
}

static void nh_unref(struct evpn *e, vni_t l3vni, const struct ipaddr *vtep, bool v6)
{
	struct evpn_nh *nh = nh_get(e, l3vni, vtep, false);

	if (!nh || !nh->refs)
		return;
	nh->refs--;
	nh->refs_v6 -= v6 && nh->refs_v6;
	nh_sync(e, nh);
}

/* ---- prefixes of a VRF ------------------------------------------------ */

static struct evpn_l3route *l3route_get(struct evpn *e, vni_t l3vni, const struct prefix *p,
					bool create)
{
	struct evpn_l3key k;
	struct evpn_l3route *r;

	l3key(&k, l3vni, p);
	HASH_FIND(hh, e->l3routes, &k, sizeof(k), r);
	if (r || !create)
		return r;
	r = calloc(1, sizeof(*r));
	if (!r)
		abort();
	r->key = k;
	HASH_ADD(hh, e->l3routes, key, sizeof(r->key), r);
	return r;
}

static void l3route_maybe_free(struct evpn *e, struct evpn_l3route *r)
{
	if (r->cands.n || r->n_inst || r->local || r->local_advertised)
		return;
	HASH_DEL(e->l3routes, r);
	evpn_cands_free(&r->cands);
	free(r);
}

struct l3want {
	size_t n;
	struct ipaddr vtep[KERNEL_ROUTE_NH_MAX];
	struct mac rmac[KERNEL_ROUTE_NH_MAX];
};

static void want_add(struct l3want *w, const struct rib_path *p)
{
	for (size_t i = 0; i < w->n; i++)
		if (!ipaddr_cmp(&w->vtep[i], &p->attrs->next_hop))
			return;
	if (w->n == KERNEL_ROUTE_NH_MAX)
		return;
	addr_copy(&w->vtep[w->n], &p->attrs->next_hop);
	w->rmac[w->n++] = p->attrs->rmac;
}

/* What r's candidates ask of the kernel (see the file comment). */
static void l3route_want(const struct evpn_l3route *r, struct l3want *w)
{
	const struct rib_path *t2 = NULL;

	w->n = 0;
	for (size_t i = 0; i < r->cands.n; i++) {
		const struct rib_route *rt = evpn_cand(&r->cands, i);
		const struct rib_path *p = rib_route_best(rt);

		if (!p)
			continue;
		if (rib_path_peer(p)->local)
			return;
		if (rt->key.type == EVPN_RT_MACIP &&
		    (!t2 || rib_path_cmp(p, t2, EVPN_RT_MACIP, NULL) < 0))
			t2 = p;
	}
	if (r->local)
		return;
	if (t2) {
		want_add(w, t2);
		return;
	}
	for (size_t i = 0; i < r->cands.n; i++) {
		const struct rib_route *rt = evpn_cand(&r->cands, i);
		const struct rib_path *p = rib_route_best(rt);

		if (p && rt->key.type == EVPN_RT_PREFIX)
			want_add(w, p);
	}
	/* sort the VTEPs with their router MACs */
	for (size_t i = 1; i < w->n; i++)
		for (size_t j = i; j > 0 && ipaddr_cmp(&w->vtep[j], &w->vtep[j - 1]) < 0; j--) {
			struct ipaddr ta = w->vtep[j];
			struct mac tm = w->rmac[j];

			w->vtep[j] = w->vtep[j - 1];
			w->rmac[j] = w->rmac[j - 1];
			w->vtep[j - 1] = ta;
			w->rmac[j - 1] = tm;
		}
}

static void l3route_reevaluate(struct evpn *e, struct evpn_l3route *r)
{
	struct l3want w;
	bool v6 = r->key.p.addr.family == AF_INET6;
	bool same;

	l3route_want(r, &w);
	if (!e->kernel)
		w.n = 0;
	same = w.n == r->n_inst && !memcmp(w.vtep, r->inst, w.n * sizeof(w.vtep[0]));
	for (size_t i = 0; i < w.n; i++) /* next hops first: the route needs them */
		nh_ref(e, r->key.l3vni, &w.vtep[i], &w.rmac[i], v6);
	if (!same && w.n)
		kernel_route_add(e->kernel, r->key.l3vni, &r->key.p, w.vtep, w.n);
	else if (!same && r->n_inst)
		kernel_route_del(e->kernel, r->key.l3vni, &r->key.p);
	for (size_t i = 0; i < r->n_inst; i++)
		nh_unref(e, r->key.l3vni, &r->inst[i], v6);
	if (w.n && !r->n_inst)
		e->st.l3_routes++;
	else if (!w.n && r->n_inst)
		e->st.l3_routes--;
	memcpy(r->inst, w.vtep, w.n * sizeof(w.vtep[0]));
	r->n_inst = (uint8_t)w.n;
	l3route_maybe_free(e, r);
}

/* As t2_register (evpn_import.c), for the (VRF, prefix) entries p imports into. */
static void l3_register(struct evpn *e, const struct rib_route *rt, const struct rib_path *p,
			enum evpn_cand_op op, bool reevaluate)
{
	vni_t l3[MAX_VRF_IMPORT];
	struct prefix pfx;
	size_t n;

	if (!route_prefix(rt, &pfx))
		return;
	n = import_vrfs(e, rt, p, l3);
	for (size_t i = 0; i < n; i++) {
		struct evpn_l3route *r = l3route_get(e, l3[i], &pfx, op == EVPN_CAND_ADD);

		if (!r)
			continue;
		if (op == EVPN_CAND_ADD)
			evpn_cands_add(&r->cands, rt);
		else if (op == EVPN_CAND_DEL)
			evpn_cands_del(&r->cands, rt);
		if (reevaluate)
			l3route_reevaluate(e, r);
	}
}

void evpn_l3_observer(struct evpn *e, const struct rib_route *rt, const struct rib_path *old_best,
		      const struct rib_path *new_best)
{
	if (rt->key.type != EVPN_RT_MACIP && rt->key.type != EVPN_RT_PREFIX)
		return;
	if (!e->vrfs)
		return;
	/* as evpn_import_observer: decide after both steps, for the old entries too */
	if (old_best)
		l3_register(e, rt, old_best, EVPN_CAND_DEL, false);
	if (new_best)
		l3_register(e, rt, new_best, EVPN_CAND_ADD, true);
	if (old_best)
		l3_register(e, rt, old_best, EVPN_CAND_KEEP, true);
}

/* The VRFs or their RTs changed: import the RIB again and reconcile. */
void evpn_l3_rebuild(struct evpn *e)
{
	struct evpn_l3route *r, *rtmp;
	struct rib_iter it;
	struct rib_route *rt;

	rt_vrf_build(e);
	HASH_ITER(hh, e->l3routes, r, rtmp)
		r->cands.n = 0;
	if (e->rt_vrf_index || e->vrfs) {
		rib_iter_init(&it, 0);
		while ((rt = rib_iter_next(e->rib, &it)))
			if (rib_route_best(rt) && (rt->key.type == EVPN_RT_MACIP ||
					 rt->key.type == EVPN_RT_PREFIX))
				l3_register(e, rt, rib_route_best(rt), EVPN_CAND_ADD, false);
	}
	HASH_ITER(hh, e->l3routes, r, rtmp) {
		const struct evpn_vrf *f = vrf_get(e, r->key.l3vni);

		if (!f || !f->active)
			r->local = false;
		l3route_reevaluate(e, r);
	}
}

/* ---- local routes -> Type-5 ------------------------------------------- */

static void lroute_key(struct evpn_lroute_key *k, const struct kernel_route *kr)
{
	memset(k, 0, sizeof(*k));
	k->table = kr->table;
	k->metric = kr->metric;
	k->p.addr.family = kr->prefix.addr.family;
	memcpy(k->p.addr.bytes, kr->prefix.addr.bytes, ipaddr_len(&kr->prefix.addr));
	k->p.len = kr->prefix.len;
}

static void vrfs_dirty(struct evpn *e, uint32_t table)
{
	struct evpn_vrf *f, *tmp;

	HASH_ITER(hh, e->vrfs, f, tmp) {
		if (f->active && f->advertise && f->k.vrf_table == table) {
			f->t5_dirty = true;
			evpn_schedule_work(e);
		}
	}
}

void evpn_l3_route_add(void *arg, const struct kernel_route *kr)
{
	struct evpn *e = arg;
	struct evpn_lroute_key k;
	struct evpn_lroute *l;

	lroute_key(&k, kr);
	HASH_FIND(hh, e->lroutes, &k, sizeof(k), l);
	if (!l) {
		l = calloc(1, sizeof(*l));
		if (!l)
			abort();
		l->key = k;
		HASH_ADD(hh, e->lroutes, key, sizeof(l->key), l);
	}
	l->r = *kr;
	vrfs_dirty(e, kr->table);
}

void evpn_l3_route_del(void *arg, const struct kernel_route *kr)
{
	struct evpn *e = arg;
	struct evpn_lroute_key k;
	struct evpn_lroute *l;

	lroute_key(&k, kr);
	HASH_FIND(hh, e->lroutes, &k, sizeof(k), l);
	if (!l)
		return;
	HASH_DEL(e->lroutes, l);
	free(l);
	vrfs_dirty(e, kr->table);
}

/* The underlay's own addresses: ours and the neighbors'. */
static bool underlay_addr_in(const struct evpn *e, const struct prefix *p)
{
	if (prefix_contains(p, &e->vtep))
		return true;
	for (size_t i = 0; i < e->n_underlay; i++)
		if (prefix_contains(p, &e->underlay[i]))
			return true;
	return false;
}

/* In the default VRF: out of an interface with a connected underlay subnet. */
static bool underlay_oif(const struct evpn *e, uint32_t table, int oif)
{
	const struct evpn_lroute *l, *tmp;

	if (!oif)
		return false;
	HASH_ITER(hh, e->lroutes, l, tmp)
		if (l->key.table == table && l->r.oif == oif && !l->r.has_gateway &&
		    underlay_addr_in(e, &l->r.prefix))
			return true;
	return false;
}

/* Whether local route l of f's table is advertised as Type-5 (file comment). */
static bool lroute_advertised(const struct evpn *e, const struct evpn_vrf *f,
			      const struct evpn_lroute *l)
{
	const struct kernel_route *r = &l->r;
	uint32_t fam = r->prefix.addr.family == AF_INET ? CFG_ADV_IPV4_UNICAST : CFG_ADV_IPV6_UNICAST;

	if (l->key.table != f->k.vrf_table || !(f->advertise & fam) || r->scope == RT_SCOPE_HOST ||
	    r->scope == RT_SCOPE_NOWHERE || (r->oif && r->oif == f->k.svi_ifindex))
		return false;
	if (f->k.vrf_ifindex == 0 && vrf_is_default(f) &&
	    (underlay_addr_in(e, &r->prefix) || underlay_oif(e, l->key.table, r->oif)))
		return false;
	return true;
}

static void t5_route(const struct evpn_vrf *f, const struct prefix *p, struct evpn_route *r)
{
	memset(r, 0, sizeof(*r));
	r->type = EVPN_RT_PREFIX;
	r->rd = f->rd;
	r->prefix = *p;
	r->nlabels = 1;
	r->label[0] = f->l3vni; /* RFC 8365 5.1.3: the VNI itself */
}

static void t5_withdraw(struct evpn *e, struct evpn_l3route *r)
{
	if (!r->local_advertised)
		return;
	rib_withdraw(e->rib, rib_peer_local(e->rib), &r->adv_key);
	r->local_advertised = false;
	e->st.t5_local--;
}

/* The VRF's export RTs and router's MAC: what its routes carry besides the encapsulation. */
static size_t vrf_ecomms(const struct evpn_vrf *f, struct ecomm *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_export && n < cap - 1; i++)
		out[n++] = f->rt_export[i];
	evpn_ecomm_router_mac(&out[n++], &f->rmac);
	return n;
}

static void t5_originate(struct evpn *e, const struct evpn_vrf *f, struct evpn_l3route *r)
{
	struct ecomm ec[EVPN_MAX_RT + 1];
	const struct rib_attrs *a;
	struct evpn_route route;
	struct evpn_key k;
	size_t n = vrf_ecomms(f, ec, sizeof(ec) / sizeof(ec[0]));
	char subj[32], buf[PREFIX_STRLEN];

	t5_route(f, &r->key.p, &route);
	evpn_key_from_route(&route, &k);
	if (r->local_advertised && memcmp(&k, &r->adv_key, sizeof(k)) != 0)
		t5_withdraw(e, r); /* the RD changed */
	a = evpn_attrs_local(e, NULL, 0, ec, n);
	vrf_subject(subj, f);
	if (!a || rib_update(e->rib, rib_peer_local(e->rib), &route, a) == -1) {
		log_err(subj, "cannot originate the Type-5 route for %s",
			prefix_fmt(&r->key.p, buf));
	} else {
		if (!r->local_advertised) {
			e->st.t5_local++;
			log_debug(subj, "advertising %s (Type-5)", prefix_fmt(&r->key.p, buf));
		}
		r->local_advertised = true;
		r->adv_key = k;
	}
	rib_attrs_unref(e->rib, a);
}

/* Recompute the Type-5 routes f originates from its table. */
static void vrf_t5_refresh(struct evpn *e, struct evpn_vrf *f)
{
	struct evpn_l3route *r, *rtmp;
	const struct evpn_lroute *l, *ltmp;

	f->t5_dirty = false;
	HASH_ITER(hh, e->l3routes, r, rtmp)
		if (r->key.l3vni == f->l3vni)
			r->local = false;
	if (f->active) {
		HASH_ITER(hh, e->lroutes, l, ltmp)
			if (lroute_advertised(e, f, l))
				l3route_get(e, f->l3vni, &l->r.prefix, true)->local = true;
	}
	HASH_ITER(hh, e->l3routes, r, rtmp) {
		if (r->key.l3vni != f->l3vni)
			continue;
		if (r->local)
			t5_originate(e, f, r);
		else
			t5_withdraw(e, r);
		l3route_reevaluate(e, r);
	}
	bgp_export_schedule(e->bgp);
}

void evpn_l3_work(struct evpn *e)
{
	struct evpn_vrf *f, *tmp;

	HASH_ITER(hh, e->vrfs, f, tmp)
		if (f->t5_dirty)
			vrf_t5_refresh(e, f);
}

/* ---- VRFs: configuration and kernel ----------------------------------- */

static size_t rt_list(const struct cfg_rt_list *l, uint32_t asn, vni_t vni, struct ecomm *out)
{
	size_t n = 0;

	if (!l->n) {
		rt_auto(&out[0], asn, vni);
		return 1;
	}
	for (size_t i = 0; i < l->n && n < EVPN_MAX_RT; i++) {
		const struct cfg_rt *c = &l->v[i];

		if (c->is_auto)
			rt_auto(&out[n++], asn, vni);
		else
			out[n++] = c->rt;
	}
	return n;
}

/* MAC+IP routes carry their VRF's label, RTs and router MAC: originate them again. */
static void readvertise_members(struct evpn *e)
{
	struct evpn_vni *v, *vtmp;

	HASH_ITER(hh, e->vnis, v, vtmp)
		if (v->advertised && v->k.svi_ifindex)
			evpn_local_readvertise(e, v);
	bgp_export_schedule(e->bgp);
}

/* Whether f is usable; on any change of what its routes look like, redo them all. */
static void vrf_refresh(struct evpn *e, struct evpn_vrf *f, bool changed)
{
	struct evpn_vrf old = *f;
	char subj[32], s[MAC_STRLEN];

	f->rmac = f->has_cfg_rmac ? f->cfg_rmac : f->k.svi_mac;
	f->active = f->in_kernel && f->k.bridge_ifindex && f->k.l3 && !mac_is_zero(&f->rmac);
	vrf_subject(subj, f);
	if (f->active && !old.active)
		log_info(subj, "L3VNI %u active: %s on %s, table %u, router MAC %s", f->l3vni,
			 f->k.vxlan_name, f->k.bridge_name, f->k.vrf_table, mac_fmt(&f->rmac, s));
	else if (!f->active && old.active)
		log_info(subj, "L3VNI %u inactive (its devices are gone)", f->l3vni);
	if (f->active && vrf_is_default(f) != (f->k.vrf_ifindex == 0))
		log_warn(subj, "the L3VNI's SVI %s is %s a VRF device", f->k.bridge_name,
			 f->k.vrf_ifindex ? "enslaved to" : "not enslaved to");
	changed |= f->active != old.active || mac_cmp(&f->rmac, &old.rmac) ||
		   f->k.vrf_table != old.k.vrf_table || f->k.vrf_ifindex != old.k.vrf_ifindex ||
		   f->k.svi_ifindex != old.k.svi_ifindex;
	if (!changed)
		return;
	f->t5_dirty = true;
	evpn_schedule_work(e);
	evpn_l3_rebuild(e);
	readvertise_members(e);
}

static bool vrf_settings(struct evpn *e, struct evpn_vrf *f, const struct cfg_vrf *c)
{
	struct evpn_vrf old = *f;

	snprintf(f->name, sizeof(f->name), "%s", c->name);
	if (c->rd.is_auto)
		rd_auto(&f->rd, e->router_id, (uint16_t)(f->l3vni <= 0xffff ? f->l3vni : 0xffff));
	else
		f->rd = c->rd.rd;
	f->n_import = rt_list(&c->rt_import, e->asn, f->l3vni, f->rt_import);
	f->n_export = rt_list(&c->rt_export, e->asn, f->l3vni, f->rt_export);
	f->advertise = c->advertise;
	f->has_cfg_rmac = c->has_router_mac;
	f->cfg_rmac = c->router_mac;
	return strcmp(old.name, f->name) || rd_cmp(&old.rd, &f->rd) ||
	       old.n_import != f->n_import || old.n_export != f->n_export ||
	       memcmp(old.rt_import, f->rt_import, f->n_import * sizeof(struct ecomm)) ||
	       memcmp(old.rt_export, f->rt_export, f->n_export * sizeof(struct ecomm)) ||
	       old.advertise != f->advertise || old.has_cfg_rmac != f->has_cfg_rmac ||
	       mac_cmp(&old.cfg_rmac, &f->cfg_rmac);
}

static void vrf_free(struct evpn *e, struct evpn_vrf *f)
{
	char subj[32];

	vrf_subject(subj, f);
	log_info(subj, "removed from the configuration");
	f->active = false;
	f->in_kernel = false;
	vrf_t5_refresh(e, f); /* withdraws its Type-5s */
	HASH_DEL(e->vrfs, f);
	evpn_l3_rebuild(e); /* removes its kernel routes */
	if (e->kernel)
		kernel_l3vni_set(e->kernel, f->l3vni, false);
	free(f);
	readvertise_members(e); /* their MAC+IP routes lose the L3VNI label, RTs, RMAC */
}

void evpn_l3_configure(struct evpn *e, const struct config *cfg)
{
	struct evpn_vrf *f, *tmp;

	free(e->underlay);
	e->n_underlay = cfg->n_neighbors;
	e->underlay = calloc(cfg->n_neighbors ? cfg->n_neighbors : 1, sizeof(*e->underlay));
	if (!e->underlay)
		abort();
	for (size_t i = 0; i < cfg->n_neighbors; i++)
		e->underlay[i] = cfg->neighbors[i].address;
	HASH_ITER(hh, e->vrfs, f, tmp)
		f->seen = false;
	for (size_t i = 0; i < cfg->n_vrfs; i++) {
		const struct cfg_vrf *c = &cfg->vrfs[i];
		bool fresh = false, changed;

		f = vrf_get(e, c->l3vni);
		if (!f) {
			f = calloc(1, sizeof(*f));
			if (!f)
				abort();
			f->l3vni = c->l3vni;
			HASH_ADD(hh, e->vrfs, l3vni, sizeof(f->l3vni), f);
			fresh = true;
		}
		f->seen = true;
		changed = vrf_settings(e, f, c);
		if (fresh && e->kernel)
			kernel_l3vni_set(e->kernel, f->l3vni, true);
		vrf_refresh(e, f, changed && !fresh);
	}
	HASH_ITER(hh, e->vrfs, f, tmp)
		if (!f->seen)
			vrf_free(e, f);
	HASH_ITER(hh, e->vrfs, f, tmp) /* the underlay filter may have changed */
		f->t5_dirty = f->advertise != 0;
	evpn_schedule_work(e);
}

void evpn_l3_kernel_start(struct evpn *e)
{
	struct evpn_vrf *f, *tmp;

	HASH_ITER(hh, e->vrfs, f, tmp)
		kernel_l3vni_set(e->kernel, f->l3vni, true);
}

void evpn_l3_vni_add(struct evpn *e, const struct kernel_vni *k)
{
	struct evpn_vrf *f = vrf_get(e, k->vni);

	if (!f)
		return;
	f->in_kernel = true;
	f->k = *k;
	vrf_refresh(e, f, false);
}

void evpn_l3_vni_del(struct evpn *e, vni_t vni)
{
	struct evpn_vrf *f = vrf_get(e, vni);

	if (!f)
		return;
	f->in_kernel = false;
	memset(&f->k, 0, sizeof(f->k));
	vrf_refresh(e, f, false);
}

void evpn_l3_free(struct evpn *e)
{
	struct evpn_vrf *f, *ft;
	struct evpn_l3route *r, *rt;
	struct evpn_nh *nh, *nt;
	struct evpn_lroute *l, *lt;

	evpn_rt_index_clear(&e->rt_vrf_index);
	HASH_ITER(hh, e->vrfs, f, ft) {
		HASH_DEL(e->vrfs, f);
		free(f);
	}
	HASH_ITER(hh, e->l3routes, r, rt) {
		HASH_DEL(e->l3routes, r);
		evpn_cands_free(&r->cands);
		free(r);
	}
	HASH_ITER(hh, e->nhs, nh, nt) {
		HASH_DEL(e->nhs, nh);
		free(nh);
	}
	HASH_ITER(hh, e->lroutes, l, lt) {
		HASH_DEL(e->lroutes, l);
		free(l);
	}
	free(e->underlay);
}

/* ---- views -------------------------------------------------------------- */

json_object *evpn_show_vrfs(const struct evpn *e)
{
	json_object *a = json_object_new_array();
	const struct evpn_vrf *f, *tmp;
	char buf[IPADDR_STRLEN];

	HASH_ITER(hh, e->vrfs, f, tmp) {
		json_object *o = json_object_new_object(), *imp = json_object_new_array(),
			    *exp = json_object_new_array(), *adv = json_object_new_array();
		const struct evpn_l3route *r, *rtmp;
		int64_t n_inst = 0, n_adv = 0;

		HASH_ITER(hh, e->l3routes, r, rtmp) {
			if (r->key.l3vni != f->l3vni)
				continue;
			n_inst += r->n_inst > 0;
			n_adv += r->local_advertised;
		}
		json_object_object_add(o, "name", json_object_new_string(f->name));
		json_object_object_add(o, "l3vni", json_object_new_int64(f->l3vni));
		json_object_object_add(o, "rd", json_object_new_string(rd_fmt(&f->rd, buf)));
		for (size_t j = 0; j < f->n_import; j++)
			json_object_array_add(imp, json_object_new_string(rt_fmt(&f->rt_import[j], buf)));
		for (size_t j = 0; j < f->n_export; j++)
			json_object_array_add(exp, json_object_new_string(rt_fmt(&f->rt_export[j], buf)));
		json_object_object_add(o, "import-rts", imp);
		json_object_object_add(o, "export-rts", exp);
		if (f->advertise & CFG_ADV_IPV4_UNICAST)
			json_object_array_add(adv, json_object_new_string("ipv4-unicast"));
		if (f->advertise & CFG_ADV_IPV6_UNICAST)
			json_object_array_add(adv, json_object_new_string("ipv6-unicast"));
		json_object_object_add(o, "advertise", adv);
		json_object_object_add(o, "active", json_object_new_boolean(f->active));
		json_object_object_add(o, "router-mac", json_object_new_string(mac_fmt(&f->rmac, buf)));
		if (f->in_kernel) {
			json_object_object_add(o, "vxlan-device", json_object_new_string(f->k.vxlan_name));
			json_object_object_add(o, "svi", json_object_new_string(f->k.bridge_name));
			json_object_object_add(o, "table", json_object_new_int64(f->k.vrf_table));
		}
		json_object_object_add(o, "routes-installed", json_object_new_int64(n_inst));
		json_object_object_add(o, "type5-advertised", json_object_new_int64(n_adv));
		json_object_array_add(a, o);
	}
	return a;
}

static const char *vrf_name(const struct evpn *e, vni_t l3vni)
{
	const struct evpn_vrf *f = vrf_get(e, l3vni);

	return f ? f->name : "?";
}

json_object *evpn_show_nexthops(const struct evpn *e)
{
	json_object *a = json_object_new_array();
	const struct evpn_nh *nh, *tmp;
	char s[IPADDR_STRLEN];

	HASH_ITER(hh, e->nhs, nh, tmp) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "vrf", json_object_new_string(vrf_name(e, nh->key.l3vni)));
		json_object_object_add(o, "l3vni", json_object_new_int64(nh->key.l3vni));
		json_object_object_add(o, "vtep", json_object_new_string(ipaddr_fmt(&nh->key.vtep, s)));
		json_object_object_add(o, "router-mac", json_object_new_string(mac_fmt(&nh->rmac, s)));
		json_object_object_add(o, "routes", json_object_new_int64(nh->refs));
		json_object_object_add(o, "installed", json_object_new_boolean(nh->installed));
		json_object_array_add(a, o);
	}
	return a;
}

json_object *evpn_show_rmacs(const struct evpn *e)
{
	json_object *a = json_object_new_array();
	const struct evpn_nh *nh, *tmp;
	char s[IPADDR_STRLEN];

	HASH_ITER(hh, e->nhs, nh, tmp) {
		json_object *o;

		if (!nh->installed)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "vrf", json_object_new_string(vrf_name(e, nh->key.l3vni)));
		json_object_object_add(o, "l3vni", json_object_new_int64(nh->key.l3vni));
		json_object_object_add(o, "router-mac",
				       json_object_new_string(mac_fmt(&nh->inst_rmac, s)));
		json_object_object_add(o, "vtep", json_object_new_string(ipaddr_fmt(&nh->key.vtep, s)));
		json_object_array_add(a, o);
	}
	return a;
}
