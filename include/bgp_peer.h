/*
 * bgp_peer.h - one configured neighbour: its FSM, its TCP connection(s),
 * the messages it sends and receives, and its counters.
 *
 * A peer has at most one connection driven by the FSM (conn) and, during
 * RFC 4271 6.8 collision detection, one accepted connection whose OPEN is
 * awaited (pending).  Connections are released, never freed, by the peer:
 * a released connection flushes what was queued (a NOTIFICATION) and frees
 * itself later, so callbacks on the way out never touch freed memory.
 */
#ifndef EVPND_BGP_PEER_H
#define EVPND_BGP_PEER_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "bgp_fsm.h"
#include "bgp_msg.h"
#include "config.h"
#include "types.h"

struct bgp;
struct bufferevent;
struct event;
struct evbuffer;
struct event_base;
struct json_object;

/* Settings copied from the configuration (struct cfg_neighbor). */
struct bgp_peer_cfg {
	struct ipaddr address;
	uint16_t port;
	uint32_t remote_asn;
	struct ipaddr source;
	bool passive;
	uint16_t hold_time;
	uint16_t keepalive;
	char password[81];
	uint8_t ttl_security;
	uint32_t max_prefix;
	bool rr_client;
	char description[81];
};

struct bgp_conn {
	struct bgp_peer *peer; /* NULL once released */
	struct bufferevent *bev; /* output, connect, write errors */
	struct event *rd;	 /* socket readable: read into in */
	struct evbuffer *in;	 /* input not handled yet (at most BGP_IN_HIGH bytes) */
	struct event *resume;  /* input left for the next turn of the loop */
	struct event *release; /* after bgp_conn_release: frees it once its output is out */
	bool outgoing;
	bool open_rcvd;
	bool in_full;	       /* reading suspended at the input high-water mark */
	struct bgp_open open; /* the peer's OPEN on this connection */
	struct ipaddr local, remote;
	uint16_t local_port, remote_port;
};

/* A NOTIFICATION as shown by `show neighbors`. */
struct bgp_peer_err {
	uint8_t code, subcode;
	time_t when; /* wall clock, 0 = never */
	char text[256]; /* names, plus an RFC 9003 shutdown message */
};

struct bgp_msg_count {
	uint64_t open, update, notification, keepalive, route_refresh, total;
};

/*
 * Resource bounds of a session and how often each was hit, shown by `show
 * neighbors` (bgp_conn.c, bgp_route.c):
 *  - output: UPDATE generation stops while BGP_OUT_HIGH bytes are queued and
 *    resumes below BGP_OUT_LOW; what else is queued (the open UPDATEs,
 *    End-of-RIB, KEEPALIVE, NOTIFICATION) is a few messages on top.  A peer
 *    that takes nothing for BGP_SEND_HOLD_MIN (or twice the hold time, if
 *    longer) loses the session (RFC 9687 send hold timer);
 *  - input: a message longer than the negotiated maximum is refused
 *    (NOTIFICATION), the socket is not read while BGP_IN_HIGH bytes wait,
 *    and at most BGP_IN_SLICE bytes of messages are handled per turn of the
 *    loop (timers, keepalives and other peers run in between).
 */
#define BGP_OUT_HIGH (2u << 20)
#define BGP_OUT_LOW (1u << 20)
#define BGP_SEND_HOLD_MIN 480 /* seconds (RFC 9687: 8 minutes) */
#define BGP_IN_HIGH (4u * BGP_EXT_MAX_LEN)
#define BGP_IN_SLICE BGP_EXT_MAX_LEN

struct bgp_peer_bounds {
	uint64_t out_high_water;    /* most bytes ever queued for output */
	uint64_t out_paused;	    /* times UPDATE generation stopped at BGP_OUT_HIGH */
	bool out_blocked;	    /* stopped now, until the queue drains */
	uint64_t send_hold_expired; /* sessions closed: the peer read nothing */
	uint64_t in_paused;	    /* times reading stopped at BGP_IN_HIGH */
	uint64_t in_slices;	    /* times input was left for the next turn */
	uint64_t in_oversized;	    /* messages refused for their length */
};

struct bgp_peer {
	struct bgp *bgp;
	uint32_t id; /* unique while the daemon runs; the RIB's peer id */
	struct bgp_peer_cfg cfg;
	char subject[64]; /* "peer 10.0.0.1" for logs */
	struct bgp_fsm fsm;
	struct bgp_conn *conn;
	struct bgp_conn *pending;
	struct bgp_peer_timer {
		struct bgp_peer *peer;
		enum bgp_timer kind;
		struct event *ev;
	} timer[BGP_TIMER_COUNT];
	/* negotiated at OpenConfirm */
	uint32_t remote_id;
	uint16_t remote_hold;
	bool as4, ext_msg, route_refresh, enhanced_rr, evpn, gr;
	/* graceful restart (RFC 4724, RFC 8538) as the peer announced it */
	bool gr_evpn;	   /* L2VPN/EVPN in its GR capability: we help it restart */
	bool gr_evpn_fwd;  /* ... with its forwarding state preserved (F bit) */
	bool gr_notif;	   /* both sides set N: NOTIFICATIONs are graceful too */
	uint16_t gr_time;  /* its restart time, seconds */
	bool gr_restarting; /* R bit in its OPEN: it restarted, do not wait for its EoR */
	bool rcvd_hard_reset;
	/* state and counters */
	struct timespec state_since; /* CLOCK_MONOTONIC */
	struct bgp_msg_count rcvd, sent;
	uint64_t prefixes_rcvd;	    /* NLRI announced in UPDATEs */
	uint64_t prefixes_withdrawn;
	uint64_t update_errors[6];  /* by enum bgp_action (RFC 7606) */
	uint32_t flaps;		    /* Established sessions lost */
	struct bgp_peer_err last_sent, last_rcvd;
	char last_reset[128];
	struct bgp_peer_bounds bounds;
	bool deleting;
	struct bgp_route_state *rs; /* bgp_route.c: RIB handle, export cursor, counters */
};

struct bgp_peer *bgp_peer_new(struct bgp *bgp, const struct bgp_peer_cfg *cfg);
/*
 * Stop and free.  With a Cease subcode (administrative shutdown, peer
 * de-configured) the peer is told and drops our routes; with 0 the
 * connection is just closed, as when evpnd stops for a restart: a graceful
 * restart helper keeps our routes meanwhile (RFC 4724).
 */
void bgp_peer_free(struct bgp_peer *p, uint8_t cease_subcode);
void bgp_peer_start(struct bgp_peer *p);
/* Hard reset: Cease/4 administrative reset, then reconnect. */
void bgp_peer_reset(struct bgp_peer *p, const char *why);
/* An accepted TCP connection from this peer (fd owned by the peer now). */
void bgp_peer_accept(struct bgp_peer *p, int fd);
/* Ask the peer to resend its routes (ROUTE-REFRESH); -1 if not negotiated. */
int bgp_peer_request_refresh(struct bgp_peer *p);

struct json_object *bgp_peer_json(const struct bgp_peer *p);

/* Output for bgp_route.c: queue one encoded message on the session. */
int bgp_peer_send_raw(struct bgp_peer *p, const void *msg, size_t len);
size_t bgp_peer_output_queued(const struct bgp_peer *p);

/* Connections (bgp_conn.c): sockets, framing, output, deferred release. */
/* Start an outgoing connection; the result arrives as conn_up / conn_down. */
struct bgp_conn *bgp_conn_connect(struct bgp_peer *p);
struct bgp_conn *bgp_conn_accepted(struct bgp_peer *p, int fd);
/* Queue one encoded message; -1 when the connection is gone. */
int bgp_conn_send(struct bgp_conn *c, const void *msg, size_t len);
/* Bytes queued for output (back-pressure), and received but not handled yet. */
size_t bgp_conn_pending_output(const struct bgp_conn *c);
size_t bgp_conn_pending_input(const struct bgp_conn *c);
/* Arm the send hold timer (RFC 9687) of an established session. */
void bgp_conn_set_send_hold(struct bgp_conn *c, unsigned seconds);
/* Detach from the peer, flush what is queued, then close and free. */
void bgp_conn_release(struct bgp_conn *c);

/* Called by bgp_conn.c. */
void bgp_peer_conn_up(struct bgp_conn *c);
void bgp_peer_conn_down(struct bgp_conn *c, const char *why);
void bgp_peer_recv(struct bgp_conn *c, const struct bgp_msg *m);
void bgp_peer_recv_bad(struct bgp_conn *c, const struct bgp_notify *err);
void bgp_peer_output_drained(struct bgp_conn *c);

/* Socket helpers shared with the listener (bgp.c). */
int bgp_sock_set_md5(int fd, const struct ipaddr *peer, const char *password);
int bgp_sock_set_gtsm(int fd, int family, uint8_t hops);

#endif
