/* testutil.c - helpers shared by the Check suites. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

size_t hex_decode(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (const char *p = hex; *p; p++) {
		if (isspace((unsigned char)*p))
			continue;
		int v = hexval((unsigned char)*p);
		ck_assert_msg(v >= 0, "bad hex digit '%c'", *p);
		if (hi < 0) {
			hi = v;
			continue;
		}
		ck_assert_msg(n < cap, "hex vector larger than %zu bytes", cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	ck_assert_msg(hi < 0, "odd number of hex digits");
	return n;
}

int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

struct ipaddr ip(const char *s)
{
	struct ipaddr a;

	ck_assert_int_eq(ipaddr_parse(s, &a), 0);
	return a;
}

const char *test_data_path(const char *rel)
{
	static char path[4096];
	const char *base = getenv("EVPND_TEST_DATA");

	snprintf(path, sizeof(path), "%s/%s", base ? base : "tests", rel);
	return path;
}

/* ---- mock kernel: a log of requests -------------------------------- */

static void mlog(struct kernel *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mlog(struct kernel *k, const char *fmt, ...)
{
	struct mock_kernel *m = (struct mock_kernel *)k;
	size_t l = strlen(m->log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->log + l, sizeof(m->log) - l, fmt, ap);
	va_end(ap);
	strncat(m->log, ";", sizeof(m->log) - strlen(m->log) - 1);
}

static void m_flood_add(struct kernel *k, vni_t v, const struct ipaddr *vtep)
{
	char a[IPADDR_STRLEN];

	mlog(k, "flood+ %u %s", v, ipaddr_fmt(vtep, a));
}

static void m_flood_del(struct kernel *k, vni_t v, const struct ipaddr *vtep)
{
	char a[IPADDR_STRLEN];

	mlog(k, "flood- %u %s", v, ipaddr_fmt(vtep, a));
}

static void m_mac_add(struct kernel *k, vni_t v, const struct mac *mac, const struct ipaddr *vtep,
		      bool sticky)
{
	char a[IPADDR_STRLEN], s[MAC_STRLEN];

	mlog(k, "mac+ %u %s %s%s", v, mac_fmt(mac, s), ipaddr_fmt(vtep, a), sticky ? " sticky" : "");
}

static void m_mac_del(struct kernel *k, vni_t v, const struct mac *mac)
{
	char s[MAC_STRLEN];

	mlog(k, "mac- %u %s", v, mac_fmt(mac, s));
}

static void m_neigh_add(struct kernel *k, vni_t v, const struct ipaddr *ip, const struct mac *mac)
{
	char a[IPADDR_STRLEN], s[MAC_STRLEN];

	mlog(k, "neigh+ %u %s %s", v, ipaddr_fmt(ip, a), mac_fmt(mac, s));
}

static void m_neigh_del(struct kernel *k, vni_t v, const struct ipaddr *ip)
{
	char a[IPADDR_STRLEN];

	mlog(k, "neigh- %u %s", v, ipaddr_fmt(ip, a));
}

static void m_l3vni(struct kernel *k, vni_t v, bool l3)
{
	mlog(k, "l3vni%c %u", l3 ? '+' : '-', v);
}

static void m_route_add(struct kernel *k, vni_t v, const struct prefix *p,
			const struct ipaddr *vteps, size_t n)
{
	char b[PREFIX_STRLEN], a[IPADDR_STRLEN], via[256] = "";

	for (size_t i = 0; i < n; i++)
		snprintf(via + strlen(via), sizeof(via) - strlen(via), "%s%s", i ? "," : "",
			 ipaddr_fmt(&vteps[i], a));
	mlog(k, "route+ %u %s via %s", v, prefix_fmt(p, b), via);
}

static void m_route_del(struct kernel *k, vni_t v, const struct prefix *p)
{
	char b[PREFIX_STRLEN];

	mlog(k, "route- %u %s", v, prefix_fmt(p, b));
}

static void m_noop(struct kernel *k)
{
}

static const struct kernel_ops mock_ops = {
	.flood_add = m_flood_add,
	.flood_del = m_flood_del,
	.mac_add = m_mac_add,
	.mac_del = m_mac_del,
	.neigh_add = m_neigh_add,
	.neigh_del = m_neigh_del,
	.l3vni_set = m_l3vni,
	.route_add = m_route_add,
	.route_del = m_route_del,
	.sweep_stale = m_noop,
	.resync = m_noop,
	.flush = m_noop,
	.free = m_noop,
};

void mock_kernel_init(struct mock_kernel *m)
{
	memset(m, 0, sizeof(*m));
	m->k.ops = &mock_ops;
}
