/*
 * test_bgp_msg.c - Check suite for src/bgp_msg.c: header framing, OPEN and
 * capabilities, OPEN validation, NOTIFICATION (RFC 9003, 8538),
 * KEEPALIVE, ROUTE-REFRESH; the FRR OPEN-parser CVE triggers; truncation
 * at every length; and messages captured from FRR 8.4.
 *
 * Captured vectors: FRR 8.4.4 (Debian 12, /usr/lib/frr/bgpd + zebra) in two
 * network namespaces hA-r1 (10.91.0.1) and hA-r2 (10.91.0.2) joined by a
 * veth pair, iBGP AS 65000, "bgp graceful-restart", "capability
 * extended-nexthop", ipv4 unicast and l2vpn evpn (advertise-all-vni,
 * vxlan100 in br100) activated; `tcpdump -w` on hA-r1 port 179, payloads
 * printed with `tshark -T fields -e tcp.payload` and split into messages.
 */
#include <string.h>

#include "bgp_msg.h"
#include "testutil.h"

/* OPEN sent by hA-r2 (router-id 10.91.0.2, hold 180). */
static const char frr_open[] =
	"ffffffffffffffffffffffffffffffff007c0104fde800b40a5b00025f020601040001000102060104"
	"00190046020280000202020002024600020641040000fde802020600020a4508000101010019460102"
	"0949070568412d723200020c400ac07800010100001946000210470e00010180000000001946800000"
	"00";
static const char frr_keepalive[] = "ffffffffffffffffffffffffffffffff001304";
/* "neighbor 10.91.0.2 shutdown message "maintenance window 42"" on hA-r1, with
 * graceful restart's N bit negotiated: Cease/Hard Reset around Cease/2. */
static const char frr_notify[] =
	"ffffffffffffffffffffffffffffffff002f030609060217226d61696e74656e616e63652077696e64"
	"6f7720343222";
/* "clear bgp 10.91.0.1 soft in" on hA-r2 (normal), and hA-r1's BoRR / EoRR. */
static const char frr_rr_normal[] = "ffffffffffffffffffffffffffffffff00170500010001";
static const char frr_rr_borr_evpn[] = "ffffffffffffffffffffffffffffffff00170500190146";
static const char frr_rr_eorr_ipv4[] = "ffffffffffffffffffffffffffffffff00170500010201";

static struct bgp_msg frame(const uint8_t *d, size_t len, size_t max)
{
	struct buf in;
	struct bgp_msg m;
	struct bgp_notify err;

	buf_init(&in, d, len);
	ck_assert_int_eq(bgp_msg_next(&in, max, &m, &err), 0);
	ck_assert_uint_eq(buf_left(&in), 0);
	return m;
}

START_TEST(keepalive_round_trip)
{
	uint8_t out[64], want[64];
	size_t n = hex_decode(frr_keepalive, want, sizeof(want));
	struct wbuf w;
	struct bgp_msg m;

	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(bgp_keepalive_encode(&w), 0);
	ck_assert_uint_eq(w.len, n);
	ck_assert_mem_eq(out, want, n);
	m = frame(out, w.len, BGP_MAX_LEN);
	ck_assert_uint_eq(m.type, BGP_KEEPALIVE);
	ck_assert_uint_eq(m.body.len, 0);
}
END_TEST

START_TEST(header_errors)
{
	uint8_t d[64];
	size_t n = hex_decode(frr_keepalive, d, sizeof(d));
	struct buf in;
	struct bgp_msg m;
	struct bgp_notify err;

	d[3] = 0xfe; /* marker */
	buf_init(&in, d, n);
	ck_assert_int_eq(bgp_msg_next(&in, BGP_MAX_LEN, &m, &err), -1);
	ck_assert_uint_eq(err.code, BGP_ERR_HEADER);
	ck_assert_uint_eq(err.subcode, BGP_EHDR_SYNC);
	d[3] = 0xff;
	d[17] = 18; /* length below 19 */
	buf_init(&in, d, n);
	ck_assert_int_eq(bgp_msg_next(&in, BGP_MAX_LEN, &m, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_EHDR_LEN);
	ck_assert_uint_eq(err.ilen, 2);
	ck_assert_uint_eq(err.idata[1], 18);
	d[17] = 20; /* KEEPALIVE must be 19 */
	buf_init(&in, d, n);
	ck_assert_int_eq(bgp_msg_next(&in, BGP_MAX_LEN, &m, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_EHDR_LEN);
	d[17] = 19;
	d[18] = 6; /* type */
	buf_init(&in, d, n);
	ck_assert_int_eq(bgp_msg_next(&in, BGP_MAX_LEN, &m, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_EHDR_TYPE);
	ck_assert_uint_eq(err.ilen, 1);
	ck_assert_uint_eq(err.idata[0], 6);
	/* 4097 is too long unless extended messages were negotiated (RFC 8654) */
	d[16] = 0x10;
	d[17] = 0x01;
	d[18] = BGP_UPDATE;
	buf_init(&in, d, n);
	ck_assert_int_eq(bgp_msg_next(&in, BGP_MAX_LEN, &m, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_EHDR_LEN);
	buf_init(&in, d, n);
	ck_assert_int_eq(bgp_msg_next(&in, BGP_EXT_MAX_LEN, &m, &err), 1); /* needs more */
	d[18] = BGP_OPEN; /* an OPEN stays within 4096 even then */
	buf_init(&in, d, n);
	ck_assert_int_eq(bgp_msg_next(&in, BGP_EXT_MAX_LEN, &m, &err), -1);
}
END_TEST

/* Cutting a stream anywhere inside a message yields "need more", never a read. */
START_TEST(framing_truncated_every_length)
{
	uint8_t d[256];
	size_t n = hex_decode(frr_open, d, sizeof(d));
	struct buf in;
	struct bgp_msg m;
	struct bgp_notify err;

	for (size_t k = 0; k < n; k++) {
		buf_init(&in, d, k);
		ck_assert_int_eq(bgp_msg_next(&in, BGP_MAX_LEN, &m, &err), 1);
		ck_assert_uint_eq(in.off, 0);
	}
}
END_TEST

START_TEST(open_frr_capture)
{
	uint8_t d[256];
	size_t n = hex_decode(frr_open, d, sizeof(d));
	struct bgp_msg m = frame(d, n, BGP_MAX_LEN);
	struct bgp_open o;
	struct bgp_notify err;
	struct bgp_open_policy pol = {.peer_as = 65000, .local_id = 0x0a5b0001, .ibgp = true,
				      .need_afi = true, .afi = {25, 70}};

	ck_assert_uint_eq(m.type, BGP_OPEN);
	ck_assert_int_eq(bgp_open_decode(&m.body, &o, &err), 0);
	ck_assert_uint_eq(o.version, 4);
	ck_assert_uint_eq(o.my_as, 65000);
	ck_assert_uint_eq(o.hold_time, 180);
	ck_assert_uint_eq(o.bgp_id, 0x0a5b0002);
	ck_assert(!o.ext_params);
	ck_assert_uint_eq(o.n_bad_params, 0);
	ck_assert(o.caps.as4);
	ck_assert_uint_eq(o.caps.as4_asn, 65000);
	ck_assert(o.caps.route_refresh && o.caps.enhanced_rr && o.caps.ext_msg);
	ck_assert_uint_eq(o.caps.n_mp, 2);
	ck_assert_uint_eq(o.caps.mp[0].afi, 1);
	ck_assert_uint_eq(o.caps.mp[0].safi, 1);
	ck_assert_uint_eq(o.caps.mp[1].afi, 25);
	ck_assert_uint_eq(o.caps.mp[1].safi, 70);
	ck_assert(o.caps.gr);
	ck_assert_uint_eq(o.caps.gr_flags, BGP_GR_F_RESTART | BGP_GR_F_NOTIF);
	ck_assert_uint_eq(o.caps.gr_time, 120);
	ck_assert_uint_eq(o.caps.n_gr, 2);
	ck_assert_uint_eq(o.caps.gr_af[1].afi, 25);
	ck_assert_uint_eq(o.caps.gr_af[1].flags, 0);
	/* ADD-PATH (69), FQDN (73) and LLGR (71) are tolerated and counted */
	ck_assert_uint_eq(o.caps.n_unknown, 3);
	ck_assert_uint_eq(o.caps.n_bad, 0);
	ck_assert_int_eq(bgp_open_validate(&o, &pol, &err), 0);
}
END_TEST

static void caps_eq(const struct bgp_caps *a, const struct bgp_caps *b)
{
	ck_assert_uint_eq(a->as4, b->as4);
	ck_assert_uint_eq(a->as4_asn, b->as4_asn);
	ck_assert_uint_eq(a->route_refresh, b->route_refresh);
	ck_assert_uint_eq(a->enhanced_rr, b->enhanced_rr);
	ck_assert_uint_eq(a->ext_msg, b->ext_msg);
	ck_assert_uint_eq(a->n_mp, b->n_mp);
	for (uint8_t i = 0; i < a->n_mp; i++) {
		ck_assert_uint_eq(a->mp[i].afi, b->mp[i].afi);
		ck_assert_uint_eq(a->mp[i].safi, b->mp[i].safi);
	}
	ck_assert_uint_eq(a->gr, b->gr);
	ck_assert_uint_eq(a->gr_flags, b->gr_flags);
	ck_assert_uint_eq(a->gr_time, b->gr_time);
	ck_assert_uint_eq(a->n_gr, b->n_gr);
	for (uint8_t i = 0; i < a->n_gr; i++) {
		ck_assert_uint_eq(a->gr_af[i].afi, b->gr_af[i].afi);
		ck_assert_uint_eq(a->gr_af[i].safi, b->gr_af[i].safi);
		ck_assert_uint_eq(a->gr_af[i].flags, b->gr_af[i].flags);
	}
	ck_assert_uint_eq(a->n_unknown + a->n_bad + a->n_dropped, 0);
}

START_TEST(open_round_trip)
{
	uint8_t out[BGP_MAX_LEN];
	struct wbuf w;
	struct bgp_open o, d;
	struct bgp_msg m;
	struct bgp_notify err;

	for (int ext = 0; ext <= 1; ext++) {
		bgp_open_init(&o, 4200000001u, 9, 0x0a000001);
		o.ext_params = ext;
		o.caps.route_refresh = o.caps.enhanced_rr = o.caps.ext_msg = true;
		o.caps.mp[o.caps.n_mp++] = (struct bgp_afisafi){25, 70};
		o.caps.mp[o.caps.n_mp++] = (struct bgp_afisafi){1, 1};
		o.caps.gr = true;
		o.caps.gr_flags = BGP_GR_F_RESTART;
		o.caps.gr_time = 4095;
		o.caps.gr_af[o.caps.n_gr++] = (struct bgp_gr_af){25, 70, BGP_GR_AF_FWD};
		wbuf_init(&w, out, sizeof(out));
		ck_assert_int_eq(bgp_open_encode(&w, &o), 0);
		m = frame(out, w.len, BGP_MAX_LEN);
		ck_assert_uint_eq(m.type, BGP_OPEN);
		ck_assert_int_eq(bgp_open_decode(&m.body, &d, &err), 0);
		ck_assert_uint_eq(d.ext_params, ext);
		ck_assert_uint_eq(d.my_as, BGP_AS_TRANS);
		ck_assert_uint_eq(bgp_open_asn(&d), 4200000001u);
		ck_assert_uint_eq(d.hold_time, 9);
		ck_assert_uint_eq(d.bgp_id, 0x0a000001);
		caps_eq(&d.caps, &o.caps);
	}
}
END_TEST

static int open_body(const char *hex, uint8_t *d, size_t cap, struct bgp_open *o,
		     struct bgp_notify *err)
{
	struct buf b;

	buf_init(&b, d, hex_decode(hex, d, cap));
	return bgp_open_decode(&b, o, err);
}

/* Fixed part: version 4, AS 65001, hold 90, id 1.1.1.1, then optional params. */
#define OPEN_FIXED "04 fde9 005a 01010101 "

/*
 * CVE-2022-40302 / CVE-2022-43681 (FRR bgp_open.c): option and capability
 * lengths were trusted past the end of the message, and an RFC 9072
 * extended length was read from a buffer too short to hold it.
 */
START_TEST(open_cve_triggers)
{
	static const char *const bad[] = {
		OPEN_FIXED "0a 02 08 01 04",			  /* opt len beyond body */
		OPEN_FIXED "04 02 08 01 04 00 19 00 46",	  /* param len beyond opt len */
		OPEN_FIXED "06 02 04 41 08 00 00",		  /* capability len beyond param */
		OPEN_FIXED "01 ff",				  /* RFC 9072 marker, no ext len */
		OPEN_FIXED "ff ff 00",				  /* ext len cut */
		OPEN_FIXED "ff ff 01 00 02 00 06 01 04",	  /* ext len 256, body short */
		OPEN_FIXED "ff ff 00 05 02 00 08 01 04",	  /* ext param len beyond */
		OPEN_FIXED "02 02 00 00",			  /* bytes after params */
		"04 fde9 005a 0101",				  /* fixed part cut */
	};
	uint8_t d[128];
	struct bgp_open o;
	struct bgp_notify err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(open_body(bad[i], d, sizeof(d), &o, &err) == -1, "vector %zu", i);
		ck_assert_uint_eq(err.code, BGP_ERR_OPEN);
		ck_assert_uint_eq(err.subcode, BGP_EOPEN_UNSPEC);
	}
	/* a well-formed RFC 9072 OPEN with one capability */
	ck_assert_int_eq(open_body(OPEN_FIXED "ff ff 0009 02 0006 41 04 0000fde9", d, sizeof(d),
				   &o, &err), 0);
	ck_assert(o.ext_params && o.caps.as4);
	ck_assert_uint_eq(o.caps.as4_asn, 65001);
}
END_TEST

START_TEST(open_caps_tolerated)
{
	uint8_t d[128];
	struct bgp_open o;
	struct bgp_notify err;

	/* MP cap of length 3 and AS4 of length 2 are ignored, unknown 99 counted,
	 * the pre-standard route refresh 128 accepted */
	ck_assert_int_eq(open_body(OPEN_FIXED "10 02 0e 01 03 000100 41 02 fde9 63 01 00 80 00",
				   d, sizeof(d), &o, &err), 0);
	ck_assert_uint_eq(o.caps.n_bad, 2);
	ck_assert_uint_eq(o.caps.n_unknown, 1);
	ck_assert_uint_eq(o.caps.n_mp, 0);
	ck_assert(!o.caps.as4);
	ck_assert(o.caps.route_refresh);
	/* graceful restart with a ragged AFI list is ignored */
	ck_assert_int_eq(open_body(OPEN_FIXED "07 02 05 40 03 0078 00", d, sizeof(d), &o, &err), 0);
	ck_assert(!o.caps.gr);
	ck_assert_uint_eq(o.caps.n_bad, 1);
}
END_TEST

/* Decoding every prefix of a valid OPEN body fails cleanly. */
START_TEST(open_truncated_every_length)
{
	uint8_t d[256];
	size_t n = hex_decode(frr_open, d, sizeof(d));
	struct bgp_open o;
	struct bgp_notify err;
	struct buf b;

	for (size_t k = 0; k < n - BGP_HDR_LEN; k++) {
		buf_init(&b, d + BGP_HDR_LEN, k);
		ck_assert_int_eq(bgp_open_decode(&b, &o, &err), -1);
	}
	buf_init(&b, d + BGP_HDR_LEN, n - BGP_HDR_LEN);
	ck_assert_int_eq(bgp_open_decode(&b, &o, &err), 0);
}
END_TEST

START_TEST(open_validation)
{
	struct bgp_open o;
	struct bgp_notify err;
	struct bgp_open_policy pol = {.peer_as = 65001, .local_id = 0x01010101, .ibgp = false};

	bgp_open_init(&o, 65001, 90, 0x02020202);
	ck_assert_int_eq(bgp_open_validate(&o, &pol, &err), 0);
	o.version = 3;
	ck_assert_int_eq(bgp_open_validate(&o, &pol, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_EOPEN_VERSION);
	ck_assert_uint_eq(err.ilen, 2);
	ck_assert_uint_eq(err.idata[0], 0);
	ck_assert_uint_eq(err.idata[1], 4);
	o.version = 4;
	pol.peer_as = 65002;
	ck_assert_int_eq(bgp_open_validate(&o, &pol, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_EOPEN_PEER_AS);
	pol.peer_as = 65001;
	o.my_as = 65003; /* disagrees with the 4-octet capability */
	ck_assert_int_eq(bgp_open_validate(&o, &pol, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_EOPEN_PEER_AS);
	o.my_as = 65001;
	for (uint16_t h = 1; h <= 2; h++) {
		o.hold_time = h;
		ck_assert_int_eq(bgp_open_validate(&o, &pol, &err), -1);
		ck_assert_uint_eq(err.subcode, BGP_EOPEN_HOLDTIME);
	}
	o.hold_time = 0; /* no keepalives: acceptable */
	ck_assert_int_eq(bgp_open_validate(&o, &pol, &err), 0);
	o.bgp_id = 0;
	ck_assert_int_eq(bgp_open_validate(&o, &pol, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_EOPEN_BGPID);
	o.bgp_id = 0x01010101;
	pol.ibgp = true;
	pol.peer_as = 65001;
	ck_assert_int_eq(bgp_open_validate(&o, &pol, &err), -1); /* same id on iBGP */
	ck_assert_uint_eq(err.subcode, BGP_EOPEN_BGPID);
	o.bgp_id = 0x02020202;
	o.n_bad_params = 1;
	ck_assert_int_eq(bgp_open_validate(&o, &pol, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_EOPEN_OPTPARAM);
	o.n_bad_params = 0;
	pol.need_afi = true;
	pol.afi = (struct bgp_afisafi){25, 70};
	ck_assert_int_eq(bgp_open_validate(&o, &pol, &err), -1);
	ck_assert_uint_eq(err.subcode, BGP_EOPEN_CAPA);
	ck_assert_uint_eq(err.ilen, 6);
	ck_assert_mem_eq(err.idata, "\x01\x04\x00\x19\x00\x46", 6);
}
END_TEST

START_TEST(open_unsupported_param)
{
	uint8_t d[64];
	struct bgp_open o;
	struct bgp_notify err;
	struct bgp_open_policy pol = {.peer_as = 65001};

	/* deprecated authentication parameter (type 1) */
	ck_assert_int_eq(open_body(OPEN_FIXED "03 01 01 00", d, sizeof(d), &o, &err), 0);
	ck_assert_uint_eq(o.n_bad_params, 1);
	ck_assert_uint_eq(o.bad_param, 1);
	ck_assert_int_eq(bgp_open_validate(&o, &pol, &err), -1);
	ck_assert_uint_eq(err.code, BGP_ERR_OPEN);
	ck_assert_uint_eq(err.subcode, BGP_EOPEN_OPTPARAM);
}
END_TEST

START_TEST(notify_frr_hard_reset_capture)
{
	uint8_t d[128];
	size_t n = hex_decode(frr_notify, d, sizeof(d));
	struct bgp_msg m = frame(d, n, BGP_MAX_LEN);
	struct bgp_notify_in in;
	const char *msg = "\"maintenance window 42\"";

	ck_assert_uint_eq(m.type, BGP_NOTIFICATION);
	ck_assert_int_eq(bgp_notify_decode(&m.body, &in), 0);
	ck_assert_uint_eq(in.n.code, BGP_ERR_CEASE);
	ck_assert_uint_eq(in.n.subcode, BGP_ECEASE_HARD_RESET);
	ck_assert(in.hard_reset);
	ck_assert_uint_eq(in.inner_code, BGP_ERR_CEASE);
	ck_assert_uint_eq(in.inner_subcode, BGP_ECEASE_ADMIN_SHUTDOWN);
	ck_assert(!in.comm_bad);
	ck_assert_uint_eq(in.comm.len, strlen(msg));
	ck_assert_mem_eq(in.comm.data, msg, strlen(msg));
}
END_TEST

START_TEST(notify_round_trip)
{
	uint8_t out[BGP_MAX_LEN + 64];
	struct wbuf w;
	struct bgp_notify n;
	struct bgp_notify_in in;
	struct bgp_msg m;
	const char *txt = "planned maintenance \xc3\xa9t\xc3\xa9";

	/* RFC 9003 shutdown, plain and wrapped in an RFC 8538 Hard Reset */
	for (int hard = 0; hard <= 1; hard++) {
		bgp_notify_shutdown(&n, BGP_ECEASE_ADMIN_RESET, txt);
		if (hard)
			ck_assert_int_eq(bgp_notify_hard_reset(&n), 0);
		wbuf_init(&w, out, sizeof(out));
		ck_assert_int_eq(bgp_notify_encode(&w, &n), 0);
		m = frame(out, w.len, BGP_MAX_LEN);
		ck_assert_int_eq(bgp_notify_decode(&m.body, &in), 0);
		ck_assert_uint_eq(in.hard_reset, hard);
		ck_assert_uint_eq(hard ? in.inner_subcode : in.n.subcode, BGP_ECEASE_ADMIN_RESET);
		ck_assert(!in.comm_bad);
		ck_assert_uint_eq(in.comm.len, strlen(txt));
		ck_assert_mem_eq(in.comm.data, txt, strlen(txt));
	}
	/* plain code/subcode/data */
	bgp_notify_set(&n, BGP_ERR_OPEN, BGP_EOPEN_VERSION);
	n.idata[1] = 4;
	n.ilen = 2;
	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(bgp_notify_encode(&w, &n), 0);
	ck_assert_uint_eq(w.len, 23);
	m = frame(out, w.len, BGP_MAX_LEN);
	ck_assert_int_eq(bgp_notify_decode(&m.body, &in), 0);
	ck_assert_uint_eq(in.n.code, 2);
	ck_assert_uint_eq(in.n.subcode, 1);
	ck_assert_uint_eq(in.n.ref.len, 2);
	ck_assert(!in.hard_reset);
	ck_assert_uint_eq(in.comm.len, 0);
}
END_TEST

START_TEST(notify_shutdown_limits)
{
	char longmsg[400];
	uint8_t out[BGP_MAX_LEN], d[64];
	struct bgp_notify n;
	struct bgp_notify_in in;
	struct wbuf w;
	struct buf b;

	/* 254 'a' then a 2-octet character: cut before it, not through it */
	memset(longmsg, 'a', 254);
	strcpy(longmsg + 254, "\xc3\xa9tail");
	bgp_notify_shutdown(&n, BGP_ECEASE_ADMIN_SHUTDOWN, longmsg);
	ck_assert_uint_eq(n.idata[0], 254);
	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(bgp_notify_encode(&w, &n), 0);
	ck_assert_uint_eq(w.len, 21 + 1 + 254);
	/* a length beyond the data, and invalid UTF-8, are flagged, not printed */
	buf_init(&b, d, hex_decode("06 02 09 41 42", d, sizeof(d)));
	ck_assert_int_eq(bgp_notify_decode(&b, &in), 0);
	ck_assert(in.comm_bad);
	ck_assert_uint_eq(in.comm.len, 0);
	buf_init(&b, d, hex_decode("06 04 02 c0 80", d, sizeof(d)));
	ck_assert_int_eq(bgp_notify_decode(&b, &in), 0);
	ck_assert(in.comm_bad);
	buf_init(&b, d, hex_decode("06 04 03 ed a0 80", d, sizeof(d))); /* surrogate */
	ck_assert_int_eq(bgp_notify_decode(&b, &in), 0);
	ck_assert(in.comm_bad);
	buf_init(&b, d, hex_decode("06 02", d, sizeof(d))); /* no communication at all */
	ck_assert_int_eq(bgp_notify_decode(&b, &in), 0);
	ck_assert(!in.comm_bad);
	buf_init(&b, d, hex_decode("06 09 06", d, sizeof(d))); /* hard reset cut short */
	ck_assert_int_eq(bgp_notify_decode(&b, &in), 0);
	ck_assert(!in.hard_reset);
	buf_init(&b, d, hex_decode("06", d, sizeof(d)));
	ck_assert_int_eq(bgp_notify_decode(&b, &in), -1);
}
END_TEST

/* Data referenced from a huge UPDATE is cut so the NOTIFICATION stays <= 4096. */
START_TEST(notify_data_truncated)
{
	static uint8_t big[20000], out[BGP_EXT_MAX_LEN];
	struct bgp_notify n;
	struct wbuf w;

	bgp_notify_set(&n, BGP_ERR_UPDATE, BGP_EUPD_OPTATTR);
	buf_init(&n.ref, big, sizeof(big));
	wbuf_init(&w, out, sizeof(out));
	ck_assert_int_eq(bgp_notify_encode(&w, &n), 0);
	ck_assert_uint_eq(w.len, BGP_MAX_LEN);
	wbuf_init(&w, out, 100);
	ck_assert_int_eq(bgp_notify_encode(&w, &n), 0);
	ck_assert_uint_eq(w.len, 100);
}
END_TEST

START_TEST(rrefresh_frr_capture_and_round_trip)
{
	const char *vec[] = {frr_rr_normal, frr_rr_borr_evpn, frr_rr_eorr_ipv4};
	const struct bgp_rrefresh want[] = {{1, 0, 1}, {25, 1, 70}, {1, 2, 1}};
	uint8_t d[64], out[64];
	struct bgp_rrefresh r;
	struct bgp_notify err;
	struct bgp_msg m;
	struct wbuf w;

	for (size_t i = 0; i < 3; i++) {
		size_t n = hex_decode(vec[i], d, sizeof(d));

		m = frame(d, n, BGP_MAX_LEN);
		ck_assert_uint_eq(m.type, BGP_ROUTE_REFRESH);
		ck_assert_int_eq(bgp_rrefresh_decode(&m.body, &r, &err), 0);
		ck_assert_uint_eq(r.afi, want[i].afi);
		ck_assert_uint_eq(r.subtype, want[i].subtype);
		ck_assert_uint_eq(r.safi, want[i].safi);
		wbuf_init(&w, out, sizeof(out));
		ck_assert_int_eq(bgp_rrefresh_encode(&w, &r), 0);
		ck_assert_uint_eq(w.len, n);
		ck_assert_mem_eq(out, d, n);
	}
}
END_TEST

START_TEST(rrefresh_bad_length)
{
	uint8_t d[16];
	struct buf b;
	struct bgp_rrefresh r;
	struct bgp_notify err;

	/* RFC 7313 5: a BoRR longer than 4 octets is "Invalid Message Length" */
	buf_init(&b, d, hex_decode("0019 01 46 00", d, sizeof(d)));
	ck_assert_int_eq(bgp_rrefresh_decode(&b, &r, &err), -1);
	ck_assert_uint_eq(err.code, BGP_ERR_RREFRESH);
	ck_assert_uint_eq(err.subcode, 1);
	buf_init(&b, d, hex_decode("0019 00 46 01 02", d, sizeof(d))); /* ORF data: tolerated */
	ck_assert_int_eq(bgp_rrefresh_decode(&b, &r, &err), 0);
	buf_init(&b, d, hex_decode("0019 00", d, sizeof(d)));
	ck_assert_int_eq(bgp_rrefresh_decode(&b, &r, &err), -1);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(bgp_type_name(BGP_UPDATE), "UPDATE");
	ck_assert_str_eq(bgp_type_name(200), "unknown");
	ck_assert_str_eq(bgp_err_name(BGP_ERR_CEASE), "Cease");
	ck_assert_str_eq(bgp_suberr_name(BGP_ERR_UPDATE, BGP_EUPD_OPTATTR),
			 "Optional Attribute Error");
	ck_assert_str_eq(bgp_suberr_name(BGP_ERR_CEASE, BGP_ECEASE_HARD_RESET), "Hard Reset");
	ck_assert_str_eq(bgp_suberr_name(BGP_ERR_OPEN, 99), "unknown");
	ck_assert_str_eq(bgp_suberr_name(99, 1), "unknown");
}
END_TEST

static Suite *bgp_msg_suite(void)
{
	Suite *s = suite_create("bgp_msg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, keepalive_round_trip);
	tcase_add_test(tc, header_errors);
	tcase_add_test(tc, framing_truncated_every_length);
	tcase_add_test(tc, open_frr_capture);
	tcase_add_test(tc, open_round_trip);
	tcase_add_test(tc, open_cve_triggers);
	tcase_add_test(tc, open_caps_tolerated);
	tcase_add_test(tc, open_truncated_every_length);
	tcase_add_test(tc, open_validation);
	tcase_add_test(tc, open_unsupported_param);
	tcase_add_test(tc, notify_frr_hard_reset_capture);
	tcase_add_test(tc, notify_round_trip);
	tcase_add_test(tc, notify_shutdown_limits);
	tcase_add_test(tc, notify_data_truncated);
	tcase_add_test(tc, rrefresh_frr_capture_and_round_trip);
	tcase_add_test(tc, rrefresh_bad_length);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(bgp_msg_suite());
}
