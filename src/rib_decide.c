/*
 * rib_decide.c - the RIB's decisions: best path order (RFC 7432 15 for
 * MAC/IP routes, then RFC 4271 9.1.2.2 with RFC 4456 9), what to export to
 * whom (RFC 4456 6), loop detection (RFC 4456 8) and the attributes sent
 * (RFC 4456 8, RFC 4271 5.1).  Pure functions of their arguments and the
 * RIB's configuration.
 *
 * Choices where the RFCs leave room:
 *  - MED is always compared (RFC 4271 9.1.2.2 c restricts it to paths from
 *    the same neighbour AS; in an iBGP EVPN fabric all paths come from the
 *    same AS, and always comparing keeps the order transitive).  A missing
 *    MED counts as 0, a missing LOCAL_PREF as 100.
 *  - Locally originated paths beat received ones right after LOCAL_PREF, as
 *    BGP implementations do (RFC 4271 leaves local origination to policy).
 *    For Type-2 routes RFC 7432 15.1 comes first and is applied to local
 *    paths too: at equal sequence numbers the PE with the lower IP address
 *    (next hop) wins even against our own route, as the RFC asks of the
 *    originator, so that every PE reaches the same verdict.
 *  - A sticky (static) MAC beats a non-sticky one whatever the sequence
 *    numbers: RFC 7432 15.2 says static MACs are not subject to moves.
 *  - RFC 7432 15.1 picks the lower PE address only "with different
 *    Ethernet segment identifiers"; we apply it to every tie (as FRR does)
 *    so that the order stays transitive.  Paths of one route (one RD) come
 *    from one PE, so this matters only to callers comparing routes of
 *    different RDs with rib_path_cmp.
 */
#include <arpa/inet.h>
#include <string.h>

#include "rib_priv.h"

#define DEFAULT_LOCAL_PREF 100

static int cmp_u32(uint32_t x, uint32_t y)
{
	return (x > y) - (x < y);
}

static uint32_t local_pref(const struct rib_path *p)
{
	return p->attrs->has_local_pref ? p->attrs->local_pref : DEFAULT_LOCAL_PREF;
}

/* RFC 4456 9: the ORIGINATOR_ID stands in for the BGP identifier. */
static uint32_t originator(const struct rib_path *p)
{
	return p->attrs->has_originator ? p->attrs->originator_id : rib_path_peer(p)->info.bgp_id;
}

/* RFC 7432 15: < 0 when a wins; 0 leaves it to the BGP steps. */
static int cmp_mobility(const struct rib_path *a, const struct rib_path *b, enum rib_why *why)
{
	const struct rib_attrs *x = a->attrs, *y = b->attrs;
	int c;

	*why = RIB_WHY_STICKY;
	if (x->mm_sticky != y->mm_sticky)
		return x->mm_sticky ? -1 : 1;
	*why = RIB_WHY_MM_SEQ;
	if ((c = cmp_u32(y->mm_seq, x->mm_seq)) != 0)
		return c;
	*why = RIB_WHY_MM_NEXTHOP;
	if (x->next_hop.family && y->next_hop.family)
		return ipaddr_cmp(&x->next_hop, &y->next_hop);
	return 0;
}

static int cmp_bgp(const struct rib_path *a, const struct rib_path *b, enum rib_why *why)
{
	const struct rib_attrs *x = a->attrs, *y = b->attrs;
	int c;

	*why = RIB_WHY_LOCAL_PREF;
	if ((c = cmp_u32(local_pref(b), local_pref(a))) != 0)
		return c;
	*why = RIB_WHY_LOCAL;
	if (rib_path_peer(a)->local != rib_path_peer(b)->local)
		return rib_path_peer(a)->local ? -1 : 1;
	*why = RIB_WHY_AS_PATH;
	if ((c = cmp_u32(x->as_path_count, y->as_path_count)) != 0)
		return c;
	*why = RIB_WHY_ORIGIN;
	if ((c = cmp_u32(x->origin, y->origin)) != 0)
		return c;
	*why = RIB_WHY_MED;
	if ((c = cmp_u32(x->med, y->med)) != 0)
		return c;
	*why = RIB_WHY_EBGP;
	if (rib_path_peer(a)->info.ibgp != rib_path_peer(b)->info.ibgp)
		return rib_path_peer(a)->info.ibgp ? 1 : -1;
	*why = RIB_WHY_ORIGINATOR;
	if ((c = cmp_u32(originator(a), originator(b))) != 0)
		return c;
	*why = RIB_WHY_CLUSTER;
	if ((c = cmp_u32(x->n_cluster, y->n_cluster)) != 0)
		return c;
	*why = RIB_WHY_PEER_ADDR;
	if ((c = ipaddr_cmp(&rib_path_peer(a)->info.addr, &rib_path_peer(b)->info.addr)) != 0)
		return c;
	*why = RIB_WHY_PEER_ID;
	return cmp_u32(rib_path_peer(a)->info.id, rib_path_peer(b)->info.id);
}

int rib_path_cmp(const struct rib_path *a, const struct rib_path *b, uint8_t type,
		 enum rib_why *why)
{
	enum rib_why w = RIB_WHY_EQUAL;
	int c = 0;

	if (a != b) {
		if (type == EVPN_RT_MACIP)
			c = cmp_mobility(a, b, &w);
		if (c == 0)
			c = cmp_bgp(a, b, &w);
		if (c == 0)
			w = RIB_WHY_EQUAL;
	}
	if (why)
		*why = w;
	return c;
}

const char *rib_why_name(enum rib_why why)
{
	static const char *const names[] = {
		[RIB_WHY_EQUAL] = "equal",
		[RIB_WHY_STICKY] = "sticky MAC",
		[RIB_WHY_MM_SEQ] = "MAC mobility sequence",
		[RIB_WHY_MM_NEXTHOP] = "lower PE address",
		[RIB_WHY_LOCAL_PREF] = "local preference",
		[RIB_WHY_LOCAL] = "local route",
		[RIB_WHY_AS_PATH] = "AS path length",
		[RIB_WHY_ORIGIN] = "origin",
		[RIB_WHY_MED] = "MED",
		[RIB_WHY_EBGP] = "eBGP over iBGP",
		[RIB_WHY_ORIGINATOR] = "originator id",
		[RIB_WHY_CLUSTER] = "cluster list length",
		[RIB_WHY_PEER_ADDR] = "peer address",
		[RIB_WHY_PEER_ID] = "peer",
	};

	return (unsigned)why < sizeof(names) / sizeof(names[0]) ? names[why] : "unknown";
}

/* ---- export ---------------------------------------------------------- */

const struct rib_path *rib_export_path(const struct rib *rib, const struct rib_route *rt,
				       const struct rib_peer *to)
{
	const struct rib_path *b = rib_route_best(rt);
	const struct rib_peer *from;

	if (!b || rib_path_peer(b) == to || to->local)
		return NULL;
	from = rib_path_peer(b);
	if (!to->info.ibgp || from->local || !from->info.ibgp || from->info.rr_client)
		return b;
	return to->info.rr_client ? b : NULL; /* RFC 4456 6: non-client to clients only */
}

static uint32_t cluster_id(const struct rib *rib)
{
	return rib->cfg.cluster_id ? rib->cfg.cluster_id : rib->cfg.router_id;
}

static uint32_t get_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

bool rib_path_loop(const struct rib *rib, const struct rib_attrs *attrs)
{
	uint32_t cid = cluster_id(rib);

	if (attrs->has_originator && attrs->originator_id == rib->cfg.router_id)
		return true;
	for (uint16_t i = 0; i < attrs->n_cluster; i++)
		if (get_be32(attrs->cluster_list + 4 * i) == cid)
			return true;
	return false;
}

/*
 * AS_PATH into out->seg/asn from index 1 on (index 0 is kept for an eBGP
 * prepend).  Returns the segment count, or -1 when out is too small.
 */
static int aspath_decode(const struct rib_attrs *a, struct rib_out *out)
{
	size_t nseg = 1, nasn = 1;
	uint8_t n;

	for (size_t off = 0; off + 2 <= a->as_path_len; off += 2 + (size_t)n * 4) {
		n = a->as_path[off + 1];

		if (nseg == RIB_OUT_MAX_SEG || nasn + n > RIB_OUT_MAX_ASN)
			return -1;
		out->seg[nseg].type = a->as_path[off];
		out->seg[nseg].n = n;
		out->seg[nseg].asn = &out->asn[nasn];
		for (uint8_t i = 0; i < n; i++)
			out->asn[nasn++] = get_be32(a->as_path + off + 2 + 4 * (size_t)i);
		nseg++;
	}
	return (int)nseg - 1;
}

/* AS_PATH of the advertisement: empty for local routes, ours prepended for eBGP. */
static int out_aspath(const struct rib *rib, const struct rib_path *p, bool ebgp,
		      struct rib_out *out)
{
	struct bgp_attr_out *o = &out->attr;
	int nseg = rib_path_peer(p)->local ? 0 : aspath_decode(p->attrs, out);

	if (nseg < 0)
		return -1;
	o->as_path = &out->seg[1];
	o->n_as_path = (size_t)nseg;
	if (!ebgp)
		return 0;
	out->asn[0] = rib->cfg.local_as;
	if (nseg > 0 && out->seg[1].type == BGP_AS_SEQUENCE && out->seg[1].n < 255) {
		out->seg[1].asn = &out->asn[0];
		out->seg[1].n++;
		return 0;
	}
	out->seg[0] = (struct bgp_asseg){.type = BGP_AS_SEQUENCE, .n = 1, .asn = &out->asn[0]};
	o->as_path = &out->seg[0];
	o->n_as_path++;
	return 0;
}

/* RFC 4456 8: ORIGINATOR_ID and our cluster id before CLUSTER_LIST. */
static int out_reflect(const struct rib *rib, const struct rib_path *p, struct rib_out *out)
{
	const struct rib_attrs *a = p->attrs;
	struct bgp_attr_out *o = &out->attr;

	if ((size_t)a->n_cluster + 1 > RIB_OUT_MAX_CLUSTER)
		return -1;
	o->has_originator = true;
	o->originator_id = originator(p);
	out->cluster[0] = cluster_id(rib);
	for (uint16_t i = 0; i < a->n_cluster; i++)
		out->cluster[i + 1] = get_be32(a->cluster_list + 4 * i);
	o->cluster_list = out->cluster;
	o->n_cluster = (size_t)a->n_cluster + 1;
	return 0;
}

int rib_out_build(const struct rib *rib, const struct rib_path *p, const struct rib_peer *to,
		  struct rib_out *out)
{
	const struct rib_attrs *a = p->attrs;
	const struct rib_peer *from = rib_path_peer(p);
	struct bgp_attr_out *o = &out->attr;
	bool ebgp = !to->info.ibgp;

	memset(o, 0, sizeof(*o));
	o->origin = from->local ? BGP_ORIGIN_IGP : a->origin;
	if (out_aspath(rib, p, ebgp, out) == -1)
		return -1;
	o->has_med = a->has_med && (!ebgp || from->local);
	o->med = a->med;
	if (!ebgp) {
		o->has_local_pref = true;
		o->local_pref = a->has_local_pref ? a->local_pref : DEFAULT_LOCAL_PREF;
	}
	if (!ebgp && !from->local && from->info.ibgp && out_reflect(rib, p, out) == -1)
		return -1;
	o->ecomm = a->ecomm;
	o->n_ecomm = a->n_ecomm;
	o->pmsi = a->has_pmsi ? &a->pmsi : NULL;
	o->unknown = a->unknown;
	o->n_unknown = a->n_unknown;
	return 0;
}

/* ---- path back to a decoded route ------------------------------------- */

void rib_path_route(const struct rib *rib, const struct rib_route *rt, const struct rib_path *p,
		    struct evpn_route *out)
{
	uint8_t type = rt->key.type;

	evpn_route_from_key(&rt->key, out);
	out->key_valid = true;
	out->nlabels = p->nlabels;
	out->label[0] = rib_path_label(p, 0);
	out->label[1] = rib_path_label(p, 1);
	if (type == EVPN_RT_MACIP || type == EVPN_RT_PREFIX)
		out->esi = *rib_path_esi(rib, p);
	if (type == EVPN_RT_PREFIX)
		out->gw = *rib_path_gw(rib, p);
}
