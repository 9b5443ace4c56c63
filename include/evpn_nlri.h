/*
 * evpn_nlri.h - EVPN NLRI codec (RFC 7432 section 7, RFC 8365, RFC 9136).
 *
 * The BGP codec hands over the NLRI field of an MP_REACH_NLRI or
 * MP_UNREACH_NLRI attribute (AFI 25, SAFI 70) as a struct buf; this module
 * walks it one route at a time.  Each NLRI is
 *
 *     route type (1 octet) | length (1 octet) | value (length octets)
 *
 * and the value layout depends on the route type.  Label fields are kept as
 * the raw 24-bit field: under VXLAN (RFC 8365 section 5.1.3) that field is
 * the VNI itself, under MPLS it is label << 4 | TC/S bits.
 *
 * All functions are pure: no allocation, no logging, no global state.
 */
#ifndef EVPND_EVPN_NLRI_H
#define EVPND_EVPN_NLRI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "types.h"

enum evpn_route_type {
	EVPN_RT_EAD = 1,    /* Ethernet Auto-Discovery, RFC 7432 7.1 */
	EVPN_RT_MACIP = 2,  /* MAC/IP Advertisement, RFC 7432 7.2 */
	EVPN_RT_IMET = 3,   /* Inclusive Multicast Ethernet Tag, RFC 7432 7.3 */
	EVPN_RT_ES = 4,	    /* Ethernet Segment, RFC 7432 7.4 */
	EVPN_RT_PREFIX = 5, /* IP Prefix, RFC 9136 3.1 */
};

/* Largest NLRI (header included) this module encodes: Type-5 IPv6. */
#define EVPN_NLRI_MAXLEN (2 + 58)

/*
 * One decoded route.  Which fields are meaningful depends on type:
 *
 *   type  rd esi etag mac ip        prefix gw  labels
 *   1     x  x   x                              1
 *   2     x  x   x    x   optional              1 or 2
 *   3     x      x        originator
 *   4     x  x            originator
 *   5     x  x   x                  x      x    1
 *
 * Unused fields are zero.  ip.family is 0 for a Type-2 without IP; the
 * Type-5 gw has the prefix's family, or family 0 when the field is all zero
 * (no gateway; the encoder writes zeros for family 0).
 */
struct evpn_route {
	uint8_t type;	 /* wire route type (enum evpn_route_type unless UNKNOWN_TYPE) */
	uint8_t nlabels; /* label fields present: 0, 1 or 2 */
	bool key_valid;	 /* the route-key fields were decoded (see evpn_nlri_next) */
	struct rd rd;
	struct esi esi;
	uint32_t etag; /* Ethernet Tag ID */
	struct mac mac;
	struct ipaddr ip;
	struct prefix prefix; /* Type-5: raw prefix octets as received, len <= bits */
	struct ipaddr gw;
	uint32_t label[2]; /* raw 24-bit label fields: the VNI under VXLAN */
};

/* Outcome of decoding one NLRI (evpn_nlri_next). */
enum evpn_nlri_err {
	EVPN_NLRI_OK = 0,
	/*
	 * Route type not 1..5: skipped by its length, framing intact; RFC 7606
	 * section 5.4 (typed NLRI) says to discard it.
	 */
	EVPN_NLRI_UNKNOWN_TYPE,
	/*
	 * Framing intact but the content is wrong (RFC 7432 section 7 layouts,
	 * RFC 9136 3.1): the caller treats the route as withdrawn (RFC 7606
	 * section 2) when r->key_valid, and discards it otherwise.
	 */
	EVPN_NLRI_BAD_LENGTH,	  /* length fits no layout of the route type */
	EVPN_NLRI_BAD_MAC_LEN,	  /* Type-2 MAC length other than 48 */
	EVPN_NLRI_BAD_IP_LEN,	  /* IP length not allowed for the route type */
	EVPN_NLRI_BAD_PREFIX_LEN, /* Type-5 prefix length > 32 / > 128 */
	/*
	 * The length octet runs past the end of the NLRI field (or the field
	 * ends inside a header): nothing after this point can be framed.  The
	 * caller resets the session or disables the AFI/SAFI (RFC 7606 5.3).
	 */
	EVPN_NLRI_FRAMING,
};

/* True for the errors that leave the framing intact but the route bad. */
static inline bool evpn_nlri_err_malformed(enum evpn_nlri_err e)
{
	return e >= EVPN_NLRI_BAD_LENGTH && e <= EVPN_NLRI_BAD_PREFIX_LEN;
}

/* Short constant description of an outcome, for logs. */
const char *evpn_nlri_err_str(enum evpn_nlri_err e);

/*
 * Decode the next NLRI of nlri into r.  Returns
 *    1  one NLRI consumed; *err says whether r is a route (EVPN_NLRI_OK),
 *       an unknown type that was skipped (r->type holds the type), or a
 *       malformed route (r filled as far as decoding got, r->key_valid
 *       telling whether the route key can still be built for a withdraw);
 *    0  the NLRI field is exhausted (*err = EVPN_NLRI_OK);
 *   -1  framing error (*err = EVPN_NLRI_FRAMING); nlri is left at the start
 *       of the bad NLRI and every further call fails the same way.
 */
int evpn_nlri_next(struct buf *nlri, struct evpn_route *r, enum evpn_nlri_err *err);

/*
 * Append r as one NLRI (type, length, value).  Type-2 writes r->nlabels
 * labels (1 or 2); types 1 and 5 write one.  Returns 0, or -1 when the route
 * cannot be encoded (unknown type, missing or inconsistent address family,
 * bad label count, prefix length too long) or w overflowed; on -1 nothing
 * useful was written and w may be marked overflowed.
 */
int evpn_nlri_encode(struct wbuf *w, const struct evpn_route *r);

/*
 * Route key (RFC 7432 sections 7.1-7.4, RFC 9136 section 3.1): the RD plus
 *   Type-1: ESI, Ethernet Tag              (label is an attribute)
 *   Type-2: Ethernet Tag, MAC, IP          (ESI, labels are attributes)
 *   Type-3: Ethernet Tag, originator IP
 *   Type-4: ESI, originator IP
 *   Type-5: Ethernet Tag, prefix length, prefix (host bits cleared)
 *                                          (ESI, gateway, label are attributes)
 * Every member is an octet array, so the struct has no padding: keys are
 * equal exactly when memcmp() says so, and memcmp() orders them.
 */
struct evpn_key {
	uint8_t type;
	uint8_t family; /* AF_INET / AF_INET6 of ip, 0 when none */
	uint8_t plen;	/* Type-5 prefix length, else 0 */
	uint8_t pad;	/* always 0 */
	uint8_t rd[RD_LEN];
	/*
	 * The ESI takes the place of fields its route type has not (one per
	 * route in the RIB, so 40 bytes rather than 48): evpn_key_esi().
	 */
	union {
		struct {
			uint8_t etag[4]; /* network order */
			uint8_t mac[MAC_LEN];
		};
		uint8_t es_esi[ESI_LEN]; /* Type-4 (no Ethernet Tag, no MAC) */
	};
	uint8_t pad2[2]; /* always 0 */
	union {
		uint8_t ip[16];
		uint8_t ead_esi[ESI_LEN]; /* Type-1 (no IP) */
	};
};

_Static_assert(sizeof(struct evpn_key) == 40, "evpn_key must have no padding");

/* The ESI of a Type-1 or Type-4 key (ESI_LEN bytes); NULL for other types. */
static inline const uint8_t *evpn_key_esi(const struct evpn_key *k)
{
	return k->type == EVPN_RT_ES ? k->es_esi : k->type == EVPN_RT_EAD ? k->ead_esi : NULL;
}

void evpn_key_from_route(const struct evpn_route *r, struct evpn_key *k);
/*
 * Its inverse: the route-key fields of k in r (type, RD, Ethernet Tag,
 * Type-1/4 ESI, MAC, IP or prefix); every other field zero.
 */
void evpn_route_from_key(const struct evpn_key *k, struct evpn_route *r);
int evpn_key_cmp(const struct evpn_key *a, const struct evpn_key *b);
/* 64-bit hash of a key (multiply-xorshift over its six 64-bit words). */
uint64_t evpn_key_hash(const struct evpn_key *k);

/*
 * FRR's text form of the route prefix (as in `show bgp l2vpn evpn`), RD not
 * included:
 *   [1]:[EthTag]:[ESI]
 *   [2]:[EthTag]:[48]:[MAC]            [2]:[EthTag]:[48]:[MAC]:[IPlen]:[IP]
 *   [3]:[EthTag]:[IPlen]:[OrigIP]
 *   [4]:[ESI]:[IPlen]:[OrigIP]
 *   [5]:[EthTag]:[PrefixLen]:[Prefix]
 * FRR's Type-1 form also shows the originator's VTEP IP and a fragment id,
 * which FRR takes from the next hop, not from the NLRI; they are left out.
 */
#define EVPN_ROUTE_STRLEN 128
char *evpn_route_fmt(const struct evpn_route *r, char buf[EVPN_ROUTE_STRLEN]);

#endif
