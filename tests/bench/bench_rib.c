/*
 * bench_rib - RIB insert and best-path rate, and memory per route, on one
 * core: N EVPN Type-2 routes (MAC, or MAC+IP with -i) as a leaf receives
 * them from a route reflector, through include/rib.h alone (no sockets, no
 * kernel): attributes interned once per UPDATE-sized group of routes (-g,
 * as the BGP layer interns once per UPDATE), then
 *
 *   insert   rib_update from peer 1 for every route (new route, new best)
 *   second   the same routes from peer 2 (a second reflector): a path
 *            compare per route, best unchanged
 *   flush    rib_peer_flush of peer 1: every best path moves to peer 2
 *
 * An observer counts best-path changes (evpnd's EVPN layer sits there).
 * Memory: malloc'd bytes (mallinfo2) plus the RIB's mmap()ed pools
 * (rib_stats.mapped_bytes) grown by the insert phase, divided by N.
 *
 *   bench_rib [-n ROUTES] [-r REPEAT] [-g ROUTES_PER_UPDATE] [-i] [-j]
 */
#include <getopt.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

#include "evpn_ecomm.h"
#include "evpn_nlri.h"
#include "rib.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static size_t rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	size_t kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %zu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void route_n(struct evpn_route *r, uint32_t i, bool with_ip)
{
	memset(r, 0, sizeof(*r));
	r->type = EVPN_RT_MACIP;
	rd_parse("10.255.0.100:1", &r->rd);
	r->mac.octet[0] = 0x02;
	r->mac.octet[1] = 0xbb;
	r->mac.octet[2] = (uint8_t)(i >> 24);
	r->mac.octet[3] = (uint8_t)(i >> 16);
	r->mac.octet[4] = (uint8_t)(i >> 8);
	r->mac.octet[5] = (uint8_t)i;
	r->nlabels = 1;
	r->label[0] = 100;
	if (with_ip) {
		r->ip.family = AF_INET;
		r->ip.v4.s_addr = htonl(0xac110000u + i);
	}
}

static uint64_t changes;

static void observer(void *arg, const struct rib_route *rt, const struct rib_path *o,
		     const struct rib_path *n)
{
	(void)arg;
	(void)rt;
	(void)o;
	(void)n;
	changes++;
}

struct result {
	double insert, second, flush;
	size_t bytes, rss_kb;
	struct rib_stats st;
};

static void feed(struct rib *rib, struct rib_peer *peer, const struct evpn_route *routes,
		 uint32_t n, uint32_t group, const struct rib_attrs *tmpl)
{
	struct rib_attrs t = *tmpl;

	t.from = peer;
	for (uint32_t i = 0; i < n; i += group) {
		const struct rib_attrs *a = rib_attrs_intern(rib, &t);

		if (!a)
			abort();
		for (uint32_t k = i; k < n && k < i + group; k++)
			if (rib_update(rib, peer, &routes[k], a) == -1)
				abort();
		rib_attrs_unref(rib, a);
	}
}

static void run(const struct evpn_route *routes, uint32_t n, uint32_t group, struct result *res)
{
	struct rib_config cfg = {.local_as = 65000, .router_id = 0x0aff000b, .cluster_id = 0};
	struct rib_peer_info p1 = {.id = 1, .bgp_id = 0x0aff0001, .ibgp = true};
	struct rib_peer_info p2 = {.id = 2, .bgp_id = 0x0aff0002, .ibgp = true};
	struct ecomm ec[2];
	struct rib_attrs t;
	struct rib *rib;
	struct rib_peer *a, *b;
	size_t h0, m0, r0;
	double t0;

	memset(&t, 0, sizeof(t));
	ipaddr_parse("10.255.0.100", &t.next_hop);
	rt_auto(&ec[0], 65000, 100);
	evpn_ecomm_encap(&ec[1], EVPN_TUNNEL_VXLAN);
	t.ecomm = ec;
	t.n_ecomm = 2;
	t.has_local_pref = true;
	t.local_pref = 100;
	ipaddr_parse("10.1.1.0", &p1.addr);
	ipaddr_parse("10.1.2.0", &p2.addr);

	rib = rib_new(&cfg);
	rib_set_observer(rib, observer, NULL);
	a = rib_peer_add(rib, &p1);
	b = rib_peer_add(rib, &p2);
	h0 = heap_bytes();
	rib_stats_get(rib, &res->st);
	m0 = res->st.mapped_bytes;
	r0 = rss_kb();

	t0 = now_s();
	feed(rib, a, routes, n, group, &t);
	res->insert = now_s() - t0;
	rib_stats_get(rib, &res->st);
	res->bytes = heap_bytes() - h0 + res->st.mapped_bytes - m0;
	res->rss_kb = rss_kb() - r0;

	t0 = now_s();
	feed(rib, b, routes, n, group, &t);
	res->second = now_s() - t0;

	t0 = now_s();
	rib_peer_flush(rib, a);
	res->flush = now_s() - t0;
	rib_free(rib);
}

int main(int argc, char **argv)
{
	uint32_t n = 100000, group = 100;
	int repeat = 3, ch;
	bool with_ip = false, json = false;
	struct result best = {.insert = 1e9, .second = 1e9, .flush = 1e9}, r;
	struct evpn_route *routes;

	while ((ch = getopt(argc, argv, "n:r:g:ij")) != -1) {
		switch (ch) {
		case 'n': n = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'r': repeat = atoi(optarg); break;
		case 'g': group = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'i': with_ip = true; break;
		case 'j': json = true; break;
		default:
			fprintf(stderr, "usage: bench_rib [-n ROUTES] [-r REPEAT] [-g PER_UPDATE] "
					"[-i] [-j]\n");
			return 2;
		}
	}
	if (!n || !group)
		return 2;
	routes = calloc(n, sizeof(*routes));
	if (!routes)
		return 1;
	for (uint32_t i = 0; i < n; i++)
		route_n(&routes[i], i, with_ip);
	for (int k = 0; k < repeat; k++) {
		changes = 0;
		run(routes, n, group, &r);
		if (r.insert < best.insert)
			best.insert = r.insert;
		if (r.second < best.second)
			best.second = r.second;
		if (r.flush < best.flush)
			best.flush = r.flush;
		best.bytes = r.bytes;
		best.rss_kb = r.rss_kb;
		best.st = r.st;
	}
	if (best.st.routes != n || changes != 2ull * n) {
		fprintf(stderr, "bench_rib: %zu routes, %llu best-path changes (want %u, %u)\n",
			best.st.routes, (unsigned long long)changes, n, 2 * n);
		return 1;
	}
	if (json)
		printf("{\"benchmark\": \"rib\", \"routes\": %u, \"ip\": %s, \"per_update\": %u, "
		       "\"insert_seconds\": %.6f, \"insert_per_second\": %.0f, "
		       "\"second_path_per_second\": %.0f, \"flush_per_second\": %.0f, "
		       "\"bytes_per_route\": %.1f, \"rss_bytes_per_route\": %.1f, "
		       "\"attrs\": %zu}\n",
		       n, with_ip ? "true" : "false", group, best.insert, n / best.insert,
		       n / best.second, n / best.flush, (double)best.bytes / n,
		       best.rss_kb * 1024.0 / n, best.st.attrs);
	else
		printf("RIB: %u %s routes (%u per UPDATE): insert %.2f M/s (%.1f ms), second path "
		       "%.2f M/s, best-path move (peer flush) %.2f M/s; %.0f bytes/route "
		       "(RSS %.0f), best of %d\n",
		       n, with_ip ? "MAC+IP" : "MAC", group, n / best.insert / 1e6,
		       best.insert * 1e3, n / best.second / 1e6, n / best.flush / 1e6,
		       (double)best.bytes / n, best.rss_kb * 1024.0 / n, repeat);
	free(routes);
	return 0;
}
