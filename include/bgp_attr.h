/*
 * bgp_attr.h - BGP UPDATE codec: path attributes, MP_REACH/MP_UNREACH
 * framing and RFC 7606 revised error handling.
 *
 * Decoding is zero-copy and allocation-free: struct bgp_update holds
 * slices (struct buf) into the caller's message, valid while the message
 * is.  NLRI inside MP_REACH/MP_UNREACH are not parsed here (EVPN NLRI are
 * evpn_nlri.h's); classic IPv4 NLRI and withdrawn routes, and IPv4/IPv6
 * unicast MP NLRI, are syntax-checked so that treat-as-withdraw is possible.
 *
 * The decoder never stops at the first error: it records every error's
 * RFC 7606 action and keeps the strongest in u->v (a session reset ends
 * parsing at once).  It never logs; v.reason names what went wrong.
 */
#ifndef EVPND_BGP_ATTR_H
#define EVPND_BGP_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp_msg.h"
#include "buf.h"
#include "types.h"

/* Attribute flags (RFC 4271 4.3). */
#define BGP_AF_OPTIONAL 0x80
#define BGP_AF_TRANSITIVE 0x40
#define BGP_AF_PARTIAL 0x20
#define BGP_AF_EXTLEN 0x10

enum bgp_attr_type {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGR = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,
	BGP_ATTR_ORIGINATOR_ID = 9,
	BGP_ATTR_CLUSTER_LIST = 10,
	BGP_ATTR_MP_REACH = 14,
	BGP_ATTR_MP_UNREACH = 15,
	BGP_ATTR_EXT_COMM = 16,
	BGP_ATTR_AS4_PATH = 17,
	BGP_ATTR_PMSI = 22,
};

#define BGP_ORIGIN_IGP 0
#define BGP_ORIGIN_EGP 1
#define BGP_ORIGIN_INCOMPLETE 2

/* AS_PATH segment types (RFC 4271 4.3, RFC 5065 3). */
#define BGP_AS_SET 1
#define BGP_AS_SEQUENCE 2
#define BGP_AS_CONFED_SEQUENCE 3
#define BGP_AS_CONFED_SET 4

#define BGP_PMSI_NONE 0
#define BGP_PMSI_INGRESS_REPL 6	/* RFC 6514 5: identifier is the IP address */

/* What the session negotiated; decoding and encoding depend on it. */
struct bgp_upd_ctx {
	bool ibgp;
	bool as4;	/* RFC 6793: AS_PATH carries 4-octet ASNs */
	bool ext_msg;	/* RFC 8654: messages up to 65535 octets */
};

/* RFC 7606 2 approaches, ordered weakest to strongest. */
enum bgp_action {
	BGP_ACT_NONE = 0,
	BGP_ACT_ATTR_DISCARD,
	BGP_ACT_WITHDRAW,	/* treat-as-withdraw */
	BGP_ACT_AFI_DISABLE,
	BGP_ACT_RESET,		/* session reset: send v.notify */
};

enum bgp_upd_reason {
	BGP_R_NONE = 0,
	BGP_R_WITHDRAWN_LEN,	/* withdrawn routes length overruns the message */
	BGP_R_ATTR_TOTAL_LEN,	/* total path attribute length overruns */
	BGP_R_ATTR_OVERRUN,	/* an attribute overruns the attribute area (7606 4) */
	BGP_R_ATTR_OVERRUN_NO_NLRI, /* ... and no NLRI could be located to withdraw */
	BGP_R_PREFIX,		/* classic NLRI/withdrawn syntax (7606 5.3) */
	BGP_R_DUP_ATTR,		/* repeated attribute, later ones discarded (3 g) */
	BGP_R_DUP_MP,		/* repeated MP_REACH/MP_UNREACH (3 g) */
	BGP_R_UNKNOWN_WK,	/* unrecognized well-known attribute */
	BGP_R_TOO_MANY_UNKNOWN, /* unknown transitive beyond BGP_UPD_MAX_UNKNOWN */
	BGP_R_FLAGS,		/* optional/transitive bits wrong (3 c) */
	BGP_R_ORIGIN,
	BGP_R_AS_PATH,
	BGP_R_NEXT_HOP,
	BGP_R_MED,
	BGP_R_LOCAL_PREF,
	BGP_R_LOCAL_PREF_EBGP,	/* LOCAL_PREF from an eBGP peer (7606 7.5) */
	BGP_R_ATOMIC_AGGR,
	BGP_R_AGGREGATOR,
	BGP_R_COMMUNITIES,
	BGP_R_ORIGINATOR_ID,
	BGP_R_CLUSTER_LIST,
	BGP_R_IBGP_ONLY_EBGP,	/* ORIGINATOR_ID/CLUSTER_LIST from eBGP (7606 7.9, 7.10) */
	BGP_R_EXT_COMM,
	BGP_R_AS4_PATH,
	BGP_R_PMSI,
	BGP_R_MP_REACH,		/* malformed MP_REACH_NLRI (7606 7.11) */
	BGP_R_MP_REACH_NH,	/* next-hop length wrong for the AFI/SAFI */
	BGP_R_MP_UNREACH,
	BGP_R_MP_NLRI,		/* IPv4/IPv6 unicast NLRI in MP attribute malformed */
	BGP_R_MISSING_WK,	/* mandatory attribute missing (7606 3 d) */
	BGP_R_MAX
};

/* The verdict over the whole UPDATE. */
struct bgp_verdict {
	enum bgp_action action;		/* strongest action of all errors */
	enum bgp_upd_reason reason;	/* first error with that action */
	uint8_t attr_type;		/* attribute of that error, 0 if none */
	uint16_t n_errors;		/* errors found, of any action */
	struct bgp_notify notify;	/* what to send when action == BGP_ACT_RESET */
};

#define BGP_UPD_MAX_UNKNOWN 8

struct bgp_mp_reach {
	uint16_t afi;
	uint8_t safi;
	struct ipaddr nh;	/* next hop of length 4 or 16 (global for 32) */
	struct ipaddr nh_ll;	/* link-local of a 32-octet IPv6 next hop */
	struct buf nh_raw;	/* next-hop field as received (other AFI/SAFIs) */
	struct buf nlri;
};

struct bgp_mp_unreach {
	uint16_t afi;
	uint8_t safi;
	struct buf nlri;
};

/* PMSI Tunnel (RFC 6514 5); label is the raw 3-octet field (RFC 8365: VNI). */
struct bgp_pmsi {
	uint8_t flags;
	uint8_t type;
	uint32_t label;
	struct ipaddr ir;	/* ingress replication endpoint (type 6) */
	struct buf id;		/* decode: tunnel identifier of other types */
};

/* Bit of a known attribute in bgp_update.present (types < 32). */
#define BGP_ATTR_BIT(t) (1u << (t))

struct bgp_update {
	struct buf withdrawn;	/* classic IPv4 withdrawn routes */
	struct buf nlri;	/* classic IPv4 NLRI */
	uint32_t present;	/* BGP_ATTR_BIT of each valid attribute kept */
	uint8_t origin;
	bool as_path_as4;	/* width of as_path's ASNs */
	struct buf as_path;	/* validated segments */
	struct buf as4_path;	/* validated, 4-octet, only on 2-octet sessions */
	struct ipaddr next_hop;
	uint32_t med;
	uint32_t local_pref;
	uint32_t aggr_as;
	uint32_t aggr_id;	/* host order */
	uint32_t originator_id; /* host order */
	struct buf communities; /* 4-octet values */
	struct buf cluster_list; /* 4-octet ids */
	struct buf ext_comm;	/* 8-octet values, see bgp_ext_comm_get() */
	struct bgp_pmsi pmsi;
	struct bgp_mp_reach mp_reach;
	struct bgp_mp_unreach mp_unreach;
	uint8_t n_unknown;
	struct buf unknown[BGP_UPD_MAX_UNKNOWN]; /* whole optional transitive attrs */
	/*
	 * The slices whose framing was trusted: after treat-as-withdraw the
	 * caller withdraws nlri and mp_reach.nlri and still processes withdrawn
	 * and mp_unreach.nlri.  All false after a session reset.
	 */
	bool withdrawn_ok;
	bool nlri_ok;
	bool mp_reach_ok;
	bool mp_unreach_ok;
	/* End-of-RIB (RFC 4724 2): empty UPDATE, or a lone empty MP_UNREACH. */
	bool eor;
	struct bgp_afisafi eor_af;
	struct bgp_verdict v;
};

/*
 * Decode an UPDATE body (after the 19-byte header).  Returns 0 when the
 * session survives (u->v.action below BGP_ACT_RESET), -1 on session reset
 * with u->v.notify set.  Never allocates; u points into body's bytes.
 */
int bgp_update_decode(const struct buf *body, const struct bgp_upd_ctx *ctx,
		      struct bgp_update *u);

const char *bgp_action_name(enum bgp_action a);
const char *bgp_reason_name(enum bgp_upd_reason r);

static inline size_t bgp_ext_comm_count(const struct bgp_update *u)
{
	return u->ext_comm.len / ECOMM_LEN;
}
void bgp_ext_comm_get(const struct bgp_update *u, size_t i, struct ecomm *out);

/* Walk a validated AS_PATH (or AS4_PATH) one ASN at a time. */
struct bgp_aspath_iter {
	struct buf b;
	bool as4;
	uint8_t seg_type;
	uint8_t seg_left;
};
void bgp_aspath_iter_init(struct bgp_aspath_iter *it, const struct buf *path, bool as4);
/* 0 and the next ASN with its segment type, or -1 at the end. */
int bgp_aspath_next(struct bgp_aspath_iter *it, uint8_t *seg_type, uint32_t *asn);

/* ---- encoding ------------------------------------------------------ */

struct bgp_asseg {
	uint8_t type;		/* BGP_AS_* */
	uint8_t n;
	const uint32_t *asn;
};

/*
 * The path attributes evpnd originates or reflects, without MP_REACH.
 * An empty AS_PATH (n_as_path 0) is what an iBGP speaker originates.
 * unknown are whole attributes as decoded (bgp_update.unknown); they are
 * re-advertised with the Partial bit set (RFC 4271 5).
 */
struct bgp_attr_out {
	uint8_t origin;
	const struct bgp_asseg *as_path;
	size_t n_as_path;
	bool has_med;
	uint32_t med;
	bool has_local_pref;
	uint32_t local_pref;
	bool has_originator;
	uint32_t originator_id;	/* host order */
	const uint32_t *cluster_list; /* host order */
	size_t n_cluster;
	const struct ecomm *ecomm;
	size_t n_ecomm;
	const struct bgp_pmsi *pmsi;	/* NULL: none; encodes ir for type 6, else id */
	const struct buf *unknown;
	size_t n_unknown;
};

/*
 * Append the path attributes in type order.  On a 2-octet session ASNs
 * above 65535 become AS_TRANS and an AS4_PATH is added (RFC 6793 4.2.2).
 */
int bgp_attrs_encode(struct wbuf *w, const struct bgp_attr_out *a, const struct bgp_upd_ctx *ctx);

/*
 * Packing many NLRI into UPDATEs whose MP attribute comes first (RFC 7606
 * 5.1):  bgp_mp_reach_begin() writes the header, the MP_REACH header
 * (extended length) with AFI, SAFI and next hop; bgp_upd_add_nlri() appends
 * NLRI while they fit; bgp_upd_finish() closes the MP attribute, appends
 * the pre-encoded other attributes (attrs, from bgp_attrs_encode) and sets
 * every length.  When add returns -1, finish this message and begin the
 * next.  MP_UNREACH works the same way without attrs.
 */
struct bgp_upd_writer {
	struct wbuf *w;
	long msg_at;
	long attrlen_at;
	long mplen_at;
	size_t limit;		/* w->len may grow up to this */
	struct buf attrs;
	size_t n_nlri;
};

struct bgp_mp_out {
	uint16_t afi;
	uint8_t safi;
	struct ipaddr nh;
	struct ipaddr nh_ll;	/* optional IPv6 link-local (family 0: none) */
	struct buf attrs;	/* other path attributes, appended after MP_REACH */
	size_t max_len;		/* BGP_MAX_LEN or BGP_EXT_MAX_LEN */
};

int bgp_mp_reach_begin(struct bgp_upd_writer *u, struct wbuf *w, const struct bgp_mp_out *mp);
int bgp_mp_unreach_begin(struct bgp_upd_writer *u, struct wbuf *w, uint16_t afi, uint8_t safi,
			 size_t max_len);
/* 0, or -1 (nothing written) when the NLRI does not fit this message. */
int bgp_upd_add_nlri(struct bgp_upd_writer *u, const void *nlri, size_t len);
/* Message length, or -1 on overflow. */
long bgp_upd_finish(struct bgp_upd_writer *u);

/* A whole classic UPDATE from its three parts (any may be empty). */
int bgp_update_encode(struct wbuf *w, const struct buf *withdrawn, const struct buf *attrs,
		      const struct buf *nlri, size_t max_len);

/* End-of-RIB: empty UPDATE for IPv4 unicast, else an empty MP_UNREACH. */
int bgp_eor_encode(struct wbuf *w, uint16_t afi, uint8_t safi);

#endif
