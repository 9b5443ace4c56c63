/*
 * test_evpn_l3.c - Check suite for IP VRFs (src/evpn_l3.c) against the mock
 * kernel: what received Type-2 MAC+IP (two labels, router's MAC) and Type-5
 * routes become (host and prefix routes through shared per-VTEP next hops,
 * ECMP), what local MAC+IP bindings and local kernel routes originate, and
 * which routes are not imported or advertised.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include <event2/event.h>

#include "bgp.h"
#include "evpn_ecomm.h"
#include "evpn_nlri.h"
#include "evpn_priv.h"
#include "log.h"
#include "rib.h"
#include "testutil.h"

#define RMAC2 "02:00:00:00:00:12"
#define RMAC3 "02:00:00:00:00:13"

static struct event_base *base;
static struct rib *rib;
static struct bgp *bgp;
static struct evpn *e;
static struct mock_kernel mk;
static struct rib_peer *peer2;
static struct config cfg;
static struct cfg_vrf vrf;
static struct cfg_neighbor nbr;
static struct cfg_rt auto_rt = {.is_auto = true};

static void vni_up(vni_t vni, int bridge, const char *svi_mac, bool l3)
{
	struct kernel_vni kv = {.vni = vni, .up = true, .neigh_suppress = true,
				.bridge_ifindex = bridge, .svi_ifindex = bridge,
				.vrf_table = RT_TABLE_MAIN, .l3 = l3};

	snprintf(kv.vxlan_name, sizeof(kv.vxlan_name), "vxlan%u", vni);
	snprintf(kv.bridge_name, sizeof(kv.bridge_name), "br%u", vni);
	mac_parse(svi_mac, &kv.svi_mac);
	ipaddr_parse("10.0.0.11", &kv.local);
	evpn_kernel_events.vni_add(e, &kv);
}

static void setup(void)
{
	struct rib_config rc = {65000, 0x0a00000b, 0x0a00000b};
	struct rib_peer_info i2 = {.id = 2, .bgp_id = 0x0a000001, .ibgp = true};

	log_set_level(LOG_LVL_WARNING);
	base = event_base_new();
	rib = rib_new(&rc);
	bgp = bgp_new(base, rib);
	e = evpn_new(base, rib, bgp);
	memset(&cfg, 0, sizeof(cfg));
	memset(&vrf, 0, sizeof(vrf));
	cfg.router.asn = 65000;
	inet_pton(AF_INET, "10.0.0.11", &cfg.router.router_id);
	ipaddr_parse("10.0.0.11", &cfg.router.vtep_ip);
	cfg.advertise_all_vni = true;
	cfg.arp_nd_suppression = true;
	snprintf(vrf.name, sizeof(vrf.name), "default");
	vrf.l3vni = 5000;
	vrf.rd.is_auto = true;
	vrf.rt_import = (struct cfg_rt_list){&auto_rt, 1};
	vrf.rt_export = (struct cfg_rt_list){&auto_rt, 1};
	vrf.advertise = CFG_ADV_IPV4_UNICAST | CFG_ADV_IPV6_UNICAST;
	cfg.vrfs = &vrf;
	cfg.n_vrfs = 1;
	ipaddr_parse("10.1.0.1", &nbr.address);
	cfg.neighbors = &nbr;
	cfg.n_neighbors = 1;
	evpn_configure(e, &cfg);
	mock_kernel_init(&mk);
	evpn_set_kernel(e, &mk.k);
	vni_up(100, 5, "02:00:00:00:01:00", false);
	vni_up(5000, 9, "02:00:00:00:50:00", true);
	ipaddr_parse("10.1.0.1", &i2.addr);
	peer2 = rib_peer_add(rib, &i2);
	event_base_loop(base, EVLOOP_NONBLOCK);
	mk.log[0] = '\0';
}

static void teardown(void)
{
	evpn_free(e);
	bgp_free(bgp);
	rib_free(rib);
	event_base_free(base);
}

static void turn(void)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
}

struct rspec {
	uint8_t type;
	const char *rd, *mac, *ip, *prefix, *vtep, *rmac;
	bool two_labels, def_gw;
	const char *rt; /* one route target instead of 65000:100 and 65000:5000 */
};

/* A received route from peer2 with RTs 65000:100 and 65000:5000. */
static void remote(const struct rspec *s)
{
	struct ecomm ec[6];
	struct rib_attrs t = {0};
	struct evpn_route r = {0};
	const struct rib_attrs *a;
	uint16_t n = 0;

	if (s->rt) {
		rt_parse(s->rt, &ec[n++]);
	} else {
		rt_parse("65000:100", &ec[n++]);
		rt_parse("65000:5000", &ec[n++]);
	}
	evpn_ecomm_encap(&ec[n++], EVPN_TUNNEL_VXLAN);
	if (s->rmac) {
		struct mac m;

		mac_parse(s->rmac, &m);
		evpn_ecomm_router_mac(&ec[n++], &m);
	}
	if (s->def_gw)
		evpn_ecomm_def_gw(&ec[n++]);
	t.origin = BGP_ORIGIN_IGP;
	t.has_local_pref = true;
	t.local_pref = 100;
	t.ecomm = ec;
	t.n_ecomm = n;
	ipaddr_parse(s->vtep, &t.next_hop);
	r.type = s->type;
	rd_parse(s->rd, &r.rd);
	if (s->type == EVPN_RT_MACIP) {
		mac_parse(s->mac, &r.mac);
		ipaddr_parse(s->ip, &r.ip);
		r.nlabels = s->two_labels ? 2 : 1;
		r.label[0] = 100;
		r.label[1] = 5000;
	} else {
		prefix_parse(s->prefix, &r.prefix);
		r.nlabels = 1;
		r.label[0] = 5000;
	}
	t.from = peer2;
	a = rib_attrs_intern(rib, &t);
	ck_assert_int_eq(rib_update(rib, peer2, &r, a), 0);
	rib_attrs_unref(rib, a);
}

static void withdraw(const struct rspec *s)
{
	struct evpn_route r = {0};
	struct evpn_key k;

	r.type = s->type;
	rd_parse(s->rd, &r.rd);
	if (s->type == EVPN_RT_MACIP) {
		mac_parse(s->mac, &r.mac);
		ipaddr_parse(s->ip, &r.ip);
	} else {
		prefix_parse(s->prefix, &r.prefix);
	}
	evpn_key_from_route(&r, &k);
	ck_assert_int_eq(rib_withdraw(rib, peer2, &k), 0);
}

static void local_route(const char *prefix, int oif, bool gateway, bool add)
{
	struct kernel_route kr = {.table = RT_TABLE_MAIN, .oif = oif, .protocol = RTPROT_KERNEL,
				  .scope = gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK,
				  .has_gateway = gateway};

	prefix_parse(prefix, &kr.prefix);
	if (add)
		evpn_kernel_events.route_add(e, &kr);
	else
		evpn_kernel_events.route_del(e, &kr);
	turn();
}

/* Our local path of a route of key (type, RD, MAC, IP or prefix), or NULL. */
static const struct rib_path *local_path(uint8_t type, const char *rd, const char *mac,
					 const char *ip_or_prefix)
{
	struct evpn_route r = {.type = type};
	struct evpn_key k;
	struct rib_route *rt;

	rd_parse(rd, &r.rd);
	if (type == EVPN_RT_MACIP) {
		mac_parse(mac, &r.mac);
		ipaddr_parse(ip_or_prefix, &r.ip);
	} else {
		prefix_parse(ip_or_prefix, &r.prefix);
	}
	evpn_key_from_route(&r, &k);
	rt = rib_route_get(rib, &k);
	return rt ? rib_route_path(rt, rib_peer_local(rib)) : NULL;
}

static bool path_has(const struct rib_path *p, const struct ecomm *c)
{
	for (uint16_t i = 0; i < p->attrs->n_ecomm; i++)
		if (!ecomm_cmp(&p->attrs->ecomm[i], c))
			return true;
	return false;
}

/* ---- tests ------------------------------------------------------------- */

START_TEST(l3vni_is_not_an_l2_instance)
{
	const struct evpn_vni *v = evpn_vni_get(e, 5000);

	ck_assert_ptr_null(v); /* no Type-3, no local MACs for the L3VNI */
	ck_assert_ptr_nonnull(evpn_vni_get(e, 100));
}
END_TEST

START_TEST(symmetric_irb_host_route)
{
	struct rspec h = {EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:02", "172.16.1.2", NULL,
			  "10.0.0.12", RMAC2, true, false, NULL};

	remote(&h);
	ck_assert_str_eq(mk.log, "mac+ 100 02:aa:00:00:00:02 10.0.0.12;"
				 "neigh+ 100 172.16.1.2 02:aa:00:00:00:02;"
				 "mac+ 5000 02:00:00:00:00:12 10.0.0.12;"
				 "neigh+ 5000 10.0.0.12 02:00:00:00:00:12;"
				 "route+ 5000 172.16.1.2/32 via 10.0.0.12;");
	mk.log[0] = '\0';
	withdraw(&h);
	ck_assert_str_eq(mk.log, "mac- 100 02:aa:00:00:00:02;neigh- 100 172.16.1.2;"
				 "route- 5000 172.16.1.2/32;"
				 "mac- 5000 02:00:00:00:00:12;neigh- 5000 10.0.0.12;");
}
END_TEST

START_TEST(next_hop_shared_by_routes)
{
	struct rspec h1 = {EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:02", "172.16.1.2",
			   NULL, "10.0.0.12", RMAC2, true, false, NULL};
	struct rspec h2 = h1;

	h2.mac = "02:aa:00:00:00:03";
	h2.ip = "172.16.1.3";
	remote(&h1);
	remote(&h2);
	mk.log[0] = '\0';
	withdraw(&h1);
	/* the next hop stays: h2's route still uses it */
	ck_assert_str_eq(mk.log, "mac- 100 02:aa:00:00:00:02;neigh- 100 172.16.1.2;"
				 "route- 5000 172.16.1.2/32;");
	mk.log[0] = '\0';
	withdraw(&h2);
	ck_assert_ptr_nonnull(strstr(mk.log, "neigh- 5000 10.0.0.12;"));
}
END_TEST

START_TEST(not_imported_without_l3_attributes)
{
	struct rspec one_label = {EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:02",
				  "172.16.1.2", NULL, "10.0.0.12", RMAC2, false, false, NULL};
	struct rspec no_rmac = {EVPN_RT_PREFIX, "10.0.0.12:5000", NULL, NULL, "192.168.50.0/24",
				"10.0.0.12", NULL, false, false, NULL};
	struct rspec gw = {EVPN_RT_MACIP, "10.0.0.12:100", "00:00:5e:00:01:01", "172.16.1.254",
			   NULL, "10.0.0.12", RMAC2, true, true, NULL};
	struct rspec ll = {EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:04", "fe80::4", NULL,
			   "10.0.0.12", RMAC2, true, false, NULL};

	remote(&one_label);
	remote(&no_rmac);
	remote(&gw);
	remote(&ll);
	ck_assert_ptr_null(strstr(mk.log, "route+"));
	ck_assert_ptr_null(strstr(mk.log, " 5000 "));
}
END_TEST

START_TEST(type5_ecmp_and_withdraw)
{
	struct rspec a = {EVPN_RT_PREFIX, "10.0.0.13:5000", NULL, NULL, "192.168.50.0/24",
			  "10.0.0.13", RMAC3, false, false, NULL};
	struct rspec b = {EVPN_RT_PREFIX, "10.0.0.12:5000", NULL, NULL, "192.168.50.0/24",
			  "10.0.0.12", RMAC2, false, false, NULL};

	remote(&a);
	ck_assert_str_eq(mk.log, "mac+ 5000 02:00:00:00:00:13 10.0.0.13;"
				 "neigh+ 5000 10.0.0.13 02:00:00:00:00:13;"
				 "route+ 5000 192.168.50.0/24 via 10.0.0.13;");
	mk.log[0] = '\0';
	remote(&b);
	ck_assert_str_eq(mk.log, "mac+ 5000 02:00:00:00:00:12 10.0.0.12;"
				 "neigh+ 5000 10.0.0.12 02:00:00:00:00:12;"
				 "route+ 5000 192.168.50.0/24 via 10.0.0.12,10.0.0.13;");
	mk.log[0] = '\0';
	withdraw(&a);
	ck_assert_str_eq(mk.log, "route+ 5000 192.168.50.0/24 via 10.0.0.12;"
				 "mac- 5000 02:00:00:00:00:13;neigh- 5000 10.0.0.13;");
	mk.log[0] = '\0';
	withdraw(&b);
	ck_assert_str_eq(mk.log, "route- 5000 192.168.50.0/24;"
				 "mac- 5000 02:00:00:00:00:12;neigh- 5000 10.0.0.12;");
}
END_TEST

START_TEST(type5_ipv6_over_ipv4_underlay)
{
	struct rspec a = {EVPN_RT_PREFIX, "10.0.0.12:5000", NULL, NULL, "2001:db8:50::/64",
			  "10.0.0.12", RMAC2, false, false, NULL};

	remote(&a);
	ck_assert_str_eq(mk.log, "mac+ 5000 02:00:00:00:00:12 10.0.0.12;"
				 "neigh+ 5000 10.0.0.12 02:00:00:00:00:12;"
				 "neigh+ 5000 ::ffff:10.0.0.12 02:00:00:00:00:12;"
				 "route+ 5000 2001:db8:50::/64 via 10.0.0.12;");
	mk.log[0] = '\0';
	withdraw(&a);
	ck_assert_str_eq(mk.log, "route- 5000 2001:db8:50::/64;"
				 "mac- 5000 02:00:00:00:00:12;neigh- 5000 10.0.0.12;"
				 "neigh- 5000 ::ffff:10.0.0.12;");
}
END_TEST

START_TEST(host_route_wins_over_prefix)
{
	struct rspec p = {EVPN_RT_PREFIX, "10.0.0.13:5000", NULL, NULL, "172.16.1.2/32",
			  "10.0.0.13", RMAC3, false, false, NULL};
	struct rspec h = {EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:02", "172.16.1.2", NULL,
			  "10.0.0.12", RMAC2, true, false, NULL};

	remote(&p);
	remote(&h);
	ck_assert_ptr_nonnull(strstr(mk.log, "route+ 5000 172.16.1.2/32 via 10.0.0.12;"));
	mk.log[0] = '\0';
	withdraw(&h);
	ck_assert_ptr_nonnull(strstr(mk.log, "route+ 5000 172.16.1.2/32 via 10.0.0.13;"));
}
END_TEST

START_TEST(local_macip_carries_l3vni)
{
	struct kernel_neigh kn = {.vni = 100, .ifindex = 5};
	struct kernel_mac km = {.vni = 100, .ifindex = 7};
	const struct rib_path *p;
	struct ecomm rt, rmac;
	struct mac m;

	mac_parse("02:aa:00:00:00:01", &km.mac);
	kn.mac = km.mac;
	ipaddr_parse("172.16.0.1", &kn.ip);
	evpn_kernel_events.mac_add(e, &km);
	evpn_kernel_events.neigh_add(e, &kn);
	p = local_path(EVPN_RT_MACIP, "10.0.0.11:100", "02:aa:00:00:00:01", "172.16.0.1");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->nlabels, 2);
	ck_assert_uint_eq(rib_path_label(p, 0), 100);
	ck_assert_uint_eq(rib_path_label(p, 1), 5000);
	rt_parse("65000:5000", &rt);
	mac_parse("02:00:00:00:50:00", &m);
	evpn_ecomm_router_mac(&rmac, &m);
	ck_assert(path_has(p, &rt));
	ck_assert(path_has(p, &rmac));
	/* a local host: no host route for it, even when a remote route names it */
	ck_assert_ptr_null(strstr(mk.log, "route+"));
}
END_TEST

START_TEST(local_routes_become_type5)
{
	const struct rib_path *p;
	struct ecomm rmac;
	struct mac m;

	local_route("172.16.0.0/24", 5, false, true);	  /* the SVI's subnet */
	local_route("192.168.50.0/24", 5, true, true);	  /* a kernel route behind a host */
	local_route("10.1.0.0/31", 3, false, true);	  /* underlay: the neighbor's link */
	local_route("10.255.0.0/24", 3, true, true);	  /* underlay: out of that link */
	local_route("10.0.0.11/32", 1, false, true);	  /* the VTEP address */
	p = local_path(EVPN_RT_PREFIX, "10.0.0.11:5000", NULL, "172.16.0.0/24");
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(rib_path_label(p, 0), 5000);
	mac_parse("02:00:00:00:50:00", &m);
	evpn_ecomm_router_mac(&rmac, &m);
	ck_assert(path_has(p, &rmac));
	ck_assert_ptr_nonnull(local_path(EVPN_RT_PREFIX, "10.0.0.11:5000", NULL, "192.168.50.0/24"));
	ck_assert_ptr_null(local_path(EVPN_RT_PREFIX, "10.0.0.11:5000", NULL, "10.1.0.0/31"));
	ck_assert_ptr_null(local_path(EVPN_RT_PREFIX, "10.0.0.11:5000", NULL, "10.255.0.0/24"));
	ck_assert_ptr_null(local_path(EVPN_RT_PREFIX, "10.0.0.11:5000", NULL, "10.0.0.11/32"));
	local_route("192.168.50.0/24", 5, true, false);
	ck_assert_ptr_null(local_path(EVPN_RT_PREFIX, "10.0.0.11:5000", NULL, "192.168.50.0/24"));
}
END_TEST

START_TEST(local_prefix_not_installed_from_remote)
{
	struct rspec a = {EVPN_RT_PREFIX, "10.0.0.12:5000", NULL, NULL, "172.16.0.0/24",
			  "10.0.0.12", RMAC2, false, false, NULL};

	local_route("172.16.0.0/24", 5, false, true);
	remote(&a);
	ck_assert_ptr_null(strstr(mk.log, "route+"));
	local_route("172.16.0.0/24", 5, false, false);
	ck_assert_ptr_nonnull(strstr(mk.log, "route+ 5000 172.16.0.0/24 via 10.0.0.12;"));
}
END_TEST

START_TEST(vrf_removed_by_reload)
{
	struct rspec a = {EVPN_RT_PREFIX, "10.0.0.12:5000", NULL, NULL, "192.168.50.0/24",
			  "10.0.0.12", RMAC2, false, false, NULL};

	remote(&a);
	mk.log[0] = '\0';
	cfg.n_vrfs = 0;
	evpn_configure(e, &cfg);
	ck_assert_ptr_nonnull(strstr(mk.log, "route- 5000 192.168.50.0/24;"));
	ck_assert_ptr_nonnull(strstr(mk.log, "l3vni- 5000;"));
}
END_TEST

START_TEST(route_targets_changed_in_place)
{
	struct rspec h = {EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:02", "172.16.1.2", NULL,
			  "10.0.0.12", RMAC2, true, false, NULL};
	struct rspec p = {EVPN_RT_PREFIX, "10.0.0.12:5000", NULL, NULL, "192.168.50.0/24",
			  "10.0.0.12", RMAC2, false, false, NULL};

	remote(&h);
	remote(&p);
	mk.log[0] = '\0';
	/* the same routes again, now with a route target nobody here imports */
	h.rt = p.rt = "65000:9999";
	remote(&h);
	remote(&p);
	ck_assert_ptr_nonnull(strstr(mk.log, "mac- 100 02:aa:00:00:00:02;"));
	ck_assert_ptr_nonnull(strstr(mk.log, "neigh- 100 172.16.1.2;"));
	ck_assert_ptr_nonnull(strstr(mk.log, "route- 5000 172.16.1.2/32;"));
	ck_assert_ptr_nonnull(strstr(mk.log, "route- 5000 192.168.50.0/24;"));
	ck_assert_ptr_null(strstr(mk.log, "route+"));
	mk.log[0] = '\0';
	/* an attribute change that keeps the imports sends nothing at all */
	h.rt = p.rt = NULL;
	remote(&h);
	mk.log[0] = '\0';
	h.rmac = RMAC2;
	h.def_gw = false;
	h.vtep = "10.0.0.12";
	remote(&h); /* identical */
	ck_assert_str_eq(mk.log, "");
}
END_TEST

static void local_host(const char *mac, const char *ip, bool mac_add, bool neigh_add)
{
	struct kernel_neigh kn = {.vni = 100, .ifindex = 5};
	struct kernel_mac km = {.vni = 100, .ifindex = 7};

	mac_parse(mac, &km.mac);
	kn.mac = km.mac;
	ipaddr_parse(ip, &kn.ip);
	if (neigh_add)
		evpn_kernel_events.neigh_add(e, &kn);
	if (mac_add)
		evpn_kernel_events.mac_add(e, &km);
}

START_TEST(binding_of_a_remote_mac_not_advertised)
{
	struct kernel_mac km = {.vni = 100, .ifindex = 7};

	/* a neighbour on the SVI whose MAC is not local (flooded ARP of a remote host) */
	local_host("02:aa:00:00:00:09", "172.16.0.9", false, true);
	ck_assert_ptr_null(local_path(EVPN_RT_MACIP, "10.0.0.11:100", "02:aa:00:00:00:09",
				      "172.16.0.9"));
	/* its MAC appears on a local port: now it is ours */
	local_host("02:aa:00:00:00:09", "172.16.0.9", true, false);
	ck_assert_ptr_nonnull(local_path(EVPN_RT_MACIP, "10.0.0.11:100", "02:aa:00:00:00:09",
					 "172.16.0.9"));
	/* the MAC ages out: the binding goes with it */
	mac_parse("02:aa:00:00:00:09", &km.mac);
	evpn_kernel_events.mac_del(e, &km);
	ck_assert_ptr_null(local_path(EVPN_RT_MACIP, "10.0.0.11:100", "02:aa:00:00:00:09",
				      "172.16.0.9"));
}
END_TEST

START_TEST(vrf_removed_macip_loses_l3)
{
	const struct rib_path *p;
	struct ecomm rt;

	local_host("02:aa:00:00:00:01", "172.16.0.1", true, true);
	p = local_path(EVPN_RT_MACIP, "10.0.0.11:100", "02:aa:00:00:00:01", "172.16.0.1");
	ck_assert_int_eq(p->nlabels, 2);
	cfg.n_vrfs = 0;
	evpn_configure(e, &cfg);
	p = local_path(EVPN_RT_MACIP, "10.0.0.11:100", "02:aa:00:00:00:01", "172.16.0.1");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->nlabels, 1);
	ck_assert(!p->attrs->has_rmac);
	rt_parse("65000:5000", &rt);
	ck_assert(!path_has(p, &rt));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("evpn_l3");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, l3vni_is_not_an_l2_instance);
	tcase_add_test(tc, symmetric_irb_host_route);
	tcase_add_test(tc, next_hop_shared_by_routes);
	tcase_add_test(tc, not_imported_without_l3_attributes);
	tcase_add_test(tc, type5_ecmp_and_withdraw);
	tcase_add_test(tc, type5_ipv6_over_ipv4_underlay);
	tcase_add_test(tc, host_route_wins_over_prefix);
	tcase_add_test(tc, local_macip_carries_l3vni);
	tcase_add_test(tc, local_routes_become_type5);
	tcase_add_test(tc, local_prefix_not_installed_from_remote);
	tcase_add_test(tc, vrf_removed_by_reload);
	tcase_add_test(tc, route_targets_changed_in_place);
	tcase_add_test(tc, binding_of_a_remote_mac_not_advertised);
	tcase_add_test(tc, vrf_removed_macip_loses_l3);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
