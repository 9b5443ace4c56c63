/*
 * test_evpn_ecomm.c - Check suite for src/evpn_ecomm.c (EVPN extended
 * communities).
 *
 * The FRR_* vectors are EXTENDED_COMMUNITIES attribute values captured on
 * the wire between two FRR 8.4.4 (Debian 12) bgpd instances in network
 * namespaces (leaf 10.92.0.1 with advertise-all-vni and VNI 100, iBGP AS
 * 65000; tcpdump on the peer's veth, payloads via tshark).  The expected
 * strings are what the receiving FRR printed under `show bgp l2vpn evpn`
 * for the same routes; FRR prints the communities sorted, which for these
 * vectors is also their order on the wire from the reflecting side.
 */
#include <stdio.h>
#include <string.h>

#include "evpn_ecomm.h"
#include "testutil.h"

/* Sent by the FRR leaf with every route: ET first, then the auto RT. */
#define FRR_LEAF_PLAIN "030c000000000008 0002fde800000064"
/* The same as reflected (and printed) by the peer: "RT:65000:100 ET:8". */
#define FRR_PLAIN "0002fde800000064 030c000000000008"
/* MAC 02:aa:00:00:00:03 from `bridge fdb add ... master static sticky`. */
#define FRR_STICKY FRR_PLAIN " 0600010000000000"
/* MAC+IP fd00:16::3 from `ip -6 neigh add ... router`. */
#define FRR_ND_ROUTER FRR_PLAIN " 0608010000000000"
/* advertise-default-gw: the SVI's MAC+IPv4. */
#define FRR_DEF_GW FRR_PLAIN " 030d000000000000"
/* advertise-default-gw: the SVI's MAC+IPv6. */
#define FRR_DEF_GW_ND FRR_PLAIN " 030d000000000000 0608010000000000"
/* MAC 02:aa:00:00:00:04 moved from the peer's VTEP to the leaf. */
#define FRR_MM1 FRR_PLAIN " 0600000000000001"

static size_t load(const char *hex, uint8_t *d, size_t cap, struct buf *b)
{
	size_t n = hex_decode(hex, d, cap);

	buf_init(b, d, n);
	return n;
}

static void assert_list(const char *hex, const char *text)
{
	uint8_t d[256];
	char out[512];
	struct buf b;

	load(hex, d, sizeof(d), &b);
	ck_assert_str_eq(evpn_ecomm_list_fmt(&b, out, sizeof(out)), text);
}

static void summarise(const char *hex, struct evpn_ecomm_summary *s)
{
	uint8_t d[1024];
	struct buf b;

	load(hex, d, sizeof(d), &b);
	ck_assert_int_eq(evpn_ecomm_summarise(&b, s), 0);
	ck_assert_uint_eq(buf_left(&b), 0);
}

static void assert_one(const struct ecomm *c, const char *text)
{
	char buf[EVPN_ECOMM_STRLEN];

	ck_assert_str_eq(evpn_ecomm_fmt(c, buf), text);
}

START_TEST(frr_text_forms)
{
	assert_list(FRR_LEAF_PLAIN, "ET:8 RT:65000:100");
	assert_list(FRR_PLAIN, "RT:65000:100 ET:8");
	assert_list(FRR_STICKY, "RT:65000:100 ET:8 MM:0, sticky MAC");
	assert_list(FRR_ND_ROUTER, "RT:65000:100 ET:8 ND:Router Flag");
	assert_list(FRR_DEF_GW, "RT:65000:100 ET:8 Default Gateway");
	assert_list(FRR_DEF_GW_ND, "RT:65000:100 ET:8 Default Gateway ND:Router Flag");
	assert_list(FRR_MM1, "RT:65000:100 ET:8 MM:1");
	assert_list("", "");
}
END_TEST

START_TEST(frr_summaries)
{
	struct evpn_ecomm_summary s;
	struct ecomm rt;

	ck_assert_int_eq(rt_parse("65000:100", &rt), 0);
	summarise(FRR_LEAF_PLAIN, &s);
	ck_assert_uint_eq(s.present, EVPN_ECS_RT | EVPN_ECS_ENCAP);
	ck_assert_uint_eq(s.rt_count, 1);
	ck_assert_int_eq(ecomm_cmp(&s.rt[0], &rt), 0);
	ck_assert_uint_eq(s.encap_mask, 1u << EVPN_TUNNEL_VXLAN);
	ck_assert(!s.encap_other);
	ck_assert_uint_eq(s.unknown, 0);
	ck_assert_uint_eq(s.mm_count, 0);

	summarise(FRR_STICKY, &s);
	ck_assert_uint_eq(s.present, EVPN_ECS_RT | EVPN_ECS_ENCAP | EVPN_ECS_MAC_MOBILITY);
	ck_assert_uint_eq(s.mm_count, 1);
	ck_assert_uint_eq(s.mm_seq, 0);
	ck_assert(s.mm_sticky);
	ck_assert(!s.mm_conflict);

	summarise(FRR_MM1, &s);
	ck_assert_uint_eq(s.mm_seq, 1);
	ck_assert(!s.mm_sticky);

	summarise(FRR_ND_ROUTER, &s);
	ck_assert(s.present & EVPN_ECS_ND);
	ck_assert_uint_eq(s.nd_flags, EVPN_ND_ROUTER);

	summarise(FRR_DEF_GW_ND, &s);
	ck_assert_uint_eq(s.present,
			  EVPN_ECS_RT | EVPN_ECS_ENCAP | EVPN_ECS_DEF_GW | EVPN_ECS_ND);
	ck_assert_uint_eq(s.nd_flags, EVPN_ND_ROUTER);
}
END_TEST

START_TEST(constructors_round_trip)
{
	struct ecomm c;
	struct mac m, got;
	uint32_t seq, label;
	uint16_t tt;
	uint8_t flags;
	bool sticky;

	ck_assert_int_eq(mac_parse("02:00:5e:00:01:01", &m), 0);

	evpn_ecomm_encap(&c, EVPN_TUNNEL_VXLAN);
	ck_assert_mem_eq(c.octet, "\x03\x0c\x00\x00\x00\x00\x00\x08", 8);
	ck_assert_int_eq(evpn_ecomm_kind(&c), EVPN_EC_ENCAP);
	ck_assert_int_eq(evpn_ecomm_get_encap(&c, &tt), 0);
	ck_assert_uint_eq(tt, 8);
	assert_one(&c, "ET:8");

	evpn_ecomm_def_gw(&c);
	ck_assert_mem_eq(c.octet, "\x03\x0d\x00\x00\x00\x00\x00\x00", 8);
	ck_assert_int_eq(evpn_ecomm_kind(&c), EVPN_EC_DEF_GW);
	assert_one(&c, "Default Gateway");

	evpn_ecomm_mac_mobility(&c, 0x01020304, true);
	ck_assert_mem_eq(c.octet, "\x06\x00\x01\x00\x01\x02\x03\x04", 8);
	ck_assert_int_eq(evpn_ecomm_get_mac_mobility(&c, &seq, &sticky), 0);
	ck_assert_uint_eq(seq, 0x01020304);
	ck_assert(sticky);
	assert_one(&c, "MM:16909060, sticky MAC");
	evpn_ecomm_mac_mobility(&c, 5, false);
	assert_one(&c, "MM:5");

	evpn_ecomm_esi_label(&c, EVPN_ESI_LABEL_SA, 0xabcdef);
	ck_assert_mem_eq(c.octet, "\x06\x01\x01\x00\x00\xab\xcd\xef", 8);
	ck_assert_int_eq(evpn_ecomm_get_esi_label(&c, &flags, &label), 0);
	ck_assert_uint_eq(flags, EVPN_ESI_LABEL_SA);
	ck_assert_uint_eq(label, 0xabcdef);
	assert_one(&c, "ESI-label-Rt:SA");
	evpn_ecomm_esi_label(&c, 0, 1);
	assert_one(&c, "ESI-label-Rt:AA");

	evpn_ecomm_es_import(&c, &m);
	ck_assert_mem_eq(c.octet, "\x06\x02\x02\x00\x5e\x00\x01\x01", 8);
	ck_assert_int_eq(evpn_ecomm_get_es_import(&c, &got), 0);
	ck_assert_int_eq(mac_cmp(&got, &m), 0);
	assert_one(&c, "ES-Import-Rt:02:00:5e:00:01:01");

	evpn_ecomm_router_mac(&c, &m);
	ck_assert_mem_eq(c.octet, "\x06\x03\x02\x00\x5e\x00\x01\x01", 8);
	ck_assert_int_eq(evpn_ecomm_kind(&c), EVPN_EC_ROUTER_MAC);
	ck_assert_int_eq(evpn_ecomm_get_router_mac(&c, &got), 0);
	ck_assert_int_eq(mac_cmp(&got, &m), 0);
	assert_one(&c, "Rmac:02:00:5e:00:01:01");
	ck_assert_int_eq(evpn_ecomm_get_es_import(&c, &got), -1); /* wrong kind */

	evpn_ecomm_nd(&c, EVPN_ND_ROUTER | EVPN_ND_OVERRIDE);
	ck_assert_mem_eq(c.octet, "\x06\x08\x03\x00\x00\x00\x00\x00", 8);
	ck_assert_int_eq(evpn_ecomm_get_nd(&c, &flags), 0);
	ck_assert_uint_eq(flags, 3);
	assert_one(&c, "ND:Router Flag");
	evpn_ecomm_nd(&c, EVPN_ND_OVERRIDE);
	assert_one(&c, "ND:Override Flag");
	evpn_ecomm_nd(&c, EVPN_ND_IMMUTABLE);
	assert_one(&c, "ND:Immutable");
	evpn_ecomm_nd(&c, EVPN_ND_FRR_PROXY | EVPN_ND_ROUTER);
	assert_one(&c, "ND:Proxy");
	evpn_ecomm_nd(&c, 0);
	assert_one(&c, "ND");
	ck_assert_int_eq(evpn_ecomm_get_mac_mobility(&c, &seq, &sticky), -1);
}
END_TEST

START_TEST(route_target_forms)
{
	static const char *rts[] = {"65000:100", "10.0.0.1:100", "4200000000:100"};
	char want[64];
	struct ecomm c;

	for (size_t i = 0; i < sizeof(rts) / sizeof(rts[0]); i++) {
		ck_assert_int_eq(rt_parse(rts[i], &c), 0);
		ck_assert_int_eq(evpn_ecomm_kind(&c), EVPN_EC_RT);
		snprintf(want, sizeof(want), "RT:%s", rts[i]);
		assert_one(&c, want);
	}
	/* Site of origin (sub-type 3) is not an RT. */
	ck_assert_int_eq(rt_parse("65000:1", &c), 0);
	c.octet[1] = ECOMM_SUB_SOO;
	ck_assert_int_eq(evpn_ecomm_kind(&c), EVPN_EC_UNKNOWN);
	assert_one(&c, "SoO:65000:1");
	/* Unknown communities in FRR's form. */
	memcpy(c.octet, "\x42\x01\x00\x00\x00\x00\x00\x00", 8);
	assert_one(&c, "UNK:66, 1");
	memcpy(c.octet, "\x06\x04\x00\x00\x00\x00\x00\x00", 8);
	assert_one(&c, "UNK:6, 4");
	memcpy(c.octet, "\x03\x0b\x00\x00\x00\x00\x00\x00", 8);
	ck_assert_int_eq(evpn_ecomm_kind(&c), EVPN_EC_UNKNOWN);
}
END_TEST

START_TEST(mac_mobility_lowest_wins)
{
	struct evpn_ecomm_summary s;

	/* Seq 5 (sticky), then 3: RFC 7432 has one per route; take the lowest. */
	summarise("0600010000000005 0600000000000003", &s);
	ck_assert_uint_eq(s.mm_count, 2);
	ck_assert_uint_eq(s.mm_seq, 3);
	ck_assert(s.mm_sticky);
	ck_assert(s.mm_conflict);
	summarise("0600000000000003 0600000000000007", &s);
	ck_assert_uint_eq(s.mm_seq, 3);
	ck_assert(s.mm_conflict);
	ck_assert(!s.mm_sticky);
	/* Duplicates that agree are no conflict. */
	summarise("0600000000000009 0600000000000009", &s);
	ck_assert_uint_eq(s.mm_seq, 9);
	ck_assert_uint_eq(s.mm_count, 2);
	ck_assert(!s.mm_conflict);
}
END_TEST

START_TEST(summary_details)
{
	struct evpn_ecomm_summary s;
	char hex[2048];
	size_t off = 0;

	/* Router MACs that disagree: the first is kept, the conflict flagged. */
	summarise("0603020000000001 0603020000000001 0603020000000002", &s);
	ck_assert(s.present & EVPN_ECS_ROUTER_MAC);
	ck_assert_uint_eq(s.rmac.octet[5], 1);
	ck_assert(s.rmac_conflict);
	/* Tunnel types: VXLAN, Geneve, and one beyond the mask. */
	summarise("030c000000000008 030c000000000013 030c000000000046", &s);
	ck_assert_uint_eq(s.encap_mask, 1u << 8 | 1u << 19);
	ck_assert(s.encap_other);
	/* ND flags accumulate; ESI label and ES-import are decoded. */
	summarise("0608010000000000 0608080000000000 0601010000001234 0602020000000003", &s);
	ck_assert_uint_eq(s.nd_flags, EVPN_ND_ROUTER | EVPN_ND_IMMUTABLE);
	ck_assert_uint_eq(s.esi_label_flags, EVPN_ESI_LABEL_SA);
	ck_assert_uint_eq(s.esi_label, 0x1234);
	ck_assert_uint_eq(s.es_import.octet[5], 3);
	/* Unknown communities are counted, not stored. */
	summarise("4201000000000000 0002fde800000064 8000000000000000", &s);
	ck_assert_uint_eq(s.unknown, 2);
	ck_assert_uint_eq(s.rt_count, 1);
	/* More RTs than fit: the first EVPN_ECOMM_RT_MAX are kept in order. */
	for (int i = 0; i < EVPN_ECOMM_RT_MAX + 3; i++)
		off += (size_t)snprintf(hex + off, sizeof(hex) - off, "0002fde8%08x", i);
	summarise(hex, &s);
	ck_assert_uint_eq(s.rt_count, EVPN_ECOMM_RT_MAX);
	ck_assert_uint_eq(s.rt_dropped, 3);
	ck_assert_uint_eq(s.rt[EVPN_ECOMM_RT_MAX - 1].octet[7], EVPN_ECOMM_RT_MAX - 1);
}
END_TEST

START_TEST(summary_bad_length)
{
	uint8_t d[16];
	struct evpn_ecomm_summary s;
	char out[64];
	struct buf b;

	load("0002fde800000064 030c0000000000", d, sizeof(d), &b);
	ck_assert_int_eq(evpn_ecomm_summarise(&b, &s), -1);
	ck_assert_uint_eq(s.present, 0);
	load("", d, sizeof(d), &b);
	ck_assert_int_eq(evpn_ecomm_summarise(&b, &s), 0);
	ck_assert_uint_eq(s.present, 0);
	/* The list formatter truncates safely. */
	load(FRR_PLAIN, d, sizeof(d), &b);
	ck_assert_str_eq(evpn_ecomm_list_fmt(&b, out, 8), "RT:6500");
}
END_TEST

static Suite *evpn_ecomm_suite(void)
{
	Suite *s = suite_create("evpn_ecomm");
	TCase *frr = tcase_create("frr");
	TCase *tc = tcase_create("core");

	tcase_add_test(frr, frr_text_forms);
	tcase_add_test(frr, frr_summaries);
	tcase_add_test(tc, constructors_round_trip);
	tcase_add_test(tc, route_target_forms);
	tcase_add_test(tc, mac_mobility_lowest_wins);
	tcase_add_test(tc, summary_details);
	tcase_add_test(tc, summary_bad_length);
	suite_add_tcase(s, frr);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(evpn_ecomm_suite());
}
