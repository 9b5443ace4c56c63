/*
 * test_kernel_nl.c - Check suite for the netlink kernel module
 * (src/kernel_nl*.c) against the real kernel: devices found at start and
 * by events, remote and local entries, retries, restart reconciliation,
 * volume, the writer thread.  Audits: test_kernel_nl_audit.c; L3VNIs and
 * routes: test_kernel_nl_route.c; the harness: knl_harness.h.  Needs root
 * (CAP_NET_ADMIN); without it the tests pass vacuously with a message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <event2/event.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "knl_harness.h"
#include "log.h"

/* ---- discovery ------------------------------------------------------- */

START_TEST(discovery_at_start)
{
	struct event_base *base;
	struct kernel *k;
	const struct kernel_vni *v = &R.vni[0];
	char buf[IPADDR_STRLEN];

	if (!netns())
		return;
	make_vni(100, "172.16.0.254/24");
	sh("ip link add br200 type bridge && ip link set br200 up");
	sh("ip link add vxlan200 type vxlan id 200 local 10.0.0.1 dstport 4790 learning");
	sh("ip link set vxlan200 master br200 && ip link set vxlan200 up");
	base = event_base_new();
	k = start(base, true);
	ck_assert_int_eq(R.vni_adds, 2);
	ck_assert_uint_eq(v->vni, 100);
	ck_assert_str_eq(v->vxlan_name, "vxlan100");
	ck_assert_str_eq(v->bridge_name, "br100");
	ck_assert_str_eq(ipaddr_fmt(&v->local, buf), "10.0.0.1");
	ck_assert_uint_eq(v->dstport, 4789);
	ck_assert(!v->learning);
	ck_assert(v->neigh_suppress);
	ck_assert(v->up);
	ck_assert_int_ne(v->bridge_ifindex, 0);
	ck_assert_int_eq(v->svi_ifindex, v->bridge_ifindex);
	ck_assert_mem_eq(v->svi_mac.octet, "\x02\xb0\x00\x00\x00\x64", 6);
	ck_assert_int_eq(v->vrf_ifindex, 0);
	/* VNI 200: no SVI address, learning on, neigh_suppress off: warned */
	ck_assert_uint_eq(R.vni[1].dstport, 4790);
	ck_assert(R.vni[1].learning && !R.vni[1].neigh_suppress);
	ck_assert_int_eq(R.vni[1].svi_ifindex, 0);
	ck_assert(log_has("vni 200", "neigh_suppress is off"));
	ck_assert(log_has("vni 200", "learning is on"));
	ck_assert(!log_has("vni 100", "neigh_suppress"));
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(vni_by_event)
{
	struct event_base *base;
	struct kernel *k;

	if (!netns())
		return;
	base = event_base_new();
	k = start(base, true);
	ck_assert_int_eq(R.vni_adds, 0);
	sh("ip link add vxlan100 type vxlan id 100 local 10.0.0.1 dstport 4789 nolearning");
	run_loop(base, 100);
	ck_assert_int_ge(R.vni_adds, 1);
	ck_assert_int_eq(R.vni[0].bridge_ifindex, 0);
	/* enslaved later: reported again, changed */
	sh("ip link add br100 type bridge && ip link set vxlan100 master br100");
	sh("bridge link set dev vxlan100 neigh_suppress on");
	sh("ip link set br100 up && ip link set vxlan100 up");
	sh("ip addr add 172.16.0.1/24 dev br100");
	run_loop(base, 100);
	ck_assert_str_eq(R.vni[0].bridge_name, "br100");
	ck_assert(R.vni[0].neigh_suppress);
	ck_assert(R.vni[0].up);
	ck_assert_int_eq(R.vni[0].svi_ifindex, R.vni[0].bridge_ifindex);
	sh("ip link del vxlan100");
	run_loop(base, 100);
	ck_assert_int_eq(R.vni_dels, 1);
	ck_assert_uint_eq(R.last_del, 100);
	ck_assert_uint_eq(k->stats.events > 0, 1);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

/* ---- remote state ---------------------------------------------------- */

START_TEST(remote_entries)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1"), y = ip("10.255.0.2"), i1 = ip("172.16.0.1");
	struct ipaddr i6 = ip("fd00::1");
	struct mac m = mac("02:aa:00:00:00:01"), s = mac("02:aa:00:00:00:02");
	const char *t;

	if (!netns())
		return;
	make_vni(100, "172.16.0.254/24");
	base = event_base_new();
	k = start(base, false);
	kernel_flood_add(k, 100, &x);
	kernel_flood_add(k, 100, &y);
	kernel_mac_add(k, 100, &m, &x, false);
	kernel_mac_add(k, 100, &s, &x, true);
	kernel_neigh_add(k, 100, &i1, &m);
	kernel_neigh_add(k, 100, &i6, &m);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.sent, 6);
	ck_assert_uint_eq(k->stats.errors, 0);
	ck_assert_uint_eq(k->stats.lat_count, 6); /* every acknowledged request timed */
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 extern_learn master br100"), "%s", t);
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"), "%s", t);
	ck_assert_msg(has_line(t, "00:00:00:00:00:00 dst 10.255.0.1 self permanent"), "%s", t);
	ck_assert_msg(has_line(t, "00:00:00:00:00:00 dst 10.255.0.2 self permanent"), "%s", t);
	ck_assert_msg(has_line(t, "02:aa:00:00:00:02 sticky master br100 static"), "%s", t);
	ck_assert_msg(has_line(t, "02:aa:00:00:00:02 dst 10.255.0.1 self sticky static"), "%s", t);
	t = out("ip neigh show dev br100");
	ck_assert_msg(has_line(t, NEIGH_I1), "%s", t);
	ck_assert_msg(has_line(t, "fd00::1 lladdr 02:aa:00:00:00:01 extern_learn NOARP proto 181"),
		      "%s", t);
	/* a move to another VTEP replaces the entry */
	kernel_mac_add(k, 100, &m, &y, false);
	k->ops->flush(k);
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.2 self extern_learn"), "%s", t);
	ck_assert_msg(!strstr(t, "02:aa:00:00:00:01 dst 10.255.0.1"), "%s", t);
	run_loop(base, 50); /* echoes of our own requests are no loss */
	ck_assert_int_eq(R.lost, 0);
	ck_assert_uint_eq(knl_vtep_count(&knl_of(k)->vteps), 2); /* m -> y, s -> x */
	/* somebody else removes one: reported */
	sh("bridge fdb del 02:aa:00:00:00:01 dev vxlan100 self");
	run_loop(base, 50);
	ck_assert_int_eq(R.lost, 1);
	ck_assert_mem_eq(R.lost_mac.octet, m.octet, 6);
	kernel_mac_del(k, 100, &m);
	kernel_mac_del(k, 100, &s);
	kernel_flood_del(k, 100, &x);
	kernel_neigh_del(k, 100, &i1);
	kernel_neigh_del(k, 100, &i6);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.errors, 0);
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(!strstr(t, "02:aa:00:00:00:0"), "%s", t);
	ck_assert_msg(!strstr(t, "dst 10.255.0.1"), "%s", t);
	ck_assert_msg(has_line(t, "00:00:00:00:00:00 dst 10.255.0.2 self permanent"), "%s", t);
	t = out("ip neigh show dev br100");
	ck_assert_msg(!strstr(t, "lladdr 02:aa"), "%s", t);
	ck_assert_uint_eq(knl_vtep_count(&knl_of(k)->vteps), 0); /* every reference put back */
	kernel_free(k);
	event_base_free(base);
}
END_TEST

/* A request buffer that a burst grew is given back once all of it is sent. */
START_TEST(out_buffer_given_back)
{
	struct knl_out out = {0};
	struct ndmsg ndm = {.ndm_family = AF_BRIDGE};

	for (uint32_t seq = 1; out.cap <= KNL_OUT_FIRST; seq++) {
		struct nlmsghdr *n = knl_msg_begin(&out, RTM_NEWNEIGH, NLM_F_REQUEST, seq, &ndm,
						   sizeof(ndm));

		ck_assert_ptr_nonnull(n);
		knl_msg_end(&out, n);
	}
	out.off = out.len / 2;
	knl_out_shrink(&out); /* not all sent: kept */
	ck_assert_uint_gt(out.cap, KNL_OUT_FIRST);
	out.off = out.len;
	knl_out_shrink(&out);
	ck_assert_ptr_null(out.data);
	ck_assert_uint_eq(out.cap, 0);
	knl_msg_end(&out, knl_msg_begin(&out, RTM_NEWNEIGH, NLM_F_REQUEST, 1, &ndm, sizeof(ndm)));
	ck_assert_uint_eq(out.cap, KNL_OUT_FIRST);
	out.off = out.len;
	knl_out_shrink(&out); /* its first size is kept */
	ck_assert_uint_eq(out.cap, KNL_OUT_FIRST);
	free(out.data);
}
END_TEST

/* Remote MACs' destinations: one id per address, references counted, ids reused. */
START_TEST(vteps_interned)
{
	struct knl_vteps t;
	struct ipaddr x = ip("10.255.0.1"), y = ip("10.255.0.2"), z = ip("fd00::1"), none;
	knl_vtep_id a, b, c, d;

	memset(&none, 0, sizeof(none));
	knl_vteps_init(&t);
	ck_assert_int_eq(knl_vtep_get(&t, &none, &a), 0);
	ck_assert_uint_eq(a, 0);
	ck_assert(!ipaddr_is_set(knl_vtep_ip(&t, 0)));
	ck_assert_int_eq(knl_vtep_get(&t, &x, &a), 0);
	ck_assert_int_eq(knl_vtep_get(&t, &x, &b), 0);
	ck_assert_int_eq(knl_vtep_get(&t, &y, &c), 0);
	ck_assert_uint_ne(a, 0);
	ck_assert_uint_eq(a, b);
	ck_assert_uint_ne(a, c);
	ck_assert_uint_eq(knl_vtep_find(&t, &y), c);
	ck_assert_uint_eq(knl_vtep_find(&t, &z), 0);
	ck_assert_int_eq(ipaddr_cmp(knl_vtep_ip(&t, c), &y), 0);
	ck_assert_uint_eq(knl_vtep_count(&t), 2);
	knl_vtep_put(&t, a); /* x still has one reference */
	ck_assert_uint_eq(knl_vtep_find(&t, &x), a);
	knl_vtep_put(&t, b);
	ck_assert_uint_eq(knl_vtep_find(&t, &x), 0);
	ck_assert_uint_eq(knl_vtep_count(&t), 1);
	ck_assert_int_eq(knl_vtep_get(&t, &z, &d), 0); /* x's id is free again */
	ck_assert_uint_eq(d, a);
	ck_assert_int_eq(ipaddr_cmp(knl_vtep_ip(&t, d), &z), 0);
	for (int i = 0; i < 100; i++) { /* growth keeps the ids and addresses */
		struct ipaddr v = ip("10.254.0.0");
		knl_vtep_id id;

		v.bytes[2] = (uint8_t)i;
		v.bytes[3] = 1;
		ck_assert_int_eq(knl_vtep_get(&t, &v, &id), 0);
	}
	ck_assert_uint_eq(knl_vtep_find(&t, &y), c);
	ck_assert_uint_eq(knl_vtep_count(&t), 102);
	knl_vteps_free(&t);
}
END_TEST

/*
 * Ids are 16 bits: past the last one a new address is refused (ENOSPC),
 * known ones still get references, and a freed id is handed out again.
 */
START_TEST(vteps_full)
{
	struct knl_vteps t;
	struct ipaddr x = ip("10.255.0.1"), v = ip("10.254.0.0");
	knl_vtep_id id, first = 0;

	knl_vteps_init(&t);
	ck_assert_uint_eq(t.max, 65535);
	t.max = 40; /* the same refusal as at 65535, with fewer addresses */
	for (int i = 0; i < 40; i++) {
		v.bytes[3] = (uint8_t)(i + 1);
		ck_assert_int_eq(knl_vtep_get(&t, &v, &id), 0);
		ck_assert_uint_eq(id, i + 1);
		if (i == 0)
			first = id;
	}
	errno = 0;
	ck_assert_int_eq(knl_vtep_get(&t, &x, &id), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_uint_eq(knl_vtep_count(&t), 40);
	v.bytes[3] = 1;
	ck_assert_int_eq(knl_vtep_get(&t, &v, &id), 0); /* known: one more reference */
	ck_assert_uint_eq(id, first);
	v.bytes[3] = 2;
	knl_vtep_put(&t, knl_vtep_find(&t, &v));
	ck_assert_int_eq(knl_vtep_get(&t, &x, &id), 0);
	ck_assert_uint_eq(id, 2);
	knl_vteps_free(&t);
}
END_TEST

/*
 * A MAC moving to a VTEP that gets no id (all in use) is removed rather
 * than left pointing at the old VTEP; once an id is free it installs.
 */
START_TEST(vteps_full_request)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1"), y = ip("10.255.0.2");
	struct mac m = mac("02:aa:00:00:00:01");
	const char *t;

	if (!netns())
		return;
	make_vni(100, "172.16.0.254/24");
	base = event_base_new();
	k = start(base, false);
	kernel_mac_add(k, 100, &m, &x, false);
	k->ops->flush(k);
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"), "%s", t);
	((struct knl *)k)->vteps.max = 1; /* x has id 1: no id for y */
	kernel_mac_add(k, 100, &m, &y, false);
	k->ops->flush(k);
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(!strstr(t, "02:aa:00:00:00:01"), "%s", t);
	((struct knl *)k)->vteps.max = KNL_VTEP_MAX;
	kernel_mac_add(k, 100, &m, &y, false);
	k->ops->flush(k);
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.2 self extern_learn"), "%s", t);
	ck_assert_uint_eq(k->stats.errors, 0);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

/* Deletions held around a stale sweep: sent late, or never when wanted again. */
START_TEST(held_deletes)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1"), i1 = ip("172.16.0.1");
	struct mac m = mac("02:aa:00:00:00:01");
	uint64_t sent;
	const char *t;
	double t0;

	if (!netns())
		return;
	make_vni(100, "172.16.0.254/24");
	base = event_base_new();
	k = start(base, false);
	kernel_flood_add(k, 100, &x);
	kernel_mac_add(k, 100, &m, &x, false);
	kernel_neigh_add(k, 100, &i1, &m);
	k->ops->flush(k);
	sent = k->stats.sent;
	t0 = now_s();
	kernel_hold_deletes(k, 1500);
	kernel_mac_del(k, 100, &m);
	kernel_neigh_del(k, 100, &i1);
	kernel_flood_del(k, 100, &x);
	kernel_hold_deletes(k, 0);
	kernel_flood_del(k, 100, &x); /* again, outside the hold: still held */
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.sent, sent);
	ck_assert_uint_eq(k->stats.held_deletes, 3);
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"), "%s", t);
	kernel_mac_add(k, 100, &m, &x, false); /* back before its hold is over */
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.sent, sent);
	ck_assert_uint_eq(k->stats.held_cancelled, 1);
	run_loop(base, 50);
	t = out("ip neigh show dev br100");
	ck_assert_msg(has_line(t, NEIGH_I1), "%s", t); /* not yet */
	/* gone once the hold is over: never earlier (a busy machine only delays it) */
	for (int i = 0; i < 100 && strstr(out("ip neigh show dev br100"), "172.16.0.1 "); i++)
		run_loop(base, 50);
	ck_assert_double_ge(now_s() - t0, 1.45); /* ms timers: 1 ms of rounding */
	k->ops->flush(k);
	t = out("ip neigh show dev br100");
	ck_assert_msg(!strstr(t, "172.16.0.1 "), "%s", t);
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(!strstr(t, "00:00:00:00:00:00 dst 10.255.0.1"), "%s", t);
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"), "%s", t);
	ck_assert_uint_eq(k->stats.errors, 0);
	ck_assert_uint_eq(k->stats.retries, 0);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

/* The i-th MAC of a numbered set: 02:tag:00:00:hi:lo. */
static struct mac mac_n(uint8_t tag, unsigned i)
{
	return (struct mac){{0x02, tag, 0, 0, (uint8_t)(i >> 8), (uint8_t)i}};
}

/*
 * Many held deletions of different holds, some cancelled: each goes when
 * its own hold is over (the waits are a heap: not in the order they came).
 */
START_TEST(held_deletes_many)
{
	enum { N = 1000 };
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1");
	const char *t;

	if (!netns())
		return;
	make_vni(100, "172.16.0.254/24");
	base = event_base_new();
	k = start(base, false);
	for (unsigned i = 0; i < 3 * N; i++) {
		struct mac m = mac_n(0xdd, i);

		kernel_mac_add(k, 100, &m, &x, false);
	}
	k->ops->flush(k);
	kernel_hold_deletes(k, 2500); /* 0..N-1: long, every other one wanted again */
	for (unsigned i = 0; i < N; i++) {
		struct mac m = mac_n(0xdd, i);

		kernel_mac_del(k, 100, &m);
	}
	kernel_hold_deletes(k, 200); /* N..2N-1: short; 2N..3N-1 stay */
	for (unsigned i = N; i < 2 * N; i++) {
		struct mac m = mac_n(0xdd, i);

		kernel_mac_del(k, 100, &m);
	}
	kernel_hold_deletes(k, 0);
	for (unsigned i = 0; i < N; i += 2) {
		struct mac m = mac_n(0xdd, i);

		kernel_mac_add(k, 100, &m, &x, false);
	}
	ck_assert_uint_eq(k->stats.held_deletes, 2 * N);
	ck_assert_uint_eq(k->stats.held_cancelled, N / 2);
	ck_assert_uint_eq(knl_of(k)->waits.n, N + N / 2);
	for (int i = 0; i < 100 && knl_of(k)->waits.n > N / 2; i++)
		run_loop(base, 20);
	k->ops->flush(k);
	ck_assert_uint_eq(knl_of(k)->waits.n, N / 2); /* only the long ones wait */
	t = out("bridge fdb show dev vxlan100 | grep -c 'dst 10.255.0.1 self extern_learn'");
	ck_assert_int_eq(atoi(t), 2 * N);
	for (int i = 0; i < 200 && knl_of(k)->waits.n; i++)
		run_loop(base, 20);
	k->ops->flush(k);
	t = out("bridge fdb show dev vxlan100 | grep -c 'dst 10.255.0.1 self extern_learn'");
	ck_assert_int_eq(atoi(t), N + N / 2);
	t = out("bridge fdb show dev vxlan100 | grep -c '^02:dd:00:00:0[0-3]:.. dst'");
	ck_assert_int_eq(atoi(t), N / 2); /* 0..N-1: the even ones */
	t = out("bridge fdb show dev vxlan100 | grep -c '^02:dd:00:00:00:01 '");
	ck_assert_int_eq(atoi(t), 0);
	t = out("bridge fdb show dev vxlan100 | grep -c '^02:dd:00:00:00:00 dst'");
	ck_assert_int_eq(atoi(t), 1);
	t = out("bridge fdb show dev vxlan100 | grep -c '^02:dd:00:00:04:00 '"); /* 1024: short */
	ck_assert_int_eq(atoi(t), 0);
	t = out("bridge fdb show dev vxlan100 | grep -c '^02:dd:00:00:0b:b7 dst'"); /* 2999 */
	ck_assert_int_eq(atoi(t), 1);
	ck_assert_uint_le(knl_of(k)->waits.cap, KNL_WAITS_FIRST); /* given back */
	ck_assert_uint_eq(k->stats.errors, 0);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(idempotent)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1");
	struct mac m = mac("02:aa:00:00:00:01");

	if (!netns())
		return;
	make_vni(100, NULL);
	base = event_base_new();
	k = start(base, false);
	kernel_mac_add(k, 100, &m, &x, false);
	kernel_mac_add(k, 100, &m, &x, false); /* while the first is in flight */
	k->ops->flush(k);
	kernel_mac_add(k, 100, &m, &x, false); /* once installed */
	kernel_flood_add(k, 100, &x);
	kernel_flood_add(k, 100, &x);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.requests, 5);
	ck_assert_uint_eq(k->stats.sent, 2);
	ck_assert_uint_eq(k->stats.batches, 2);
	ck_assert_uint_eq(k->stats.queue_depth, 0);
	kernel_mac_del(k, 100, &m);
	kernel_mac_del(k, 100, &m);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.sent, 4); /* one delete: bridge part and VXLAN part */
	ck_assert_uint_eq(k->stats.errors, 0);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(queued_until_vni)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1"), i1 = ip("172.16.0.1");
	struct mac m = mac("02:aa:00:00:00:01");
	const char *t;

	if (!netns())
		return;
	base = event_base_new();
	k = start(base, false);
	kernel_flood_add(k, 300, &x);
	kernel_mac_add(k, 300, &m, &x, false);
	kernel_neigh_add(k, 300, &i1, &m);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.sent, 0);
	make_vni(300, NULL);
	run_loop(base, 100);
	t = out("bridge fdb show dev vxlan300");
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"), "%s", t);
	ck_assert_msg(has_line(t, "00:00:00:00:00:00 dst 10.255.0.1 self permanent"), "%s", t);
	/* the neighbour waits for an SVI, and says so */
	ck_assert(log_has("vni 300: neighbour 172.16.0.1", "no SVI"));
	sh("ip addr add 172.16.0.254/24 dev br300");
	run_loop(base, 100);
	t = out("ip neigh show dev br300");
	ck_assert_msg(has_line(t, NEIGH_I1), "%s", t);
	/* the VXLAN device is re-created: everything is installed again */
	sh("ip link del vxlan300");
	run_loop(base, 50);
	sh("ip link add vxlan300 type vxlan id 300 local 10.0.0.1 dstport 4789 nolearning");
	sh("ip link set vxlan300 master br300 && ip link set vxlan300 up");
	run_loop(base, 100);
	t = out("bridge fdb show dev vxlan300");
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"), "%s", t);
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 extern_learn master br300"), "%s", t);
	ck_assert_msg(has_line(t, "00:00:00:00:00:00 dst 10.255.0.1 self permanent"), "%s", t);
	ck_assert_uint_eq(k->stats.errors, 0);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(error_logged_and_retried)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1");
	struct mac m = mac("02:aa:00:00:00:01");

	if (!netns())
		return;
	make_vni(100, NULL);
	base = event_base_new();
	k = start(base, false);
	kernel_mac_add(k, 100, &m, &x, false);
	/* the device goes before the request is sent: the kernel refuses it */
	sh("ip link del vxlan100");
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.errors, 1);
	ck_assert_msg(log_has("vni 100: FDB 02:aa:00:00:00:01 dst 10.255.0.1: add refused",
			      "No such device"), "%s", R.log[0]);
	run_loop(base, 100);
	ck_assert_uint_eq(R.vni_dels, 1);
	sh("ip link add vxlan100 type vxlan id 100 local 10.0.0.1 dstport 4789 nolearning");
	sh("ip link set vxlan100 master br100 && ip link set vxlan100 up");
	/* retried (20 ms, doubling) or re-sent for the new device: soon, whatever the load */
	ck_assert_msg(loop_until_line(base, "bridge fdb show dev vxlan100",
				      "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn", 5000),
		      "%s", out("bridge fdb show dev vxlan100"));
	ck_assert_uint_eq(k->stats.errors, 1);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

/* ---- local learning -------------------------------------------------- */

START_TEST(local_learning)
{
	struct event_base *base;
	struct kernel *k;
	char buf[IPADDR_STRLEN];

	if (!netns())
		return;
	make_vni(100, "172.16.0.254/24");
	add_port("br100");
	sh("bridge fdb add 02:00:00:00:00:01 dev veth0 master static");
	base = event_base_new();
	k = start(base, true);
	/* the state at start is reported before kernel_nl_new returns */
	ck_assert_int_eq(R.mac_adds, 1);
	ck_assert_mem_eq(R.mac.mac.octet, "\x02\x00\x00\x00\x00\x01", 6);
	ck_assert(R.mac.is_static);
	ck_assert_uint_eq(R.mac.vni, 100);
	sh("bridge fdb add 02:00:00:00:00:02 dev veth0 master dynamic");
	run_loop(base, 50);
	ck_assert_int_eq(R.mac_adds, 2);
	ck_assert_mem_eq(R.mac.mac.octet, "\x02\x00\x00\x00\x00\x02", 6);
	ck_assert(!R.mac.is_static);
	ck_assert_int_ne(R.mac.ifindex, 0);
	sh("bridge fdb add 02:00:00:00:00:03 dev veth0 master"); /* permanent: not advertised */
	run_loop(base, 50);
	ck_assert_int_eq(R.mac_adds, 2);
	sh("bridge fdb del 02:00:00:00:00:01 dev veth0 master");
	run_loop(base, 50);
	ck_assert_int_eq(R.mac_dels, 1);
	ck_assert_mem_eq(R.mac.mac.octet, "\x02\x00\x00\x00\x00\x01", 6);
	sh("ip neigh add 172.16.0.5 lladdr 02:00:00:00:00:02 dev br100 nud reachable");
	run_loop(base, 50);
	ck_assert_int_eq(R.neigh_adds, 1);
	ck_assert_str_eq(ipaddr_fmt(&R.neigh.ip, buf), "172.16.0.5");
	ck_assert_mem_eq(R.neigh.mac.octet, "\x02\x00\x00\x00\x00\x02", 6);
	ck_assert_uint_eq(R.neigh.vni, 100);
	sh("ip neigh del 172.16.0.5 dev br100");
	run_loop(base, 50);
	ck_assert_int_eq(R.neigh_dels, 1);
	/* our own extern_learn entries are not local */
	{
		struct ipaddr x = ip("10.255.0.1"), i = ip("172.16.0.9");
		struct mac m = mac("02:aa:00:00:00:09");

		kernel_mac_add(k, 100, &m, &x, false);
		kernel_neigh_add(k, 100, &i, &m);
		k->ops->flush(k);
		run_loop(base, 50);
		ck_assert_int_eq(R.mac_adds, 2);
		ck_assert_int_eq(R.neigh_adds, 1);
		ck_assert_int_eq(R.lost, 0);
		/* the remote MAC shows up locally: a local MAC, and ours is lost */
		sh("bridge fdb replace 02:aa:00:00:00:09 dev veth0 master static");
		run_loop(base, 50);
		ck_assert_int_eq(R.mac_adds, 3);
		ck_assert_mem_eq(R.mac.mac.octet, m.octet, 6);
		ck_assert_int_eq(R.lost, 1);
		ck_assert_mem_eq(R.lost_mac.octet, m.octet, 6);
	}
	kernel_free(k);
	event_base_free(base);
}
END_TEST

/* ---- reconciliation -------------------------------------------------- */

START_TEST(restart_reconcile)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1"), y = ip("10.255.0.2");
	struct ipaddr i1 = ip("172.16.0.1"), i2 = ip("172.16.0.2");
	struct mac a = mac("02:aa:00:00:00:01"), b = mac("02:aa:00:00:00:02");
	struct mac c = mac("02:aa:00:00:00:03");
	const char *t;

	if (!netns())
		return;
	make_vni(100, "172.16.0.254/24");
	base = event_base_new();
	k = start(base, false);
	kernel_flood_add(k, 100, &x);
	kernel_flood_add(k, 100, &y);
	kernel_mac_add(k, 100, &a, &x, false);
	kernel_mac_add(k, 100, &b, &y, false);
	kernel_neigh_add(k, 100, &i1, &a);
	kernel_neigh_add(k, 100, &i2, &b);
	kernel_mac_add(k, 100, &c, &y, true);
	k->ops->flush(k);
	kernel_free(k); /* a restart: nothing is flushed */
	t = out("bridge fdb show dev vxlan100 | grep -c 'dst 10.255'");
	ck_assert_str_eq(t, "5\n");
	k = start(base, false);
	ck_assert(log_has("2 flood entries, 3 remote MACs, 2 neighbours", NULL));
	/* asked again, identically: nothing sent */
	kernel_flood_add(k, 100, &x);
	kernel_mac_add(k, 100, &a, &x, false);
	kernel_mac_add(k, 100, &c, &y, true);
	kernel_neigh_add(k, 100, &i1, &a);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.sent, 0);
	/* asked differently: replaced */
	kernel_mac_add(k, 100, &b, &x, false);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.sent, 1);
	k->ops->sweep_stale(k);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.stale_swept, 2); /* flood y, neighbour i2 */
	ck_assert_uint_eq(k->stats.errors, 0);
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(has_line(t, "00:00:00:00:00:00 dst 10.255.0.1 self permanent"), "%s", t);
	ck_assert_msg(!strstr(t, "00:00:00:00:00:00 dst 10.255.0.2"), "%s", t);
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"), "%s", t);
	ck_assert_msg(has_line(t, "02:aa:00:00:00:02 dst 10.255.0.1 self extern_learn"), "%s", t);
	ck_assert_msg(has_line(t, "02:aa:00:00:00:03 dst 10.255.0.2 self sticky static"), "%s", t);
	t = out("ip neigh show dev br100");
	ck_assert_msg(has_line(t, NEIGH_I1), "%s", t);
	ck_assert_msg(!strstr(t, "172.16.0.2 "), "%s", t);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(down_up_reinstalls)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1"), i1 = ip("172.16.0.1");
	struct mac m = mac("02:aa:00:00:00:01");
	const char *t;

	if (!netns())
		return;
	make_vni(100, "172.16.0.254/24");
	base = event_base_new();
	k = start(base, false);
	kernel_flood_add(k, 100, &x);
	kernel_mac_add(k, 100, &m, &x, false);
	kernel_neigh_add(k, 100, &i1, &m);
	k->ops->flush(k);
	/* a down flushes extern_learn FDB and neighbour entries */
	sh("ip link set vxlan100 down && ip link set br100 down");
	run_loop(base, 50);
	sh("ip link set br100 up && ip link set vxlan100 up");
	ck_assert(loop_until_line(base, "ip neigh show dev br100", NEIGH_I1, 5000));
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"), "%s", t);
	ck_assert_msg(has_line(t, "00:00:00:00:00:00 dst 10.255.0.1 self permanent"), "%s", t);
	t = out("ip neigh show dev br100");
	ck_assert_msg(has_line(t, NEIGH_I1), "%s", t);
	ck_assert_int_eq(R.lost, 0); /* not "someone else": the device did it */
	ck_assert_uint_eq(k->stats.errors, 0);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

/*
 * Requests for three VNIs with no device yet wait; the devices appear, go
 * down and come up: every VNI's objects are asked for again each time
 * (knl_vnis_objs_reset, one walk for the VNIs of a refresh).
 */
START_TEST(many_vnis_reset)
{
	static const vni_t vnis[] = {100, 200, 300};
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1");
	char down[512] = "true", up[512] = "true";

	if (!netns())
		return;
	base = event_base_new();
	k = start(base, false);
	for (int i = 0; i < 3; i++) {
		struct mac m = {{0x02, 0xaa, 0, 0, 0, (uint8_t)(i + 1)}};

		kernel_flood_add(k, vnis[i], &x);
		kernel_mac_add(k, vnis[i], &m, &x, false);
		snprintf(down + strlen(down), sizeof(down) - strlen(down),
			 " && ip link set vxlan%u down && ip link set br%u down", vnis[i], vnis[i]);
		snprintf(up + strlen(up), sizeof(up) - strlen(up),
			 " && ip link set br%u up && ip link set vxlan%u up", vnis[i], vnis[i]);
	}
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.sent, 0); /* parked: no device */
	for (int round = 0; round < 2; round++) {
		if (round == 0) {
			for (int i = 0; i < 3; i++)
				make_vni(vnis[i], NULL);
		} else {
			sh("%s", down);
			run_loop(base, 50);
			sh("%s", up);
		}
		ck_assert(loop_until_line(base, "bridge fdb show dev vxlan300",
					  "02:aa:00:00:00:03 dst 10.255.0.1 self extern_learn", 5000));
		run_until_settled(base, k, 5000);
		for (int i = 0; i < 3; i++) {
			const char *t = out("bridge fdb show dev vxlan%u", vnis[i]);
			char line[128];

			snprintf(line, sizeof(line),
				 "02:aa:00:00:00:%02x dst 10.255.0.1 self extern_learn", i + 1);
			ck_assert_msg(has_line(t, line), "round %d, vxlan%u: %s", round, vnis[i], t);
			ck_assert_msg(has_line(t, "00:00:00:00:00:00 dst 10.255.0.1 self permanent"),
				      "round %d, vxlan%u: %s", round, vnis[i], t);
		}
	}
	ck_assert_int_eq(R.lost, 0);
	ck_assert_uint_eq(k->stats.errors, 0);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(resync_rereads)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1");
	struct mac m = mac("02:aa:00:00:00:01");

	if (!netns())
		return;
	make_vni(100, NULL);
	add_port("br100");
	base = event_base_new();
	k = start(base, true);
	kernel_mac_add(k, 100, &m, &x, false);
	k->ops->flush(k);
	run_loop(base, 50);
	/* changes whose events are not read: a resync finds them */
	sh("bridge fdb del 02:aa:00:00:00:01 dev vxlan100 self");
	sh("bridge fdb add 02:00:00:00:00:07 dev veth0 master dynamic");
	k->ops->resync(k);
	ck_assert_uint_eq(k->stats.resyncs, 1);
	ck_assert_int_eq(R.lost, 1);
	ck_assert_int_eq(R.mac_adds, 1);
	ck_assert_mem_eq(R.mac.mac.octet, "\x02\x00\x00\x00\x00\x07", 6);
	run_loop(base, 50); /* the late events change nothing */
	ck_assert_int_eq(R.lost, 1);
	ck_assert_int_eq(R.mac_adds, 1);
	/* the logic asks again: installed again */
	kernel_mac_add(k, 100, &m, &x, false);
	k->ops->flush(k);
	ck_assert(has_line(out("bridge fdb show dev vxlan100"),
			   "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"));
	kernel_free(k);
	event_base_free(base);
}
END_TEST

/* ---- volume ---------------------------------------------------------- */

START_TEST(ten_thousand)
{
	enum { N = 10000 };
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1");
	double t0, t1, t2;
	const char *t;

	if (!netns())
		return;
	make_vni(100, "172.16.0.254/16");
	base = event_base_new();
	k = start(base, false);
	t0 = now_s();
	for (unsigned i = 0; i < N; i++) {
		struct mac m = {{0x02, 0xcc, 0, 0, (uint8_t)(i >> 8), (uint8_t)i}};

		kernel_mac_add(k, 100, &m, &x, false);
	}
	k->ops->flush(k);
	t1 = now_s();
	for (unsigned i = 0; i < N; i++) {
		struct mac m = {{0x02, 0xcc, 0, 0, (uint8_t)(i >> 8), (uint8_t)i}};
		struct ipaddr a = ip("172.16.0.0");

		a.v4.s_addr = htonl(ntohl(a.v4.s_addr) + 1 + i);
		kernel_neigh_add(k, 100, &a, &m);
	}
	k->ops->flush(k);
	t2 = now_s();
	fprintf(stderr, "test_kernel_nl: %d mac_add in %.3f s (%.0f/s), %d neigh_add in %.3f s "
		"(%.0f/s), %llu batches\n", N, t1 - t0, N / (t1 - t0), N, t2 - t1, N / (t2 - t1),
		(unsigned long long)k->stats.batches);
	ck_assert_uint_eq(k->stats.errors, 0);
	ck_assert_uint_eq(k->stats.sent, 2 * N);
	t = out("bridge fdb show dev vxlan100 | grep -c 'extern_learn'");
	ck_assert_int_eq(atoi(t), 2 * N);
	t = out("ip neigh show dev br100 | grep -c 'extern_learn'");
	ck_assert_int_eq(atoi(t), N);
	run_loop(base, 100);
	ck_assert_uint_eq(k->stats.resyncs, 0);
	ck_assert_int_eq(R.lost, 0);
	/* the burst's request buffer and FIFO went back to their first sizes */
	ck_assert_uint_le(knl_of(k)->out.cap, KNL_OUT_FIRST);
	ck_assert_uint_le(knl_of(k)->fifo.cap, KNL_FIFO_FIRST);
	/* someone else removes 300 of them at once: each reported, the list given back */
	sh("for i in $(seq 0 299); do printf 'fdb del 02:cc:00:00:%%02x:%%02x dev vxlan100 self\\n' "
	   "$((i >> 8)) $((i & 255)); done | bridge -batch -");
	run_loop(base, 200);
	ck_assert_uint_eq(k->stats.resyncs, 0);
	ck_assert_int_eq(R.lost, 300);
	ck_assert_uint_eq(knl_of(k)->lost.n, 0);
	ck_assert_uint_le(knl_of(k)->lost.cap, KNL_LOST_FIRST);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

/*
 * A remote MAC+IP installed over a local MAC and neighbour replaces them:
 * the logic hears that the local ones are gone, from the acknowledgement
 * even when the echo is filtered (here: a bulk install of 3000 more).
 */
START_TEST(local_displaced_by_remote)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1"), a = ip("172.16.0.5");
	struct mac h = mac("02:00:00:00:00:05");
	const char *t;

	if (!netns())
		return;
	make_vni(100, "172.16.0.254/16");
	add_port("br100");
	sh("bridge fdb add 02:00:00:00:00:05 dev veth0 master dynamic");
	sh("ip neigh add 172.16.0.5 lladdr 02:00:00:00:00:05 dev br100 nud reachable");
	base = event_base_new();
	k = start(base, true);
	ck_assert_int_eq(R.mac_adds, 1);
	ck_assert_int_eq(R.neigh_adds, 1);
	for (unsigned i = 0; i < 3000; i++) {
		struct mac m = {{0x02, 0xcc, 0, 0, (uint8_t)(i >> 8), (uint8_t)i}};

		kernel_mac_add(k, 100, &m, &x, false);
	}
	kernel_mac_add(k, 100, &h, &x, false);
	kernel_neigh_add(k, 100, &a, &h);
	run_until_settled(base, k, 10000);
	ck_assert_uint_eq(k->stats.errors, 0);
	ck_assert_uint_eq(k->stats.echo_filtered, 1);
	ck_assert_int_eq(R.mac_dels, 1);
	ck_assert_mem_eq(R.mac.mac.octet, h.octet, 6);
	ck_assert_int_eq(R.neigh_dels, 1);
	ck_assert_int_eq(ipaddr_cmp(&R.neigh.ip, &a), 0);
	ck_assert_int_eq(R.lost, 0);
	t = out("bridge fdb show br br100 | grep 02:00:00:00:00:05");
	ck_assert_msg(strstr(t, "dev vxlan100") && !strstr(t, "dev veth0"), "%s", t);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

/*
 * The writer thread (as evpnd runs): requests queued between loop turns are
 * sent by it, several chunks deep, and settled on the loop's thread; a
 * flush waits for it.  With the acknowledgement socket shrunk, the kernel
 * drops most acknowledgements: those requests count as lost and are
 * retried until everything is settled, nothing given up.
 */
START_TEST(writer_thread)
{
	enum { N = 20000 };
	struct kernel_cfg cfg = {.events = &EVENTS, .writer_thread = true};
	struct ipaddr x = ip("10.255.0.1");
	struct event_base *base;
	struct kernel *k;
	int small = 4096;
	const char *t;

	if (!netns())
		return;
	make_vni(100, "172.16.0.254/16");
	cfg.base = base = event_base_new();
	k = kernel_nl_new(&cfg);
	ck_assert_ptr_nonnull(k);
	for (unsigned i = 0; i < N; i++) {
		struct mac m = {{0x02, 0xcc, 0, 0, (uint8_t)(i >> 8), (uint8_t)i}};

		kernel_mac_add(k, 100, &m, &x, false);
	}
	ck_assert(!knl_of(k)->w.started); /* not before the loop runs */
	run_until_settled(base, k, 10000);
	ck_assert(knl_of(k)->w.started);
	ck_assert_uint_eq(k->stats.errors, 0);
	ck_assert_uint_eq(k->stats.sent, N);
	ck_assert_uint_ge(k->stats.batches, 4); /* more than one window's worth */
	ck_assert_uint_eq(k->stats.queue_depth, 0);
	t = out("bridge fdb show dev vxlan100 | grep -c 'extern_learn'");
	ck_assert_int_eq(atoi(t), 2 * N);
	/* a bulk install: the echoes of its adds were filtered, and the filter is off again */
	ck_assert_uint_eq(k->stats.echo_filtered, 1);
	ck_assert_uint_lt(k->stats.events, N / 2);
	ck_assert(!knl_of(k)->echo_filtered);
	sh("bridge fdb replace 02:cc:00:00:00:07 dev vxlan100 dst 10.255.0.9 self extern_learn");
	run_loop(base, 50);
	ck_assert_int_eq(R.lost, 1); /* unfiltered again: a rewrite by hand is seen */

	/* acknowledgements lost: the deletions are retried, none given up */
	ck_assert_int_eq(setsockopt(knl_of(k)->req.fd, SOL_SOCKET, SO_RCVBUF, &small,
				    sizeof(small)), 0);
	for (unsigned i = 0; i < N; i++) {
		struct mac m = {{0x02, 0xcc, 0, 0, (uint8_t)(i >> 8), (uint8_t)i}};

		kernel_mac_del(k, 100, &m);
	}
	k->ops->flush(k); /* waits for the thread */
	ck_assert_uint_eq(knl_of(k)->w.queued, 0);
	ck_assert_uint_eq(knl_of(k)->fifo.n, 0); /* each acknowledged or counted lost */
	ck_assert_uint_gt(k->stats.errors, 0);
	ck_assert(log_has("vni 100", "acknowledgement lost"));
	small = 16 << 20;
	setsockopt(knl_of(k)->req.fd, SOL_SOCKET, SO_RCVBUFFORCE, &small, sizeof(small));
	run_until_settled(base, k, 20000);
	ck_assert_uint_gt(k->stats.retries, 0);
	ck_assert_uint_eq(k->stats.queue_depth, 0);
	ck_assert_uint_eq(knl_of(k)->waits.n, 0);
	t = out("bridge fdb show dev vxlan100 | grep -c 'extern_learn' || true");
	ck_assert_int_eq(atoi(t), 0);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

static Suite *kernel_nl_suite(void)
{
	Suite *s = suite_create("kernel_nl");
	TCase *tc = tcase_create("netns");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, discovery_at_start);
	tcase_add_test(tc, vni_by_event);
	tcase_add_test(tc, remote_entries);
	tcase_add_test(tc, vteps_interned);
	tcase_add_test(tc, vteps_full);
	tcase_add_test(tc, vteps_full_request);
	tcase_add_test(tc, out_buffer_given_back);
	tcase_add_test(tc, idempotent);
	tcase_add_test(tc, held_deletes);
	tcase_add_test(tc, held_deletes_many);
	tcase_add_test(tc, queued_until_vni);
	tcase_add_test(tc, error_logged_and_retried);
	tcase_add_test(tc, local_learning);
	tcase_add_test(tc, restart_reconcile);
	tcase_add_test(tc, down_up_reinstalls);
	tcase_add_test(tc, many_vnis_reset);
	tcase_add_test(tc, resync_rereads);
	tcase_add_test(tc, ten_thousand);
	tcase_add_test(tc, writer_thread);
	tcase_add_test(tc, local_displaced_by_remote);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(kernel_nl_suite());
}
