/*
 * fuzz_bgp_open.c - libFuzzer harness for bgp_msg.c.  The first octet
 * picks the maximum message length (RFC 8654 or not); the rest is a TCP
 * byte stream framed by bgp_msg_next().  Each OPEN is decoded, validated,
 * and re-encoded: decoding the encoding must give back the same
 * capabilities.  NOTIFICATION and ROUTE-REFRESH bodies are decoded too.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bgp_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void caps_same(const struct bgp_caps *a, const struct bgp_caps *b)
{
	if (a->as4 != b->as4 || (a->as4 && a->as4_asn != b->as4_asn) ||
	    a->route_refresh != b->route_refresh || a->enhanced_rr != b->enhanced_rr ||
	    a->ext_msg != b->ext_msg || a->n_mp != b->n_mp || a->gr != b->gr)
		__builtin_trap();
	for (uint8_t i = 0; i < a->n_mp; i++)
		if (a->mp[i].afi != b->mp[i].afi || a->mp[i].safi != b->mp[i].safi)
			__builtin_trap();
	if (a->gr && (a->gr_flags != b->gr_flags || a->gr_time != b->gr_time || a->n_gr != b->n_gr))
		__builtin_trap();
	for (uint8_t i = 0; a->gr && i < a->n_gr; i++)
		if (a->gr_af[i].afi != b->gr_af[i].afi || a->gr_af[i].flags != b->gr_af[i].flags)
			__builtin_trap();
}

static void open_one(struct buf *body)
{
	static uint8_t out[BGP_MAX_LEN];
	struct bgp_open o, again;
	struct bgp_notify err;
	struct bgp_open_policy pol = {.peer_as = 65000, .local_id = 1, .ibgp = true,
				      .need_afi = true, .afi = {25, 70}};
	struct wbuf w;
	struct buf in;
	struct bgp_msg m;

	if (bgp_open_decode(body, &o, &err) == -1)
		return;
	bgp_open_validate(&o, &pol, &err);
	wbuf_init(&w, out, sizeof(out));
	if (bgp_open_encode(&w, &o) == -1)
		__builtin_trap(); /* what we decoded always fits one OPEN */
	buf_init(&in, out, w.len);
	if (bgp_msg_next(&in, BGP_MAX_LEN, &m, &err) != 0 || m.type != BGP_OPEN ||
	    bgp_open_decode(&m.body, &again, &err) == -1)
		__builtin_trap();
	caps_same(&o.caps, &again.caps);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf in;
	struct bgp_msg m;
	struct bgp_notify err;
	struct bgp_notify_in notif;
	struct bgp_rrefresh rr;
	size_t max;

	if (size < 1)
		return 0;
	max = data[0] & 1 ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	buf_init(&in, data + 1, size - 1);
	while (bgp_msg_next(&in, max, &m, &err) == 0) {
		switch (m.type) {
		case BGP_OPEN:
			open_one(&m.body);
			break;
		case BGP_NOTIFICATION:
			if (bgp_notify_decode(&m.body, &notif) == 0 && notif.comm.len > 255)
				__builtin_trap();
			break;
		case BGP_ROUTE_REFRESH:
			bgp_rrefresh_decode(&m.body, &rr, &err);
			break;
		}
	}
	return 0;
}
