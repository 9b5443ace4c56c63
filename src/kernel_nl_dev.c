/*
 * kernel_nl_dev.c - devices evpnd creates and owns (configuration
 * create: true): VRF devices, VXLAN devices, bridges, SVI addresses and
 * access ports (kernel_ops.devices_apply), and the underlay MTU check.
 *
 * Requests are synchronous, on a netlink socket of this module's own
 * (device creation is rare and happens at configure time): each message is
 * built with knl_msg_* and its answer (acknowledgement, or the object for a
 * GET) is waited for and parsed through struct buf / knl_attrs only.  The
 * devices then reach the rest of evpnd through the normal link events.
 *
 * Invariants:
 *  - "Ensure": a declared device that exists with the right kind is used as
 *    it is, never deleted and created again (a restart of evpnd keeps
 *    forwarding); what differs and can be changed in place is changed (MTU,
 *    MAC, up, master, VXLAN learning, bridge port flags, addresses, access
 *    ports).  A device of another kind, a VXLAN device of another VNI or a
 *    VRF device of another table is an error of its VNI/VRF, logged with the
 *    object; the rest of the set is applied all the same.
 *  - Ownership: the devices evpnd creates carry the alias KNL_DEV_MARK...;
 *    only marked devices are ever deleted, and only when the set applied
 *    before by this process (devs->prev) declared them and the new one does
 *    not.  Devices found without the mark are used but never deleted.
 *  - devs->prev is an owned copy of the last applied set, so a reload
 *    removes exactly what left the configuration (devices, SVI addresses,
 *    access ports).
 *  - The underlay MTU is the minimum MTU of the interfaces that the routes
 *    towards the peers go out of (looked up at each apply); a VXLAN device
 *    whose MTU plus the encapsulation (50 bytes over IPv4, 70 over IPv6)
 *    exceeds it is warned about once per (overlay, underlay) pair.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <event2/event.h>

#include "kernel_nl_priv.h"
#include "log.h"

#define KNL_DEV_MARK "evpnd: " /* alias prefix of the devices evpnd created */
#define KNL_DEV_UNDER_MAX 8    /* peers whose egress interfaces are looked at */
#define KNL_DEV_RBUF (64 * 1024)
#define KNL_DEV_TIMEOUT_MS 5000

/* A link as a GET answer describes it. */
struct knl_devinfo {
	int ifindex;
	char kind[16];
	char alias[64];
	int master;
	bool up;
	uint32_t mtu;
	struct mac mac;
	uint32_t vni;		/* VXLAN */
	struct ipaddr local;	/* VXLAN */
	uint16_t dstport;	/* VXLAN, host order */
	bool learning;		/* VXLAN */
	uint32_t table;		/* VRF */
	bool brport;		/* enslaved to a bridge: the two flags below are valid */
	bool neigh_suppress;
	bool port_learning;
};

/* An owned copy of a struct kernel_devices. */
struct knl_devset {
	struct kernel_vrfdev *vrfs;
	size_t n_vrfs;
	struct kernel_vnidev *vnis;
	size_t n_vnis;
};

struct knl_devs {
	struct knl_sock sock;
	struct knl_out out;
	uint8_t *rbuf;
	bool done;		  /* the answer to sock.seq arrived */
	int err;		  /* its errno, 0: success */
	char extack[128];	  /* the kernel's explanation of a refusal */
	struct knl_devinfo *info; /* where a link answer goes */
	int route_oif;		  /* a route answer's output interface */
	struct knl_devset prev;	  /* the last applied set */
	size_t n_under;				 /* peers looked at */
	int under_oif[KNL_DEV_UNDER_MAX];	 /* their egress interface, 0: no route yet */
	struct ipaddr under_peer[KNL_DEV_UNDER_MAX];
	uint64_t under_retry_at;		 /* next lookup of the unresolved ones */
	struct event *resolve_ev;		 /* a later lookup (never from inside events) */
};

/* ---- requests -------------------------------------------------------- */

static struct nlmsghdr *dev_begin(struct knl_devs *d, uint16_t type, uint16_t flags,
				  const void *hdr, size_t hdrlen)
{
	return knl_msg_begin(&d->out, type, NLM_F_REQUEST | flags, ++d->sock.seq, hdr, hdrlen);
}

static int put_str(struct nlmsghdr *n, uint16_t type, const char *s)
{
	return knl_msg_put(n, type, s, strlen(s) + 1);
}

static int put_u8(struct nlmsghdr *n, uint16_t type, uint8_t v)
{
	return knl_msg_put(n, type, &v, sizeof(v));
}

/* Open a nested attribute (NULL when the message is full); close it with nest_end. */
static struct nlattr *nest_begin(struct nlmsghdr *n, uint16_t type)
{
	size_t at = NLMSG_ALIGN(n->nlmsg_len);

	if (knl_msg_put(n, type | NLA_F_NESTED, "", 0) == -1)
		return NULL;
	return (struct nlattr *)((uint8_t *)n + at);
}

static int nest_end(struct nlmsghdr *n, struct nlattr *na)
{
	if (!na)
		return -1;
	na->nla_len = (uint16_t)((uint8_t *)n + n->nlmsg_len - (uint8_t *)na);
	return 0;
}

static void answer_error(struct knl_devs *d, const struct nlmsghdr *h, struct buf *body)
{
	struct nlmsgerr e;
	struct knl_attrs a;

	if (buf_get_bytes(body, &e, sizeof(e)) == -1) {
		d->err = EPROTO;
		return;
	}
	d->err = -e.error;
	if (e.error && !(h->nlmsg_flags & NLM_F_CAPPED) && e.msg.nlmsg_len >= sizeof(e.msg) &&
	    buf_skip(body, NLMSG_ALIGN(e.msg.nlmsg_len - sizeof(e.msg))) == -1)
		return;
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && knl_attrs_parse(body, &a) == 0)
		knl_attr_str(&a, NLMSGERR_ATTR_MSG, d->extack, sizeof(d->extack));
}

static void info_linkinfo(struct knl_devinfo *in, const struct knl_attrs *a)
{
	struct knl_attrs li, data, slave;
	char skind[16] = "";
	uint8_t u8;
	uint16_t port;

	if (knl_attr_nested(a, IFLA_LINKINFO, &li) == -1)
		return;
	knl_attr_str(&li, IFLA_INFO_KIND, in->kind, sizeof(in->kind));
	if (knl_attr_nested(&li, IFLA_INFO_DATA, &data) == 0) {
		if (!strcmp(in->kind, "vxlan")) {
			knl_attr_u32(&data, IFLA_VXLAN_ID, &in->vni);
			if (knl_attr_ip(&data, IFLA_VXLAN_LOCAL, &in->local) == -1)
				knl_attr_ip(&data, IFLA_VXLAN_LOCAL6, &in->local);
			if (knl_attr_u16(&data, IFLA_VXLAN_PORT, &port) == 0)
				in->dstport = ntohs(port);
			if (knl_attr_u8(&data, IFLA_VXLAN_LEARNING, &u8) == 0)
				in->learning = u8 != 0;
		} else if (!strcmp(in->kind, "vrf")) {
			knl_attr_u32(&data, IFLA_VRF_TABLE, &in->table);
		}
	}
	if (knl_attr_str(&li, IFLA_INFO_SLAVE_KIND, skind, sizeof(skind)) == 0 &&
	    !strcmp(skind, "bridge") && knl_attr_nested(&li, IFLA_INFO_SLAVE_DATA, &slave) == 0) {
		in->brport = true;
		if (knl_attr_u8(&slave, IFLA_BRPORT_NEIGH_SUPPRESS, &u8) == 0)
			in->neigh_suppress = u8 != 0;
		if (knl_attr_u8(&slave, IFLA_BRPORT_LEARNING, &u8) == 0)
			in->port_learning = u8 != 0;
	}
}

static void answer_link(struct knl_devs *d, struct buf *body)
{
	struct knl_devinfo *in = d->info;
	struct ifinfomsg ifi;
	struct knl_attrs a;
	uint32_t master = 0;

	if (!in || buf_get_bytes(body, &ifi, sizeof(ifi)) == -1 || knl_attrs_parse(body, &a) == -1) {
		d->err = EPROTO;
		return;
	}
	memset(in, 0, sizeof(*in));
	in->ifindex = ifi.ifi_index;
	in->up = (ifi.ifi_flags & IFF_UP) != 0;
	knl_attr_u32(&a, IFLA_MASTER, &master);
	in->master = (int)master;
	knl_attr_u32(&a, IFLA_MTU, &in->mtu);
	knl_attr_mac(&a, IFLA_ADDRESS, &in->mac);
	knl_attr_str(&a, IFLA_IFALIAS, in->alias, sizeof(in->alias));
	info_linkinfo(in, &a);
}

static void dev_answer(struct knl *kn, const struct nlmsghdr *h, struct buf *body)
{
	struct knl_devs *d = kn->devs;
	struct knl_rmsg m;

	if (d->done || h->nlmsg_seq != d->sock.seq || h->nlmsg_pid != d->sock.pid)
		return;
	d->done = true;
	if (h->nlmsg_type == NLMSG_ERROR)
		answer_error(d, h, body);
	else if (h->nlmsg_type == RTM_NEWLINK)
		answer_link(d, body);
	else if (h->nlmsg_type == RTM_NEWROUTE)
		d->route_oif = knl_rmsg_parse(h, body, &m) == 0 ? m.oif : 0;
	else
		d->err = EPROTO;
}

/* Send the message n (built by dev_begin) and wait for its answer: 0 or an errno. */
static int dev_xfer(struct knl *kn, struct nlmsghdr *n)
{
	struct knl_devs *d = kn->devs;
	struct pollfd pfd = {.fd = d->sock.fd, .events = POLLIN};
	ssize_t r;

	knl_msg_end(&d->out, n);
	d->done = false;
	d->err = 0;
	d->extack[0] = '\0';
	do
		r = send(d->sock.fd, d->out.data + d->out.off, d->out.len - d->out.off, 0);
	while (r < 0 && errno == EINTR);
	d->out.off = d->out.len;
	if (r < 0)
		return errno;
	while (!d->done) {
		r = recv(d->sock.fd, d->rbuf, KNL_DEV_RBUF, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (poll(&pfd, 1, KNL_DEV_TIMEOUT_MS) == 0)
				return ETIMEDOUT;
			continue;
		}
		if (r <= 0)
			return r == 0 ? EPIPE : errno;
		if (knl_for_each_msg(kn, d->rbuf, (size_t)r, dev_answer) == -1)
			return EPROTO;
	}
	return d->err;
}

/* A message that did not fit is dropped (never ended): EMSGSIZE. */
static int dev_send(struct knl *kn, struct nlmsghdr *n, bool bad)
{
	if (!n)
		return ENOMEM;
	return bad ? EMSGSIZE : dev_xfer(kn, n);
}

/* The link called name: 0 and info, ENODEV when there is none, or an errno. */
static int dev_get(struct knl *kn, const char *name, struct knl_devinfo *info)
{
	struct knl_devs *d = kn->devs;
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nlmsghdr *n = dev_begin(d, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	int err;

	d->info = info;
	err = dev_send(kn, n, !n || put_str(n, IFLA_IFNAME, name) == -1);
	d->info = NULL;
	return err;
}

static int vxlan_data(struct nlmsghdr *n, const struct kernel_vnidev *s)
{
	struct ifla_vxlan_port_range pr = {htons(s->sport_low), htons(s->sport_high)};
	int bad = knl_msg_put_u32(n, IFLA_VXLAN_ID, s->vni);

	if (s->local.family == AF_INET)
		bad |= knl_msg_put(n, IFLA_VXLAN_LOCAL, &s->local.v4, 4);
	else if (s->local.family == AF_INET6)
		bad |= knl_msg_put(n, IFLA_VXLAN_LOCAL6, &s->local.v6, 16);
	bad |= knl_msg_put(n, IFLA_VXLAN_PORT, &(uint16_t){htons(s->dstport)}, 2);
	bad |= put_u8(n, IFLA_VXLAN_LEARNING, 0);
	if (s->sport_low)
		bad |= knl_msg_put(n, IFLA_VXLAN_PORT_RANGE, &pr, sizeof(pr));
	return bad;
}

/*
 * "ip link add NAME [master M] type KIND ...": s for VXLAN devices and
 * bridges, table for VRFs.  Enslaved at once, so the link events never show
 * a VXLAN device without its bridge or an L3 SVI outside its VRF.
 */
static int dev_create(struct knl *kn, const char *name, const char *kind,
		      const struct kernel_vnidev *s, uint32_t table, int master)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nlmsghdr *n = dev_begin(kn->devs, RTM_NEWLINK,
				       NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, &ifi, sizeof(ifi));
	struct nlattr *li, *data;
	int bad;

	if (!n)
		return ENOMEM;
	bad = put_str(n, IFLA_IFNAME, name);
	if (s && s->mtu)
		bad |= knl_msg_put_u32(n, IFLA_MTU, s->mtu);
	if (master > 0)
		bad |= knl_msg_put_u32(n, IFLA_MASTER, (uint32_t)master);
	if (s && s->has_mac && !strcmp(kind, "bridge"))
		bad |= knl_msg_put(n, IFLA_ADDRESS, s->mac.octet, MAC_LEN);
	li = nest_begin(n, IFLA_LINKINFO);
	bad |= !li || put_str(n, IFLA_INFO_KIND, kind);
	data = li ? nest_begin(n, IFLA_INFO_DATA) : NULL;
	if (data && !strcmp(kind, "vxlan"))
		bad |= vxlan_data(n, s);
	else if (data && !strcmp(kind, "vrf"))
		bad |= knl_msg_put_u32(n, IFLA_VRF_TABLE, table);
	bad |= nest_end(n, data) | nest_end(n, li);
	return dev_send(kn, n, bad != 0);
}

/*
 * Change what differs on an existing link: mtu (0: leave), master (-1:
 * leave, 0: none), mac (NULL: leave), up, alias (NULL: leave).
 */
struct knl_devfix {
	uint32_t mtu;
	int master;
	const struct mac *mac;
	bool up;
	const char *alias;
};

static int dev_fix(struct knl *kn, const struct knl_devinfo *cur, const struct knl_devfix *f)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = cur->ifindex};
	struct nlmsghdr *n;
	int bad = 0;

	if (f->up && !cur->up) {
		ifi.ifi_flags = IFF_UP;
		ifi.ifi_change = IFF_UP;
	}
	n = dev_begin(kn->devs, RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	if (!n)
		return ENOMEM;
	if (f->mtu && f->mtu != cur->mtu)
		bad |= knl_msg_put_u32(n, IFLA_MTU, f->mtu);
	if (f->master >= 0 && f->master != cur->master)
		bad |= knl_msg_put_u32(n, IFLA_MASTER, (uint32_t)f->master);
	if (f->mac && memcmp(f->mac, &cur->mac, sizeof(*f->mac)) != 0)
		bad |= knl_msg_put(n, IFLA_ADDRESS, f->mac->octet, MAC_LEN);
	if (f->alias && strcmp(f->alias, cur->alias) != 0)
		bad |= put_str(n, IFLA_IFALIAS, f->alias);
	if (n->nlmsg_len == NLMSG_LENGTH(sizeof(ifi)) && !ifi.ifi_change)
		return 0; /* nothing differs: nothing sent (the message is not ended) */
	return dev_send(kn, n, bad != 0);
}

/* Data-plane learning off on a VXLAN device (changelink). */
static int vxlan_nolearning(struct knl *kn, int ifindex)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	struct nlmsghdr *n = dev_begin(kn->devs, RTM_NEWLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	struct nlattr *li, *data;
	int bad;

	if (!n)
		return ENOMEM;
	li = nest_begin(n, IFLA_LINKINFO);
	bad = !li || put_str(n, IFLA_INFO_KIND, "vxlan");
	data = li ? nest_begin(n, IFLA_INFO_DATA) : NULL;
	bad |= !data || put_u8(n, IFLA_VXLAN_LEARNING, 0);
	bad |= nest_end(n, data) | nest_end(n, li);
	return dev_send(kn, n, bad != 0);
}

/* "bridge link set dev X neigh_suppress on learning off". */
static int brport_flags(struct knl *kn, int ifindex)
{
	struct ifinfomsg ifi = {.ifi_family = AF_BRIDGE, .ifi_index = ifindex};
	struct nlmsghdr *n = dev_begin(kn->devs, RTM_SETLINK, NLM_F_ACK, &ifi, sizeof(ifi));
	struct nlattr *pi;
	int bad;

	if (!n)
		return ENOMEM;
	pi = nest_begin(n, IFLA_PROTINFO); /* NLA_F_NESTED: the bridge requires it */
	bad = !pi || put_u8(n, IFLA_BRPORT_NEIGH_SUPPRESS, 1) || put_u8(n, IFLA_BRPORT_LEARNING, 0);
	bad |= nest_end(n, pi);
	return dev_send(kn, n, bad != 0);
}

static int dev_delete(struct knl *kn, int ifindex)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};

	return dev_send(kn, dev_begin(kn->devs, RTM_DELLINK, NLM_F_ACK, &ifi, sizeof(ifi)), false);
}

static int addr_req(struct knl *kn, int ifindex, const struct kernel_ifaddr *a, bool add)
{
	struct ifaddrmsg ifa = {.ifa_family = a->addr.family, .ifa_prefixlen = a->plen,
				.ifa_index = (uint32_t)ifindex};
	uint16_t flags = add ? NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK : NLM_F_ACK;
	struct nlmsghdr *n = dev_begin(kn->devs, add ? RTM_NEWADDR : RTM_DELADDR, flags, &ifa,
				       sizeof(ifa));
	size_t len = ipaddr_len(&a->addr);
	int bad;

	if (!n)
		return ENOMEM;
	bad = knl_msg_put(n, IFA_LOCAL, a->addr.bytes, len) |
	      knl_msg_put(n, IFA_ADDRESS, a->addr.bytes, len);
	return dev_send(kn, n, bad != 0);
}

/* The interface the route towards dst goes out of: 0 and *oif, or an errno. */
static int route_get(struct knl *kn, const struct ipaddr *dst, int *oif)
{
	struct knl_devs *d = kn->devs;
	struct rtmsg rtm = {.rtm_family = dst->family, .rtm_dst_len = (uint8_t)(ipaddr_len(dst) * 8)};
	struct nlmsghdr *n = dev_begin(d, RTM_GETROUTE, 0, &rtm, sizeof(rtm));
	int err;

	d->route_oif = 0;
	err = dev_send(kn, n, !n || knl_msg_put(n, RTA_DST, dst->bytes, ipaddr_len(dst)) == -1);
	*oif = d->route_oif;
	return err ? err : (*oif ? 0 : ENETUNREACH);
}

/* ---- ensure ---------------------------------------------------------- */

static const char *kind_text(const char *kind)
{
	return !strcmp(kind, "vxlan") ? "VXLAN" : !strcmp(kind, "vrf") ? "VRF" : kind;
}

static bool dev_marked(const struct knl_devinfo *in)
{
	return !strncmp(in->alias, KNL_DEV_MARK, strlen(KNL_DEV_MARK));
}

static void vnidev_subject(const struct kernel_vnidev *s, char *buf, size_t cap)
{
	if (s->l3)
		snprintf(buf, cap, "vrf %s", s->vrf[0] ? s->vrf : "default");
	else
		snprintf(buf, cap, "vni %u", s->vni);
}

static void log_refusal(const char *subj, const char *what, const char *name, int err,
			const char *extack)
{
	log_err(subj, "cannot %s %s: %s%s%s%s", what, name, strerror(err), extack[0] ? " (" : "",
		extack, extack[0] ? ")" : "");
}

/* Was name declared by the set applied before (this process already knows it)? */
static bool prev_declares(const struct knl_devset *p, const char *name)
{
	for (size_t i = 0; i < p->n_vrfs; i++)
		if (!strcmp(p->vrfs[i].name, name))
			return true;
	for (size_t i = 0; i < p->n_vnis; i++)
		if (!strcmp(p->vnis[i].vxlan_name, name) || !strcmp(p->vnis[i].bridge_name, name))
			return true;
	return false;
}

/*
 * The device name of kind: found (used as it is) or created and marked as
 * evpnd's.  0 with info filled, -1 after logging.
 */
static int dev_ensure(struct knl *kn, const char *subj, const char *name, const char *kind,
		      const struct kernel_vnidev *s, uint32_t table, int master,
		      struct knl_devinfo *info)
{
	char mark[64];
	int err = dev_get(kn, name, info);

	snprintf(mark, sizeof(mark), "%s%s", KNL_DEV_MARK, subj);
	if (err == ENODEV) {
		err = dev_create(kn, name, kind, s, table, master);
		if (err == 0)
			err = dev_get(kn, name, info);
		if (err == 0)
			err = dev_fix(kn, info, &(struct knl_devfix){.master = -1, .alias = mark});
		if (err) {
			log_refusal(subj, "create", name, err, kn->devs->extack);
			return -1;
		}
		snprintf(info->alias, sizeof(info->alias), "%s", mark);
		log_notice(subj, "created %s device %s", kind_text(kind), name);
		return 0;
	}
	if (err) {
		log_refusal(subj, "read", name, err, kn->devs->extack);
		return -1;
	}
	if (strcmp(info->kind, kind) != 0) {
		log_err(subj, "cannot create %s: %s (not a %s device)", name, strerror(EEXIST),
			kind_text(kind));
		return -1;
	}
	if (!prev_declares(&kn->devs->prev, name))
		log_info(subj, "%s device %s exists (ifindex %d, %s): used as it is", kind_text(kind),
			 name, info->ifindex,
			 dev_marked(info) ? "created by evpnd" : "not created by evpnd, never deleted");
	return 0;
}

static int vrf_ensure(struct knl *kn, const struct kernel_vrfdev *v)
{
	struct knl_devinfo in;
	char subj[32];
	int err;

	snprintf(subj, sizeof(subj), "vrf %s", v->name);
	if (dev_ensure(kn, subj, v->name, "vrf", NULL, v->table, 0, &in) == -1)
		return -1;
	if (in.table != v->table) {
		log_err(subj, "VRF device %s has table %u, not %u (delete it to have it created)",
			v->name, in.table, v->table);
		return -1;
	}
	err = dev_fix(kn, &in, &(struct knl_devfix){.master = -1, .up = true});
	if (err) {
		log_refusal(subj, "set up", v->name, err, kn->devs->extack);
		return -1;
	}
	return 0;
}

/* The ifindex of the VRF device s is enslaved to: 0 for none, -1 (logged) when absent. */
static int vni_master(struct knl *kn, const char *subj, const struct kernel_vnidev *s)
{
	struct knl_devinfo in;

	if (!s->vrf[0])
		return 0;
	if (dev_get(kn, s->vrf, &in) != 0 || strcmp(in.kind, "vrf") != 0) {
		log_err(subj, "no VRF device %s: %s left where it is", s->vrf, s->bridge_name);
		return -1;
	}
	return in.ifindex;
}

/* A VXLAN device found by name must be s's; what cannot change in place is reported. */
static int vxlan_check(struct knl *kn, const char *subj, const struct kernel_vnidev *s,
		       const struct knl_devinfo *vx)
{
	char a[IPADDR_STRLEN], b[IPADDR_STRLEN];
	int err;

	if (vx->vni != s->vni) {
		log_err(subj, "cannot use %s: it is the VXLAN device of VNI %u", s->vxlan_name,
			vx->vni);
		return -1;
	}
	if (ipaddr_cmp(&vx->local, &s->local) != 0 || vx->dstport != s->dstport)
		log_warn(subj, "%s has local %s dstport %u, not local %s dstport %u "
			 "(delete it to have it created again)", s->vxlan_name,
			 ipaddr_fmt(&vx->local, a), vx->dstport, ipaddr_fmt(&s->local, b),
			 s->dstport);
	if (vx->learning && (err = vxlan_nolearning(kn, vx->ifindex)) != 0)
		log_refusal(subj, "turn learning off on", s->vxlan_name, err, kn->devs->extack);
	return 0;
}

static bool ifaddr_eq(const struct kernel_ifaddr *a, const struct kernel_ifaddr *b)
{
	return a->plen == b->plen && ipaddr_cmp(&a->addr, &b->addr) == 0;
}

static bool addr_present(struct knl *kn, int ifindex, const struct ipaddr *ip)
{
	struct knl_addr_key key;
	struct knl_addr *ad;

	memset(&key, 0, sizeof(key));
	key.ifindex = ifindex;
	key.ip = *ip;
	HASH_FIND(hh, kn->addrs, &key, sizeof(key), ad);
	return ad != NULL;
}

static int svi_ensure(struct knl *kn, const char *subj, const struct kernel_vnidev *s, int br)
{
	char a[IPADDR_STRLEN], what[64];
	int rc = 0, err;

	for (size_t i = 0; i < s->n_addrs; i++) {
		if (addr_present(kn, br, &s->addrs[i].addr))
			continue;
		if ((err = addr_req(kn, br, &s->addrs[i], true)) != 0) {
			snprintf(what, sizeof(what), "add %s/%u to", ipaddr_fmt(&s->addrs[i].addr, a),
				 s->addrs[i].plen);
			log_refusal(subj, what, s->bridge_name, err, kn->devs->extack);
			rc = -1;
		}
	}
	return rc;
}

static int ports_ensure(struct knl *kn, const char *subj, const struct kernel_vnidev *s, int br)
{
	struct knl_devinfo in;
	int rc = 0, err;

	for (size_t i = 0; i < s->n_ports; i++) {
		err = dev_get(kn, s->ports[i], &in);
		if (err == 0)
			err = dev_fix(kn, &in, &(struct knl_devfix){.master = br, .up = true});
		if (err) {
			log_refusal(subj, "enslave access port", s->ports[i], err, kn->devs->extack);
			rc = -1;
		}
	}
	return rc;
}

/* An existing device called name must be of kind (checked before anything is created). */
static int dev_kind_ok(struct knl *kn, const char *subj, const char *name, const char *kind)
{
	struct knl_devinfo in;

	if (dev_get(kn, name, &in) != 0 || !strcmp(in.kind, kind))
		return 0;
	log_err(subj, "cannot create %s: %s (not a %s device)", name, strerror(EEXIST),
		kind_text(kind));
	return -1;
}

static int vni_ensure(struct knl *kn, const struct kernel_vnidev *s)
{
	struct knl_devinfo br, vx;
	char subj[32];
	int master, err, rc;

	vnidev_subject(s, subj, sizeof(subj));
	if (dev_kind_ok(kn, subj, s->vxlan_name, "vxlan") == -1 ||
	    dev_kind_ok(kn, subj, s->bridge_name, "bridge") == -1)
		return -1;
	master = vni_master(kn, subj, s);
	if (dev_ensure(kn, subj, s->bridge_name, "bridge", s, 0, master, &br) == -1 ||
	    dev_ensure(kn, subj, s->vxlan_name, "vxlan", s, 0, br.ifindex, &vx) == -1 ||
	    vxlan_check(kn, subj, s, &vx) == -1)
		return -1;
	err = dev_fix(kn, &br, &(struct knl_devfix){.mtu = s->mtu, .master = master,
						     .mac = s->has_mac ? &s->mac : NULL, .up = true});
	if (err) {
		log_refusal(subj, "set up", s->bridge_name, err, kn->devs->extack);
		return -1;
	}
	err = dev_fix(kn, &vx, &(struct knl_devfix){.mtu = s->mtu, .master = br.ifindex, .up = true});
	if (err == 0 && (!vx.brport || vx.master != br.ifindex || !vx.neigh_suppress ||
			 vx.port_learning))
		err = brport_flags(kn, vx.ifindex);
	if (err) {
		log_refusal(subj, "set up", s->vxlan_name, err, kn->devs->extack);
		return -1;
	}
	rc = svi_ensure(kn, subj, s, br.ifindex);
	rc |= ports_ensure(kn, subj, s, br.ifindex);
	return master < 0 ? -1 : rc;
}

/* ---- removal --------------------------------------------------------- */

static bool set_declares(const struct kernel_devices *d, const char *name)
{
	for (size_t i = 0; i < d->n_vrfs; i++)
		if (!strcmp(d->vrfs[i].name, name))
			return true;
	for (size_t i = 0; i < d->n_vnis; i++)
		if (!strcmp(d->vnis[i].vxlan_name, name) || !strcmp(d->vnis[i].bridge_name, name))
			return true;
	return false;
}

/* Delete name if evpnd created it and d does not declare it any more. */
static void dev_release(struct knl *kn, const struct kernel_devices *d, const char *subj,
			const char *name)
{
	struct knl_devinfo in;
	int err;

	if (set_declares(d, name) || dev_get(kn, name, &in) != 0)
		return;
	if (!dev_marked(&in)) {
		log_info(subj, "%s left in place: not created by evpnd", name);
		return;
	}
	if ((err = dev_delete(kn, in.ifindex)) != 0)
		log_refusal(subj, "delete", name, err, kn->devs->extack);
	else
		log_notice(subj, "deleted %s device %s (not in the configuration any more)",
			   kind_text(in.kind), name);
}

static void devs_release(struct knl *kn, const struct kernel_devices *d)
{
	const struct knl_devset *p = &kn->devs->prev;
	char subj[32];

	for (size_t i = 0; i < p->n_vnis; i++) {
		vnidev_subject(&p->vnis[i], subj, sizeof(subj));
		dev_release(kn, d, subj, p->vnis[i].vxlan_name);
		dev_release(kn, d, subj, p->vnis[i].bridge_name);
	}
	for (size_t i = 0; i < p->n_vrfs; i++) {
		snprintf(subj, sizeof(subj), "vrf %s", p->vrfs[i].name);
		dev_release(kn, d, subj, p->vrfs[i].name);
	}
}

/* Addresses and access ports old declared on a bridge that new keeps, new does not. */
static void vni_release_parts(struct knl *kn, const struct kernel_vnidev *old,
			      const struct kernel_vnidev *new)
{
	struct knl_devinfo br, port;
	char subj[32];

	if (dev_get(kn, new->bridge_name, &br) != 0)
		return;
	vnidev_subject(new, subj, sizeof(subj));
	for (size_t i = 0; i < old->n_addrs; i++) {
		size_t j = 0;

		while (j < new->n_addrs && !ifaddr_eq(&old->addrs[i], &new->addrs[j]))
			j++;
		if (j == new->n_addrs && addr_req(kn, br.ifindex, &old->addrs[i], false) == 0)
			log_info(subj, "address %s/%u removed from %s",
				 ipaddr_fmt(&old->addrs[i].addr, (char[IPADDR_STRLEN]){0}),
				 old->addrs[i].plen, new->bridge_name);
	}
	for (size_t i = 0; i < old->n_ports; i++) {
		size_t j = 0;

		while (j < new->n_ports && strcmp(old->ports[i], new->ports[j]) != 0)
			j++;
		if (j < new->n_ports || dev_get(kn, old->ports[i], &port) != 0 ||
		    port.master != br.ifindex)
			continue;
		if (dev_fix(kn, &port, &(struct knl_devfix){.master = 0}) == 0)
			log_info(subj, "access port %s released from %s", old->ports[i],
				 new->bridge_name);
	}
}

static void parts_release(struct knl *kn, const struct kernel_devices *d)
{
	const struct knl_devset *p = &kn->devs->prev;

	for (size_t i = 0; i < p->n_vnis; i++)
		for (size_t j = 0; j < d->n_vnis; j++)
			if (!strcmp(p->vnis[i].bridge_name, d->vnis[j].bridge_name))
				vni_release_parts(kn, &p->vnis[i], &d->vnis[j]);
}

/* ---- the set --------------------------------------------------------- */

static void devset_clear(struct knl_devset *p)
{
	for (size_t i = 0; i < p->n_vnis; i++) {
		free((void *)p->vnis[i].addrs);
		free((void *)p->vnis[i].ports);
	}
	free(p->vnis);
	free(p->vrfs);
	memset(p, 0, sizeof(*p));
}

static void *dup_array(const void *v, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (p && n)
		memcpy(p, v, n * size);
	return p;
}

/* prev := d (deep copy); on memory exhaustion prev is empty (nothing released next time). */
static void devset_copy(struct knl_devset *p, const struct kernel_devices *d)
{
	devset_clear(p);
	p->vrfs = dup_array(d->vrfs, d->n_vrfs, sizeof(*d->vrfs));
	p->vnis = dup_array(d->vnis, d->n_vnis, sizeof(*d->vnis));
	if (!p->vrfs || !p->vnis)
		goto fail;
	p->n_vrfs = d->n_vrfs;
	for (size_t i = 0; i < d->n_vnis; i++, p->n_vnis++) {
		struct kernel_vnidev *v = &p->vnis[i];

		v->addrs = dup_array(d->vnis[i].addrs, v->n_addrs, sizeof(*v->addrs));
		v->ports = dup_array(d->vnis[i].ports, v->n_ports, sizeof(*v->ports));
		if (!v->addrs || !v->ports) {
			p->n_vnis++;
			goto fail;
		}
	}
	return;
fail:
	log_err("kernel", "out of memory: declared devices will not be released on reload");
	devset_clear(p);
}

/* Look up the egress interface of the peers without one (at most once a second). */
static void under_resolve(struct knl *kn)
{
	struct knl_devs *ds = kn->devs;
	uint64_t now = knl_now_ms();

	if (now < ds->under_retry_at)
		return;
	ds->under_retry_at = now + 1000;
	for (size_t i = 0; i < ds->n_under; i++)
		if (!ds->under_oif[i] && route_get(kn, &ds->under_peer[i], &ds->under_oif[i]) != 0)
			ds->under_oif[i] = 0;
}

static void under_set(struct knl *kn, const struct kernel_devices *d)
{
	struct knl_devs *ds = kn->devs;

	ds->n_under = 0;
	for (size_t i = 0; i < d->n_peers && ds->n_under < KNL_DEV_UNDER_MAX; i++) {
		ds->under_oif[ds->n_under] = 0;
		ds->under_peer[ds->n_under++] = d->peers[i];
	}
	ds->under_retry_at = 0;
	under_resolve(kn);
}

static struct knl_devs *devs_new(void)
{
	struct knl_devs *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->sock.fd = -1;
	d->rbuf = malloc(KNL_DEV_RBUF);
	if (!d->rbuf || knl_sock_open(&d->sock, 1 << 20, NULL) == -1) {
		free(d->rbuf);
		free(d);
		return NULL;
	}
	return d;
}

int knl_devs_apply(struct knl *kn, const struct kernel_devices *d)
{
	int failed = 0;

	if (!kn->devs && !(kn->devs = devs_new())) {
		log_err("kernel", "cannot open the netlink socket for devices: %s", strerror(errno));
		return -1;
	}
	/* first what left: a renamed device frees its VNI for the new one */
	devs_release(kn, d);
	for (size_t i = 0; i < d->n_vrfs; i++)
		failed += vrf_ensure(kn, &d->vrfs[i]) == -1;
	for (int l3 = 1; l3 >= 0; l3--) /* L3VNIs first: L2 SVIs may route in their VRFs */
		for (size_t i = 0; i < d->n_vnis; i++)
			if (d->vnis[i].l3 == (l3 == 1))
				failed += vni_ensure(kn, &d->vnis[i]) == -1;
	parts_release(kn, d);
	devset_copy(&kn->devs->prev, d);
	under_set(kn, d);
	knl_devs_mtu_check(kn);
	return failed;
}

bool knl_devs_declared(const struct knl *kn, const char *name)
{
	return kn->devs && prev_declares(&kn->devs->prev, name);
}

/* ---- MTU ------------------------------------------------------------- */

/* The smallest MTU of the underlay interfaces (0: unknown), its link and peer. */
static uint32_t under_mtu(struct knl *kn, const struct knl_link **via, const struct ipaddr **peer)
{
	struct knl_devs *d = kn->devs;
	uint32_t best = 0;

	for (size_t i = 0; i < d->n_under; i++) {
		const struct knl_link *l = knl_link_get(kn, d->under_oif[i]);

		if (l && l->mtu && (!best || l->mtu < best)) {
			best = l->mtu;
			*via = l;
			*peer = &d->under_peer[i];
		}
	}
	return best;
}

static void resolve_cb(evutil_socket_t fd, short what, void *arg)
{
	struct knl *kn = arg;

	kn->devs->under_retry_at = 0;
	under_resolve(kn);
	knl_devs_mtu_check(kn);
}

/*
 * Route lookups are synchronous requests on the devices' socket; they are
 * made from a timer, not from knl_devs_mtu_check's callers, which may be in
 * the middle of reading netlink events or dumps.
 */
static void resolve_later(struct knl *kn)
{
	struct knl_devs *d = kn->devs;
	struct timeval tv = {1, 0};

	if (!kn->cfg.base)
		return;
	if (!d->resolve_ev)
		d->resolve_ev = evtimer_new(kn->cfg.base, resolve_cb, kn);
	if (d->resolve_ev && !evtimer_pending(d->resolve_ev, NULL))
		evtimer_add(d->resolve_ev, &tv);
}

void knl_devs_mtu_check(struct knl *kn)
{
	const struct knl_link *via = NULL;
	const struct ipaddr *peer = NULL;
	struct knl_vni *v, *tmp;
	uint32_t under;

	if (!kn->devs || !kn->devs->n_under)
		return;
	for (size_t i = 0; i < kn->devs->n_under; i++)
		if (!kn->devs->under_oif[i]) {
			resolve_later(kn); /* the underlay may come up: look again in a while */
			break;
		}
	if (!(under = under_mtu(kn, &via, &peer)))
		return;
	HASH_ITER(hh, kn->vnis, v, tmp) {
		struct knl_link *vx = v->present ? knl_link_get(kn, v->cur.vxlan_ifindex) : NULL;
		bool v6 = vx && (vx->local.family ? vx->local.family : peer->family) == AF_INET6;
		uint32_t over = v6 ? 70 : 50;
		uint64_t key;
		char subj[24], a[IPADDR_STRLEN];

		if (!vx || !vx->mtu)
			continue;
		key = (uint64_t)vx->mtu << 32 | under;
		if (vx->mtu + over <= under || vx->mtu_warned == key) {
			if (vx->mtu + over <= under)
				vx->mtu_warned = 0;
			continue;
		}
		vx->mtu_warned = key;
		knl_vni_subject(v->vni, subj, sizeof(subj));
		log_warn(subj, "MTU %u of %s + %u bytes of VXLAN over IPv%c exceeds the underlay MTU "
			 "%u (%s, towards %s): larger packets are dropped; use an MTU of at most %u",
			 vx->mtu, vx->name, over, v6 ? '6' : '4', under, via->name,
			 ipaddr_fmt(peer, a), under > over ? under - over : 0);
	}
}

void knl_devs_free(struct knl *kn)
{
	struct knl_devs *d = kn->devs;

	if (!d)
		return;
	devset_clear(&d->prev);
	if (d->resolve_ev)
		event_free(d->resolve_ev);
	knl_sock_close(&d->sock);
	free(d->out.data);
	free(d->rbuf);
	free(d);
	kn->devs = NULL;
}
