/*
 * fuzz_evpn_nlri.c - libFuzzer harness for src/evpn_nlri.c (and the
 * extended community walk of src/evpn_ecomm.c over the same bytes).
 *
 * The input is an NLRI field.  The iterator runs until it reports the end or
 * a framing error; every route it decodes must encode back to exactly the
 * octets it came from, decode again to the same route, key and text form.
 * Any difference aborts.  Seeds: tests/fuzz/corpus/evpn_nlri/ (FRR 8.4
 * captures and hand-made routes of every type, see test_evpn_nlri.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evpn_ecomm.h"
#include "evpn_nlri.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same_route(const struct evpn_route *a, const struct evpn_route *b)
{
	return a->type == b->type && a->nlabels == b->nlabels && a->key_valid == b->key_valid &&
	       !rd_cmp(&a->rd, &b->rd) && !memcmp(&a->esi, &b->esi, sizeof(a->esi)) &&
	       a->etag == b->etag && !mac_cmp(&a->mac, &b->mac) && !ipaddr_cmp(&a->ip, &b->ip) &&
	       !ipaddr_cmp(&a->prefix.addr, &b->prefix.addr) && a->prefix.len == b->prefix.len &&
	       !ipaddr_cmp(&a->gw, &b->gw) && a->label[0] == b->label[0] &&
	       a->label[1] == b->label[1];
}

/* r was decoded from the len octets at wire: check the round trip. */
static void round_trip(const struct evpn_route *r, const uint8_t *wire, size_t len)
{
	uint8_t d[EVPN_NLRI_MAXLEN];
	char t1[EVPN_ROUTE_STRLEN], t2[EVPN_ROUTE_STRLEN];
	struct evpn_key k1, k2;
	struct evpn_route r2;
	enum evpn_nlri_err err;
	struct wbuf w;
	struct buf b;

	wbuf_init(&w, d, sizeof(d));
	if (evpn_nlri_encode(&w, r) != 0 || w.len != len || memcmp(d, wire, len) != 0)
		abort();
	buf_init(&b, d, w.len);
	if (evpn_nlri_next(&b, &r2, &err) != 1 || err != EVPN_NLRI_OK || buf_left(&b) != 0)
		abort();
	if (!same_route(r, &r2))
		abort();
	evpn_key_from_route(r, &k1);
	evpn_key_from_route(&r2, &k2);
	if (evpn_key_cmp(&k1, &k2) != 0 || evpn_key_hash(&k1) != evpn_key_hash(&k2))
		abort();
	if (strcmp(evpn_route_fmt(r, t1), evpn_route_fmt(&r2, t2)) != 0)
		abort();
}

static void walk_ecomms(const uint8_t *data, size_t size)
{
	struct evpn_ecomm_summary s;
	char text[256];
	struct buf b;

	buf_init(&b, data, size);
	if (evpn_ecomm_summarise(&b, &s) == 0 && s.rt_count + s.rt_dropped > size / 8)
		abort();
	buf_init(&b, data, size - size % 8);
	evpn_ecomm_list_fmt(&b, text, sizeof(text));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evpn_route r;
	struct evpn_key k;
	enum evpn_nlri_err err;
	struct buf b;
	size_t start;
	int rc;

	buf_init(&b, data, size);
	for (;;) {
		start = b.off;
		rc = evpn_nlri_next(&b, &r, &err);
		if (rc != 1)
			break;
		if (b.off <= start || b.off > size)
			abort();
		if (err == EVPN_NLRI_OK)
			round_trip(&r, data + start, b.off - start);
		else if (r.key_valid)
			evpn_key_from_route(&r, &k);
	}
	if ((rc == 0 && (err != EVPN_NLRI_OK || b.off != size)) ||
	    (rc == -1 && (err != EVPN_NLRI_FRAMING || b.off != start)))
		abort();
	walk_ecomms(data, size);
	return 0;
}
