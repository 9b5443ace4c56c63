/*
 * test_evpn.c - Check suite for the EVPN layer (evpn.c, evpn_import.c,
 * evpn_local.c) against a mock of kernel.h: which kernel requests received
 * routes produce (flood lists, remote MACs, neighbours), what local MACs
 * originate, and MAC mobility (RFC 7432 15) across PEs.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "bgp.h"
#include "evpn_ecomm.h"
#include "evpn_nlri.h"
#include "evpn_priv.h"
#include "log.h"
#include "rib.h"
#include "testutil.h"

/* ---- fixture ----------------------------------------------------------- */

static struct event_base *base;
static struct rib *rib;
static struct bgp *bgp;
static struct evpn *e;
static struct mock_kernel mk;
static struct rib_peer *peer2, *peer3;
static struct config cfg;

static void setup(void)
{
	struct rib_config rc = {65000, 0x0a00000b, 0x0a00000b};
	struct rib_peer_info i2 = {.id = 2, .bgp_id = 0x0a000001, .ibgp = true};
	struct rib_peer_info i3 = {.id = 3, .bgp_id = 0x0a000002, .ibgp = true};
	struct kernel_vni kv = {.vni = 100, .vxlan_name = "vxlan100", .up = true,
				.neigh_suppress = true, .bridge_ifindex = 5, .bridge_name = "br100"};

	log_set_level(LOG_LVL_WARNING);
	base = event_base_new();
	rib = rib_new(&rc);
	bgp = bgp_new(base, rib);
	e = evpn_new(base, rib, bgp);
	memset(&cfg, 0, sizeof(cfg));
	cfg.router.asn = 65000;
	inet_pton(AF_INET, "10.0.0.11", &cfg.router.router_id);
	ipaddr_parse("10.0.0.11", &cfg.router.vtep_ip);
	cfg.advertise_all_vni = true;
	cfg.arp_nd_suppression = true;
	evpn_configure(e, &cfg);
	mock_kernel_init(&mk);
	evpn_set_kernel(e, &mk.k);
	ipaddr_parse("10.0.0.11", &kv.local);
	evpn_kernel_events.vni_add(e, &kv);
	ipaddr_parse("10.1.0.1", &i2.addr);
	ipaddr_parse("10.1.0.2", &i3.addr);
	peer2 = rib_peer_add(rib, &i2);
	peer3 = rib_peer_add(rib, &i3);
	mk.log[0] = '\0';
}

static void teardown(void)
{
	evpn_free(e); /* frees the (mock) kernel through its ops */
	bgp_free(bgp);
	rib_free(rib);
	event_base_free(base);
}

/* Let deferred work run (withdrawals decided inside RIB callbacks). */
static void turn(void)
{
	event_base_loop(base, EVLOOP_NONBLOCK);
}

/* A received route from peer: RT 65000:vni, next hop vtep, optional MAC mobility. */
static void remote(struct rib_peer *p, uint8_t type, const char *rd, const char *mac,
		   const char *ip, const char *vtep, uint32_t seq, bool sticky, bool def_gw)
{
	struct ecomm ec[4];
	struct rib_attrs t = {0};
	struct evpn_route r = {0};
	const struct rib_attrs *a;
	uint16_t n = 0;

	rt_parse("65000:100", &ec[n++]);
	evpn_ecomm_encap(&ec[n++], EVPN_TUNNEL_VXLAN);
	if (seq || sticky)
		evpn_ecomm_mac_mobility(&ec[n++], seq, sticky);
	if (def_gw)
		evpn_ecomm_def_gw(&ec[n++]);
	t.origin = BGP_ORIGIN_IGP;
	t.has_local_pref = true;
	t.local_pref = 100;
	t.ecomm = ec;
	t.n_ecomm = n;
	ipaddr_parse(vtep, &t.next_hop);
	r.type = type;
	rd_parse(rd, &r.rd);
	if (type == EVPN_RT_IMET) {
		ipaddr_parse(vtep, &r.ip);
		t.has_pmsi = true;
		t.pmsi.type = BGP_PMSI_INGRESS_REPL;
		t.pmsi.label = 100;
		t.pmsi.ir = t.next_hop;
	} else {
		mac_parse(mac, &r.mac);
		if (ip)
			ipaddr_parse(ip, &r.ip);
		r.nlabels = 1;
		r.label[0] = 100;
	}
	t.from = p;
	a = rib_attrs_intern(rib, &t);
	ck_assert_int_eq(rib_update(rib, p, &r, a), 0);
	rib_attrs_unref(rib, a);
}

static void withdraw(struct rib_peer *p, uint8_t type, const char *rd, const char *mac,
		     const char *ip)
{
	struct evpn_route r = {0};
	struct evpn_key k;

	r.type = type;
	rd_parse(rd, &r.rd);
	if (type == EVPN_RT_IMET)
		ipaddr_parse(ip, &r.ip);
	else {
		mac_parse(mac, &r.mac);
		if (ip)
			ipaddr_parse(ip, &r.ip);
	}
	evpn_key_from_route(&r, &k);
	ck_assert_int_eq(rib_withdraw(rib, p, &k), 0);
}

static void local_mac(const char *mac, bool add, bool is_static)
{
	struct kernel_mac km = {.vni = 100, .ifindex = 7, .is_static = is_static};

	mac_parse(mac, &km.mac);
	if (add)
		evpn_kernel_events.mac_add(e, &km);
	else
		evpn_kernel_events.mac_del(e, &km);
}

/* Our local Type-2 path for mac (MAC-only), or NULL. */
static const struct rib_path *local_path(const char *mac)
{
	struct evpn_route r = {.type = EVPN_RT_MACIP};
	struct evpn_key k;
	struct rib_route *rt;

	rd_parse("10.0.0.11:100", &r.rd);
	mac_parse(mac, &r.mac);
	evpn_key_from_route(&r, &k);
	rt = rib_route_get(rib, &k);
	return rt ? rib_route_path(rt, rib_peer_local(rib)) : NULL;
}

/* Our local Type-2 path for (rd, mac, ip) (ip NULL: MAC-only), or NULL. */
static const struct rib_path *local_path_at(const char *rd, const char *mac, const char *ip)
{
	struct evpn_route r = {.type = EVPN_RT_MACIP};
	struct evpn_key k;
	struct rib_route *rt;

	rd_parse(rd, &r.rd);
	mac_parse(mac, &r.mac);
	if (ip)
		ipaddr_parse(ip, &r.ip);
	evpn_key_from_route(&r, &k);
	rt = rib_route_get(rib, &k);
	return rt ? rib_route_path(rt, rib_peer_local(rib)) : NULL;
}

static void local_neigh(const char *ip, const char *mac)
{
	struct kernel_neigh kn = {.vni = 100, .ifindex = 5};

	ipaddr_parse(ip, &kn.ip);
	mac_parse(mac, &kn.mac);
	evpn_kernel_events.neigh_add(e, &kn);
}

/* ---- tests ------------------------------------------------------------- */

START_TEST(type3_builds_the_flood_list)
{
	remote(peer2, EVPN_RT_IMET, "10.0.0.12:100", NULL, NULL, "10.0.0.12", 0, false, false);
	ck_assert_str_eq(mk.log, "flood+ 100 10.0.0.12;");
	withdraw(peer2, EVPN_RT_IMET, "10.0.0.12:100", NULL, "10.0.0.12");
	ck_assert_str_eq(mk.log, "flood+ 100 10.0.0.12;flood- 100 10.0.0.12;");
}
END_TEST

START_TEST(local_vni_originates_type3)
{
	struct evpn_route r = {.type = EVPN_RT_IMET};
	struct evpn_key k;
	struct rib_route *rt;

	rd_parse("10.0.0.11:100", &r.rd); /* auto RD: router-id:VNI */
	ipaddr_parse("10.0.0.11", &r.ip);
	evpn_key_from_route(&r, &k);
	rt = rib_route_get(rib, &k);
	ck_assert_ptr_nonnull(rt);
	ck_assert(rib_path_peer(rib_route_best(rt))->local);
	ck_assert(rib_route_best(rt)->attrs->has_pmsi);
	ck_assert_uint_eq(rib_route_best(rt)->attrs->pmsi.label, 100);
	evpn_kernel_events.vni_del(e, 100);
	ck_assert_ptr_null(rib_route_get(rib, &k));
}
END_TEST

START_TEST(remote_mac_and_neighbour)
{
	remote(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:02", "172.16.0.2", "10.0.0.12",
	       0, false, false);
	ck_assert_str_eq(mk.log, "mac+ 100 02:aa:00:00:00:02 10.0.0.12;"
				 "neigh+ 100 172.16.0.2 02:aa:00:00:00:02;");
	mk.log[0] = '\0';
	remote(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:02", NULL, "10.0.0.12", 0,
	       false, false);
	ck_assert_str_eq(mk.log, ""); /* the MAC-only route changes nothing installed */
	withdraw(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:02", "172.16.0.2");
	ck_assert_str_eq(mk.log, "neigh- 100 172.16.0.2;");
	withdraw(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:02", NULL);
	ck_assert_str_eq(mk.log, "neigh- 100 172.16.0.2;mac- 100 02:aa:00:00:00:02;");
}
END_TEST

START_TEST(no_neighbour_without_suppression)
{
	cfg.arp_nd_suppression = false;
	evpn_configure(e, &cfg);
	mk.log[0] = '\0';
	remote(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:02", "172.16.0.2", "10.0.0.12",
	       0, false, false);
	ck_assert_str_eq(mk.log, "mac+ 100 02:aa:00:00:00:02 10.0.0.12;");
}
END_TEST

START_TEST(default_gateway_is_not_installed)
{
	remote(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "00:00:5e:00:01:01", NULL, "10.0.0.12", 0,
	       false, true);
	ck_assert_str_eq(mk.log, "");
}
END_TEST

START_TEST(foreign_route_target_is_not_imported)
{
	struct ecomm ec;
	struct rib_attrs t = {0};
	struct evpn_route r = {.type = EVPN_RT_IMET};
	const struct rib_attrs *a;

	rt_parse("65000:999", &ec);
	t.ecomm = &ec;
	t.n_ecomm = 1;
	ipaddr_parse("10.0.0.12", &t.next_hop);
	rd_parse("10.0.0.12:999", &r.rd);
	r.ip = t.next_hop;
	t.from = peer2;
	a = rib_attrs_intern(rib, &t);
	rib_update(rib, peer2, &r, a);
	rib_attrs_unref(rib, a);
	ck_assert_str_eq(mk.log, "");
}
END_TEST

START_TEST(mac_moves_here_with_sequence_plus_one)
{
	const struct rib_path *p;

	remote(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:02", NULL, "10.0.0.12", 3,
	       false, false);
	ck_assert_str_eq(mk.log, "mac+ 100 02:aa:00:00:00:02 10.0.0.12;");
	local_mac("02:aa:00:00:00:02", true, false);
	p = local_path("02:aa:00:00:00:02");
	ck_assert_ptr_nonnull(p);
	ck_assert(p->attrs->mm_present);
	ck_assert_uint_eq(p->attrs->mm_seq, 4); /* RFC 7432 15.1 */
	ck_assert_str_eq(mk.log, "mac+ 100 02:aa:00:00:00:02 10.0.0.12;mac- 100 02:aa:00:00:00:02;");
}
END_TEST

START_TEST(mac_moves_away_on_higher_sequence)
{
	local_mac("02:aa:00:00:00:05", true, false);
	ck_assert_ptr_nonnull(local_path("02:aa:00:00:00:05"));
	ck_assert(!local_path("02:aa:00:00:00:05")->attrs->mm_present); /* sequence 0 */
	remote(peer3, EVPN_RT_MACIP, "10.0.0.13:100", "02:aa:00:00:00:05", NULL, "10.0.0.13", 1,
	       false, false);
	ck_assert_str_eq(mk.log, "mac+ 100 02:aa:00:00:00:05 10.0.0.13;");
	ck_assert_ptr_nonnull(local_path("02:aa:00:00:00:05")); /* withdrawn outside the callback */
	turn();
	ck_assert_ptr_null(local_path("02:aa:00:00:00:05"));
}
END_TEST

START_TEST(mobility_across_two_remote_pes)
{
	remote(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:07", NULL, "10.0.0.12", 1,
	       false, false);
	remote(peer3, EVPN_RT_MACIP, "10.0.0.13:100", "02:aa:00:00:00:07", NULL, "10.0.0.13", 2,
	       false, false);
	ck_assert_str_eq(mk.log, "mac+ 100 02:aa:00:00:00:07 10.0.0.12;"
				 "mac+ 100 02:aa:00:00:00:07 10.0.0.13;");
	mk.log[0] = '\0';
	withdraw(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:07", NULL);
	ck_assert_str_eq(mk.log, ""); /* the old location's withdrawal changes nothing */
	withdraw(peer3, EVPN_RT_MACIP, "10.0.0.13:100", "02:aa:00:00:00:07", NULL);
	ck_assert_str_eq(mk.log, "mac- 100 02:aa:00:00:00:07;");
}
END_TEST

START_TEST(sticky_remote_mac_is_not_taken_over)
{
	remote(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:08", NULL, "10.0.0.12", 0, true,
	       false);
	ck_assert_str_eq(mk.log, "mac+ 100 02:aa:00:00:00:08 10.0.0.12 sticky;");
	local_mac("02:aa:00:00:00:08", true, false);
	ck_assert_ptr_null(local_path("02:aa:00:00:00:08"));
}
END_TEST

START_TEST(static_local_mac_is_sticky)
{
	const struct rib_path *p;

	local_mac("02:aa:00:00:00:09", true, true);
	p = local_path("02:aa:00:00:00:09");
	ck_assert_ptr_nonnull(p);
	ck_assert(p->attrs->mm_sticky);
	local_mac("02:aa:00:00:00:09", false, true);
	ck_assert_ptr_null(local_path("02:aa:00:00:00:09"));
}
END_TEST

START_TEST(routes_before_the_kernel_are_installed_when_it_comes)
{
	evpn_set_kernel(e, NULL);
	remote(peer2, EVPN_RT_IMET, "10.0.0.12:100", NULL, NULL, "10.0.0.12", 0, false, false);
	ck_assert_str_eq(mk.log, "");
	evpn_set_kernel(e, &mk.k);
	ck_assert_str_eq(mk.log, "flood+ 100 10.0.0.12;");
}
END_TEST

START_TEST(duplicate_mac_is_frozen)
{
	/* The MAC bounces between us and PE 10.0.0.12: each bounce is a move. */
	for (uint32_t i = 0; i < EVPN_DAD_MOVES + 2; i++) {
		const struct rib_path *p = local_path("02:aa:00:00:00:0a");
		uint32_t seq = p ? (p->attrs->mm_present ? p->attrs->mm_seq : 0) : 2 * i;

		remote(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:aa:00:00:00:0a", NULL,
		       "10.0.0.12", seq + 1, false, false);
		turn();
		local_mac("02:aa:00:00:00:0a", true, false);
	}
	ck_assert_ptr_null(local_path("02:aa:00:00:00:0a")); /* frozen: not advertised */
	ck_assert_uint_eq(e->st.duplicates, 1);
}
END_TEST

/*
 * Local routes follow their VNI's RD: a new RD re-originates them under it
 * and withdraws them under the old one; a binding's new MAC replaces its
 * route; each withdrawal finds the key it was advertised under (MAC and
 * neighbour entries keep only the RD and MAC of it).
 */
START_TEST(rd_change_moves_local_routes)
{
	struct cfg_l2vni l2 = {.vni = 100, .rd = {.is_auto = false}};
	const char *old = "10.0.0.11:100", *new = "10.9.9.9:7";

	local_mac("02:bb:00:00:00:01", true, false);
	local_mac("02:bb:00:00:00:02", true, false);
	local_neigh("172.16.0.9", "02:bb:00:00:00:01");
	ck_assert_ptr_nonnull(local_path_at(old, "02:bb:00:00:00:01", NULL));
	ck_assert_ptr_nonnull(local_path_at(old, "02:bb:00:00:00:01", "172.16.0.9"));
	rd_parse(new, &l2.rd.rd);
	cfg.l2vnis = &l2;
	cfg.n_l2vnis = 1;
	evpn_configure(e, &cfg);
	turn();
	ck_assert_ptr_null(local_path_at(old, "02:bb:00:00:00:01", NULL));
	ck_assert_ptr_null(local_path_at(old, "02:bb:00:00:00:01", "172.16.0.9"));
	ck_assert_ptr_nonnull(local_path_at(new, "02:bb:00:00:00:01", NULL));
	ck_assert_ptr_nonnull(local_path_at(new, "02:bb:00:00:00:01", "172.16.0.9"));
	local_neigh("172.16.0.9", "02:bb:00:00:00:02"); /* the IP moves to the other MAC */
	turn();
	ck_assert_ptr_null(local_path_at(new, "02:bb:00:00:00:01", "172.16.0.9"));
	ck_assert_ptr_nonnull(local_path_at(new, "02:bb:00:00:00:02", "172.16.0.9"));
	local_mac("02:bb:00:00:00:01", false, false);
	turn();
	ck_assert_ptr_null(local_path_at(new, "02:bb:00:00:00:01", NULL));
	ck_assert_ptr_nonnull(local_path_at(new, "02:bb:00:00:00:02", NULL));
	local_mac("02:bb:00:00:00:02", false, false); /* its binding goes with it */
	turn();
	ck_assert_ptr_null(local_path_at(new, "02:bb:00:00:00:02", NULL));
	ck_assert_ptr_null(local_path_at(new, "02:bb:00:00:00:02", "172.16.0.9"));
	cfg.l2vnis = NULL;
	cfg.n_l2vnis = 0;
}
END_TEST

/*
 * A MAC's local bindings follow it, and only its own: a binding learned
 * before its MAC waits for it, goes with the MAC's move away (RFC 7432
 * 15.1) and comes back with it, under the MAC's new sequence; bindings of
 * other MACs, in the same hash chain or not, are left alone.
 */
START_TEST(bindings_follow_their_mac)
{
	const char *rd = "10.0.0.11:100";
	char mac[32], ip[32];

	for (int i = 0; i < 200; i++) { /* bystanders: 200 bindings of 100 other MACs */
		snprintf(mac, sizeof(mac), "02:cc:00:00:00:%02x", i / 2);
		snprintf(ip, sizeof(ip), "172.16.1.%d", i);
		local_neigh(ip, mac);
	}
	local_neigh("172.16.0.20", "02:bb:00:00:00:07");
	local_neigh("172.16.0.21", "02:bb:00:00:00:07");
	ck_assert_ptr_null(local_path_at(rd, "02:bb:00:00:00:07", "172.16.0.20")); /* no MAC yet */
	local_mac("02:bb:00:00:00:07", true, false);
	ck_assert_ptr_nonnull(local_path_at(rd, "02:bb:00:00:00:07", "172.16.0.20"));
	ck_assert_ptr_nonnull(local_path_at(rd, "02:bb:00:00:00:07", "172.16.0.21"));
	ck_assert_ptr_null(local_path_at(rd, "02:cc:00:00:00:00", "172.16.1.0"));
	local_mac("02:cc:00:00:00:00", true, false);
	ck_assert_ptr_nonnull(local_path_at(rd, "02:cc:00:00:00:00", "172.16.1.0"));
	ck_assert_ptr_nonnull(local_path_at(rd, "02:cc:00:00:00:00", "172.16.1.1"));
	ck_assert_ptr_null(local_path_at(rd, "02:cc:00:00:00:01", "172.16.1.2"));
	/* the MAC moves to 10.0.0.13: its bindings are withdrawn, the others stay */
	remote(peer3, EVPN_RT_MACIP, "10.0.0.13:100", "02:bb:00:00:00:07", NULL, "10.0.0.13", 1,
	       false, false);
	turn();
	ck_assert_ptr_null(local_path_at(rd, "02:bb:00:00:00:07", NULL));
	ck_assert_ptr_null(local_path_at(rd, "02:bb:00:00:00:07", "172.16.0.20"));
	ck_assert_ptr_null(local_path_at(rd, "02:bb:00:00:00:07", "172.16.0.21"));
	ck_assert_ptr_nonnull(local_path_at(rd, "02:cc:00:00:00:00", "172.16.1.0"));
	/* and back here: sequence 2, on the bindings too */
	local_mac("02:bb:00:00:00:07", true, false);
	ck_assert_ptr_nonnull(local_path_at(rd, "02:bb:00:00:00:07", "172.16.0.20"));
	ck_assert_uint_eq(local_path_at(rd, "02:bb:00:00:00:07", "172.16.0.20")->attrs->mm_seq, 2);
	ck_assert_uint_eq(local_path_at(rd, "02:bb:00:00:00:07", "172.16.0.21")->attrs->mm_seq, 2);
	/* a binding moved to another MAC is no longer that MAC's */
	local_neigh("172.16.0.21", "02:cc:00:00:00:00");
	local_mac("02:bb:00:00:00:07", false, false);
	ck_assert_ptr_null(local_path_at(rd, "02:bb:00:00:00:07", "172.16.0.20"));
	ck_assert_ptr_nonnull(local_path_at(rd, "02:cc:00:00:00:00", "172.16.0.21"));
}
END_TEST

static size_t local_macs_n(void)
{
	size_t n = 0;
	const struct evpn_mac_local *l;

	LIST_FOREACH(l, &e->local_macs, link)
		n++;
	return n;
}

static size_t local_neighs_n(void)
{
	size_t n = 0;
	const struct evpn_neigh_local *l;

	LIST_FOREACH(l, &e->local_neighs, link)
		n++;
	return n;
}

static struct evpn_mac *mac_entry(const char *mac)
{
	struct mac m;

	mac_parse(mac, &m);
	return evpn_mac_get(e, 100, &m, false);
}

/*
 * Only what was learned here has a local side (remote entries are the
 * bulk of a leaf's memory); the VXLAN device's removal walks the local
 * sides: its local routes go, with the local sides.  The MAC table shows
 * sorted by VNI and MAC.
 */
START_TEST(local_sides_and_vni_removal)
{
	const char *rd = "10.0.0.11:100";
	const char *order[] = {"02:bb:00:00:00:01", "02:dd:00:00:00:01", "02:dd:00:00:00:02",
			       "02:dd:00:00:00:03"};
	struct ipaddr ip;
	json_object *a;

	remote(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:dd:00:00:00:03", NULL, "10.0.0.12", 0,
	       false, false);
	remote(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:dd:00:00:00:02", "172.16.0.2",
	       "10.0.0.12", 0, false, false);
	remote(peer2, EVPN_RT_MACIP, "10.0.0.12:100", "02:dd:00:00:00:01", NULL, "10.0.0.12", 0,
	       false, false);
	local_mac("02:bb:00:00:00:01", true, false);
	local_neigh("172.16.0.9", "02:bb:00:00:00:01");
	ck_assert(!mac_entry("02:dd:00:00:00:02")->has_loc);
	ck_assert_ptr_null(evpn_mac_loc(e, mac_entry("02:dd:00:00:00:02")));
	ipaddr_parse("172.16.0.2", &ip);
	ck_assert_ptr_null(evpn_neigh_loc(e, evpn_neigh_get(e, 100, &ip, false)));
	ck_assert_ptr_nonnull(evpn_mac_loc(e, mac_entry("02:bb:00:00:00:01")));
	ipaddr_parse("172.16.0.9", &ip);
	ck_assert_ptr_eq(evpn_neigh_local_of(evpn_neigh_loc(e, evpn_neigh_get(e, 100, &ip, false))),
			 evpn_neigh_get(e, 100, &ip, false));
	ck_assert_uint_eq(htab_count(&e->mac_locs), 1);
	ck_assert_uint_eq(htab_count(&e->neigh_locs), 1);
	ck_assert_uint_eq(local_macs_n(), 1);
	ck_assert_uint_eq(local_neighs_n(), 1);
	a = evpn_show_macs(e, 0);
	ck_assert_uint_eq(json_object_array_length(a), 4);
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_eq(json_object_get_string(json_object_object_get(
					 json_object_array_get_idx(a, i), "mac")),
				 order[i]);
	json_object_put(a);

	evpn_kernel_events.vni_del(e, 100);
	turn();
	ck_assert_ptr_null(local_path_at(rd, "02:bb:00:00:00:01", NULL));
	ck_assert_ptr_null(local_path_at(rd, "02:bb:00:00:00:01", "172.16.0.9"));
	ck_assert_ptr_null(mac_entry("02:bb:00:00:00:01"));
	ck_assert_uint_eq(local_macs_n(), 0);
	ck_assert_uint_eq(local_neighs_n(), 0);
	ck_assert_uint_eq(htab_count(&e->mac_locs), 0);
	ck_assert_uint_eq(htab_count(&e->neigh_locs), 0);
}
END_TEST

static Suite *evpn_suite(void)
{
	Suite *s = suite_create("evpn");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, type3_builds_the_flood_list);
	tcase_add_test(tc, local_vni_originates_type3);
	tcase_add_test(tc, remote_mac_and_neighbour);
	tcase_add_test(tc, no_neighbour_without_suppression);
	tcase_add_test(tc, default_gateway_is_not_installed);
	tcase_add_test(tc, foreign_route_target_is_not_imported);
	tcase_add_test(tc, mac_moves_here_with_sequence_plus_one);
	tcase_add_test(tc, mac_moves_away_on_higher_sequence);
	tcase_add_test(tc, mobility_across_two_remote_pes);
	tcase_add_test(tc, sticky_remote_mac_is_not_taken_over);
	tcase_add_test(tc, static_local_mac_is_sticky);
	tcase_add_test(tc, routes_before_the_kernel_are_installed_when_it_comes);
	tcase_add_test(tc, duplicate_mac_is_frozen);
	tcase_add_test(tc, rd_change_moves_local_routes);
	tcase_add_test(tc, bindings_follow_their_mac);
	tcase_add_test(tc, local_sides_and_vni_removal);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(evpn_suite());
}
