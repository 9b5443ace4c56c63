/*
 * test_evpn_nlri.c - Check suite for src/evpn_nlri.c (EVPN NLRI codec, route
 * keys, FRR text forms).
 *
 * The FRR_* vectors are NLRI fields of MP_REACH_NLRI / MP_UNREACH_NLRI
 * attributes captured on the wire (tcpdump on the route reflector's veth,
 * UPDATE payloads via `tshark -Y bgp.type==2 -T fields -e tcp.payload`)
 * between two FRR 8.4.4 (Debian 12) bgpd instances in network namespaces:
 * leaf 10.92.0.1 (advertise-all-vni, VNI 100 on vxlan100/br100, RD
 * auto = 10.92.0.1:2) and peer 10.92.0.2, iBGP AS 65000.  The text forms in
 * the comments are what `vtysh -c 'show bgp l2vpn evpn'` printed for them.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "evpn_nlri.h"
#include "testutil.h"

/* Type-2, MAC 22:75:bc:5a:1c:5e learned dynamically on hveth, VNI 100. */
#define FRR_T2_MAC                                                                          \
	"02 21 00010a5c00010002 00000000000000000000 00000000 30 2275bc5a1c5e 00 000064"
/* Type-3 of VTEP 10.92.0.1 (PMSI: ingress replication, label 100, 10.92.0.1). */
#define FRR_T3 "03 11 00010a5c00010002 00000000 20 0a5c0001"
/* One UPDATE: MAC 02:aa:00:00:00:01 (static FDB) and its MAC+IP 172.16.0.1. */
#define FRR_T2_PAIR                                                                         \
	"02 21 00010a5c00010002 00000000000000000000 00000000 30 02aa00000001 00 000064"     \
	"02 25 00010a5c00010002 00000000000000000000 00000000 30 02aa00000001 20 ac100001"   \
	"000064"
/* One UPDATE: MAC 02:aa:00:00:00:02 and MAC+IPv6 fd00:16::2. */
#define FRR_T2_V6_PAIR                                                                      \
	"02 21 00010a5c00010002 00000000000000000000 00000000 30 02aa00000002 00 000064"     \
	"02 31 00010a5c00010002 00000000000000000000 00000000 30 02aa00000002 80"            \
	"fd000016000000000000000000000002 000064"
/* advertise-default-gw: the SVI's fd00:16::254 and its link-local address. */
#define FRR_T2_GW_V6                                                                        \
	"02 31 00010a5c00010002 00000000000000000000 00000000 30 325d7a71277e 80"            \
	"fd000016000000000000000000000254 000064"                                             \
	"02 31 00010a5c00010002 00000000000000000000 00000000 30 325d7a71277e 80"            \
	"fe80000000000000305d7afffe71277e 000064"
/* MP_UNREACH_NLRI after `ip neigh del 172.16.0.1`: FRR sends label 0. */
#define FRR_T2_WITHDRAW                                                                     \
	"02 25 00010a5c00010002 00000000000000000000 00000000 30 02aa00000001 20 ac100001"   \
	"000000"

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	return hex_decode(hex, out, cap);
}

/* Decode exactly one route from hex and check the outcome. */
static void decode_one(const char *hex, struct evpn_route *r, enum evpn_nlri_err want)
{
	uint8_t d[256];
	struct buf b;
	enum evpn_nlri_err err;

	buf_init(&b, d, unhex(hex, d, sizeof(d)));
	ck_assert_int_eq(evpn_nlri_next(&b, r, &err), 1);
	ck_assert_msg(err == want, "err %s, want %s", evpn_nlri_err_str(err),
		      evpn_nlri_err_str(want));
	ck_assert_uint_eq(buf_left(&b), 0);
}

static void assert_rd(const struct evpn_route *r, const char *text)
{
	char buf[RD_STRLEN];

	ck_assert_str_eq(rd_fmt(&r->rd, buf), text);
}

static void assert_fmt(const struct evpn_route *r, const char *text)
{
	char buf[EVPN_ROUTE_STRLEN];

	ck_assert_str_eq(evpn_route_fmt(r, buf), text);
}

static void assert_ip(const struct ipaddr *ip, const char *text)
{
	char buf[IPADDR_STRLEN];

	ck_assert_str_eq(ipaddr_fmt(ip, buf), text);
}

static void assert_mac(const struct mac *m, const char *text)
{
	char buf[MAC_STRLEN];

	ck_assert_str_eq(mac_fmt(m, buf), text);
}

/* Re-encoding every route of an NLRI field must give back the same octets. */
static void assert_reencodes(const char *hex)
{
	uint8_t d[512], out[512];
	struct evpn_route r;
	enum evpn_nlri_err err;
	struct wbuf w;
	struct buf b;
	size_t n = unhex(hex, d, sizeof(d));

	buf_init(&b, d, n);
	wbuf_init(&w, out, sizeof(out));
	while (evpn_nlri_next(&b, &r, &err) == 1) {
		ck_assert_int_eq(err, EVPN_NLRI_OK);
		ck_assert_int_eq(evpn_nlri_encode(&w, &r), 0);
	}
	ck_assert_int_eq(err, EVPN_NLRI_OK);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(out, d, n);
}

static bool route_eq(const struct evpn_route *a, const struct evpn_route *b)
{
	return a->type == b->type && a->nlabels == b->nlabels && !rd_cmp(&a->rd, &b->rd) &&
	       !memcmp(&a->esi, &b->esi, sizeof(a->esi)) && a->etag == b->etag &&
	       !mac_cmp(&a->mac, &b->mac) && !ipaddr_cmp(&a->ip, &b->ip) &&
	       !ipaddr_cmp(&a->prefix.addr, &b->prefix.addr) && a->prefix.len == b->prefix.len &&
	       !ipaddr_cmp(&a->gw, &b->gw) && a->label[0] == b->label[0] &&
	       a->label[1] == b->label[1];
}

START_TEST(frr_type2_mac)
{
	struct evpn_route r;
	struct esi zero = {{0}};

	decode_one(FRR_T2_MAC, &r, EVPN_NLRI_OK);
	ck_assert_uint_eq(r.type, EVPN_RT_MACIP);
	assert_rd(&r, "10.92.0.1:2");
	ck_assert(memcmp(&r.esi, &zero, sizeof(zero)) == 0);
	ck_assert_uint_eq(r.etag, 0);
	assert_mac(&r.mac, "22:75:bc:5a:1c:5e");
	ck_assert_uint_eq(r.ip.family, 0);
	ck_assert_uint_eq(r.nlabels, 1);
	ck_assert_uint_eq(r.label[0], 100); /* RFC 8365: the VNI itself, not 100 << 4 */
	ck_assert(r.key_valid);
	assert_fmt(&r, "[2]:[0]:[48]:[22:75:bc:5a:1c:5e]");
	assert_reencodes(FRR_T2_MAC);
}
END_TEST

START_TEST(frr_type3)
{
	struct evpn_route r;

	decode_one(FRR_T3, &r, EVPN_NLRI_OK);
	ck_assert_uint_eq(r.type, EVPN_RT_IMET);
	assert_rd(&r, "10.92.0.1:2");
	ck_assert_uint_eq(r.etag, 0);
	ck_assert_uint_eq(r.ip.family, AF_INET);
	assert_ip(&r.ip, "10.92.0.1");
	ck_assert_uint_eq(r.nlabels, 0);
	assert_fmt(&r, "[3]:[0]:[32]:[10.92.0.1]");
	assert_reencodes(FRR_T3);
}
END_TEST

START_TEST(frr_type2_pair)
{
	uint8_t d[256];
	struct evpn_route r;
	enum evpn_nlri_err err;
	struct buf b;

	buf_init(&b, d, unhex(FRR_T2_PAIR, d, sizeof(d)));
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
	ck_assert_int_eq(err, EVPN_NLRI_OK);
	assert_mac(&r.mac, "02:aa:00:00:00:01");
	ck_assert_uint_eq(r.ip.family, 0);
	assert_fmt(&r, "[2]:[0]:[48]:[02:aa:00:00:00:01]");
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
	ck_assert_int_eq(err, EVPN_NLRI_OK);
	assert_rd(&r, "10.92.0.1:2");
	assert_mac(&r.mac, "02:aa:00:00:00:01");
	ck_assert_uint_eq(r.ip.family, AF_INET);
	assert_ip(&r.ip, "172.16.0.1");
	ck_assert_uint_eq(r.nlabels, 1);
	ck_assert_uint_eq(r.label[0], 100);
	assert_fmt(&r, "[2]:[0]:[48]:[02:aa:00:00:00:01]:[32]:[172.16.0.1]");
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 0);
	ck_assert_int_eq(err, EVPN_NLRI_OK);
	assert_reencodes(FRR_T2_PAIR);
}
END_TEST

START_TEST(frr_type2_ipv6)
{
	uint8_t d[256];
	struct evpn_route r;
	enum evpn_nlri_err err;
	struct buf b;

	buf_init(&b, d, unhex(FRR_T2_V6_PAIR, d, sizeof(d)));
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
	assert_fmt(&r, "[2]:[0]:[48]:[02:aa:00:00:00:02]");
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
	ck_assert_int_eq(err, EVPN_NLRI_OK);
	ck_assert_uint_eq(r.ip.family, AF_INET6);
	assert_ip(&r.ip, "fd00:16::2");
	ck_assert_uint_eq(r.label[0], 100);
	assert_fmt(&r, "[2]:[0]:[48]:[02:aa:00:00:00:02]:[128]:[fd00:16::2]");
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 0);
	assert_reencodes(FRR_T2_V6_PAIR);

	buf_init(&b, d, unhex(FRR_T2_GW_V6, d, sizeof(d)));
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
	assert_fmt(&r, "[2]:[0]:[48]:[32:5d:7a:71:27:7e]:[128]:[fd00:16::254]");
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
	assert_fmt(&r, "[2]:[0]:[48]:[32:5d:7a:71:27:7e]:[128]:[fe80::305d:7aff:fe71:277e]");
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 0);
	assert_reencodes(FRR_T2_GW_V6);
}
END_TEST

START_TEST(frr_withdraw_keys_like_advertisement)
{
	uint8_t d[256];
	struct evpn_route adv, wd;
	struct evpn_key ka, kw;
	enum evpn_nlri_err err;
	struct buf b;

	buf_init(&b, d, unhex(FRR_T2_PAIR, d, sizeof(d)));
	ck_assert_int_eq(evpn_nlri_next(&b, &adv, &err), 1);
	ck_assert_int_eq(evpn_nlri_next(&b, &adv, &err), 1); /* the MAC+IP route */
	decode_one(FRR_T2_WITHDRAW, &wd, EVPN_NLRI_OK);
	ck_assert_uint_eq(wd.label[0], 0);
	evpn_key_from_route(&adv, &ka);
	evpn_key_from_route(&wd, &kw);
	ck_assert_int_eq(evpn_key_cmp(&ka, &kw), 0); /* labels are not part of the key */
	ck_assert(evpn_key_hash(&ka) == evpn_key_hash(&kw));
}
END_TEST

static struct evpn_route base_route(uint8_t type)
{
	struct evpn_route r;

	memset(&r, 0, sizeof(r));
	r.type = type;
	ck_assert_int_eq(rd_parse("10.0.0.11:7", &r.rd), 0);
	for (int i = 0; i < ESI_LEN; i++)
		r.esi.octet[i] = (uint8_t)(i + 1);
	r.etag = 0x01020304;
	return r;
}

/* A set covering every route type and variant the encoder accepts. */
static size_t sample_routes(struct evpn_route *out)
{
	struct evpn_route r;
	size_t n = 0;

	r = base_route(EVPN_RT_EAD);
	r.nlabels = 1;
	r.label[0] = 5000;
	out[n++] = r;
	for (int ip = 0; ip < 3; ip++) {
		for (int labels = 1; labels <= 2; labels++) {
			r = base_route(EVPN_RT_MACIP);
			ck_assert_int_eq(mac_parse("02:aa:00:00:00:09", &r.mac), 0);
			if (ip == 1)
				ck_assert_int_eq(ipaddr_parse("172.16.0.9", &r.ip), 0);
			if (ip == 2)
				ck_assert_int_eq(ipaddr_parse("2001:db8::9", &r.ip), 0);
			r.nlabels = (uint8_t)labels;
			r.label[0] = 100;
			r.label[1] = labels == 2 ? 5000 : 0;
			out[n++] = r;
		}
	}
	r = base_route(EVPN_RT_IMET);
	memset(&r.esi, 0, sizeof(r.esi));
	ck_assert_int_eq(ipaddr_parse("10.0.0.11", &r.ip), 0);
	out[n++] = r;
	ck_assert_int_eq(ipaddr_parse("2001:db8::11", &r.ip), 0);
	out[n++] = r;
	r = base_route(EVPN_RT_ES);
	r.etag = 0;
	ck_assert_int_eq(ipaddr_parse("10.0.0.11", &r.ip), 0);
	out[n++] = r;
	ck_assert_int_eq(ipaddr_parse("2001:db8::11", &r.ip), 0);
	out[n++] = r;
	r = base_route(EVPN_RT_PREFIX);
	r.nlabels = 1;
	r.label[0] = 5000;
	ck_assert_int_eq(prefix_parse("10.1.0.0/24", &r.prefix), 0);
	out[n++] = r;
	ck_assert_int_eq(ipaddr_parse("10.1.0.1", &r.gw), 0);
	out[n++] = r;
	ck_assert_int_eq(prefix_parse("2001:db8:1::/48", &r.prefix), 0);
	ck_assert_int_eq(ipaddr_parse("2001:db8::1", &r.gw), 0);
	out[n++] = r;
	return n;
}

START_TEST(round_trip_every_type)
{
	struct evpn_route in[32], out;
	uint8_t d[32 * EVPN_NLRI_MAXLEN];
	enum evpn_nlri_err err;
	struct wbuf w;
	struct buf b;
	size_t n = sample_routes(in);

	wbuf_init(&w, d, sizeof(d));
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(evpn_nlri_encode(&w, &in[i]), 0);
	buf_init(&b, d, w.len);
	for (size_t i = 0; i < n; i++) {
		ck_assert_int_eq(evpn_nlri_next(&b, &out, &err), 1);
		ck_assert_int_eq(err, EVPN_NLRI_OK);
		ck_assert_msg(route_eq(&in[i], &out), "route %zu differs after round trip", i);
		ck_assert(out.key_valid);
	}
	ck_assert_int_eq(evpn_nlri_next(&b, &out, &err), 0);
}
END_TEST

START_TEST(wire_layouts)
{
	/* Lengths per RFC 7432 7.1-7.4 / RFC 9136 3.1, header included. */
	static const size_t want[] = {27, 35, 38, 39, 42, 51, 54, 19, 31, 25, 37, 36, 36, 60};
	struct evpn_route in[32];
	uint8_t d[EVPN_NLRI_MAXLEN];
	struct wbuf w;
	size_t n = sample_routes(in);

	ck_assert_uint_eq(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++) {
		wbuf_init(&w, d, sizeof(d));
		ck_assert_int_eq(evpn_nlri_encode(&w, &in[i]), 0);
		ck_assert_msg(w.len == want[i], "route %zu: %zu octets, want %zu", i, w.len,
			      want[i]);
		ck_assert_uint_eq(d[1], w.len - 2);
	}
}
END_TEST

START_TEST(text_forms)
{
	struct evpn_route r[32];

	sample_routes(r);
	assert_fmt(&r[0], "[1]:[16909060]:[01:02:03:04:05:06:07:08:09:0a]");
	assert_fmt(&r[1], "[2]:[16909060]:[48]:[02:aa:00:00:00:09]");
	assert_fmt(&r[3], "[2]:[16909060]:[48]:[02:aa:00:00:00:09]:[32]:[172.16.0.9]");
	assert_fmt(&r[5], "[2]:[16909060]:[48]:[02:aa:00:00:00:09]:[128]:[2001:db8::9]");
	assert_fmt(&r[7], "[3]:[16909060]:[32]:[10.0.0.11]");
	assert_fmt(&r[8], "[3]:[16909060]:[128]:[2001:db8::11]");
	assert_fmt(&r[9], "[4]:[01:02:03:04:05:06:07:08:09:0a]:[32]:[10.0.0.11]");
	r[11].etag = 0;
	assert_fmt(&r[11], "[5]:[0]:[24]:[10.1.0.0]");
	assert_fmt(&r[13], "[5]:[16909060]:[48]:[2001:db8:1::]");
}
END_TEST

START_TEST(unknown_type_skipped)
{
	uint8_t d[256];
	struct evpn_route r;
	enum evpn_nlri_err err;
	struct buf b;

	/* A Type-6 (RFC 9251 SMET) route of 5 octets, then FRR's Type-3. */
	buf_init(&b, d, unhex("06 05 0102030405" FRR_T3, d, sizeof(d)));
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
	ck_assert_int_eq(err, EVPN_NLRI_UNKNOWN_TYPE);
	ck_assert_uint_eq(r.type, 6);
	ck_assert(!r.key_valid);
	ck_assert(!evpn_nlri_err_malformed(err));
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
	ck_assert_int_eq(err, EVPN_NLRI_OK);
	assert_fmt(&r, "[3]:[0]:[32]:[10.92.0.1]");
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 0);

	/* Type 0 and a zero-length unknown route are skipped too. */
	buf_init(&b, d, unhex("00 00 ff 01 aa" FRR_T3, d, sizeof(d)));
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
	ck_assert_int_eq(err, EVPN_NLRI_UNKNOWN_TYPE);
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
	ck_assert_int_eq(err, EVPN_NLRI_UNKNOWN_TYPE);
	ck_assert_uint_eq(r.type, 0xff);
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
	ck_assert_int_eq(err, EVPN_NLRI_OK);
}
END_TEST

START_TEST(framing_error_stops)
{
	uint8_t d[256];
	struct evpn_route r;
	enum evpn_nlri_err err;
	struct buf b;
	size_t off;

	/* FRR's Type-3, then a Type-2 claiming 0x21 octets with only 0x20 left. */
	buf_init(&b, d,
		 unhex(FRR_T3 "02 21 00010a5c00010002 00000000000000000000 00000000 30"
			      "2275bc5a1c5e 00 0000",
		       d, sizeof(d)));
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
	ck_assert_int_eq(err, EVPN_NLRI_OK);
	off = b.off;
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), -1);
	ck_assert_int_eq(err, EVPN_NLRI_FRAMING);
	ck_assert_uint_eq(b.off, off); /* left at the bad NLRI */
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), -1);

	/* A lone type octet, and a header with no value, are framing errors. */
	buf_init(&b, d, unhex("02", d, sizeof(d)));
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), -1);
	ck_assert_int_eq(err, EVPN_NLRI_FRAMING);
	buf_init(&b, d, unhex("07 01", d, sizeof(d)));
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), -1);
	ck_assert_int_eq(err, EVPN_NLRI_FRAMING);
	/* An empty NLRI field is simply the end. */
	buf_init(&b, d, 0);
	ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 0);
}
END_TEST

START_TEST(type2_malformed)
{
	struct evpn_route r;

	/* MAC length 47. */
	decode_one("02 21 00010a5c00010002 00000000000000000000 00000000 2f 2275bc5a1c5e 00 000064",
		   &r, EVPN_NLRI_BAD_MAC_LEN);
	ck_assert(!r.key_valid);
	ck_assert(evpn_nlri_err_malformed(EVPN_NLRI_BAD_MAC_LEN));
	/* IP length 24. */
	decode_one("02 24 00010a5c00010002 00000000000000000000 00000000 30 2275bc5a1c5e 18 ac1000"
		   "000064",
		   &r, EVPN_NLRI_BAD_IP_LEN);
	ck_assert(!r.key_valid);
	/* IP length 32 but only 3 address octets and a label: total 36. */
	decode_one("02 24 00010a5c00010002 00000000000000000000 00000000 30 2275bc5a1c5e 20 ac1000"
		   "000064",
		   &r, EVPN_NLRI_BAD_LENGTH);
	/* No label at all (length 30): RFC 7432 7.2 makes label1 mandatory. */
	decode_one("02 1e 00010a5c00010002 00000000000000000000 00000000 30 2275bc5a1c5e 00", &r,
		   EVPN_NLRI_BAD_LENGTH);
	ck_assert(r.key_valid); /* key fields complete: the caller may withdraw it */
	assert_fmt(&r, "[2]:[0]:[48]:[22:75:bc:5a:1c:5e]");
	/* One octet too many (34), and IPv4 with a 2-octet label (36). */
	decode_one("02 22 00010a5c00010002 00000000000000000000 00000000 30 2275bc5a1c5e 00"
		   "00006400",
		   &r, EVPN_NLRI_BAD_LENGTH);
	decode_one("02 24 00010a5c00010002 00000000000000000000 00000000 30 2275bc5a1c5e 20"
		   "ac100001 0000",
		   &r, EVPN_NLRI_BAD_LENGTH);
	ck_assert(r.key_valid);
	/* Three labels (39 = 30 + 9) is no layout either. */
	decode_one("02 27 00010a5c00010002 00000000000000000000 00000000 30 2275bc5a1c5e 00"
		   "000064 000065 000066",
		   &r, EVPN_NLRI_BAD_LENGTH);
	/* Truncated before the MAC length octet: key not known. */
	decode_one("02 16 00010a5c00010002 00000000000000000000 00000000", &r,
		   EVPN_NLRI_BAD_LENGTH);
	ck_assert(!r.key_valid);
	ck_assert_uint_eq(r.type, EVPN_RT_MACIP);
}
END_TEST

START_TEST(type1_type4_malformed)
{
	struct evpn_route r;

	decode_one("01 19 00010a5c00010002 0102030405060708090a 00000001 000064", &r,
		   EVPN_NLRI_OK);
	ck_assert_uint_eq(r.etag, 1);
	ck_assert_uint_eq(r.label[0], 100);
	decode_one("01 18 00010a5c00010002 0102030405060708090a 00000001 0000", &r,
		   EVPN_NLRI_BAD_LENGTH);
	ck_assert(r.key_valid);
	decode_one("04 17 00010a5c00010002 0102030405060708090a 20 0a5c0001", &r, EVPN_NLRI_OK);
	assert_fmt(&r, "[4]:[01:02:03:04:05:06:07:08:09:0a]:[32]:[10.92.0.1]");
	decode_one("04 17 00010a5c00010002 0102030405060708090a 40 0a5c0001", &r,
		   EVPN_NLRI_BAD_IP_LEN);
	decode_one("04 13 00010a5c00010002 0102030405060708090a 00", &r, EVPN_NLRI_BAD_IP_LEN);
}
END_TEST

START_TEST(type3_malformed)
{
	struct evpn_route r;

	/* One trailing octet: length 18. */
	decode_one("03 12 00010a5c00010002 00000000 20 0a5c0001 00", &r, EVPN_NLRI_BAD_LENGTH);
	ck_assert(r.key_valid);
	/* IP length 128 with 4 octets. */
	decode_one("03 11 00010a5c00010002 00000000 80 0a5c0001", &r, EVPN_NLRI_BAD_LENGTH);
	ck_assert(!r.key_valid);
	/* IP length 0 and 64 are not allowed for an originator address. */
	decode_one("03 0d 00010a5c00010002 00000000 00", &r, EVPN_NLRI_BAD_IP_LEN);
	decode_one("03 15 00010a5c00010002 00000000 40 0a5c00010a5c0002", &r,
		   EVPN_NLRI_BAD_IP_LEN);
	/* IPv6 originator (length 29) is fine. */
	decode_one("03 1d 00010a5c00010002 00000000 80 20010db8000000000000000000000011", &r,
		   EVPN_NLRI_OK);
	assert_fmt(&r, "[3]:[0]:[128]:[2001:db8::11]");
}
END_TEST

#define T5_HEAD "00010a5c00010002 00000000000000000000 00000000"

START_TEST(type5_malformed)
{
	struct evpn_route r;

	decode_one("05 22 " T5_HEAD " 18 0a010000 00000000 001388", &r, EVPN_NLRI_OK);
	assert_fmt(&r, "[5]:[0]:[24]:[10.1.0.0]");
	ck_assert_uint_eq(r.label[0], 5000);
	ck_assert_uint_eq(r.gw.family, 0); /* all-zero gateway: none */
	decode_one("05 22 " T5_HEAD " 18 0a010000 0a010001 001388", &r, EVPN_NLRI_OK);
	assert_ip(&r.gw, "10.1.0.1");
	/* Total length 35: neither 34 nor 58. */
	decode_one("05 23 " T5_HEAD " 18 0a010000 00000000 001388 00", &r, EVPN_NLRI_BAD_LENGTH);
	ck_assert(!r.key_valid);
	/* IPv4 prefix length 33 (FRR issue 22353). */
	decode_one("05 22 " T5_HEAD " 21 0a010000 00000000 001388", &r, EVPN_NLRI_BAD_PREFIX_LEN);
	ck_assert(!r.key_valid);
	/* IPv6: 128 is fine, 129 is not. */
	decode_one("05 3a " T5_HEAD " 80 20010db8000000000000000000000001"
		   "00000000000000000000000000000000 001388",
		   &r, EVPN_NLRI_OK);
	assert_fmt(&r, "[5]:[0]:[128]:[2001:db8::1]");
	decode_one("05 3a " T5_HEAD " 81 20010db8000000000000000000000001"
		   "00000000000000000000000000000000 001388",
		   &r, EVPN_NLRI_BAD_PREFIX_LEN);
	/* An IPv4 prefix length of 33 inside an IPv6-sized route is fine (length 58). */
	decode_one("05 3a " T5_HEAD " 21 20010db8000000000000000000000001"
		   "00000000000000000000000000000000 001388",
		   &r, EVPN_NLRI_OK);
	ck_assert_uint_eq(r.prefix.addr.family, AF_INET6);
}
END_TEST

/*
 * Cut a valid NLRI field at every octet, into a heap block of exactly that
 * size (so AddressSanitizer sees any read past it): routes wholly before the
 * cut decode, the cut route is a framing error, nothing reads out of bounds.
 */
START_TEST(truncation_every_byte)
{
	static const char *vec = FRR_T2_PAIR FRR_T3 FRR_T2_V6_PAIR
		"01 19 00010a5c00010002 0102030405060708090a 00000001 000064"
		"04 17 00010a5c00010002 0102030405060708090a 20 0a5c0001"
		"05 3a " T5_HEAD " 80 20010db8000000000000000000000001"
		"00000000000000000000000000000000 001388";
	uint8_t full[512];
	size_t n = unhex(vec, full, sizeof(full));

	for (size_t cut = 0; cut <= n; cut++) {
		uint8_t *d = malloc(cut ? cut : 1);
		struct evpn_route r;
		enum evpn_nlri_err err;
		struct buf b;
		int rc;
		size_t ok = 0, end = 0;

		ck_assert_ptr_nonnull(d);
		memcpy(d, full, cut);
		buf_init(&b, d, cut);
		while ((rc = evpn_nlri_next(&b, &r, &err)) == 1) {
			ck_assert_int_eq(err, EVPN_NLRI_OK);
			ok++;
			end = b.off;
		}
		if (rc == 0)
			ck_assert_uint_eq(end, cut); /* the cut fell between two routes */
		else
			ck_assert_int_eq(err, EVPN_NLRI_FRAMING);
		ck_assert_uint_le(ok, 8);
		free(d);
	}
}
END_TEST

/*
 * Every value shorter than a valid single-label route of each type is
 * malformed (never a shorter valid route), and framing stays intact.
 */
START_TEST(short_values)
{
	static const char *vec[] = {
		"01 19 00010a5c00010002 0102030405060708090a 00000001 000064",
		FRR_T2_MAC,
		"02 25 00010a5c00010002 00000000000000000000 00000000 30 02aa00000001 20 ac100001"
		"000064",
		FRR_T3,
		"04 17 00010a5c00010002 0102030405060708090a 20 0a5c0001",
		"05 22 " T5_HEAD " 18 0a010000 00000000 001388",
	};
	uint8_t full[128], d[130];
	struct evpn_route r;
	enum evpn_nlri_err err;
	struct buf b;

	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		size_t n = unhex(vec[i], full, sizeof(full));

		for (size_t len = 0; len < n - 2; len++) {
			d[0] = full[0];
			d[1] = (uint8_t)len;
			memcpy(d + 2, full + 2, len);
			buf_init(&b, d, len + 2);
			ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 1);
			ck_assert_msg(evpn_nlri_err_malformed(err), "vector %zu, length %zu: %s", i,
				      len, evpn_nlri_err_str(err));
			ck_assert_int_eq(evpn_nlri_next(&b, &r, &err), 0);
		}
	}
}
END_TEST

START_TEST(error_strings)
{
	struct evpn_route r;

	ck_assert_str_eq(evpn_nlri_err_str(EVPN_NLRI_OK), "ok");
	ck_assert_str_eq(evpn_nlri_err_str(EVPN_NLRI_FRAMING), "route length past end of NLRI");
	for (int e = EVPN_NLRI_OK; e <= EVPN_NLRI_FRAMING; e++)
		ck_assert_str_ne(evpn_nlri_err_str((enum evpn_nlri_err)e), "?");
	ck_assert(!evpn_nlri_err_malformed(EVPN_NLRI_FRAMING));
	ck_assert(!evpn_nlri_err_malformed(EVPN_NLRI_OK));
	ck_assert(evpn_nlri_err_malformed(EVPN_NLRI_BAD_PREFIX_LEN));
	memset(&r, 0, sizeof(r));
	r.type = 9;
	assert_fmt(&r, "[9]");
}
END_TEST

START_TEST(route_keys)
{
	struct evpn_route r[32], a, b;
	struct evpn_key ka, kb;
	size_t n = sample_routes(r);

	/* All sample routes but the Type-2 label variants have distinct keys. */
	for (size_t i = 0; i < n; i++) {
		for (size_t j = i + 1; j < n; j++) {
			bool same = r[i].type == EVPN_RT_MACIP && r[j].type == EVPN_RT_MACIP &&
				    ipaddr_cmp(&r[i].ip, &r[j].ip) == 0;

			if (r[i].type == EVPN_RT_PREFIX && r[j].type == EVPN_RT_PREFIX &&
			    r[i].prefix.len == r[j].prefix.len &&
			    !ipaddr_cmp(&r[i].prefix.addr, &r[j].prefix.addr))
				same = true; /* only the gateway differs */
			evpn_key_from_route(&r[i], &ka);
			evpn_key_from_route(&r[j], &kb);
			ck_assert_msg((evpn_key_cmp(&ka, &kb) == 0) == same, "routes %zu, %zu", i,
				      j);
		}
	}
	/* Type-2: ESI and labels are attributes; IP and MAC are key. */
	a = r[3];
	b = a;
	b.esi.octet[0] ^= 0xff;
	b.label[0] = 7;
	evpn_key_from_route(&a, &ka);
	evpn_key_from_route(&b, &kb);
	ck_assert_int_eq(evpn_key_cmp(&ka, &kb), 0);
	ck_assert(evpn_key_hash(&ka) == evpn_key_hash(&kb));
	b.mac.octet[5] ^= 1;
	evpn_key_from_route(&b, &kb);
	ck_assert_int_ne(evpn_key_cmp(&ka, &kb), 0);
	ck_assert(evpn_key_hash(&ka) != evpn_key_hash(&kb));
	/* RD is always part of the key. */
	b = a;
	b.rd.octet[7] ^= 1;
	evpn_key_from_route(&b, &kb);
	ck_assert_int_ne(evpn_key_cmp(&ka, &kb), 0);
	/* Type-5: host bits beyond the prefix length, ESI, gateway are not key. */
	a = r[11];
	b = a;
	b.prefix.addr.bytes[3] = 0x55;
	memset(&b.esi, 0, sizeof(b.esi));
	memset(&b.gw, 0, sizeof(b.gw));
	evpn_key_from_route(&a, &ka);
	evpn_key_from_route(&b, &kb);
	ck_assert_int_eq(evpn_key_cmp(&ka, &kb), 0);
	b.prefix.len = 25;
	evpn_key_from_route(&b, &kb);
	ck_assert_int_ne(evpn_key_cmp(&ka, &kb), 0);
	/* Type-3: the Ethernet Tag is key. */
	a = r[7];
	b = a;
	b.etag = 100;
	evpn_key_from_route(&a, &ka);
	evpn_key_from_route(&b, &kb);
	ck_assert_int_ne(evpn_key_cmp(&ka, &kb), 0);
	/*
	 * Type-1 (ESI, Ethernet Tag) and Type-4 (ESI, IP): the ESI shares the
	 * key's storage with fields of other types; every byte of it is key.
	 */
	for (size_t i = 0; i < n; i++) {
		if (r[i].type != EVPN_RT_EAD && r[i].type != EVPN_RT_ES)
			continue;
		evpn_key_from_route(&r[i], &ka);
		ck_assert_mem_eq(evpn_key_esi(&ka), r[i].esi.octet, ESI_LEN);
		for (int j = 0; j < ESI_LEN; j++) {
			b = r[i];
			b.esi.octet[j] ^= 0x80;
			evpn_key_from_route(&b, &kb);
			ck_assert_msg(evpn_key_cmp(&ka, &kb) != 0, "route %zu, ESI byte %d", i, j);
			ck_assert(evpn_key_hash(&ka) != evpn_key_hash(&kb));
		}
		b = r[i];
		if (b.type == EVPN_RT_EAD)
			b.etag ^= 1;
		else
			b.ip.bytes[ipaddr_len(&b.ip) - 1] ^= 1;
		evpn_key_from_route(&b, &kb);
		ck_assert_int_ne(evpn_key_cmp(&ka, &kb), 0);
	}
	ck_assert_ptr_null(evpn_key_esi(&(struct evpn_key){.type = EVPN_RT_MACIP}));
	/* evpn_route_from_key is the inverse: the key of the route it rebuilds is the same */
	for (size_t i = 0; i < n; i++) {
		evpn_key_from_route(&r[i], &ka);
		evpn_route_from_key(&ka, &b);
		evpn_key_from_route(&b, &kb);
		ck_assert_msg(evpn_key_cmp(&ka, &kb) == 0, "route %zu", i);
		ck_assert_uint_eq(b.nlabels, 0);
	}
}
END_TEST

START_TEST(encode_refuses)
{
	struct evpn_route r[32], bad;
	uint8_t d[EVPN_NLRI_MAXLEN];
	struct wbuf w;

	sample_routes(r);
	wbuf_init(&w, d, sizeof(d));
	bad = r[1];
	bad.nlabels = 0;
	ck_assert_int_eq(evpn_nlri_encode(&w, &bad), -1);
	bad.nlabels = 3;
	ck_assert_int_eq(evpn_nlri_encode(&w, &bad), -1);
	bad = r[7];
	memset(&bad.ip, 0, sizeof(bad.ip)); /* Type-3 needs an originator */
	ck_assert_int_eq(evpn_nlri_encode(&w, &bad), -1);
	bad = r[12];
	ck_assert_int_eq(ipaddr_parse("2001:db8::1", &bad.gw), 0); /* family mismatch */
	ck_assert_int_eq(evpn_nlri_encode(&w, &bad), -1);
	bad = r[11];
	bad.prefix.len = 33;
	ck_assert_int_eq(evpn_nlri_encode(&w, &bad), -1);
	bad.type = 6;
	ck_assert_int_eq(evpn_nlri_encode(&w, &bad), -1);
	ck_assert_uint_eq(w.len, 0);
	ck_assert(!w.overflow);
	/* A buffer one octet short overflows. */
	wbuf_init(&w, d, 26);
	ck_assert_int_eq(evpn_nlri_encode(&w, &r[0]), -1);
	ck_assert(w.overflow);
}
END_TEST

static Suite *evpn_nlri_suite(void)
{
	Suite *s = suite_create("evpn_nlri");
	TCase *frr = tcase_create("frr");
	TCase *tc = tcase_create("core");
	TCase *bad = tcase_create("malformed");

	tcase_add_test(frr, frr_type2_mac);
	tcase_add_test(frr, frr_type3);
	tcase_add_test(frr, frr_type2_pair);
	tcase_add_test(frr, frr_type2_ipv6);
	tcase_add_test(frr, frr_withdraw_keys_like_advertisement);
	tcase_add_test(tc, round_trip_every_type);
	tcase_add_test(tc, wire_layouts);
	tcase_add_test(tc, text_forms);
	tcase_add_test(tc, route_keys);
	tcase_add_test(tc, encode_refuses);
	tcase_add_test(bad, unknown_type_skipped);
	tcase_add_test(bad, framing_error_stops);
	tcase_add_test(bad, type2_malformed);
	tcase_add_test(bad, type1_type4_malformed);
	tcase_add_test(bad, type3_malformed);
	tcase_add_test(bad, type5_malformed);
	tcase_add_test(bad, truncation_every_byte);
	tcase_add_test(bad, short_values);
	tcase_add_test(tc, error_strings);
	suite_add_tcase(s, frr);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, bad);
	return s;
}

int main(void)
{
	return run_suite(evpn_nlri_suite());
}
