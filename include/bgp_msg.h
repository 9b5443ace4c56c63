/*
 * bgp_msg.h - BGP-4 message codec: header framing, OPEN with capabilities,
 * NOTIFICATION, KEEPALIVE and ROUTE-REFRESH (RFC 4271, 4760, 5492, 6793,
 * 2918, 7313, 4724, 8654, 9072, 9003, 8538).  UPDATE is in bgp_attr.h.
 *
 * Pure functions: decoders read through struct buf and return 0, or -1 with
 * the NOTIFICATION the session must send in a struct bgp_notify; encoders
 * append to a struct wbuf and return -1 if it overflowed.  Nothing here
 * allocates, logs or keeps state.  Decoded slices (struct buf) point into
 * the caller's message and live as long as it does.
 */
#ifndef EVPND_BGP_MSG_H
#define EVPND_BGP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define BGP_MARKER_LEN 16
#define BGP_HDR_LEN 19
#define BGP_MAX_LEN 4096	/* RFC 4271 4.1 */
#define BGP_EXT_MAX_LEN 65535	/* RFC 8654, once both sides advertised it */
#define BGP_VERSION 4
#define BGP_AS_TRANS 23456	/* RFC 6793 */
#define BGP_PORT 179

enum bgp_type {
	BGP_OPEN = 1,
	BGP_UPDATE = 2,
	BGP_NOTIFICATION = 3,
	BGP_KEEPALIVE = 4,
	BGP_ROUTE_REFRESH = 5,
};

/* NOTIFICATION error codes (RFC 4271 4.5) and the subcodes we send or name. */
enum bgp_err {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
	BGP_ERR_RREFRESH = 7,	/* RFC 7313 */
};

enum bgp_err_header {
	BGP_EHDR_SYNC = 1,
	BGP_EHDR_LEN = 2,
	BGP_EHDR_TYPE = 3,
};

enum bgp_err_open {
	BGP_EOPEN_UNSPEC = 0,
	BGP_EOPEN_VERSION = 1,
	BGP_EOPEN_PEER_AS = 2,
	BGP_EOPEN_BGPID = 3,
	BGP_EOPEN_OPTPARAM = 4,
	BGP_EOPEN_HOLDTIME = 6,
	BGP_EOPEN_CAPA = 7,	/* RFC 5492 */
};

enum bgp_err_update {
	BGP_EUPD_ATTRLIST = 1,
	BGP_EUPD_UNKWN_WK = 2,
	BGP_EUPD_MISSING_WK = 3,
	BGP_EUPD_ATTRFLAGS = 4,
	BGP_EUPD_ATTRLEN = 5,
	BGP_EUPD_ORIGIN = 6,
	BGP_EUPD_NEXTHOP = 8,
	BGP_EUPD_OPTATTR = 9,
	BGP_EUPD_NETWORK = 10,
	BGP_EUPD_ASPATH = 11,
};

enum bgp_err_cease {
	BGP_ECEASE_MAXPFX = 1,
	BGP_ECEASE_ADMIN_SHUTDOWN = 2,	/* RFC 9003 communication */
	BGP_ECEASE_PEER_DECONF = 3,
	BGP_ECEASE_ADMIN_RESET = 4,	/* RFC 9003 communication */
	BGP_ECEASE_CONN_REJECT = 5,
	BGP_ECEASE_CONFIG_CHANGE = 6,
	BGP_ECEASE_COLLISION = 7,
	BGP_ECEASE_RESOURCES = 8,
	BGP_ECEASE_HARD_RESET = 9,	/* RFC 8538 */
	BGP_ECEASE_BFD_DOWN = 10,
};

#define BGP_SHUTDOWN_COMM_MAX 255	/* RFC 9003 section 2 */

/*
 * A NOTIFICATION to send or that was received.  Its data on the wire is
 * the inline bytes idata[0..ilen) followed by the slice ref; ref usually
 * points into the offending message (the attribute of an UPDATE error) so
 * nothing is copied.  The struct may be copied by assignment.
 */
struct bgp_notify {
	uint8_t code;
	uint8_t subcode;
	uint8_t ilen;
	uint8_t idata[8];
	struct buf ref;
};

/* A received NOTIFICATION; n.ref is all of its data. */
struct bgp_notify_in {
	struct bgp_notify n;
	bool hard_reset;	/* RFC 8538: Cease/Hard Reset, inner_* below valid */
	uint8_t inner_code;
	uint8_t inner_subcode;
	struct buf inner_data;
	/*
	 * RFC 9003 shutdown communication of Cease/2 or Cease/4 (also inside a
	 * Hard Reset): UTF-8, not NUL-terminated, 0..255 bytes.  comm_bad is set
	 * when its length overran the data or it is not valid UTF-8; comm is then
	 * empty and the caller must not print it.
	 */
	struct buf comm;
	bool comm_bad;
};

/* One framed message. */
struct bgp_msg {
	uint8_t type;
	uint16_t len;		/* including the 19-byte header */
	struct buf body;	/* len - 19 bytes after the header */
};

struct bgp_afisafi {
	uint16_t afi;
	uint8_t safi;
};

#define BGP_AFI_IPV4 1
#define BGP_AFI_IPV6 2
#define BGP_AFI_L2VPN 25
#define BGP_SAFI_UNICAST 1
#define BGP_SAFI_EVPN 70

#define BGP_CAPS_MAX_AFI 16	/* further AFI/SAFIs are counted in n_dropped */

/* Capability codes (IANA) this codec understands. */
enum bgp_capa {
	BGP_CAPA_MP = 1,
	BGP_CAPA_RR = 2,
	BGP_CAPA_EXTMSG = 6,
	BGP_CAPA_GR = 64,
	BGP_CAPA_AS4 = 65,
	BGP_CAPA_ERR = 70,	/* enhanced route refresh */
	BGP_CAPA_RR_CISCO = 128,
};

#define BGP_GR_F_RESTART 0x8	/* R: restarting (4-bit flags field) */
#define BGP_GR_F_NOTIF 0x4	/* N: RFC 8538 graceful NOTIFICATION */
#define BGP_GR_AF_FWD 0x80	/* F: forwarding state preserved */

struct bgp_gr_af {
	uint16_t afi;
	uint8_t safi;
	uint8_t flags;
};

/* Capabilities (RFC 5492) as advertised in an OPEN, or to advertise. */
struct bgp_caps {
	bool as4;
	uint32_t as4_asn;
	bool route_refresh;	/* code 2 or the pre-standard code 128 */
	bool enhanced_rr;
	bool ext_msg;
	uint8_t n_mp;
	struct bgp_afisafi mp[BGP_CAPS_MAX_AFI];
	bool gr;
	uint8_t gr_flags;	/* BGP_GR_F_* */
	uint16_t gr_time;	/* seconds, 12 bits */
	uint8_t n_gr;
	struct bgp_gr_af gr_af[BGP_CAPS_MAX_AFI];
	uint16_t n_unknown;	/* capabilities not understood (tolerated) */
	uint16_t n_bad;		/* known capabilities with a wrong length (ignored) */
	uint16_t n_dropped;	/* AFI/SAFI entries beyond BGP_CAPS_MAX_AFI */
};

struct bgp_open {
	uint8_t version;
	uint16_t my_as;		/* the 2-octet field; AS_TRANS for a 4-octet ASN */
	uint16_t hold_time;
	uint32_t bgp_id;	/* host order */
	bool ext_params;	/* RFC 9072 format (decode: seen; encode: force) */
	uint16_t n_bad_params;	/* optional parameters other than capabilities */
	uint8_t bad_param;	/* type of the first of them */
	struct bgp_caps caps;
};

/* What the local side expects of the peer's OPEN (RFC 4271 6.2). */
struct bgp_open_policy {
	uint32_t peer_as;
	uint32_t local_id;	/* host order; an iBGP peer must differ (RFC 6286) */
	bool ibgp;
	bool need_afi;		/* send 2/7 unless the peer offers afi/safi below */
	struct bgp_afisafi afi;
};

/*
 * Frame the next message from a byte stream.  Returns 1 when in holds less
 * than a whole message (nothing consumed), 0 with *m filled and the
 * message consumed, or -1 with *err set (header errors, RFC 4271 6.1:
 * marker, length outside 19..max_len or too short for its type, unknown
 * type).  max_len is BGP_MAX_LEN or, after RFC 8654 negotiation,
 * BGP_EXT_MAX_LEN (OPEN and KEEPALIVE stay limited to 4096).
 */
int bgp_msg_next(struct buf *in, size_t max_len, struct bgp_msg *m, struct bgp_notify *err);

/* Encoder framing: begin writes marker, length hole and type; finish sets it. */
long bgp_msg_begin(struct wbuf *w, uint8_t type);
int bgp_msg_finish(struct wbuf *w, long at);

/* OPEN body (after the header).  -1 with *err: 2/0 on malformed framing. */
int bgp_open_decode(struct buf *body, struct bgp_open *o, struct bgp_notify *err);
/* RFC 4271 6.2 checks; 0 if acceptable, else -1 and the NOTIFICATION. */
int bgp_open_validate(const struct bgp_open *o, const struct bgp_open_policy *p,
		      struct bgp_notify *err);
/* Fill version 4, my_as (AS_TRANS above 65535), the 4-octet AS capability. */
void bgp_open_init(struct bgp_open *o, uint32_t asn, uint16_t hold_time, uint32_t bgp_id);
/* The ASN the peer claims: the 4-octet capability's, else my_as. */
uint32_t bgp_open_asn(const struct bgp_open *o);
/* Whole message; capabilities in one optional parameter (RFC 9072 if needed). */
int bgp_open_encode(struct wbuf *w, const struct bgp_open *o);

int bgp_keepalive_encode(struct wbuf *w);

/* ROUTE-REFRESH (RFC 2918, subtype RFC 7313: 0 normal, 1 BoRR, 2 EoRR). */
struct bgp_rrefresh {
	uint16_t afi;
	uint8_t subtype;
	uint8_t safi;
};
#define BGP_RR_NORMAL 0
#define BGP_RR_BORR 1
#define BGP_RR_EORR 2

/* -1 with 7/1 (RFC 7313 5) on a wrong length for BoRR/EoRR, or a short body. */
int bgp_rrefresh_decode(struct buf *body, struct bgp_rrefresh *r, struct bgp_notify *err);
int bgp_rrefresh_encode(struct wbuf *w, const struct bgp_rrefresh *r);

void bgp_notify_set(struct bgp_notify *n, uint8_t code, uint8_t subcode);
/* Cease/2 or Cease/4 with an RFC 9003 message (cut to 255 bytes on a UTF-8 boundary). */
void bgp_notify_shutdown(struct bgp_notify *n, uint8_t subcode, const char *msg);
/* Wrap n as the data of a Cease/Hard Reset (RFC 8538 5); -1 if it does not fit. */
int bgp_notify_hard_reset(struct bgp_notify *n);
/* Whole message; data is cut to what fits into the wbuf and 4096 bytes. */
int bgp_notify_encode(struct wbuf *w, const struct bgp_notify *n);
/* Received NOTIFICATION body; -1 only when shorter than code and subcode. */
int bgp_notify_decode(struct buf *body, struct bgp_notify_in *in);

/* Static printable names ("unknown" for values not listed). */
const char *bgp_type_name(uint8_t type);
const char *bgp_err_name(uint8_t code);
const char *bgp_suberr_name(uint8_t code, uint8_t subcode);

#endif
