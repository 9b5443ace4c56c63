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
 *
 * With cfg.writer_thread the sendmsg calls are made by the writer thread
 * (kernel_nl_writer.c) instead, up to KNL_WINDOW bytes ahead of the loop;
 * each batch comes back to the loop after its send, and is then settled
 * exactly as above (acknowledgements, losses, events), so everything but
 * the send stays on the loop's thread.  The thread starts at the loop's
 * first turn (after the daemon dropped its privileges); until then
 * (start-up, tools without a loop) the loop's thread sends itself.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <event2/event.h>

#include "kernel_nl_priv.h"
#include "log.h"

#define KNL_BATCH (128 * 1024)	     /* bytes of messages per sendmsg */
#define KNL_BATCHES_PER_TURN 64	     /* then let the loop run other events */
/*
 * Bytes of requests with the writer thread at most: bounds what the kernel
 * queues (acknowledgements on req, echoes on evs) before the loop reads it.
 */
#define KNL_WINDOW (4 * KNL_BATCH)
#define KNL_ECHO_BULK 2048	     /* requests unacknowledged: echoes are filtered */
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
	uint64_t first = knl_wait_first(kn), now = knl_now_ms();
	struct timeval tv;

	if (!kn->retry_ev)
		return;
	if (!first) { /* nothing waits: no wake-up */
		evtimer_del(kn->retry_ev);
		return;
	}
	first = first > now ? first - now : 0;
	tv.tv_sec = (time_t)(first / 1000);
	tv.tv_usec = (suseconds_t)(first % 1000) * 1000;
	evtimer_add(kn->retry_ev, &tv);
}

static void echo_filter_update(struct knl *kn);

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
	kn->k.stats.queue_depth = kn->fifo.n;
	echo_filter_update(kn);
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
		if (h->nlmsg_type == RTM_DELNEIGH && kn->audit)
			knl_audit_churn(kn);
		knl_neigh_msg(kn, h, body);
		break;
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		if (h->nlmsg_type == RTM_DELROUTE && kn->audit)
			knl_audit_churn(kn);
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

void knl_events_drain(struct knl *kn)
{
	events_read(kn);
}

/*
 * The echo filter.  Every add of a remote MAC or neighbour comes back on
 * evs as one RTM_NEWNEIGH per part (VXLAN entry, bridge entry, neighbour),
 * marked extern_learn, telling nothing the acknowledgement does not (the
 * local binding an add replaces is retired from the acknowledgement:
 * knl_local_displaced).  During a bulk install -- KNL_ECHO_BULK requests
 * or more unacknowledged -- a socket filter on evs drops those messages, so
 * the kernel neither queues them nor wakes the loop for them; it goes when
 * every request is acknowledged.  Deletions, entries without extern_learn
 * (local learning, a MAC moving to a local port: the bridge clears the mark)
 * and all other events still pass.  What a third party rewrites as an
 * extern_learn entry while the filter is on is found by the next audit.
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BPF_HOST16(v) ((uint16_t)((((v) & 0xff) << 8) | ((v) >> 8))) /* as BPF_H loads it */
#else
#define BPF_HOST16(v) ((uint16_t)(v))
#endif

static void echo_filter(struct knl *kn, bool on)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, offsetof(struct nlmsghdr, nlmsg_type)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, BPF_HOST16(RTM_NEWNEIGH), 0, 3),
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, NLMSG_HDRLEN + offsetof(struct ndmsg, ndm_flags)),
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, NTF_EXT_LEARNED, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),	       /* drop */
		BPF_STMT(BPF_RET | BPF_K, 0xffffffff), /* pass */
	};
	static const struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]),
					       .filter = code};
	int rc, dummy = 0;

	if (on == kn->echo_filtered)
		return;
	if (on)
		rc = setsockopt(kn->evs.fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog));
	else
		rc = setsockopt(kn->evs.fd, SOL_SOCKET, SO_DETACH_FILTER, &dummy, sizeof(dummy));
	if (rc == -1) {
		log_warn("kernel", "cannot %s the echo filter: %s", on ? "attach" : "detach",
			 strerror(errno));
		if (on)
			return; /* unfiltered is only slower */
		kn->need_resync = true; /* events may be missed: read everything again */
	}
	kn->echo_filtered = on;
	kn->k.stats.echo_filtered += on;
}

/* On while a bulk install is in flight, off once everything is acknowledged. */
static void echo_filter_update(struct knl *kn)
{
	if (!kn->echo_filtered && kn->fifo.n >= KNL_ECHO_BULK)
		echo_filter(kn, true);
	else if (kn->echo_filtered && kn->fifo.n == 0)
		echo_filter(kn, false);
}

/* ---- sending --------------------------------------------------------- */

/* Bytes and messages of the next batch, cut at a message boundary; the last one's seq. */
static size_t batch_len(const struct knl *kn, size_t *nmsg, uint32_t *last_seq)
{
	size_t at = kn->out.off, end = kn->out.len;

	*nmsg = 0;
	while (at < end) {
		const struct nlmsghdr *n = (const struct nlmsghdr *)(kn->out.data + at);
		size_t l = NLMSG_ALIGN(n->nlmsg_len);

		if (at + l - kn->out.off > KNL_BATCH && *nmsg)
			break;
		at += l;
		*last_seq = n->nlmsg_seq;
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
	uint32_t last_seq = 0;
	size_t nmsg, len = batch_len(kn, &nmsg, &last_seq);
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
	knl_out_shrink(&kn->out);
	echo_filter_update(kn);
	knl_log_flush(kn);
	if (kn->out.off < kn->out.len && kn->flush_ev) {
		static const struct timeval soon = {0, 1000};

		evtimer_add(kn->flush_ev, &soon);
	}
}

/* ---- sending through the writer thread ------------------------------- */

/* Serial number order of sequence numbers: a before or equal to b. */
static bool seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

/* Hand batches to the writer while less than KNL_WINDOW bytes are with it. */
static void writer_feed(struct knl *kn)
{
	while (kn->out.off < kn->out.len && kn->w.queued < KNL_WINDOW) {
		uint32_t last_seq = 0;
		size_t nmsg, len = batch_len(kn, &nmsg, &last_seq);

		if (knl_writer_put(&kn->w, kn->out.data + kn->out.off, len, nmsg, last_seq) == -1) {
			log_err("kernel", "netlink send of %zu requests: out of memory", nmsg);
			kn->out.off += len;
			batch_fail(kn, nmsg, ENOBUFS);
			continue;
		}
		kn->out.off += len;
		kn->k.stats.batches++;
		kn->k.stats.sent += nmsg;
		kn->unacked += nmsg;
	}
	echo_filter_update(kn);
}

/*
 * A chunk is back: its send() has returned, so every acknowledgement of it
 * is queued on req.  Read them; a request of the chunk still without one was
 * not sent (the send failed) or its acknowledgement was lost to an overrun.
 */
static void writer_chunk_done(struct knl *kn, struct knl_wchunk *c)
{
	const struct knl_fifo_ent *head;
	struct knl_fifo_ent ent;
	int err = c->err == EMSGSIZE ? EMSGSIZE : ENOBUFS;

	if (c->err)
		log_err("kernel", "netlink send of %zu requests: %s", c->nmsg, strerror(c->err));
	acks_read(kn);
	while (kn->unacked && (head = knl_fifo_peek(kn)) && seq_le(head->seq, c->last_seq)) {
		knl_fifo_pop(kn, &ent);
		kn->unacked--;
		knl_obj_done(kn, ent.obj, err, c->err ? NULL : "acknowledgement lost");
	}
	free(c);
}

/* Take back what the writer sent, read the echoes, give it more. */
static void writer_collect(struct knl *kn, bool wait)
{
	struct knl_wchunk *c;

	kn->in_flush = true;
	while ((c = knl_writer_take(&kn->w, wait))) {
		writer_chunk_done(kn, c);
		events_read(kn);
		writer_feed(kn);
		wait = false;
	}
	kn->in_flush = false;
	kn->k.stats.queue_depth = kn->fifo.n;
	knl_out_shrink(&kn->out);
	echo_filter_update(kn);
	knl_log_flush(kn);
}

static void writer_cb(evutil_socket_t fd, short what, void *arg)
{
	writer_collect(arg, false);
}

/* From the loop: start the thread on first use (the daemon runs unprivileged by now). */
static bool writer_ready(struct knl *kn)
{
	if (!kn->w.open)
		return false;
	if (!kn->w.started && knl_writer_start(&kn->w) == -1) {
		log_err("kernel", "cannot start the netlink writer thread: %s; sending from the loop",
			strerror(errno));
		knl_writer_close(&kn->w);
		return false;
	}
	return true;
}

static void flush_cb(evutil_socket_t fd, short what, void *arg)
{
	struct knl *kn = arg;

	echo_filter_update(kn);
	if (writer_ready(kn)) {
		writer_feed(kn);
		return;
	}
	flush_run(kn, KNL_BATCHES_PER_TURN);
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
	if (kn->w.started) { /* until the writer has sent everything */
		writer_feed(kn);
		while (kn->w.queued)
			writer_collect(kn, true);
	} else {
		flush_run(kn, 1 << 30);
	}
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
		log_warn("kernel", "audit: not run while the kernel is being read (%s)",
			 kn->audit ? "an audit in steps" : "a resync");
		return -1;
	}
	events_read(kn);
	op_flush(k);
	n = knl_audit(kn, repair, out);
	if (repair)
		op_flush(k);
	return n;
}

static int op_audit_start(struct kernel *k, const struct kernel_audit_req *req)
{
	return knl_audit_start(knl_of(k), req);
}

static int op_devices_apply(struct kernel *k, const struct kernel_devices *d)
{
	return knl_devs_apply(knl_of(k), d);
}

static void op_free(struct kernel *k)
{
	struct knl *kn = knl_of(k);

	knl_audit_cancel(kn);
	if (kn->req_ev)
		event_free(kn->req_ev);
	if (kn->evs_ev)
		event_free(kn->evs_ev);
	if (kn->flush_ev)
		event_free(kn->flush_ev);
	if (kn->retry_ev)
		event_free(kn->retry_ev);
	if (kn->writer_ev)
		event_free(kn->writer_ev);
	knl_writer_close(&kn->w); /* before its socket goes */
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
	.audit_start = op_audit_start,
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
	if (!kn->cfg.writer_thread)
		return 0;
	if (knl_writer_open(&kn->w, kn->req.fd) == -1 ||
	    !(kn->writer_ev = event_new(base, kn->w.efd, EV_READ | EV_PERSIST, writer_cb, kn)) ||
	    event_add(kn->writer_ev, NULL) == -1) {
		log_err("kernel", "cannot set up the netlink writer thread: %s; sending from the loop",
			strerror(errno));
		if (kn->writer_ev)
			event_free(kn->writer_ev);
		kn->writer_ev = NULL;
		knl_writer_close(&kn->w);
		return 0;
	}
	knl_kick(kn); /* the first loop turn starts the thread */
	return 0;
}

/* What an earlier run left: stale until requested again or swept. */
static void knl_log_stale(struct knl *kn)
{
	struct knl_obj_iter it;
	struct knl_obj *o;
	unsigned n[KNL_ROUTE + 1] = {0};

	KNL_FOREACH_OBJ(kn, it, o) {
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
	knl_objs_init(kn);
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
