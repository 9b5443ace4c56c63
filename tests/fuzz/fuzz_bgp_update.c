/*
 * fuzz_bgp_update.c - libFuzzer harness for bgp_attr.c.  The first octet
 * sets the session context (bit 0 iBGP, bit 1 4-octet AS, bit 2 extended
 * messages); the rest is a TCP byte stream framed by bgp_msg_next().  Each
 * UPDATE is decoded; when the session survives, the decoded attributes and
 * the MP_REACH NLRI are encoded again and the result must decode with the
 * same values (the encoders' round trip on arbitrary input).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bgp_attr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_EC 64
#define MAX_CL 64

static void attrs_from(const struct bgp_update *u, struct bgp_attr_out *a, struct ecomm *ec,
		       uint32_t *cl)
{
	struct buf b = u->cluster_list;

	memset(a, 0, sizeof(*a));
	a->origin = u->origin;
	a->has_med = u->present & BGP_ATTR_BIT(BGP_ATTR_MED);
	a->med = u->med;
	a->has_local_pref = u->present & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
	a->local_pref = u->local_pref;
	a->has_originator = u->present & BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID);
	a->originator_id = u->originator_id;
	while (a->n_cluster < MAX_CL && buf_get_u32(&b, &cl[a->n_cluster]) == 0)
		a->n_cluster++;
	a->cluster_list = cl;
	for (; a->n_ecomm < MAX_EC && a->n_ecomm < bgp_ext_comm_count(u); a->n_ecomm++)
		bgp_ext_comm_get(u, a->n_ecomm, &ec[a->n_ecomm]);
	a->ecomm = ec;
	if (u->present & BGP_ATTR_BIT(BGP_ATTR_PMSI))
		a->pmsi = &u->pmsi;
	a->unknown = u->unknown;
	a->n_unknown = u->n_unknown;
}

static void check_same(const struct bgp_update *u, const struct bgp_update *r,
		       const struct bgp_attr_out *a)
{
	uint32_t keep = BGP_ATTR_BIT(BGP_ATTR_MED) | BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF) |
			BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID) | BGP_ATTR_BIT(BGP_ATTR_PMSI);

	if (r->v.action >= BGP_ACT_RESET || r->origin != u->origin ||
	    (r->present & keep) != (u->present & keep) || r->n_unknown != u->n_unknown ||
	    bgp_ext_comm_count(r) != a->n_ecomm || r->cluster_list.len != a->n_cluster * 4)
		__builtin_trap();
	if ((u->present & BGP_ATTR_BIT(BGP_ATTR_PMSI)) &&
	    (r->pmsi.label != u->pmsi.label || r->pmsi.type != u->pmsi.type ||
	     r->pmsi.id.len != u->pmsi.id.len))
		__builtin_trap();
}

/* Re-encode a surviving UPDATE: MP_REACH (if any) first, attributes after. */
static void reencode(const struct bgp_update *u, const struct bgp_upd_ctx *ctx)
{
	static uint8_t abuf[BGP_EXT_MAX_LEN], out[2 * BGP_EXT_MAX_LEN];
	struct ecomm ec[MAX_EC];
	uint32_t cl[MAX_CL];
	struct bgp_attr_out a;
	struct bgp_mp_out mp = {0};
	struct bgp_upd_writer uw;
	struct bgp_update r;
	struct bgp_msg m;
	struct bgp_notify err;
	struct wbuf w;
	struct buf in;
	long len;

	attrs_from(u, &a, ec, cl);
	wbuf_init(&w, abuf, sizeof(abuf));
	if (bgp_attrs_encode(&w, &a, ctx) == -1)
		return;
	if (!u->mp_reach_ok || !ipaddr_is_set(&u->mp_reach.nh))
		return;
	mp.afi = u->mp_reach.afi;
	mp.safi = u->mp_reach.safi;
	mp.nh = u->mp_reach.nh;
	mp.nh_ll = u->mp_reach.nh_ll;
	mp.max_len = ctx->ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	buf_init(&mp.attrs, abuf, w.len);
	wbuf_init(&w, out, sizeof(out));
	if (bgp_mp_reach_begin(&uw, &w, &mp) == -1 ||
	    bgp_upd_add_nlri(&uw, u->mp_reach.nlri.data, u->mp_reach.nlri.len) == -1)
		return;
	len = bgp_upd_finish(&uw);
	if (len < 0)
		__builtin_trap();
	buf_init(&in, out, (size_t)len);
	if (bgp_msg_next(&in, mp.max_len, &m, &err) != 0 ||
	    bgp_update_decode(&m.body, ctx, &r) == -1)
		__builtin_trap();
	if (r.mp_reach.nlri.len != u->mp_reach.nlri.len ||
	    memcmp(r.mp_reach.nlri.data, u->mp_reach.nlri.data, r.mp_reach.nlri.len) != 0)
		__builtin_trap();
	check_same(u, &r, &a);
}

static void walk(const struct bgp_update *u)
{
	struct bgp_aspath_iter it;
	struct ecomm c;
	uint8_t st;
	uint32_t asn;

	bgp_aspath_iter_init(&it, &u->as_path, u->as_path_as4);
	while (bgp_aspath_next(&it, &st, &asn) == 0)
		if (st < BGP_AS_SET || st > BGP_AS_CONFED_SET)
			__builtin_trap();
	bgp_aspath_iter_init(&it, &u->as4_path, true);
	while (bgp_aspath_next(&it, &st, &asn) == 0)
		;
	for (size_t i = 0; i < bgp_ext_comm_count(u); i++)
		bgp_ext_comm_get(u, i, &c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_upd_ctx ctx;
	struct bgp_update u;
	struct bgp_msg m;
	struct bgp_notify err;
	struct buf in;

	if (size < 1)
		return 0;
	ctx.ibgp = data[0] & 1;
	ctx.as4 = data[0] & 2;
	ctx.ext_msg = data[0] & 4;
	buf_init(&in, data + 1, size - 1);
	while (bgp_msg_next(&in, ctx.ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN, &m, &err) == 0) {
		if (m.type != BGP_UPDATE)
			continue;
		if (bgp_update_decode(&m.body, &ctx, &u) == -1) {
			if (u.v.action != BGP_ACT_RESET || u.v.notify.code != BGP_ERR_UPDATE)
				__builtin_trap();
			continue;
		}
		if (u.v.action == BGP_ACT_RESET)
			__builtin_trap();
		walk(&u);
		reencode(&u, &ctx);
	}
	return 0;
}
