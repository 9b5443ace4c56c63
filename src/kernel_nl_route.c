/*
 * kernel_nl_route.c - routes: evpnd's own in the L3VNIs' tables (Type-5 and
 * symmetric IRB host routes), and the kernel's other unicast routes, which
 * are reported to the logic (what Type-5 routes are originated from).
 *
 * evpnd's routes (protocol KERNEL_RTPROT, metric KERNEL_ROUTE_METRIC) are
 * objects of kernel_nl_obj.c of type KNL_ROUTE (struct knl_robj), keyed by
 * (L3VNI, prefix); they go through the same request / acknowledgement /
 * retry / park / reset / loss / stale machinery as FDB and neighbour
 * entries, and this file supplies what differs: gateway sets, the table,
 * the RTM_NEWROUTE/DELROUTE messages.
 *
 * Invariants and contracts:
 *  - A route is sent to the table its VNI has now (kernel_vni.vrf_table)
 *    "via GW dev SVI onlink"; a delete goes to the table and device it is
 *    held in (knl_robj.htable, knl_obj.hifindex).  A route whose VNI is not
 *    an L3VNI, has no SVI or is down waits (parked).
 *  - Leftovers found at start (kn->loading) whose table no L3VNI has yet
 *    are orphans (vni 0, key.table = the table); knl_routes_adopt hands
 *    them to the L3VNI once its table is known, before that VNI's objects
 *    are reset, so a later identical request sends nothing.  knl_sweep
 *    deletes the ones still stale (orphans included).
 *  - Events about our routes: IPv4 ones are exact (one message a route); an
 *    IPv6 multipath route may come as one message per nexthop, so an IPv6
 *    deletion or an unexpected IPv6 change is verified by re-reading the
 *    IPv6 routes (kn->need_routes) rather than trusted.  The same goes for
 *    the local routes table, and IPv4 routes through a device that goes
 *    down or away vanish without an event, so that re-reads them too
 *    (kernel_nl_link.c sets need_routes).
 *  - kn->lroutes holds exactly what the logic was told about local routes:
 *    each change and each deletion is reported once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "kernel_nl_priv.h"
#include "log.h"

/* A local route as reported to the logic; the key is (table, prefix, metric). */
struct knl_lroute_key {
	uint32_t table;
	uint32_t metric;
	struct ipaddr addr; /* zero padding: the whole key is hashed */
	uint8_t len;
	uint8_t pad[3];
};

struct knl_lroute {
	UT_hash_handle hh;
	struct knl_lroute_key key;
	int oif;
	uint8_t protocol;
	uint8_t scope;
	bool has_gateway;
	bool seen;
};

/* ---- gateway sets ---------------------------------------------------- */

static int gw_cmp(const void *a, const void *b)
{
	return ipaddr_cmp(a, b);
}

struct knl_nhset *knl_nhset_from(const struct ipaddr *gw, size_t n)
{
	struct knl_nhset *s;
	size_t i, k = 0;

	if (n > KERNEL_ROUTE_NH_MAX)
		n = KERNEL_ROUTE_NH_MAX;
	if (!(s = calloc(1, sizeof(*s) + n * sizeof(s->gw[0]))))
		return NULL;
	for (i = 0; i < n; i++) {
		s->gw[i].family = gw[i].family;
		memcpy(s->gw[i].bytes, gw[i].bytes, ipaddr_len(&gw[i]));
	}
	qsort(s->gw, n, sizeof(s->gw[0]), gw_cmp);
	for (i = 0; i < n; i++) {
		if (k == 0 || ipaddr_cmp(&s->gw[k - 1], &s->gw[i]) != 0)
			s->gw[k++] = s->gw[i];
	}
	s->n = (uint8_t)k;
	s->ref = 1;
	return s;
}

struct knl_nhset *knl_nhset_ref(struct knl_nhset *s)
{
	if (s)
		s->ref++;
	return s;
}

void knl_nhset_unref(struct knl_nhset *s)
{
	if (s && --s->ref == 0)
		free(s);
}

bool knl_nhset_eq(const struct knl_nhset *a, const struct knl_nhset *b)
{
	if (!a || !b)
		return a == b;
	if (a->n != b->n)
		return false;
	for (uint8_t i = 0; i < a->n; i++) {
		if (ipaddr_cmp(&a->gw[i], &b->gw[i]) != 0)
			return false;
	}
	return true;
}

/* Are all of m's gateways in s (an IPv6 route dumped one nexthop a message)? */
static bool nhset_covers(const struct knl_nhset *s, const struct knl_rmsg *m)
{
	for (uint8_t i = 0; i < m->ngw; i++) {
		if (!s || !bsearch(&m->gw[i], s->gw, s->n, sizeof(s->gw[0]), gw_cmp))
			return false;
	}
	return m->ngw > 0;
}

static bool nhset_is(const struct knl_nhset *s, const struct knl_rmsg *m)
{
	return s && s->n == m->ngw && nhset_covers(s, m);
}

struct knl_nhset *knl_nhset_union(struct knl_nhset *s, const struct knl_rmsg *m)
{
	struct ipaddr all[2 * KERNEL_ROUTE_NH_MAX];
	size_t n = 0;

	for (uint8_t i = 0; s && i < s->n; i++)
		all[n++] = s->gw[i];
	for (uint8_t i = 0; i < m->ngw; i++)
		all[n++] = m->gw[i];
	knl_nhset_unref(s);
	return knl_nhset_from(all, n);
}

void knl_nhset_text(const struct knl_nhset *s, char *buf, size_t cap)
{
	char a[IPADDR_STRLEN];
	size_t at;

	if (!s || !s->n) {
		snprintf(buf, cap, "-");
		return;
	}
	at = (size_t)snprintf(buf, cap, "via ");
	for (uint8_t i = 0; i < s->n && at < cap; i++)
		at += (size_t)snprintf(buf + at, cap - at, "%s%s", i ? "," : "",
				       ipaddr_fmt(&s->gw[i], a));
}

/* ---- parsing --------------------------------------------------------- */

static void rmsg_gw(struct knl_rmsg *m, const struct knl_attrs *a)
{
	struct ipaddr gw;

	if (knl_attr_ip(a, RTA_GATEWAY, &gw) == 0) {
		m->has_gateway = true;
		if (m->ngw < KERNEL_ROUTE_NH_MAX)
			m->gw[m->ngw++] = gw;
	} else if (knl_attr_has(a, RTA_VIA)) {
		m->has_gateway = true;
	}
}

/* RTA_MULTIPATH: struct rtnexthop entries, each followed by its attributes. */
static int rmsg_multipath(struct knl_rmsg *m, const struct knl_attrs *a)
{
	struct buf b = a->tb[RTA_MULTIPATH];
	bool first = true;

	while (buf_left(&b) >= sizeof(struct rtnexthop)) {
		struct rtnexthop nh;
		struct buf sub;
		struct knl_attrs na;
		size_t pad;

		if (buf_get_bytes(&b, &nh, sizeof(nh)) == -1 || nh.rtnh_len < sizeof(nh) ||
		    buf_get_sub(&b, nh.rtnh_len - sizeof(nh), &sub) == -1 ||
		    knl_attrs_parse(&sub, &na) == -1)
			return -1;
		pad = RTNH_ALIGN(nh.rtnh_len) - nh.rtnh_len;
		buf_skip(&b, pad < buf_left(&b) ? pad : buf_left(&b));
		if (first)
			m->oif = nh.rtnh_ifindex;
		first = false;
		rmsg_gw(m, &na);
	}
	return 0;
}

int knl_rmsg_parse(const struct nlmsghdr *h, struct buf *body, struct knl_rmsg *m)
{
	struct knl_attrs a;
	uint32_t oif;

	if (h->nlmsg_type != RTM_NEWROUTE && h->nlmsg_type != RTM_DELROUTE)
		return -1;
	memset(m, 0, sizeof(*m));
	m->add = h->nlmsg_type == RTM_NEWROUTE;
	if (buf_get_bytes(body, &m->rtm, sizeof(m->rtm)) == -1 || knl_attrs_parse(body, &a) == -1)
		return -1;
	if (m->rtm.rtm_family != AF_INET && m->rtm.rtm_family != AF_INET6)
		return -1;
	m->table = m->rtm.rtm_table;
	knl_attr_u32(&a, RTA_TABLE, &m->table);
	knl_attr_u32(&a, RTA_PRIORITY, &m->metric);
	m->dst.addr.family = m->rtm.rtm_family;
	if (knl_attr_has(&a, RTA_DST) &&
	    (knl_attr_ip(&a, RTA_DST, &m->dst.addr) == -1 ||
	     m->dst.addr.family != m->rtm.rtm_family))
		return -1;
	m->dst.len = m->rtm.rtm_dst_len;
	if (m->dst.len > ipaddr_len(&m->dst.addr) * 8)
		return -1;
	prefix_normalise(&m->dst);
	if (knl_attr_u32(&a, RTA_OIF, &oif) == 0)
		m->oif = (int)oif;
	rmsg_gw(m, &a);
	if (knl_attr_has(&a, RTA_MULTIPATH) && rmsg_multipath(m, &a) == -1)
		return -1;
	return 0;
}

/* ---- table -> L3VNI -------------------------------------------------- */

vni_t knl_l3vni_of_table(struct knl *kn, uint32_t table)
{
	struct knl_vni *v, *tmp;
	vni_t best = 0;

	if (kn->l3t_valid && kn->l3t_table == table)
		return kn->l3t_vni;
	HASH_ITER(hh, kn->vnis, v, tmp) { /* several in one table: the lowest */
		if (v->present && v->cur.l3 && v->cur.vrf_table == table && (!best || v->vni < best))
			best = v->vni;
	}
	kn->l3t_valid = true;
	kn->l3t_table = table;
	kn->l3t_vni = best;
	return best;
}

/* ---- local routes ---------------------------------------------------- */

static bool route_is_local(const struct knl_rmsg *m)
{
	const struct ipaddr *d = &m->dst.addr;

	if (m->rtm.rtm_type != RTN_UNICAST || m->table == RT_TABLE_LOCAL ||
	    m->rtm.rtm_protocol == KERNEL_RTPROT || (m->rtm.rtm_flags & RTM_F_CLONED))
		return false;
	if (d->family == AF_INET6)
		return !IN6_IS_ADDR_LINKLOCAL(&d->v6) && !IN6_IS_ADDR_MULTICAST(&d->v6);
	return !IN_MULTICAST(ntohl(d->v4.s_addr));
}

static void lroute_report(struct knl *kn, const struct knl_lroute *l, bool add)
{
	struct kernel_route r = {.table = l->key.table, .metric = l->key.metric, .oif = l->oif,
				 .protocol = l->protocol, .scope = l->scope,
				 .has_gateway = l->has_gateway};

	r.prefix.addr = l->key.addr;
	r.prefix.len = l->key.len;
	if (add && kn->ev.route_add)
		kn->ev.route_add(kn->cfg.arg, &r);
	else if (!add && kn->ev.route_del)
		kn->ev.route_del(kn->cfg.arg, &r);
}

static void lroute_drop(struct knl *kn, struct knl_lroute *l, bool report)
{
	if (report)
		lroute_report(kn, l, false);
	HASH_DEL(kn->lroutes, l);
	free(l);
}

static void lroute_msg(struct knl *kn, const struct nlmsghdr *h, const struct knl_rmsg *m)
{
	struct knl_lroute_key key;
	struct knl_lroute *l;
	bool v6 = m->rtm.rtm_family == AF_INET6;

	memset(&key, 0, sizeof(key));
	key.table = m->table;
	key.metric = m->metric;
	key.addr = m->dst.addr;
	key.len = m->dst.len;
	HASH_FIND(hh, kn->lroutes, &key, sizeof(key), l);
	if (!m->add) {
		if (l && v6 && !kn->dumping)
			kn->need_routes |= KNL_RT_V6; /* maybe one nexthop of several: verify */
		else if (l)
			lroute_drop(kn, l, true);
		return;
	}
	/* more nexthops of a route we have: its first nexthop's device stays */
	if (l && ((kn->dumping && l->seen && v6) || (!kn->dumping && (h->nlmsg_flags & NLM_F_APPEND))))
		return;
	if (!l) {
		if (!(l = calloc(1, sizeof(*l))))
			return;
		l->key = key;
		HASH_ADD(hh, kn->lroutes, key, sizeof(l->key), l);
	} else if (l->oif == m->oif && l->protocol == m->rtm.rtm_protocol &&
		   l->scope == m->rtm.rtm_scope && l->has_gateway == m->has_gateway) {
		l->seen = true;
		return;
	}
	l->oif = m->oif;
	l->protocol = m->rtm.rtm_protocol;
	l->scope = m->rtm.rtm_scope;
	l->has_gateway = m->has_gateway;
	l->seen = true;
	lroute_report(kn, l, true);
}

void knl_lroutes_free(struct knl *kn)
{
	struct knl_lroute *l, *tmp;

	HASH_ITER(hh, kn->lroutes, l, tmp)
		lroute_drop(kn, l, false);
}

/* ---- our routes, as the kernel reports them -------------------------- */

static void route_key(struct knl_key *k, vni_t vni, uint32_t orphan_table, const struct prefix *p)
{
	knl_obj_key(k, KNL_ROUTE, vni, NULL, &p->addr);
	k->plen = p->len;
	k->table = orphan_table;
}

/* At start: a leftover becomes a stale object (an orphan without an L3VNI). */
static void ours_load(struct knl *kn, const struct knl_rmsg *m, vni_t vni)
{
	struct knl_key key;
	struct knl_obj *o;
	struct knl_robj *r;
	struct knl_vni *v;

	route_key(&key, vni, vni ? 0 : m->table, &m->dst);
	if (!(o = knl_obj_find(kn, &key)) && !(o = knl_obj_new(kn, &key)))
		return;
	r = knl_robj_of(o);
	o->stale = o->want == KNL_WANT_NONE;
	o->have |= KNL_HAVE_SELF;
	o->seen |= KNL_HAVE_SELF;
	if (!o->hifindex)
		o->hifindex = m->oif;
	r->htable = m->table;
	r->h = knl_nhset_union(r->h, m);
	v = knl_vni_get(kn, vni, false);
	r->hgen = v ? v->gen : 0;
}

static void ours_msg(struct knl *kn, const struct nlmsghdr *h, const struct knl_rmsg *m)
{
	vni_t vni = knl_l3vni_of_table(kn, m->table);
	struct knl_key key;
	struct knl_obj *o;
	struct knl_robj *r;
	bool echo;

	if (m->rtm.rtm_type != RTN_UNICAST || m->metric != KERNEL_ROUTE_METRIC)
		return; /* not one evpnd makes */
	if (kn->loading && m->add) {
		ours_load(kn, m, vni);
		return;
	}
	/* without an L3VNI for the table, only an orphan can be it */
	route_key(&key, vni, vni ? 0 : m->table, &m->dst);
	if (!(o = knl_obj_find(kn, &key)))
		return; /* not ours to judge (the audit reports it) */
	r = knl_robj_of(o);
	if (kn->dumping) {
		if (m->add && nhset_covers(r->h, m))
			o->seen |= KNL_HAVE_SELF;
		return;
	}
	if (!vni || (o->inflight && !o->sent_add))
		return; /* an orphan's (the sweep deletes it), or the echo of our delete */
	echo = m->add && ((o->inflight && nhset_is(r->s, m)) ||
			  ((o->have & KNL_HAVE_SELF) && nhset_is(r->h, m)));
	if (echo)
		return;
	if (m->rtm.rtm_family == AF_INET6)
		kn->need_routes |= KNL_RT_V6; /* maybe one nexthop of several: verify */
	else
		knl_obj_lost(kn, o, KNL_HAVE_SELF);
}

void knl_route_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body)
{
	struct knl_rmsg m;

	if (knl_rmsg_parse(h, body, &m) == -1)
		return;
	if (m.rtm.rtm_protocol == KERNEL_RTPROT)
		ours_msg(kn, h, &m);
	else if (route_is_local(&m))
		lroute_msg(kn, h, &m);
}

static uint8_t fam_bit(uint8_t family)
{
	return family == AF_INET ? KNL_RT_V4 : family == AF_INET6 ? KNL_RT_V6 : 0;
}

static void routes_mark(struct knl *kn, uint8_t fams)
{
	struct knl_lroute *l, *ltmp;
	struct knl_obj_iter it;
	struct knl_obj *o;

	HASH_ITER(hh, kn->lroutes, l, ltmp) {
		if (fam_bit(l->key.addr.family) & fams)
			l->seen = false;
	}
	KNL_FOREACH_OBJ(kn, it, o) {
		if (o->key.type == KNL_ROUTE && (fam_bit(o->key.ip.family) & fams))
			o->seen = 0;
	}
}

/* What the dump did not show is gone (requests in flight excepted). */
static void routes_sweep(struct knl *kn, uint8_t fams)
{
	struct knl_lroute *l, *ltmp;
	struct knl_obj_iter it;
	struct knl_obj *o;

	HASH_ITER(hh, kn->lroutes, l, ltmp) {
		if ((fam_bit(l->key.addr.family) & fams) && !l->seen)
			lroute_drop(kn, l, true);
	}
	KNL_FOREACH_OBJ(kn, it, o) {
		if (o->key.type == KNL_ROUTE && (fam_bit(o->key.ip.family) & fams) &&
		    (o->have & KNL_HAVE_SELF) && !(o->seen & KNL_HAVE_SELF) && !o->inflight)
			knl_obj_lost(kn, o, KNL_HAVE_SELF);
	}
}

void knl_routes_dump(struct knl *kn, uint8_t fams)
{
	bool ok = true;

	kn->need_routes &= (uint8_t)~fams;
	routes_mark(kn, fams);
	kn->dumping = true;
	if ((fams & KNL_RT_V4) && knl_dump(kn, &kn->dump, RTM_GETROUTE, AF_INET, knl_route_msg))
		ok = false;
	if (ok && (fams & KNL_RT_V6) &&
	    knl_dump(kn, &kn->dump, RTM_GETROUTE, AF_INET6, knl_route_msg))
		ok = false;
	kn->dumping = false;
	if (kn->dump_intr) /* repeated by a resync once events are read */
		kn->need_resync = true;
	kn->dump_intr = false;
	if (!ok) {
		log_err("kernel", "cannot read routes");
		return;
	}
	routes_sweep(kn, fams);
	knl_lost_report(kn);
}

/* ---- requests -------------------------------------------------------- */

/* The gateway for vtep in p's family: as is, or ::ffff:VTEP; -1 when none. */
static int route_gw(const struct prefix *p, const struct ipaddr *vtep, struct ipaddr *gw)
{
	memset(gw, 0, sizeof(*gw));
	if (vtep->family == p->addr.family) {
		gw->family = vtep->family;
		memcpy(gw->bytes, vtep->bytes, ipaddr_len(vtep));
		return 0;
	}
	if (p->addr.family != AF_INET6 || vtep->family != AF_INET)
		return -1;
	gw->family = AF_INET6;
	gw->bytes[10] = gw->bytes[11] = 0xff;
	memcpy(gw->bytes + 12, vtep->bytes, 4);
	return 0;
}

/* The wanted set of a request; NULL (logged) when no VTEP is usable. */
static struct knl_nhset *route_want(vni_t vni, const struct prefix *p,
				    const struct ipaddr *vteps, size_t n)
{
	struct ipaddr gw[KERNEL_ROUTE_NH_MAX];
	char subj[24], ps[PREFIX_STRLEN], a[IPADDR_STRLEN];
	size_t k = 0;
	struct knl_nhset *s;

	knl_vni_subject(vni, subj, sizeof(subj));
	for (size_t i = 0; i < n && k < KERNEL_ROUTE_NH_MAX; i++) {
		if (route_gw(p, &vteps[i], &gw[k]) == 0)
			k++;
		else
			log_warn(subj, "route %s: VTEP %s of another family ignored",
				 prefix_fmt(p, ps), ipaddr_fmt(&vteps[i], a));
	}
	if (n > KERNEL_ROUTE_NH_MAX)
		log_warn(subj, "route %s: %zu VTEPs, the first %d kept", prefix_fmt(p, ps), n,
			 KERNEL_ROUTE_NH_MAX);
	if (!k) {
		log_warn(subj, "route %s: no usable nexthop, request ignored", prefix_fmt(p, ps));
		return NULL;
	}
	if (!(s = knl_nhset_from(gw, k)))
		log_err("kernel", "out of memory");
	return s;
}

void knl_req_route(struct knl *kn, vni_t l3vni, const struct prefix *p,
		   const struct ipaddr *vteps, size_t n, bool add)
{
	struct knl_nhset *w = NULL;
	struct prefix q = *p;
	struct knl_key key;
	struct knl_obj *o;
	struct knl_robj *r;

	kn->k.stats.requests++;
	if (!vni_valid(l3vni) || (q.addr.family != AF_INET && q.addr.family != AF_INET6))
		return;
	prefix_normalise(&q);
	if (add && !(w = route_want(l3vni, &q, vteps, n)))
		return;
	route_key(&key, l3vni, 0, &q);
	o = knl_obj_find(kn, &key);
	if (!o && !add)
		return; /* deleting what was never there */
	if (!o && !(o = knl_obj_new(kn, &key))) {
		knl_nhset_unref(w);
		return;
	}
	r = knl_robj_of(o);
	o->want = add ? KNL_WANT_PRESENT : KNL_WANT_ABSENT;
	knl_nhset_unref(r->w);
	r->w = w;
	o->stale = false;
	o->failed = false;
	if (o->inflight)
		o->redo = true;
	knl_obj_requested(kn, o);
}

/* ---- hooks of kernel_nl_obj.c ---------------------------------------- */

bool knl_route_converged(struct knl *kn, struct knl_obj *o)
{
	struct knl_robj *r = knl_robj_of(o);
	struct knl_vni *v = knl_vni_get(kn, o->key.vni, false);

	if (o->have != KNL_HAVE_SELF || !knl_nhset_eq(r->w, r->h))
		return false;
	if (!v || !v->present || !v->cur.l3)
		return true; /* nowhere else to put it: as good as it gets */
	return r->htable == v->cur.vrf_table && o->hifindex == v->cur.svi_ifindex;
}

void knl_route_stage(struct knl *kn, struct knl_obj *o, bool add)
{
	struct knl_robj *r = knl_robj_of(o);
	struct knl_vni *v = knl_vni_get(kn, o->key.vni, false);

	knl_nhset_unref(r->s);
	r->s = knl_nhset_ref(add ? r->w : r->h);
	r->stable = add && v ? v->cur.vrf_table : r->htable;
}

/* The request in flight is acknowledged (ok) or refused: "held" follows, as for knl_val. */
void knl_route_settled(struct knl *kn, struct knl_obj *o, bool ok)
{
	struct knl_robj *r = knl_robj_of(o);
	struct knl_vni *v = knl_vni_get(kn, o->key.vni, false);

	knl_nhset_unref(r->h);
	if (ok && !o->sent_add) {
		r->h = NULL;
		r->htable = 0;
	} else {
		r->h = knl_nhset_ref(r->s);
		r->htable = r->stable;
	}
	if (ok && v)
		r->hgen = v->gen;
}

void knl_route_release(struct knl_obj *o)
{
	struct knl_robj *r = knl_robj_of(o);

	knl_nhset_unref(r->w);
	knl_nhset_unref(r->h);
	knl_nhset_unref(r->s);
	r->w = r->h = r->s = NULL;
}

/* RTA_MULTIPATH: one rtnexthop (onlink, dev SVI) + RTA_GATEWAY per gateway. */
static int put_multipath(struct nlmsghdr *n, const struct knl_nhset *s, int ifindex)
{
	uint8_t mp[KERNEL_ROUTE_NH_MAX * (sizeof(struct rtnexthop) + NLA_HDRLEN + 16)];
	struct wbuf w;

	wbuf_init(&w, mp, sizeof(mp));
	for (uint8_t i = 0; i < s->n; i++) {
		size_t len = ipaddr_len(&s->gw[i]);
		struct rtnexthop nh = {.rtnh_len = (unsigned short)(sizeof(nh) + NLA_HDRLEN + len),
				       .rtnh_flags = RTNH_F_ONLINK, .rtnh_ifindex = ifindex};
		struct nlattr na = {.nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = RTA_GATEWAY};

		wbuf_put_bytes(&w, &nh, sizeof(nh));
		wbuf_put_bytes(&w, &na, sizeof(na));
		wbuf_put_bytes(&w, s->gw[i].bytes, len);
	}
	return w.overflow ? -1 : knl_msg_put(n, RTA_MULTIPATH, mp, w.len);
}

/* Add: replace whatever route (table, prefix, metric) has.  Delete: ours only. */
void knl_route_emit(struct knl *kn, struct knl_obj *o, bool add, int ifindex)
{
	struct knl_robj *r = knl_robj_of(o);
	const struct knl_nhset *s = r->s;
	struct rtmsg rtm;
	struct nlmsghdr *n;

	memset(&rtm, 0, sizeof(rtm));
	rtm.rtm_family = o->key.ip.family;
	rtm.rtm_dst_len = o->key.plen;
	rtm.rtm_table = r->stable < 256 ? (uint8_t)r->stable : RT_TABLE_UNSPEC;
	rtm.rtm_protocol = KERNEL_RTPROT;
	rtm.rtm_scope = add ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE;
	rtm.rtm_type = add ? RTN_UNICAST : 0;
	if (add && s && s->n == 1)
		rtm.rtm_flags = RTNH_F_ONLINK;
	n = knl_obj_msg_begin(kn, o, add ? RTM_NEWROUTE : RTM_DELROUTE,
			      add ? NLM_F_CREATE | NLM_F_REPLACE : 0, &rtm, sizeof(rtm));
	if (!n)
		return;
	if (o->key.plen)
		knl_msg_put(n, RTA_DST, o->key.ip.bytes, ipaddr_len(&o->key.ip));
	knl_msg_put_u32(n, RTA_TABLE, r->stable);
	knl_msg_put_u32(n, RTA_PRIORITY, KERNEL_ROUTE_METRIC);
	if (add && s && s->n == 1) {
		knl_msg_put(n, RTA_GATEWAY, s->gw[0].bytes, ipaddr_len(&s->gw[0]));
		knl_msg_put_u32(n, RTA_OIF, (uint32_t)ifindex);
	} else if (add && s && put_multipath(n, s, ifindex) == -1) {
		log_err("kernel", "route message too large"); /* cannot happen: KNL_MSG_MAX */
	}
	knl_obj_msg_end(kn, o, n);
}

void knl_route_describe(const struct knl_obj *o, char which, char *buf, size_t cap)
{
	const struct knl_robj *r = (const struct knl_robj *)o;
	const struct knl_nhset *s = which == 'h' ? r->h : which == 's' ? r->s : r->w;
	uint32_t table = which == 'h' ? r->htable : which == 's' ? r->stable : o->key.table;
	struct prefix p = {.addr = o->key.ip, .len = o->key.plen};
	char ps[PREFIX_STRLEN], ts[24] = "", via[KERNEL_ROUTE_NH_MAX * IPADDR_STRLEN];

	if (table)
		snprintf(ts, sizeof(ts), " table %u", table);
	knl_nhset_text(s, via, sizeof(via));
	snprintf(buf, cap, "route %s%s%s%s", prefix_fmt(&p, ps), ts, s && s->n ? " " : "",
		 s && s->n ? via : "");
}

/* ---- adoption -------------------------------------------------------- */

/* Orphan o becomes (v, prefix); an object already there takes its state. */
static void adopt_one(struct knl *kn, struct knl_vni *v, struct knl_obj *o)
{
	struct knl_robj *r = knl_robj_of(o), *x;
	struct knl_key key = o->key;
	struct knl_obj *ex;

	key.vni = v->vni;
	key.table = 0;
	if (!(ex = knl_obj_find(kn, &key))) {
		knl_obj_unlink(kn, o);
		o->key = key;
		(void)knl_obj_link(kn, o); /* the table has its buckets: o was in it */
		r->hgen = v->gen;
		return;
	}
	x = knl_robj_of(ex);
	if (!ex->have && !ex->inflight) { /* a parked request: what is held is this */
		ex->have = o->have;
		ex->hifindex = o->hifindex;
		knl_nhset_unref(x->h);
		x->h = knl_nhset_ref(r->h);
		x->htable = r->htable;
		x->hgen = v->gen;
		ex->stale = ex->want == KNL_WANT_NONE;
	}
	o->have = 0; /* the orphan is freed: nothing wanted or held */
	o->stale = false;
	o->want = KNL_WANT_NONE;
	knl_obj_schedule(kn, o);
}

void knl_routes_adopt(struct knl *kn, struct knl_vni *v)
{
	struct knl_robj *r, *next;

	/* VNI 0 exists once an orphan was made (knl_obj_new): else no walk */
	if (!v->present || !v->cur.l3 || !knl_vni_get(kn, 0, false))
		return;
	/* adopt_one may free r, not another route */
	for (r = LIST_FIRST(&kn->routes); r; r = next) {
		struct knl_obj *o = &r->o;

		next = LIST_NEXT(r, link);
		if (o->key.vni == 0 && o->key.table == v->cur.vrf_table && !o->inflight &&
		    !o->lost && !o->wait)
			adopt_one(kn, v, o);
	}
}
