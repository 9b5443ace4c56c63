/*
 * bgp_fsm.h - the BGP finite state machine of RFC 4271 section 8, as one
 * function over (state, event), with every effect requested through a table
 * of operations so the logic can be tested without sockets or clocks.
 *
 * The FSM owns the state and which timers should run; the peer (bgp_peer.c)
 * owns the socket, the real timers and the messages.  Session attributes the
 * FSM needs from a received OPEN (negotiated hold time) are set by the peer
 * before it feeds BGP_EV_OPEN_OK.
 *
 * Not modelled (optional in RFC 4271 8.1.1): DelayOpen, damping of peer
 * oscillations beyond an exponential idle hold, passive TCP establishment
 * as a separate attribute (a passive peer simply never connects).
 */
#ifndef EVPND_BGP_FSM_H
#define EVPND_BGP_FSM_H

#include <stdbool.h>
#include <stdint.h>

#include "bgp_msg.h"

enum bgp_state {
	BGP_IDLE,
	BGP_CONNECT,
	BGP_ACTIVE,
	BGP_OPENSENT,
	BGP_OPENCONFIRM,
	BGP_ESTABLISHED,
};

enum bgp_event {
	BGP_EV_START,		  /* manual or automatic start (RFC events 1, 3) */
	BGP_EV_STOP,		  /* manual stop (event 2); data: Cease to send */
	BGP_EV_CONNECT_RETRY,	  /* ConnectRetryTimer expires (event 9) */
	BGP_EV_HOLD_EXPIRED,	  /* HoldTimer expires (event 10) */
	BGP_EV_KEEPALIVE_TIMER,	  /* KeepaliveTimer expires (event 11) */
	BGP_EV_IDLE_HOLD_EXPIRED, /* IdleHoldTimer expires (event 13): automatic restart */
	BGP_EV_CONN_OPEN,	  /* TCP connection up, either direction (events 16, 17) */
	BGP_EV_CONN_FAIL,	  /* TCP connection failed or closed (event 18) */
	BGP_EV_OPEN_OK,		  /* valid OPEN received (event 19) */
	BGP_EV_MSG_ERROR,	  /* bad header, OPEN or UPDATE (events 21, 22, 28); data: NOTIFICATION */
	BGP_EV_NOTIF_RCVD,	  /* NOTIFICATION received (events 24, 25) */
	BGP_EV_KEEPALIVE_RCVD,	  /* event 26 */
	BGP_EV_UPDATE_RCVD,	  /* event 27 (also ROUTE-REFRESH: it refreshes the hold timer) */
	BGP_EV_OPEN_RCVD_LATE,	  /* an OPEN in OpenConfirm or Established: FSM error */
	BGP_EV_COLLISION_WON_BY_NEW, /* RFC 4271 6.8: current connection loses to an accepted one
					whose OPEN was received (the peer swaps them) */
	BGP_EV_COUNT,
};

enum bgp_timer {
	BGP_TIMER_CONNECT_RETRY,
	BGP_TIMER_HOLD,
	BGP_TIMER_KEEPALIVE,
	BGP_TIMER_IDLE_HOLD,
	BGP_TIMER_COUNT,
};

/* What the FSM asks of its peer.  arg is bgp_fsm.arg. */
struct bgp_fsm_ops {
	void (*connect)(void *arg);    /* start an outgoing connection (result: CONN_OPEN/FAIL) */
	void (*disconnect)(void *arg); /* flush what is queued, then close */
	void (*send_open)(void *arg);
	void (*send_keepalive)(void *arg);
	void (*send_notification)(void *arg, const struct bgp_notify *n);
	void (*adopt_new_conn)(void *arg); /* collision: the accepted connection replaces ours */
	void (*timer_start)(void *arg, enum bgp_timer t, uint32_t ms);
	void (*timer_stop)(void *arg, enum bgp_timer t);
	void (*state_change)(void *arg, enum bgp_state from, enum bgp_state to,
			     enum bgp_event why);
};

struct bgp_fsm {
	enum bgp_state state;
	const struct bgp_fsm_ops *ops;
	void *arg;
	/* configuration */
	bool passive;		  /* never connect, wait in Active */
	bool auto_start;	  /* restart after errors (IdleHoldTimer) */
	uint32_t connect_retry_ms; /* ConnectRetryTime (RFC: 120 s) */
	uint16_t hold_time;	  /* proposed, seconds */
	uint16_t keepalive_time;  /* configured, seconds */
	/* negotiated, set by the peer from the received OPEN before BGP_EV_OPEN_OK */
	uint16_t neg_hold_time;
	uint16_t neg_keepalive;
	/* runtime */
	uint32_t connect_retry_count;
	uint32_t idle_hold_ms;	  /* next automatic restart delay, doubles per failure */
	uint32_t seed;		  /* jitter (RFC 4271 10: 75-100%) */
	uint32_t established_count;
};

#define BGP_HOLD_LARGE_S 240	   /* RFC 4271 8.2.2: "large value", 4 minutes */
#define BGP_IDLE_HOLD_MIN_MS 1000
#define BGP_IDLE_HOLD_MAX_MS 60000

void bgp_fsm_init(struct bgp_fsm *f, const struct bgp_fsm_ops *ops, void *arg);
/* Feed one event; err is the NOTIFICATION for BGP_EV_MSG_ERROR / BGP_EV_STOP (may be NULL). */
void bgp_fsm_event(struct bgp_fsm *f, enum bgp_event ev, const struct bgp_notify *err);

const char *bgp_state_name(enum bgp_state s);
const char *bgp_event_name(enum bgp_event e);

#endif
