/*
 * evpn_nlri.c - EVPN NLRI decoding, encoding, route keys and FRR's text form
 * (see evpn_nlri.h for the contracts).
 *
 * Invariants: every read of wire data goes through a struct buf; the value of
 * each NLRI is carved into its own sub-buffer first, so a route decoder can
 * never read into the next route, and the decoders only classify what they
 * find (the framing decision is taken once, in evpn_nlri_next).  The route
 * struct is zeroed before decoding, so fields a route type does not carry
 * are always zero.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "evpn_nlri.h"

/* Fixed value lengths (RFC 7432 sections 7.1-7.4, RFC 9136 section 3.1). */
#define EAD_LEN 25	    /* RD 8, ESI 10, Ethernet Tag 4, label 3 */
#define MACIP_MIN_LEN 33    /* RD, ESI, tag, MAC len 1, MAC 6, IP len 1, label1 */
#define IMET_MIN_LEN 13	    /* RD, tag, IP len 1 (+ address) */
#define ES_MIN_LEN 19	    /* RD, ESI, IP len 1 (+ address) */
#define PREFIX_V4_LEN 34    /* RD, ESI, tag, prefix len 1, prefix 4, gw 4, label */
#define PREFIX_V6_LEN 58    /* RD, ESI, tag, prefix len 1, prefix 16, gw 16, label */
#define LABEL_LEN 3

const char *evpn_nlri_err_str(enum evpn_nlri_err e)
{
	switch (e) {
	case EVPN_NLRI_OK:
		return "ok";
	case EVPN_NLRI_UNKNOWN_TYPE:
		return "unknown route type";
	case EVPN_NLRI_BAD_LENGTH:
		return "route length fits no layout";
	case EVPN_NLRI_BAD_MAC_LEN:
		return "bad MAC address length";
	case EVPN_NLRI_BAD_IP_LEN:
		return "bad IP address length";
	case EVPN_NLRI_BAD_PREFIX_LEN:
		return "bad IP prefix length";
	case EVPN_NLRI_FRAMING:
		return "route length past end of NLRI";
	}
	return "?";
}

/*
 * Address length field (in bits) to octets: 32 -> 4, 128 -> 16; 0 -> 0 when
 * allow_none (Type-2 without IP).  Returns -1 for anything else.
 */
static int ip_octets(uint8_t bits, bool allow_none)
{
	if (bits == 32)
		return 4;
	if (bits == 128)
		return 16;
	if (bits == 0 && allow_none)
		return 0;
	return -1;
}

/* Read an n-octet (4 or 16) address; ip is zero beforehand. */
static int get_addr(struct buf *v, int n, struct ipaddr *ip)
{
	if (buf_get_bytes(v, ip->bytes, (size_t)n) == -1)
		return -1;
	ip->family = n == 4 ? AF_INET : AF_INET6;
	return 0;
}

/* Read an address length octet and the address it announces. */
static enum evpn_nlri_err get_len_addr(struct buf *v, bool allow_none, struct ipaddr *ip)
{
	uint8_t bits;
	int n;

	if (buf_get_u8(v, &bits) == -1)
		return EVPN_NLRI_BAD_LENGTH;
	n = ip_octets(bits, allow_none);
	if (n == -1)
		return EVPN_NLRI_BAD_IP_LEN;
	if (n && get_addr(v, n, ip) == -1)
		return EVPN_NLRI_BAD_LENGTH;
	return EVPN_NLRI_OK;
}

/* Type-1 Ethernet A-D (RFC 7432 7.1): RD, ESI, Ethernet Tag, MPLS label. */
static enum evpn_nlri_err dec_ead(struct buf *v, struct evpn_route *r)
{
	if (buf_get_bytes(v, r->rd.octet, RD_LEN) == -1 ||
	    buf_get_bytes(v, r->esi.octet, ESI_LEN) == -1 || buf_get_u32(v, &r->etag) == -1)
		return EVPN_NLRI_BAD_LENGTH;
	r->key_valid = true;
	if (buf_get_u24(v, &r->label[0]) == -1 || buf_left(v) != 0)
		return EVPN_NLRI_BAD_LENGTH;
	r->nlabels = 1;
	return EVPN_NLRI_OK;
}

/*
 * Type-2 MAC/IP (RFC 7432 7.2): RD, ESI, Ethernet Tag, MAC length (48), MAC,
 * IP length (0, 32, 128), IP, MPLS label1, optional MPLS label2.  Valid
 * lengths are therefore 33/36 (no IP), 37/40 (IPv4), 49/52 (IPv6); one label
 * is mandatory (section 7.2: "MPLS Label1" is always present).
 */
static enum evpn_nlri_err dec_macip(struct buf *v, struct evpn_route *r)
{
	enum evpn_nlri_err e;
	uint8_t maclen;

	if (buf_get_bytes(v, r->rd.octet, RD_LEN) == -1 ||
	    buf_get_bytes(v, r->esi.octet, ESI_LEN) == -1 || buf_get_u32(v, &r->etag) == -1 ||
	    buf_get_u8(v, &maclen) == -1)
		return EVPN_NLRI_BAD_LENGTH;
	if (maclen != 48)
		return EVPN_NLRI_BAD_MAC_LEN;
	if (buf_get_bytes(v, r->mac.octet, MAC_LEN) == -1)
		return EVPN_NLRI_BAD_LENGTH;
	e = get_len_addr(v, true, &r->ip);
	if (e != EVPN_NLRI_OK)
		return e;
	r->key_valid = true;
	if (buf_left(v) != LABEL_LEN && buf_left(v) != 2 * LABEL_LEN)
		return EVPN_NLRI_BAD_LENGTH;
	if (buf_get_u24(v, &r->label[0]) == -1)
		return EVPN_NLRI_BAD_LENGTH;
	r->nlabels = 1;
	if (buf_left(v) == 0)
		return EVPN_NLRI_OK;
	if (buf_get_u24(v, &r->label[1]) == -1)
		return EVPN_NLRI_BAD_LENGTH;
	r->nlabels = 2;
	return EVPN_NLRI_OK;
}

/* Type-3 IMET (RFC 7432 7.3): RD, Ethernet Tag, IP length, originator IP. */
static enum evpn_nlri_err dec_imet(struct buf *v, struct evpn_route *r)
{
	enum evpn_nlri_err e;

	if (buf_get_bytes(v, r->rd.octet, RD_LEN) == -1 || buf_get_u32(v, &r->etag) == -1)
		return EVPN_NLRI_BAD_LENGTH;
	e = get_len_addr(v, false, &r->ip);
	if (e != EVPN_NLRI_OK)
		return e;
	r->key_valid = true;
	return buf_left(v) == 0 ? EVPN_NLRI_OK : EVPN_NLRI_BAD_LENGTH;
}

/* Type-4 Ethernet Segment (RFC 7432 7.4): RD, ESI, IP length, originator IP. */
static enum evpn_nlri_err dec_es(struct buf *v, struct evpn_route *r)
{
	enum evpn_nlri_err e;

	if (buf_get_bytes(v, r->rd.octet, RD_LEN) == -1 ||
	    buf_get_bytes(v, r->esi.octet, ESI_LEN) == -1)
		return EVPN_NLRI_BAD_LENGTH;
	e = get_len_addr(v, false, &r->ip);
	if (e != EVPN_NLRI_OK)
		return e;
	r->key_valid = true;
	return buf_left(v) == 0 ? EVPN_NLRI_OK : EVPN_NLRI_BAD_LENGTH;
}

/*
 * Type-5 IP Prefix (RFC 9136 3.1): RD, ESI, Ethernet Tag, prefix length,
 * prefix, gateway IP, MPLS label.  The total length (34 or 58) alone says
 * whether prefix and gateway are IPv4 or IPv6; a prefix length beyond the
 * family's bits is malformed (section 3.1; FRR issue 22353).
 */
static enum evpn_nlri_err dec_prefix(struct buf *v, struct evpn_route *r)
{
	static const uint8_t zero[16];
	int n;

	if (buf_left(v) == PREFIX_V4_LEN)
		n = 4;
	else if (buf_left(v) == PREFIX_V6_LEN)
		n = 16;
	else
		return EVPN_NLRI_BAD_LENGTH;
	if (buf_get_bytes(v, r->rd.octet, RD_LEN) == -1 ||
	    buf_get_bytes(v, r->esi.octet, ESI_LEN) == -1 || buf_get_u32(v, &r->etag) == -1 ||
	    buf_get_u8(v, &r->prefix.len) == -1)
		return EVPN_NLRI_BAD_LENGTH;
	if (r->prefix.len > n * 8)
		return EVPN_NLRI_BAD_PREFIX_LEN;
	if (get_addr(v, n, &r->prefix.addr) == -1 || get_addr(v, n, &r->gw) == -1 ||
	    buf_get_u24(v, &r->label[0]) == -1)
		return EVPN_NLRI_BAD_LENGTH;
	/* An all-zero gateway means none (RFC 9136 3.2): family 0, as for Type-2. */
	if (memcmp(r->gw.bytes, zero, sizeof(zero)) == 0)
		r->gw.family = 0;
	r->nlabels = 1;
	r->key_valid = true;
	return EVPN_NLRI_OK;
}

static enum evpn_nlri_err dec_value(struct buf *v, struct evpn_route *r)
{
	switch (r->type) {
	case EVPN_RT_EAD:
		return dec_ead(v, r);
	case EVPN_RT_MACIP:
		return dec_macip(v, r);
	case EVPN_RT_IMET:
		return dec_imet(v, r);
	case EVPN_RT_ES:
		return dec_es(v, r);
	case EVPN_RT_PREFIX:
		return dec_prefix(v, r);
	}
	return EVPN_NLRI_UNKNOWN_TYPE;
}

int evpn_nlri_next(struct buf *nlri, struct evpn_route *r, enum evpn_nlri_err *err)
{
	struct buf start = *nlri, v;
	uint8_t type, len;

	memset(r, 0, sizeof(*r));
	*err = EVPN_NLRI_OK;
	if (buf_left(nlri) == 0)
		return 0;
	if (buf_get_u8(nlri, &type) == -1 || buf_get_u8(nlri, &len) == -1 ||
	    buf_get_sub(nlri, len, &v) == -1)
		goto framing;
	r->type = type;
	*err = dec_value(&v, r);
	return 1;

framing:
	*nlri = start;
	*err = EVPN_NLRI_FRAMING;
	return -1;
}

/*
 * Value length of r as it will be encoded, or -1 when r cannot be encoded.
 * Checks everything the encoder relies on, so encoding never stops halfway
 * for a reason other than overflow.
 */
static int value_len(const struct evpn_route *r)
{
	size_t ip = ipaddr_len(&r->ip), pfx = ipaddr_len(&r->prefix.addr);

	switch (r->type) {
	case EVPN_RT_EAD:
		return EAD_LEN;
	case EVPN_RT_MACIP:
		if (r->nlabels != 1 && r->nlabels != 2)
			return -1;
		return (int)(MACIP_MIN_LEN + ip + LABEL_LEN * (r->nlabels - 1u));
	case EVPN_RT_IMET:
		return ip ? (int)(IMET_MIN_LEN + ip) : -1;
	case EVPN_RT_ES:
		return ip ? (int)(ES_MIN_LEN + ip) : -1;
	case EVPN_RT_PREFIX:
		if (!pfx || r->prefix.len > pfx * 8 ||
		    (r->gw.family && r->gw.family != r->prefix.addr.family))
			return -1;
		return pfx == 4 ? PREFIX_V4_LEN : PREFIX_V6_LEN;
	}
	return -1;
}

/* Write an address length octet (in bits) and the address. */
static void put_len_addr(struct wbuf *w, const struct ipaddr *ip)
{
	size_t n = ipaddr_len(ip);

	wbuf_put_u8(w, (uint8_t)(n * 8));
	wbuf_put_bytes(w, ip->bytes, n);
}

static void put_value(struct wbuf *w, const struct evpn_route *r)
{
	static const uint8_t zero[16];

	wbuf_put_bytes(w, r->rd.octet, RD_LEN);
	switch (r->type) {
	case EVPN_RT_EAD:
		wbuf_put_bytes(w, r->esi.octet, ESI_LEN);
		wbuf_put_u32(w, r->etag);
		wbuf_put_u24(w, r->label[0] & 0xffffff);
		break;
	case EVPN_RT_MACIP:
		wbuf_put_bytes(w, r->esi.octet, ESI_LEN);
		wbuf_put_u32(w, r->etag);
		wbuf_put_u8(w, 48);
		wbuf_put_bytes(w, r->mac.octet, MAC_LEN);
		put_len_addr(w, &r->ip);
		for (unsigned i = 0; i < r->nlabels; i++)
			wbuf_put_u24(w, r->label[i] & 0xffffff);
		break;
	case EVPN_RT_IMET:
		wbuf_put_u32(w, r->etag);
		put_len_addr(w, &r->ip);
		break;
	case EVPN_RT_ES:
		wbuf_put_bytes(w, r->esi.octet, ESI_LEN);
		put_len_addr(w, &r->ip);
		break;
	case EVPN_RT_PREFIX:
		wbuf_put_bytes(w, r->esi.octet, ESI_LEN);
		wbuf_put_u32(w, r->etag);
		wbuf_put_u8(w, r->prefix.len);
		wbuf_put_bytes(w, r->prefix.addr.bytes, ipaddr_len(&r->prefix.addr));
		wbuf_put_bytes(w, r->gw.family ? r->gw.bytes : zero, ipaddr_len(&r->prefix.addr));
		wbuf_put_u24(w, r->label[0] & 0xffffff);
		break;
	}
}

int evpn_nlri_encode(struct wbuf *w, const struct evpn_route *r)
{
	int len = value_len(r);

	if (len == -1)
		return -1;
	/* Writes after an overflow are no-ops (buf.h), so one check at the end. */
	wbuf_put_u8(w, r->type);
	wbuf_put_u8(w, (uint8_t)len);
	put_value(w, r);
	return w->overflow ? -1 : 0;
}

static void put_be32(uint8_t o[4], uint32_t v)
{
	o[0] = (uint8_t)(v >> 24);
	o[1] = (uint8_t)(v >> 16);
	o[2] = (uint8_t)(v >> 8);
	o[3] = (uint8_t)v;
}

void evpn_key_from_route(const struct evpn_route *r, struct evpn_key *k)
{
	struct prefix p;

	memset(k, 0, sizeof(*k));
	k->type = r->type;
	memcpy(k->rd, r->rd.octet, RD_LEN);
	switch (r->type) {
	case EVPN_RT_EAD:
		memcpy(k->ead_esi, r->esi.octet, ESI_LEN);
		put_be32(k->etag, r->etag);
		break;
	case EVPN_RT_MACIP:
		put_be32(k->etag, r->etag);
		memcpy(k->mac, r->mac.octet, MAC_LEN);
		k->family = r->ip.family;
		memcpy(k->ip, r->ip.bytes, ipaddr_len(&r->ip));
		break;
	case EVPN_RT_IMET:
		put_be32(k->etag, r->etag);
		k->family = r->ip.family;
		memcpy(k->ip, r->ip.bytes, ipaddr_len(&r->ip));
		break;
	case EVPN_RT_ES:
		memcpy(k->es_esi, r->esi.octet, ESI_LEN);
		k->family = r->ip.family;
		memcpy(k->ip, r->ip.bytes, ipaddr_len(&r->ip));
		break;
	case EVPN_RT_PREFIX:
		put_be32(k->etag, r->etag);
		p = r->prefix;
		prefix_normalise(&p);
		k->family = p.addr.family;
		k->plen = p.len;
		memcpy(k->ip, p.addr.bytes, ipaddr_len(&p.addr));
		break;
	}
}

void evpn_route_from_key(const struct evpn_key *k, struct evpn_route *r)
{
	const uint8_t *esi = evpn_key_esi(k);
	struct ipaddr ip;

	memset(r, 0, sizeof(*r));
	memset(&ip, 0, sizeof(ip));
	r->type = k->type;
	memcpy(r->rd.octet, k->rd, RD_LEN);
	if (esi)
		memcpy(r->esi.octet, esi, ESI_LEN);
	if (k->type != EVPN_RT_ES)
		r->etag = (uint32_t)k->etag[0] << 24 | (uint32_t)k->etag[1] << 16 |
			  (uint32_t)k->etag[2] << 8 | k->etag[3];
	if (k->type == EVPN_RT_MACIP)
		memcpy(r->mac.octet, k->mac, MAC_LEN);
	if (k->family == AF_INET || k->family == AF_INET6)
		ipaddr_from_bytes(&ip, k->ip, k->family == AF_INET ? 4 : 16);
	if (k->type == EVPN_RT_PREFIX) {
		r->prefix.addr = ip;
		r->prefix.len = k->plen;
	} else {
		r->ip = ip;
	}
}

int evpn_key_cmp(const struct evpn_key *a, const struct evpn_key *b)
{
	return memcmp(a, b, sizeof(*a));
}

uint64_t evpn_key_hash(const struct evpn_key *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0x9e3779b97f4a7c15ULL, w;

	for (size_t i = 0; i < sizeof(*k); i += 8) {
		memcpy(&w, p + i, sizeof(w));
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	/* Final avalanche (the 64-bit finaliser of MurmurHash3). */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

char *evpn_route_fmt(const struct evpn_route *r, char buf[EVPN_ROUTE_STRLEN])
{
	char a[IPADDR_STRLEN], m[MAC_STRLEN], e[ESI_STRLEN];
	unsigned ipbits = (unsigned)ipaddr_len(&r->ip) * 8;

	switch (r->type) {
	case EVPN_RT_EAD:
		snprintf(buf, EVPN_ROUTE_STRLEN, "[1]:[%u]:[%s]", r->etag, esi_fmt(&r->esi, e));
		break;
	case EVPN_RT_MACIP:
		if (!ipbits) {
			snprintf(buf, EVPN_ROUTE_STRLEN, "[2]:[%u]:[48]:[%s]", r->etag,
				 mac_fmt(&r->mac, m));
			break;
		}
		snprintf(buf, EVPN_ROUTE_STRLEN, "[2]:[%u]:[48]:[%s]:[%u]:[%s]", r->etag,
			 mac_fmt(&r->mac, m), ipbits, ipaddr_fmt(&r->ip, a));
		break;
	case EVPN_RT_IMET:
		snprintf(buf, EVPN_ROUTE_STRLEN, "[3]:[%u]:[%u]:[%s]", r->etag, ipbits,
			 ipaddr_fmt(&r->ip, a));
		break;
	case EVPN_RT_ES:
		snprintf(buf, EVPN_ROUTE_STRLEN, "[4]:[%s]:[%u]:[%s]", esi_fmt(&r->esi, e), ipbits,
			 ipaddr_fmt(&r->ip, a));
		break;
	case EVPN_RT_PREFIX:
		snprintf(buf, EVPN_ROUTE_STRLEN, "[5]:[%u]:[%u]:[%s]", r->etag, r->prefix.len,
			 ipaddr_fmt(&r->prefix.addr, a));
		break;
	default:
		snprintf(buf, EVPN_ROUTE_STRLEN, "[%u]", r->type);
	}
	return buf;
}
