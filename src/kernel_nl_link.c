/*
 * kernel_nl_link.c - links, addresses and VNIs as the kernel has them.
 *
 * The link table mirrors RTM_NEWLINK/DELLINK (AF_UNSPEC: kind, master, up,
 * VXLAN attributes, bridge-port data; AF_BRIDGE: the port's protinfo, where
 * `bridge link set ... neigh_suppress` is reported).  The VNI table is
 * derived from it by knl_vnis_refresh(), which reports every difference to
 * the logic (vni_add for new or changed, vni_del for gone) and is the only
 * place that does.
 *
 * Invariants:
 *  - A bridge's br_vni is the VNI of the VXLAN device enslaved to it (the
 *    lowest ifindex wins when several are), or 0.
 *  - knl_vni.cur is exactly what the logic was last told about the VNI.
 *  - An L3VNI's (knl_vni.l3) SVI is its bridge, address or not; every VNI's
 *    vrf_table is the table of its bridge's VRF master, RT_TABLE_MAIN
 *    without one.
 *  - When what a VNI's objects depend on changes (VXLAN device, bridge, SVI,
 *    or the VNI coming up after a down, which flushes FDB and neighbours),
 *    the VNI's generation is bumped and its objects are installed again
 *    (a VRF change counts as an SVI change: neighbours and routes).
 *  - A link going down or away re-reads the routes (KNL_RT_*): IPv4 flushes
 *    the routes through it without telling.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "kernel_nl_priv.h"
#include "log.h"

struct knl_link *knl_link_get(struct knl *kn, int ifindex)
{
	struct knl_link *l;

	HASH_FIND_INT(kn->links, &ifindex, l);
	return l;
}

struct knl_vni *knl_vni_get(struct knl *kn, vni_t vni, bool create)
{
	struct knl_vni *v;

	HASH_FIND(hh, kn->vnis, &vni, sizeof(vni), v);
	if (v || !create)
		return v;
	v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->vni = vni;
	HASH_ADD(hh, kn->vnis, vni, sizeof(v->vni), v);
	return v;
}

vni_t knl_vni_of_port(struct knl *kn, const struct knl_link *port)
{
	struct knl_link *br;

	if (port->kind == KNL_BRIDGE)
		return port->br_vni;
	if (!port->master || !(br = knl_link_get(kn, port->master)) || br->kind != KNL_BRIDGE)
		return 0;
	return br->br_vni;
}

/* ---- link messages --------------------------------------------------- */

static void link_vxlan_data(struct knl_link *l, const struct knl_attrs *info)
{
	struct knl_attrs d;
	uint32_t id;
	uint16_t port;
	uint8_t learning;

	if (knl_attr_nested(info, IFLA_INFO_DATA, &d) == -1)
		return;
	if (knl_attr_u32(&d, IFLA_VXLAN_ID, &id) == 0)
		l->vni = id;
	memset(&l->local, 0, sizeof(l->local));
	if (knl_attr_ip(&d, IFLA_VXLAN_LOCAL, &l->local) == -1)
		knl_attr_ip(&d, IFLA_VXLAN_LOCAL6, &l->local);
	memset(&l->group, 0, sizeof(l->group));
	if (knl_attr_ip(&d, IFLA_VXLAN_GROUP, &l->group) == -1)
		knl_attr_ip(&d, IFLA_VXLAN_GROUP6, &l->group);
	if (knl_attr_u16(&d, IFLA_VXLAN_PORT, &port) == 0)
		l->dstport = ntohs(port);
	if (knl_attr_u8(&d, IFLA_VXLAN_LEARNING, &learning) == 0)
		l->learning = learning != 0;
}

static void link_vrf_data(struct knl_link *l, const struct knl_attrs *info)
{
	struct knl_attrs d;

	if (knl_attr_nested(info, IFLA_INFO_DATA, &d) == 0)
		knl_attr_u32(&d, IFLA_VRF_TABLE, &l->vrf_table);
}

static void link_info(struct knl_link *l, const struct knl_attrs *a)
{
	struct knl_attrs info, slave;
	char kind[16] = "", skind[16] = "";
	uint8_t ns;

	if (knl_attr_nested(a, IFLA_LINKINFO, &info) == -1)
		return;
	if (knl_attr_str(&info, IFLA_INFO_KIND, kind, sizeof(kind)) == 0) {
		if (strcmp(kind, "vxlan") == 0)
			l->kind = KNL_VXLAN;
		else if (strcmp(kind, "bridge") == 0)
			l->kind = KNL_BRIDGE;
		else if (strcmp(kind, "vrf") == 0)
			l->kind = KNL_VRF;
	}
	if (l->kind == KNL_VXLAN)
		link_vxlan_data(l, &info);
	else if (l->kind == KNL_VRF)
		link_vrf_data(l, &info);
	if (knl_attr_str(&info, IFLA_INFO_SLAVE_KIND, skind, sizeof(skind)) == 0 &&
	    strcmp(skind, "bridge") == 0 &&
	    knl_attr_nested(&info, IFLA_INFO_SLAVE_DATA, &slave) == 0 &&
	    knl_attr_u8(&slave, IFLA_BRPORT_NEIGH_SUPPRESS, &ns) == 0)
		l->neigh_suppress = ns != 0;
}

/* AF_BRIDGE link message: a port's protinfo (neigh_suppress). */
static void link_bridge_msg(struct knl *kn, const struct nlmsghdr *h, int ifindex,
			    const struct knl_attrs *a)
{
	struct knl_link *l = knl_link_get(kn, ifindex);
	struct knl_attrs pi;
	uint8_t ns;

	/* RTM_DELLINK here means "left the bridge"; the AF_UNSPEC message says so. */
	if (!l || h->nlmsg_type != RTM_NEWLINK || knl_attr_nested(a, IFLA_PROTINFO, &pi) == -1 ||
	    knl_attr_u8(&pi, IFLA_BRPORT_NEIGH_SUPPRESS, &ns) == -1)
		return;
	if (l->neigh_suppress != (ns != 0)) {
		l->neigh_suppress = ns != 0;
		kn->links_dirty = true;
	}
}

static void link_del(struct knl *kn, int ifindex)
{
	struct knl_link *l = knl_link_get(kn, ifindex);
	struct knl_addr *ad, *tmp;

	if (!l)
		return;
	HASH_DEL(kn->links, l);
	free(l);
	kn->need_routes |= KNL_RT_V4;
	HASH_ITER(hh, kn->addrs, ad, tmp) {
		if (ad->key.ifindex == ifindex) {
			HASH_DEL(kn->addrs, ad);
			free(ad);
		}
	}
	kn->links_dirty = true;
}

void knl_link_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body)
{
	struct ifinfomsg ifi;
	struct knl_attrs a;
	struct knl_link *l;
	uint32_t master = 0;
	bool was_up;

	if ((h->nlmsg_type != RTM_NEWLINK && h->nlmsg_type != RTM_DELLINK) ||
	    buf_get_bytes(body, &ifi, sizeof(ifi)) == -1 || knl_attrs_parse(body, &a) == -1)
		return;
	if (ifi.ifi_family == AF_BRIDGE) {
		link_bridge_msg(kn, h, ifi.ifi_index, &a);
	} else if (h->nlmsg_type == RTM_DELLINK) {
		link_del(kn, ifi.ifi_index);
	} else {
		l = knl_link_get(kn, ifi.ifi_index);
		if (!l) {
			if (!(l = calloc(1, sizeof(*l))))
				return;
			l->ifindex = ifi.ifi_index;
			HASH_ADD_INT(kn->links, ifindex, l);
		}
		knl_attr_str(&a, IFLA_IFNAME, l->name, sizeof(l->name));
		knl_attr_mac(&a, IFLA_ADDRESS, &l->mac);
		knl_attr_u32(&a, IFLA_MASTER, &master);
		knl_attr_u32(&a, IFLA_MTU, &l->mtu);
		l->master = (int)master;
		was_up = l->up;
		l->up = (ifi.ifi_flags & IFF_UP) != 0;
		if (was_up && !l->up)
			kn->need_routes |= KNL_RT_V4;
		l->seen = true;
		link_info(l, &a);
		kn->links_dirty = true;
	}
	if (kn->links_dirty && !kn->dumping)
		knl_vnis_refresh(kn);
}

void knl_links_mark(struct knl *kn)
{
	struct knl_link *l, *tmp;
	struct knl_addr *ad, *atmp;

	HASH_ITER(hh, kn->links, l, tmp)
		l->seen = false;
	HASH_ITER(hh, kn->addrs, ad, atmp)
		ad->seen = false;
}

/* After a resync dump: whatever was not seen is gone. */
void knl_links_sweep(struct knl *kn)
{
	struct knl_link *l, *tmp;
	struct knl_addr *ad, *atmp;

	HASH_ITER(hh, kn->addrs, ad, atmp) {
		if (!ad->seen) {
			HASH_DEL(kn->addrs, ad);
			free(ad);
			kn->links_dirty = true;
		}
	}
	HASH_ITER(hh, kn->links, l, tmp) {
		if (!l->seen)
			link_del(kn, l->ifindex);
	}
}

void knl_links_free(struct knl *kn)
{
	struct knl_link *l, *tmp;
	struct knl_addr *ad, *atmp;
	struct knl_vni *v, *vtmp;

	HASH_ITER(hh, kn->links, l, tmp) {
		HASH_DEL(kn->links, l);
		free(l);
	}
	HASH_ITER(hh, kn->addrs, ad, atmp) {
		HASH_DEL(kn->addrs, ad);
		free(ad);
	}
	HASH_ITER(hh, kn->vnis, v, vtmp) {
		HASH_DEL(kn->vnis, v);
		free(v);
	}
}

/* ---- addresses ------------------------------------------------------- */

void knl_addr_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body)
{
	struct ifaddrmsg ifa;
	struct knl_attrs a;
	struct knl_addr_key key;
	struct knl_addr *ad;
	struct knl_link *l;

	if ((h->nlmsg_type != RTM_NEWADDR && h->nlmsg_type != RTM_DELADDR) ||
	    buf_get_bytes(body, &ifa, sizeof(ifa)) == -1 || knl_attrs_parse(body, &a) == -1)
		return;
	memset(&key, 0, sizeof(key));
	key.ifindex = (int)ifa.ifa_index;
	if (knl_attr_ip(&a, IFA_LOCAL, &key.ip) == -1 &&
	    knl_attr_ip(&a, IFA_ADDRESS, &key.ip) == -1)
		return;
	/* An IPv6 link-local address alone does not make a bridge a gateway. */
	if (key.ip.family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&key.ip.v6))
		return;
	HASH_FIND(hh, kn->addrs, &key, sizeof(key), ad);
	if (h->nlmsg_type == RTM_DELADDR) {
		if (!ad)
			return;
		HASH_DEL(kn->addrs, ad);
		free(ad);
		ad = NULL;
	} else if (!ad) {
		if (!(ad = calloc(1, sizeof(*ad))))
			return;
		ad->key = key;
		HASH_ADD(hh, kn->addrs, key, sizeof(ad->key), ad);
	}
	if (ad)
		ad->seen = true;
	l = knl_link_get(kn, key.ifindex);
	if (l && l->kind == KNL_BRIDGE) {
		kn->links_dirty = true;
		if (!kn->dumping)
			knl_vnis_refresh(kn);
	}
}

static bool link_has_addr(struct knl *kn, int ifindex)
{
	struct knl_addr *ad, *tmp;

	HASH_ITER(hh, kn->addrs, ad, tmp) {
		if (ad->key.ifindex == ifindex)
			return true;
	}
	return false;
}

/* ---- VNIs ------------------------------------------------------------ */

static void vni_build(struct knl *kn, const struct knl_vni *v, const struct knl_link *vx,
		      struct kernel_vni *out)
{
	struct knl_link *br = vx->master ? knl_link_get(kn, vx->master) : NULL;
	struct knl_link *vrf;

	memset(out, 0, sizeof(*out));
	out->vni = vx->vni;
	out->l3 = v->l3;
	out->vrf_table = RT_TABLE_MAIN;
	out->vxlan_ifindex = vx->ifindex;
	memcpy(out->vxlan_name, vx->name, sizeof(out->vxlan_name));
	out->local = vx->local;
	out->dstport = vx->dstport;
	out->learning = vx->learning;
	out->up = vx->up;
	if (!br || br->kind != KNL_BRIDGE)
		return;
	out->neigh_suppress = vx->neigh_suppress;
	out->up = vx->up && br->up;
	out->bridge_ifindex = br->ifindex;
	memcpy(out->bridge_name, br->name, sizeof(out->bridge_name));
	out->svi_mac = br->mac;
	if (v->l3 || link_has_addr(kn, br->ifindex))
		out->svi_ifindex = br->ifindex;
	vrf = br->master ? knl_link_get(kn, br->master) : NULL;
	if (vrf && vrf->kind == KNL_VRF) {
		out->vrf_ifindex = vrf->ifindex;
		out->vrf_table = vrf->vrf_table;
	}
}

static void vni_warn(struct knl *kn, const struct kernel_vni *nv, const struct kernel_vni *old)
{
	char subj[24];

	knl_vni_subject(nv->vni, subj, sizeof(subj));
	/* a declared device's port flags are being set by evpnd itself (kernel_nl_dev.c) */
	if (nv->bridge_ifindex && !nv->neigh_suppress && !knl_devs_declared(kn, nv->vxlan_name) &&
	    (!old || old->neigh_suppress || !old->bridge_ifindex))
		log_warn(subj, "neigh_suppress is off on %s: ARP/ND suppression is not done",
			 nv->vxlan_name);
	if (nv->learning && (!old || !old->learning))
		log_warn(subj, "learning is on on %s: the data plane learns remote MACs too",
			 nv->vxlan_name);
}

/*
 * Does the change from old to nv invalidate what is installed for the VNI?
 * 2: everything (devices changed, or up again after a down flushed them),
 * 1: the neighbours (the SVI changed), 0: nothing.
 */
static int vni_resets(const struct kernel_vni *old, const struct kernel_vni *nv)
{
	if (old->vxlan_ifindex != nv->vxlan_ifindex ||
	    old->bridge_ifindex != nv->bridge_ifindex || (!old->up && nv->up))
		return 2;
	return old->svi_ifindex != nv->svi_ifindex || old->vrf_table != nv->vrf_table ||
	       old->vrf_ifindex != nv->vrf_ifindex || old->l3 != nv->l3;
}

static void vni_update(struct knl *kn, struct knl_vni *v, const struct kernel_vni *nv)
{
	bool was = v->present;
	int reset;

	v->seen = true;
	if (was && memcmp(&v->cur, nv, sizeof(*nv)) == 0)
		return;
	reset = was ? vni_resets(&v->cur, nv) : 2;
	vni_warn(kn, nv, was ? &v->cur : NULL);
	if (was && v->cur.bridge_ifindex != nv->bridge_ifindex)
		knl_locals_vni_gone(kn, v->vni);
	v->cur = *nv;
	v->present = true;
	if (kn->ev.vni_add)
		kn->ev.vni_add(kn->cfg.arg, nv);
	if (reset) {
		v->gen++;
		v->parked_logged = 0;
		/* before the reset: what is adopted now is known right, not resent */
		knl_routes_adopt(kn, v);
		if (reset > v->reset)
			v->reset = (uint8_t)reset; /* at the end of the refresh */
		/* Local MACs and neighbours of the bridge were ignored until now. */
		if (!kn->dumping)
			kn->need_dump = true;
	}
}

static void vni_gone(struct knl *kn, struct knl_vni *v)
{
	v->present = false;
	v->gen++;
	knl_locals_vni_gone(kn, v->vni);
	if (kn->ev.vni_del)
		kn->ev.vni_del(kn->cfg.arg, v->vni);
	v->reset = 2; /* at the end of the refresh */
}

/* Pick, for each VNI, its VXLAN device (the lowest ifindex of duplicates). */
static void vnis_claim(struct knl *kn)
{
	struct knl_link *l, *tmp;
	struct knl_vni *v;

	HASH_ITER(hh, kn->links, l, tmp) {
		if (l->kind == KNL_BRIDGE)
			l->br_vni = 0;
	}
	HASH_ITER(hh, kn->links, l, tmp) {
		struct knl_link *br;

		if (l->kind != KNL_VXLAN || !vni_valid(l->vni) ||
		    !(v = knl_vni_get(kn, l->vni, true)))
			continue;
		if (v->seen && v->claim && v->claim < l->ifindex) {
			log_warn("kernel", "vni %u: %s ignored, ifindex %d already has it",
				 l->vni, l->name, v->claim);
			continue;
		}
		v->seen = true;
		v->claim = l->ifindex;
		br = l->master ? knl_link_get(kn, l->master) : NULL;
		if (br && br->kind == KNL_BRIDGE && (!br->br_vni || br->br_vni > l->vni))
			br->br_vni = l->vni;
	}
}

static void vnis_refresh_once(struct knl *kn)
{
	struct knl_vni *v, *tmp;
	struct kernel_vni nv;

	kn->links_dirty = false;
	kn->l3t_valid = false;
	HASH_ITER(hh, kn->vnis, v, tmp) {
		v->seen = false;
		v->claim = 0;
	}
	vnis_claim(kn);
	HASH_ITER(hh, kn->vnis, v, tmp) {
		struct knl_link *vx = v->seen ? knl_link_get(kn, (int)v->claim) : NULL;

		if (vx) {
			vni_build(kn, v, vx, &nv);
			vni_update(kn, v, &nv);
		} else if (v->present) {
			vni_gone(kn, v);
		}
	}
	knl_vnis_objs_reset(kn);
}

/* Not re-entered: an l3vni_set from a vni_add callback makes it run once more. */
void knl_vnis_refresh(struct knl *kn)
{
	if (kn->refreshing) {
		kn->links_dirty = true;
		return;
	}
	kn->refreshing = true;
	do
		vnis_refresh_once(kn);
	while (kn->links_dirty);
	kn->refreshing = false;
	knl_devs_mtu_check(kn);
}
