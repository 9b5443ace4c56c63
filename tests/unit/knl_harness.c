/*
 * knl_harness.c - what the kernel module's Check suites share
 * (test_kernel_nl*.c): a namespace of its own per test, shell helpers,
 * the recorded events and log lines, audit fixtures.
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

#include "knl_harness.h"
#include "log.h"

struct rec R;

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

const struct kernel_events EVENTS = {
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

bool log_has(const char *a, const char *b)
{
	for (int i = 0; i < R.nlog; i++)
		if (strstr(R.log[i], a) && (!b || strstr(R.log[i], b)))
			return true;
	return false;
}

const char *log_text(void)
{
	static char buf[MAX_LOG * 258];
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < R.nlog && at < sizeof(buf); i++)
		at += (size_t)snprintf(buf + at, sizeof(buf) - at, "\n  %s", R.log[i]);
	return buf;
}

/* Enter a fresh network namespace; false (test passes vacuously) without root. */
bool netns(void)
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

void sh(const char *fmt, ...)
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
const char *out(const char *fmt, ...)
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
bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, line, n) == 0 && (p[n] == '\n' || p[n] == ' ' || p[n] == '\0'))
			return true;
	}
	return false;
}

void run_loop(struct event_base *base, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
}

bool loop_until_line(struct event_base *base, const char *cmd, const char *line, int ms)
{
	for (int waited = 0; !has_line(out("%s", cmd), line); waited += 20) {
		if (waited >= ms)
			return false;
		run_loop(base, 20);
	}
	return true;
}

/* br<vni> + vxlan<vni> (nolearning, neigh_suppress on), optionally an SVI address. */
void make_vni(vni_t vni, const char *svi_addr)
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

/*
 * veth0 (a silent host side: no IPv6, so nothing is learned but what the
 * test adds) as a port of bridge br, returned once the port forwards: until
 * linkwatch reports the carrier, which is asynchronous and late under load,
 * the bridge refuses dynamic FDB entries on it with EPERM.
 */
void add_port(const char *br)
{
	sh("ip link add veth0 type veth peer name veth1");
	sh("sysctl -qw net.ipv6.conf.veth1.disable_ipv6=1 net.ipv6.conf.veth0.disable_ipv6=1");
	sh("ip link set veth0 master %s && ip link set veth0 up && ip link set veth1 up", br);
	for (int waited = 0; !strstr(out("bridge link show dev veth0"), "state forwarding");
	     waited += 20) {
		ck_assert_msg(waited < 10000, "veth0 never forwards: %s",
			      out("bridge link show dev veth0"));
		usleep(20 * 1000);
	}
}

struct kernel *start(struct event_base *base, bool learn)
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

struct mac mac(const char *s)
{
	struct mac m;

	ck_assert_int_eq(mac_parse(s, &m), 0);
	return m;
}

double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}


/* Loop until every request is acknowledged (or ms pass). */
void run_until_settled(struct event_base *base, struct kernel *k, int ms)
{
	const struct knl *kn = knl_of(k);

	for (int i = 0; i < ms / 20; i++) {
		if (kn->out.off == kn->out.len && kn->fifo.n == 0 && kn->waits.n == 0)
			return;
		run_loop(base, 20);
	}
}

/* ---- audit and repair ------------------------------------------------ */

/* The drift item of that kind and key (text), or NULL. */
const struct kernel_drift *drift(const struct kernel_audit *a, enum kernel_drift_kind kind,
					const char *key)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].kind == kind && strcmp(a->v[i].key, key) == 0)
			return &a->v[i];
	return NULL;
}

void drift_vni_is(const struct kernel_audit *a, enum kernel_drift_kind kind,
			 const char *key, vni_t vni, enum kernel_drift_problem p,
			 const char *expected, const char *found)
{
	const struct kernel_drift *d = drift(a, kind, key);

	ck_assert_msg(d, "no drift for %s %s (%zu items)", kernel_drift_kind_str(kind), key, a->n);
	ck_assert_str_eq(kernel_drift_problem_str(d->problem), kernel_drift_problem_str(p));
	ck_assert_uint_eq(d->vni, vni);
	ck_assert_str_eq(d->expected, expected);
	ck_assert_str_eq(d->found, found);
	if (kind == KERNEL_DRIFT_MAC) { /* the structured key: only its own field */
		char m[MAC_STRLEN];

		ck_assert_str_eq(mac_fmt(&d->mac, m), key);
		ck_assert_uint_eq(d->ip.family, 0);
	} else {
		static const struct mac zero;

		ck_assert(mac_cmp(&d->mac, &zero) == 0);
		ck_assert(ipaddr_is_set(&d->ip));
	}
}

void drift_is(const struct kernel_audit *a, enum kernel_drift_kind kind, const char *key,
		     enum kernel_drift_problem p, const char *expected, const char *found)
{
	drift_vni_is(a, kind, key, 100, p, expected, found);
}

/* VNI 100 with an SVI, a local port veth0, a local MAC and a local neighbour. */
void make_audit_vni(void)
{
	make_vni(100, "172.16.0.254/24");
	add_port("br100");
	sh("bridge fdb add 02:00:00:00:00:01 dev veth0 master static");
	sh("ip neigh add 172.16.0.5 lladdr 02:00:00:00:00:01 dev br100 nud reachable");
}

/* Flood x, remote MAC a (dst x), sticky MAC s (dst x), neighbours i1 and fd00::1 -> a. */
void install_audit_set(struct kernel *k)
{
	struct ipaddr x = ip("10.255.0.1"), i1 = ip("172.16.0.1"), i6 = ip("fd00::1");
	struct mac a = mac("02:aa:00:00:00:01"), s = mac("02:aa:00:00:00:02");

	kernel_flood_add(k, 100, &x);
	kernel_mac_add(k, 100, &a, &x, false);
	kernel_mac_add(k, 100, &s, &x, true);
	kernel_neigh_add(k, 100, &i1, &a);
	kernel_neigh_add(k, 100, &i6, &a);
}

