/*
 * fuzz_netlink.c - libFuzzer harness for the rtnetlink parsing of the
 * kernel module (kernel_nl_msg.c framing and attributes, kernel_nl_link.c
 * links and addresses, kernel_nl_neigh.c FDB and neighbours,
 * kernel_nl_route.c routes), on a socket-less instance: a zeroed struct knl
 * with no event base (knl_kick and the retry timer do nothing without one)
 * and event callbacks that only count.
 *
 * Input: one mode octet, then datagrams, each as a 16-bit length (network
 * order) and that many octets (a short last one takes what is left), as
 * the kernel would deliver them on the event socket (knl_for_each_msg).
 * Mode bits:
 *   0 learn_local (advertise-all-vni)
 *   1 loading: the datagrams are the start-up dump (leftovers become stale)
 *   2 dumping: the datagrams are a resync dump (knl_dump_begin/end around)
 *   3 requests: every parsed FDB entry, neighbour and route is first
 *     requested (flood/MAC/neighbour/route), so the messages meet objects
 *   4 acknowledge the requests after each datagram (the error from bit 5)
 *   6 mark VNIs of VXLAN devices seen so far as L3VNIs
 * Each message is also parsed on its own and the result checked: MACs of
 * six octets, addresses of their family, prefix lengths within it and
 * normalised, nexthops within KERNEL_ROUTE_NH_MAX; links' names terminated.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "kernel_nl_priv.h" /* src/ is on the fuzz targets' include path */
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define M_LEARN 0x01
#define M_LOADING 0x02
#define M_DUMPING 0x04
#define M_REQUEST 0x08
#define M_ACK 0x10
#define M_ACK_ERR 0x20
#define M_L3 0x40

struct fz {
	struct knl kn;
	uint8_t mode;
	unsigned long events; /* callbacks seen: they record nothing else */
};

#define check(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			__builtin_trap();                                                          \
	} while (0)

static void ev_vni_add(void *arg, const struct kernel_vni *v)
{
	check(vni_valid(v->vni));
	((struct fz *)arg)->events++;
}

static void ev_vni_del(void *arg, vni_t vni)
{
	((struct fz *)arg)->events++;
}

static void ev_mac(void *arg, const struct kernel_mac *m)
{
	check(vni_valid(m->vni));
	((struct fz *)arg)->events++;
}

static void ev_neigh(void *arg, const struct kernel_neigh *n)
{
	check(n->ip.family == AF_INET || n->ip.family == AF_INET6);
	((struct fz *)arg)->events++;
}

static void ev_lost(void *arg, vni_t vni, const struct mac *mac)
{
	((struct fz *)arg)->events++;
}

static void ev_route(void *arg, const struct kernel_route *r)
{
	check(r->prefix.len <= ipaddr_len(&r->prefix.addr) * 8);
	((struct fz *)arg)->events++;
}

static const struct kernel_events fz_events = {
	.vni_add = ev_vni_add,
	.vni_del = ev_vni_del,
	.mac_add = ev_mac,
	.mac_del = ev_mac,
	.neigh_add = ev_neigh,
	.neigh_del = ev_neigh,
	.remote_lost = ev_lost,
	.route_add = ev_route,
	.route_del = ev_route,
};

/* ---- invariants of the pure parsers --------------------------------- */

static bool family_ok(const struct ipaddr *ip)
{
	return ip->family == AF_INET || ip->family == AF_INET6;
}

static void check_nmsg(const struct nlmsghdr *h, struct buf body)
{
	struct knl_nmsg m;

	if (knl_nmsg_parse(h, &body, &m) == -1)
		return;
	check(m.add == (h->nlmsg_type == RTM_NEWNEIGH));
	check(!m.has_mac || m.a.tb[NDA_LLADDR].len == MAC_LEN);
	check(!m.has_dst || family_ok(&m.dst));
	check(!m.has_dst || m.a.tb[NDA_DST].len == ipaddr_len(&m.dst));
}

static void check_rmsg(const struct nlmsghdr *h, struct buf body)
{
	struct knl_rmsg m;
	struct prefix p;

	if (knl_rmsg_parse(h, &body, &m) == -1)
		return;
	check(family_ok(&m.dst.addr) && m.dst.addr.family == m.rtm.rtm_family);
	check(m.dst.len <= ipaddr_len(&m.dst.addr) * 8);
	check(m.ngw <= KERNEL_ROUTE_NH_MAX && (m.ngw == 0 || m.has_gateway));
	for (uint8_t i = 0; i < m.ngw; i++)
		check(family_ok(&m.gw[i]));
	p = m.dst;
	prefix_normalise(&p);
	check(memcmp(&p, &m.dst, sizeof(p)) == 0);
}

static void check_links(struct knl *kn)
{
	struct knl_link *l, *tmp;
	struct knl_vni *v, *vtmp;

	HASH_ITER(hh, kn->links, l, tmp) {
		check(strnlen(l->name, sizeof(l->name)) < sizeof(l->name));
		check(l->kind <= KNL_VRF);
	}
	HASH_ITER(hh, kn->vnis, v, vtmp) {
		check(!v->present || (v->cur.vni == v->vni && vni_valid(v->vni)));
	}
}

/* ---- requests, so that messages meet objects ------------------------ */

/* The VNI the message's device belongs to (0: none). */
static vni_t msg_vni(struct knl *kn, int ifindex)
{
	struct knl_link *l = knl_link_get(kn, ifindex);

	if (!l)
		return 0;
	return l->kind == KNL_VXLAN ? l->vni : knl_vni_of_port(kn, l);
}

static void request_neigh(struct knl *kn, const struct knl_nmsg *m)
{
	vni_t vni = msg_vni(kn, m->ndm.ndm_ifindex);

	if (!vni_valid(vni))
		return;
	if (m->ndm.ndm_family == AF_BRIDGE && m->has_dst && m->has_mac && mac_is_zero(&m->mac))
		knl_req_flood(kn, vni, &m->dst, m->add);
	else if (m->ndm.ndm_family == AF_BRIDGE && m->has_mac && m->has_dst)
		knl_req_mac(kn, vni, &m->mac, &m->dst, m->ndm.ndm_flags & NTF_STICKY, m->add);
	else if (m->has_dst && m->has_mac)
		knl_req_neigh(kn, vni, &m->dst, &m->mac, m->add);
}

static void request(struct knl *kn, const struct nlmsghdr *h, struct buf body)
{
	struct knl_nmsg nm;
	struct knl_rmsg rm;
	vni_t l3;

	if (knl_nmsg_parse(h, &body, &nm) == 0) {
		request_neigh(kn, &nm);
	} else if (knl_rmsg_parse(h, &body, &rm) == 0 &&
		   (l3 = knl_l3vni_of_table(kn, rm.table)) != 0) {
		knl_req_route(kn, l3, &rm.dst, rm.gw, rm.ngw, rm.add);
	}
}

/* ---- the event socket, through kernel_nl.c's own dispatch (knl_event_msg) -- */

static void fz_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body)
{
	struct fz *f = (struct fz *)kn;

	check_nmsg(h, *body);
	check_rmsg(h, *body);
	if (f->mode & M_REQUEST)
		request(kn, h, *body);
	knl_event_msg(kn, h, body); /* the daemon's own dispatch */
	check_links(kn);
}

/* What the flush would send is "acknowledged" at once, in order. */
static void acknowledge(struct knl *kn, int err)
{
	struct knl_fifo_ent e;

	kn->out.off = kn->out.len = 0;
	kn->unacked = 0;
	while (kn->fifo.n) {
		knl_fifo_pop(kn, &e);
		knl_obj_done(kn, e.obj, err, err ? "fuzz" : "");
	}
	knl_log_flush(kn);
}

static void mark_l3(struct knl *kn)
{
	struct knl_link *l, *tmp;
	struct knl_vni *v;

	HASH_ITER(hh, kn->links, l, tmp) {
		if (l->kind == KNL_VXLAN && vni_valid(l->vni) && (v = knl_vni_get(kn, l->vni, true)) &&
		    !v->l3) {
			v->l3 = true;
			kn->links_dirty = true;
		}
	}
}

/* What events_settle does without sockets: refresh VNIs, report losses. */
static void settle(struct fz *f)
{
	struct knl *kn = &f->kn;

	if (f->mode & M_L3)
		mark_l3(kn);
	if (kn->links_dirty && !kn->dumping)
		knl_vnis_refresh(kn);
	kn->need_dump = false;
	kn->need_resync = false;
	kn->need_routes = 0;
	if (!kn->dumping)
		knl_lost_report(kn);
	if (f->mode & M_ACK)
		acknowledge(kn, (f->mode & M_ACK_ERR) ? EEXIST : 0);
}

static void fz_init(struct fz *f, uint8_t mode)
{
	memset(f, 0, sizeof(*f));
	f->mode = mode;
	f->kn.cfg.events = &fz_events;
	f->kn.cfg.arg = f;
	f->kn.cfg.learn_local = mode & M_LEARN;
	f->kn.ev = fz_events;
	f->kn.req.fd = f->kn.evs.fd = f->kn.dump.fd = -1;
	knl_objs_init(&f->kn);
	f->kn.loading = mode & M_LOADING;
}

static void fz_free(struct fz *f)
{
	struct knl *kn = &f->kn;

	knl_objs_free(kn);
	knl_locals_free(kn);
	knl_lroutes_free(kn);
	knl_links_free(kn);
	free(kn->fifo.ent);
	free(kn->out.data);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	log_set_level((enum log_level)0); /* nothing: the parsers' warnings are expected */
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f;
	struct buf in;
	uint8_t mode;

	buf_init(&in, data, size);
	if (buf_get_u8(&in, &mode) == -1)
		return 0;
	fz_init(&f, mode);
	if (mode & M_DUMPING)
		knl_dump_begin(&f.kn);
	while (buf_left(&in) > 0) {
		uint16_t len = 0;
		struct buf dg;

		if (buf_get_u16(&in, &len) == -1)
			break;
		if (buf_get_sub(&in, len < buf_left(&in) ? len : buf_left(&in), &dg) == -1)
			break;
		knl_for_each_msg(&f.kn, dg.data, dg.len, fz_msg);
		settle(&f);
	}
	if (mode & M_DUMPING) {
		knl_dump_end(&f.kn);
		settle(&f);
	}
	f.kn.loading = false;
	fz_free(&f);
	return 0;
}
