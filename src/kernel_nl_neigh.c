/*
 * kernel_nl_neigh.c - RTM_NEWNEIGH/DELNEIGH, from events and dumps: bridge
 * FDB entries (AF_BRIDGE) and IPv4/IPv6 neighbours.
 *
 * What an entry is:
 *  - on a VXLAN device that has a VNI: evpnd's (extern_learn, or sticky for
 *    sticky remote MACs; flood entries: 00:00:00:00:00:00 self permanent).
 *    Events for them are the echo of our requests, or somebody else's
 *    change, which marks the object lost (knl_obj_lost);
 *  - a "master" entry on another port of a bridge that has a VNI: a local
 *    MAC.  As the bridge reports them (kernel 6.18): learned and `bridge
 *    fdb add ... master dynamic` entries are NUD_REACHABLE (NUD_STALE once
 *    idle), `... master static` ones NUD_NOARP, and `... master` alone or
 *    `permanent`, like the ports' own addresses, NUD_PERMANENT (the bridge
 *    then treats the MAC as its own).  Dynamic and static are reported, the
 *    static ones as is_static (sticky); permanent ones are not, as FRR does.
 *    Entries with a VLAN are ignored (traditional bridges have none);
 *  - a neighbour on a bridge that has a VNI (the SVI): local unless it is
 *    extern_learn, which is ours.
 * Nothing on an L3VNI's bridge is local: its hosts are the router MACs of
 * remote VTEPs (ours), and no Type-2 route is made from it.
 *
 * During a dump (start, resync, a VNI appearing) entries are marked "seen";
 * knl_dump_end reports what disappeared meanwhile (routes have their own
 * dump, kernel_nl_route.c).  At start (kn->loading) evpnd's leftovers
 * become stale objects for knl_sweep.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "kernel_nl_priv.h"
#include "log.h"

/* ---- local MACs and neighbours --------------------------------------- */

static struct knl_local *local_find(struct knl *kn, const struct knl_key *key)
{
	struct knl_local *l;

	HASH_FIND(hh, kn->locals, key, sizeof(*key), l);
	return l;
}

static void local_report(struct knl *kn, const struct knl_local *l, bool add)
{
	if (l->key.type == KNL_LMAC) {
		struct kernel_mac m = {.vni = l->key.vni, .mac = l->key.mac, .ifindex = l->ifindex,
				       .is_static = l->is_static};

		if (add && kn->ev.mac_add)
			kn->ev.mac_add(kn->cfg.arg, &m);
		else if (!add && kn->ev.mac_del)
			kn->ev.mac_del(kn->cfg.arg, &m);
	} else {
		struct kernel_neigh n = {.vni = l->key.vni, .ip = l->key.ip, .mac = l->mac,
					 .ifindex = l->ifindex};

		if (add && kn->ev.neigh_add)
			kn->ev.neigh_add(kn->cfg.arg, &n);
		else if (!add && kn->ev.neigh_del)
			kn->ev.neigh_del(kn->cfg.arg, &n);
	}
}

static void local_drop(struct knl *kn, struct knl_local *l, bool report)
{
	if (report)
		local_report(kn, l, false);
	HASH_DEL(kn->locals, l);
	free(l);
}

/* Present: report if new or changed.  Absent: report the deletion if known. */
static void local_update(struct knl *kn, const struct knl_key *key, bool present, int ifindex,
			 bool is_static, const struct mac *mac)
{
	struct knl_local *l = local_find(kn, key);

	if (!present) {
		if (l)
			local_drop(kn, l, true);
		return;
	}
	if (!l) {
		if (!(l = calloc(1, sizeof(*l))))
			return;
		l->key = *key;
		HASH_ADD(hh, kn->locals, key, sizeof(l->key), l);
	} else if (l->ifindex == ifindex && l->is_static == is_static &&
		   (!mac || mac_cmp(&l->mac, mac) == 0)) {
		l->seen = true;
		return;
	}
	l->ifindex = ifindex;
	l->is_static = is_static;
	if (mac)
		l->mac = *mac;
	l->seen = true;
	local_report(kn, l, true);
}

/*
 * An add of ours (remote MAC or neighbour, key obj) was acknowledged: a
 * local binding of the same MAC or IP was replaced by it and is gone.  Its
 * echo says so too, but echoes of extern_learn adds may be filtered out
 * during bulk installs (kernel_nl.c), so the acknowledgement decides.
 */
void knl_local_displaced(struct knl *kn, const struct knl_key *obj)
{
	struct knl_key lk = *obj;
	struct knl_local *l;

	lk.type = obj->type == KNL_MAC ? KNL_LMAC : KNL_LNEIGH;
	if ((l = local_find(kn, &lk)))
		local_drop(kn, l, true);
}

/* Is vni an L3VNI (no local MACs or neighbours)? */
static bool vni_is_l3(struct knl *kn, vni_t vni)
{
	struct knl_vni *v = knl_vni_get(kn, vni, false);

	return v && v->l3;
}

/* The VNI or its bridge went: its local MACs and neighbours are no longer its. */
void knl_locals_vni_gone(struct knl *kn, vni_t vni)
{
	struct knl_local *l, *tmp;

	HASH_ITER(hh, kn->locals, l, tmp) {
		if (l->key.vni == vni)
			local_drop(kn, l, true);
	}
}

void knl_locals_free(struct knl *kn)
{
	struct knl_local *l, *tmp;

	HASH_ITER(hh, kn->locals, l, tmp)
		local_drop(kn, l, false);
}

/* ---- bridge FDB ------------------------------------------------------ */

static bool fdb_ours(const struct knl_nmsg *m)
{
	return (m->ndm.ndm_flags & (NTF_EXT_LEARNED | NTF_STICKY)) != 0;
}

/* A dump found a flood entry or a remote MAC part: learn it or mark it seen. */
static void fdb_dumped(struct knl *kn, const struct knl_key *key, const struct knl_link *dev,
		       uint8_t part, const struct knl_nmsg *m)
{
	struct knl_obj *o = knl_obj_find(kn, key);

	if (!o && kn->loading) {
		if (!(o = knl_obj_new(kn, key)))
			return;
		o->stale = true;
	}
	if (!o)
		return;
	if (kn->loading) {
		o->have |= part;
		o->hifindex = dev->ifindex;
		if (key->type == KNL_MAC && part == KNL_HAVE_SELF)
			knl_obj_held_vtep(kn, o, &m->dst);
		if (key->type == KNL_MAC && part == KNL_HAVE_MASTER)
			o->hval.sticky = (m->ndm.ndm_flags & NTF_STICKY) != 0;
	}
	if (part == KNL_HAVE_SELF && key->type == KNL_MAC &&
	    ipaddr_cmp(&m->dst, knl_vtep_ip(&kn->vteps, o->hval.vtep)))
		return; /* not what we installed: seen as missing */
	o->seen |= part;
}

static void fdb_flood(struct knl *kn, const struct knl_link *dev, const struct knl_nmsg *m)
{
	struct knl_key key;
	struct knl_obj *o;

	if (!m->has_dst || !(m->ndm.ndm_flags & NTF_SELF) ||
	    (ipaddr_is_set(&dev->group) && ipaddr_cmp(&dev->group, &m->dst) == 0))
		return; /* the device's own default destination is not ours */
	knl_obj_key(&key, KNL_FLOOD, dev->vni, NULL, &m->dst);
	if (kn->dumping) {
		if (m->ndm.ndm_state & NUD_PERMANENT)
			fdb_dumped(kn, &key, dev, KNL_HAVE_SELF, m);
		return;
	}
	o = knl_obj_find(kn, &key);
	if (o && !m->add && !(o->inflight && !o->sent_add))
		knl_obj_lost(kn, o, KNL_HAVE_SELF);
}

static void fdb_remote(struct knl *kn, const struct knl_link *dev, const struct knl_nmsg *m,
		       bool master)
{
	uint8_t part = master ? KNL_HAVE_MASTER : KNL_HAVE_SELF;
	struct knl_key key;
	struct knl_obj *o;

	knl_obj_key(&key, KNL_MAC, dev->vni, &m->mac, NULL);
	if (master && m->add) { /* a local MAC moved behind the VXLAN device */
		struct knl_key lk;
		struct knl_local *l;

		knl_obj_key(&lk, KNL_LMAC, dev->vni, &m->mac, NULL);
		if ((l = local_find(kn, &lk)))
			local_drop(kn, l, true);
	}
	if (kn->dumping) {
		if (m->add && fdb_ours(m) && (master || m->has_dst))
			fdb_dumped(kn, &key, dev, part, m);
		return;
	}
	if (!(o = knl_obj_find(kn, &key)) || (o->inflight && !o->sent_add))
		return; /* not ours, or the echo of our delete */
	if (!m->add) {
		knl_obj_lost(kn, o, part);
		return;
	}
	/*
	 * Linux 6.1 also announces a VXLAN device's entry without its
	 * destination or flags (RTM_NEWNEIGH "MAC dev vxlanN self") whenever
	 * the bridge part is written: nothing to judge there, and taking it for
	 * a change made us re-install in a loop.
	 */
	if (!master && !m->has_dst)
		return;
	if (!fdb_ours(m)) {
		knl_obj_lost(kn, o, part);
	} else if (!master && m->has_dst) {
		uint32_t dst = knl_vtep_find(&kn->vteps, &m->dst); /* 0: nobody's */
		bool echo = dst && ((o->inflight && dst == o->sval.vtep) ||
				    ((o->have & KNL_HAVE_SELF) && dst == o->hval.vtep));

		if (!echo)
			knl_obj_lost(kn, o, part);
	}
}

static void fdb_local(struct knl *kn, const struct knl_link *port, vni_t vni,
		      const struct knl_nmsg *m)
{
	struct knl_key key;
	struct knl_obj *o;
	bool present = m->add && !(m->ndm.ndm_state & NUD_PERMANENT);

	if (m->add && !kn->dumping) { /* our remote MAC's bridge entry moved here */
		knl_obj_key(&key, KNL_MAC, vni, &m->mac, NULL);
		if ((o = knl_obj_find(kn, &key)))
			knl_obj_lost(kn, o, KNL_HAVE_MASTER);
	}
	if (!kn->cfg.learn_local || vni_is_l3(kn, vni))
		return;
	knl_obj_key(&key, KNL_LMAC, vni, &m->mac, NULL);
	local_update(kn, &key, present, port->ifindex, (m->ndm.ndm_state & NUD_NOARP) != 0,
		     NULL);
}

static void fdb_msg(struct knl *kn, const struct knl_nmsg *m)
{
	struct knl_link *port = knl_link_get(kn, m->ndm.ndm_ifindex);
	struct knl_vni *v;
	uint16_t vlan = 0;
	bool master = knl_attr_has(&m->a, NDA_MASTER) || (m->ndm.ndm_flags & NTF_MASTER);
	vni_t vni;

	knl_attr_u16(&m->a, NDA_VLAN, &vlan);
	if (!port || !m->has_mac || vlan)
		return;
	if (port->kind == KNL_VXLAN) {
		v = knl_vni_get(kn, port->vni, false);
		if (!v || !v->present || v->cur.vxlan_ifindex != port->ifindex)
			return;
		if (mac_is_zero(&m->mac)) {
			if (!master)
				fdb_flood(kn, port, m);
		} else {
			fdb_remote(kn, port, m, master);
		}
		return;
	}
	if (port->kind == KNL_BRIDGE || !master || !(vni = knl_vni_of_port(kn, port)))
		return;
	fdb_local(kn, port, vni, m);
}

/* ---- IP neighbours --------------------------------------------------- */

static void ip_neigh_ours(struct knl *kn, const struct knl_link *svi, vni_t vni,
			  const struct knl_nmsg *m, bool present)
{
	struct knl_key key;
	struct knl_obj *o;

	knl_obj_key(&key, KNL_NEIGH, vni, NULL, &m->dst);
	o = knl_obj_find(kn, &key);
	if (kn->dumping) {
		if (!present || (!o && !kn->loading) || (!o && !(o = knl_obj_new(kn, &key))))
			return;
		if (kn->loading) {
			o->stale = o->want == KNL_WANT_NONE;
			o->have |= KNL_HAVE_SELF;
			o->hval.mac = m->mac;
			o->hifindex = svi->ifindex;
		}
		if (mac_cmp(&m->mac, &o->hval.mac) == 0)
			o->seen |= KNL_HAVE_SELF;
		return;
	}
	if (!o || (o->inflight && !o->sent_add))
		return;
	if (!present) {
		knl_obj_lost(kn, o, KNL_HAVE_SELF);
	} else if (!(o->inflight && mac_cmp(&m->mac, &o->sval.mac) == 0) &&
		   !((o->have & KNL_HAVE_SELF) && mac_cmp(&m->mac, &o->hval.mac) == 0)) {
		knl_obj_lost(kn, o, KNL_HAVE_SELF);
	}
}

static void ip_neigh_msg(struct knl *kn, const struct knl_nmsg *m)
{
	struct knl_link *svi = knl_link_get(kn, m->ndm.ndm_ifindex);
	bool present = m->add && (m->ndm.ndm_state & KNL_NUD_PRESENT) && m->has_mac;
	struct knl_key key;
	vni_t vni;

	if (!svi || svi->kind != KNL_BRIDGE || !(vni = svi->br_vni) || !m->has_dst ||
	    m->ndm.ndm_type != RTN_UNICAST)
		return; /* multicast and broadcast entries are the stack's own */
	if (m->ndm.ndm_flags & NTF_EXT_LEARNED) {
		ip_neigh_ours(kn, svi, vni, m, present);
		present = false; /* a local binding it replaced is gone */
	}
	if (!kn->cfg.learn_local || vni_is_l3(kn, vni))
		return;
	knl_obj_key(&key, KNL_LNEIGH, vni, NULL, &m->dst);
	local_update(kn, &key, present, svi->ifindex, false, &m->mac);
}

int knl_nmsg_parse(const struct nlmsghdr *h, struct buf *body, struct knl_nmsg *m)
{
	if (h->nlmsg_type != RTM_NEWNEIGH && h->nlmsg_type != RTM_DELNEIGH)
		return -1;
	memset(m, 0, sizeof(*m));
	m->add = h->nlmsg_type == RTM_NEWNEIGH;
	if (buf_get_bytes(body, &m->ndm, sizeof(m->ndm)) == -1 ||
	    knl_attrs_parse(body, &m->a) == -1)
		return -1;
	m->has_mac = knl_attr_mac(&m->a, NDA_LLADDR, &m->mac) == 0;
	m->has_dst = knl_attr_ip(&m->a, NDA_DST, &m->dst) == 0;
	return 0;
}

void knl_neigh_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body)
{
	struct knl_nmsg m;

	if (knl_nmsg_parse(h, body, &m) == -1)
		return;
	if (m.ndm.ndm_family == AF_BRIDGE)
		fdb_msg(kn, &m);
	else if (m.ndm.ndm_family == AF_INET || m.ndm.ndm_family == AF_INET6)
		ip_neigh_msg(kn, &m);
}

/* ---- dumps ----------------------------------------------------------- */

void knl_dump_begin(struct knl *kn)
{
	struct knl_local *l, *ltmp;
	struct knl_obj_iter it;
	struct knl_obj *o;

	HASH_ITER(hh, kn->locals, l, ltmp)
		l->seen = false;
	KNL_FOREACH_OBJ(kn, it, o) {
		if (o->key.type != KNL_ROUTE)
			o->seen = 0;
	}
	kn->dumping = true;
}

/* Whatever the dump did not show is gone (in-flight objects excepted). */
void knl_dump_end(struct knl *kn)
{
	struct knl_local *l, *ltmp;
	struct knl_obj_iter it;
	struct knl_obj *o;

	kn->dumping = false;
	HASH_ITER(hh, kn->locals, l, ltmp) {
		if (!l->seen)
			local_drop(kn, l, true);
	}
	KNL_FOREACH_OBJ(kn, it, o) {
		uint8_t gone = o->have & (KNL_HAVE_SELF | KNL_HAVE_MASTER) & (uint8_t)~o->seen;

		if (gone && !o->inflight && o->key.type != KNL_ROUTE)
			knl_obj_lost(kn, o, gone);
	}
	knl_lost_report(kn);
}
