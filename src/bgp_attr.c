/*
 * bgp_attr.c - UPDATE decode with RFC 7606 error handling, and the UPDATE
 * encoders (see bgp_attr.h).
 *
 * Invariants: decoding reads only through struct buf cursors and stores
 * slices of the message, never copies or allocates.  Each attribute is
 * parsed inside a sub-buffer of exactly its declared length, so a wrong
 * length inside an attribute can at worst make that attribute malformed.
 * The action chosen for each error is the one RFC 7606 gives:
 *
 *   framing (withdrawn/total attribute length, 7606 4 first half)  reset 3/1
 *   attribute overrunning the attribute area (7606 4)      treat-as-withdraw,
 *           reset 3/1 when neither NLRI nor an MP attribute was located
 *   classic NLRI / withdrawn prefix syntax (7606 5.3)              reset 3/10
 *   repeated MP_REACH/MP_UNREACH (7606 3 g)                         reset 3/1
 *   other repeated attribute (7606 3 g)                attribute discard
 *   unknown well-known attribute (RFC 4271 6.3)                     reset 3/2
 *   ORIGIN, AS_PATH, NEXT_HOP, MED, LOCAL_PREF, COMMUNITIES,
 *   ORIGINATOR_ID, CLUSTER_LIST, EXT_COMM, PMSI_TUNNEL     treat-as-withdraw
 *   ATOMIC_AGGREGATE, AGGREGATOR, AS4_PATH (RFC 6793 6)    attribute discard
 *   LOCAL_PREF/ORIGINATOR_ID/CLUSTER_LIST from eBGP (7.5, 7.9, 7.10) discard
 *   MP_REACH/MP_UNREACH malformed (7606 7.11, RFC 4760 7)           reset 3/9
 *   missing ORIGIN/AS_PATH/NEXT_HOP/LOCAL_PREF with reachability (3 d) t-a-w
 *
 * For a malformed MP attribute RFC 7606 7.11 allows "AFI/SAFI disable" or
 * "session reset".  evpnd speaks one AFI/SAFI, where disabling it would
 * leave an Established session that silently carries nothing; a reset with
 * Optional Attribute Error (RFC 4760 7) makes the fault visible and lets
 * graceful restart keep forwarding.  Wrong Optional/Transitive flags on
 * them give Attribute Flags Error (3/4).  Errors of other attributes'
 * flags take the attribute's own malformed action (7606 3 c).
 */
#include <string.h>

#include "bgp_attr.h"

/* Optional and Transitive bits of each known attribute; 0 = unknown. */
static const uint8_t attr_want[] = {
	[BGP_ATTR_ORIGIN] = BGP_AF_TRANSITIVE,
	[BGP_ATTR_AS_PATH] = BGP_AF_TRANSITIVE,
	[BGP_ATTR_NEXT_HOP] = BGP_AF_TRANSITIVE,
	[BGP_ATTR_MED] = BGP_AF_OPTIONAL,
	[BGP_ATTR_LOCAL_PREF] = BGP_AF_TRANSITIVE,
	[BGP_ATTR_ATOMIC_AGGR] = BGP_AF_TRANSITIVE,
	[BGP_ATTR_AGGREGATOR] = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE,
	[BGP_ATTR_COMMUNITIES] = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE,
	[BGP_ATTR_ORIGINATOR_ID] = BGP_AF_OPTIONAL,
	[BGP_ATTR_CLUSTER_LIST] = BGP_AF_OPTIONAL,
	[BGP_ATTR_MP_REACH] = BGP_AF_OPTIONAL,
	[BGP_ATTR_MP_UNREACH] = BGP_AF_OPTIONAL,
	[BGP_ATTR_EXT_COMM] = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE,
	[BGP_ATTR_AS4_PATH] = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE,
	[BGP_ATTR_PMSI] = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE,
};

#define N_KNOWN (sizeof(attr_want) / sizeof(attr_want[0]))

/* One attribute as framed: flags, type, its value and the whole TLV. */
struct attr {
	uint8_t flags;
	uint8_t type;
	struct buf val;
	struct buf whole;
};

/* Per-UPDATE parse bookkeeping that callers need not see. */
struct pstate {
	uint64_t seen[4];	/* attribute types met, valid or not */
	unsigned n_attrs;
};

static void upd_error(struct bgp_update *u, enum bgp_action act, enum bgp_upd_reason r,
		      uint8_t type)
{
	u->v.n_errors++;
	if (act > u->v.action) {
		u->v.action = act;
		u->v.reason = r;
		u->v.attr_type = type;
	}
}

/* Session reset: the strongest action, parsing stops. data may be NULL. */
static int upd_reset(struct bgp_update *u, enum bgp_upd_reason r, uint8_t type, uint8_t subcode,
		     const struct buf *data)
{
	upd_error(u, BGP_ACT_RESET, r, type);
	u->v.action = BGP_ACT_RESET;
	u->v.reason = r;
	u->v.attr_type = type;
	bgp_notify_set(&u->v.notify, BGP_ERR_UPDATE, subcode);
	if (data)
		u->v.notify.ref = *data;
	u->withdrawn_ok = u->nlri_ok = u->mp_reach_ok = u->mp_unreach_ok = false;
	return -1;
}

/* Syntax of a run of <length, prefix> (RFC 4271 4.3), no ADD-PATH. */
static bool prefixes_ok(struct buf b, uint8_t maxbits)
{
	uint8_t plen;

	while (buf_get_u8(&b, &plen) == 0)
		if (plen > maxbits || buf_skip(&b, (plen + 7u) / 8) == -1)
			return false;
	return true;
}

static bool mp_nlri_ok(uint16_t afi, uint8_t safi, const struct buf *nlri)
{
	if (safi != BGP_SAFI_UNICAST)
		return true;
	if (afi == BGP_AFI_IPV4)
		return prefixes_ok(*nlri, 32);
	if (afi == BGP_AFI_IPV6)
		return prefixes_ok(*nlri, 128);
	return true;
}

/* RFC 4271 4.3 / 5065 3: segments of 1..255 ASNs of the given width. */
static bool aspath_ok(struct buf p, unsigned width, bool allow_confed)
{
	uint8_t type, n;

	while (buf_left(&p) > 0) {
		if (buf_get_u8(&p, &type) == -1 || buf_get_u8(&p, &n) == -1 || n == 0 ||
		    buf_skip(&p, (size_t)n * width) == -1)
			return false;
		if (type < BGP_AS_SET || type > BGP_AS_CONFED_SET)
			return false;
		if (!allow_confed && type >= BGP_AS_CONFED_SEQUENCE)
			return false;
	}
	return true;
}

static enum bgp_upd_reason attr_u32(struct buf *v, uint32_t *out, enum bgp_upd_reason r)
{
	if (v->len != 4 || buf_get_u32(v, out) == -1)
		return r;
	return BGP_R_NONE;
}

/* A non-zero multiple of unit octets (7606 7.8, 7.10, 7.14). */
static enum bgp_upd_reason attr_list(struct buf *v, size_t unit, struct buf *out,
				     enum bgp_upd_reason r)
{
	if (v->len == 0 || v->len % unit != 0)
		return r;
	*out = *v;
	return BGP_R_NONE;
}

/* Next hop of MP_REACH (RFC 4760 3, 8950 3, 7432 / 8365): length by AFI/SAFI. */
static enum bgp_upd_reason mp_nexthop(struct bgp_mp_reach *r)
{
	struct buf nh = r->nh_raw;
	uint8_t a[16];
	size_t len = nh.len;
	bool evpn = r->afi == BGP_AFI_L2VPN && r->safi == BGP_SAFI_EVPN;
	bool ip = (r->afi == BGP_AFI_IPV4 || r->afi == BGP_AFI_IPV6) && r->safi <= 2;

	if (evpn && len != 4 && len != 16)
		return BGP_R_MP_REACH_NH;
	if (ip && len != 16 && len != 32 && !(len == 4 && r->afi == BGP_AFI_IPV4))
		return BGP_R_MP_REACH_NH;
	if (len != 4 && len != 16 && len != 32)
		return BGP_R_NONE; /* other AFI/SAFI: nh_raw only */
	if (buf_get_bytes(&nh, a, len == 4 ? 4 : 16) == -1)
		return BGP_R_MP_REACH_NH;
	ipaddr_from_bytes(&r->nh, a, len == 4 ? 4 : 16);
	if (len == 32) {
		if (buf_get_bytes(&nh, a, 16) == -1)
			return BGP_R_MP_REACH_NH;
		ipaddr_from_bytes(&r->nh_ll, a, 16);
	}
	return BGP_R_NONE;
}

/* RFC 4760 3: AFI, SAFI, next-hop length and value, reserved, NLRI. */
static enum bgp_upd_reason attr_mp_reach(struct bgp_update *u, struct buf *v)
{
	struct bgp_mp_reach *r = &u->mp_reach;
	enum bgp_upd_reason nr;
	uint8_t nhlen, reserved;

	if (buf_get_u16(v, &r->afi) == -1 || buf_get_u8(v, &r->safi) == -1 ||
	    buf_get_u8(v, &nhlen) == -1 || buf_get_sub(v, nhlen, &r->nh_raw) == -1 ||
	    buf_get_u8(v, &reserved) == -1)
		return BGP_R_MP_REACH;
	buf_get_sub(v, buf_left(v), &r->nlri);
	nr = mp_nexthop(r);
	if (nr != BGP_R_NONE)
		return nr;
	if (!mp_nlri_ok(r->afi, r->safi, &r->nlri))
		return BGP_R_MP_NLRI;
	return BGP_R_NONE;
}

static enum bgp_upd_reason attr_mp_unreach(struct bgp_update *u, struct buf *v)
{
	struct bgp_mp_unreach *r = &u->mp_unreach;

	if (buf_get_u16(v, &r->afi) == -1 || buf_get_u8(v, &r->safi) == -1)
		return BGP_R_MP_UNREACH;
	buf_get_sub(v, buf_left(v), &r->nlri);
	if (!mp_nlri_ok(r->afi, r->safi, &r->nlri))
		return BGP_R_MP_NLRI;
	return BGP_R_NONE;
}

/* RFC 6514 5: flags, tunnel type, MPLS label (3), tunnel identifier. */
static enum bgp_upd_reason attr_pmsi(struct bgp_update *u, struct buf *v)
{
	struct bgp_pmsi *p = &u->pmsi;
	uint8_t a[16];
	size_t idlen;

	if (buf_get_u8(v, &p->flags) == -1 || buf_get_u8(v, &p->type) == -1 ||
	    buf_get_u24(v, &p->label) == -1)
		return BGP_R_PMSI;
	idlen = buf_left(v);
	if (p->type == BGP_PMSI_INGRESS_REPL) {
		if ((idlen != 4 && idlen != 16) || buf_get_bytes(v, a, idlen) == -1)
			return BGP_R_PMSI;
		ipaddr_from_bytes(&p->ir, a, idlen);
		return BGP_R_NONE;
	}
	buf_get_sub(v, idlen, &p->id);
	return BGP_R_NONE;
}

static enum bgp_upd_reason attr_aggregator(struct bgp_update *u, struct buf *v, bool as4)
{
	uint16_t as2;

	if (as4) {
		if (v->len != 8 || buf_get_u32(v, &u->aggr_as) == -1)
			return BGP_R_AGGREGATOR;
	} else {
		if (v->len != 6 || buf_get_u16(v, &as2) == -1)
			return BGP_R_AGGREGATOR;
		u->aggr_as = as2;
	}
	if (buf_get_u32(v, &u->aggr_id) == -1)
		return BGP_R_AGGREGATOR;
	return BGP_R_NONE;
}

/* Parse a known attribute; BGP_R_NONE or the reason it is malformed. */
static enum bgp_upd_reason attr_value(struct bgp_update *u, const struct bgp_upd_ctx *ctx,
				      struct attr *a)
{
	struct buf *v = &a->val;
	uint8_t nh[4];

	switch (a->type) {
	case BGP_ATTR_ORIGIN:
		if (v->len != 1 || buf_get_u8(v, &u->origin) == -1 ||
		    u->origin > BGP_ORIGIN_INCOMPLETE)
			return BGP_R_ORIGIN;
		return BGP_R_NONE;
	case BGP_ATTR_AS_PATH:
		if (!aspath_ok(*v, ctx->as4 ? 4 : 2, ctx->ibgp))
			return BGP_R_AS_PATH;
		u->as_path = *v;
		u->as_path_as4 = ctx->as4;
		return BGP_R_NONE;
	case BGP_ATTR_NEXT_HOP:
		if (v->len != 4 || buf_get_bytes(v, nh, 4) == -1)
			return BGP_R_NEXT_HOP;
		ipaddr_from_bytes(&u->next_hop, nh, 4);
		return BGP_R_NONE;
	case BGP_ATTR_MED:
		return attr_u32(v, &u->med, BGP_R_MED);
	case BGP_ATTR_LOCAL_PREF:
		return attr_u32(v, &u->local_pref, BGP_R_LOCAL_PREF);
	case BGP_ATTR_ATOMIC_AGGR:
		return v->len == 0 ? BGP_R_NONE : BGP_R_ATOMIC_AGGR;
	case BGP_ATTR_AGGREGATOR:
		return attr_aggregator(u, v, ctx->as4);
	case BGP_ATTR_COMMUNITIES:
		return attr_list(v, 4, &u->communities, BGP_R_COMMUNITIES);
	case BGP_ATTR_ORIGINATOR_ID:
		return attr_u32(v, &u->originator_id, BGP_R_ORIGINATOR_ID);
	case BGP_ATTR_CLUSTER_LIST:
		return attr_list(v, 4, &u->cluster_list, BGP_R_CLUSTER_LIST);
	case BGP_ATTR_MP_REACH:
		return attr_mp_reach(u, v);
	case BGP_ATTR_MP_UNREACH:
		return attr_mp_unreach(u, v);
	case BGP_ATTR_EXT_COMM:
		return attr_list(v, ECOMM_LEN, &u->ext_comm, BGP_R_EXT_COMM);
	case BGP_ATTR_AS4_PATH:
		/* RFC 6793 6: only meaningful from a 2-octet speaker, no confed segments */
		if (ctx->as4 || !aspath_ok(*v, 4, false))
			return BGP_R_AS4_PATH;
		u->as4_path = *v;
		return BGP_R_NONE;
	case BGP_ATTR_PMSI:
		return attr_pmsi(u, v);
	}
	return BGP_R_NONE;
}

/* The action for a malformed known attribute that is not MP_*. */
static enum bgp_action attr_bad_action(const struct bgp_update *u, uint8_t type)
{
	switch (type) {
	case BGP_ATTR_ATOMIC_AGGR:
	case BGP_ATTR_AGGREGATOR:
	case BGP_ATTR_AS4_PATH:
		return BGP_ACT_ATTR_DISCARD;
	case BGP_ATTR_NEXT_HOP:
		/* RFC 4760 3: NEXT_HOP is ignored when only MP_REACH carries NLRI */
		return u->nlri.len > 0 ? BGP_ACT_WITHDRAW : BGP_ACT_ATTR_DISCARD;
	}
	return BGP_ACT_WITHDRAW;
}

static int attr_unknown(struct bgp_update *u, struct attr *a)
{
	if (!(a->flags & BGP_AF_OPTIONAL))
		return upd_reset(u, BGP_R_UNKNOWN_WK, a->type, BGP_EUPD_UNKWN_WK, &a->whole);
	if (!(a->flags & BGP_AF_TRANSITIVE))
		return 0; /* optional non-transitive: quietly ignored (RFC 4271 5) */
	if (u->n_unknown == BGP_UPD_MAX_UNKNOWN) {
		upd_error(u, BGP_ACT_ATTR_DISCARD, BGP_R_TOO_MANY_UNKNOWN, a->type);
		return 0;
	}
	u->unknown[u->n_unknown++] = a->whole;
	return 0;
}

static bool is_mp(uint8_t type)
{
	return type == BGP_ATTR_MP_REACH || type == BGP_ATTR_MP_UNREACH;
}

static int attr_one(struct bgp_update *u, const struct bgp_upd_ctx *ctx, struct attr *a)
{
	enum bgp_upd_reason r;

	if (a->type >= N_KNOWN || attr_want[a->type] == 0)
		return attr_unknown(u, a);
	if ((a->flags & (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE)) != attr_want[a->type]) {
		if (is_mp(a->type))
			return upd_reset(u, BGP_R_FLAGS, a->type, BGP_EUPD_ATTRFLAGS, &a->whole);
		upd_error(u, attr_bad_action(u, a->type), BGP_R_FLAGS, a->type);
		return 0;
	}
	if (!ctx->ibgp && a->type == BGP_ATTR_LOCAL_PREF) {
		upd_error(u, BGP_ACT_ATTR_DISCARD, BGP_R_LOCAL_PREF_EBGP, a->type);
		return 0;
	}
	if (!ctx->ibgp &&
	    (a->type == BGP_ATTR_ORIGINATOR_ID || a->type == BGP_ATTR_CLUSTER_LIST)) {
		upd_error(u, BGP_ACT_ATTR_DISCARD, BGP_R_IBGP_ONLY_EBGP, a->type);
		return 0;
	}
	r = attr_value(u, ctx, a);
	if (r == BGP_R_NONE) {
		u->present |= BGP_ATTR_BIT(a->type);
		return 0;
	}
	if (is_mp(a->type))
		return upd_reset(u, r, a->type, BGP_EUPD_OPTATTR, &a->whole);
	upd_error(u, attr_bad_action(u, a->type), r, a->type);
	return 0;
}

/* Frame the next attribute of the attribute area; -1 if it overruns. */
static int attr_next(struct buf *attrs, struct attr *a)
{
	struct buf start = *attrs;
	uint8_t len8;
	uint16_t len;

	if (buf_get_u8(attrs, &a->flags) == -1 || buf_get_u8(attrs, &a->type) == -1)
		goto overrun;
	if (a->flags & BGP_AF_EXTLEN) {
		if (buf_get_u16(attrs, &len) == -1)
			goto overrun;
	} else {
		if (buf_get_u8(attrs, &len8) == -1)
			goto overrun;
		len = len8;
	}
	if (buf_get_sub(attrs, len, &a->val) == -1)
		goto overrun;
	return buf_get_sub(&start, attrs->off - start.off, &a->whole);
overrun:
	*attrs = start;
	return -1;
}

/*
 * RFC 7606 4: an attribute overruns the area, or fewer octets remain
 * than an attribute header.  The Total Attribute Length still locates the
 * NLRI, so treat-as-withdraw, unless nothing that could be withdrawn was
 * found (the MP attributes may sit in the unparsable tail): then reset.
 */
static int attrs_overrun(struct bgp_update *u)
{
	uint32_t mp = BGP_ATTR_BIT(BGP_ATTR_MP_REACH) | BGP_ATTR_BIT(BGP_ATTR_MP_UNREACH);

	if (u->nlri.len == 0 && u->withdrawn.len == 0 && !(u->present & mp))
		return upd_reset(u, BGP_R_ATTR_OVERRUN_NO_NLRI, 0, BGP_EUPD_ATTRLIST, NULL);
	upd_error(u, BGP_ACT_WITHDRAW, BGP_R_ATTR_OVERRUN, 0);
	return 0;
}

static int attrs_parse(struct buf *attrs, const struct bgp_upd_ctx *ctx, struct bgp_update *u,
		       struct pstate *ps)
{
	struct attr a;
	uint64_t bit;

	while (buf_left(attrs) > 0) {
		if (attr_next(attrs, &a) == -1)
			return attrs_overrun(u);
		ps->n_attrs++;
		bit = 1ull << (a.type % 64);
		if (ps->seen[a.type / 64] & bit) {
			if (is_mp(a.type))
				return upd_reset(u, BGP_R_DUP_MP, a.type, BGP_EUPD_ATTRLIST, NULL);
			upd_error(u, BGP_ACT_ATTR_DISCARD, BGP_R_DUP_ATTR, a.type);
			continue;
		}
		ps->seen[a.type / 64] |= bit;
		if (attr_one(u, ctx, &a) == -1)
			return -1;
	}
	return 0;
}

/* RFC 7606 3 d: well-known mandatory attributes when there is reachability. */
static void upd_mandatory(struct bgp_update *u, const struct bgp_upd_ctx *ctx,
			  const struct pstate *ps)
{
	uint64_t need = 1u << BGP_ATTR_ORIGIN | 1u << BGP_ATTR_AS_PATH;
	uint64_t missing;

	if (u->nlri.len == 0 && !(u->present & BGP_ATTR_BIT(BGP_ATTR_MP_REACH)))
		return;
	if (u->nlri.len > 0)
		need |= 1u << BGP_ATTR_NEXT_HOP;
	if (ctx->ibgp)
		need |= 1u << BGP_ATTR_LOCAL_PREF;
	missing = need & ~ps->seen[0];
	if (missing)
		upd_error(u, BGP_ACT_WITHDRAW, BGP_R_MISSING_WK,
			  (uint8_t)__builtin_ctzll(missing));
}

/* RFC 4724 2: End-of-RIB markers. */
static void upd_eor(struct bgp_update *u, const struct pstate *ps)
{
	if (u->withdrawn.len != 0 || u->nlri.len != 0)
		return;
	if (ps->n_attrs == 0) {
		u->eor = true;
		u->eor_af.afi = BGP_AFI_IPV4;
		u->eor_af.safi = BGP_SAFI_UNICAST;
	} else if (ps->n_attrs == 1 && u->present == BGP_ATTR_BIT(BGP_ATTR_MP_UNREACH) &&
		   u->mp_unreach.nlri.len == 0) {
		u->eor = true;
		u->eor_af.afi = u->mp_unreach.afi;
		u->eor_af.safi = u->mp_unreach.safi;
	}
}

int bgp_update_decode(const struct buf *body, const struct bgp_upd_ctx *ctx,
		      struct bgp_update *u)
{
	struct buf b = *body, attrs;
	struct pstate ps;
	uint16_t wlen, alen;

	memset(u, 0, sizeof(*u));
	memset(&ps, 0, sizeof(ps));
	if (buf_get_u16(&b, &wlen) == -1 || buf_get_sub(&b, wlen, &u->withdrawn) == -1)
		return upd_reset(u, BGP_R_WITHDRAWN_LEN, 0, BGP_EUPD_ATTRLIST, NULL);
	if (buf_get_u16(&b, &alen) == -1 || buf_get_sub(&b, alen, &attrs) == -1)
		return upd_reset(u, BGP_R_ATTR_TOTAL_LEN, 0, BGP_EUPD_ATTRLIST, NULL);
	buf_get_sub(&b, buf_left(&b), &u->nlri);
	if (!prefixes_ok(u->withdrawn, 32) || !prefixes_ok(u->nlri, 32))
		return upd_reset(u, BGP_R_PREFIX, 0, BGP_EUPD_NETWORK, NULL);
	if (attrs_parse(&attrs, ctx, u, &ps) == -1)
		return -1;
	upd_mandatory(u, ctx, &ps);
	upd_eor(u, &ps);
	u->withdrawn_ok = true;
	u->nlri_ok = true;
	u->mp_reach_ok = (u->present & BGP_ATTR_BIT(BGP_ATTR_MP_REACH)) != 0;
	u->mp_unreach_ok = (u->present & BGP_ATTR_BIT(BGP_ATTR_MP_UNREACH)) != 0;
	return 0;
}

void bgp_ext_comm_get(const struct bgp_update *u, size_t i, struct ecomm *out)
{
	struct buf b = u->ext_comm;

	if (buf_skip(&b, i * ECOMM_LEN) == -1 || buf_get_bytes(&b, out->octet, ECOMM_LEN) == -1)
		memset(out, 0, sizeof(*out));
}

void bgp_aspath_iter_init(struct bgp_aspath_iter *it, const struct buf *path, bool as4)
{
	buf_init(&it->b, path->data, path->len);
	it->as4 = as4;
	it->seg_type = 0;
	it->seg_left = 0;
}

int bgp_aspath_next(struct bgp_aspath_iter *it, uint8_t *seg_type, uint32_t *asn)
{
	uint16_t as2;

	while (it->seg_left == 0)
		if (buf_get_u8(&it->b, &it->seg_type) == -1 ||
		    buf_get_u8(&it->b, &it->seg_left) == -1)
			return -1;
	if (it->as4) {
		if (buf_get_u32(&it->b, asn) == -1)
			return -1;
	} else {
		if (buf_get_u16(&it->b, &as2) == -1)
			return -1;
		*asn = as2;
	}
	it->seg_left--;
	*seg_type = it->seg_type;
	return 0;
}

const char *bgp_action_name(enum bgp_action a)
{
	static const char *const names[] = {
		"none", "attribute-discard", "treat-as-withdraw", "afi-safi-disable",
		"session-reset",
	};

	return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "unknown";
}

const char *bgp_reason_name(enum bgp_upd_reason r)
{
	static const char *const names[BGP_R_MAX] = {
		[BGP_R_NONE] = "none",
		[BGP_R_WITHDRAWN_LEN] = "withdrawn routes length overruns message",
		[BGP_R_ATTR_TOTAL_LEN] = "total path attribute length overruns message",
		[BGP_R_ATTR_OVERRUN] = "attribute overruns path attributes",
		[BGP_R_ATTR_OVERRUN_NO_NLRI] = "attribute overrun, no NLRI located",
		[BGP_R_PREFIX] = "malformed NLRI or withdrawn prefix",
		[BGP_R_DUP_ATTR] = "repeated attribute",
		[BGP_R_DUP_MP] = "repeated MP_REACH_NLRI/MP_UNREACH_NLRI",
		[BGP_R_UNKNOWN_WK] = "unrecognized well-known attribute",
		[BGP_R_TOO_MANY_UNKNOWN] = "too many unknown transitive attributes",
		[BGP_R_FLAGS] = "attribute flags conflict",
		[BGP_R_ORIGIN] = "malformed ORIGIN",
		[BGP_R_AS_PATH] = "malformed AS_PATH",
		[BGP_R_NEXT_HOP] = "malformed NEXT_HOP",
		[BGP_R_MED] = "malformed MULTI_EXIT_DISC",
		[BGP_R_LOCAL_PREF] = "malformed LOCAL_PREF",
		[BGP_R_LOCAL_PREF_EBGP] = "LOCAL_PREF from external peer",
		[BGP_R_ATOMIC_AGGR] = "malformed ATOMIC_AGGREGATE",
		[BGP_R_AGGREGATOR] = "malformed AGGREGATOR",
		[BGP_R_COMMUNITIES] = "malformed COMMUNITIES",
		[BGP_R_ORIGINATOR_ID] = "malformed ORIGINATOR_ID",
		[BGP_R_CLUSTER_LIST] = "malformed CLUSTER_LIST",
		[BGP_R_IBGP_ONLY_EBGP] = "ORIGINATOR_ID/CLUSTER_LIST from external peer",
		[BGP_R_EXT_COMM] = "malformed EXTENDED_COMMUNITIES",
		[BGP_R_AS4_PATH] = "malformed or unexpected AS4_PATH",
		[BGP_R_PMSI] = "malformed PMSI_TUNNEL",
		[BGP_R_MP_REACH] = "malformed MP_REACH_NLRI",
		[BGP_R_MP_REACH_NH] = "MP_REACH_NLRI next-hop length wrong for AFI/SAFI",
		[BGP_R_MP_UNREACH] = "malformed MP_UNREACH_NLRI",
		[BGP_R_MP_NLRI] = "malformed NLRI in MP attribute",
		[BGP_R_MISSING_WK] = "missing well-known mandatory attribute",
	};

	return (unsigned)r < BGP_R_MAX && names[r] ? names[r] : "unknown";
}

/* ---- encoding ------------------------------------------------------ */

/* Attribute header; the Extended Length bit exactly when len > 255. */
static void attr_hdr(struct wbuf *w, uint8_t flags, uint8_t type, size_t len)
{
	if (len > 0xffff) {
		w->overflow = true; /* no attribute can be this long */
		return;
	}
	if (len > 255) {
		wbuf_put_u8(w, flags | BGP_AF_EXTLEN);
		wbuf_put_u8(w, type);
		wbuf_put_u16(w, (uint16_t)len);
	} else {
		wbuf_put_u8(w, flags & (uint8_t)~BGP_AF_EXTLEN);
		wbuf_put_u8(w, type);
		wbuf_put_u8(w, (uint8_t)len);
	}
}

static bool asseg_confed(const struct bgp_asseg *s)
{
	return s->type == BGP_AS_CONFED_SEQUENCE || s->type == BGP_AS_CONFED_SET;
}

/*
 * AS_PATH in width 4, or width 2 with AS_TRANS; as4_only writes the
 * AS4_PATH form (4 octets, confederation segments left out, RFC 6793 3).
 */
static void aspath_put(struct wbuf *w, const struct bgp_attr_out *a, unsigned width,
		       bool as4_only)
{
	size_t len = 0;

	for (size_t i = 0; i < a->n_as_path; i++)
		if (!(as4_only && asseg_confed(&a->as_path[i])))
			len += 2 + (size_t)a->as_path[i].n * width;
	attr_hdr(w, as4_only ? BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE : BGP_AF_TRANSITIVE,
		 as4_only ? BGP_ATTR_AS4_PATH : BGP_ATTR_AS_PATH, len);
	for (size_t i = 0; i < a->n_as_path; i++) {
		const struct bgp_asseg *s = &a->as_path[i];

		if (as4_only && asseg_confed(s))
			continue;
		wbuf_put_u8(w, s->type);
		wbuf_put_u8(w, s->n);
		for (uint8_t j = 0; j < s->n; j++) {
			if (width == 4)
				wbuf_put_u32(w, s->asn[j]);
			else
				wbuf_put_u16(w, s->asn[j] > 0xffff ? BGP_AS_TRANS
								   : (uint16_t)s->asn[j]);
		}
	}
}

static bool aspath_needs_as4(const struct bgp_attr_out *a)
{
	for (size_t i = 0; i < a->n_as_path; i++)
		for (uint8_t j = 0; j < a->as_path[i].n; j++)
			if (a->as_path[i].asn[j] > 0xffff)
				return true;
	return false;
}

static void pmsi_put(struct wbuf *w, const struct bgp_pmsi *p)
{
	size_t idlen = p->type == BGP_PMSI_INGRESS_REPL ? ipaddr_len(&p->ir) : p->id.len;

	attr_hdr(w, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_PMSI, 5 + idlen);
	wbuf_put_u8(w, p->flags);
	wbuf_put_u8(w, p->type);
	wbuf_put_u24(w, p->label);
	if (p->type == BGP_PMSI_INGRESS_REPL)
		wbuf_put_bytes(w, p->ir.bytes, idlen);
	else
		wbuf_put_bytes(w, p->id.data, idlen);
}

/* Re-advertise an unknown transitive attribute with Partial set (RFC 4271 5). */
static void unknown_put(struct wbuf *w, const struct buf *whole)
{
	struct buf b = *whole, val;
	uint8_t flags, type, len8;
	uint16_t len;

	if (buf_get_u8(&b, &flags) == -1 || buf_get_u8(&b, &type) == -1)
		goto bad;
	if (flags & BGP_AF_EXTLEN) {
		if (buf_get_u16(&b, &len) == -1)
			goto bad;
	} else {
		if (buf_get_u8(&b, &len8) == -1)
			goto bad;
		len = len8;
	}
	if (buf_get_sub(&b, len, &val) == -1)
		goto bad;
	attr_hdr(w, flags | BGP_AF_PARTIAL, type, val.len);
	wbuf_put_bytes(w, val.data, val.len);
	return;
bad:
	w->overflow = true; /* not an attribute this codec decoded */
}

static void attr_u32_put(struct wbuf *w, uint8_t flags, uint8_t type, uint32_t v)
{
	attr_hdr(w, flags, type, 4);
	wbuf_put_u32(w, v);
}

int bgp_attrs_encode(struct wbuf *w, const struct bgp_attr_out *a, const struct bgp_upd_ctx *ctx)
{
	bool as4_path = !ctx->as4 && aspath_needs_as4(a);

	attr_hdr(w, BGP_AF_TRANSITIVE, BGP_ATTR_ORIGIN, 1);
	wbuf_put_u8(w, a->origin);
	aspath_put(w, a, ctx->as4 ? 4 : 2, false);
	if (a->has_med)
		attr_u32_put(w, BGP_AF_OPTIONAL, BGP_ATTR_MED, a->med);
	if (a->has_local_pref)
		attr_u32_put(w, BGP_AF_TRANSITIVE, BGP_ATTR_LOCAL_PREF, a->local_pref);
	if (a->has_originator)
		attr_u32_put(w, BGP_AF_OPTIONAL, BGP_ATTR_ORIGINATOR_ID, a->originator_id);
	if (a->n_cluster > 0) {
		attr_hdr(w, BGP_AF_OPTIONAL, BGP_ATTR_CLUSTER_LIST, a->n_cluster * 4);
		for (size_t i = 0; i < a->n_cluster; i++)
			wbuf_put_u32(w, a->cluster_list[i]);
	}
	if (a->n_ecomm > 0) {
		attr_hdr(w, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_EXT_COMM,
			 a->n_ecomm * ECOMM_LEN);
		for (size_t i = 0; i < a->n_ecomm; i++)
			wbuf_put_bytes(w, a->ecomm[i].octet, ECOMM_LEN);
	}
	if (as4_path)
		aspath_put(w, a, 4, true);
	if (a->pmsi)
		pmsi_put(w, a->pmsi);
	for (size_t i = 0; i < a->n_unknown; i++)
		unknown_put(w, &a->unknown[i]);
	return w->overflow ? -1 : 0;
}

/* Header, empty withdrawn routes, attribute length hole; limit for NLRI. */
static int upd_begin(struct bgp_upd_writer *u, struct wbuf *w, size_t max_len,
		     const struct buf *attrs)
{
	memset(u, 0, sizeof(*u));
	u->w = w;
	if (max_len > BGP_EXT_MAX_LEN)
		max_len = BGP_EXT_MAX_LEN;
	if (attrs)
		u->attrs = *attrs;
	u->msg_at = bgp_msg_begin(w, BGP_UPDATE);
	wbuf_put_u16(w, 0);
	u->attrlen_at = wbuf_reserve(w, 2);
	if (u->msg_at < 0 || u->attrlen_at < 0 || w->overflow)
		return -1;
	if (max_len < u->attrs.len)
		return -1;
	u->limit = (size_t)u->msg_at + max_len - u->attrs.len;
	if (u->limit > w->cap - u->attrs.len)
		u->limit = w->cap - u->attrs.len;
	return 0;
}

int bgp_mp_reach_begin(struct bgp_upd_writer *u, struct wbuf *w, const struct bgp_mp_out *mp)
{
	size_t nhlen = ipaddr_len(&mp->nh);
	bool ll = mp->nh_ll.family == AF_INET6;

	if (upd_begin(u, w, mp->max_len, &mp->attrs) == -1 || nhlen == 0)
		return -1;
	/* extended length always: the NLRI count is not known yet */
	wbuf_put_u8(w, BGP_AF_OPTIONAL | BGP_AF_EXTLEN);
	wbuf_put_u8(w, BGP_ATTR_MP_REACH);
	u->mplen_at = wbuf_reserve(w, 2);
	wbuf_put_u16(w, mp->afi);
	wbuf_put_u8(w, mp->safi);
	wbuf_put_u8(w, (uint8_t)(nhlen + (ll ? 16 : 0)));
	wbuf_put_bytes(w, mp->nh.bytes, nhlen);
	if (ll)
		wbuf_put_bytes(w, mp->nh_ll.bytes, 16);
	wbuf_put_u8(w, 0);
	return w->overflow || w->len > u->limit ? -1 : 0;
}

int bgp_mp_unreach_begin(struct bgp_upd_writer *u, struct wbuf *w, uint16_t afi, uint8_t safi,
			 size_t max_len)
{
	if (upd_begin(u, w, max_len, NULL) == -1)
		return -1;
	wbuf_put_u8(w, BGP_AF_OPTIONAL | BGP_AF_EXTLEN);
	wbuf_put_u8(w, BGP_ATTR_MP_UNREACH);
	u->mplen_at = wbuf_reserve(w, 2);
	wbuf_put_u16(w, afi);
	wbuf_put_u8(w, safi);
	return w->overflow || w->len > u->limit ? -1 : 0;
}

int bgp_upd_add_nlri(struct bgp_upd_writer *u, const void *nlri, size_t len)
{
	struct wbuf *w = u->w;

	if (w->overflow || w->len > u->limit || u->limit - w->len < len)
		return -1;
	if (wbuf_put_bytes(w, nlri, len) == -1)
		return -1;
	u->n_nlri++;
	return 0;
}

long bgp_upd_finish(struct bgp_upd_writer *u)
{
	struct wbuf *w = u->w;

	if (u->mplen_at < 0 || u->attrlen_at < 0 || w->overflow)
		return -1;
	wbuf_set_u16(w, (size_t)u->mplen_at, (uint16_t)(w->len - (size_t)u->mplen_at - 2));
	wbuf_put_bytes(w, u->attrs.data, u->attrs.len);
	wbuf_set_u16(w, (size_t)u->attrlen_at, (uint16_t)(w->len - (size_t)u->attrlen_at - 2));
	if (bgp_msg_finish(w, u->msg_at) == -1)
		return -1;
	return (long)(w->len - (size_t)u->msg_at);
}

int bgp_update_encode(struct wbuf *w, const struct buf *withdrawn, const struct buf *attrs,
		      const struct buf *nlri, size_t max_len)
{
	long at = bgp_msg_begin(w, BGP_UPDATE);

	if (withdrawn->len > 0xffff || attrs->len > 0xffff)
		return -1;
	wbuf_put_u16(w, (uint16_t)withdrawn->len);
	wbuf_put_bytes(w, withdrawn->data, withdrawn->len);
	wbuf_put_u16(w, (uint16_t)attrs->len);
	wbuf_put_bytes(w, attrs->data, attrs->len);
	wbuf_put_bytes(w, nlri->data, nlri->len);
	if (at < 0 || w->overflow || w->len - (size_t)at > max_len)
		return -1;
	return bgp_msg_finish(w, at);
}

int bgp_eor_encode(struct wbuf *w, uint16_t afi, uint8_t safi)
{
	struct buf empty;
	long at;

	buf_init(&empty, NULL, 0);
	if (afi == BGP_AFI_IPV4 && safi == BGP_SAFI_UNICAST)
		return bgp_update_encode(w, &empty, &empty, &empty, BGP_MAX_LEN);
	at = bgp_msg_begin(w, BGP_UPDATE);
	wbuf_put_u16(w, 0);
	wbuf_put_u16(w, 6);
	attr_hdr(w, BGP_AF_OPTIONAL, BGP_ATTR_MP_UNREACH, 3);
	wbuf_put_u16(w, afi);
	wbuf_put_u8(w, safi);
	return bgp_msg_finish(w, at);
}
