/*
 * bgp_peer.c - a configured neighbour: FSM operations (timers, connections,
 * messages), OPEN negotiation, RFC 4271 6.8 collision resolution, message
 * dispatch, and the state shown by `evpnctl show neighbors`.
 *
 * Routes are not handled here: UPDATEs go to bgp_route.c, which talks to the
 * RIB.  The peer only knows whether its session is up.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "bgp.h"
#include "bgp_attr.h"
#include "bgp_peer.h"
#include "bgp_route.h"
#include "log.h"

#define MSG_BUF 4096

static struct bgp_peer *peer_of(void *arg)
{
	return arg;
}

/* ---- FSM operations -------------------------------------------------- */

static void op_connect(void *arg)
{
	struct bgp_peer *p = peer_of(arg);

	bgp_conn_release(p->conn);
	p->conn = bgp_conn_connect(p);
	if (!p->conn)
		bgp_fsm_event(&p->fsm, BGP_EV_CONN_FAIL, NULL);
}

static void op_disconnect(void *arg)
{
	struct bgp_peer *p = peer_of(arg);

	bgp_conn_release(p->conn);
	p->conn = NULL;
	bgp_conn_release(p->pending);
	p->pending = NULL;
}

static void count_msg(struct bgp_msg_count *c, uint8_t type)
{
	c->total++;
	switch (type) {
	case BGP_OPEN:
		c->open++;
		break;
	case BGP_UPDATE:
		c->update++;
		break;
	case BGP_NOTIFICATION:
		c->notification++;
		break;
	case BGP_KEEPALIVE:
		c->keepalive++;
		break;
	case BGP_ROUTE_REFRESH:
		c->route_refresh++;
		break;
	}
}

static void count_sent(struct bgp_peer *p, uint8_t type)
{
	count_msg(&p->sent, type);
}

/* Send one encoded message on c (the session's connection by default). */
static void send_msg(struct bgp_peer *p, struct bgp_conn *c, const struct wbuf *w)
{
	if (w->overflow) {
		log_err(p->subject, "internal error: message does not fit its buffer");
		return;
	}
	if (bgp_conn_send(c, w->data, w->len) == 0)
		count_sent(p, w->data[18]);
}

static void build_open(struct bgp_peer *p, struct bgp_open *o)
{
	const struct bgp_identity *id = bgp_identity(p->bgp);

	bgp_open_init(o, id->asn, p->cfg.hold_time, id->router_id);
	o->caps.n_mp = 1;
	o->caps.mp[0].afi = BGP_AFI_L2VPN;
	o->caps.mp[0].safi = BGP_SAFI_EVPN;
	o->caps.route_refresh = true;
	o->caps.enhanced_rr = true;
	o->caps.ext_msg = true;
	/*
	 * RFC 4724: evpnd keeps the kernel's forwarding state across restarts
	 * (F); R while it is within its restart time after starting; RFC 8538 N.
	 */
	o->caps.gr = true;
	o->caps.gr_time = BGP_GR_RESTART_TIME;
	o->caps.gr_flags = BGP_GR_F_NOTIF | (bgp_restarting(p->bgp) ? BGP_GR_F_RESTART : 0);
	o->caps.n_gr = 1;
	o->caps.gr_af[0].afi = BGP_AFI_L2VPN;
	o->caps.gr_af[0].safi = BGP_SAFI_EVPN;
	o->caps.gr_af[0].flags = BGP_GR_AF_FWD;
}

/* Should leaving Established keep the peer's routes (RFC 4724 helper, RFC 8538)? */
static bool graceful_down(const struct bgp_peer *p, enum bgp_event why)
{
	if (!p->gr_evpn || p->deleting)
		return false;
	switch (why) {
	case BGP_EV_CONN_FAIL:
	case BGP_EV_HOLD_EXPIRED:
		return true;
	case BGP_EV_NOTIF_RCVD:
		return p->gr_notif && !p->rcvd_hard_reset;
	default:
		return false;
	}
}

static void send_open_on(struct bgp_peer *p, struct bgp_conn *c)
{
	uint8_t m[MSG_BUF];
	struct wbuf w;
	struct bgp_open o;

	build_open(p, &o);
	wbuf_init(&w, m, sizeof(m));
	bgp_open_encode(&w, &o);
	send_msg(p, c, &w);
}

static void op_send_open(void *arg)
{
	struct bgp_peer *p = peer_of(arg);

	send_open_on(p, p->conn);
}

static void op_send_keepalive(void *arg)
{
	struct bgp_peer *p = peer_of(arg);
	uint8_t m[BGP_HDR_LEN];
	struct wbuf w;

	wbuf_init(&w, m, sizeof(m));
	bgp_keepalive_encode(&w);
	send_msg(p, p->conn, &w);
}

static void describe_notify(char *out, size_t size, const struct bgp_notify *n)
{
	snprintf(out, size, "%s/%s", bgp_err_name(n->code), bgp_suberr_name(n->code, n->subcode));
}

static void send_notification_on(struct bgp_peer *p, struct bgp_conn *c,
				 const struct bgp_notify *n)
{
	uint8_t m[MSG_BUF];
	struct wbuf w;

	wbuf_init(&w, m, sizeof(m));
	bgp_notify_encode(&w, n);
	send_msg(p, c, &w);
}

static void op_send_notification(void *arg, const struct bgp_notify *n)
{
	struct bgp_peer *p = peer_of(arg);

	send_notification_on(p, p->conn, n);
	p->last_sent.code = n->code;
	p->last_sent.subcode = n->subcode;
	p->last_sent.when = time(NULL);
	describe_notify(p->last_sent.text, sizeof(p->last_sent.text), n);
	log_notice(p->subject, "sent NOTIFICATION %u/%u (%s)", n->code, n->subcode,
		   p->last_sent.text);
}

static void op_adopt_new_conn(void *arg)
{
	struct bgp_peer *p = peer_of(arg);

	bgp_conn_release(p->conn);
	p->conn = p->pending;
	p->pending = NULL;
}

static void timer_fired(evutil_socket_t fd, short what, void *arg);

static void op_timer_start(void *arg, enum bgp_timer t, uint32_t ms)
{
	struct bgp_peer *p = peer_of(arg);
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	evtimer_add(p->timer[t].ev, &tv);
}

static void op_timer_stop(void *arg, enum bgp_timer t)
{
	evtimer_del(peer_of(arg)->timer[t].ev);
}

static void op_state_change(void *arg, enum bgp_state from, enum bgp_state to,
			    enum bgp_event why)
{
	struct bgp_peer *p = peer_of(arg);

	clock_gettime(CLOCK_MONOTONIC, &p->state_since);
	log_info(p->subject, "%s -> %s (%s)", bgp_state_name(from), bgp_state_name(to),
		 bgp_event_name(why));
	if (to == BGP_ESTABLISHED) {
		log_notice(p->subject, "session established (hold %us, keepalive %us)",
			   p->fsm.neg_hold_time, p->fsm.neg_keepalive);
		bgp_conn_set_send_hold(p->conn, 2u * p->fsm.neg_hold_time > BGP_SEND_HOLD_MIN
							? 2u * p->fsm.neg_hold_time
							: BGP_SEND_HOLD_MIN);
		bgp_route_session_up(p);
	} else if (from == BGP_ESTABLISHED) {
		p->flaps++;
		snprintf(p->last_reset, sizeof(p->last_reset), "%s", bgp_event_name(why));
		log_notice(p->subject, "session down (%s)", bgp_event_name(why));
		bgp_route_session_down(p, graceful_down(p, why));
	}
}

static const struct bgp_fsm_ops peer_fsm_ops = {
	.connect = op_connect,
	.disconnect = op_disconnect,
	.send_open = op_send_open,
	.send_keepalive = op_send_keepalive,
	.send_notification = op_send_notification,
	.adopt_new_conn = op_adopt_new_conn,
	.timer_start = op_timer_start,
	.timer_stop = op_timer_stop,
	.state_change = op_state_change,
};

static void timer_fired(evutil_socket_t fd, short what, void *arg)
{
	struct bgp_peer_timer *tc = arg;
	static const enum bgp_event ev[BGP_TIMER_COUNT] = {
		[BGP_TIMER_CONNECT_RETRY] = BGP_EV_CONNECT_RETRY,
		[BGP_TIMER_HOLD] = BGP_EV_HOLD_EXPIRED,
		[BGP_TIMER_KEEPALIVE] = BGP_EV_KEEPALIVE_TIMER,
		[BGP_TIMER_IDLE_HOLD] = BGP_EV_IDLE_HOLD_EXPIRED,
	};

	if (tc->kind == BGP_TIMER_HOLD)
		log_warn(tc->peer->subject, "hold timer expired");
	bgp_fsm_event(&tc->peer->fsm, ev[tc->kind], NULL);
}

/* ---- OPEN and collisions --------------------------------------------- */

static bool open_has_evpn(const struct bgp_open *o)
{
	for (uint8_t i = 0; i < o->caps.n_mp; i++)
		if (o->caps.mp[i].afi == BGP_AFI_L2VPN && o->caps.mp[i].safi == BGP_SAFI_EVPN)
			return true;
	return false;
}

/* RFC 4271 6.2 checks of an OPEN received on c; -1 after reporting the error. */
static int open_check(struct bgp_peer *p, struct bgp_conn *c, struct buf *body)
{
	const struct bgp_identity *id = bgp_identity(p->bgp);
	struct bgp_open_policy pol = {
		.peer_as = p->cfg.remote_asn,
		.local_id = id->router_id,
		.ibgp = p->cfg.remote_asn == id->asn,
		.need_afi = true,
		.afi = {BGP_AFI_L2VPN, BGP_SAFI_EVPN},
	};
	struct bgp_notify err;

	if (bgp_open_decode(body, &c->open, &err) == -1 ||
	    bgp_open_validate(&c->open, &pol, &err) == -1) {
		char text[128];

		describe_notify(text, sizeof(text), &err);
		log_warn(p->subject, "OPEN refused: %s", text);
		if (c == p->conn) {
			bgp_fsm_event(&p->fsm, BGP_EV_MSG_ERROR, &err);
		} else {
			send_notification_on(p, c, &err);
			bgp_conn_release(c);
			p->pending = NULL;
		}
		return -1;
	}
	c->open_rcvd = true;
	return 0;
}

/* Take the session parameters from the OPEN on the session's connection. */
static void negotiate(struct bgp_peer *p, const struct bgp_open *o)
{
	uint16_t hold = o->hold_time < p->cfg.hold_time ? o->hold_time : p->cfg.hold_time;
	uint16_t ka = p->cfg.keepalive;

	p->remote_id = o->bgp_id;
	p->remote_hold = o->hold_time;
	if (hold && (ka == 0 || ka > hold / 3))
		ka = hold / 3;
	p->fsm.neg_hold_time = hold;
	p->fsm.neg_keepalive = hold ? ka : 0;
	p->as4 = o->caps.as4;
	p->ext_msg = o->caps.ext_msg;
	p->route_refresh = o->caps.route_refresh;
	p->enhanced_rr = o->caps.enhanced_rr;
	p->gr = o->caps.gr;
	p->evpn = open_has_evpn(o);
	p->gr_evpn = p->gr_evpn_fwd = false;
	for (uint8_t i = 0; o->caps.gr && i < o->caps.n_gr; i++) {
		if (o->caps.gr_af[i].afi == BGP_AFI_L2VPN && o->caps.gr_af[i].safi == BGP_SAFI_EVPN) {
			p->gr_evpn = true;
			p->gr_evpn_fwd = o->caps.gr_af[i].flags & BGP_GR_AF_FWD;
		}
	}
	p->gr_notif = o->caps.gr && (o->caps.gr_flags & BGP_GR_F_NOTIF);
	p->gr_time = o->caps.gr_time;
	p->gr_restarting = o->caps.gr && (o->caps.gr_flags & BGP_GR_F_RESTART);
	p->rcvd_hard_reset = false;
}

/*
 * RFC 4271 6.8: the OPEN arrived on the accepted connection while the
 * session's own is in OpenSent/OpenConfirm.  The connection opened by the
 * speaker with the higher BGP Identifier survives.
 */
static void resolve_collision(struct bgp_peer *p)
{
	uint32_t local_id = bgp_identity(p->bgp)->router_id;
	bool keep_new = p->conn->outgoing ? local_id < p->pending->open.bgp_id : true;
	struct bgp_notify cease;

	log_info(p->subject, "connection collision: keeping the %s connection",
		 keep_new ? "accepted" : "existing");
	if (!keep_new) {
		bgp_notify_set(&cease, BGP_ERR_CEASE, BGP_ECEASE_COLLISION);
		send_notification_on(p, p->pending, &cease);
		bgp_conn_release(p->pending);
		p->pending = NULL;
		return;
	}
	bgp_fsm_event(&p->fsm, BGP_EV_COLLISION_WON_BY_NEW, NULL);
	negotiate(p, &p->conn->open);
	bgp_fsm_event(&p->fsm, BGP_EV_OPEN_OK, NULL);
}

static void recv_open(struct bgp_peer *p, struct bgp_conn *c, struct buf *body)
{
	if (c == p->conn && p->fsm.state != BGP_OPENSENT) {
		bgp_fsm_event(&p->fsm, BGP_EV_OPEN_RCVD_LATE, NULL);
		return;
	}
	if (open_check(p, c, body) == -1)
		return;
	if (c == p->pending) {
		resolve_collision(p);
		return;
	}
	negotiate(p, &c->open);
	bgp_fsm_event(&p->fsm, BGP_EV_OPEN_OK, NULL);
}

/* ---- input ----------------------------------------------------------- */

static void count_rcvd(struct bgp_peer *p, uint8_t type)
{
	count_msg(&p->rcvd, type);
}

static void recv_notification(struct bgp_peer *p, struct buf *body)
{
	struct bgp_notify_in in;
	char comm[BGP_SHUTDOWN_COMM_MAX + 1] = "";

	if (bgp_notify_decode(body, &in) == -1) {
		bgp_fsm_event(&p->fsm, BGP_EV_NOTIF_RCVD, NULL);
		return;
	}
	if (!in.comm_bad && in.comm.len)
		snprintf(comm, sizeof(comm), "%.*s", (int)in.comm.len, (const char *)in.comm.data);
	p->rcvd_hard_reset = in.hard_reset;
	p->last_rcvd.code = in.n.code;
	p->last_rcvd.subcode = in.n.subcode;
	p->last_rcvd.when = time(NULL);
	describe_notify(p->last_rcvd.text, sizeof(p->last_rcvd.text), &in.n);
	if (comm[0]) {
		size_t l = strlen(p->last_rcvd.text);

		snprintf(p->last_rcvd.text + l, sizeof(p->last_rcvd.text) - l, ": \"%s\"", comm);
	}
	log_notice(p->subject, "received NOTIFICATION %u/%u (%s)", in.n.code, in.n.subcode,
		   p->last_rcvd.text);
	bgp_fsm_event(&p->fsm, BGP_EV_NOTIF_RCVD, NULL);
}

static void recv_route_refresh(struct bgp_peer *p, struct buf *body)
{
	struct bgp_rrefresh rr;
	struct bgp_notify err;

	if (bgp_rrefresh_decode(body, &rr, &err) == -1) {
		bgp_fsm_event(&p->fsm, BGP_EV_MSG_ERROR, &err);
		return;
	}
	bgp_fsm_event(&p->fsm, BGP_EV_UPDATE_RCVD, NULL); /* refreshes the hold timer */
	if (p->fsm.state != BGP_ESTABLISHED)
		return;
	if (rr.afi != BGP_AFI_L2VPN || rr.safi != BGP_SAFI_EVPN) {
		log_info(p->subject, "ROUTE-REFRESH for AFI %u SAFI %u ignored", rr.afi, rr.safi);
		return;
	}
	if (rr.subtype == BGP_RR_NORMAL) {
		log_info(p->subject, "ROUTE-REFRESH received: sending the EVPN table again");
		bgp_route_refresh_out(p);
	} else {
		bgp_route_refresh_marker(p, rr.subtype); /* RFC 7313 BoRR/EoRR from the peer */
	}
}

void bgp_peer_recv(struct bgp_conn *c, const struct bgp_msg *m)
{
	struct bgp_peer *p = c->peer;
	struct buf body = m->body;

	count_rcvd(p, m->type);
	if (c == p->pending && m->type != BGP_OPEN) {
		bgp_conn_release(c); /* only an OPEN is expected before the collision is resolved */
		p->pending = NULL;
		return;
	}
	switch (m->type) {
	case BGP_OPEN:
		recv_open(p, c, &body);
		break;
	case BGP_KEEPALIVE:
		bgp_fsm_event(&p->fsm, BGP_EV_KEEPALIVE_RCVD, NULL);
		break;
	case BGP_UPDATE:
		if (p->fsm.state != BGP_ESTABLISHED) {
			bgp_fsm_event(&p->fsm, BGP_EV_UPDATE_RCVD, NULL); /* FSM error */
			break;
		}
		bgp_fsm_event(&p->fsm, BGP_EV_UPDATE_RCVD, NULL);
		bgp_route_update_in(p, &body);
		break;
	case BGP_NOTIFICATION:
		recv_notification(p, &body);
		break;
	case BGP_ROUTE_REFRESH:
		recv_route_refresh(p, &body);
		break;
	}
}

void bgp_peer_recv_bad(struct bgp_conn *c, const struct bgp_notify *err)
{
	struct bgp_peer *p = c->peer;

	if (c == p->pending) {
		send_notification_on(p, c, err);
		bgp_conn_release(c);
		p->pending = NULL;
		return;
	}
	bgp_fsm_event(&p->fsm, BGP_EV_MSG_ERROR, err);
}

void bgp_peer_conn_up(struct bgp_conn *c)
{
	bgp_fsm_event(&c->peer->fsm, BGP_EV_CONN_OPEN, NULL);
}

void bgp_peer_conn_down(struct bgp_conn *c, const char *why)
{
	struct bgp_peer *p = c->peer;

	if (c == p->pending) {
		bgp_conn_release(c);
		p->pending = NULL;
		return;
	}
	log_info(p->subject, "connection lost: %s", why);
	snprintf(p->last_reset, sizeof(p->last_reset), "%s", why);
	bgp_fsm_event(&p->fsm, BGP_EV_CONN_FAIL, NULL);
}

void bgp_peer_output_drained(struct bgp_conn *c)
{
	if (c == c->peer->conn)
		bgp_route_output_ready(c->peer);
}

int bgp_peer_send_raw(struct bgp_peer *p, const void *msg, size_t len)
{
	if (bgp_conn_send(p->conn, msg, len) == -1)
		return -1;
	count_sent(p, ((const uint8_t *)msg)[18]);
	return 0;
}

size_t bgp_peer_output_queued(const struct bgp_peer *p)
{
	return bgp_conn_pending_output(p->conn);
}

/* ---- lifecycle ------------------------------------------------------- */

struct bgp_peer *bgp_peer_new(struct bgp *bgp, const struct bgp_peer_cfg *cfg)
{
	struct bgp_peer *p = calloc(1, sizeof(*p));
	char a[IPADDR_STRLEN];

	if (!p)
		abort();
	p->bgp = bgp;
	p->cfg = *cfg;
	snprintf(p->subject, sizeof(p->subject), "peer %s", ipaddr_fmt(&cfg->address, a));
	p->fsm.seed = (uint32_t)time(NULL) ^ (uint32_t)(uintptr_t)p;
	bgp_fsm_init(&p->fsm, &peer_fsm_ops, p);
	p->fsm.passive = cfg->passive;
	p->fsm.hold_time = cfg->hold_time;
	p->fsm.keepalive_time = cfg->keepalive;
	for (int t = 0; t < BGP_TIMER_COUNT; t++) {
		p->timer[t].peer = p;
		p->timer[t].kind = (enum bgp_timer)t;
		p->timer[t].ev = evtimer_new(bgp_event_base(bgp), timer_fired, &p->timer[t]);
	}
	clock_gettime(CLOCK_MONOTONIC, &p->state_since);
	bgp_route_peer_init(p);
	return p;
}

void bgp_peer_start(struct bgp_peer *p)
{
	p->fsm.auto_start = true;
	bgp_fsm_event(&p->fsm, BGP_EV_START, NULL);
}

void bgp_peer_free(struct bgp_peer *p, uint8_t cease_subcode)
{
	struct bgp_notify n;

	if (!p)
		return;
	p->deleting = true;
	p->fsm.auto_start = false;
	if (cease_subcode) {
		bgp_notify_set(&n, BGP_ERR_CEASE, cease_subcode);
		bgp_fsm_event(&p->fsm, BGP_EV_STOP, &n);
	} else if (p->fsm.state == BGP_ESTABLISHED) {
		log_notice(p->subject, "closing without NOTIFICATION (restart): routes kept by "
				       "graceful-restart helpers");
	}
	op_disconnect(p);
	bgp_route_peer_fini(p);
	for (int t = 0; t < BGP_TIMER_COUNT; t++)
		event_free(p->timer[t].ev);
	free(p);
}

void bgp_peer_reset(struct bgp_peer *p, const char *why)
{
	struct bgp_notify n;

	log_notice(p->subject, "reset: %s", why);
	bgp_notify_shutdown(&n, BGP_ECEASE_ADMIN_RESET, why);
	if (p->fsm.state == BGP_IDLE) {
		bgp_fsm_event(&p->fsm, BGP_EV_START, NULL);
		return;
	}
	bgp_fsm_event(&p->fsm, BGP_EV_STOP, &n); /* Idle, automatic restart after IdleHold */
}

/*
 * An accepted connection from this peer.  RFC 4271 8.2.2: in Connect/Active
 * it replaces the connection attempt; in OpenSent/OpenConfirm it is kept
 * aside until its OPEN decides the collision (6.8); an Established session
 * refuses it; an Idle peer waiting to restart takes it as its session.
 */
void bgp_peer_accept(struct bgp_peer *p, int fd)
{
	struct bgp_conn *c = bgp_conn_accepted(p, fd);
	struct bgp_notify cease;

	if (!c)
		return;
	switch (p->fsm.state) {
	case BGP_IDLE:
		if (!p->fsm.auto_start) {
			bgp_conn_release(c);
			return;
		}
		bgp_fsm_event(&p->fsm, BGP_EV_START, NULL);
		__attribute__((fallthrough)); /* now Connect or Active */
	case BGP_CONNECT:
	case BGP_ACTIVE:
		bgp_conn_release(p->conn);
		p->conn = c;
		bgp_fsm_event(&p->fsm, BGP_EV_CONN_OPEN, NULL);
		break;
	case BGP_OPENSENT:
	case BGP_OPENCONFIRM:
		bgp_conn_release(p->pending);
		p->pending = c;
		send_open_on(p, c);
		break;
	case BGP_ESTABLISHED:
		bgp_notify_set(&cease, BGP_ERR_CEASE, BGP_ECEASE_COLLISION);
		send_notification_on(p, c, &cease);
		bgp_conn_release(c);
		break;
	}
}

int bgp_peer_request_refresh(struct bgp_peer *p)
{
	struct bgp_rrefresh rr = {BGP_AFI_L2VPN, BGP_RR_NORMAL, BGP_SAFI_EVPN};
	uint8_t m[64];
	struct wbuf w;

	if (p->fsm.state != BGP_ESTABLISHED || !p->route_refresh)
		return -1;
	wbuf_init(&w, m, sizeof(m));
	bgp_rrefresh_encode(&w, &rr);
	send_msg(p, p->conn, &w);
	return 0;
}

/* ---- show ------------------------------------------------------------ */

static json_object *msg_counts(const struct bgp_msg_count *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "open", json_object_new_int64((int64_t)c->open));
	json_object_object_add(o, "update", json_object_new_int64((int64_t)c->update));
	json_object_object_add(o, "notification",
			       json_object_new_int64((int64_t)c->notification));
	json_object_object_add(o, "keepalive", json_object_new_int64((int64_t)c->keepalive));
	json_object_object_add(o, "route-refresh",
			       json_object_new_int64((int64_t)c->route_refresh));
	json_object_object_add(o, "total", json_object_new_int64((int64_t)c->total));
	return o;
}

static json_object *err_json(const struct bgp_peer_err *e)
{
	json_object *o;

	if (!e->when)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "code", json_object_new_int(e->code));
	json_object_object_add(o, "subcode", json_object_new_int(e->subcode));
	json_object_object_add(o, "text", json_object_new_string(e->text));
	json_object_object_add(o, "time", json_object_new_int64((int64_t)e->when));
	return o;
}

static json_object *caps_json(const struct bgp_peer *p)
{
	json_object *a = json_object_new_array();

	if (p->fsm.state < BGP_OPENCONFIRM)
		return a;
	if (p->evpn)
		json_object_array_add(a, json_object_new_string("l2vpn-evpn"));
	if (p->as4)
		json_object_array_add(a, json_object_new_string("4-octet-as"));
	if (p->route_refresh)
		json_object_array_add(a, json_object_new_string("route-refresh"));
	if (p->enhanced_rr)
		json_object_array_add(a, json_object_new_string("enhanced-route-refresh"));
	if (p->ext_msg)
		json_object_array_add(a, json_object_new_string("extended-message"));
	if (p->gr)
		json_object_array_add(a, json_object_new_string("graceful-restart"));
	if (p->gr_evpn)
		json_object_array_add(a, json_object_new_string("graceful-restart-evpn"));
	return a;
}

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_u64(json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

/* The session's resource bounds (bgp_peer.h) and how often each was hit. */
static void bounds_json(const struct bgp_peer *p, json_object *o)
{
	const struct bgp_peer_bounds *b = &p->bounds;

	add_u64(o, "output-queue-bytes", bgp_conn_pending_output(p->conn));
	add_u64(o, "output-queue-high-water", b->out_high_water);
	add_u64(o, "output-queue-limit", BGP_OUT_HIGH);
	add_u64(o, "output-paused", b->out_paused);
	json_object_object_add(o, "output-blocked", json_object_new_boolean(b->out_blocked));
	add_u64(o, "send-hold-expired", b->send_hold_expired);
	add_u64(o, "input-queue-bytes", bgp_conn_pending_input(p->conn));
	add_u64(o, "input-paused", b->in_paused);
	add_u64(o, "input-slices", b->in_slices);
	add_u64(o, "input-oversized", b->in_oversized);
}

json_object *bgp_peer_json(const struct bgp_peer *p)
{
	json_object *o = json_object_new_object();
	struct timespec now;
	char a[IPADDR_STRLEN];
	struct in_addr id = {htonl(p->remote_id)};

	clock_gettime(CLOCK_MONOTONIC, &now);
	add_str(o, "address", ipaddr_fmt(&p->cfg.address, a));
	json_object_object_add(o, "remote-asn", json_object_new_int64(p->cfg.remote_asn));
	add_str(o, "description", p->cfg.description);
	add_str(o, "state", bgp_state_name(p->fsm.state));
	json_object_object_add(o, "state-seconds",
			       json_object_new_int64((int64_t)(now.tv_sec - p->state_since.tv_sec)));
	json_object_object_add(o, "route-reflector-client",
			       json_object_new_boolean(p->cfg.rr_client));
	if (p->fsm.state >= BGP_OPENCONFIRM) {
		add_str(o, "remote-router-id", inet_ntop(AF_INET, &id, a, sizeof(a)));
		json_object_object_add(o, "hold-time", json_object_new_int(p->fsm.neg_hold_time));
		json_object_object_add(o, "keepalive", json_object_new_int(p->fsm.neg_keepalive));
	}
	if (p->conn && p->fsm.state >= BGP_OPENSENT) {
		add_str(o, "local-address", ipaddr_fmt(&p->conn->local, a));
		json_object_object_add(o, "local-port", json_object_new_int(p->conn->local_port));
		json_object_object_add(o, "remote-port", json_object_new_int(p->conn->remote_port));
	}
	json_object_object_add(o, "capabilities", caps_json(p));
	json_object_object_add(o, "messages-received", msg_counts(&p->rcvd));
	json_object_object_add(o, "messages-sent", msg_counts(&p->sent));
	json_object_object_add(o, "established-count",
			       json_object_new_int64(p->fsm.established_count));
	json_object_object_add(o, "flaps", json_object_new_int64(p->flaps));
	bgp_route_peer_json(p, o);
	bounds_json(p, o);
	json_object_object_add(o, "last-error-sent", err_json(&p->last_sent));
	json_object_object_add(o, "last-error-received", err_json(&p->last_rcvd));
	add_str(o, "last-reset", p->last_reset);
	return o;
}
