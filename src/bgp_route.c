/*
 * bgp_route.c - routes over a session (see bgp_route.h): UPDATE input with
 * RFC 7606 verdicts, EVPN NLRI walk, End-of-RIB, and output to the peer.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bgp.h"
#include "bgp_attr.h"
#include "bgp_peer.h"
#include "bgp_route.h"
#include "evpn_nlri.h"
#include "log.h"

struct bgp_route_state {
	uint64_t nlri_in, withdrawn_in, malformed_nlri, unknown_type;
	uint64_t verdicts[BGP_ACT_RESET + 1];
	uint64_t eor_rcvd;
	bool eor_sent;
};

void bgp_route_peer_init(struct bgp_peer *p)
{
	p->rs = calloc(1, sizeof(*p->rs));
	if (!p->rs)
		abort();
}

void bgp_route_peer_fini(struct bgp_peer *p)
{
	free(p->rs);
	p->rs = NULL;
}

static void send_eor(struct bgp_peer *p)
{
	uint8_t m[64];
	struct wbuf w;

	wbuf_init(&w, m, sizeof(m));
	if (bgp_eor_encode(&w, BGP_AFI_L2VPN, BGP_SAFI_EVPN) == 0 && !w.overflow)
		bgp_peer_send_raw(p, m, w.len);
	p->rs->eor_sent = true;
}

void bgp_route_session_up(struct bgp_peer *p)
{
	p->rs->eor_sent = false;
	send_eor(p);
}

void bgp_route_session_down(struct bgp_peer *p)
{
}

static void reset_session(struct bgp_peer *p, uint8_t subcode, const char *why)
{
	struct bgp_notify n;

	log_warn(p->subject, "UPDATE error: %s: session reset", why);
	bgp_notify_set(&n, BGP_ERR_UPDATE, subcode);
	bgp_fsm_event(&p->fsm, BGP_EV_MSG_ERROR, &n);
}

/*
 * Walk the EVPN NLRI of one MP attribute.  Returns -1 when the framing broke
 * (RFC 7606 5.3/7.11: nothing after it can be trusted).
 */
static int walk_evpn(struct bgp_peer *p, struct buf nlri, bool withdraw)
{
	struct evpn_route r;
	enum evpn_nlri_err err;
	int rc;

	while ((rc = evpn_nlri_next(&nlri, &r, &err)) == 1) {
		if (err == EVPN_NLRI_UNKNOWN_TYPE) {
			p->rs->unknown_type++;
			continue;
		}
		if (err != EVPN_NLRI_OK) {
			p->rs->malformed_nlri++;
			if (!r.key_valid)
				continue;
			withdraw = true;
		}
		if (withdraw)
			p->rs->withdrawn_in++;
		else
			p->rs->nlri_in++;
	}
	return rc == -1 ? -1 : 0;
}

void bgp_route_update_in(struct bgp_peer *p, struct buf *body)
{
	const struct bgp_identity *id = bgp_identity(p->bgp);
	struct bgp_upd_ctx ctx = {p->cfg.remote_asn == id->asn, p->as4, p->ext_msg};
	struct bgp_update u;
	bool withdraw;

	if (bgp_update_decode(body, &ctx, &u) == -1) {
		p->rs->verdicts[BGP_ACT_RESET]++;
		log_warn(p->subject, "UPDATE error: %s (attribute %u): session reset",
			 bgp_reason_name(u.v.reason), u.v.attr_type);
		bgp_fsm_event(&p->fsm, BGP_EV_MSG_ERROR, &u.v.notify);
		return;
	}
	p->rs->verdicts[u.v.action]++;
	if (u.v.action != BGP_ACT_NONE)
		log_warn(p->subject, "UPDATE error: %s (attribute %u): %s",
			 bgp_reason_name(u.v.reason), u.v.attr_type, bgp_action_name(u.v.action));
	if (u.v.action == BGP_ACT_AFI_DISABLE) {
		reset_session(p, BGP_EUPD_OPTATTR, "AFI/SAFI disable requested for our only AFI");
		return;
	}
	if (u.eor) {
		p->rs->eor_rcvd++;
		log_info(p->subject, "End-of-RIB received");
		return;
	}
	withdraw = u.v.action == BGP_ACT_WITHDRAW;
	if (u.mp_unreach_ok && u.mp_unreach.afi == BGP_AFI_L2VPN &&
	    u.mp_unreach.safi == BGP_SAFI_EVPN && walk_evpn(p, u.mp_unreach.nlri, true) == -1) {
		reset_session(p, BGP_EUPD_OPTATTR, "EVPN NLRI framing in MP_UNREACH_NLRI");
		return;
	}
	if (u.mp_reach_ok && u.mp_reach.afi == BGP_AFI_L2VPN && u.mp_reach.safi == BGP_SAFI_EVPN &&
	    walk_evpn(p, u.mp_reach.nlri, withdraw) == -1) {
		reset_session(p, BGP_EUPD_OPTATTR, "EVPN NLRI framing in MP_REACH_NLRI");
		return;
	}
}

void bgp_route_refresh_out(struct bgp_peer *p)
{
	send_eor(p);
}

void bgp_route_refresh_marker(struct bgp_peer *p, uint8_t subtype)
{
}

void bgp_route_output_ready(struct bgp_peer *p)
{
}

void bgp_route_peer_json(const struct bgp_peer *p, json_object *o)
{
	const struct bgp_route_state *rs = p->rs;
	json_object *v = json_object_new_object();

	json_object_object_add(o, "prefixes-received", json_object_new_int64((int64_t)rs->nlri_in));
	json_object_object_add(o, "prefixes-withdrawn",
			       json_object_new_int64((int64_t)rs->withdrawn_in));
	json_object_object_add(o, "end-of-rib-received",
			       json_object_new_boolean(rs->eor_rcvd > 0));
	for (int a = BGP_ACT_ATTR_DISCARD; a <= BGP_ACT_RESET; a++)
		json_object_object_add(v, bgp_action_name((enum bgp_action)a),
				       json_object_new_int64((int64_t)rs->verdicts[a]));
	json_object_object_add(v, "malformed-nlri",
			       json_object_new_int64((int64_t)rs->malformed_nlri));
	json_object_object_add(v, "unknown-route-type",
			       json_object_new_int64((int64_t)rs->unknown_type));
	json_object_object_add(o, "update-errors", v);
}
