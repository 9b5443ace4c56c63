/*
 * evpn_ecomm.c - EVPN extended communities: constructors, decoders, the
 * attribute summary and FRR's text forms (contracts in evpn_ecomm.h).
 *
 * Invariants: a community is always read through a struct buf over its 8
 * octets and written through a struct wbuf over them; a constructor sets
 * all 8 octets (reserved ones to zero, as the RFCs require of senders), and
 * a decoder ignores reserved octets (as they require of receivers).
 */
#include <stdio.h>
#include <string.h>

#include "evpn_ecomm.h"

/* Open a cursor on c's 6-octet value if c is of type t, sub-type st. */
static int open_value(const struct ecomm *c, uint8_t t, uint8_t st, struct buf *v)
{
	uint8_t type, sub;

	buf_init(v, c->octet, ECOMM_LEN);
	if (buf_get_u8(v, &type) == -1 || buf_get_u8(v, &sub) == -1)
		return -1;
	return type == t && sub == st ? 0 : -1;
}

/* Zero c and open a writer on it positioned after type and sub-type. */
static void start_value(struct ecomm *c, struct wbuf *w, uint8_t t, uint8_t st)
{
	memset(c, 0, sizeof(*c));
	wbuf_init(w, c->octet, ECOMM_LEN);
	wbuf_put_u8(w, t);
	wbuf_put_u8(w, st);
}

enum evpn_ecomm_kind evpn_ecomm_kind(const struct ecomm *c)
{
	struct buf v;
	uint8_t type, sub;

	buf_init(&v, c->octet, ECOMM_LEN);
	if (buf_get_u8(&v, &type) == -1 || buf_get_u8(&v, &sub) == -1)
		return EVPN_EC_UNKNOWN;
	if (type <= 0x02)
		return sub == ECOMM_SUB_RT ? EVPN_EC_RT : EVPN_EC_UNKNOWN;
	if (type == ECOMM_TYPE_OPAQUE) {
		if (sub == ECOMM_SUB_ENCAP)
			return EVPN_EC_ENCAP;
		return sub == ECOMM_SUB_DEF_GW ? EVPN_EC_DEF_GW : EVPN_EC_UNKNOWN;
	}
	if (type != ECOMM_TYPE_EVPN)
		return EVPN_EC_UNKNOWN;
	switch (sub) {
	case ECOMM_SUB_MAC_MOBILITY:
		return EVPN_EC_MAC_MOBILITY;
	case ECOMM_SUB_ESI_LABEL:
		return EVPN_EC_ESI_LABEL;
	case ECOMM_SUB_ES_IMPORT:
		return EVPN_EC_ES_IMPORT;
	case ECOMM_SUB_ROUTER_MAC:
		return EVPN_EC_ROUTER_MAC;
	case ECOMM_SUB_ND:
		return EVPN_EC_ND;
	}
	return EVPN_EC_UNKNOWN;
}

/* RFC 9012 4.1: reserved (4 octets), tunnel type (2 octets). */
void evpn_ecomm_encap(struct ecomm *c, uint16_t tunnel_type)
{
	struct wbuf w;

	start_value(c, &w, ECOMM_TYPE_OPAQUE, ECOMM_SUB_ENCAP);
	wbuf_put_u32(&w, 0);
	wbuf_put_u16(&w, tunnel_type);
}

/* RFC 7432 7.8: the value is six reserved octets. */
void evpn_ecomm_def_gw(struct ecomm *c)
{
	struct wbuf w;

	start_value(c, &w, ECOMM_TYPE_OPAQUE, ECOMM_SUB_DEF_GW);
}

/* RFC 7432 7.7: flags, reserved, sequence number (4 octets). */
void evpn_ecomm_mac_mobility(struct ecomm *c, uint32_t seq, bool sticky)
{
	struct wbuf w;

	start_value(c, &w, ECOMM_TYPE_EVPN, ECOMM_SUB_MAC_MOBILITY);
	wbuf_put_u8(&w, sticky ? EVPN_MM_STICKY : 0);
	wbuf_put_u8(&w, 0);
	wbuf_put_u32(&w, seq);
}

/* RFC 7432 7.5: flags, reserved (2 octets), ESI label (3 octets). */
void evpn_ecomm_esi_label(struct ecomm *c, uint8_t flags, uint32_t label)
{
	struct wbuf w;

	start_value(c, &w, ECOMM_TYPE_EVPN, ECOMM_SUB_ESI_LABEL);
	wbuf_put_u8(&w, flags);
	wbuf_put_u16(&w, 0);
	wbuf_put_u24(&w, label & 0xffffff);
}

/* RFC 7432 7.6: the 6 high-order octets of the ESI value (a MAC). */
void evpn_ecomm_es_import(struct ecomm *c, const struct mac *m)
{
	struct wbuf w;

	start_value(c, &w, ECOMM_TYPE_EVPN, ECOMM_SUB_ES_IMPORT);
	wbuf_put_bytes(&w, m->octet, MAC_LEN);
}

/* RFC 9135 8.1: the router's MAC address. */
void evpn_ecomm_router_mac(struct ecomm *c, const struct mac *m)
{
	struct wbuf w;

	start_value(c, &w, ECOMM_TYPE_EVPN, ECOMM_SUB_ROUTER_MAC);
	wbuf_put_bytes(&w, m->octet, MAC_LEN);
}

/* RFC 9047 2: flags, five reserved octets. */
void evpn_ecomm_nd(struct ecomm *c, uint8_t flags)
{
	struct wbuf w;

	start_value(c, &w, ECOMM_TYPE_EVPN, ECOMM_SUB_ND);
	wbuf_put_u8(&w, flags);
}

int evpn_ecomm_get_encap(const struct ecomm *c, uint16_t *tunnel_type)
{
	struct buf v;

	if (open_value(c, ECOMM_TYPE_OPAQUE, ECOMM_SUB_ENCAP, &v) == -1 || buf_skip(&v, 4) == -1 ||
	    buf_get_u16(&v, tunnel_type) == -1)
		return -1;
	return 0;
}

int evpn_ecomm_get_mac_mobility(const struct ecomm *c, uint32_t *seq, bool *sticky)
{
	struct buf v;
	uint8_t flags;

	if (open_value(c, ECOMM_TYPE_EVPN, ECOMM_SUB_MAC_MOBILITY, &v) == -1 ||
	    buf_get_u8(&v, &flags) == -1 || buf_skip(&v, 1) == -1 || buf_get_u32(&v, seq) == -1)
		return -1;
	*sticky = flags & EVPN_MM_STICKY;
	return 0;
}

int evpn_ecomm_get_esi_label(const struct ecomm *c, uint8_t *flags, uint32_t *label)
{
	struct buf v;

	if (open_value(c, ECOMM_TYPE_EVPN, ECOMM_SUB_ESI_LABEL, &v) == -1 ||
	    buf_get_u8(&v, flags) == -1 || buf_skip(&v, 2) == -1 || buf_get_u24(&v, label) == -1)
		return -1;
	return 0;
}

int evpn_ecomm_get_es_import(const struct ecomm *c, struct mac *m)
{
	struct buf v;

	if (open_value(c, ECOMM_TYPE_EVPN, ECOMM_SUB_ES_IMPORT, &v) == -1 ||
	    buf_get_bytes(&v, m->octet, MAC_LEN) == -1)
		return -1;
	return 0;
}

int evpn_ecomm_get_router_mac(const struct ecomm *c, struct mac *m)
{
	struct buf v;

	if (open_value(c, ECOMM_TYPE_EVPN, ECOMM_SUB_ROUTER_MAC, &v) == -1 ||
	    buf_get_bytes(&v, m->octet, MAC_LEN) == -1)
		return -1;
	return 0;
}

int evpn_ecomm_get_nd(const struct ecomm *c, uint8_t *flags)
{
	struct buf v;

	if (open_value(c, ECOMM_TYPE_EVPN, ECOMM_SUB_ND, &v) == -1 || buf_get_u8(&v, flags) == -1)
		return -1;
	return 0;
}

/* MAC mobility: lowest sequence number wins (see evpn_ecomm.h). */
static void note_mm(struct evpn_ecomm_summary *s, const struct ecomm *c)
{
	uint32_t seq;
	bool sticky;

	if (evpn_ecomm_get_mac_mobility(c, &seq, &sticky) == -1)
		return;
	if (s->mm_count && seq != s->mm_seq)
		s->mm_conflict = true;
	if (!s->mm_count || seq < s->mm_seq)
		s->mm_seq = seq;
	s->mm_sticky |= sticky;
	if (s->mm_count < UINT8_MAX)
		s->mm_count++;
}

static void note_encap(struct evpn_ecomm_summary *s, const struct ecomm *c)
{
	uint16_t tt;

	if (evpn_ecomm_get_encap(c, &tt) == -1)
		return;
	if (tt < 32)
		s->encap_mask |= 1u << tt;
	else
		s->encap_other = true;
}

static void note_rmac(struct evpn_ecomm_summary *s, const struct ecomm *c)
{
	struct mac m;

	if (evpn_ecomm_get_router_mac(c, &m) == -1)
		return;
	if (!(s->present & EVPN_ECS_ROUTER_MAC))
		s->rmac = m;
	else if (mac_cmp(&m, &s->rmac) != 0)
		s->rmac_conflict = true;
}

static void note(struct evpn_ecomm_summary *s, const struct ecomm *c)
{
	enum evpn_ecomm_kind k = evpn_ecomm_kind(c);
	uint8_t nd;

	switch (k) {
	case EVPN_EC_UNKNOWN:
		s->unknown++;
		return;
	case EVPN_EC_RT:
		if (s->rt_count < EVPN_ECOMM_RT_MAX)
			s->rt[s->rt_count++] = *c;
		else
			s->rt_dropped++;
		break;
	case EVPN_EC_ENCAP:
		note_encap(s, c);
		break;
	case EVPN_EC_DEF_GW:
		break;
	case EVPN_EC_MAC_MOBILITY:
		note_mm(s, c);
		break;
	case EVPN_EC_ESI_LABEL:
		if (!(s->present & EVPN_ECS_ESI_LABEL))
			evpn_ecomm_get_esi_label(c, &s->esi_label_flags, &s->esi_label);
		break;
	case EVPN_EC_ES_IMPORT:
		if (!(s->present & EVPN_ECS_ES_IMPORT))
			evpn_ecomm_get_es_import(c, &s->es_import);
		break;
	case EVPN_EC_ROUTER_MAC:
		note_rmac(s, c);
		break;
	case EVPN_EC_ND:
		if (evpn_ecomm_get_nd(c, &nd) == 0)
			s->nd_flags |= nd;
		break;
	}
	s->present |= 1u << k;
}

int evpn_ecomm_summarise(struct buf *ecomms, struct evpn_ecomm_summary *s)
{
	struct ecomm c;

	memset(s, 0, sizeof(*s));
	if (buf_left(ecomms) % ECOMM_LEN != 0)
		return -1;
	while (buf_get_bytes(ecomms, c.octet, ECOMM_LEN) == 0)
		note(s, &c);
	return 0;
}

static const char *nd_str(uint8_t flags)
{
	if (flags & EVPN_ND_FRR_PROXY)
		return "ND:Proxy";
	if (flags & EVPN_ND_ROUTER)
		return "ND:Router Flag";
	if (flags & EVPN_ND_OVERRIDE)
		return "ND:Override Flag";
	if (flags & EVPN_ND_IMMUTABLE)
		return "ND:Immutable";
	return "ND";
}

/* Forms of the EVPN type (0x06) communities. */
static void fmt_evpn(const struct ecomm *c, enum evpn_ecomm_kind k, char *buf)
{
	char m[MAC_STRLEN];
	struct mac mac;
	uint32_t u32;
	uint8_t u8;
	bool sticky;

	if (k == EVPN_EC_MAC_MOBILITY && evpn_ecomm_get_mac_mobility(c, &u32, &sticky) == 0)
		snprintf(buf, EVPN_ECOMM_STRLEN, "MM:%u%s", u32, sticky ? ", sticky MAC" : "");
	else if (k == EVPN_EC_ESI_LABEL && evpn_ecomm_get_esi_label(c, &u8, &u32) == 0)
		snprintf(buf, EVPN_ECOMM_STRLEN, "ESI-label-Rt:%s",
			 u8 & EVPN_ESI_LABEL_SA ? "SA" : "AA");
	else if (k == EVPN_EC_ES_IMPORT && evpn_ecomm_get_es_import(c, &mac) == 0)
		snprintf(buf, EVPN_ECOMM_STRLEN, "ES-Import-Rt:%s", mac_fmt(&mac, m));
	else if (k == EVPN_EC_ROUTER_MAC && evpn_ecomm_get_router_mac(c, &mac) == 0)
		snprintf(buf, EVPN_ECOMM_STRLEN, "Rmac:%s", mac_fmt(&mac, m));
	else if (k == EVPN_EC_ND && evpn_ecomm_get_nd(c, &u8) == 0)
		snprintf(buf, EVPN_ECOMM_STRLEN, "%s", nd_str(u8));
}

char *evpn_ecomm_fmt(const struct ecomm *c, char buf[EVPN_ECOMM_STRLEN])
{
	enum evpn_ecomm_kind k = evpn_ecomm_kind(c);
	char v[RD_STRLEN];
	uint8_t type = 0, sub = 0;
	uint16_t tt;
	struct buf b;

	buf[0] = '\0';
	buf_init(&b, c->octet, ECOMM_LEN);
	if (buf_get_u8(&b, &type) == -1 || buf_get_u8(&b, &sub) == -1)
		return buf;
	snprintf(buf, EVPN_ECOMM_STRLEN, "UNK:%u, %u", type, sub);
	switch (k) {
	case EVPN_EC_UNKNOWN:
		if (type <= 0x02 && sub == ECOMM_SUB_SOO)
			snprintf(buf, EVPN_ECOMM_STRLEN, "SoO:%s", rt_fmt(c, v));
		break;
	case EVPN_EC_RT:
		snprintf(buf, EVPN_ECOMM_STRLEN, "RT:%s", rt_fmt(c, v));
		break;
	case EVPN_EC_ENCAP:
		if (evpn_ecomm_get_encap(c, &tt) == 0)
			snprintf(buf, EVPN_ECOMM_STRLEN, "ET:%u", tt);
		break;
	case EVPN_EC_DEF_GW:
		snprintf(buf, EVPN_ECOMM_STRLEN, "Default Gateway");
		break;
	default:
		fmt_evpn(c, k, buf);
	}
	return buf;
}

char *evpn_ecomm_list_fmt(struct buf *ecomms, char *buf, size_t size)
{
	char one[EVPN_ECOMM_STRLEN];
	struct ecomm c;
	size_t off = 0;
	int n;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	while (off < size && buf_get_bytes(ecomms, c.octet, ECOMM_LEN) == 0) {
		evpn_ecomm_fmt(&c, one);
		n = snprintf(buf + off, size - off, "%s%s", off ? " " : "", one);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}
