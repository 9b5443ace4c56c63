/*
 * test_rib_decide.c - Check suite for src/rib_decide.c: best path selection
 * (one case per tie-breaker, MAC mobility), export decisions (RFC 4456),
 * loop detection and the attributes sent.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "rib_harness.h"

/* ---- best path: one test per tie-breaker ------------------------------ */

enum side { WIN, LOSE };

/* Set up attrs/peers so that only one step differs between two paths. */
struct tb_case {
	enum rib_why why;
	uint8_t type;
	void (*tweak)(struct rib_attrs *t, enum side s);
	bool win_local, lose_local;		/* use the local peer */
	bool win_ebgp, lose_ebgp;
	const char *win_addr, *lose_addr;	/* peer addresses (and BGP ids) */
	const char *win_nh, *lose_nh;
};

static const uint8_t path1[] = {BGP_AS_SEQUENCE, 1, 0, 0, 0xfd, 0xe9};
static const uint8_t path2[] = {BGP_AS_SEQUENCE, 2, 0, 0, 0xfd, 0xe9, 0, 0, 0xfd, 0xea};
static const uint8_t clist1[] = {1, 1, 1, 1};
static const uint8_t clist2[] = {1, 1, 1, 1, 2, 2, 2, 2};

static void tw_none(struct rib_attrs *t, enum side s)
{
}

static void tw_lp(struct rib_attrs *t, enum side s)
{
	t->has_local_pref = true;
	t->local_pref = s == WIN ? 200 : 100;
}

static void tw_aspath(struct rib_attrs *t, enum side s)
{
	t->as_path = s == WIN ? path1 : path2;
	t->as_path_len = s == WIN ? sizeof(path1) : sizeof(path2);
}

static void tw_origin(struct rib_attrs *t, enum side s)
{
	t->origin = s == WIN ? BGP_ORIGIN_IGP : BGP_ORIGIN_INCOMPLETE;
}

static void tw_med(struct rib_attrs *t, enum side s)
{
	t->has_med = true;
	t->med = s == WIN ? 10 : 20;
}

static void tw_originator(struct rib_attrs *t, enum side s)
{
	t->has_originator = true;
	t->originator_id = s == WIN ? 0x0a000062 : 0x0a000063; /* peer ids say the opposite */
}

static void tw_cluster(struct rib_attrs *t, enum side s)
{
	t->has_originator = true;
	t->originator_id = 0x0a000063;
	t->cluster_list = s == WIN ? clist1 : clist2;
	t->n_cluster = s == WIN ? 1 : 2;
}

static void tw_lp_worse(struct rib_attrs *t, enum side s)
{
	t->has_local_pref = true;
	t->local_pref = s == WIN ? 50 : 300; /* mobility decides before LOCAL_PREF */
}

static const struct tb_case tb_cases[] = {
	{RIB_WHY_LOCAL_PREF, EVPN_RT_IMET, tw_lp, .win_addr = "10.0.0.9", .lose_addr = "10.0.0.1"},
	{RIB_WHY_LOCAL, EVPN_RT_IMET, tw_none, .win_local = true, .lose_addr = "10.0.0.1"},
	{RIB_WHY_AS_PATH, EVPN_RT_IMET, tw_aspath, .win_addr = "10.0.0.9", .lose_addr = "10.0.0.1"},
	{RIB_WHY_ORIGIN, EVPN_RT_PREFIX, tw_origin, .win_addr = "10.0.0.9",
	 .lose_addr = "10.0.0.1"},
	{RIB_WHY_MED, EVPN_RT_IMET, tw_med, .win_addr = "10.0.0.9", .lose_addr = "10.0.0.1"},
	{RIB_WHY_EBGP, EVPN_RT_IMET, tw_none, .win_ebgp = true, .win_addr = "10.0.0.9",
	 .lose_addr = "10.0.0.1"},
	/* RFC 4456 9: ORIGINATOR_ID replaces the BGP id (peer ids say the opposite) */
	{RIB_WHY_ORIGINATOR, EVPN_RT_IMET, tw_originator, .win_addr = "10.0.0.9",
	 .lose_addr = "10.0.0.1"},
	/* without ORIGINATOR_ID: the peers' BGP identifiers */
	{RIB_WHY_ORIGINATOR, EVPN_RT_IMET, tw_none, .win_addr = "10.0.0.1",
	 .lose_addr = "10.0.0.9"},
	{RIB_WHY_CLUSTER, EVPN_RT_IMET, tw_cluster, .win_addr = "10.0.0.9",
	 .lose_addr = "10.0.0.1"},
	/* MAC mobility: higher sequence wins even with worse LOCAL_PREF */
	{RIB_WHY_MM_SEQ, EVPN_RT_MACIP, tw_lp_worse, .win_addr = "10.0.0.9",
	 .lose_addr = "10.0.0.1"},
	/* equal sequence: lower next hop (PE address), RFC 7432 15.1 */
	{RIB_WHY_MM_NEXTHOP, EVPN_RT_MACIP, tw_lp_worse, .win_addr = "10.0.0.9",
	 .lose_addr = "10.0.0.1", .win_nh = "10.0.0.3", .lose_nh = "10.0.0.4"},
	/* ... even against our own route: RFC 7432 15.1, the originator compares too */
	{RIB_WHY_MM_NEXTHOP, EVPN_RT_MACIP, tw_none, .win_addr = "10.0.0.9", .lose_local = true,
	 .win_nh = "10.0.0.3", .lose_nh = "10.0.0.11"},
	/* equal sequence and PE: the local route wins */
	{RIB_WHY_LOCAL, EVPN_RT_MACIP, tw_none, .win_local = true, .lose_addr = "10.0.0.1"},
};

static void tb_attrs(const struct tb_case *c, enum side s, struct ecomm *ec,
		     struct rib_attrs *t)
{
	const char *nh = s == WIN ? c->win_nh : c->lose_nh;
	long seq = c->why == RIB_WHY_MM_SEQ ? (s == WIN ? 2 : 1) : 1;

	*t = tmpl(nh ? nh : "10.0.0.2", ec, c->type == EVPN_RT_MACIP ? seq : -1, false);
	c->tweak(t, s);
}

START_TEST(best_path_tie_breakers)
{
	const struct tb_case *c = &tb_cases[_i];

	/* both orders of arrival give the same best path */
	for (int order = 0; order < 2; order++) {
		struct rib *rib = rib_make();
		struct evpn_route r = route_of(c->type);
		struct rib_peer *pw, *pl;
		struct ecomm ecw[3], ecl[3];
		struct rib_attrs tw, tl;
		struct rib_route *rt;
		enum rib_why why;

		pw = c->win_local ? rib_peer_local(rib) : peer_make(rib, 1, c->win_addr,
								     !c->win_ebgp, false);
		pl = c->lose_local ? rib_peer_local(rib) : peer_make(rib, 2, c->lose_addr,
								      !c->lose_ebgp, false);
		tb_attrs(c, WIN, ecw, &tw);
		tb_attrs(c, LOSE, ecl, &tl);
		if (order == 0) {
			announce(rib, pw, &r, &tw);
			announce(rib, pl, &r, &tl);
		} else {
			announce(rib, pl, &r, &tl);
			announce(rib, pw, &r, &tw);
		}
		rt = get(rib, &r);
		ck_assert_ptr_nonnull(rt);
		ck_assert_ptr_eq(rib_path_peer(rib_route_best(rt)), pw);
		ck_assert_int_lt(rib_path_cmp(rib_route_best(rt), rib_route_path(rt, pl), r.type, &why), 0);
		ck_assert_msg(why == c->why, "case %d: decided by %s, expected %s", _i,
			      rib_why_name(why), rib_why_name(c->why));
		ck_assert_int_gt(rib_path_cmp(rib_route_path(rt, pl), rib_route_best(rt), r.type, NULL), 0);
		ck_assert_int_eq(rib_path_cmp(rib_route_best(rt), rib_route_best(rt), r.type, &why), 0);
		ck_assert_int_eq(why, RIB_WHY_EQUAL);
		rib_free(rib);
	}
}
END_TEST

START_TEST(best_path_peer_address)
{
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct rib_peer *p2 = peer_make(rib, 2, "10.0.0.1", true, false);
	struct rib_peer *p3 = peer_make(rib, 3, "10.0.0.5", true, false);
	struct rib_peer_info info = p3->info;
	struct evpn_route r = route_of(EVPN_RT_IMET);
	struct evpn_key k = key_of(&r);
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.2", ec, -1, false);
	struct rib_route *rt;
	enum rib_why why;

	/* same BGP identifier (same router via two sessions): peer address decides */
	info.bgp_id = p1->info.bgp_id;
	rib_peer_set_info(rib, p3, &info);
	announce(rib, p3, &r, &t);
	announce(rib, p2, &r, &t);
	rt = rib_route_get(rib, &k);
	ck_assert_ptr_eq(rib_path_peer(rib_route_best(rt)), p2);
	ck_assert_int_lt(rib_path_cmp(rib_route_best(rt), rib_route_path(rt, p3), r.type, &why), 0);
	ck_assert_int_eq(why, RIB_WHY_PEER_ADDR);
	ck_assert(rib_path_same(rib, rib_route_best(rt), rib_route_path(rt, p3))); /* same route, two RRs */
	announce(rib, p1, &r, &t);
	ck_assert_ptr_eq(rib_path_peer(rib_route_best(rt)), p1);
	ck_assert_int_lt(rib_path_cmp(rib_route_best(rt), rib_route_path(rt, p2), r.type, &why), 0);
	ck_assert_int_eq(why, RIB_WHY_PEER_ID);
	rib_free(rib);
}
END_TEST

/*
 * The best path is the first of the route's paths (rib_route_best): it
 * moves there when a later path beats it, when the best is withdrawn and
 * when the best is replaced by a worse one; the other paths stay findable.
 */
START_TEST(best_path_is_first)
{
	struct rib *rib = rib_make();
	struct rib_peer *p[3];
	struct evpn_route r = macip(3, 1);
	struct evpn_key k = key_of(&r);
	struct ecomm ec[3][3];
	struct rib_attrs t[3];
	struct rib_route *rt;
	struct obs o = {0};
	size_t n;

	for (int i = 0; i < 3; i++) {
		char addr[16];

		snprintf(addr, sizeof(addr), "10.0.0.%d", i + 1);
		p[i] = peer_make(rib, (uint32_t)i + 1, addr, true, false);
		t[i] = tmpl("10.0.0.9", ec[i], i + 1, false); /* p[2]'s sequence is highest */
	}
	rib_set_observer(rib, observe, &o);
	announce(rib, p[1], &r, &t[1]);
	announce(rib, p[2], &r, &t[2]); /* beats p[1] and is the newest */
	announce(rib, p[0], &r, &t[0]); /* the newest, not the best */
	rt = rib_route_get(rib, &k);
	ck_assert_ptr_eq(rib_path_peer(rib_route_best(rt)), p[2]);
	ck_assert_ptr_eq(rt->paths, rib_route_best(rt));
	ck_assert_uint_eq(o.n, 2);
	for (n = 0; n < 3; n++)
		ck_assert_ptr_nonnull(rib_route_path(rt, p[n]));
	/* the best replaced by a worse one: p[1] wins, and is first */
	t[2] = tmpl("10.0.0.9", ec[2], 0, false);
	announce(rib, p[2], &r, &t[2]);
	ck_assert_ptr_eq(rib_path_peer(rib_route_best(rt)), p[1]);
	ck_assert_ptr_eq(o.call[2].new_best, rib_route_best(rt));
	ck_assert_uint_eq(o.n, 3);
	/* the best withdrawn: p[0] */
	ck_assert_int_eq(rib_withdraw(rib, p[1], &k), 0);
	ck_assert_ptr_eq(rib_path_peer(rib_route_best(rt)), p[0]);
	ck_assert_ptr_eq(o.call[3].new_best, rib_route_best(rt));
	/* a path that is not the best withdrawn: nothing to tell */
	ck_assert_int_eq(rib_withdraw(rib, p[2], &k), 0);
	ck_assert_ptr_eq(rib_path_peer(rib_route_best(rt)), p[0]);
	ck_assert_ptr_null(rt->paths->next);
	ck_assert_uint_eq(o.n, 4);
	rib_free(rib);
}
END_TEST

START_TEST(mac_mobility)
{
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct rib_peer *p2 = peer_make(rib, 2, "10.0.0.5", true, false);
	struct evpn_route r = macip(3, 1);
	struct evpn_key k = key_of(&r);
	struct ecomm e1[3], e2[3];
	struct rib_attrs t1, t2;
	struct rib_route *rt;
	enum rib_why why;

	/* a route without the community has sequence 0: seq 1 beats it */
	t1 = tmpl("10.0.0.3", e1, -1, false);
	t2 = tmpl("10.0.0.4", e2, 1, false);
	announce(rib, p1, &r, &t1);
	announce(rib, p2, &r, &t2);
	rt = rib_route_get(rib, &k);
	ck_assert_ptr_eq(rib_path_peer(rib_route_best(rt)), p2);
	/* sticky (static) beats a higher sequence number: RFC 7432 15.2 */
	t1 = tmpl("10.0.0.3", e1, 0, true);
	t2 = tmpl("10.0.0.4", e2, 9, false);
	announce(rib, p1, &r, &t1);
	announce(rib, p2, &r, &t2);
	ck_assert_ptr_eq(rib_path_peer(rib_route_best(rt)), p1);
	ck_assert_int_lt(rib_path_cmp(rib_route_best(rt), rib_route_path(rt, p2), r.type, &why), 0);
	ck_assert_int_eq(why, RIB_WHY_STICKY);
	/* both sticky: sequence decides */
	t2 = tmpl("10.0.0.4", e2, 9, true);
	announce(rib, p2, &r, &t2);
	ck_assert_ptr_eq(rib_path_peer(rib_route_best(rt)), p2);
	ck_assert_int_lt(rib_path_cmp(rib_route_best(rt), rib_route_path(rt, p1), r.type, &why), 0);
	ck_assert_int_eq(why, RIB_WHY_MM_SEQ);
	rib_free(rib);
}
END_TEST

/* ---- export decisions, loops, attributes ------------------------------- */

struct rr_fix {
	struct rib *rib;
	struct rib_peer *client, *client2, *nonclient, *nonclient2, *ebgp;
};

static void rr_setup(struct rr_fix *f)
{
	f->rib = rib_make();
	f->client = peer_make(f->rib, 1, "10.0.0.1", true, true);
	f->client2 = peer_make(f->rib, 2, "10.0.0.2", true, true);
	f->nonclient = peer_make(f->rib, 3, "10.0.0.3", true, false);
	f->nonclient2 = peer_make(f->rib, 4, "10.0.0.4", true, false);
	f->ebgp = peer_make(f->rib, 5, "192.0.2.1", false, false);
}

static struct rib_route *rr_route(struct rr_fix *f, struct rib_peer *from, uint32_t n)
{
	struct evpn_route r = macip(9, n);
	struct evpn_key k = key_of(&r);
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.9", ec, -1, false);

	announce(f->rib, from, &r, &t);
	return rib_route_get(f->rib, &k);
}

START_TEST(export_decisions)
{
	struct rr_fix f;
	struct rib_route *rt;

	rr_setup(&f);
	/* from a client: to everyone but the sender */
	rt = rr_route(&f, f.client, 1);
	ck_assert_ptr_null(rib_export_path(f.rib, rt, f.client));
	ck_assert_ptr_eq(rib_export_path(f.rib, rt, f.client2), rib_route_best(rt));
	ck_assert_ptr_eq(rib_export_path(f.rib, rt, f.nonclient), rib_route_best(rt));
	ck_assert_ptr_eq(rib_export_path(f.rib, rt, f.ebgp), rib_route_best(rt));
	/* from a non-client: to clients and eBGP only */
	rt = rr_route(&f, f.nonclient, 2);
	ck_assert_ptr_eq(rib_export_path(f.rib, rt, f.client), rib_route_best(rt));
	ck_assert_ptr_null(rib_export_path(f.rib, rt, f.nonclient));
	ck_assert_ptr_null(rib_export_path(f.rib, rt, f.nonclient2));
	ck_assert_ptr_eq(rib_export_path(f.rib, rt, f.ebgp), rib_route_best(rt));
	/* local: to everyone */
	rt = rr_route(&f, rib_peer_local(f.rib), 3);
	ck_assert_ptr_eq(rib_export_path(f.rib, rt, f.client), rib_route_best(rt));
	ck_assert_ptr_eq(rib_export_path(f.rib, rt, f.nonclient), rib_route_best(rt));
	ck_assert_ptr_eq(rib_export_path(f.rib, rt, f.ebgp), rib_route_best(rt));
	/* from eBGP: to everyone but the sender */
	rt = rr_route(&f, f.ebgp, 4);
	ck_assert_ptr_eq(rib_export_path(f.rib, rt, f.nonclient), rib_route_best(rt));
	ck_assert_ptr_eq(rib_export_path(f.rib, rt, f.client), rib_route_best(rt));
	ck_assert_ptr_null(rib_export_path(f.rib, rt, f.ebgp));
	rib_free(f.rib);
}
END_TEST

START_TEST(loop_detection)
{
	struct rib *rib = rib_make();
	struct rib_config cfg = {.local_as = LOCAL_AS, .router_id = ROUTER_ID, .cluster_id = 77};
	uint8_t cl[8] = {0, 0, 0, 5, 0x0a, 0, 0, 0x0b}; /* 5, 10.0.0.11 */
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.3", ec, -1, false);

	ck_assert(!rib_path_loop(rib, &t));
	t.has_originator = true;
	t.originator_id = ROUTER_ID;
	ck_assert(rib_path_loop(rib, &t));
	t.originator_id = ROUTER_ID + 1;
	ck_assert(!rib_path_loop(rib, &t));
	t.cluster_list = cl;
	t.n_cluster = 1;
	ck_assert(!rib_path_loop(rib, &t));
	t.n_cluster = 2;
	ck_assert(rib_path_loop(rib, &t)); /* cluster id defaults to the router id */
	rib_set_config(rib, &cfg);
	ck_assert(!rib_path_loop(rib, &t));
	cl[3] = 77;
	ck_assert(rib_path_loop(rib, &t));
	rib_free(rib);
}
END_TEST

START_TEST(out_reflection)
{
	struct rr_fix f;
	struct rib_route *rt;
	struct rib_out out;
	const struct bgp_attr_out *o = &out.attr;
	static const uint8_t cl[] = {0x0a, 0, 0, 0x63};
	static const uint8_t path[] = {BGP_AS_SEQUENCE, 1, 0, 0, 0xfd, 0xe9};
	struct evpn_route r = macip(9, 50);
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.9", ec, 2, false);
	uint8_t wire[512];
	struct wbuf w;
	struct bgp_upd_ctx ctx = {.ibgp = true, .as4 = true};

	rr_setup(&f);
	/* from a non-client to a client, no ORIGINATOR_ID yet */
	rt = rr_route(&f, f.nonclient, 1);
	ck_assert_int_eq(rib_out_build(f.rib, rib_route_best(rt), f.client, &out), 0);
	ck_assert(o->has_originator);
	ck_assert_uint_eq(o->originator_id, f.nonclient->info.bgp_id);
	ck_assert_uint_eq(o->n_cluster, 1);
	ck_assert_uint_eq(o->cluster_list[0], ROUTER_ID);
	ck_assert(o->has_local_pref && o->local_pref == 100);
	ck_assert_uint_eq(o->n_ecomm, 2);
	wbuf_init(&w, wire, sizeof(wire));
	ck_assert_int_eq(bgp_attrs_encode(&w, o, &ctx), 0);
	/* already reflected once: ORIGINATOR_ID kept, our cluster id prepended */
	t.has_originator = true;
	t.originator_id = 0x0a000063;
	t.cluster_list = cl;
	t.n_cluster = 1;
	t.as_path = path;
	t.as_path_len = sizeof(path);
	t.has_local_pref = true;
	t.local_pref = 300;
	announce(f.rib, f.client, &r, &t);
	rt = get(f.rib, &r);
	ck_assert_int_eq(rib_out_build(f.rib, rib_route_best(rt), f.nonclient, &out), 0);
	ck_assert_uint_eq(o->originator_id, 0x0a000063);
	ck_assert_uint_eq(o->n_cluster, 2);
	ck_assert_uint_eq(o->cluster_list[0], ROUTER_ID);
	ck_assert_uint_eq(o->cluster_list[1], 0x0a000063);
	ck_assert_uint_eq(o->n_as_path, 1);
	ck_assert_uint_eq(o->as_path[0].n, 1);
	ck_assert_uint_eq(o->as_path[0].asn[0], 65001);
	ck_assert_uint_eq(o->local_pref, 300);
	ck_assert_ptr_nonnull(o->ecomm);
	/* to eBGP: our AS prepended, no LOCAL_PREF/ORIGINATOR_ID/CLUSTER_LIST */
	ck_assert_int_eq(rib_out_build(f.rib, rib_route_best(rt), f.ebgp, &out), 0);
	ck_assert(!o->has_local_pref && !o->has_originator && o->n_cluster == 0);
	ck_assert_uint_eq(o->n_as_path, 1);
	ck_assert_uint_eq(o->as_path[0].n, 2);
	ck_assert_uint_eq(o->as_path[0].asn[0], LOCAL_AS);
	ck_assert_uint_eq(o->as_path[0].asn[1], 65001);
	/* a local route: ORIGIN IGP, empty AS_PATH, LOCAL_PREF 100, not reflected */
	t = tmpl("10.0.0.11", ec, -1, false);
	t.origin = BGP_ORIGIN_INCOMPLETE;
	r = macip(11, 1);
	announce(f.rib, rib_peer_local(f.rib), &r, &t);
	rt = get(f.rib, &r);
	ck_assert_int_eq(rib_out_build(f.rib, rib_route_best(rt), f.nonclient, &out), 0);
	ck_assert_uint_eq(o->origin, BGP_ORIGIN_IGP);
	ck_assert_uint_eq(o->n_as_path, 0);
	ck_assert(o->has_local_pref && o->local_pref == 100);
	ck_assert(!o->has_originator && o->n_cluster == 0);
	ck_assert_int_eq(rib_out_build(f.rib, rib_route_best(rt), f.ebgp, &out), 0);
	ck_assert_uint_eq(o->n_as_path, 1);
	ck_assert_uint_eq(o->as_path[0].asn[0], LOCAL_AS);
	wbuf_init(&w, wire, sizeof(wire));
	ctx.ibgp = false;
	ck_assert_int_eq(bgp_attrs_encode(&w, o, &ctx), 0);
	rib_free(f.rib);
}
END_TEST

static Suite *rib_decide_suite(void)
{
	Suite *s = suite_create("rib_decide");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, best_path_tie_breakers, 0,
			    (int)(sizeof(tb_cases) / sizeof(tb_cases[0])));
	tcase_add_test(tc, best_path_peer_address);
	tcase_add_test(tc, mac_mobility);
	tcase_add_test(tc, best_path_is_first);
	tcase_add_test(tc, export_decisions);
	tcase_add_test(tc, loop_detection);
	tcase_add_test(tc, out_reflection);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(rib_decide_suite());
}
