/*
 * test_kernel_nl_route.c - Check suite for the kernel module's L3 side
 * (src/kernel_nl_route.c, L3VNIs in kernel_nl_link.c) against the real
 * kernel: SVIs without address, routes with ECMP and tables, parking,
 * refusals, restart adoption and sweep, local route events, route audits.
 * Needs root, as test_kernel_nl.c.
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
	add_port("br5000");
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

static Suite *kernel_nl_route_suite(void)
{
	Suite *s = suite_create("kernel_nl_route");
	TCase *tc = tcase_create("netns");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, l3vni_svi_without_address);
	tcase_add_test(tc, route_install_ecmp_replace_delete_table);
	tcase_add_test(tc, route_parked_until_vni);
	tcase_add_test(tc, route_refused_retried);
	tcase_add_test(tc, route_restart_adopt_sweep);
	tcase_add_test(tc, local_route_events);
	tcase_add_test(tc, audit_routes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(kernel_nl_route_suite());
}
