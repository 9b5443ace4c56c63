/*
 * kernel_nl.c - the netlink implementation of kernel.h: the instance, its
 * three sockets and their libevent glue, batching, acknowledgements,
 * start-up and resync.
 *
 * Sockets:
 *  - req:  requests, NLM_F_ACK on each; never joins a group;
 *  - evs:  RTNLGRP_LINK, NEIGH (bridge FDB too), IPV4/IPV6_IFADDR and
 *          IPV4/IPV6_ROUTE; a large
 *          receive buffer and no NETLINK_NO_ENOBUFS: an overrun (ENOBUFS)
 *          means events were lost, and the answer is a resync;
 *  - dump: synchronous dumps (start, resync, a VNI appearing, audits), so that a
 *          dump never interleaves with acknowledgements or events.
 *
 * Batching: requests append ready messages to kn->out (kernel_nl_obj.c) and
 * arm a zero timeout (knl_kick); when the loop turns, flush_cb sends them
 * KNL_BATCH bytes per sendmsg.  rtnetlink handles a sendmsg synchronously,
 * so when it returns every acknowledgement of the batch is queued on req;
 * they are read at once, and any that is missing was lost to an overrun and
 * its request is retried.  The event socket is drained between batches so
 * the echo of 100k requests never overflows it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <event2/event.h>

#include "kernel_nl_priv.h"
#include "log.h"

#define KNL_BATCH (128 * 1024)	     /* bytes of messages per sendmsg */
#define KNL_BATCHES_PER_TURN 64	     /* then let the loop run other events */
#define KNL_EVS_RCVBUF (64 << 20)
#define KNL_REQ_RCVBUF (16 << 20)

uint64_t knl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t knl_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Request queued -> acknowledged, into the histogram of kernel_stats. */
static void latency_record(struct knl *kn, uint32_t t_us)
{
	static const uint32_t le_us[KERNEL_LAT_BUCKETS] = KERNEL_LAT_BOUNDS_US;
	uint32_t d = (uint32_t)knl_now_us() - t_us;
	size_t i = 0;

	while (i < KERNEL_LAT_BUCKETS && d > le_us[i])
		i++;
	if (i < KERNEL_LAT_BUCKETS)
		kn->k.stats.lat_bucket[i]++;
	kn->k.stats.lat_count++;
	kn->k.stats.lat_sum_us += d;
}

void knl_kick(struct knl *kn)
{
	static const struct timeval zero = {0, 0};

	if (kn->flush_ev && !kn->in_flush && !evtimer_pending(kn->flush_ev, NULL))
		evtimer_add(kn->flush_ev, &zero);
}

void knl_retry_arm(struct knl *kn)
{
	struct knl_obj *o;
	uint64_t first = 0, now = knl_now_ms();
	struct timeval tv;

	TAILQ_FOREACH(o, &kn->retry, retry_link) {
		if (!first || o->retry_at < first)
			first = o->retry_at;
	}
	if (!first || !kn->retry_ev)
		return;
	first = first > now ? first - now : 0;
	tv.tv_sec = (time_t)(first / 1000);
	tv.tv_usec = (suseconds_t)(first % 1000) * 1000;
	evtimer_add(kn->retry_ev, &tv);
}

/* ---- acknowledgements ------------------------------------------------ */

static void ack_extack(struct buf *body, char *out, size_t cap)
{
	struct knl_attrs a;

	out[0] = '\0';
	if (knl_attrs_parse(body, &a) == 0)
		knl_attr_str(&a, NLMSGERR_ATTR_MSG, out, cap);
}

/* One NLMSG_ERROR from req: complete the FIFO up to and including its seq. */
static void ack_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body)
{
	struct nlmsgerr e;
	struct knl_fifo_ent ent;
	char extack[128];

	if (h->nlmsg_type != NLMSG_ERROR || buf_get_bytes(body, &e, sizeof(e)) == -1)
		return;
	extack[0] = '\0';
	/* Without NETLINK_CAP_ACK a refusal carries the request's payload first. */
	if (e.error && !(h->nlmsg_flags & NLM_F_CAPPED) && e.msg.nlmsg_len >= sizeof(e.msg) &&
	    buf_skip(body, NLMSG_ALIGN(e.msg.nlmsg_len - sizeof(e.msg))) == -1)
		buf_skip(body, buf_left(body));
	if (h->nlmsg_flags & NLM_F_ACK_TLVS)
		ack_extack(body, extack, sizeof(extack));
	while (kn->unacked && kn->fifo.n) {
		knl_fifo_pop(kn, &ent);
		kn->unacked--;
		latency_record(kn, ent.t_us);
		if (ent.seq == h->nlmsg_seq) {
			knl_obj_done(kn, ent.obj, -e.error, extack);
			break;
		}
		/* an acknowledgement before this one was lost: outcome unknown */
		knl_obj_done(kn, ent.obj, ENOBUFS, "acknowledgement lost");
	}
}

/*
 * Read every datagram queued on fd, many per recvmmsg (each acknowledgement
 * and each event is a datagram of its own), and hand each message to cb.
 * Returns 0 at EAGAIN, or the errno that stopped it (ENOBUFS: an overrun).
 */
static int sock_drain(struct knl *kn, int fd, uint8_t *rbuf, knl_msg_cb cb)
{
	struct mmsghdr mm[KNL_RSLOTS];
	struct iovec iov[KNL_RSLOTS];
	int overrun = 0;

	for (;;) {
		int n, i;

		for (i = 0; i < KNL_RSLOTS; i++) {
			iov[i].iov_base = rbuf + (size_t)i * KNL_RSLOT;
			iov[i].iov_len = KNL_RSLOT;
			memset(&mm[i].msg_hdr, 0, sizeof(mm[i].msg_hdr));
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
		}
		n = recvmmsg(fd, mm, KNL_RSLOTS, MSG_DONTWAIT, NULL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			overrun = ENOBUFS;
			continue;
		}
		if (n <= 0)
			return overrun;
		for (i = 0; i < n; i++) {
			if (mm[i].msg_hdr.msg_flags & MSG_TRUNC) {
				overrun = ENOBUFS; /* a message lost all the same */
				continue;
			}
			if (knl_for_each_msg(kn, iov[i].iov_base, mm[i].msg_len, cb) == -1)
				log_warn("kernel", "malformed netlink message ignored");
		}
		if (n < KNL_RSLOTS)
			return overrun;
	}
}

static void acks_read(struct knl *kn)
{
	if (sock_drain(kn, kn->req.fd, kn->abuf, ack_msg) == ENOBUFS)
		log_warn("kernel", "acknowledgements lost (ENOBUFS): requests retried");
}

static void req_cb(evutil_socket_t fd, short what, void *arg)
{
	acks_read(arg);
}

/* ---- events ---------------------------------------------------------- */

void knl_event_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body)
{
	kn->k.stats.events++;
	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK:
		knl_link_msg(kn, h, body);
		break;
	case RTM_NEWADDR:
	case RTM_DELADDR:
		knl_addr_msg(kn, h, body);
		break;
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		knl_neigh_msg(kn, h, body);
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		knl_route_msg(kn, h, body);
		break;
	default:
		break;
	}
}

/* A dump that changes interrupted is repeated by a resync once events are read. */
static void dump_check(struct knl *kn)
{
	if (kn->dump_intr)
		kn->need_resync = true;
	kn->dump_intr = false;
}

static void neigh_dump(struct knl *kn)
{
	knl_dump_begin(kn);
	/* AF_UNSPEC has the neighbour tables only: the bridge FDB is AF_BRIDGE. */
	if (knl_dump(kn, &kn->dump, RTM_GETNEIGH, AF_BRIDGE, knl_neigh_msg) == -1 ||
	    knl_dump(kn, &kn->dump, RTM_GETNEIGH, AF_UNSPEC, knl_neigh_msg) == -1)
		log_err("kernel", "cannot read FDB and neighbours");
	knl_dump_end(kn);
	dump_check(kn);
}

static int links_dump(struct knl *kn)
{
	int rc;

	knl_links_mark(kn);
	kn->dumping = true;
	rc = knl_dump(kn, &kn->dump, RTM_GETLINK, AF_UNSPEC, knl_link_msg);
	if (rc == 0)
		rc = knl_dump(kn, &kn->dump, RTM_GETLINK, AF_BRIDGE, knl_link_msg);
	if (rc == 0)
		rc = knl_dump(kn, &kn->dump, RTM_GETADDR, AF_UNSPEC, knl_addr_msg);
	kn->dumping = false;
	dump_check(kn);
	if (rc == 0)
		knl_links_sweep(kn);
	knl_vnis_refresh(kn);
	return rc;
}

static void resync(struct knl *kn)
{
	kn->need_resync = false;
	kn->k.stats.resyncs++;
	links_dump(kn);
	neigh_dump(kn);
	kn->need_dump = false;
	knl_routes_dump(kn, KNL_RT_V4 | KNL_RT_V6);
	if (kn->links_dirty) /* l3vni_set from a callback during the dumps */
		knl_vnis_refresh(kn);
}

/* What waits for the end of a batch of events. */
static void events_settle(struct knl *kn)
{
	if (kn->need_resync) {
		log_warn("kernel", "netlink events lost (ENOBUFS): re-reading the kernel");
		resync(kn);
	}
	if (kn->links_dirty)
		knl_vnis_refresh(kn);
	if (kn->need_dump) {
		kn->need_dump = false;
		neigh_dump(kn);
	}
	if (kn->need_routes)
		knl_routes_dump(kn, kn->need_routes);
	knl_lost_report(kn);
}

/* Not re-entered: a request made from an event callback may flush. */
static void events_read(struct knl *kn)
{
	if (kn->in_events)
		return;
	kn->in_events = true;
	if (sock_drain(kn, kn->evs.fd, kn->rbuf, knl_event_msg) == ENOBUFS)
		kn->need_resync = true;
	events_settle(kn);
	kn->in_events = false;
}

static void evs_cb(evutil_socket_t fd, short what, void *arg)
{
	events_read(arg);
}

/* ---- sending --------------------------------------------------------- */

/* Bytes and messages of the next batch, cut at a message boundary. */
static size_t batch_len(const struct knl *kn, size_t *nmsg)
{
	size_t at = kn->out.off, end = kn->out.len;

	*nmsg = 0;
	while (at < end) {
		const struct nlmsghdr *n = (const struct nlmsghdr *)(kn->out.data + at);
		size_t l = NLMSG_ALIGN(n->nlmsg_len);

		if (at + l - kn->out.off > KNL_BATCH && *nmsg)
			break;
		at += l;
		(*nmsg)++;
	}
	return at - kn->out.off;
}

/* Fail the next n unsent requests (the batch could not be sent at all). */
static void batch_fail(struct knl *kn, size_t n, int err)
{
	struct knl_fifo_ent ent;

	while (n-- && kn->fifo.n) {
		knl_fifo_pop(kn, &ent);
		knl_obj_done(kn, ent.obj, err, NULL);
	}
}

/* Send one batch; 1 when sent, 0 when the socket is full, -1 on failure. */
static int batch_send(struct knl *kn)
{
	size_t nmsg, len = batch_len(kn, &nmsg);
	ssize_t n;

	do
		n = send(kn->req.fd, kn->out.data + kn->out.off, len, 0);
	while (n < 0 && errno == EINTR);
	if (n < 0 && (errno == EAGAIN || errno == ENOBUFS))
		return 0;
	kn->out.off += len;
	if (n < 0) {
		int err = errno;

		log_err("kernel", "netlink send of %zu requests: %s", nmsg, strerror(err));
		batch_fail(kn, nmsg, err == EMSGSIZE ? EMSGSIZE : ENOBUFS);
		return -1;
	}
	kn->k.stats.batches++;
	kn->k.stats.sent += nmsg;
	kn->unacked += nmsg;
	return 1;
}

static void flush_run(struct knl *kn, int budget)
{
	kn->in_flush = true;
	while (kn->out.off < kn->out.len && budget-- > 0) {
		int rc = batch_send(kn);

		if (rc == 0)
			break;
		acks_read(kn);
		/* Anything still unacknowledged was lost to an overrun. */
		batch_fail(kn, kn->unacked, ENOBUFS);
		kn->unacked = 0;
		events_read(kn);
	}
	kn->in_flush = false;
	kn->k.stats.queue_depth = kn->fifo.n;
	knl_log_flush(kn);
	if (kn->out.off < kn->out.len && kn->flush_ev) {
		static const struct timeval soon = {0, 1000};

		evtimer_add(kn->flush_ev, &soon);
	}
}

static void flush_cb(evutil_socket_t fd, short what, void *arg)
{
	flush_run(arg, KNL_BATCHES_PER_TURN);
}

static void retry_cb(evutil_socket_t fd, short what, void *arg)
{
	knl_retry_run(arg);
}

/* ---- operations ------------------------------------------------------ */

static void op_flood_add(struct kernel *k, vni_t vni, const struct ipaddr *vtep)
{
	knl_req_flood(knl_of(k), vni, vtep, true);
}

static void op_flood_del(struct kernel *k, vni_t vni, const struct ipaddr *vtep)
{
	knl_req_flood(knl_of(k), vni, vtep, false);
}

static void op_mac_add(struct kernel *k, vni_t vni, const struct mac *mac,
		       const struct ipaddr *vtep, bool sticky)
{
	knl_req_mac(knl_of(k), vni, mac, vtep, sticky, true);
}

static void op_mac_del(struct kernel *k, vni_t vni, const struct mac *mac)
{
	knl_req_mac(knl_of(k), vni, mac, NULL, false, false);
}

static void op_neigh_add(struct kernel *k, vni_t vni, const struct ipaddr *ip,
			 const struct mac *mac)
{
	knl_req_neigh(knl_of(k), vni, ip, mac, true);
}

static void op_neigh_del(struct kernel *k, vni_t vni, const struct ipaddr *ip)
{
	knl_req_neigh(knl_of(k), vni, ip, NULL, false);
}

/*
 * Synchronous: the VNI is reported again (vni_add, l3 set) before this
 * returns when its device exists; from a callback during a dump, once the
 * dump is over.
 */
static void op_l3vni_set(struct kernel *k, vni_t vni, bool l3)
{
	struct knl *kn = knl_of(k);
	struct knl_vni *v = knl_vni_get(kn, vni, true);

	if (!v || v->l3 == l3)
		return;
	v->l3 = l3;
	if (l3)
		knl_locals_vni_gone(kn, vni); /* no longer local: the logic withdraws them */
	else
		kn->need_dump = true; /* local again: learn what its bridge has */
	kn->links_dirty = true;
	if (kn->dumping || kn->in_events || kn->refreshing)
		return; /* events_settle, resync or the running refresh does it */
	knl_vnis_refresh(kn);
	if (kn->need_dump) {
		kn->need_dump = false;
		neigh_dump(kn);
	}
}

static void op_route_add(struct kernel *k, vni_t l3vni, const struct prefix *p,
			 const struct ipaddr *vteps, size_t n)
{
	knl_req_route(knl_of(k), l3vni, p, vteps, n, true);
}

static void op_route_del(struct kernel *k, vni_t l3vni, const struct prefix *p)
{
	knl_req_route(knl_of(k), l3vni, p, NULL, 0, false);
}

static void op_hold_deletes(struct kernel *k, uint32_t ms)
{
	knl_of(k)->hold_ms = ms;
}

static void op_sweep_stale(struct kernel *k)
{
	knl_sweep(knl_of(k));
}

static void op_resync(struct kernel *k)
{
	struct knl *kn = knl_of(k);

	resync(kn);
	knl_lost_report(kn);
}

static void op_flush(struct kernel *k)
{
	struct knl *kn = knl_of(k);

	if (kn->in_flush)
		return;
	flush_run(kn, 1 << 30);
	if (kn->flush_ev)
		evtimer_del(kn->flush_ev);
}

/*
 * Settle, then compare: pending events are applied (a deletion by hand
 * already read is not undone by a stale event later), queued requests are
 * sent and their acknowledgements read (rtnetlink answers within sendmsg),
 * so only objects whose requests could not complete are still pending, and
 * knl_audit skips those.  Repairs are sent before returning.
 */
static int op_audit(struct kernel *k, bool repair, struct kernel_audit *out)
{
	struct knl *kn = knl_of(k);
	int n;

	if (kn->dumping || kn->audit) {
		log_warn("kernel", "audit: not run while the kernel is being read");
		return -1;
	}
	events_read(kn);
	op_flush(k);
	n = knl_audit(kn, repair, out);
	if (repair)
		op_flush(k);
	return n;
}

static int op_devices_apply(struct kernel *k, const struct kernel_devices *d)
{
	return knl_devs_apply(knl_of(k), d);
}

static void op_free(struct kernel *k)
{
	struct knl *kn = knl_of(k);

	if (kn->req_ev)
		event_free(kn->req_ev);
	if (kn->evs_ev)
		event_free(kn->evs_ev);
	if (kn->flush_ev)
		event_free(kn->flush_ev);
	if (kn->retry_ev)
		event_free(kn->retry_ev);
	knl_sock_close(&kn->req);
	knl_sock_close(&kn->evs);
	knl_sock_close(&kn->dump);
	knl_devs_free(kn);
	knl_objs_free(kn);
	knl_locals_free(kn);
	knl_lroutes_free(kn);
	knl_links_free(kn);
	free(kn->fifo.ent);
	free(kn->out.data);
	free(kn->rbuf);
	free(kn->abuf);
	free(kn->dbuf);
	free(kn);
}

static const struct kernel_ops knl_ops = {
	.flood_add = op_flood_add,
	.flood_del = op_flood_del,
	.mac_add = op_mac_add,
	.mac_del = op_mac_del,
	.neigh_add = op_neigh_add,
	.neigh_del = op_neigh_del,
	.l3vni_set = op_l3vni_set,
	.route_add = op_route_add,
	.route_del = op_route_del,
	.sweep_stale = op_sweep_stale,
	.hold_deletes = op_hold_deletes,
	.resync = op_resync,
	.flush = op_flush,
	.free = op_free,
	.audit = op_audit,
	.devices_apply = op_devices_apply,
};

/* ---- creation -------------------------------------------------------- */

static int knl_open(struct knl *kn)
{
	static const unsigned groups[] = {RTNLGRP_LINK,	       RTNLGRP_NEIGH,
					  RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
					  RTNLGRP_IPV4_ROUTE,  RTNLGRP_IPV6_ROUTE, 0};
	struct event_base *base = kn->cfg.base;

	if (knl_sock_open(&kn->req, KNL_REQ_RCVBUF, NULL) == -1 ||
	    knl_sock_open(&kn->evs, KNL_EVS_RCVBUF, groups) == -1 ||
	    knl_sock_open(&kn->dump, 4 << 20, NULL) == -1) {
		log_err("kernel", "cannot open netlink sockets: %s", strerror(errno));
		return -1;
	}
	if (!base)
		return 0; /* no loop: flush() and resync() drive it (tools, tests) */
	kn->req_ev = event_new(base, kn->req.fd, EV_READ | EV_PERSIST, req_cb, kn);
	kn->evs_ev = event_new(base, kn->evs.fd, EV_READ | EV_PERSIST, evs_cb, kn);
	kn->flush_ev = evtimer_new(base, flush_cb, kn);
	kn->retry_ev = evtimer_new(base, retry_cb, kn);
	if (!kn->req_ev || !kn->evs_ev || !kn->flush_ev || !kn->retry_ev ||
	    event_add(kn->req_ev, NULL) == -1 || event_add(kn->evs_ev, NULL) == -1) {
		log_err("kernel", "cannot register netlink sockets with the event loop");
		return -1;
	}
	return 0;
}

/* What an earlier run left: stale until requested again or swept. */
static void knl_log_stale(struct knl *kn)
{
	struct knl_obj *o, *tmp;
	unsigned n[KNL_ROUTE + 1] = {0};

	HASH_ITER(hh, kn->objs, o, tmp) {
		if (o->stale)
			n[o->key.type]++;
	}
	if (n[KNL_FLOOD] || n[KNL_MAC] || n[KNL_NEIGH] || n[KNL_ROUTE])
		log_notice("kernel", "found from an earlier run: %u flood entries, %u remote MACs, "
			   "%u neighbours, %u routes (stale until requested again)",
			   n[KNL_FLOOD], n[KNL_MAC], n[KNL_NEIGH], n[KNL_ROUTE]);
}

struct kernel *kernel_nl_new(const struct kernel_cfg *cfg)
{
	struct knl *kn = calloc(1, sizeof(*kn));

	if (!kn)
		return NULL;
	kn->k.ops = &knl_ops;
	kn->cfg = *cfg;
	if (cfg->events)
		kn->ev = *cfg->events;
	kn->req.fd = kn->evs.fd = kn->dump.fd = -1;
	TAILQ_INIT(&kn->retry);
	TAILQ_INIT(&kn->lost);
	kn->rbuf = malloc(KNL_RBUF);
	kn->abuf = malloc(KNL_RBUF);
	kn->dbuf = malloc(KNL_RBUF);
	if (!kn->rbuf || !kn->abuf || !kn->dbuf || knl_open(kn) == -1) {
		op_free(&kn->k);
		return NULL;
	}
	/* Events are subscribed first: nothing between the dumps and them is missed. */
	if (links_dump(kn) == -1) {
		log_err("kernel", "cannot read links");
		op_free(&kn->k);
		return NULL;
	}
	kn->loading = true;
	neigh_dump(kn);
	kn->need_dump = false;
	knl_routes_dump(kn, KNL_RT_V4 | KNL_RT_V6);
	kn->loading = false;
	if (kn->links_dirty) /* l3vni_set from a callback during the dumps */
		knl_vnis_refresh(kn);
	knl_log_stale(kn);
	return &kn->k;
}
