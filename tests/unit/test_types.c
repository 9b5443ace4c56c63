/* test_types.c - Check suite for src/types.c (vocabulary parse/format). */
#include <arpa/inet.h>
#include <string.h>

#include "testutil.h"
#include "types.h"

START_TEST(mac_round_trip)
{
	struct mac m;
	char buf[MAC_STRLEN];

	ck_assert_int_eq(mac_parse("02:AA:00:00:00:01", &m), 0);
	ck_assert_str_eq(mac_fmt(&m, buf), "02:aa:00:00:00:01");
	ck_assert_int_eq(mac_parse("02:aa:00:00:00", &m), -1);
	ck_assert_int_eq(mac_parse("02:aa:00:00:00:01:02", &m), -1);
	ck_assert_int_eq(mac_parse("zz:aa:00:00:00:01", &m), -1);
}
END_TEST

START_TEST(rd_forms)
{
	static const struct {
		const char *text;
		const char *wire;
	} v[] = {
		{"65000:100", "\x00\x00\xfd\xe8\x00\x00\x00\x64"},
		{"10.0.0.11:3", "\x00\x01\x0a\x00\x00\x0b\x00\x03"},
		{"4200000000:7", "\x00\x02\xfa\x56\xea\x00\x00\x07"},
		{"65535:4294967295", "\x00\x00\xff\xff\xff\xff\xff\xff"},
	};
	struct rd rd;
	char buf[RD_STRLEN];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_int_eq(rd_parse(v[i].text, &rd), 0);
		ck_assert_mem_eq(rd.octet, v[i].wire, RD_LEN);
		ck_assert_str_eq(rd_fmt(&rd, buf), v[i].text);
	}
	ck_assert_int_eq(rd_parse("70000:70000", &rd), -1);
	ck_assert_int_eq(rd_parse("1.2.3.4:65536", &rd), -1);
	ck_assert_int_eq(rd_parse("auto", &rd), -1);
	ck_assert_int_eq(rd_parse(":5", &rd), -1);
	ck_assert_int_eq(rd_parse("5:", &rd), -1);
	ck_assert_int_eq(rd_parse("-1:5", &rd), -1);
}
END_TEST

START_TEST(rt_auto_is_frr_form)
{
	struct ecomm rt;
	char buf[RD_STRLEN];

	rt_auto(&rt, 65000, 100);
	ck_assert_mem_eq(rt.octet, "\x00\x02\xfd\xe8\x00\x00\x00\x64", ECOMM_LEN);
	ck_assert_str_eq(rt_fmt(&rt, buf), "65000:100");
	/* 4-octet ASN: FRR keeps the low 16 bits (4200000000 & 0xffff = 59904). */
	rt_auto(&rt, 4200000000u, 100);
	ck_assert_str_eq(rt_fmt(&rt, buf), "59904:100");
	ck_assert(ecomm_is_rt(&rt));
	ck_assert_int_eq(rt_parse("4200000000:7", &rt), 0);
	ck_assert_mem_eq(rt.octet, "\x02\x02\xfa\x56\xea\x00\x00\x07", ECOMM_LEN);
}
END_TEST

START_TEST(auto_rd)
{
	struct rd rd;
	struct in_addr id;
	char buf[RD_STRLEN];

	inet_pton(AF_INET, "10.0.0.11", &id);
	rd_auto(&rd, id, 2);
	ck_assert_str_eq(rd_fmt(&rd, buf), "10.0.0.11:2");
}
END_TEST

START_TEST(prefixes)
{
	struct prefix p;
	char buf[PREFIX_STRLEN];

	ck_assert_int_eq(prefix_parse("10.1.2.3/16", &p), 0);
	ck_assert_str_eq(prefix_fmt(&p, buf), "10.1.0.0/16");
	ck_assert_int_eq(prefix_parse("2001:db8::1/64", &p), 0);
	ck_assert_str_eq(prefix_fmt(&p, buf), "2001:db8::/64");
	ck_assert_int_eq(prefix_parse("10.0.0.0/33", &p), -1);
	ck_assert_int_eq(prefix_parse("10.0.0.0", &p), -1);
}
END_TEST

START_TEST(prefix_containment)
{
	struct prefix p;
	struct ipaddr a;

	prefix_parse("10.1.0.0/16", &p);
	ipaddr_parse("10.1.255.3", &a);
	ck_assert(prefix_contains(&p, &a));
	ipaddr_parse("10.2.0.1", &a);
	ck_assert(!prefix_contains(&p, &a));
	ipaddr_parse("::ffff:10.1.0.1", &a);
	ck_assert(!prefix_contains(&p, &a)); /* other family */
	prefix_parse("0.0.0.0/0", &p);
	ck_assert(!prefix_contains(&p, &a));
	ipaddr_parse("192.0.2.1", &a);
	ck_assert(prefix_contains(&p, &a));
	prefix_parse("2001:db8:100::/65", &p);
	ipaddr_parse("2001:db8:100::7fff:1", &a);
	ck_assert(prefix_contains(&p, &a));
	ipaddr_parse("2001:db8:100:0:8000::1", &a);
	ck_assert(!prefix_contains(&p, &a));
}
END_TEST

START_TEST(ipaddr_order)
{
	struct ipaddr a, b;

	ipaddr_parse("10.0.0.1", &a);
	ipaddr_parse("10.0.0.2", &b);
	ck_assert_int_lt(ipaddr_cmp(&a, &b), 0);
	ipaddr_parse("::1", &b);
	ck_assert_int_lt(ipaddr_cmp(&a, &b), 0); /* IPv4 sorts before IPv6 */
	ck_assert_int_eq(ipaddr_from_bytes(&a, (const uint8_t *)"\x0a\x00\x00\x01", 4), 0);
	ck_assert_int_eq(ipaddr_from_bytes(&a, (const uint8_t *)"\x0a", 1), -1);
}
END_TEST

static Suite *types_suite(void)
{
	Suite *s = suite_create("types");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, mac_round_trip);
	tcase_add_test(tc, rd_forms);
	tcase_add_test(tc, rt_auto_is_frr_form);
	tcase_add_test(tc, auto_rd);
	tcase_add_test(tc, prefixes);
	tcase_add_test(tc, prefix_containment);
	tcase_add_test(tc, ipaddr_order);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(types_suite());
}
