/*
 * bgp_route.c - routes over a session (see bgp_route.h).
 *
 * Input: an UPDATE is decoded once (RFC 7606 verdict first), its attributes
 * interned once, and each EVPN NLRI becomes rib_update/rib_withdraw under
 * this peer's rib_peer.  Output: at Established the table is dumped with a
 * rib_iter (End-of-RIB after it), then the RIB's change log is followed with
 * a rib_cursor; consecutive routes with the same attributes are packed into
 * one UPDATE, withdrawals into MP_UNREACH UPDATEs.  Output stops while more
 * than BGP_OUT_HIGH bytes wait in the socket and resumes when it drains to
 * BGP_OUT_LOW (bgp_conn.c's write callback), so a slow peer never makes
 * evpnd buffer the whole table for it; each stop is counted
 * (bgp_peer_bounds.out_paused).
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "bgp.h"
#include "bgp_attr.h"
#include "bgp_peer.h"
#include "bgp_route.h"
#include "evpn_nlri.h"
#include "log.h"
#include "rib.h"

enum dump_kind {
	DUMP_NONE,
	DUMP_INITIAL, /* ends with End-of-RIB (RFC 4724 2) */
	DUMP_REFRESH, /* answers a ROUTE-REFRESH; EoRR after it with RFC 7313 */
};

/* One UPDATE being filled: announcements of one attribute set, or withdrawals. */
struct out_msg {
	bool open;
	/* announcements: what they share, their peer (ORIGINATOR_ID) included */
	const struct rib_attrs *attrs;
	struct bgp_upd_writer u;
	struct wbuf w;
	struct rib_out ro; /* attributes as sent; reused for every UPDATE */
	uint8_t attr_buf[4096];
	uint8_t buf[BGP_EXT_MAX_LEN];
};

struct bgp_route_state {
	struct rib_peer *rp;
	struct rib_cursor *cursor;
	struct rib_iter iter;
	enum dump_kind dump;
	struct out_msg *ann, *wd;
	/* counters */
	uint64_t nlri_in, withdrawn_in, malformed_nlri, unknown_type, looped;
	uint64_t verdicts[BGP_ACT_RESET + 1];
	uint64_t eor_rcvd;
	bool eor_this_session;
	bool deferred; /* initial table held back (restart selection deferral) */
	uint64_t nlri_out, withdrawn_out;
	/* graceful restart helper (RFC 4724 4.2): the peer's routes kept as stale */
	bool gr_stale;
	struct event *gr_timer;
	uint64_t gr_restarts;
};

static struct rib *rib_of(const struct bgp_peer *p)
{
	return bgp_rib(p->bgp);
}

static void gr_timer_cb(evutil_socket_t fd, short what, void *arg);

void bgp_route_peer_init(struct bgp_peer *p)
{
	p->rs = calloc(1, sizeof(*p->rs));
	if (!p->rs)
		abort();
	p->rs->gr_timer = evtimer_new(bgp_event_base(p->bgp), gr_timer_cb, p);
}

static void out_free(struct bgp_route_state *rs)
{
	free(rs->ann);
	free(rs->wd);
	rs->ann = rs->wd = NULL;
}

void bgp_route_peer_fini(struct bgp_peer *p)
{
	bgp_route_session_down(p, false);
	event_free(p->rs->gr_timer);
	free(p->rs);
	p->rs = NULL;
}

static size_t max_len(const struct bgp_peer *p)
{
	return p->ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
}

/* ---- output ---------------------------------------------------------- */

static void out_send(struct bgp_peer *p, struct out_msg *m)
{
	long len;

	if (!m->open)
		return;
	m->open = false;
	if (m->u.n_nlri == 0)
		return;
	len = bgp_upd_finish(&m->u);
	if (len < 0) {
		log_err(p->subject, "internal error: UPDATE does not fit");
		return;
	}
	bgp_peer_send_raw(p, m->buf, (size_t)len);
}

static int out_begin_announce(struct bgp_peer *p, struct out_msg *m, const struct rib_path *path)
{
	const struct bgp_identity *id = bgp_identity(p->bgp);
	struct bgp_upd_ctx ctx = {p->cfg.remote_asn == id->asn, p->as4, p->ext_msg};
	struct bgp_mp_out mp = {.afi = BGP_AFI_L2VPN, .safi = BGP_SAFI_EVPN, .max_len = max_len(p)};
	struct wbuf aw;
	int rc = -1;

	wbuf_init(&aw, m->attr_buf, sizeof(m->attr_buf));
	if (rib_out_build(rib_of(p), path, p->rs->rp, &m->ro) == 0 &&
	    bgp_attrs_encode(&aw, &m->ro.attr, &ctx) == 0 && !aw.overflow) {
		buf_init(&mp.attrs, m->attr_buf, aw.len);
		mp.nh = path->attrs->next_hop;
		if (!ipaddr_is_set(&mp.nh))
			mp.nh = id->vtep;
		wbuf_init(&m->w, m->buf, sizeof(m->buf));
		rc = bgp_mp_reach_begin(&m->u, &m->w, &mp);
	}
	if (rc == -1) {
		log_err(p->subject, "cannot encode the attributes of a route; not advertised");
		return -1;
	}
	m->open = true;
	m->attrs = path->attrs;
	return 0;
}

static void out_begin_withdraw(struct bgp_peer *p, struct out_msg *m)
{
	wbuf_init(&m->w, m->buf, sizeof(m->buf));
	bgp_mp_unreach_begin(&m->u, &m->w, BGP_AFI_L2VPN, BGP_SAFI_EVPN, max_len(p));
	m->open = true;
}

/* The NLRI of a route that has no path any more, from its key (labels 0). */
static void route_from_key(const struct evpn_key *k, struct evpn_route *r)
{
	evpn_route_from_key(k, r);
	r->nlabels = (k->type == EVPN_RT_MACIP || k->type == EVPN_RT_EAD ||
		      k->type == EVPN_RT_PREFIX) ? 1 : 0;
}

/* Append one NLRI to m, starting a new message when m is full. */
static void out_add(struct bgp_peer *p, struct out_msg *m, const struct evpn_route *r,
		    const struct rib_path *path)
{
	uint8_t nlri[EVPN_NLRI_MAXLEN];
	struct wbuf nw;

	wbuf_init(&nw, nlri, sizeof(nlri));
	if (evpn_nlri_encode(&nw, r) == -1) {
		log_err(p->subject, "internal error: cannot encode an EVPN route");
		return;
	}
	if (bgp_upd_add_nlri(&m->u, nlri, nw.len) == 0)
		return;
	out_send(p, m);
	if (path ? out_begin_announce(p, m, path) == -1 : (out_begin_withdraw(p, m), 0))
		return;
	bgp_upd_add_nlri(&m->u, nlri, nw.len);
}

static void announce(struct bgp_peer *p, const struct rib_route *rt, const struct rib_path *path)
{
	struct bgp_route_state *rs = p->rs;
	struct evpn_route r;

	if (!rs->ann) {
		rs->ann = calloc(1, sizeof(*rs->ann));
		if (!rs->ann)
			abort();
	}
	if (rs->ann->open && rs->ann->attrs != path->attrs)
		out_send(p, rs->ann);
	if (!rs->ann->open && out_begin_announce(p, rs->ann, path) == -1)
		return;
	rib_path_route(rib_of(p), rt, path, &r);
	out_add(p, rs->ann, &r, path);
	rs->nlri_out++;
}

static void withdraw(struct bgp_peer *p, const struct rib_route *rt)
{
	struct bgp_route_state *rs = p->rs;
	struct evpn_route r;

	if (!rs->wd) {
		rs->wd = calloc(1, sizeof(*rs->wd));
		if (!rs->wd)
			abort();
	}
	if (!rs->wd->open)
		out_begin_withdraw(p, rs->wd);
	route_from_key(&rt->key, &r);
	out_add(p, rs->wd, &r, NULL);
	rs->withdrawn_out++;
}

static void send_eor(struct bgp_peer *p)
{
	uint8_t m[64];
	struct wbuf w;

	wbuf_init(&w, m, sizeof(m));
	if (bgp_eor_encode(&w, BGP_AFI_L2VPN, BGP_SAFI_EVPN) == 0 && !w.overflow)
		bgp_peer_send_raw(p, m, w.len);
}

static void send_refresh_marker(struct bgp_peer *p, uint8_t subtype)
{
	struct bgp_rrefresh rr = {BGP_AFI_L2VPN, subtype, BGP_SAFI_EVPN};
	uint8_t m[64];
	struct wbuf w;

	wbuf_init(&w, m, sizeof(m));
	if (bgp_rrefresh_encode(&w, &rr) == 0 && !w.overflow)
		bgp_peer_send_raw(p, m, w.len);
}

/* A route to tell the peer about: its exportable path, or a withdrawal. */
/*
 * What the peer gets for rt: its exported path, or a withdraw -- only of
 * what it was sent (a route it gave us, or one never exported to it, needs
 * none: without that a leaf would echo a withdraw for every route its
 * reflector sends it).
 */
static void export_route(struct bgp_peer *p, struct rib_route *rt, bool dumping)
{
	const struct rib_path *path = rib_export_path(rib_of(p), rt, p->rs->rp);

	if (path) {
		if (p->rs->wd && p->rs->wd->open)
			out_send(p, p->rs->wd); /* keep the order of events */
		announce(p, rt, path);
		rib_route_set_sent(rib_of(p), rt, p->rs->rp, true);
	} else if (!dumping && rib_route_sent(rib_of(p), rt, p->rs->rp)) {
		if (p->rs->ann && p->rs->ann->open)
			out_send(p, p->rs->ann);
		withdraw(p, rt);
		rib_route_set_sent(rib_of(p), rt, p->rs->rp, false);
	}
}

static void dump_done(struct bgp_peer *p)
{
	struct bgp_route_state *rs = p->rs;

	if (rs->ann)
		out_send(p, rs->ann);
	if (rs->dump == DUMP_INITIAL) {
		send_eor(p);
		log_info(p->subject, "initial table sent (%llu routes), End-of-RIB",
			 (unsigned long long)rs->nlri_out);
	} else if (p->enhanced_rr) {
		send_refresh_marker(p, BGP_RR_EORR);
	}
	rs->dump = DUMP_NONE;
}

void bgp_route_output_ready(struct bgp_peer *p)
{
	struct bgp_route_state *rs = p->rs;
	struct rib *rib = rib_of(p);
	struct rib_route *rt;

	if (!rs || !rs->rp || p->fsm.state != BGP_ESTABLISHED || rs->deferred)
		return;
	for (;;) {
		if (bgp_peer_output_queued(p) >= BGP_OUT_HIGH) {
			p->bounds.out_paused += !p->bounds.out_blocked;
			p->bounds.out_blocked = true;
			break;
		}
		p->bounds.out_blocked = false;
		if (rs->dump != DUMP_NONE) {
			rt = rib_iter_next(rib, &rs->iter);
			if (!rt) {
				dump_done(p);
				continue;
			}
			export_route(p, rt, true);
			continue;
		}
		rt = rib_cursor_next(rib, rs->cursor);
		if (!rt)
			break;
		export_route(p, rt, false);
	}
	if (rs->ann)
		out_send(p, rs->ann);
	if (rs->wd)
		out_send(p, rs->wd);
}

static void start_dump(struct bgp_peer *p, enum dump_kind kind)
{
	struct bgp_route_state *rs = p->rs;

	if (rs->dump != DUMP_NONE)
		rib_iter_stop(rib_of(p), &rs->iter);
	rib_iter_init(&rs->iter, 0);
	rs->dump = kind;
	bgp_route_output_ready(p);
}

/* ---- session --------------------------------------------------------- */

/* The restarting peer did not come back (or not with End-of-RIB) in time. */
static void gr_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bgp_peer *p = arg;
	struct bgp_route_state *rs = p->rs;

	if (!rs->gr_stale || !rs->rp)
		return;
	log_notice(p->subject, "graceful restart: time is up, dropping %zu stale routes",
		   rs->rp->n_stale);
	rs->gr_stale = false;
	if (p->fsm.state == BGP_ESTABLISHED) {
		rib_peer_sweep_stale(rib_of(p), rs->rp);
	} else {
		rib_peer_remove(rib_of(p), rs->rp);
		rs->rp = NULL;
	}
	bgp_export_schedule(p->bgp);
}

static void gr_end(struct bgp_peer *p, const char *why)
{
	struct bgp_route_state *rs = p->rs;

	if (!rs->gr_stale)
		return;
	log_info(p->subject, "graceful restart done (%s): %zu stale routes removed", why,
		 rs->rp->n_stale);
	rib_peer_sweep_stale(rib_of(p), rs->rp);
	rs->gr_stale = false;
	evtimer_del(rs->gr_timer);
	bgp_export_schedule(p->bgp);
}

void bgp_route_session_up(struct bgp_peer *p)
{
	const struct bgp_identity *id = bgp_identity(p->bgp);
	struct rib_peer_info info = {
		.id = p->id,
		.bgp_id = p->remote_id,
		.addr = p->cfg.address,
		.ibgp = p->cfg.remote_asn == id->asn,
		.rr_client = p->cfg.rr_client,
	};
	struct bgp_route_state *rs = p->rs;

	rs->eor_this_session = false;
	if (rs->rp) {
		/* back from a graceful restart: its stale routes wait for End-of-RIB */
		rib_peer_set_info(rib_of(p), rs->rp, &info);
		evtimer_del(rs->gr_timer);
		if (!p->gr_evpn || !p->gr_evpn_fwd) {
			gr_end(p, "the peer did not keep its forwarding state");
		} else {
			struct timeval tv = {(long)(p->gr_time ? p->gr_time : BGP_GR_RESTART_TIME) * 2, 0};

			evtimer_add(rs->gr_timer, &tv);
		}
	} else {
		rs->rp = rib_peer_add(rib_of(p), &info);
	}
	rs->cursor = rib_cursor_new(rib_of(p));
	if (!rs->rp || !rs->cursor) {
		log_err(p->subject, "out of memory registering the session with the RIB");
		return;
	}
	rs->nlri_out = rs->withdrawn_out = 0;
	if (bgp_defer_initial_table(p->bgp)) {
		log_info(p->subject, "restarting: our table follows End-of-RIB from every neighbor");
		rs->deferred = true;
		return;
	}
	start_dump(p, DUMP_INITIAL);
}

void bgp_route_release_deferred(struct bgp_peer *p)
{
	struct bgp_route_state *rs = p->rs;

	if (!rs->deferred)
		return;
	rs->deferred = false;
	if (p->fsm.state == BGP_ESTABLISHED && rs->rp)
		start_dump(p, DUMP_INITIAL);
}

void bgp_route_session_down(struct bgp_peer *p, bool graceful)
{
	struct bgp_route_state *rs = p->rs;
	struct rib *rib = rib_of(p);

	if (!rs)
		return;
	p->bounds.out_blocked = false;
	rs->deferred = false;
	if (rs->dump != DUMP_NONE)
		rib_iter_stop(rib, &rs->iter);
	rs->dump = DUMP_NONE;
	if (rs->cursor)
		rib_cursor_free(rib, rs->cursor);
	rs->cursor = NULL;
	out_free(rs);
	if (!rs->rp)
		return;
	if (graceful) {
		struct timeval tv = {p->gr_time ? p->gr_time : BGP_GR_RESTART_TIME, 0};

		rib_peer_mark_stale(rib, rs->rp);
		rs->gr_stale = true;
		rs->gr_restarts++;
		evtimer_add(rs->gr_timer, &tv);
		log_notice(p->subject, "graceful restart: keeping its %zu routes for up to %ld s",
			   rs->rp->n_paths, (long)tv.tv_sec);
		return;
	}
	evtimer_del(rs->gr_timer);
	rs->gr_stale = false;
	rib_peer_remove(rib, rs->rp); /* withdraws its routes everywhere */
	rs->rp = NULL;
	bgp_export_schedule(p->bgp);
}

bool bgp_route_eor_received(const struct bgp_peer *p)
{
	return p->rs && p->rs->eor_this_session;
}

void bgp_route_refresh_out(struct bgp_peer *p)
{
	if (!p->rs->rp)
		return;
	if (p->enhanced_rr)
		send_refresh_marker(p, BGP_RR_BORR);
	start_dump(p, DUMP_REFRESH);
}

/* RFC 7313 4: BoRR marks the peer's routes stale, EoRR removes those not refreshed. */
void bgp_route_refresh_marker(struct bgp_peer *p, uint8_t subtype)
{
	if (!p->rs->rp)
		return;
	if (subtype == BGP_RR_BORR) {
		rib_peer_mark_stale(rib_of(p), p->rs->rp);
	} else if (subtype == BGP_RR_EORR) {
		rib_peer_sweep_stale(rib_of(p), p->rs->rp);
		bgp_export_schedule(p->bgp);
	}
}

/* ---- input ----------------------------------------------------------- */

static void reset_session(struct bgp_peer *p, uint8_t code, uint8_t subcode, const char *why)
{
	struct bgp_notify n;

	log_warn(p->subject, "%s: session reset", why);
	bgp_notify_set(&n, code, subcode);
	bgp_fsm_event(&p->fsm, BGP_EV_MSG_ERROR, &n);
}

/*
 * Walk the EVPN NLRI of one MP attribute into the RIB.  attrs NULL means
 * withdraw.  Returns -1 when the framing broke (RFC 7606 5.3: nothing after
 * it can be trusted).
 */
static int walk_evpn(struct bgp_peer *p, struct buf nlri, const struct rib_attrs *attrs)
{
	struct bgp_route_state *rs = p->rs;
	struct rib *rib = rib_of(p);
	struct evpn_route r;
	struct evpn_key k;
	enum evpn_nlri_err err;
	int rc;

	while ((rc = evpn_nlri_next(&nlri, &r, &err)) == 1) {
		bool wd = attrs == NULL;

		if (err == EVPN_NLRI_UNKNOWN_TYPE) {
			rs->unknown_type++; /* RFC 7606 5.4: discard that NLRI only */
			continue;
		}
		if (err != EVPN_NLRI_OK) {
			rs->malformed_nlri++;
			log_warn(p->subject, "malformed EVPN route (%s): %s", evpn_nlri_err_str(err),
				 r.key_valid ? "treated as withdraw" : "discarded");
			if (!r.key_valid)
				continue;
			wd = true;
		}
		if (wd) {
			evpn_key_from_route(&r, &k);
			rib_withdraw(rib, rs->rp, &k);
			rs->withdrawn_in++;
		} else {
			rib_update(rib, rs->rp, &r, attrs);
			rs->nlri_in++;
		}
	}
	return rc == -1 ? -1 : 0;
}

static void check_max_prefix(struct bgp_peer *p)
{
	struct bgp_notify n;

	if (!p->cfg.max_prefix || p->rs->rp->n_paths <= p->cfg.max_prefix)
		return;
	log_warn(p->subject, "%zu routes exceed max-prefix %u: session closed", p->rs->rp->n_paths,
		 p->cfg.max_prefix);
	/* RFC 4486 4: AFI, SAFI and the upper bound */
	bgp_notify_set(&n, BGP_ERR_CEASE, BGP_ECEASE_MAXPFX);
	n.ilen = 7;
	n.idata[0] = 0;
	n.idata[1] = BGP_AFI_L2VPN;
	n.idata[2] = BGP_SAFI_EVPN;
	n.idata[3] = (uint8_t)(p->cfg.max_prefix >> 24);
	n.idata[4] = (uint8_t)(p->cfg.max_prefix >> 16);
	n.idata[5] = (uint8_t)(p->cfg.max_prefix >> 8);
	n.idata[6] = (uint8_t)p->cfg.max_prefix;
	bgp_fsm_event(&p->fsm, BGP_EV_STOP, &n);
}

static bool is_evpn(uint16_t afi, uint8_t safi)
{
	return afi == BGP_AFI_L2VPN && safi == BGP_SAFI_EVPN;
}

/* The interned attributes of u's announcements; NULL: treat them as withdrawn. */
static const struct rib_attrs *announce_attrs(struct bgp_peer *p, const struct bgp_update *u)
{
	struct rib_attrs t;
	const struct rib_attrs *a;

	if (u->v.action == BGP_ACT_WITHDRAW)
		return NULL;
	rib_attrs_from_update(&t, u);
	t.from = p->rs->rp;
	a = rib_attrs_intern(rib_of(p), &t);
	if (!a) {
		log_err(p->subject, "out of memory: routes of an UPDATE treated as withdrawn");
		return NULL;
	}
	if (rib_path_loop(rib_of(p), a)) {
		p->rs->looped++; /* RFC 4456 8: our own route came back */
		rib_attrs_unref(rib_of(p), a);
		return NULL;
	}
	return a;
}

void bgp_route_update_in(struct bgp_peer *p, struct buf *body)
{
	const struct bgp_identity *id = bgp_identity(p->bgp);
	struct bgp_upd_ctx ctx = {p->cfg.remote_asn == id->asn, p->as4, p->ext_msg};
	struct bgp_route_state *rs = p->rs;
	struct bgp_update u;
	const struct rib_attrs *attrs = NULL;
	int bad = 0;

	if (!rs->rp)
		return;
	if (bgp_update_decode(body, &ctx, &u) == -1) {
		rs->verdicts[BGP_ACT_RESET]++;
		log_warn(p->subject, "UPDATE error: %s (attribute %u): session reset",
			 bgp_reason_name(u.v.reason), u.v.attr_type);
		bgp_fsm_event(&p->fsm, BGP_EV_MSG_ERROR, &u.v.notify);
		return;
	}
	rs->verdicts[u.v.action]++;
	if (u.v.action != BGP_ACT_NONE)
		log_warn(p->subject, "UPDATE error: %s (attribute %u): %s",
			 bgp_reason_name(u.v.reason), u.v.attr_type, bgp_action_name(u.v.action));
	if (u.v.action == BGP_ACT_AFI_DISABLE) {
		reset_session(p, BGP_ERR_UPDATE, BGP_EUPD_OPTATTR, "AFI/SAFI disable of our only AFI");
		return;
	}
	if (u.eor && !is_evpn(u.eor_af.afi, u.eor_af.safi))
		return; /* another family's End-of-RIB (RFC 4724 2: per AFI/SAFI): not ours */
	if (u.eor) {
		rs->eor_rcvd++;
		rs->eor_this_session = true;
		log_info(p->subject, "End-of-RIB received");
		gr_end(p, "End-of-RIB");
		bgp_eor_received(p->bgp);
		return;
	}
	if (u.mp_unreach_ok && is_evpn(u.mp_unreach.afi, u.mp_unreach.safi))
		bad |= walk_evpn(p, u.mp_unreach.nlri, NULL);
	if (!bad && u.mp_reach_ok && is_evpn(u.mp_reach.afi, u.mp_reach.safi)) {
		attrs = announce_attrs(p, &u);
		bad |= walk_evpn(p, u.mp_reach.nlri, attrs);
		rib_attrs_unref(rib_of(p), attrs);
	}
	bgp_export_schedule(p->bgp);
	if (bad) {
		reset_session(p, BGP_ERR_UPDATE, BGP_EUPD_OPTATTR, "EVPN NLRI framing broken");
		return;
	}
	check_max_prefix(p);
}

void bgp_route_peer_json(const struct bgp_peer *p, json_object *o)
{
	const struct bgp_route_state *rs = p->rs;
	json_object *v = json_object_new_object();

	json_object_object_add(o, "prefixes-received", json_object_new_int64((int64_t)rs->nlri_in));
	json_object_object_add(o, "prefixes-withdrawn",
			       json_object_new_int64((int64_t)rs->withdrawn_in));
	json_object_object_add(o, "prefixes-current",
			       json_object_new_int64(rs->rp ? (int64_t)rs->rp->n_paths : 0));
	json_object_object_add(o, "prefixes-sent", json_object_new_int64((int64_t)rs->nlri_out));
	json_object_object_add(o, "end-of-rib-received",
			       json_object_new_boolean(rs->eor_this_session));
	json_object_object_add(o, "graceful-restart-stale",
			       json_object_new_int64(rs->gr_stale && rs->rp ? (int64_t)rs->rp->n_stale : 0));
	json_object_object_add(o, "graceful-restarts", json_object_new_int64((int64_t)rs->gr_restarts));
	for (int a = BGP_ACT_ATTR_DISCARD; a <= BGP_ACT_RESET; a++)
		json_object_object_add(v, bgp_action_name((enum bgp_action)a),
				       json_object_new_int64((int64_t)rs->verdicts[a]));
	json_object_object_add(v, "malformed-nlri", json_object_new_int64((int64_t)rs->malformed_nlri));
	json_object_object_add(v, "unknown-route-type",
			       json_object_new_int64((int64_t)rs->unknown_type));
	json_object_object_add(v, "looped", json_object_new_int64((int64_t)rs->looped));
	json_object_object_add(o, "update-errors", v);
}
