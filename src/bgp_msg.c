/*
 * bgp_msg.c - BGP-4 message codec except UPDATE (see bgp_msg.h).
 *
 * Invariants: every read of wire data goes through a struct buf, so a
 * length field can only ever bound a sub-buffer, never move a pointer past
 * the message (the FRR OPEN parser bugs CVE-2022-40302 and CVE-2022-43681
 * were length fields trusted beyond the buffer).  Decoders never allocate
 * and never keep state; encoders check the wbuf's sticky overflow once.
 */
#include <string.h>

#include "bgp_msg.h"

static const uint8_t bgp_marker[BGP_MARKER_LEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

void bgp_notify_set(struct bgp_notify *n, uint8_t code, uint8_t subcode)
{
	memset(n, 0, sizeof(*n));
	n->code = code;
	n->subcode = subcode;
}

/* Header errors carry the offending length (2 octets) or type (1 octet). */
static int hdr_error(struct bgp_notify *err, uint8_t subcode, uint16_t val, uint8_t width)
{
	bgp_notify_set(err, BGP_ERR_HEADER, subcode);
	if (width == 2) {
		err->idata[0] = (uint8_t)(val >> 8);
		err->idata[1] = (uint8_t)val;
	} else if (width == 1) {
		err->idata[0] = (uint8_t)val;
	}
	err->ilen = width;
	return -1;
}

/* RFC 4271 4.2-4.5, RFC 2918 3: the least length of each type. */
static int type_len_ok(uint8_t type, uint16_t len, size_t max_len)
{
	switch (type) {
	case BGP_OPEN:
		return len >= 29 && len <= BGP_MAX_LEN; /* RFC 8654 3 */
	case BGP_UPDATE:
		return len >= 23 && len <= max_len;
	case BGP_NOTIFICATION:
		return len >= 21 && len <= max_len;
	case BGP_KEEPALIVE:
		return len == BGP_HDR_LEN;
	case BGP_ROUTE_REFRESH:
		return len >= 23 && len <= max_len;
	}
	return 1;
}

int bgp_msg_next(struct buf *in, size_t max_len, struct bgp_msg *m, struct bgp_notify *err)
{
	struct buf h = *in;
	uint8_t marker[BGP_MARKER_LEN];
	uint16_t len;
	uint8_t type;

	if (buf_get_bytes(&h, marker, sizeof(marker)) == -1 || buf_get_u16(&h, &len) == -1 ||
	    buf_get_u8(&h, &type) == -1)
		return 1;
	if (memcmp(marker, bgp_marker, sizeof(marker)) != 0)
		return hdr_error(err, BGP_EHDR_SYNC, 0, 0);
	if (len < BGP_HDR_LEN || len > max_len)
		return hdr_error(err, BGP_EHDR_LEN, len, 2);
	if (type < BGP_OPEN || type > BGP_ROUTE_REFRESH)
		return hdr_error(err, BGP_EHDR_TYPE, type, 1);
	if (!type_len_ok(type, len, max_len))
		return hdr_error(err, BGP_EHDR_LEN, len, 2);
	if (buf_get_sub(&h, len - BGP_HDR_LEN, &m->body) == -1)
		return 1;
	m->type = type;
	m->len = len;
	*in = h;
	return 0;
}

long bgp_msg_begin(struct wbuf *w, uint8_t type)
{
	long at = (long)w->len;

	if (wbuf_put_bytes(w, bgp_marker, sizeof(bgp_marker)) == -1 || wbuf_put_u16(w, 0) == -1 ||
	    wbuf_put_u8(w, type) == -1)
		return -1;
	return at;
}

int bgp_msg_finish(struct wbuf *w, long at)
{
	size_t len;

	if (at < 0 || w->overflow)
		return -1;
	len = w->len - (size_t)at;
	if (len > BGP_EXT_MAX_LEN)
		return -1;
	wbuf_set_u16(w, (size_t)at + BGP_MARKER_LEN, (uint16_t)len);
	return 0;
}

/* ---- OPEN ---------------------------------------------------------- */

static void capa_mp(struct bgp_caps *c, struct buf *v)
{
	struct bgp_afisafi a;
	uint8_t res;

	if (v->len != 4 || buf_get_u16(v, &a.afi) == -1 || buf_get_u8(v, &res) == -1 ||
	    buf_get_u8(v, &a.safi) == -1) {
		c->n_bad++;
		return;
	}
	for (uint8_t i = 0; i < c->n_mp; i++)
		if (c->mp[i].afi == a.afi && c->mp[i].safi == a.safi)
			return;
	if (c->n_mp == BGP_CAPS_MAX_AFI) {
		c->n_dropped++;
		return;
	}
	c->mp[c->n_mp++] = a;
}

/* RFC 4724 3: flags(4) time(12), then (AFI, SAFI, flags) tuples. */
static void capa_gr(struct bgp_caps *c, struct buf *v)
{
	uint16_t ft;
	struct bgp_gr_af af;

	if (v->len < 2 || (v->len - 2) % 4 != 0 || buf_get_u16(v, &ft) == -1) {
		c->n_bad++;
		return;
	}
	c->gr = true;
	c->gr_flags = (uint8_t)(ft >> 12);
	c->gr_time = ft & 0x0fff;
	c->n_gr = 0;
	while (buf_left(v) >= 4) {
		if (buf_get_u16(v, &af.afi) == -1 || buf_get_u8(v, &af.safi) == -1 ||
		    buf_get_u8(v, &af.flags) == -1)
			break;
		if (c->n_gr == BGP_CAPS_MAX_AFI) {
			c->n_dropped++;
			continue;
		}
		c->gr_af[c->n_gr++] = af;
	}
}

/* Flag capabilities carry no value (RFC 2918, 7313, 8654). */
static void capa_flag(struct bgp_caps *c, struct buf *v, bool *flag)
{
	if (v->len != 0) {
		c->n_bad++;
		return;
	}
	*flag = true;
}

static void capa_one(struct bgp_caps *c, uint8_t code, struct buf *v)
{
	switch (code) {
	case BGP_CAPA_MP:
		capa_mp(c, v);
		break;
	case BGP_CAPA_RR:
	case BGP_CAPA_RR_CISCO:
		capa_flag(c, v, &c->route_refresh);
		break;
	case BGP_CAPA_ERR:
		capa_flag(c, v, &c->enhanced_rr);
		break;
	case BGP_CAPA_EXTMSG:
		capa_flag(c, v, &c->ext_msg);
		break;
	case BGP_CAPA_GR:
		capa_gr(c, v);
		break;
	case BGP_CAPA_AS4:
		if (v->len != 4 || buf_get_u32(v, &c->as4_asn) == -1) {
			c->n_bad++;
			break;
		}
		c->as4 = true;
		break;
	default:
		c->n_unknown++;
		break;
	}
}

/* RFC 5492 4: a parameter of type 2 holds any number of capability TLVs. */
static int capa_list(struct bgp_caps *c, struct buf *p)
{
	uint8_t code, len;
	struct buf v;

	while (buf_left(p) > 0) {
		if (buf_get_u8(p, &code) == -1 || buf_get_u8(p, &len) == -1 ||
		    buf_get_sub(p, len, &v) == -1)
			return -1;
		capa_one(c, code, &v);
	}
	return 0;
}

/*
 * Optional parameters, RFC 4271 4.2 and RFC 9072 2: when the first octet
 * after a non-zero Opt Parm Len is 255, a 2-octet extended length follows
 * and every parameter's length is 2 octets.
 */
static int open_params(struct buf *b, struct bgp_open *o)
{
	uint8_t optlen, first, type;
	uint16_t extlen, plen;
	struct buf params, p;

	if (buf_get_u8(b, &optlen) == -1)
		return -1;
	if (optlen != 0 && buf_peek_u8(b, &first) == 0 && first == 255) {
		if (buf_skip(b, 1) == -1 || buf_get_u16(b, &extlen) == -1 ||
		    buf_get_sub(b, extlen, &params) == -1)
			return -1;
		o->ext_params = true;
	} else if (buf_get_sub(b, optlen, &params) == -1) {
		return -1;
	}
	if (buf_left(b) != 0)
		return -1;
	while (buf_left(&params) > 0) {
		if (buf_get_u8(&params, &type) == -1)
			return -1;
		if (o->ext_params) {
			if (buf_get_u16(&params, &plen) == -1)
				return -1;
		} else {
			uint8_t l8;

			if (buf_get_u8(&params, &l8) == -1)
				return -1;
			plen = l8;
		}
		if (buf_get_sub(&params, plen, &p) == -1)
			return -1;
		if (type == 2) {
			if (capa_list(&o->caps, &p) == -1)
				return -1;
		} else if (o->n_bad_params++ == 0) {
			o->bad_param = type;
		}
	}
	return 0;
}

int bgp_open_decode(struct buf *body, struct bgp_open *o, struct bgp_notify *err)
{
	memset(o, 0, sizeof(*o));
	if (buf_get_u8(body, &o->version) == -1 || buf_get_u16(body, &o->my_as) == -1 ||
	    buf_get_u16(body, &o->hold_time) == -1 || buf_get_u32(body, &o->bgp_id) == -1 ||
	    open_params(body, o) == -1) {
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_EOPEN_UNSPEC);
		return -1;
	}
	return 0;
}

uint32_t bgp_open_asn(const struct bgp_open *o)
{
	return o->caps.as4 ? o->caps.as4_asn : o->my_as;
}

static bool open_has_afi(const struct bgp_open *o, const struct bgp_afisafi *a)
{
	for (uint8_t i = 0; i < o->caps.n_mp; i++)
		if (o->caps.mp[i].afi == a->afi && o->caps.mp[i].safi == a->safi)
			return true;
	return false;
}

int bgp_open_validate(const struct bgp_open *o, const struct bgp_open_policy *p,
		      struct bgp_notify *err)
{
	if (o->version != BGP_VERSION) {
		/* RFC 4271 6.2: data is the largest supported version, 2 octets */
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_EOPEN_VERSION);
		err->idata[1] = BGP_VERSION;
		err->ilen = 2;
		return -1;
	}
	if (bgp_open_asn(o) != p->peer_as ||
	    (o->caps.as4 && o->my_as != BGP_AS_TRANS && o->my_as != o->caps.as4_asn)) {
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_EOPEN_PEER_AS);
		return -1;
	}
	if (o->hold_time == 1 || o->hold_time == 2) {
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_EOPEN_HOLDTIME);
		return -1;
	}
	if (o->bgp_id == 0 || (p->ibgp && o->bgp_id == p->local_id)) {
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_EOPEN_BGPID);
		return -1;
	}
	if (o->n_bad_params > 0) {
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_EOPEN_OPTPARAM);
		return -1;
	}
	if (p->need_afi && !open_has_afi(o, &p->afi)) {
		/* RFC 5492 3: data lists the capability we need */
		bgp_notify_set(err, BGP_ERR_OPEN, BGP_EOPEN_CAPA);
		err->idata[0] = BGP_CAPA_MP;
		err->idata[1] = 4;
		err->idata[2] = (uint8_t)(p->afi.afi >> 8);
		err->idata[3] = (uint8_t)p->afi.afi;
		err->idata[4] = 0;
		err->idata[5] = p->afi.safi;
		err->ilen = 6;
		return -1;
	}
	return 0;
}

void bgp_open_init(struct bgp_open *o, uint32_t asn, uint16_t hold_time, uint32_t bgp_id)
{
	memset(o, 0, sizeof(*o));
	o->version = BGP_VERSION;
	o->my_as = asn > 0xffff ? BGP_AS_TRANS : (uint16_t)asn;
	o->hold_time = hold_time;
	o->bgp_id = bgp_id;
	o->caps.as4 = true;
	o->caps.as4_asn = asn;
}

static void capa_put_hdr(struct wbuf *w, uint8_t code, uint8_t len)
{
	wbuf_put_u8(w, code);
	wbuf_put_u8(w, len);
}

static void capa_encode(struct wbuf *w, const struct bgp_caps *c)
{
	for (uint8_t i = 0; i < c->n_mp && i < BGP_CAPS_MAX_AFI; i++) {
		capa_put_hdr(w, BGP_CAPA_MP, 4);
		wbuf_put_u16(w, c->mp[i].afi);
		wbuf_put_u8(w, 0);
		wbuf_put_u8(w, c->mp[i].safi);
	}
	if (c->route_refresh)
		capa_put_hdr(w, BGP_CAPA_RR, 0);
	if (c->enhanced_rr)
		capa_put_hdr(w, BGP_CAPA_ERR, 0);
	if (c->ext_msg)
		capa_put_hdr(w, BGP_CAPA_EXTMSG, 0);
	if (c->gr) {
		uint8_t n = c->n_gr < BGP_CAPS_MAX_AFI ? c->n_gr : BGP_CAPS_MAX_AFI;

		capa_put_hdr(w, BGP_CAPA_GR, (uint8_t)(2 + 4 * n));
		wbuf_put_u16(w, (uint16_t)((c->gr_flags & 0xf) << 12 | (c->gr_time & 0x0fff)));
		for (uint8_t i = 0; i < n; i++) {
			wbuf_put_u16(w, c->gr_af[i].afi);
			wbuf_put_u8(w, c->gr_af[i].safi);
			wbuf_put_u8(w, c->gr_af[i].flags);
		}
	}
	if (c->as4) {
		capa_put_hdr(w, BGP_CAPA_AS4, 4);
		wbuf_put_u32(w, c->as4_asn);
	}
}

/*
 * All capabilities go in one optional parameter of type 2.  When that
 * does not fit the 1-octet lengths (or ext_params asks for it), the
 * RFC 9072 form is used: Opt Parm Len 255, type 255, 2-octet lengths.
 */
int bgp_open_encode(struct wbuf *w, const struct bgp_open *o)
{
	uint8_t tmp[BGP_MAX_LEN];
	struct wbuf cw;
	long at = bgp_msg_begin(w, BGP_OPEN);

	wbuf_init(&cw, tmp, sizeof(tmp) - 64);
	capa_encode(&cw, &o->caps);
	if (cw.overflow)
		return -1;
	wbuf_put_u8(w, o->version);
	wbuf_put_u16(w, o->my_as);
	wbuf_put_u16(w, o->hold_time);
	wbuf_put_u32(w, o->bgp_id);
	if (cw.len == 0 && !o->ext_params) {
		wbuf_put_u8(w, 0);
	} else if (cw.len + 2 <= 255 && !o->ext_params) {
		wbuf_put_u8(w, (uint8_t)(cw.len + 2));
		wbuf_put_u8(w, 2);
		wbuf_put_u8(w, (uint8_t)cw.len);
	} else {
		wbuf_put_u8(w, 255);
		wbuf_put_u8(w, 255);
		wbuf_put_u16(w, (uint16_t)(cw.len + 3));
		wbuf_put_u8(w, 2);
		wbuf_put_u16(w, (uint16_t)cw.len);
	}
	wbuf_put_bytes(w, tmp, cw.len);
	return bgp_msg_finish(w, at);
}

int bgp_keepalive_encode(struct wbuf *w)
{
	return bgp_msg_finish(w, bgp_msg_begin(w, BGP_KEEPALIVE));
}

/* ---- ROUTE-REFRESH ------------------------------------------------- */

int bgp_rrefresh_decode(struct buf *body, struct bgp_rrefresh *r, struct bgp_notify *err)
{
	if (buf_get_u16(body, &r->afi) == -1 || buf_get_u8(body, &r->subtype) == -1 ||
	    buf_get_u8(body, &r->safi) == -1)
		goto bad_len;
	/* RFC 7313 5: BoRR/EoRR must be exactly 4 octets; subtype 0 may carry ORFs */
	if ((r->subtype == BGP_RR_BORR || r->subtype == BGP_RR_EORR) && buf_left(body) != 0)
		goto bad_len;
	return 0;
bad_len:
	bgp_notify_set(err, BGP_ERR_RREFRESH, 1);
	return -1;
}

int bgp_rrefresh_encode(struct wbuf *w, const struct bgp_rrefresh *r)
{
	long at = bgp_msg_begin(w, BGP_ROUTE_REFRESH);

	wbuf_put_u16(w, r->afi);
	wbuf_put_u8(w, r->subtype);
	wbuf_put_u8(w, r->safi);
	return bgp_msg_finish(w, at);
}

/* ---- NOTIFICATION -------------------------------------------------- */

/* Structural UTF-8 check (RFC 3629): no overlongs, surrogates or > U+10FFFF. */
static bool utf8_valid(struct buf b)
{
	uint8_t c, d;
	uint32_t cp;
	int n;

	while (buf_get_u8(&b, &c) == 0) {
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			return false;
		cp = c & (0x7fu >> (n + 1));
		for (int i = 0; i < n; i++) {
			if (buf_get_u8(&b, &d) == -1 || (d & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (d & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
	}
	return true;
}

/* RFC 9003 2: length octet, then that many octets of UTF-8. */
static void shutdown_comm(struct buf data, struct bgp_notify_in *in)
{
	uint8_t len;

	if (buf_get_u8(&data, &len) == -1)
		return;
	if (buf_get_sub(&data, len, &in->comm) == -1 || !utf8_valid(in->comm)) {
		buf_init(&in->comm, NULL, 0);
		in->comm_bad = true;
	}
}

static bool is_comm_cease(uint8_t code, uint8_t subcode)
{
	return code == BGP_ERR_CEASE &&
	       (subcode == BGP_ECEASE_ADMIN_SHUTDOWN || subcode == BGP_ECEASE_ADMIN_RESET);
}

int bgp_notify_decode(struct buf *body, struct bgp_notify_in *in)
{
	struct buf data;

	memset(in, 0, sizeof(*in));
	if (buf_get_u8(body, &in->n.code) == -1 || buf_get_u8(body, &in->n.subcode) == -1)
		return -1;
	buf_get_sub(body, buf_left(body), &in->n.ref);
	data = in->n.ref;
	if (in->n.code == BGP_ERR_CEASE && in->n.subcode == BGP_ECEASE_HARD_RESET &&
	    buf_get_u8(&data, &in->inner_code) == 0 && buf_get_u8(&data, &in->inner_subcode) == 0) {
		/* RFC 8538 5: the data is the NOTIFICATION that caused the reset */
		in->hard_reset = true;
		buf_get_sub(&data, buf_left(&data), &in->inner_data);
		if (is_comm_cease(in->inner_code, in->inner_subcode))
			shutdown_comm(in->inner_data, in);
	} else if (is_comm_cease(in->n.code, in->n.subcode)) {
		shutdown_comm(data, in);
	}
	return 0;
}

void bgp_notify_shutdown(struct bgp_notify *n, uint8_t subcode, const char *msg)
{
	size_t len = strlen(msg);

	bgp_notify_set(n, BGP_ERR_CEASE, subcode);
	if (len > BGP_SHUTDOWN_COMM_MAX) {
		len = BGP_SHUTDOWN_COMM_MAX;
		/* do not cut a multi-octet character: back off continuation octets */
		while (len > 0 && ((uint8_t)msg[len] & 0xc0) == 0x80)
			len--;
	}
	n->idata[0] = (uint8_t)len;
	n->ilen = 1;
	buf_init(&n->ref, msg, len);
}

int bgp_notify_hard_reset(struct bgp_notify *n)
{
	if (n->ilen + 2u > sizeof(n->idata))
		return -1;
	memmove(n->idata + 2, n->idata, n->ilen);
	n->idata[0] = n->code;
	n->idata[1] = n->subcode;
	n->ilen += 2;
	n->code = BGP_ERR_CEASE;
	n->subcode = BGP_ECEASE_HARD_RESET;
	return 0;
}

int bgp_notify_encode(struct wbuf *w, const struct bgp_notify *n)
{
	long at = bgp_msg_begin(w, BGP_NOTIFICATION);
	size_t room, ref;

	wbuf_put_u8(w, n->code);
	wbuf_put_u8(w, n->subcode);
	wbuf_put_bytes(w, n->idata, n->ilen);
	if (at < 0 || w->overflow)
		return -1;
	room = w->cap - w->len;
	if (room > BGP_MAX_LEN - (w->len - (size_t)at))
		room = BGP_MAX_LEN - (w->len - (size_t)at);
	ref = buf_left(&n->ref) < room ? buf_left(&n->ref) : room;
	wbuf_put_bytes(w, buf_cur(&n->ref), ref);
	return bgp_msg_finish(w, at);
}

/* ---- names --------------------------------------------------------- */

const char *bgp_type_name(uint8_t type)
{
	static const char *const names[] = {
		"unknown", "OPEN", "UPDATE", "NOTIFICATION", "KEEPALIVE", "ROUTE-REFRESH",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : names[0];
}

const char *bgp_err_name(uint8_t code)
{
	static const char *const names[] = {
		"unknown",
		"Message Header Error",
		"OPEN Message Error",
		"UPDATE Message Error",
		"Hold Timer Expired",
		"Finite State Machine Error",
		"Cease",
		"ROUTE-REFRESH Message Error",
	};

	return code < sizeof(names) / sizeof(names[0]) ? names[code] : names[0];
}

static const char *const sub_header[] = {
	"Unspecific", "Connection Not Synchronized", "Bad Message Length", "Bad Message Type",
};
static const char *const sub_open[] = {
	"Unspecific", "Unsupported Version Number", "Bad Peer AS", "Bad BGP Identifier",
	"Unsupported Optional Parameter", "Deprecated (Authentication Failure)",
	"Unacceptable Hold Time", "Unsupported Capability", "Deprecated",
	"Deprecated", "Deprecated", "Role Mismatch",
};
static const char *const sub_update[] = {
	"Unspecific", "Malformed Attribute List", "Unrecognized Well-known Attribute",
	"Missing Well-known Attribute", "Attribute Flags Error", "Attribute Length Error",
	"Invalid ORIGIN Attribute", "Deprecated (AS Routing Loop)", "Invalid NEXT_HOP Attribute",
	"Optional Attribute Error", "Invalid Network Field", "Malformed AS_PATH",
};
static const char *const sub_fsm[] = {
	"Unspecified", "Unexpected Message in OpenSent", "Unexpected Message in OpenConfirm",
	"Unexpected Message in Established",
};
static const char *const sub_cease[] = {
	"Unspecific", "Maximum Number of Prefixes Reached", "Administrative Shutdown",
	"Peer De-configured", "Administrative Reset", "Connection Rejected",
	"Other Configuration Change", "Connection Collision Resolution", "Out of Resources",
	"Hard Reset", "BFD Down",
};
static const char *const sub_rrefresh[] = {
	"Reserved", "Invalid Message Length",
};

#define NAME_AT(tab, i) ((i) < sizeof(tab) / sizeof((tab)[0]) ? (tab)[i] : "unknown")

const char *bgp_suberr_name(uint8_t code, uint8_t subcode)
{
	switch (code) {
	case BGP_ERR_HEADER:
		return NAME_AT(sub_header, subcode);
	case BGP_ERR_OPEN:
		return NAME_AT(sub_open, subcode);
	case BGP_ERR_UPDATE:
		return NAME_AT(sub_update, subcode);
	case BGP_ERR_HOLD:
		return subcode == 0 ? "Unspecific" : "unknown";
	case BGP_ERR_FSM:
		return NAME_AT(sub_fsm, subcode);
	case BGP_ERR_CEASE:
		return NAME_AT(sub_cease, subcode);
	case BGP_ERR_RREFRESH:
		return NAME_AT(sub_rrefresh, subcode);
	}
	return "unknown";
}
