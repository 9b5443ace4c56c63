/*
 * test_kernel_nl.c - Check suite for the netlink kernel module
 * (src/kernel_nl*.c), against the real kernel.
 *
 * Every test enters a network namespace of its own (unshare(CLONE_NEWNET) in
 * the test's forked child), builds devices there with ip(8)/bridge(8) and
 * reads the result back the same way, so the host's namespace is never
 * touched.  Needs root (CAP_NET_ADMIN); without it the tests pass vacuously
 * with a message.
 */
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <event2/event.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "kernel.h"
#include "kernel_nl_priv.h" /* knl_audit, knl_link_msg: what events cannot show here */
#include "log.h"
#include "testutil.h"

/* ---- harness --------------------------------------------------------- */

/* What `ip neigh show dev brV` prints for evpnd's neighbour 172.16.0.1. */
#define NEIGH_I1 "172.16.0.1 lladdr 02:aa:00:00:00:01 extern_learn NOARP proto 181"

#define MAX_LOG 64
#define MAX_REV 64

struct rec {
	int vni_adds, vni_dels, mac_adds, mac_dels, neigh_adds, neigh_dels, lost;
	struct kernel_vni vni[4]; /* last report per slot: vni 100, 200, 300, other */
	struct kernel_mac mac;	  /* last mac_add/mac_del */
	struct kernel_neigh neigh;
	vni_t last_del;
	struct mac lost_mac;
	char log[MAX_LOG][256];
	int nlog;
	struct kernel_route rev[MAX_REV]; /* route events, in order */
	bool rev_add[MAX_REV];
	int nrev;
};

static struct rec R;

static int vni_slot(vni_t v)
{
	return v == 100 ? 0 : v == 200 ? 1 : v == 300 ? 2 : 3;
}

static void on_vni_add(void *arg, const struct kernel_vni *v)
{
	R.vni_adds++;
	R.vni[vni_slot(v->vni)] = *v;
}

static void on_vni_del(void *arg, vni_t vni)
{
	R.vni_dels++;
	R.last_del = vni;
}

static void on_mac_add(void *arg, const struct kernel_mac *m)
{
	R.mac_adds++;
	R.mac = *m;
}

static void on_mac_del(void *arg, const struct kernel_mac *m)
{
	R.mac_dels++;
	R.mac = *m;
}

static void on_neigh_add(void *arg, const struct kernel_neigh *n)
{
	R.neigh_adds++;
	R.neigh = *n;
}

static void on_neigh_del(void *arg, const struct kernel_neigh *n)
{
	R.neigh_dels++;
	R.neigh = *n;
}

static void on_lost(void *arg, vni_t vni, const struct mac *m)
{
	R.lost++;
	R.lost_mac = *m;
}

static void on_route(const struct kernel_route *r, bool add)
{
	if (R.nrev < MAX_REV) {
		R.rev[R.nrev] = *r;
		R.rev_add[R.nrev++] = add;
	}
}

static void on_route_add(void *arg, const struct kernel_route *r)
{
	on_route(r, true);
}

static void on_route_del(void *arg, const struct kernel_route *r)
{
	on_route(r, false);
}

static const struct kernel_events EVENTS = {
	.vni_add = on_vni_add,
	.vni_del = on_vni_del,
	.mac_add = on_mac_add,
	.mac_del = on_mac_del,
	.neigh_add = on_neigh_add,
	.neigh_del = on_neigh_del,
	.remote_lost = on_lost,
	.route_add = on_route_add,
	.route_del = on_route_del,
};

/* Lines are kept for log_has(); KNL_TEST_LOG=1 also prints them. */
static void sink(enum log_level lvl, const char *line, void *arg)
{
	if (getenv("KNL_TEST_LOG"))
		fprintf(stderr, "%s\n", line);
	if (R.nlog < MAX_LOG)
		snprintf(R.log[R.nlog++], sizeof(R.log[0]), "%s", line);
}

static bool log_has(const char *a, const char *b)
{
	for (int i = 0; i < R.nlog; i++)
		if (strstr(R.log[i], a) && (!b || strstr(R.log[i], b)))
			return true;
	return false;
}

/* Enter a fresh network namespace; false (test passes vacuously) without root. */
static bool netns(void)
{
	memset(&R, 0, sizeof(R));
	log_set_sink(sink, NULL);
	log_set_level(LOG_LVL_INFO);
	if (geteuid() != 0 || unshare(CLONE_NEWNET) == -1) {
		fprintf(stderr, "test_kernel_nl: no CAP_NET_ADMIN/unshare, test skipped\n");
		return false;
	}
	return system("ip link set lo up") == 0;
}

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	ck_assert_msg(rc == 0, "command failed (%d): %s", rc, cmd);
}

/* Output of a command, in a static buffer. */
static const char *out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *out(const char *fmt, ...)
{
	static char buf[1 << 16];
	char cmd[1024];
	va_list ap;
	FILE *p;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(buf, 1, sizeof(buf) - 1, p);
	buf[n] = '\0';
	pclose(p);
	return buf;
}

/* Does the output of cmd contain a line starting with line (trailing blanks ignored)? */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

static void run_loop(struct event_base *base, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

/* br<vni> + vxlan<vni> (nolearning, neigh_suppress on), optionally an SVI address. */
static void make_vni(vni_t vni, const char *svi_addr)
{
	sh("ip link add br%u type bridge && ip link set br%u addr 02:b0:00:00:00:%02x", vni, vni,
	   vni & 0xff);
	sh("ip link add vxlan%u type vxlan id %u local 10.0.0.1 dstport 4789 nolearning", vni, vni);
	sh("ip link set vxlan%u master br%u && bridge link set dev vxlan%u neigh_suppress on", vni,
	   vni, vni);
	sh("ip link set br%u up && ip link set vxlan%u up", vni, vni);
	if (svi_addr)
		sh("ip addr add %s dev br%u", svi_addr, vni);
}

static struct kernel *start(struct event_base *base, bool learn)
{
	/* unit/test_kernel_nl-writer: the same cases with the writer thread */
	struct kernel_cfg cfg = {.base = base,
				 .events = &EVENTS,
				 .learn_local = learn,
				 .writer_thread = getenv("EVPND_TEST_WRITER") != NULL};
	struct kernel *k = kernel_nl_new(&cfg);

	ck_assert_ptr_nonnull(k);
	return k;
}

static struct ipaddr ip(const char *s)
{
	struct ipaddr a;

	ck_assert_int_eq(ipaddr_parse(s, &a), 0);
	return a;
}

static struct mac mac(const char *s)
{
	struct mac m;

	ck_assert_int_eq(mac_parse(s, &m), 0);
	return m;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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
	kernel_hold_deletes(k, 300);
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
	run_loop(base, 200);
	t = out("ip neigh show dev br100");
	ck_assert_msg(has_line(t, NEIGH_I1), "%s", t); /* not yet */
	run_loop(base, 400);
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
	const char *t;

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
	run_loop(base, 300);
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"), "%s", t);
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
	sh("ip link add veth0 type veth peer name veth1");
	/* a silent host side: nothing learned but what the test adds */
	sh("sysctl -qw net.ipv6.conf.veth1.disable_ipv6=1 net.ipv6.conf.veth0.disable_ipv6=1");
	sh("ip link set veth0 master br100 && ip link set veth0 up && ip link set veth1 up");
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
	run_loop(base, 100);
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

START_TEST(resync_rereads)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1");
	struct mac m = mac("02:aa:00:00:00:01");

	if (!netns())
		return;
	make_vni(100, NULL);
	sh("ip link add veth0 type veth peer name veth1");
	sh("sysctl -qw net.ipv6.conf.veth1.disable_ipv6=1 net.ipv6.conf.veth0.disable_ipv6=1");
	sh("ip link set veth0 master br100 && ip link set veth0 up && ip link set veth1 up");
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

/* ---- audit and repair ------------------------------------------------ */

/* The drift item of that kind and key (text), or NULL. */
static const struct kernel_drift *drift(const struct kernel_audit *a, enum kernel_drift_kind kind,
					const char *key)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].kind == kind && strcmp(a->v[i].key, key) == 0)
			return &a->v[i];
	return NULL;
}

static void drift_vni_is(const struct kernel_audit *a, enum kernel_drift_kind kind,
			 const char *key, vni_t vni, enum kernel_drift_problem p,
			 const char *expected, const char *found)
{
	const struct kernel_drift *d = drift(a, kind, key);

	ck_assert_msg(d, "no drift for %s %s (%zu items)", kernel_drift_kind_str(kind), key, a->n);
	ck_assert_str_eq(kernel_drift_problem_str(d->problem), kernel_drift_problem_str(p));
	ck_assert_uint_eq(d->vni, vni);
	ck_assert_str_eq(d->expected, expected);
	ck_assert_str_eq(d->found, found);
}

static void drift_is(const struct kernel_audit *a, enum kernel_drift_kind kind, const char *key,
		     enum kernel_drift_problem p, const char *expected, const char *found)
{
	drift_vni_is(a, kind, key, 100, p, expected, found);
}

/* VNI 100 with an SVI, a local port veth0, a local MAC and a local neighbour. */
static void make_audit_vni(void)
{
	make_vni(100, "172.16.0.254/24");
	sh("ip link add veth0 type veth peer name veth1");
	sh("sysctl -qw net.ipv6.conf.veth1.disable_ipv6=1 net.ipv6.conf.veth0.disable_ipv6=1");
	sh("ip link set veth0 master br100 && ip link set veth0 up && ip link set veth1 up");
	sh("bridge fdb add 02:00:00:00:00:01 dev veth0 master static");
	sh("ip neigh add 172.16.0.5 lladdr 02:00:00:00:00:01 dev br100 nud reachable");
}

/* Flood x, remote MAC a (dst x), sticky MAC s (dst x), neighbours i1 and fd00::1 -> a. */
static void install_audit_set(struct kernel *k)
{
	struct ipaddr x = ip("10.255.0.1"), i1 = ip("172.16.0.1"), i6 = ip("fd00::1");
	struct mac a = mac("02:aa:00:00:00:01"), s = mac("02:aa:00:00:00:02");

	kernel_flood_add(k, 100, &x);
	kernel_mac_add(k, 100, &a, &x, false);
	kernel_mac_add(k, 100, &s, &x, true);
	kernel_neigh_add(k, 100, &i1, &a);
	kernel_neigh_add(k, 100, &i6, &a);
}

START_TEST(audit_clean)
{
	struct event_base *base;
	struct kernel *k;
	struct kernel_audit a = {0};
	struct ipaddr x = ip("10.255.0.1"), i9 = ip("172.16.0.9");
	struct mac m = mac("02:aa:00:00:00:09");

	if (!netns())
		return;
	make_audit_vni();
	base = event_base_new();
	k = start(base, true);
	install_audit_set(k);
	/* not flushed: in flight, settled by the audit, not drift */
	ck_assert_int_eq(kernel_audit(k, false, &a), 0);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_uint_eq(a.checked, 5); /* the local MAC and neighbour are not compared */
	ck_assert_uint_eq(k->stats.errors, 0);
	/* a request parked for a VNI without a device is not drift either */
	kernel_mac_add(k, 300, &m, &x, false);
	kernel_neigh_add(k, 300, &i9, &m);
	run_loop(base, 50);
	ck_assert_int_eq(kernel_audit(k, true, &a), 0);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_uint_eq(a.checked, 10); /* grows: results are appended */
	ck_assert_uint_eq(k->stats.audit_runs, 2);
	ck_assert_uint_eq(k->stats.audit_drift, 0);
	ck_assert_uint_eq(k->stats.audit_repairs, 0);
	ck_assert(!log_has("audit:", NULL));
	kernel_audit_clear(&a);
	ck_assert_ptr_null(a.v);
	ck_assert_uint_eq(a.n + a.cap + a.checked, 0);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(audit_missing_repaired)
{
	struct event_base *base;
	struct kernel *k;
	struct kernel_audit a = {0};
	const char *t;

	if (!netns())
		return;
	make_audit_vni();
	base = event_base_new();
	k = start(base, true);
	install_audit_set(k);
	k->ops->flush(k);
	run_loop(base, 50);
	/* removed behind the module's back: a whole MAC, half a MAC, a neighbour */
	sh("bridge fdb del 02:aa:00:00:00:01 dev vxlan100 self");
	sh("bridge fdb del 02:aa:00:00:00:01 dev vxlan100 master");
	sh("bridge fdb del 02:aa:00:00:00:02 dev vxlan100 self");
	sh("ip neigh del 172.16.0.1 dev br100");
	run_loop(base, 50); /* the loss is seen and reported to the logic first */
	ck_assert_int_ge(R.lost, 1);
	/* a flood entry removed is put back by the event path, which the audit runs first */
	sh("bridge fdb del 00:00:00:00:00:00 dev vxlan100 dst 10.255.0.1 self");
	ck_assert_int_eq(kernel_audit(k, false, &a), 3);
	ck_assert_uint_eq(a.checked, 5);
	ck_assert_ptr_null(drift(&a, KERNEL_DRIFT_FLOOD, "10.255.0.1"));
	ck_assert(log_has("flood FDB 00:00:00:00:00:00 dst 10.255.0.1", "installing it again"));
	drift_is(&a, KERNEL_DRIFT_MAC, "02:aa:00:00:00:01", KERNEL_DRIFT_MISSING,
		 "dst 10.255.0.1", "-");
	drift_is(&a, KERNEL_DRIFT_MAC, "02:aa:00:00:00:02", KERNEL_DRIFT_WRONG,
		 "dst 10.255.0.1 sticky", "bridge entry only");
	drift_is(&a, KERNEL_DRIFT_NEIGH, "172.16.0.1", KERNEL_DRIFT_MISSING,
		 "lladdr 02:aa:00:00:00:01", "-");
	ck_assert(!a.v[0].repaired);
	ck_assert_uint_eq(k->stats.audit_repairs, 0);
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(!strstr(t, "02:aa:00:00:00:01"), "audit without repair changed: %s", t);
	/* with repair: back in the kernel, one log line each */
	kernel_audit_clear(&a);
	ck_assert_int_eq(kernel_audit(k, true, &a), 3);
	ck_assert(a.v[0].repaired && a.v[1].repaired && a.v[2].repaired);
	ck_assert_uint_eq(k->stats.audit_repairs, 3);
	ck_assert_uint_eq(k->stats.audit_drift, 6);
	ck_assert_uint_eq(k->stats.errors, 0);
	ck_assert(log_has("vni 100: audit: repaired missing FDB 02:aa:00:00:00:01: dst 10.255.0.1",
			  NULL));
	ck_assert(log_has("vni 100: audit: repaired wrong FDB 02:aa:00:00:00:02: dst 10.255.0.1 "
			  "sticky (found bridge entry only)", NULL));
	ck_assert(log_has("vni 100: audit: repaired missing neighbour 172.16.0.1", NULL));
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(has_line(t, "00:00:00:00:00:00 dst 10.255.0.1 self permanent"), "%s", t);
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"), "%s", t);
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 extern_learn master br100"), "%s", t);
	ck_assert_msg(has_line(t, "02:aa:00:00:00:02 dst 10.255.0.1 self sticky static"), "%s", t);
	ck_assert_msg(has_line(t, "02:aa:00:00:00:02 sticky master br100 static"), "%s", t);
	t = out("ip neigh show dev br100");
	ck_assert_msg(has_line(t, NEIGH_I1), "%s", t);
	/* the echoes of the repairs are no loss, and nothing is left */
	int lost = R.lost;

	run_loop(base, 50);
	ck_assert_int_eq(R.lost, lost);
	kernel_audit_clear(&a);
	ck_assert_int_eq(kernel_audit(k, false, &a), 0);
	ck_assert_uint_eq(a.checked, 5);
	kernel_audit_clear(&a);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(audit_extra_removed)
{
	struct event_base *base;
	struct kernel *k;
	struct kernel_audit a = {0};
	const char *t;

	if (!netns())
		return;
	make_audit_vni();
	base = event_base_new();
	k = start(base, true);
	install_audit_set(k);
	k->ops->flush(k);
	/* marked as evpnd's, never asked for */
	sh("bridge fdb add 02:aa:00:00:00:77 dev vxlan100 dst 10.255.0.9 self extern_learn");
	sh("bridge fdb add 02:aa:00:00:00:77 dev vxlan100 master extern_learn");
	sh("bridge fdb append 00:00:00:00:00:00 dev vxlan100 dst 10.255.0.9 self permanent");
	sh("ip neigh add 172.16.0.77 lladdr 02:aa:00:00:00:77 dev br100 extern_learn nud noarp");
	/* local, not evpnd's: never reported nor touched */
	sh("bridge fdb add 02:00:00:00:00:02 dev veth0 master dynamic");
	sh("ip neigh add 172.16.0.6 lladdr 02:00:00:00:00:02 dev br100 nud permanent");
	sh("bridge fdb add 02:00:00:00:00:03 dev vxlan100 dst 10.255.0.8 self static");
	run_loop(base, 50);
	ck_assert_int_eq(kernel_audit(k, false, &a), 3);
	ck_assert_uint_eq(a.checked, 8);
	drift_is(&a, KERNEL_DRIFT_MAC, "02:aa:00:00:00:77", KERNEL_DRIFT_EXTRA, "-",
		 "dst 10.255.0.9");
	drift_is(&a, KERNEL_DRIFT_FLOOD, "10.255.0.9", KERNEL_DRIFT_EXTRA, "-", "dst 10.255.0.9");
	drift_is(&a, KERNEL_DRIFT_NEIGH, "172.16.0.77", KERNEL_DRIFT_EXTRA, "-",
		 "lladdr 02:aa:00:00:00:77");
	kernel_audit_clear(&a);
	ck_assert_int_eq(kernel_audit(k, true, &a), 3);
	ck_assert_uint_eq(k->stats.audit_repairs, 3);
	ck_assert_uint_eq(k->stats.errors, 0);
	ck_assert(log_has("vni 100: audit: removed extra FDB 02:aa:00:00:00:77: dst 10.255.0.9",
			  NULL));
	ck_assert(log_has("vni 100: audit: removed extra neighbour 172.16.0.77", NULL));
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(!strstr(t, "02:aa:00:00:00:77"), "%s", t);
	ck_assert_msg(!strstr(t, "10.255.0.9"), "%s", t);
	ck_assert_msg(has_line(t, "02:00:00:00:00:03 dst 10.255.0.8 self static"), "%s", t);
	ck_assert_msg(has_line(t, "00:00:00:00:00:00 dst 10.255.0.1 self permanent"), "%s", t);
	t = out("ip neigh show dev br100");
	ck_assert_msg(!strstr(t, "172.16.0.77"), "%s", t);
	ck_assert_msg(has_line(t, "172.16.0.6 lladdr 02:00:00:00:00:02 PERMANENT"), "%s", t);
	ck_assert_msg(has_line(t, NEIGH_I1), "%s", t);
	t = out("bridge fdb show dev veth0");
	ck_assert_msg(has_line(t, "02:00:00:00:00:02 master br100"), "%s", t);
	kernel_audit_clear(&a);
	ck_assert_int_eq(kernel_audit(k, false, &a), 0);
	ck_assert_uint_eq(a.checked, 5);
	kernel_audit_clear(&a);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(audit_wrong_repaired)
{
	struct event_base *base;
	struct kernel *k;
	struct kernel_audit a = {0};
	const char *t;

	if (!netns())
		return;
	make_audit_vni();
	base = event_base_new();
	k = start(base, true);
	install_audit_set(k);
	k->ops->flush(k);
	/* dst changed by hand; a neighbour's lladdr changed, marked or not */
	sh("bridge fdb replace 02:aa:00:00:00:01 dev vxlan100 dst 10.255.0.9 self extern_learn");
	sh("ip neigh replace 172.16.0.1 lladdr 02:bb:00:00:00:01 dev br100 extern_learn nud noarp");
	sh("ip neigh replace fd00::1 lladdr 02:bb:00:00:00:02 dev br100 nud permanent");
	ck_assert_int_eq(kernel_audit(k, false, &a), 3);
	ck_assert_uint_eq(a.checked, 5);
	drift_is(&a, KERNEL_DRIFT_MAC, "02:aa:00:00:00:01", KERNEL_DRIFT_WRONG, "dst 10.255.0.1",
		 "dst 10.255.0.9");
	drift_is(&a, KERNEL_DRIFT_NEIGH, "172.16.0.1", KERNEL_DRIFT_WRONG,
		 "lladdr 02:aa:00:00:00:01", "lladdr 02:bb:00:00:00:01");
	drift_is(&a, KERNEL_DRIFT_NEIGH, "fd00::1", KERNEL_DRIFT_WRONG,
		 "lladdr 02:aa:00:00:00:01", "lladdr 02:bb:00:00:00:02 (not extern_learn)");
	kernel_audit_clear(&a);
	ck_assert_int_eq(kernel_audit(k, true, &a), 3);
	ck_assert_uint_eq(k->stats.errors, 0);
	ck_assert(log_has("vni 100: audit: repaired wrong FDB 02:aa:00:00:00:01: dst 10.255.0.1 "
			  "(found dst 10.255.0.9)", NULL));
	t = out("bridge fdb show dev vxlan100");
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"), "%s", t);
	ck_assert_msg(!strstr(t, "10.255.0.9"), "%s", t);
	t = out("ip neigh show dev br100");
	ck_assert_msg(has_line(t, NEIGH_I1), "%s", t);
	ck_assert_msg(has_line(t, "fd00::1 lladdr 02:aa:00:00:00:01 extern_learn NOARP proto 181"),
		      "%s", t);
	kernel_audit_clear(&a);
	ck_assert_int_eq(kernel_audit(k, false, &a), 0);
	kernel_audit_clear(&a);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(audit_move_left_to_logic)
{
	struct event_base *base;
	struct kernel *k;
	struct kernel_audit a = {0};
	const char *t;

	if (!netns())
		return;
	make_audit_vni();
	base = event_base_new();
	k = start(base, true);
	install_audit_set(k);
	k->ops->flush(k);
	/* the remote MAC shows up on a local port: a move, not drift, and not undone */
	sh("bridge fdb replace 02:aa:00:00:00:01 dev veth0 master static");
	run_loop(base, 50);
	ck_assert_int_eq(R.lost, 1);
	ck_assert_int_eq(kernel_audit(k, true, &a), 0);
	ck_assert_uint_eq(a.checked, 4);
	ck_assert_uint_eq(k->stats.audit_repairs, 0);
	t = out("bridge fdb show dev veth0"); /* the kernel may keep extern_learn on the move */
	ck_assert_msg(strstr(t, "02:aa:00:00:00:01 ") && strstr(t, "master br100 static"), "%s", t);
	/* once the logic withdraws it, its VXLAN part left behind is extra */
	kernel_audit_clear(&a);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

/* ---- symmetric IRB: L3VNIs and routes --------------------------------- */

#define RMAC "02:cc:00:00:00:12"
#define RNEIGH " lladdr " RMAC " extern_learn NOARP proto 181" /* a router MAC's neighbour */
#define VIA12 "via 10.255.0.12 dev br5000 proto 181 metric 20 onlink" /* evpnd's, one VTEP */

/* Does the output of cmd have that line (has_line), contain that text, or not? */
static void expect(const char *cmd, const char *text, int how)
{
	const char *t = out("%s", cmd);
	bool ok = how == 'l' ? has_line(t, text) : how == 's' ? strstr(t, text) != NULL
							      : strstr(t, text) == NULL;

	ck_assert_msg(ok, "%s: %s\"%s\" in:\n%s", cmd, how == 'n' ? "" : "no ", text, t);
}

/* An L3VNI: br<vni> without an address, vxlan<vni>; marked before the start returns. */
static struct kernel *start_l3(struct event_base *base, vni_t vni, bool learn)
{
	struct kernel *k;

	make_vni(vni, NULL);
	k = start(base, learn);
	kernel_l3vni_set(k, vni, true);
	return k;
}

static struct prefix pfx(const char *s)
{
	struct prefix p;

	ck_assert_int_eq(prefix_parse(s, &p), 0);
	return p;
}

/* How many route events (add or del) for prefix p (text); *last: the last one. */
static int rev_count(const char *p, bool add, const struct kernel_route **last)
{
	char buf[PREFIX_STRLEN];
	int n = 0;

	for (int i = 0; i < R.nrev; i++) {
		if (R.rev_add[i] == add && strcmp(prefix_fmt(&R.rev[i].prefix, buf), p) == 0) {
			if (last)
				*last = &R.rev[i];
			n++;
		}
	}
	return n;
}

START_TEST(l3vni_svi_without_address)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr vtep = ip("10.255.0.12"), v6 = ip("::ffff:10.255.0.12");
	struct mac rmac = mac(RMAC);
	const struct kernel_vni *v = &R.vni[3];

	if (!netns())
		return;
	make_vni(5000, NULL);
	sh("ip link add veth0 type veth peer name veth1");
	sh("sysctl -qw net.ipv6.conf.veth1.disable_ipv6=1 net.ipv6.conf.veth0.disable_ipv6=1");
	sh("ip link set veth0 master br5000 && ip link set veth0 up && ip link set veth1 up");
	sh("bridge fdb add 02:00:00:00:00:01 dev veth0 master static");
	base = event_base_new();
	k = start(base, true);
	ck_assert_int_eq(R.mac_adds, 1); /* an L2VNI so far: local */
	ck_assert(!v->l3 && v->svi_ifindex == 0 && v->vrf_table == 254);
	kernel_l3vni_set(k, 5000, true);
	ck_assert(v->l3); /* reported again before l3vni_set returns */
	ck_assert_int_eq(v->svi_ifindex, v->bridge_ifindex);
	ck_assert(v->vrf_table == 254 && v->vrf_ifindex == 0);
	ck_assert_int_eq(R.mac_dels, 1); /* no longer local */
	kernel_neigh_add(k, 5000, &vtep, &rmac);
	kernel_neigh_add(k, 5000, &v6, &rmac);
	kernel_mac_add(k, 5000, &rmac, &vtep, false);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.errors, 0);
	expect("ip neigh show dev br5000", "10.255.0.12" RNEIGH, 'l');
	expect("ip neigh show dev br5000", "::ffff:10.255.0.12" RNEIGH, 'l');
	expect("bridge fdb show dev vxlan5000", RMAC " dst 10.255.0.12 self extern_learn", 'l');
	/* local MACs and neighbours of an L3VNI are not reported */
	sh("bridge fdb add 02:00:00:00:00:02 dev veth0 master dynamic");
	sh("ip neigh add 10.9.9.9 lladdr 02:00:00:00:00:02 dev br5000 nud reachable");
	run_loop(base, 50);
	ck_assert(R.mac_adds == 1 && R.neigh_adds == 0 && R.lost == 0);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

static void nest_put(uint8_t *buf, size_t *at, uint16_t type, const void *data, size_t len)
{
	struct nlattr na = {.nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type};

	memcpy(buf + *at, &na, sizeof(na));
	memcpy(buf + *at + NLA_HDRLEN, data, len);
	memset(buf + *at + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	*at += NLA_HDRLEN + NLA_ALIGN(len);
}

/* Hand the module a link message as the kernel would (no VRF driver here to make one). */
static void fake_link(struct kernel *k, int ifindex, const char *name, const char *kind,
		      int master, uint32_t table)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = IFF_UP};
	struct knl_out o = {0};
	struct nlmsghdr *n = knl_msg_begin(&o, RTM_NEWLINK, 0, 0, &ifi, sizeof(ifi));
	uint8_t info[64], data[16];
	size_t ni = 0, nd = 0;
	struct buf b;

	nest_put(data, &nd, IFLA_VRF_TABLE, &table, sizeof(table));
	nest_put(info, &ni, IFLA_INFO_KIND, kind, strlen(kind) + 1);
	if (table)
		nest_put(info, &ni, IFLA_INFO_DATA, data, nd);
	knl_msg_put(n, IFLA_IFNAME, name, strlen(name) + 1);
	knl_msg_put_u32(n, IFLA_MASTER, (uint32_t)master);
	knl_msg_put(n, IFLA_LINKINFO, info, ni);
	buf_init(&b, NLMSG_DATA(n), n->nlmsg_len - NLMSG_HDRLEN);
	knl_link_msg(knl_of(k), n, &b);
	free(o.data);
}

START_TEST(route_install_ecmp_replace_delete_table)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr vt[2] = {ip("10.255.0.12"), ip("10.255.0.13")};
	struct prefix p = pfx("10.2.0.0/24"), p6 = pfx("fd00:2::/64");

	if (!netns())
		return;
	base = event_base_new();
	k = start_l3(base, 5000, false);
	kernel_route_add(k, 5000, &p, vt, 1);
	kernel_route_add(k, 5000, &p6, vt, 1);
	k->ops->flush(k);
	ck_assert(k->stats.sent == 2 && k->stats.errors == 0);
	expect("ip route show table 254 10.2.0.0/24", "10.2.0.0/24 " VIA12, 'l');
	expect("ip -6 route show table 254 fd00:2::/64",
	       "fd00:2::/64 via ::ffff:10.255.0.12 dev br5000 proto 181 metric 20 onlink", 'l');
	kernel_route_add(k, 5000, &p, vt, 1); /* the same again: nothing sent */
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.sent, 2);
	/* two VTEPs: ECMP, both families */
	kernel_route_add(k, 5000, &p, vt, 2);
	kernel_route_add(k, 5000, &p6, vt, 2);
	k->ops->flush(k);
	ck_assert(k->stats.sent == 4 && k->stats.errors == 0);
	expect("ip route show 10.2.0.0/24", "10.2.0.0/24 proto 181 metric 20", 'l');
	expect("ip route show 10.2.0.0/24", "nexthop via 10.255.0.12 dev br5000 weight 1 onlink", 's');
	expect("ip route show 10.2.0.0/24", "nexthop via 10.255.0.13 dev br5000 weight 1 onlink", 's');
	expect("ip -6 route show fd00:2::/64", "nexthop via ::ffff:10.255.0.12 dev br5000", 's');
	expect("ip -6 route show fd00:2::/64", "nexthop via ::ffff:10.255.0.13 dev br5000", 's');
	run_loop(base, 50); /* echoes: no loss, nothing sent again */
	ck_assert_uint_eq(k->stats.sent, 4);
	/* back to one (the second VTEP) */
	kernel_route_add(k, 5000, &p, &vt[1], 1);
	kernel_route_add(k, 5000, &p6, &vt[1], 1);
	k->ops->flush(k);
	run_loop(base, 50);
	expect("ip route show 10.2.0.0/24",
	       "10.2.0.0/24 via 10.255.0.13 dev br5000 proto 181 metric 20 onlink", 'l');
	expect("ip -6 route show fd00:2::/64",
	       "fd00:2::/64 via ::ffff:10.255.0.13 dev br5000 proto 181 metric 20 onlink", 'l');
	expect("ip route show; ip -6 route show", "nexthop", 'n');
	ck_assert_uint_eq(k->stats.sent, 6);
	kernel_route_del(k, 5000, &p);
	kernel_route_del(k, 5000, &p6);
	kernel_route_del(k, 5000, &p6); /* twice: nothing more */
	k->ops->flush(k);
	ck_assert(k->stats.sent == 8 && k->stats.errors == 0);
	ck_assert_str_eq(out("ip route show proto 181; ip -6 route show proto 181"), "");
	run_loop(base, 50);
	ck_assert_uint_eq(k->stats.sent, 8);
	ck_assert(!log_has("someone else", NULL));
	/* the SVI enslaved to a VRF of table 1001: reported, routes go there (RTA_TABLE) */
	fake_link(k, 9999, "vrf1", "vrf", 0, 1001);
	fake_link(k, R.vni[3].bridge_ifindex, "br5000", "bridge", 9999, 0);
	ck_assert(R.vni[3].vrf_ifindex == 9999 && R.vni[3].vrf_table == 1001 && R.vni[3].l3);
	kernel_route_add(k, 5000, &p, vt, 1);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.errors, 0);
	expect("ip route show table 1001", "10.2.0.0/24 " VIA12, 'l');
	ck_assert_str_eq(out("ip route show table 254 proto 181"), "");
	kernel_route_del(k, 5000, &p);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.errors, 0);
	ck_assert_str_eq(out("ip route show table 1001"), "");
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(route_parked_until_vni)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr vt = ip("10.255.0.12");
	struct prefix p = pfx("10.2.0.0/24");
	const char *want = "10.2.0.0/24 via 10.255.0.12 dev br300 proto 181 metric 20 onlink";
	int nlog;

	if (!netns())
		return;
	base = event_base_new();
	k = start(base, false);
	kernel_l3vni_set(k, 300, true); /* before its devices exist */
	kernel_route_add(k, 300, &p, &vt, 1);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.sent, 0);
	make_vni(300, NULL);
	run_loop(base, 100);
	ck_assert(R.vni[2].l3 && R.vni[2].svi_ifindex == R.vni[2].bridge_ifindex);
	expect("ip route show 10.2.0.0/24", want, 'l');
	/* someone else removes it: put back */
	sh("ip route del 10.2.0.0/24 proto 181");
	run_loop(base, 100);
	ck_assert(log_has("vni 300: route 10.2.0.0/24 table 254 via 10.255.0.12",
			  "installing it again"));
	expect("ip route show 10.2.0.0/24", want, 'l');
	/* the bridge down and up again (which flushed it): reinstalled, not "lost" */
	nlog = R.nlog;
	sh("ip link set br300 down");
	run_loop(base, 50);
	ck_assert_str_eq(out("ip route show proto 181"), "");
	sh("ip link set br300 up");
	run_loop(base, 100);
	expect("ip route show 10.2.0.0/24", want, 'l');
	for (int i = nlog; i < R.nlog; i++)
		ck_assert_msg(!strstr(R.log[i], "someone else"), "%s", R.log[i]);
	ck_assert_uint_eq(k->stats.errors, 0);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(route_refused_retried)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr vt = ip("10.255.0.12");
	struct prefix p = pfx("10.2.0.0/24");

	if (!netns())
		return;
	base = event_base_new();
	k = start_l3(base, 5000, false);
	kernel_route_add(k, 5000, &p, &vt, 1);
	sh("ip link set br5000 down"); /* before the request is sent: refused */
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.errors, 1);
	ck_assert_msg(log_has("vni 5000: route 10.2.0.0/24 table 254 via 10.255.0.12: add refused",
			      "Network is down"), "%s", R.log[R.nlog - 1]);
	run_loop(base, 100);
	sh("ip link set br5000 up");
	run_loop(base, 300);
	expect("ip route show 10.2.0.0/24", "10.2.0.0/24 " VIA12, 'l');
	ck_assert_uint_eq(k->stats.errors, 1);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(route_restart_adopt_sweep)
{
	struct event_base *base;
	struct kernel *k;
	struct ipaddr vt[2] = {ip("10.255.0.12"), ip("10.255.0.13")};
	struct prefix a = pfx("10.2.0.0/24"), b = pfx("10.4.0.0/24"), c = pfx("fd00:2::/64");
	struct prefix d = pfx("fd00:4::/64");

	if (!netns())
		return;
	base = event_base_new();
	k = start_l3(base, 5000, false);
	kernel_route_add(k, 5000, &a, vt, 1);
	kernel_route_add(k, 5000, &b, vt, 2);
	kernel_route_add(k, 5000, &c, vt, 1);
	kernel_route_add(k, 5000, &d, vt, 2);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.errors, 0);
	kernel_free(k); /* a restart: nothing is flushed */
	/* a leftover in a table no L3VNI has: swept */
	sh("ip route add 10.9.0.0/24 " VIA12 " table 1000");
	k = start(base, false);
	ck_assert(log_has("found from an earlier run", "5 routes"));
	kernel_l3vni_set(k, 5000, true); /* adopts them: nothing sent */
	kernel_route_add(k, 5000, &a, vt, 1);
	kernel_route_add(k, 5000, &d, vt, 2);
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.sent, 0);
	kernel_route_add(k, 5000, &b, vt, 1); /* asked differently: replaced */
	k->ops->flush(k);
	ck_assert_uint_eq(k->stats.sent, 1);
	k->ops->sweep_stale(k);
	k->ops->flush(k);
	ck_assert(k->stats.stale_swept == 2 && k->stats.errors == 0); /* c, and table 1000's */
	expect("ip route show", "10.2.0.0/24 " VIA12, 'l');
	expect("ip route show", "10.4.0.0/24 " VIA12, 'l');
	expect("ip -6 route show", "fd00:2::", 'n');
	expect("ip -6 route show", "nexthop via ::ffff:10.255.0.13 dev br5000", 's');
	ck_assert_str_eq(out("ip route show table 1000"), "");
	kernel_free(k);
	event_base_free(base);
}
END_TEST

START_TEST(local_route_events)
{
	struct event_base *base;
	struct kernel *k;
	const struct kernel_route *r = NULL;
	int before, veth;

	if (!netns())
		return;
	make_vni(5000, NULL);
	sh("ip link add veth0 type veth peer name veth1");
	sh("ip link set veth0 up && ip link set veth1 up && ip addr add 172.16.0.1/24 dev veth0");
	base = event_base_new();
	k = start(base, false);
	veth = (int)if_nametoindex("veth0");
	/* at start: the connected route of the address; nothing of the local table */
	ck_assert_int_eq(rev_count("172.16.0.0/24", true, &r), 1);
	ck_assert(r->table == 254 && r->protocol == RTPROT_KERNEL && r->scope == RT_SCOPE_LINK);
	ck_assert(r->oif == veth && !r->has_gateway);
	ck_assert_int_eq(rev_count("127.0.0.0/8", true, NULL), 0);
	/* a static route by event; evpnd's own are not reported, nor link-local ones */
	sh("ip route add 192.168.50.0/24 via 172.16.0.10");
	sh("ip route add 10.2.0.0/24 " VIA12);
	sh("ip -6 addr add fd00:1::1/64 dev veth0 nodad");
	run_loop(base, 50);
	ck_assert_int_eq(rev_count("192.168.50.0/24", true, &r), 1);
	ck_assert(r->table == 254 && r->protocol == RTPROT_BOOT && r->scope == RT_SCOPE_UNIVERSE);
	ck_assert(r->has_gateway && r->oif == veth);
	ck_assert(rev_count("10.2.0.0/24", true, NULL) == 0 && rev_count("fe80::/64", true, NULL) == 0);
	ck_assert_int_eq(rev_count("fd00:1::/64", true, &r), 1);
	ck_assert_uint_eq(r->protocol, RTPROT_KERNEL);
	/* IPv6 multipath: once; one nexthop less is no deletion */
	sh("ip -6 route add fd00:9::/64 nexthop via fd00:1::10 dev veth0 "
	   "nexthop via fd00:1::11 dev veth0");
	run_loop(base, 50);
	ck_assert_int_eq(rev_count("fd00:9::/64", true, NULL), 1);
	sh("ip -6 route del fd00:9::/64 via fd00:1::10");
	run_loop(base, 50);
	ck_assert(rev_count("fd00:9::/64", false, NULL) == 0 &&
		  rev_count("fd00:9::/64", true, NULL) == 1);
	/* deletions, once each */
	sh("ip route del 192.168.50.0/24 && ip -6 route del fd00:9::/64");
	run_loop(base, 50);
	ck_assert_int_eq(rev_count("192.168.50.0/24", false, &r), 1);
	ck_assert(r->table == 254 && r->metric == 0 && r->has_gateway);
	ck_assert_int_eq(rev_count("fd00:9::/64", false, NULL), 1);
	/* a resync diffs: changes made meanwhile are reported, nothing twice */
	before = R.nrev;
	sh("ip route add 192.168.51.0/24 via 172.16.0.10 table 100");
	k->ops->resync(k);
	ck_assert_int_eq(rev_count("192.168.51.0/24", true, &r), 1);
	ck_assert_uint_eq(r->table, 100);
	ck_assert_int_eq(R.nrev, before + 1);
	run_loop(base, 50);
	ck_assert_int_eq(R.nrev, before + 1);
	/* a device going down takes its IPv4 routes silently: reported all the same */
	sh("ip link set veth0 down");
	run_loop(base, 50);
	ck_assert(rev_count("172.16.0.0/24", false, NULL) == 1 &&
		  rev_count("192.168.51.0/24", false, NULL) == 1);
	kernel_free(k);
	event_base_free(base);
}
END_TEST

#define route_drift_is(a, key, ...) drift_vni_is(a, KERNEL_DRIFT_ROUTE, key, __VA_ARGS__)

START_TEST(audit_routes)
{
	struct event_base *base;
	struct kernel *k;
	struct kernel_audit a = {0};
	struct ipaddr vt[2] = {ip("10.255.0.12"), ip("10.255.0.13")};
	struct prefix pa = pfx("10.2.0.0/24"), pb = pfx("10.4.0.0/24"), pc = pfx("fd00:2::/64");

	if (!netns())
		return;
	base = event_base_new();
	k = start_l3(base, 5000, false);
	kernel_route_add(k, 5000, &pa, vt, 2);
	kernel_route_add(k, 5000, &pb, vt, 1);
	kernel_route_add(k, 5000, &pc, vt, 2);
	ck_assert_int_eq(kernel_audit(k, false, &a), 0); /* in flight: settled first */
	ck_assert_uint_eq(a.checked, 3);
	kernel_audit_clear(&a);
	/* marked as evpnd's, never asked for: in the L3VNI's table and in one of no L3VNI */
	sh("ip route add 10.7.0.0/24 " VIA12);
	sh("ip route add 10.9.0.0/24 " VIA12 " table 1000");
	sh("ip route add 10.8.0.0/24 via 10.255.0.12 dev br5000 onlink"); /* not evpnd's */
	ck_assert_int_eq(kernel_audit(k, false, &a), 2);
	route_drift_is(&a, "10.7.0.0/24", 5000, KERNEL_DRIFT_EXTRA, "-", "via 10.255.0.12");
	route_drift_is(&a, "10.9.0.0/24", 0, KERNEL_DRIFT_EXTRA, "-", "via 10.255.0.12");
	kernel_audit_clear(&a);
	/* changed behind the module's back, the events not read (as if lost) */
	sh("ip route replace 10.2.0.0/24 via 10.255.0.99 dev br5000 onlink proto 181 metric 20");
	sh("ip route del 10.4.0.0/24 proto 181 && ip -6 route del fd00:2::/64 via ::ffff:10.255.0.13");
	ck_assert_int_eq(knl_audit(knl_of(k), false, &a), 5);
	route_drift_is(&a, "10.2.0.0/24", 5000, KERNEL_DRIFT_WRONG, "via 10.255.0.12,10.255.0.13",
		       "via 10.255.0.99");
	route_drift_is(&a, "10.4.0.0/24", 5000, KERNEL_DRIFT_MISSING, "via 10.255.0.12", "-");
	route_drift_is(&a, "fd00:2::/64", 5000, KERNEL_DRIFT_WRONG,
		       "via ::ffff:10.255.0.12,::ffff:10.255.0.13", "via ::ffff:10.255.0.12");
	kernel_audit_clear(&a);
	ck_assert_int_eq(knl_audit(knl_of(k), true, &a), 5);
	k->ops->flush(k); /* knl_audit itself does not send */
	ck_assert_uint_eq(k->stats.errors, 0);
	ck_assert(log_has("vni 5000: audit: repaired wrong route 10.2.0.0/24: via 10.255.0.12,"
			  "10.255.0.13 (found via 10.255.0.99)", NULL));
	ck_assert(log_has("vni 5000: audit: repaired missing route 10.4.0.0/24", NULL) &&
		  log_has("kernel: audit: removed extra route 10.9.0.0/24 table 1000", NULL));
	expect("ip route show", "nexthop via 10.255.0.13 dev br5000", 's');
	expect("ip route show", "10.4.0.0/24 " VIA12, 'l');
	expect("ip route show", "10.8.0.0/24 via 10.255.0.12 dev br5000 onlink", 'l');
	expect("ip route show", "10.7.0.0", 'n');
	expect("ip route show", "10.255.0.99", 'n');
	expect("ip -6 route show", "nexthop via ::ffff:10.255.0.13", 's');
	ck_assert_str_eq(out("ip route show table 1000"), "");
	run_loop(base, 100); /* the late events change nothing for good */
	kernel_audit_clear(&a);
	ck_assert_int_eq(kernel_audit(k, false, &a), 0);
	ck_assert_uint_eq(a.checked, 3);
	kernel_audit_clear(&a);
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
	kernel_free(k);
	event_base_free(base);
}
END_TEST

/* Loop until every request is acknowledged (or ms pass). */
static void run_until_settled(struct event_base *base, struct kernel *k, int ms)
{
	const struct knl *kn = knl_of(k);

	for (int i = 0; i < ms / 20; i++) {
		if (kn->out.off == kn->out.len && kn->fifo.n == 0 && TAILQ_EMPTY(&kn->retry))
			return;
		run_loop(base, 20);
	}
}

static struct {
	int calls, drift, ticks, ticks_at_done;
} AS;

static void audit_done_cb(void *arg, int drift)
{
	AS.calls++;
	AS.drift = drift;
	AS.ticks_at_done = AS.ticks;
}

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	AS.ticks++;
}

/*
 * The periodic audit in steps: the loop keeps running (a 1 ms timer ticks)
 * while 40k FDB entries are read, drift made by hand is found and
 * repaired, and what the logic changes meanwhile (a MAC added, one
 * removed) is not taken for drift.
 */
START_TEST(audit_in_steps)
{
	enum { N = 20000 };
	struct event_base *base;
	struct event *tick;
	struct kernel *k;
	struct ipaddr x = ip("10.255.0.1");
	struct mac nm = mac("02:dd:00:00:00:01");
	struct timeval ms = {0, 1000};
	const char *t;

	if (!netns())
		return;
	memset(&AS, 0, sizeof(AS));
	make_audit_vni();
	base = event_base_new();
	k = start(base, true);
	install_audit_set(k);
	for (unsigned i = 0; i < N; i++) {
		struct mac m = {{0x02, 0xcc, 0, 0, (uint8_t)(i >> 8), (uint8_t)i}};

		kernel_mac_add(k, 100, &m, &x, false);
	}
	run_until_settled(base, k, 10000);
	sh("bridge fdb replace 02:aa:00:00:00:01 dev vxlan100 dst 10.255.0.9 self extern_learn");
	sh("ip neigh replace 172.16.0.1 lladdr 02:bb:00:00:00:01 dev br100 extern_learn nud noarp");
	sh("ip neigh replace fd00::1 lladdr 02:bb:00:00:00:02 dev br100 nud permanent");
	/* their events are read before the audit starts (read later, they would be
	 * the event path's: changed meanwhile, not the audit's drift) */
	run_loop(base, 50);
	knl_events_drain(knl_of(k));
	tick = event_new(base, -1, EV_PERSIST, tick_cb, NULL);
	event_add(tick, &ms);
	ck_assert_int_eq(kernel_audit_start(k, audit_done_cb, NULL), 0);
	ck_assert_int_eq(kernel_audit_start(k, audit_done_cb, NULL), -1); /* one at a time */
	ck_assert_int_eq(AS.calls, 0);					    /* not done at once */
	kernel_mac_add(k, 100, &nm, &x, false); /* the logic goes on meanwhile */
	run_loop(base, 2);
	ck_assert_int_eq(AS.calls, 0);
	/* the newest, which the bridge's dump reads first: read already, and not extra */
	for (unsigned i = N - 2000; i < N; i++) {
		struct mac m = {{0x02, 0xcc, 0, 0, (uint8_t)(i >> 8), (uint8_t)i}};

		kernel_mac_del(k, 100, &m);
	}
	for (int i = 0; i < 500 && !AS.calls; i++)
		run_loop(base, 10);
	ck_assert_int_eq(AS.calls, 1);
	ck_assert_int_eq(AS.drift, 3);
	ck_assert_int_gt(AS.ticks_at_done, 3); /* timers ran while the kernel was read */
	ck_assert(!log_has("vni 100", "audit: removed extra"));
	ck_assert(log_has("vni 100: audit: repaired wrong FDB 02:aa:00:00:00:01: dst 10.255.0.1 "
			  "(found dst 10.255.0.9)", NULL));
	run_until_settled(base, k, 5000);
	t = out("bridge fdb show dev vxlan100 | grep -E '02:aa:00:00:00:01|02:dd:00:00:00:01|"
		"02:cc:00:00:00:09'");
	ck_assert_msg(has_line(t, "02:aa:00:00:00:01 dst 10.255.0.1 self extern_learn"), "%s", t);
	ck_assert_msg(strstr(t, "02:dd:00:00:00:01 dst 10.255.0.1"), "%s", t);
	ck_assert_msg(strstr(t, "02:cc:00:00:00:09"), "%s", t);
	t = out("bridge fdb show dev vxlan100 | grep -c '^02:cc:.*self extern_learn'");
	ck_assert_int_eq(atoi(t), N - 2000);
	/* all repaired: the next run finds nothing */
	ck_assert_int_eq(kernel_audit_start(k, audit_done_cb, NULL), 0);
	for (int i = 0; i < 500 && AS.calls < 2; i++)
		run_loop(base, 10);
	ck_assert_int_eq(AS.calls, 2);
	ck_assert_int_eq(AS.drift, 0);
	ck_assert_uint_eq(k->stats.audit_runs, 2);
	event_free(tick);
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
	sh("ip link add veth0 type veth peer name veth1");
	sh("sysctl -qw net.ipv6.conf.veth1.disable_ipv6=1 net.ipv6.conf.veth0.disable_ipv6=1");
	sh("ip link set veth0 master br100 && ip link set veth0 up && ip link set veth1 up");
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
	ck_assert(TAILQ_EMPTY(&knl_of(k)->retry));
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
	tcase_add_test(tc, idempotent);
	tcase_add_test(tc, held_deletes);
	tcase_add_test(tc, queued_until_vni);
	tcase_add_test(tc, error_logged_and_retried);
	tcase_add_test(tc, local_learning);
	tcase_add_test(tc, restart_reconcile);
	tcase_add_test(tc, down_up_reinstalls);
	tcase_add_test(tc, resync_rereads);
	tcase_add_test(tc, audit_clean);
	tcase_add_test(tc, audit_missing_repaired);
	tcase_add_test(tc, audit_extra_removed);
	tcase_add_test(tc, audit_wrong_repaired);
	tcase_add_test(tc, audit_move_left_to_logic);
	tcase_add_test(tc, l3vni_svi_without_address);
	tcase_add_test(tc, route_install_ecmp_replace_delete_table);
	tcase_add_test(tc, route_parked_until_vni);
	tcase_add_test(tc, route_refused_retried);
	tcase_add_test(tc, route_restart_adopt_sweep);
	tcase_add_test(tc, local_route_events);
	tcase_add_test(tc, audit_routes);
	tcase_add_test(tc, ten_thousand);
	tcase_add_test(tc, writer_thread);
	tcase_add_test(tc, local_displaced_by_remote);
	tcase_add_test(tc, audit_in_steps);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(kernel_nl_suite());
}
