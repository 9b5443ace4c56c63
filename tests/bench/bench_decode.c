/*
 * bench_decode - UPDATE decode rate of the parser alone, on one core: EVPN
 * Type-2 routes (MAC, or MAC+IP with -i) packed into full 4096-byte UPDATEs
 * the way a route reflector sends them, then framed (bgp_msg_next), decoded
 * (bgp_update_decode, RFC 7606 checks included) and walked NLRI by NLRI
 * (evpn_nlri_next + route key + hash), as evpnd does before touching its RIB.
 *
 *   bench_decode [-n ROUTES] [-r REPEAT] [-i] [-j]
 *
 * Prints NLRI per second (best of REPEAT runs); -j prints one JSON object.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgp_attr.h"
#include "bgp_msg.h"
#include "evpn_ecomm.h"
#include "evpn_nlri.h"

struct stream {
	uint8_t *data;
	size_t len, cap;
	size_t n_msgs;
};

static void stream_room(struct stream *s, size_t n)
{
	if (s->len + n <= s->cap)
		return;
	s->cap = (s->cap + n) * 2;
	s->data = realloc(s->data, s->cap);
	if (!s->data)
		abort();
}

static void route_n(struct evpn_route *r, uint32_t i, bool with_ip)
{
	memset(r, 0, sizeof(*r));
	r->type = EVPN_RT_MACIP;
	rd_parse("10.255.0.13:2", &r->rd);
	r->mac.octet[0] = 0x02;
	r->mac.octet[2] = (uint8_t)(i >> 24);
	r->mac.octet[3] = (uint8_t)(i >> 16);
	r->mac.octet[4] = (uint8_t)(i >> 8);
	r->mac.octet[5] = (uint8_t)i;
	r->nlabels = 1;
	r->label[0] = 100;
	if (with_ip) {
		r->ip.family = AF_INET;
		r->ip.v4.s_addr = htonl(0x0a000000u | (i & 0xffffff));
	}
}

/* n routes in UPDATEs of at most 4096 bytes, attributes as FRR sends them. */
static void build(struct stream *s, uint32_t n, bool with_ip)
{
	uint8_t attrs_buf[256], nlri[EVPN_NLRI_MAXLEN];
	struct wbuf aw, nw, w;
	struct ecomm ec[2];
	struct bgp_upd_ctx ctx = {true, true, false};
	struct bgp_attr_out a = {.origin = BGP_ORIGIN_IGP, .has_local_pref = true,
				 .local_pref = 100, .ecomm = ec, .n_ecomm = 2};
	struct bgp_mp_out mp = {.afi = BGP_AFI_L2VPN, .safi = BGP_SAFI_EVPN, .max_len = BGP_MAX_LEN};
	struct bgp_upd_writer u;
	struct evpn_route r;
	uint32_t i = 0;

	rt_parse("65000:100", &ec[0]);
	evpn_ecomm_encap(&ec[1], EVPN_TUNNEL_VXLAN);
	wbuf_init(&aw, attrs_buf, sizeof(attrs_buf));
	bgp_attrs_encode(&aw, &a, &ctx);
	buf_init(&mp.attrs, attrs_buf, aw.len);
	ipaddr_parse("10.255.0.13", &mp.nh);
	while (i < n) {
		stream_room(s, BGP_MAX_LEN);
		wbuf_init(&w, s->data + s->len, BGP_MAX_LEN);
		bgp_mp_reach_begin(&u, &w, &mp);
		for (; i < n; i++) {
			route_n(&r, i, with_ip);
			wbuf_init(&nw, nlri, sizeof(nlri));
			evpn_nlri_encode(&nw, &r);
			if (bgp_upd_add_nlri(&u, nlri, nw.len) == -1)
				break;
		}
		s->len += (size_t)bgp_upd_finish(&u);
		s->n_msgs++;
	}
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Decode the whole stream; returns the number of NLRI seen. */
static uint64_t decode_all(const struct stream *s, uint64_t *hash_sink)
{
	struct bgp_upd_ctx ctx = {true, true, false};
	struct buf in;
	struct bgp_msg m;
	struct bgp_notify err;
	struct bgp_update u;
	uint64_t n = 0;

	buf_init(&in, s->data, s->len);
	while (bgp_msg_next(&in, BGP_MAX_LEN, &m, &err) == 0) {
		struct evpn_route r;
		struct evpn_key k;
		enum evpn_nlri_err e;
		struct buf nl;

		if (bgp_update_decode(&m.body, &ctx, &u) == -1)
			abort();
		nl = u.mp_reach.nlri;
		while (evpn_nlri_next(&nl, &r, &e) == 1) {
			evpn_key_from_route(&r, &k);
			*hash_sink ^= evpn_key_hash(&k);
			n++;
		}
	}
	return n;
}

int main(int argc, char **argv)
{
	uint32_t n = 100000;
	int repeat = 5, ch;
	bool with_ip = false, json = false;
	struct stream s = {0};
	double best = 1e9;
	uint64_t sink = 0, seen = 0;

	while ((ch = getopt(argc, argv, "n:r:ij")) != -1) {
		switch (ch) {
		case 'n':
			n = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			repeat = atoi(optarg);
			break;
		case 'i':
			with_ip = true;
			break;
		case 'j':
			json = true;
			break;
		default:
			fprintf(stderr, "usage: bench_decode [-n ROUTES] [-r REPEAT] [-i] [-j]\n");
			return 2;
		}
	}
	build(&s, n, with_ip);
	for (int k = 0; k < repeat; k++) {
		double t0 = now_s();

		seen = decode_all(&s, &sink);
		if (now_s() - t0 < best)
			best = now_s() - t0;
	}
	if (seen != n) {
		fprintf(stderr, "decoded %llu of %u routes\n", (unsigned long long)seen, n);
		return 1;
	}
	if (json)
		printf("{\"benchmark\": \"update-decode\", \"routes\": %u, \"ip\": %s, "
		       "\"messages\": %zu, \"bytes\": %zu, \"seconds\": %.6f, "
		       "\"nlri_per_second\": %.0f}\n",
		       n, with_ip ? "true" : "false", s.n_msgs, s.len, best, (double)n / best);
	else
		printf("UPDATE decode: %u %s routes in %zu UPDATEs (%zu bytes): %.2f ms, "
		       "%.2f M NLRI/s (best of %d, hash %llx)\n",
		       n, with_ip ? "MAC+IP" : "MAC", s.n_msgs, s.len, best * 1e3,
		       (double)n / best / 1e6, repeat, (unsigned long long)(sink & 0xff));
	free(s.data);
	return 0;
}
