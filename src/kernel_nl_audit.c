/*
 * kernel_nl_audit.c - audit and repair: the kernel's FDB, neighbours and
 * evpnd's routes, read again, against the objects evpnd asked for
 * (kn->objs).
 *
 * op_audit (kernel_nl.c) settles first: pending events are applied and
 * queued requests are sent and acknowledged, so that what is merely in
 * flight is not drift.  knl_audit then:
 *  1. dumps AF_BRIDGE FDB and IP neighbours into a table of found entries
 *     (struct knl_found), keyed like the objects.  Kept are the entries
 *     marked as evpnd's, exactly as kernel_nl_neigh.c recognises them
 *     (flood: 00:00:00:00:00:00 self permanent on a VNI's VXLAN device
 *     other than the device's own remote; remote MAC: extern_learn or
 *     sticky on that device; neighbour: extern_learn on the VNI's bridge),
 *     and, for keys evpnd has an object for only, the entries that hold
 *     the key without being marked (a local port holding the MAC, an entry
 *     on the VXLAN device without the mark, a neighbour without it).
 *     Routes: those of protocol KERNEL_RTPROT and metric
 *     KERNEL_ROUTE_METRIC, keyed by the L3VNI of their table, or as an
 *     orphan (vni 0, the table) when no L3VNI has it; the gateways of an
 *     IPv6 route dumped one nexthop a message are gathered;
 *  2. compares every wanted object that can be compared (see audit_skip)
 *     with its found entry: MISSING or WRONG;
 *  3. reports every marked entry no object was compared with as EXTRA.
 * With repair, each drift goes through the request path: the object's
 * "have" is set to what was found, and knl_obj_schedule sends the add or
 * the delete.  Entries not marked as evpnd's are never deleted; a MAC a
 * local port holds is a move, left to the logic (mobility).
 *
 * Contract: nothing here runs while another dump is being read (op_audit
 * refuses), and the found table lives only for one call.
 *
 * The periodic audit and the one on demand (evpnctl audit) run in steps
 * (knl_audit_start; the synchronous knl_audit is left to tools and tests):
 * their dumps are read on
 * a socket of its own, AUDIT_SLICE datagrams per loop turn, so that BGP and
 * everything else keep running -- the kernel's FDB dump costs O(entries)
 * per 32 KB datagram (each one walks the table again up to where the last
 * stopped), 1.4 s for 100k remote MACs, and a leaf with 1M would otherwise
 * miss its keepalives.  Meanwhile requests and events go on: an object
 * changed after the start (audit_gen) is not compared this time, and a key
 * whose object went is not taken for extra.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "kernel_nl_priv.h"
#include "log.h"

#define AUDIT_DUMP_TRIES 3 /* dumps interrupted by changes are repeated this often */
/*
 * Datagrams of a dump read per loop turn by an audit in steps: one, since
 * each costs the kernel a walk to its resume position (~4 ms with 100k FDB
 * entries on a slow machine): with 8, `show summary` waited up to 0.3 s
 * during an audit of 100k MACs, with 1 up to 40 ms, the audit as long.
 */
#define AUDIT_SLICE 1

/* A key as the kernel holds it. */
struct knl_found {
	UT_hash_handle hh;
	struct knl_key key;
	int ifindex;	    /* device holding the marked parts */
	uint8_t ours;	    /* KNL_HAVE_* parts marked as evpnd's */
	uint8_t other;	    /* parts present on our device without the mark */
	uint8_t sticky;	    /* parts with NTF_STICKY */
	bool local;	    /* MAC: a bridge entry on a local port holds it */
	bool matched;	    /* an object was compared with it (or skipped) */
	struct ipaddr dst;  /* MAC: dst of the VXLAN entry */
	struct mac lladdr;  /* neighbour */
	struct knl_nhset *nh; /* route: its gateways */
	uint32_t table;	      /* route: its table */
};

struct knl_audit_run {
	struct knl_found *found;
	struct kernel_audit *out;
	bool repair;
	bool nomem;
	size_t drift;
	uint64_t checked;
	uint64_t skipped;
	/* in steps (knl_audit_start) */
	bool stepwise;
	bool on_demand;		/* evpnctl audit: not paced, not cancelled by a periodic one */
	uint16_t gen;		/* kn->audit_gen of this run: objects changed since are skipped */
	int step;		/* index into audit_dumps */
	int tries;
	bool intr;		/* a dump of this pass was interrupted */
	bool churned;		/* entries were deleted during the pass (knl_audit_churn) */
	struct knl_sock sock;
	struct event *ev;
	kernel_audit_done_fn done;
	void *arg;
	uint64_t started_us;
};

void kernel_audit_clear(struct kernel_audit *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* ---- reading --------------------------------------------------------- */

static struct knl_found *found_find(struct knl_audit_run *r, const struct knl_key *key)
{
	struct knl_found *f;

	HASH_FIND(hh, r->found, key, sizeof(*key), f);
	return f;
}

static struct knl_found *found_get(struct knl_audit_run *r, const struct knl_key *key)
{
	struct knl_found *f = found_find(r, key);

	if (f)
		return f;
	if (!(f = calloc(1, sizeof(*f)))) {
		r->nomem = true;
		return NULL;
	}
	f->key = *key;
	HASH_ADD(hh, r->found, key, sizeof(f->key), f);
	return f;
}

static void found_free(struct knl_audit_run *r)
{
	struct knl_found *f, *tmp;

	HASH_ITER(hh, r->found, f, tmp) {
		HASH_DEL(r->found, f);
		knl_nhset_unref(f->nh);
		free(f);
	}
}

static void audit_flood(struct knl_audit_run *r, const struct knl_link *dev,
			const struct knl_nmsg *m)
{
	struct knl_key key;
	struct knl_found *f;

	if (!m->has_dst || !(m->ndm.ndm_flags & NTF_SELF) ||
	    !(m->ndm.ndm_state & NUD_PERMANENT) ||
	    (ipaddr_is_set(&dev->group) && ipaddr_cmp(&dev->group, &m->dst) == 0))
		return; /* the device's own default destination is not ours */
	knl_obj_key(&key, KNL_FLOOD, dev->vni, NULL, &m->dst);
	if (!(f = found_get(r, &key)))
		return;
	f->ours |= KNL_HAVE_SELF;
	f->ifindex = dev->ifindex;
}

/* One part of a remote MAC on a VNI's VXLAN device. */
static void audit_mac(struct knl *kn, struct knl_audit_run *r, const struct knl_link *dev,
		      const struct knl_nmsg *m, bool master)
{
	uint8_t part = master ? KNL_HAVE_MASTER : KNL_HAVE_SELF;
	bool ours = (m->ndm.ndm_flags & (NTF_EXT_LEARNED | NTF_STICKY)) != 0;
	struct knl_key key;
	struct knl_found *f;
	struct knl_obj *o;

	if (!master && !m->has_dst)
		return;
	knl_obj_key(&key, KNL_MAC, dev->vni, &m->mac, NULL);
	o = knl_obj_find(kn, &key);
	if ((!ours && !o) || !(f = found_get(r, &key)))
		return;
	if (ours) {
		f->ours |= part;
		f->ifindex = dev->ifindex;
	} else {
		f->other |= part;
	}
	if (m->ndm.ndm_flags & NTF_STICKY)
		f->sticky |= part;
	/* Several destinations (appended by hand): the wanted one, when there, counts. */
	if (!master && (!ipaddr_is_set(&f->dst) ||
			(o && ipaddr_cmp(&m->dst, knl_vtep_ip(&kn->vteps, o->wval.vtep)) == 0)))
		f->dst = m->dst;
}

/* A bridge entry on a local port of a VNI's bridge: only for MACs evpnd has. */
static void audit_local_mac(struct knl *kn, struct knl_audit_run *r, vni_t vni,
			    const struct knl_nmsg *m)
{
	struct knl_key key;
	struct knl_found *f;

	knl_obj_key(&key, KNL_MAC, vni, &m->mac, NULL);
	if (knl_obj_find(kn, &key) && (f = found_get(r, &key)))
		f->local = true;
}

static void audit_fdb(struct knl *kn, struct knl_audit_run *r, const struct knl_nmsg *m)
{
	struct knl_link *port = knl_link_get(kn, m->ndm.ndm_ifindex);
	bool master = knl_attr_has(&m->a, NDA_MASTER) || (m->ndm.ndm_flags & NTF_MASTER);
	struct knl_vni *v;
	uint16_t vlan = 0;
	vni_t vni;

	knl_attr_u16(&m->a, NDA_VLAN, &vlan);
	if (!port || !m->has_mac || vlan)
		return;
	if (port->kind != KNL_VXLAN) {
		if (master && port->kind != KNL_BRIDGE && (vni = knl_vni_of_port(kn, port)))
			audit_local_mac(kn, r, vni, m);
		return;
	}
	v = knl_vni_get(kn, port->vni, false);
	if (!v || !v->present || v->cur.vxlan_ifindex != port->ifindex)
		return;
	if (!mac_is_zero(&m->mac))
		audit_mac(kn, r, port, m, master);
	else if (!master)
		audit_flood(r, port, m);
}

static void audit_neigh(struct knl *kn, struct knl_audit_run *r, const struct knl_nmsg *m)
{
	struct knl_link *svi = knl_link_get(kn, m->ndm.ndm_ifindex);
	bool ours = (m->ndm.ndm_flags & NTF_EXT_LEARNED) != 0;
	struct knl_key key;
	struct knl_found *f;

	if (!svi || svi->kind != KNL_BRIDGE || !svi->br_vni || !m->has_dst || !m->has_mac ||
	    m->ndm.ndm_type != RTN_UNICAST || !(m->ndm.ndm_state & KNL_NUD_PRESENT))
		return;
	knl_obj_key(&key, KNL_NEIGH, svi->br_vni, NULL, &m->dst);
	if ((!ours && !knl_obj_find(kn, &key)) || !(f = found_get(r, &key)))
		return;
	if (ours) {
		f->ours |= KNL_HAVE_SELF;
		f->ifindex = svi->ifindex;
	} else {
		f->other |= KNL_HAVE_SELF;
	}
	f->lladdr = m->mac;
}

static void audit_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body)
{
	struct knl_nmsg m;

	if (!kn->audit || knl_nmsg_parse(h, body, &m) == -1 || !m.add)
		return;
	if (m.ndm.ndm_family == AF_BRIDGE)
		audit_fdb(kn, kn->audit, &m);
	else if (m.ndm.ndm_family == AF_INET || m.ndm.ndm_family == AF_INET6)
		audit_neigh(kn, kn->audit, &m);
}

/* One of evpnd's routes (any other is not looked at). */
static void audit_route_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body)
{
	struct knl_audit_run *r = kn->audit;
	struct knl_rmsg m;
	struct knl_key key;
	struct knl_found *f;
	vni_t vni;

	if (!r || knl_rmsg_parse(h, body, &m) == -1 || !m.add ||
	    m.rtm.rtm_protocol != KERNEL_RTPROT || m.rtm.rtm_type != RTN_UNICAST ||
	    m.metric != KERNEL_ROUTE_METRIC)
		return;
	vni = knl_l3vni_of_table(kn, m.table);
	knl_obj_key(&key, KNL_ROUTE, vni, NULL, &m.dst.addr);
	key.plen = m.dst.len;
	key.table = vni ? 0 : m.table;
	if (!(f = found_get(r, &key)))
		return;
	if (!f->ours)
		f->ifindex = m.oif;
	f->ours |= KNL_HAVE_SELF;
	f->table = m.table;
	if (!(f->nh = knl_nhset_union(f->nh, &m)))
		r->nomem = true;
}

/* What an audit reads, in this order. */
static const struct {
	uint16_t type;
	uint8_t family;
	knl_msg_cb cb;
} audit_dumps[] = {
	{RTM_GETNEIGH, AF_BRIDGE, audit_msg}, /* AF_UNSPEC has the neighbour tables only */
	{RTM_GETNEIGH, AF_UNSPEC, audit_msg},
	{RTM_GETROUTE, AF_INET, audit_route_msg},
	{RTM_GETROUTE, AF_INET6, audit_route_msg},
};

#define AUDIT_NDUMPS (sizeof(audit_dumps) / sizeof(audit_dumps[0]))

static int audit_read_once(struct knl *kn)
{
	for (size_t i = 0; i < AUDIT_NDUMPS; i++) {
		if (knl_dump(kn, &kn->dump, audit_dumps[i].type, audit_dumps[i].family,
			     audit_dumps[i].cb) == -1)
			return -1;
	}
	return 0;
}

/* Fill r->found from the kernel; a dump interrupted by changes is repeated. */
static int audit_read(struct knl *kn, struct knl_audit_run *r)
{
	bool intr = kn->dump_intr;
	int rc = -1;

	kn->audit = r;
	for (int i = 0; i < AUDIT_DUMP_TRIES; i++) {
		found_free(r);
		kn->dump_intr = false;
		rc = audit_read_once(kn);
		if (rc == -1 || !kn->dump_intr)
			break;
		rc = -1;
	}
	if (rc == -1)
		log_err("kernel", "audit: cannot read FDB, neighbours and routes%s",
			kn->dump_intr ? " (changing too fast)" : "");
	kn->dump_intr = intr;
	kn->audit = NULL;
	return rc;
}

/* ---- text ------------------------------------------------------------ */

static void want_text(const struct knl *kn, const struct knl_obj *o, char *buf, size_t cap)
{
	char a[IPADDR_STRLEN], m[MAC_STRLEN];

	switch (o->key.type) {
	case KNL_ROUTE:
		knl_nhset_text(((const struct knl_robj *)o)->w, buf, cap);
		break;
	case KNL_FLOOD:
		snprintf(buf, cap, "dst %s", ipaddr_fmt(&o->key.ip, a));
		break;
	case KNL_MAC:
		snprintf(buf, cap, "dst %s%s", ipaddr_fmt(knl_vtep_ip(&kn->vteps, o->wval.vtep), a),
			 o->wval.sticky ? " sticky" : "");
		break;
	default:
		snprintf(buf, cap, "lladdr %s", mac_fmt(&o->wval.mac, m));
		break;
	}
}

static void found_mac_text(const struct knl_found *f, char *buf, size_t cap)
{
	uint8_t parts = f->ours | f->other;
	char a[IPADDR_STRLEN];
	int n;

	if (parts & KNL_HAVE_SELF)
		n = snprintf(buf, cap, "dst %s%s%s", ipaddr_fmt(&f->dst, a),
			     (f->sticky & KNL_HAVE_SELF) ? " sticky" : "",
			     (f->other & KNL_HAVE_SELF) ? " (not extern_learn)" : "");
	else
		n = snprintf(buf, cap, "bridge entry only%s",
			     (f->other & KNL_HAVE_MASTER) ? " (not extern_learn)" : "");
	if (n < 0 || (size_t)n >= cap || !(parts & KNL_HAVE_SELF))
		return;
	if (!(parts & KNL_HAVE_MASTER))
		snprintf(buf + n, cap - (size_t)n, ", no bridge entry");
	else if (f->other & KNL_HAVE_MASTER)
		snprintf(buf + n, cap - (size_t)n, ", bridge entry not extern_learn");
}

static void found_text(const struct knl_found *f, char *buf, size_t cap)
{
	char a[IPADDR_STRLEN], m[MAC_STRLEN];

	if (!f || !(f->ours | f->other)) {
		snprintf(buf, cap, "-");
		return;
	}
	switch (f->key.type) {
	case KNL_ROUTE:
		knl_nhset_text(f->nh, buf, cap);
		break;
	case KNL_FLOOD:
		snprintf(buf, cap, "dst %s", ipaddr_fmt(&f->key.ip, a));
		break;
	case KNL_MAC:
		found_mac_text(f, buf, cap);
		break;
	default:
		snprintf(buf, cap, "lladdr %s%s", mac_fmt(&f->lladdr, m),
			 (f->other & KNL_HAVE_SELF) ? " (not extern_learn)" : "");
		break;
	}
}

/* The key as text (VTEP, MAC, IP or prefix), and as log lines name the object. */
static char *key_text(const struct knl_key *k, char buf[IPADDR_STRLEN])
{
	struct prefix p = {.addr = k->ip, .len = k->plen};
	char ps[PREFIX_STRLEN];

	if (k->type == KNL_MAC)
		mac_fmt(&k->mac, buf);
	else if (k->type == KNL_ROUTE)
		snprintf(buf, IPADDR_STRLEN, "%s", prefix_fmt(&p, ps));
	else
		ipaddr_fmt(&k->ip, buf);
	return buf;
}

static void key_noun(const struct knl_key *k, char *buf, size_t cap)
{
	char a[IPADDR_STRLEN], m[MAC_STRLEN];

	if (k->type == KNL_ROUTE && !k->vni)
		snprintf(buf, cap, "route %s table %u", key_text(k, a), k->table);
	else if (k->type == KNL_ROUTE)
		snprintf(buf, cap, "route %s", key_text(k, a));
	else if (k->type == KNL_FLOOD)
		snprintf(buf, cap, "flood FDB 00:00:00:00:00:00");
	else if (k->type == KNL_MAC)
		snprintf(buf, cap, "FDB %s", mac_fmt(&k->mac, m));
	else
		snprintf(buf, cap, "neighbour %s", ipaddr_fmt(&k->ip, a));
}

/* ---- comparing and repairing ----------------------------------------- */

static void drift_record(struct knl_audit_run *r, const struct knl_key *k,
			 enum kernel_drift_problem p, const char *want, const char *have,
			 bool repaired)
{
	struct kernel_audit *out = r->out;
	struct kernel_drift *d;

	if (!out)
		return;
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 16;

		if (!(d = realloc(out->v, cap * sizeof(*d)))) {
			r->nomem = true;
			return;
		}
		out->v = d;
		out->cap = cap;
	}
	d = &out->v[out->n++];
	memset(d, 0, sizeof(*d));
	d->kind = k->type == KNL_FLOOD	 ? KERNEL_DRIFT_FLOOD
		  : k->type == KNL_MAC	 ? KERNEL_DRIFT_MAC
		  : k->type == KNL_ROUTE ? KERNEL_DRIFT_ROUTE
					 : KERNEL_DRIFT_NEIGH;
	d->problem = p;
	d->vni = k->vni;
	if (k->type == KNL_MAC) /* the key holds one of the two */
		d->mac = k->mac;
	else
		d->ip = k->ip;
	d->repaired = repaired;
	key_text(k, d->key);
	snprintf(d->expected, sizeof(d->expected), "%s", want);
	snprintf(d->found, sizeof(d->found), "%s", have);
}

/*
 * Repair through the request path: o's "have" becomes what the kernel holds
 * (only the parts marked as evpnd's), and knl_obj_schedule sends what makes
 * it converge: the wanted entry again, or the deletion of the extra one.
 */
static void obj_repair(struct knl *kn, struct knl_obj *o, const struct knl_found *f)
{
	o->have = f ? f->ours : 0;
	o->hifindex = f && f->ours ? f->ifindex : 0;
	if (o->key.type == KNL_MAC) {
		knl_obj_held_vtep(kn, o, f ? &f->dst : &(struct ipaddr){ 0 });
		o->hval.sticky = f && (f->sticky & f->ours) != 0;
	} else if (o->key.type == KNL_NEIGH) {
		memset(&o->hval, 0, sizeof(o->hval));
		if (f)
			o->hval.mac = f->lladdr;
	}
	if (o->key.type == KNL_ROUTE) {
		struct knl_robj *r = knl_robj_of(o);

		knl_nhset_unref(r->h);
		r->h = f && f->ours ? knl_nhset_ref(f->nh) : NULL;
		r->htable = f && f->ours ? f->table : 0;
	}
	if (o->want != KNL_WANT_PRESENT)
		o->want = KNL_WANT_ABSENT;
	o->stale = false;
	o->failed = false;
	o->attempts = 0;
	kn->k.stats.audit_repairs++;
	knl_obj_schedule(kn, o); /* not freed: something is wanted or held */
}

static void audit_drift(struct knl *kn, struct knl_audit_run *r, struct knl_obj *o,
			const struct knl_found *f, enum kernel_drift_problem p)
{
	const struct knl_key *k = o ? &o->key : &f->key;
	char want[KERNEL_DRIFT_TEXT] = "-", have[KERNEL_DRIFT_TEXT], subj[24], noun[64];

	r->drift++;
	if (p != KERNEL_DRIFT_EXTRA)
		want_text(kn, o, want, sizeof(want));
	found_text(f, have, sizeof(have));
	if (r->repair && o)
		obj_repair(kn, o, f);
	drift_record(r, k, p, want, have, r->repair && o);
	if (!r->repair || !o)
		return;
	knl_vni_subject(k->vni, subj, sizeof(subj));
	key_noun(k, noun, sizeof(noun));
	if (p == KERNEL_DRIFT_MISSING)
		log_warn(subj, "audit: repaired missing %s: %s", noun, want);
	else if (p == KERNEL_DRIFT_WRONG)
		log_warn(subj, "audit: repaired wrong %s: %s (found %s)", noun, want, have);
	else
		log_warn(subj, "audit: removed extra %s: %s", noun, have);
}

static bool found_ok(struct knl *kn, const struct knl_obj *o, const struct knl_found *f)
{
	const uint8_t full = KNL_HAVE_SELF | KNL_HAVE_MASTER;
	struct knl_vni *v;

	switch (o->key.type) {
	case KNL_ROUTE: /* audit_skip made sure v is present */
		v = knl_vni_get(kn, o->key.vni, false);
		return f->ours == KNL_HAVE_SELF &&
		       knl_nhset_eq(((const struct knl_robj *)o)->w, f->nh) &&
		       f->table == v->cur.vrf_table && f->ifindex == v->cur.svi_ifindex;
	case KNL_FLOOD:
		return (f->ours & KNL_HAVE_SELF) != 0;
	case KNL_MAC:
		return f->ours == full &&
		       ipaddr_cmp(&f->dst, knl_vtep_ip(&kn->vteps, o->wval.vtep)) == 0 &&
		       f->sticky == (o->wval.sticky ? full : 0);
	default:
		return f->ours == KNL_HAVE_SELF && mac_cmp(&f->lladdr, &o->wval.mac) == 0;
	}
}

/*
 * Objects not compared: a request pending (in flight, awaiting a retry, a
 * loss not yet reported), a leftover awaiting the sweep, a wanted object
 * whose VNI has no device for it or is down (installed when it comes), a
 * remote MAC whose bridge entry a local port holds (a move, for the logic).
 */
static bool audit_skip(struct knl *kn, const struct knl_obj *o, const struct knl_found *f)
{
	struct knl_vni *v;
	int dev;

	if (o->inflight || o->wait || o->lost)
		return true;
	if (o->want != KNL_WANT_PRESENT)
		return o->stale;
	v = knl_vni_get(kn, o->key.vni, false);
	if (!v || !v->present || !v->cur.up)
		return true;
	dev = o->key.type == KNL_FLOOD	 ? v->cur.vxlan_ifindex
	      : o->key.type == KNL_MAC	 ? v->cur.bridge_ifindex
	      : o->key.type == KNL_ROUTE ? (v->cur.l3 ? v->cur.svi_ifindex : 0)
					 : v->cur.svi_ifindex;
	return !dev || (o->key.type == KNL_MAC && f && f->local);
}

/*
 * Would this object's drift rest on something the dump did not show?  A
 * dump resumes each datagram at a position, so an entry deleted behind that
 * position makes the next one go unread (the FDB dumps do not flag it with
 * NLM_F_DUMP_INTR); after deletions such findings are not trusted.
 */
static bool absence_based(struct knl *kn, const struct knl_obj *o, const struct knl_found *f)
{
	if (!f || !(f->ours | f->other))
		return true;			/* missing */
	if (o->key.type == KNL_MAC)
		return (f->ours | f->other) != (KNL_HAVE_SELF | KNL_HAVE_MASTER); /* a part */
	return o->key.type == KNL_ROUTE;	/* a gateway (one message each) */
}

static void audit_objs(struct knl *kn, struct knl_audit_run *r)
{
	struct knl_obj_iter it;
	struct knl_obj *o;
	struct knl_found *f;

	KNL_FOREACH_OBJ(kn, it, o) {
		if (o->key.type == KNL_LMAC || o->key.type == KNL_LNEIGH)
			continue;
		f = found_find(r, &o->key);
		if (audit_skip(kn, o, f) || (r->stepwise && o->audit_gen == r->gen) ||
		    (r->churned && absence_based(kn, o, f))) {
			if (f)
				f->matched = true;
			r->skipped++;
			continue;
		}
		if (o->want != KNL_WANT_PRESENT)
			continue; /* held: extra, below */
		if (f)
			f->matched = true;
		r->checked++;
		if (!f || !(f->ours | f->other))
			audit_drift(kn, r, o, f, KERNEL_DRIFT_MISSING);
		else if (!found_ok(kn, o, f))
			audit_drift(kn, r, o, f, KERNEL_DRIFT_WRONG);
	}
}

/* Entries marked as evpnd's that nothing wanted was compared with. */
static void audit_extra(struct knl *kn, struct knl_audit_run *r)
{
	struct knl_found *f, *tmp;

	HASH_ITER(hh, r->found, f, tmp) {
		struct knl_obj *o;

		if (f->matched || !f->ours)
			continue;
		o = knl_obj_find(kn, &f->key);
		if (o && r->stepwise && o->audit_gen == r->gen)
			continue; /* requested meanwhile: next time */
		r->checked++;
		if (!o && r->repair)
			o = knl_obj_new(kn, &f->key);
		audit_drift(kn, r, o, f, KERNEL_DRIFT_EXTRA);
	}
}

/* The kernel was read into r->found: compare, repair, log; the drift count or -1. */
static int audit_compare(struct knl *kn, struct knl_audit_run *r)
{
	if (r->nomem) {
		log_err("kernel", "audit: out of memory");
		found_free(r);
		return -1;
	}
	kn->k.stats.audit_runs++;
	audit_objs(kn, r);
	audit_extra(kn, r);
	found_free(r);
	kn->k.stats.audit_drift += r->drift;
	if (r->out)
		r->out->checked += r->checked;
	if (r->drift)
		log_notice("kernel", "audit: %zu drift in %llu objects compared (%llu not: "
			   "pending, changed meanwhile or waiting for a device)%s", r->drift,
			   (unsigned long long)r->checked, (unsigned long long)r->skipped,
			   r->repair ? ", repaired" : "");
	else
		log_debug("kernel", "audit: %llu objects compared, no drift",
			  (unsigned long long)r->checked);
	if (r->nomem) {
		log_err("kernel", "audit: out of memory, drift list incomplete");
		return -1;
	}
	return r->drift > INT_MAX ? INT_MAX : (int)r->drift;
}

int knl_audit(struct knl *kn, bool repair, struct kernel_audit *out)
{
	struct knl_audit_run r;

	memset(&r, 0, sizeof(r));
	r.out = out;
	r.repair = repair;
	if (audit_read(kn, &r) == -1) {
		found_free(&r);
		return -1;
	}
	return audit_compare(kn, &r);
}

/* ---- in steps -------------------------------------------------------- */

static void audit_run_free(struct knl_audit_run *r)
{
	if (r->ev)
		event_free(r->ev);
	knl_sock_close(&r->sock);
	found_free(r);
	free(r);
}

/* The run is over (rc -1: it failed): compare unless it failed, tell, free. */
static void audit_end(struct knl *kn, struct knl_audit_run *r, int rc)
{
	kernel_audit_done_fn done = r->done;
	void *arg = r->arg;

	uint64_t now = knl_now_us(), took = now - r->started_us;

	knl_events_drain(kn); /* deletions made during the pass count (churned) */
	kn->audit = NULL;
	kn->k.stats.audit_last_us = took;
	/* only periodic runs pace: audits on demand must not hold off the repair */
	if (!r->on_demand)
		kn->audit_not_before_us = now + kn->cfg.audit_pace * took;
	if (!r->on_demand && kn->cfg.audit_pace && took >= 1000000)
		log_info("kernel", "audit: took %.1f s; the next one not before %.0f s from now",
			 (double)took / 1e6, (double)(kn->cfg.audit_pace * took) / 1e6);
	if (r->churned)
		log_debug("kernel", "audit: entries deleted while reading: absences not judged");
	if (rc == 0)
		rc = audit_compare(kn, r);
	audit_run_free(r);
	if (done)
		done(arg, rc);
}

/* Next dump of the pass, or the pass again when one was interrupted; 1: all read. */
static int audit_next(struct knl *kn, struct knl_audit_run *r)
{
	r->intr |= r->sock.intr;
	if (++r->step == (int)AUDIT_NDUMPS) {
		if (!r->intr)
			return 1;
		if (++r->tries == AUDIT_DUMP_TRIES) {
			log_err("kernel", "audit: cannot read FDB, neighbours and routes "
					  "(changing too fast)");
			return -1;
		}
		found_free(r);
		r->step = 0;
		r->intr = false;
	}
	return knl_dump_send(&r->sock, audit_dumps[r->step].type, audit_dumps[r->step].family);
}

static void audit_step_cb(evutil_socket_t fd, short what, void *arg)
{
	struct knl *kn = arg;
	struct knl_audit_run *r = kn->audit;
	int rc = knl_dump_step(kn, &r->sock, audit_dumps[r->step].cb, AUDIT_SLICE);

	if (rc == 1)
		rc = audit_next(kn, r);
	if (rc == 0)
		return;
	audit_end(kn, r, rc == 1 ? 0 : -1);
}

/* -1, errno kept for the caller's message. */
static int start_failed(struct knl_audit_run *r)
{
	int e = errno;

	log_err("kernel", "audit: cannot start: %s", strerror(e));
	audit_run_free(r);
	errno = e;
	return -1;
}

int knl_audit_start(struct knl *kn, const struct kernel_audit_req *req)
{
	struct knl_audit_run *r;
	bool give_way = kn->audit && req->on_demand && !kn->audit->on_demand;

	if (kn->dumping || (kn->audit && !give_way)) {
		errno = EBUSY;
		return -1;
	}
	if (!kn->cfg.base) {
		errno = EINVAL;
		return -1;
	}
	if (!req->on_demand && knl_now_us() < kn->audit_not_before_us) {
		kn->k.stats.audit_paced++;
		log_debug("kernel", "audit: not yet, the last took %.3f s (pace %u)",
			  (double)kn->k.stats.audit_last_us / 1e6, kn->cfg.audit_pace);
		errno = EAGAIN;
		return -1;
	}
	if (!(r = calloc(1, sizeof(*r))))
		return -1;
	r->stepwise = true;
	r->on_demand = req->on_demand;
	r->repair = req->repair;
	r->out = req->out;
	r->done = req->done;
	r->arg = req->arg;
	if (knl_sock_open(&r->sock, 4 << 20, NULL) == -1 ||
	    !(r->ev = event_new(kn->cfg.base, r->sock.fd, EV_READ | EV_PERSIST, audit_step_cb,
				kn)) ||
	    event_add(r->ev, NULL) == -1) {
		return start_failed(r);
	}
	if (give_way) { /* only now: a start that failed above keeps the periodic run */
		log_debug("kernel", "audit: the periodic one gives way to one on demand");
		knl_audit_cancel(kn);
	}
	if (req->on_demand)
		knl_events_drain(kn); /* what the kernel said so far is applied first */
	if (knl_dump_send(&r->sock, audit_dumps[0].type, audit_dumps[0].family) == -1) {
		return start_failed(r);
	}
	r->gen = ++kn->audit_gen;
	r->started_us = knl_now_us();
	kn->audit = r;
	return 0;
}

/* A periodic audit goes untold; one on demand is told it failed (its caller waits). */
void knl_audit_cancel(struct knl *kn)
{
	struct knl_audit_run *r = kn->audit;
	kernel_audit_done_fn done;
	void *arg;

	if (!r || !r->stepwise)
		return;
	done = r->on_demand ? r->done : NULL;
	arg = r->arg;
	kn->audit = NULL;
	audit_run_free(r);
	if (done)
		done(arg, -1);
}

void knl_audit_churn(struct knl *kn)
{
	if (kn->audit && kn->audit->stepwise)
		kn->audit->churned = true;
}

void knl_audit_gone(struct knl *kn, const struct knl_key *key)
{
	struct knl_found *f;

	if (kn->audit && kn->audit->stepwise && (f = found_get(kn->audit, key)))
		f->matched = true; /* what the dump read of it is no drift */
}
