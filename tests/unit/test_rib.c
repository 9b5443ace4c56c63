/*
 * test_rib.c - Check suite for src/rib.c and src/rib_attr.c: interning,
 * routes and paths, peers and graceful restart, the observer, the change
 * log, iteration, memory (best path and export: test_rib_decide.c).
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <string.h>

#include "rib_harness.h"
#include "rib_priv.h" /* the change log's sequence, to start it near 2^32 */

/* ---- interning ------------------------------------------------------ */

START_TEST(intern_shares_and_frees)
{
	struct rib *rib = rib_make();
	struct ecomm ec1[3], ec2[3], ec3[3];
	struct rib_attrs t1 = tmpl("10.0.0.1", ec1, 5, false);
	struct rib_attrs t2 = tmpl("10.0.0.1", ec2, 5, false); /* same contents, other memory */
	struct rib_attrs t3 = tmpl("10.0.0.1", ec3, 6, false);
	const struct rib_attrs *a1, *a2, *a3;
	struct rib_stats st;

	a1 = intern(rib, &t1);
	a2 = intern(rib, &t2);
	a3 = intern(rib, &t3);
	ck_assert_ptr_eq(a1, a2);
	ck_assert_ptr_ne(a1, a3);
	ck_assert_ptr_ne(a1->ecomm, ec1); /* copied */
	ck_assert_uint_eq(rib_attrs_refcnt(a1), 2);
	ck_assert(a1->mm_present);
	ck_assert_uint_eq(a1->mm_seq, 5);
	ck_assert_uint_eq(a3->mm_seq, 6);
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.attrs, 2);
	t1.has_local_pref = true;
	t1.local_pref = 200;
	ck_assert_ptr_ne(intern(rib, &t1), a1); /* a third set, one reference kept */
	rib_attrs_unref(rib, intern(rib, &t1));
	rib_attrs_unref(rib, a1);
	rib_attrs_unref(rib, a2);
	rib_attrs_unref(rib, a3);
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.attrs, 1);
	rib_free(rib); /* frees the last set still referenced */
}
END_TEST

START_TEST(intern_all_members)
{
	struct rib *rib = rib_make();
	static const uint8_t aspath[] = {BGP_AS_SEQUENCE, 2, 0, 0, 0xfd, 0xe9, 0, 1, 0, 0,
					 BGP_AS_SET, 2, 0, 0, 0, 1, 0, 0, 0, 2};
	static const uint8_t clusters[] = {1, 1, 1, 1, 2, 2, 2, 2};
	static const uint8_t unk[] = {0xc0, 0x63, 0x02, 0xab, 0xcd};
	static const uint8_t pid[] = {9, 9, 9};
	struct buf ub;
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("2001:db8::1", ec, -1, false), t2;
	const struct rib_attrs *a, *b;

	buf_init(&ub, unk, sizeof(unk));
	t.origin = BGP_ORIGIN_EGP;
	t.as_path = aspath;
	t.as_path_len = sizeof(aspath);
	t.cluster_list = clusters;
	t.n_cluster = 2;
	t.has_pmsi = true;
	t.pmsi.type = 3;
	t.pmsi.label = 100;
	buf_init(&t.pmsi.id, pid, sizeof(pid));
	t.unknown = &ub;
	t.n_unknown = 1;
	a = intern(rib, &t);
	ck_assert_uint_eq(a->as_path_count, 3); /* sequence of 2, a set counts 1 */
	ck_assert_mem_eq(a->as_path, aspath, sizeof(aspath));
	ck_assert_mem_eq(a->cluster_list, clusters, sizeof(clusters));
	ck_assert_uint_eq(a->pmsi.id.len, 3);
	ck_assert_mem_eq(a->pmsi.id.data, pid, 3);
	ck_assert_uint_eq(a->unknown[0].len, sizeof(unk));
	ck_assert_mem_eq(a->unknown[0].data, unk, sizeof(unk));
	ck_assert(!a->mm_present);
	ck_assert_uint_eq(a->mm_seq, 0); /* RFC 7432 7.7: no community = sequence 0 */
	t2 = t;
	t2.pmsi.id.len = 2; /* every member takes part in equality */
	b = intern(rib, &t2);
	ck_assert_ptr_ne(a, b);
	rib_attrs_unref(rib, b);
	t2 = t;
	t2.n_unknown = 0;
	b = intern(rib, &t2);
	ck_assert_ptr_ne(a, b);
	rib_attrs_unref(rib, b);
	b = intern(rib, &t);
	ck_assert_ptr_eq(a, b);
	rib_attrs_unref(rib, b);
	rib_attrs_unref(rib, a);
	check_empty(rib);
	rib_free(rib);
}
END_TEST

START_TEST(attrs_from_update)
{
	struct rib *rib = rib_make();
	/* 2-octet AS_PATH [100 23456 200], AS4_PATH [70000 200] (RFC 6793 4.2.3) */
	static const uint8_t as2[] = {BGP_AS_SEQUENCE, 3, 0, 100, 0x5b, 0xa0, 0, 200};
	static const uint8_t as4[] = {BGP_AS_SEQUENCE, 2, 0, 1, 0x11, 0x70, 0, 0, 0, 200};
	static const uint8_t want[] = {BGP_AS_SEQUENCE, 1, 0, 0, 0, 100,
				       BGP_AS_SEQUENCE, 2, 0, 1, 0x11, 0x70, 0, 0, 0, 200};
	static const uint8_t cl[] = {10, 0, 0, 1};
	uint8_t ecs[16];
	struct ecomm mm;
	struct bgp_update u;
	struct rib_attrs t;
	const struct rib_attrs *a;

	memset(&u, 0, sizeof(u));
	u.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
		    BGP_ATTR_BIT(BGP_ATTR_AS4_PATH) | BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF) |
		    BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID) | BGP_ATTR_BIT(BGP_ATTR_CLUSTER_LIST) |
		    BGP_ATTR_BIT(BGP_ATTR_EXT_COMM) | BGP_ATTR_BIT(BGP_ATTR_MP_REACH);
	u.origin = BGP_ORIGIN_INCOMPLETE;
	buf_init(&u.as_path, as2, sizeof(as2));
	buf_init(&u.as4_path, as4, sizeof(as4));
	u.local_pref = 150;
	u.med = 7; /* not in present: absent */
	u.originator_id = 0x0a000009;
	buf_init(&u.cluster_list, cl, sizeof(cl));
	evpn_ecomm_mac_mobility(&mm, 3, true);
	memcpy(ecs, mm.octet, 8);
	evpn_ecomm_def_gw((struct ecomm *)(ecs + 8));
	buf_init(&u.ext_comm, ecs, sizeof(ecs));
	u.mp_reach.nh = ip("10.0.0.2");
	u.next_hop = ip("10.9.9.9");
	rib_attrs_from_update(&t, &u);
	ck_assert_ptr_eq(t.ecomm, (const void *)ecs); /* points into the message */
	a = intern(rib, &t);
	ck_assert_uint_eq(a->origin, BGP_ORIGIN_INCOMPLETE);
	ck_assert_uint_eq(a->as_path_len, sizeof(want));
	ck_assert_mem_eq(a->as_path, want, sizeof(want));
	ck_assert_uint_eq(a->as_path_count, 3);
	ck_assert(a->has_local_pref && a->local_pref == 150);
	ck_assert(!a->has_med);
	ck_assert(a->has_originator && a->originator_id == 0x0a000009);
	ck_assert_uint_eq(a->n_cluster, 1);
	ck_assert_uint_eq(a->n_ecomm, 2);
	ck_assert(a->mm_present && a->mm_sticky && a->mm_seq == 3);
	ck_assert(a->default_gw);
	ck_assert_int_eq(ipaddr_cmp(&a->next_hop, &u.mp_reach.nh), 0);
	/* without AS4_PATH the 2-octet path is widened as is */
	u.present &= ~BGP_ATTR_BIT(BGP_ATTR_AS4_PATH);
	rib_attrs_from_update(&t, &u);
	rib_attrs_unref(rib, a);
	a = intern(rib, &t);
	ck_assert_uint_eq(a->as_path_len, 14);
	ck_assert_uint_eq(a->as_path[9], 0xa0);
	rib_attrs_unref(rib, a);
	check_empty(rib);
	rib_free(rib);
}
END_TEST

/* ---- routes ----------------------------------------------------------- */

START_TEST(insert_replace_withdraw)
{
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct evpn_route r = macip(2, 1);
	struct evpn_key k = key_of(&r);
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.2", ec, -1, false);
	struct rib_route *rt;
	const struct rib_attrs *first;
	struct rib_stats st;
	struct obs o = {0};

	rib_set_observer(rib, observe, &o);
	announce(rib, p1, &r, &t);
	rt = rib_route_get(rib, &k);
	ck_assert_ptr_nonnull(rt);
	ck_assert_ptr_eq(rib_path_peer(rib_route_best(rt)), p1);
	ck_assert_uint_eq(rib_path_label(rib_route_best(rt), 0), 100);
	first = rib_route_best(rt)->attrs;
	ck_assert_uint_eq(rib_attrs_refcnt(first), 1); /* the path's */
	ck_assert_uint_eq(p1->n_paths, 1);
	/* the same announcement again changes nothing */
	announce(rib, p1, &r, &t);
	ck_assert_uint_eq(o.n, 1);
	/* replace: new label */
	r.label[0] = 200;
	announce(rib, p1, &r, &t);
	ck_assert_uint_eq(o.n, 2);
	ck_assert_ptr_eq(o.call[1].new_best, rib_route_best(rt));
	ck_assert_ptr_ne(o.call[1].old_best, rib_route_best(rt));
	ck_assert(o.call[1].route_ok);
	ck_assert_uint_eq(rib_path_label(rib_route_best(rt), 0), 200);
	ck_assert_ptr_null(rt->paths->next);
	ck_assert_uint_eq(p1->n_paths, 1);
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.routes, 1);
	ck_assert_uint_eq(st.paths, 1);
	ck_assert_int_eq(rib_withdraw(rib, p1, &k), 0);
	ck_assert_uint_eq(o.n, 3);
	ck_assert_ptr_null(o.call[2].new_best);
	ck_assert(o.call[2].route_ok);
	ck_assert_ptr_null(rib_route_get(rib, &k));
	ck_assert_int_eq(rib_withdraw(rib, p1, &k), -1);
	ck_assert_uint_eq(p1->n_paths, 0);
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.routes_alloc, 0);
	check_empty(rib);
	r.type = 9;
	ck_assert_int_eq(rib_update(rib, p1, &r, first), -1);
	rib_free(rib);
}
END_TEST

/*
 * Announce r from p with t; the NLRI rebuilt from the RIB (rib_path_route)
 * encodes byte for byte as r's.  Returns r's route.
 */
static struct rib_route *announce_rebuilt(struct rib *rib, struct rib_peer *p,
					  const struct evpn_route *r, const struct rib_attrs *t)
{
	uint8_t w1[EVPN_NLRI_MAXLEN], w2[EVPN_NLRI_MAXLEN];
	struct evpn_key k = key_of(r);
	struct evpn_route back;
	struct rib_route *rt;
	struct wbuf a, b;

	announce(rib, p, r, t);
	rt = rib_route_get(rib, &k);
	ck_assert_ptr_nonnull(rt);
	rib_path_route(rib, rt, rib_route_best(rt), &back);
	wbuf_init(&a, w1, sizeof(w1));
	wbuf_init(&b, w2, sizeof(w2));
	ck_assert_int_eq(evpn_nlri_encode(&a, r), 0);
	ck_assert_int_eq(evpn_nlri_encode(&b, &back), 0);
	ck_assert_uint_eq(a.len, b.len);
	ck_assert_mem_eq(w1, w2, a.len);
	return rt;
}

START_TEST(path_route_roundtrip)
{
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct evpn_route r[3];
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.2", ec, -1, false);

	r[0] = macip(2, 7);
	r[0].ip = ip("192.168.1.7");
	r[0].esi.octet[0] = 1;
	r[0].nlabels = 2;
	r[0].label[1] = 5000;
	memset(&r[1], 0, sizeof(r[1]));
	r[1].type = EVPN_RT_IMET;
	r[1].rd = r[0].rd;
	r[1].ip = ip("10.0.0.2");
	memset(&r[2], 0, sizeof(r[2]));
	r[2].type = EVPN_RT_PREFIX;
	r[2].rd = r[0].rd;
	r[2].prefix.addr = ip("2001:db8:1::");
	r[2].prefix.len = 48;
	r[2].gw = ip("2001:db8::1");
	r[2].nlabels = 1;
	r[2].label[0] = 5000;
	for (int i = 0; i < 3; i++) {
		struct rib_route *rt = announce_rebuilt(rib, p1, &r[i], &t);

		/* ESI and gateway kept apart, only by the paths that have them */
		ck_assert(!(rib_route_best(rt)->flags & RIB_PATH_EXT) == (i == 1));
		ck_assert_uint_eq(htab_count(&rib->exts), i == 2 ? 2 : 1);
	}
	{
		struct evpn_key k = key_of(&r[0]);
		struct rib_route *rt;

		r[0].esi.octet[9] = 9; /* another ESI: a changed path */
		announce(rib, p1, &r[0], &t);
		rt = rib_route_get(rib, &k);
		ck_assert_uint_eq(rib_path_esi(rib, rib_route_best(rt))->octet[9], 9);
		memset(&r[0].esi, 0, sizeof(r[0].esi)); /* none any more */
		announce(rib, p1, &r[0], &t);
		ck_assert(!(rib_route_best(rt)->flags & RIB_PATH_EXT));
		ck_assert_uint_eq(htab_count(&rib->exts), 1); /* the Type-5's */
		ck_assert(esi_is_zero(rib_path_esi(rib, rib_route_best(rt))));
		ck_assert_uint_eq(rib_path_gw(rib, rib_route_best(rt))->family, 0);
	}
	rib_peer_remove(rib, p1);
	ck_assert_uint_eq(htab_count(&rib->exts), 0);
	check_empty(rib);
	rib_free(rib);
}
END_TEST

/*
 * Type-1 and Type-4 keys hold the ESI where those types have no field
 * (evpn_key): every NLRI field comes back from the key, none clobbered.
 */
START_TEST(path_route_roundtrip_esi_types)
{
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct evpn_route r[3];
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.2", ec, -1, false);

	for (int i = 0; i < 3; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		for (int j = 0; j < ESI_LEN; j++)
			r[i].esi.octet[j] = (uint8_t)(0xa0 + j);
		ck_assert_int_eq(rd_parse("10.0.0.1:2", &r[i].rd), 0);
	}
	r[0].type = EVPN_RT_EAD;
	r[0].etag = 0xfffffffe;
	r[0].nlabels = 1;
	r[0].label[0] = 100;
	r[1].type = EVPN_RT_ES;
	r[1].ip = ip("10.0.0.1");
	r[2].type = EVPN_RT_ES;
	r[2].ip = ip("2001:db8::ffff:1");
	r[2].esi.octet[9] = 0x55;
	for (int i = 0; i < 3; i++) {
		struct evpn_key k = key_of(&r[i]);

		ck_assert_mem_eq(evpn_key_esi(&k), r[i].esi.octet, ESI_LEN);
		announce_rebuilt(rib, p1, &r[i], &t);
	}
	rib_peer_remove(rib, p1);
	check_empty(rib);
	rib_free(rib);
}
END_TEST

/* A RIB with two iBGP peers and a template of attributes (next hop 10.0.0.3). */
struct two_peers {
	struct rib *rib;
	struct rib_peer *p1, *p2;
	struct ecomm ec[3];
	struct rib_attrs t;
};

static void two_peers_init(struct two_peers *f)
{
	f->rib = rib_make();
	f->p1 = peer_make(f->rib, 1, "10.0.0.1", true, false);
	f->p2 = peer_make(f->rib, 2, "10.0.0.2", true, false);
	f->t = tmpl("10.0.0.3", f->ec, 1, false);
}

/* Both peers removed: nothing may be left. */
static void two_peers_done(struct two_peers *f)
{
	rib_peer_remove(f->rib, f->p1);
	rib_peer_remove(f->rib, f->p2);
	check_empty(f->rib);
	rib_free(f->rib);
}

/*
 * The one-bit Adj-RIB-Out: a side entry per route while any peer's bit is
 * set (a leaf's received routes carry none), freed with the last bit or
 * with the route.
 */
START_TEST(sent_bits_beside_route)
{
	struct two_peers f;
	struct evpn_route r = macip(3, 1), r2 = macip(3, 2);
	struct evpn_key k = key_of(&r), k2 = key_of(&r2);
	struct rib_route *rt, *rt2;
	struct rib *rib;
	struct rib_peer *p1, *p2, *local;

	two_peers_init(&f);
	rib = f.rib, p1 = f.p1, p2 = f.p2, local = rib_peer_local(rib);
	announce(rib, p1, &r, &f.t);
	announce(rib, p1, &r2, &f.t);
	rt = rib_route_get(rib, &k);
	rt2 = rib_route_get(rib, &k2);
	ck_assert(!rib_route_sent(rib, rt, p1) && !rib_route_sent(rib, rt, p2));
	ck_assert(rib_route_sent(rib, rt, local)); /* not tracked: a withdraw always goes */
	ck_assert_uint_eq(htab_count(&rib->sents), 0);
	rib_route_set_sent(rib, rt, p2, true);
	rib_route_set_sent(rib, rt2, p1, true);
	ck_assert(!rib_route_sent(rib, rt, p1) && rib_route_sent(rib, rt, p2));
	ck_assert(rib_route_sent(rib, rt2, p1) && !rib_route_sent(rib, rt2, p2));
	ck_assert_uint_eq(htab_count(&rib->sents), 2);
	rib_route_set_sent(rib, rt, p1, true);
	rib_route_set_sent(rib, rt, p2, false);
	ck_assert(rib_route_sent(rib, rt, p1) && !rib_route_sent(rib, rt, p2));
	rib_route_set_sent(rib, rt, p1, false);
	ck_assert(!rib_route_sent(rib, rt, p1) && !rt->sent_side);
	ck_assert_uint_eq(htab_count(&rib->sents), 1);
	rib_route_set_sent(rib, rt, p1, false); /* nothing to clear */
	ck_assert_uint_eq(htab_count(&rib->sents), 1);
	/* a removed peer's bits go with it, and the entries left without any */
	{
		struct rib_peer *p3 = peer_make(rib, 3, "10.0.0.4", true, false), *p4;

		rib_route_set_sent(rib, rt2, p3, true);
		rib_route_set_sent(rib, rt, p3, true);
		ck_assert_uint_eq(htab_count(&rib->sents), 2);
		rib_peer_remove(rib, p3);
		ck_assert_uint_eq(htab_count(&rib->sents), 1); /* rt2's: p1 is left */
		ck_assert(rib_route_sent(rib, rt2, p1) && !rt->sent_side);
		p4 = peer_make(rib, 4, "10.0.0.5", true, false); /* p3's slot again */
		ck_assert(!rib_route_sent(rib, rt2, p4) && !rib_route_sent(rib, rt, p4));
		rib_peer_remove(rib, p4);
	}
	/* unknown (its entry could not be allocated): announced to everyone */
	rt->sent_unknown = true;
	ck_assert(rib_route_sent(rib, rt, p1) && rib_route_sent(rib, rt, p2));
	/* a route freed with bits set takes its entry along */
	ck_assert_int_eq(rib_withdraw(rib, p1, &k2), 0);
	ck_assert_int_eq(rib_withdraw(rib, p1, &k), 0);
	ck_assert_uint_eq(htab_count(&rib->sents), 0);
	two_peers_done(&f);
}
END_TEST

/*
 * A path names its peer through its attributes: equal contents from two
 * peers are two sets (one each), still "the same" path to rib_path_same;
 * a peer cannot announce with another's set.
 */
START_TEST(path_peer_from_attrs)
{
	struct two_peers f;
	const struct rib_attrs *a1, *a2;
	struct evpn_route r = macip(3, 1);
	struct evpn_key k = key_of(&r);
	struct rib_route *rt;
	struct rib *rib;
	struct rib_peer *p1, *p2;

	two_peers_init(&f);
	rib = f.rib, p1 = f.p1, p2 = f.p2;
	a1 = intern_from(rib, &f.t, p1);
	a2 = intern_from(rib, &f.t, p2);
	ck_assert_ptr_ne(a1, a2);
	ck_assert_ptr_eq(intern_from(rib, &f.t, p1), a1); /* a second reference */
	rib_attrs_unref(rib, a1);
	ck_assert_int_eq(rib_update(rib, p1, &r, a2), -1); /* p2's set */
	ck_assert_ptr_null(rib_route_get(rib, &k));
	ck_assert_int_eq(rib_update(rib, p1, &r, a1), 0);
	ck_assert_int_eq(rib_update(rib, p2, &r, a2), 0);
	rt = rib_route_get(rib, &k);
	ck_assert_ptr_eq(rib_path_peer(rib_route_path(rt, p1)), p1);
	ck_assert_ptr_eq(rib_path_peer(rib_route_path(rt, p2)), p2);
	ck_assert(rib_path_same(rib, rib_route_path(rt, p1), rib_route_path(rt, p2)));
	ck_assert_uint_eq(p1->n_paths, 1);
	ck_assert_uint_eq(p2->n_paths, 1);
	rib_attrs_unref(rib, a1);
	rib_attrs_unref(rib, a2);
	two_peers_done(&f);
}
END_TEST

/* ---- peers, graceful restart -------------------------------------------- */

START_TEST(peer_flush)
{
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct rib_peer *p2 = peer_make(rib, 2, "10.0.0.5", true, false);
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.3", ec, -1, false);
	struct rib_stats st;
	struct obs o = {0};

	for (uint32_t i = 0; i < 10; i++) {
		struct evpn_route r = macip(3, i);

		announce(rib, p1, &r, &t);
		if (i < 4)
			announce(rib, p2, &r, &t);
	}
	ck_assert_uint_eq(p1->n_paths, 10);
	ck_assert_uint_eq(p2->n_paths, 4);
	rib_set_observer(rib, observe, &o);
	rib_peer_flush(rib, p1);
	ck_assert_uint_eq(o.n, 10); /* 4 moved to p2, 6 gone */
	for (size_t i = 0; i < o.n; i++) {
		ck_assert_ptr_eq(o.call[i].old_peer, p1);
		ck_assert(o.call[i].route_ok);
	}
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.routes, 4);
	ck_assert_uint_eq(st.paths, 4);
	ck_assert_uint_eq(p1->n_paths, 0);
	rib_set_observer(rib, NULL, NULL);
	rib_peer_remove(rib, p2);
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.peers, 1);
	check_empty(rib);
	rib_peer_remove(rib, p1);
	rib_free(rib);
}
END_TEST

START_TEST(stale_mark_sweep)
{
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct ecomm ec[3], ec2[3];
	struct rib_attrs t = tmpl("10.0.0.3", ec, -1, false);
	struct rib_attrs t2 = tmpl("10.0.0.3", ec2, 4, false);
	struct evpn_route r[3] = {macip(3, 0), macip(3, 1), macip(3, 2)};
	struct evpn_key k[3];
	struct obs o = {0};

	for (int i = 0; i < 3; i++) {
		announce(rib, p1, &r[i], &t);
		k[i] = key_of(&r[i]);
	}
	rib_set_observer(rib, observe, &o);
	rib_peer_mark_stale(rib, p1);
	ck_assert_uint_eq(p1->n_stale, 3);
	ck_assert(rib_route_best(rib_route_get(rib, &k[0]))->flags & RIB_PATH_STALE);
	/* restarted peer re-announces r0 unchanged (no change seen) and r1 changed */
	announce(rib, p1, &r[0], &t);
	ck_assert_uint_eq(o.n, 0);
	ck_assert(!(rib_route_best(rib_route_get(rib, &k[0]))->flags & RIB_PATH_STALE));
	announce(rib, p1, &r[1], &t2);
	ck_assert_uint_eq(o.n, 1);
	ck_assert(!(rib_route_best(rib_route_get(rib, &k[1]))->flags & RIB_PATH_STALE));
	ck_assert_uint_eq(p1->n_stale, 1);
	rib_peer_sweep_stale(rib, p1);
	ck_assert_uint_eq(o.n, 2);
	ck_assert_ptr_null(o.call[1].new_best); /* r2 is freed by now */
	ck_assert_ptr_null(rib_route_get(rib, &k[2]));
	ck_assert_ptr_nonnull(rib_route_get(rib, &k[0]));
	ck_assert_uint_eq(p1->n_paths, 2);
	ck_assert_uint_eq(p1->n_stale, 0);
	rib_free(rib);
}
END_TEST

static void count_changes(void *arg, const struct rib_route *rt, const struct rib_path *old_best,
			  const struct rib_path *new_best)
{
	size_t *n = arg;

	/* both paths alive (ASan checks), the new best the route's */
	ck_assert(rt->key.type == EVPN_RT_MACIP && (!old_best || old_best->attrs));
	ck_assert(!new_best || rib_route_best(rt) == new_best);
	(*n)++;
}

/*
 * Flush, mark and sweep find a peer's paths among many routes (paths know
 * neither their route nor their peer's list): every path is reached, routes
 * left without a path are freed while the walk goes on, other peers' paths
 * stay.
 */
START_TEST(peer_paths_among_many_routes)
{
	enum { N = 30000 };
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct rib_peer *p2 = peer_make(rib, 2, "10.0.0.2", true, false);
	struct rib_peer *p3 = peer_make(rib, 3, "10.0.0.4", true, false);
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.3", ec, -1, false);
	struct rib_stats st;
	size_t changes = 0, routes = 0;

	for (uint32_t i = 0; i < N; i++) {
		struct evpn_route r = macip(3, i);

		routes += i % 2 == 0 || i % 3 == 0 || i >= N - 10;
		if (i % 2 == 0)
			announce(rib, p1, &r, &t);
		if (i % 3 == 0)
			announce(rib, p2, &r, &t);
		if (i >= N - 10)
			announce(rib, p3, &r, &t);
	}
	rib_set_observer(rib, count_changes, &changes);
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.routes, routes);
	/* p2: only routes of its own (i % 6 == 3) go */
	rib_peer_flush(rib, p2);
	ck_assert_uint_eq(p2->n_paths, 0);
	ck_assert_uint_eq(p1->n_paths, N / 2);
	ck_assert_uint_eq(p3->n_paths, 10);
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.routes, N / 2 + 5);
	/* p3 restarts, re-announces 4 of its 10, the sweep takes the other 6 */
	rib_peer_mark_stale(rib, p3);
	ck_assert_uint_eq(p3->n_stale, 10);
	for (uint32_t i = N - 4; i < N; i++) {
		struct evpn_route r = macip(3, i);

		announce(rib, p3, &r, &t);
	}
	ck_assert_uint_eq(p3->n_stale, 6);
	rib_peer_sweep_stale(rib, p3);
	ck_assert_uint_eq(p3->n_stale, 0);
	ck_assert_uint_eq(p3->n_paths, 4);
	ck_assert_uint_eq(p1->n_paths, N / 2);
	for (uint32_t i = N - 10; i < N; i++) {
		struct evpn_route r = macip(3, i);
		struct rib_route *rt = get(rib, &r);

		ck_assert_int_eq(rt && rib_route_path(rt, p3) != NULL, i >= N - 4);
	}
	/* p1 last: every route but p3's four freed */
	changes = 0;
	rib_peer_flush(rib, p1);
	ck_assert_uint_eq(p1->n_paths, 0);
	ck_assert_uint_eq(changes, N / 2);
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.routes, 4);
	ck_assert_uint_eq(st.paths, 4);
	rib_free(rib);
}
END_TEST

/* ---- observer ---------------------------------------------------------- */

START_TEST(observer_exact)
{
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct rib_peer *p2 = peer_make(rib, 2, "10.0.0.5", true, false);
	struct evpn_route r = route_of(EVPN_RT_IMET);
	struct evpn_key k = key_of(&r);
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.3", ec, -1, false);
	struct rib_route *rt;
	const struct rib_path *a, *b;
	struct obs o = {0};

	rib_set_observer(rib, observe, &o);
	announce(rib, p2, &r, &t); /* p2 first */
	rt = rib_route_get(rib, &k);
	b = rib_route_best(rt);
	ck_assert_uint_eq(o.n, 1);
	ck_assert(o.call[0].rt == rt && !o.call[0].old_best && o.call[0].new_best == b);
	announce(rib, p1, &r, &t); /* lower BGP id: better */
	a = rib_route_best(rt);
	ck_assert_ptr_eq(rib_path_peer(a), p1);
	ck_assert_uint_eq(o.n, 2);
	ck_assert(o.call[1].old_best == b && o.call[1].new_best == a);
	t.has_local_pref = true;
	t.local_pref = 50;
	announce(rib, p2, &r, &t); /* non-best path changes: no call */
	ck_assert_uint_eq(o.n, 2);
	b = rib_route_path(rt, p2);
	rib_withdraw(rib, p1, &k);
	ck_assert_uint_eq(o.n, 3);
	ck_assert(o.call[2].old_best == a && o.call[2].new_best == b && o.call[2].route_ok);
	rib_withdraw(rib, p2, &k);
	ck_assert_uint_eq(o.n, 4);
	ck_assert(o.call[3].old_best == b && !o.call[3].new_best && o.call[3].route_ok);
	rib_withdraw(rib, p2, &k);
	ck_assert_uint_eq(o.n, 4);
	rib_free(rib);
}
END_TEST

/* ---- change log and cursors ------------------------------------------- */

START_TEST(change_log_cursors)
{
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct ecomm ec[3], ec2[3];
	struct rib_attrs t = tmpl("10.0.0.3", ec, -1, false);
	struct rib_attrs t2 = tmpl("10.0.0.3", ec2, 1, false);
	struct evpn_route r[3] = {macip(3, 0), macip(3, 1), macip(3, 2)};
	struct evpn_key k2 = key_of(&r[2]);
	struct rib_route *rt[3];
	struct rib_cursor *c1, *c2;
	struct rib_stats st;

	announce(rib, p1, &r[0], &t); /* no cursor: nothing logged */
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.log_len, 0);
	c1 = rib_cursor_new(rib);
	ck_assert_ptr_null(rib_cursor_next(rib, c1)); /* starts at the end */
	announce(rib, p1, &r[1], &t);
	announce(rib, p1, &r[2], &t);
	rt[1] = get(rib, &r[1]);
	rt[2] = rib_route_get(rib, &k2);
	c2 = rib_cursor_new(rib); /* after r1, r2 */
	announce(rib, p1, &r[1], &t2); /* r1 again: its first entry is superseded */
	announce(rib, p1, &r[0], &t2);
	rt[0] = get(rib, &r[0]);
	ck_assert_uint_eq(rib_cursor_pending(rib, c1), 4);
	ck_assert_uint_eq(rib_cursor_pending(rib, c2), 2);
	ck_assert_ptr_eq(rib_cursor_next(rib, c1), rt[2]);
	ck_assert_ptr_eq(rib_cursor_next(rib, c1), rt[1]);
	ck_assert_ptr_eq(rib_cursor_next(rib, c1), rt[0]);
	ck_assert_ptr_null(rib_cursor_next(rib, c1));
	/* a withdrawn route stays readable for the cursors that have not seen it */
	rib_withdraw(rib, p1, &k2);
	ck_assert_ptr_null(rib_route_get(rib, &k2));
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.routes, 2);
	ck_assert_uint_eq(st.routes_alloc, 3);
	ck_assert_ptr_eq(rib_cursor_next(rib, c2), rt[1]);
	ck_assert_ptr_eq(rib_cursor_next(rib, c2), rt[0]);
	ck_assert_ptr_eq(rib_cursor_next(rib, c2), rt[2]);
	ck_assert_ptr_null(rib_route_best(rt[2]));
	ck_assert_ptr_null(rib_export_path(rib, rt[2], p1));
	ck_assert_ptr_null(rib_cursor_next(rib, c2));
	ck_assert_ptr_eq(rib_cursor_next(rib, c1), rt[2]);
	ck_assert_ptr_null(rib_cursor_next(rib, c1));
	/* both passed everything: entries released, the withdrawn route freed */
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.log_len, 0);
	ck_assert_uint_eq(st.routes_alloc, 2);
	/* entries kept for the slower cursor only */
	announce(rib, p1, &r[2], &t);
	ck_assert_ptr_nonnull(rib_cursor_next(rib, c1));
	ck_assert_ptr_null(rib_cursor_next(rib, c1));
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.log_len, 1);
	rib_cursor_free(rib, c2);
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.log_len, 0);
	/* the log survives growth past its first ring */
	for (uint32_t i = 0; i < 3000; i++) {
		struct evpn_route x = macip(4, i);

		announce(rib, p1, &x, &t);
	}
	rib_stats_get(rib, &st);
	ck_assert_uint_ge(st.log_bytes, 3000 * sizeof(void *));
	for (uint32_t i = 0; i < 3000; i++)
		ck_assert_ptr_nonnull(rib_cursor_next(rib, c1));
	ck_assert_ptr_null(rib_cursor_next(rib, c1));
	rib_stats_get(rib, &st); /* the burst is over: its ring is given back */
	ck_assert_uint_eq(st.log_len, 0);
	ck_assert_uint_eq(st.log_bytes, 0);
	announce(rib, p1, &r[0], &t); /* and comes back at its first size */
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.log_len, 1);
	ck_assert_uint_eq(st.log_bytes, 1024 * sizeof(void *));
	ck_assert_ptr_nonnull(rib_cursor_next(rib, c1));
	rib_withdraw(rib, p1, &k2); /* left in the log for rib_free */
	rib_free(rib);
}
END_TEST

/*
 * A route names its log entry by the sequence's low 32 bits: entries are
 * found and superseded across 2^32 (the log never holds that many).
 */
START_TEST(change_log_sequence_wraps)
{
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct ecomm ec[3], ec2[3];
	struct rib_attrs t = tmpl("10.0.0.3", ec, -1, false);
	struct rib_attrs t2 = tmpl("10.0.0.3", ec2, 1, false);
	struct rib_cursor *c;
	struct rib_route *rt[4];
	struct rib_stats st;

	rib->log.base = UINT32_MAX - 1;
	c = rib_cursor_new(rib);
	for (uint32_t i = 0; i < 4; i++) { /* sequences 2^32-2 .. 2^32+1 */
		struct evpn_route x = macip(5, i);

		announce(rib, p1, &x, &t);
		rt[i] = get(rib, &x);
	}
	for (uint32_t i = 0; i < 4; i++) { /* each supersedes its entry across the wrap */
		struct evpn_route x = macip(5, i);

		announce(rib, p1, &x, &t2);
	}
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.log_len, 8);
	ck_assert_uint_eq(rib_cursor_pending(rib, c), 8);
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_ptr_eq(rib_cursor_next(rib, c), rt[i]);
	ck_assert_ptr_null(rib_cursor_next(rib, c));
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.log_len, 0);
	rib_cursor_free(rib, c);
	rib_free(rib);
}
END_TEST

/* ---- iteration --------------------------------------------------------- */

/* MAC number of a route made by macip(). */
static uint32_t mac_no(const struct rib_route *rt)
{
	return (uint32_t)rt->key.mac[2] << 24 | (uint32_t)rt->key.mac[3] << 16 |
	       (uint32_t)rt->key.mac[4] << 8 | rt->key.mac[5];
}

/*
 * An iteration over several pool blocks, with the RIB changing between its
 * steps: routes withdrawn ahead of it are not visited, the others exactly
 * once, routes freed earlier (returned pool slots) never; routes added
 * meanwhile at most once.
 */
START_TEST(iteration_across_changes)
{
	enum { N = 5000 };
	static unsigned seen[2 * N];
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.3", ec, -1, false);
	struct rib_iter it;
	struct rib_route *rt;
	size_t steps = 0;

	memset(seen, 0, sizeof(seen));
	for (uint32_t i = 0; i < N; i++) {
		struct evpn_route r = macip(3, i);

		announce(rib, p1, &r, &t);
	}
	for (uint32_t i = 0; i < N; i += 10) { /* freed before: slots to skip */
		struct evpn_route r = macip(3, i);
		struct evpn_key k = key_of(&r);

		ck_assert_int_eq(rib_withdraw(rib, p1, &k), 0);
	}
	rib_iter_init(&it, EVPN_RT_MACIP);
	while ((rt = rib_iter_next(rib, &it))) {
		ck_assert_uint_lt(mac_no(rt), 2 * N);
		seen[mac_no(rt)]++;
		if (++steps % 500 == 0 && steps <= 2000) { /* withdraw ahead, add new */
			for (uint32_t j = 0; j < 20; j++) {
				struct evpn_route r = macip(3, N - 1 - (uint32_t)steps / 500 * 20 - j);
				struct evpn_key k = key_of(&r);

				if (rib_route_get(rib, &k))
					rib_withdraw(rib, p1, &k);
				r = macip(3, N + (uint32_t)steps + j);
				announce(rib, p1, &r, &t);
			}
		}
	}
	for (uint32_t i = 0; i < N; i++) {
		struct evpn_route r = macip(3, i);

		if (i % 10 == 0 || !get(rib, &r))
			ck_assert_uint_eq(seen[i], 0); /* freed before, or withdrawn ahead */
		else
			ck_assert_uint_eq(seen[i], 1);
	}
	for (uint32_t i = N; i < 2 * N; i++)
		ck_assert_uint_le(seen[i], 1);
	rib_free(rib);
}
END_TEST

START_TEST(iteration)
{
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.3", ec, -1, false);
	struct evpn_route im = route_of(EVPN_RT_IMET);
	struct rib_iter it;
	struct rib_route *rt;
	size_t n = 0;

	for (uint32_t i = 0; i < 5; i++) {
		struct evpn_route r = macip(3, i);

		announce(rib, p1, &r, &t);
	}
	announce(rib, p1, &im, &t);
	rib_iter_init(&it, 0);
	while ((rt = rib_iter_next(rib, &it)))
		n++;
	ck_assert_uint_eq(n, 6);
	n = 0;
	rib_iter_init(&it, EVPN_RT_IMET);
	while ((rt = rib_iter_next(rib, &it))) {
		ck_assert_uint_eq(rt->key.type, EVPN_RT_IMET);
		n++;
	}
	ck_assert_uint_eq(n, 1);
	/* the current route may be withdrawn between steps (dump across turns) */
	n = 0;
	rib_iter_init(&it, EVPN_RT_MACIP);
	while ((rt = rib_iter_next(rib, &it))) {
		struct evpn_key k = rt->key;

		ck_assert_int_eq(rib_withdraw(rib, p1, &k), 0);
		n++;
	}
	ck_assert_uint_eq(n, 5);
	rib_iter_init(&it, 0);
	ck_assert_ptr_nonnull(rib_iter_next(rib, &it));
	rib_iter_stop(rib, &it);
	rib_withdraw(rib, p1, &get(rib, &im)->key);
	check_empty(rib);
	rib_free(rib);
}
END_TEST

/* ---- memory ------------------------------------------------------------ */

/* Bytes allocated: small chunks and mmap()ed ones (the hash buckets). */
static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

#define MEM_ROUTES 100000
#define MEM_TARGET 300 /* bytes per route, shared attributes excluded */

START_TEST(memory_per_route)
{
	struct rib *rib = rib_make();
	struct rib_peer *p1 = peer_make(rib, 1, "10.0.0.1", true, false);
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.3", ec, 1, false);
	const struct rib_attrs *a = intern_from(rib, &t, p1);
	struct rib_stats st;
	size_t before = heap_bytes(), after;

	for (uint32_t i = 0; i < MEM_ROUTES; i++) {
		struct evpn_route r = macip(3, i);

		ck_assert_int_eq(rib_update(rib, p1, &r, a), 0);
	}
	rib_stats_get(rib, &st);
	after = heap_bytes() + st.mapped_bytes;
	ck_assert_uint_eq(st.routes, MEM_ROUTES);
	ck_assert_uint_eq(st.attrs, 1);
	ck_assert_uint_eq(rib_attrs_refcnt(a), MEM_ROUTES + 1);
#if !defined(__SANITIZE_ADDRESS__)
	/* under ASan malloc statistics are the sanitizer's; sizes alone then */
	ck_assert_msg((after - before) / MEM_ROUTES < MEM_TARGET, "%zu bytes per route",
		      (after - before) / MEM_ROUTES);
#else
	(void)before;
	(void)after;
#endif
	ck_assert_uint_lt(sizeof(struct rib_route) + sizeof(struct rib_path), MEM_TARGET - 40);
	rib_peer_flush(rib, p1);
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.mapped_bytes, 0); /* an empty RIB gives its memory back */
	/* and works again afterwards; half of the routes freed, others reused */
	for (uint32_t i = 0; i < 20000; i++) {
		struct evpn_route r = macip(3, i);

		ck_assert_int_eq(rib_update(rib, p1, &r, a), 0);
	}
	for (uint32_t i = 0; i < 20000; i += 2) {
		struct evpn_route r = macip(3, i);
		struct evpn_key k = key_of(&r);

		ck_assert_int_eq(rib_withdraw(rib, p1, &k), 0);
	}
	for (uint32_t i = 0; i < 20000; i++) {
		struct evpn_route r = macip(4, i);

		ck_assert_int_eq(rib_update(rib, p1, &r, a), 0);
	}
	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.routes, 30000);
	ck_assert_uint_eq(p1->n_paths, 30000);
	rib_peer_flush(rib, p1);
	rib_attrs_unref(rib, a);
	check_empty(rib);
	rib_free(rib);
}
END_TEST

/* The one-bit Adj-RIB-Out: per peer slot, cleared with the peer, untracked past 64. */
START_TEST(sent_bits)
{
	struct rib *rib = rib_make();
	struct rib_peer *a = peer_make(rib, 1, "10.0.0.1", true, false);
	struct rib_peer *b = peer_make(rib, 2, "10.0.0.2", true, false), *many[70];
	struct ecomm ec[3];
	struct rib_attrs t = tmpl("10.0.0.3", ec, 1, false);
	const struct rib_attrs *at = intern_from(rib, &t, a);
	struct evpn_route r = macip(3, 1);
	struct evpn_key k;
	struct rib_route *rt;

	ck_assert_uint_ne(a->slot, b->slot);
	ck_assert_int_eq(rib_update(rib, a, &r, at), 0);
	evpn_key_from_route(&r, &k);
	rt = rib_route_get(rib, &k);
	ck_assert(!rib_route_sent(rib, rt, a));
	ck_assert(!rib_route_sent(rib, rt, b));
	rib_route_set_sent(rib, rt, b, true);
	ck_assert(rib_route_sent(rib, rt, b));
	ck_assert(!rib_route_sent(rib, rt, a));
	rib_route_set_sent(rib, rt, b, false);
	ck_assert(!rib_route_sent(rib, rt, b));
	for (int i = 0; i < 70; i++) {
		char addr[32];

		snprintf(addr, sizeof(addr), "10.1.0.%d", i + 1);
		many[i] = peer_make(rib, (uint32_t)(10 + i), addr, true, false);
	}
	ck_assert_uint_eq(many[69]->slot, RIB_NO_SLOT);
	ck_assert(rib_route_sent(rib, rt, many[69])); /* untracked: always withdraw */
	rib_peer_remove(rib, many[0]);
	ck_assert_uint_ne(peer_make(rib, 99, "10.2.0.1", true, false)->slot, RIB_NO_SLOT);
	rib_attrs_unref(rib, at);
	rib_free(rib);
}
END_TEST

static Suite *rib_suite(void)
{
	Suite *s = suite_create("rib");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, intern_shares_and_frees);
	tcase_add_test(tc, intern_all_members);
	tcase_add_test(tc, attrs_from_update);
	tcase_add_test(tc, insert_replace_withdraw);
	tcase_add_test(tc, path_route_roundtrip);
	tcase_add_test(tc, path_route_roundtrip_esi_types);
	tcase_add_test(tc, sent_bits_beside_route);
	tcase_add_test(tc, path_peer_from_attrs);
	tcase_add_test(tc, peer_flush);
	tcase_add_test(tc, stale_mark_sweep);
	tcase_add_test(tc, peer_paths_among_many_routes);
	tcase_add_test(tc, observer_exact);
	tcase_add_test(tc, change_log_cursors);
	tcase_add_test(tc, change_log_sequence_wraps);
	tcase_add_test(tc, iteration);
	tcase_add_test(tc, iteration_across_changes);
	tcase_add_test(tc, memory_per_route);
	tcase_add_test(tc, sent_bits);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(rib_suite());
}
