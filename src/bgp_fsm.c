/*
 * bgp_fsm.c - RFC 4271 section 8 state machine (see bgp_fsm.h).
 *
 * Invariants: every state change goes through change_state(); leaving for
 * Idle always stops every timer and drops the connection (release()); the
 * effects of an event happen before the state change is reported.
 */
#include <stdlib.h>

#include "bgp_fsm.h"

static const char *const state_names[] = {
	[BGP_IDLE] = "Idle",		 [BGP_CONNECT] = "Connect",
	[BGP_ACTIVE] = "Active",	 [BGP_OPENSENT] = "OpenSent",
	[BGP_OPENCONFIRM] = "OpenConfirm", [BGP_ESTABLISHED] = "Established",
};

static const char *const event_names[] = {
	[BGP_EV_START] = "Start",
	[BGP_EV_STOP] = "Stop",
	[BGP_EV_CONNECT_RETRY] = "ConnectRetryTimer_Expires",
	[BGP_EV_HOLD_EXPIRED] = "HoldTimer_Expires",
	[BGP_EV_KEEPALIVE_TIMER] = "KeepaliveTimer_Expires",
	[BGP_EV_IDLE_HOLD_EXPIRED] = "IdleHoldTimer_Expires",
	[BGP_EV_CONN_OPEN] = "TcpConnection_Open",
	[BGP_EV_CONN_FAIL] = "TcpConnectionFails",
	[BGP_EV_OPEN_OK] = "BGPOpen",
	[BGP_EV_MSG_ERROR] = "MsgErr",
	[BGP_EV_NOTIF_RCVD] = "NotifMsg",
	[BGP_EV_KEEPALIVE_RCVD] = "KeepAliveMsg",
	[BGP_EV_UPDATE_RCVD] = "UpdateMsg",
	[BGP_EV_OPEN_RCVD_LATE] = "OpenMsg_Unexpected",
	[BGP_EV_COLLISION_WON_BY_NEW] = "OpenCollisionDump",
};

const char *bgp_state_name(enum bgp_state s)
{
	return (unsigned)s <= BGP_ESTABLISHED ? state_names[s] : "?";
}

const char *bgp_event_name(enum bgp_event e)
{
	return (unsigned)e < BGP_EV_COUNT ? event_names[e] : "?";
}

void bgp_fsm_init(struct bgp_fsm *f, const struct bgp_fsm_ops *ops, void *arg)
{
	f->state = BGP_IDLE;
	f->ops = ops;
	f->arg = arg;
	f->auto_start = true;
	f->connect_retry_ms = 5000;
	f->hold_time = 90;
	f->keepalive_time = 30;
	f->connect_retry_count = 0;
	f->idle_hold_ms = BGP_IDLE_HOLD_MIN_MS;
	f->established_count = 0;
	if (!f->seed)
		f->seed = 1;
}

/* RFC 4271 10: ConnectRetry, Keepalive (and here IdleHold) jittered to 75-100%. */
static uint32_t jitter(struct bgp_fsm *f, uint32_t ms)
{
	uint32_t pct = 75 + (uint32_t)rand_r(&f->seed) % 26;

	return (uint32_t)((uint64_t)ms * pct / 100);
}

static void change_state(struct bgp_fsm *f, enum bgp_state to, enum bgp_event why)
{
	enum bgp_state from = f->state;

	f->state = to;
	if (f->ops->state_change && from != to)
		f->ops->state_change(f->arg, from, to, why);
}

static void stop_timers(struct bgp_fsm *f)
{
	for (int t = 0; t < BGP_TIMER_COUNT; t++)
		f->ops->timer_stop(f->arg, (enum bgp_timer)t);
}

static void restart_connect_retry(struct bgp_fsm *f)
{
	f->ops->timer_start(f->arg, BGP_TIMER_CONNECT_RETRY, jitter(f, f->connect_retry_ms));
}

/* Drop everything and go to Idle; with auto_start, schedule the next attempt. */
static void to_idle(struct bgp_fsm *f, enum bgp_event why)
{
	stop_timers(f);
	f->ops->disconnect(f->arg);
	f->connect_retry_count++;
	change_state(f, BGP_IDLE, why);
	if (f->auto_start) {
		f->ops->timer_start(f->arg, BGP_TIMER_IDLE_HOLD, jitter(f, f->idle_hold_ms));
		f->idle_hold_ms = f->idle_hold_ms * 2 > BGP_IDLE_HOLD_MAX_MS ? BGP_IDLE_HOLD_MAX_MS
									     : f->idle_hold_ms * 2;
	}
}

static void notify_and_idle(struct bgp_fsm *f, uint8_t code, uint8_t subcode,
			    const struct bgp_notify *given, enum bgp_event why)
{
	struct bgp_notify n;

	if (given) {
		n = *given;
	} else {
		bgp_notify_set(&n, code, subcode);
	}
	f->ops->send_notification(f->arg, &n);
	to_idle(f, why);
}

/* RFC 6608: FSM error subcodes by the state an unexpected message arrived in. */
static void fsm_error(struct bgp_fsm *f, enum bgp_event why)
{
	uint8_t sub = f->state == BGP_OPENSENT ? 1 : f->state == BGP_OPENCONFIRM ? 2 : 3;

	notify_and_idle(f, BGP_ERR_FSM, sub, NULL, why);
}

static void start_session(struct bgp_fsm *f, enum bgp_event why)
{
	restart_connect_retry(f);
	if (f->passive) {
		change_state(f, BGP_ACTIVE, why);
	} else {
		change_state(f, BGP_CONNECT, why);
		f->ops->connect(f->arg);
	}
}

static void open_sent(struct bgp_fsm *f, enum bgp_event why)
{
	f->ops->timer_stop(f->arg, BGP_TIMER_CONNECT_RETRY);
	f->ops->send_open(f->arg);
	f->ops->timer_start(f->arg, BGP_TIMER_HOLD, BGP_HOLD_LARGE_S * 1000u);
	change_state(f, BGP_OPENSENT, why);
}

static void hold_restart(struct bgp_fsm *f)
{
	if (f->neg_hold_time)
		f->ops->timer_start(f->arg, BGP_TIMER_HOLD, f->neg_hold_time * 1000u);
}

static void keepalive_restart(struct bgp_fsm *f)
{
	if (f->neg_keepalive)
		f->ops->timer_start(f->arg, BGP_TIMER_KEEPALIVE,
				    jitter(f, f->neg_keepalive * 1000u));
}

/* RFC 4271 8.2.2, OpenSent: a valid OPEN arrived. */
static void open_confirm(struct bgp_fsm *f, enum bgp_event why)
{
	f->ops->send_keepalive(f->arg);
	f->ops->timer_stop(f->arg, BGP_TIMER_HOLD);
	hold_restart(f);
	keepalive_restart(f);
	change_state(f, BGP_OPENCONFIRM, why);
}

/* RFC 4271 6.8: ours loses; the accepted connection, OPEN already sent, takes over. */
static void collision_dump(struct bgp_fsm *f, enum bgp_event why)
{
	struct bgp_notify n;

	bgp_notify_set(&n, BGP_ERR_CEASE, BGP_ECEASE_COLLISION);
	f->ops->send_notification(f->arg, &n);
	f->ops->adopt_new_conn(f->arg);
	stop_timers(f);
	f->ops->timer_start(f->arg, BGP_TIMER_HOLD, BGP_HOLD_LARGE_S * 1000u);
	change_state(f, BGP_OPENSENT, why);
}

void bgp_fsm_event(struct bgp_fsm *f, enum bgp_event ev, const struct bgp_notify *err)
{
	switch (f->state) {
	case BGP_IDLE:
		switch (ev) {
		case BGP_EV_START:
		case BGP_EV_IDLE_HOLD_EXPIRED:
			f->ops->timer_stop(f->arg, BGP_TIMER_IDLE_HOLD);
			start_session(f, ev);
			break;
		default:
			break; /* RFC 4271 8.2.2: other events are ignored in Idle */
		}
		break;

	case BGP_CONNECT:
	case BGP_ACTIVE:
		switch (ev) {
		case BGP_EV_START:
			break;
		case BGP_EV_CONNECT_RETRY:
			f->ops->disconnect(f->arg);
			restart_connect_retry(f);
			if (!f->passive) {
				change_state(f, BGP_CONNECT, ev);
				f->ops->connect(f->arg);
			}
			break;
		case BGP_EV_CONN_OPEN:
			open_sent(f, ev);
			break;
		case BGP_EV_CONN_FAIL:
			f->ops->disconnect(f->arg);
			restart_connect_retry(f);
			change_state(f, BGP_ACTIVE, ev);
			break;
		default: /* Stop, and anything that cannot happen without a session */
			to_idle(f, ev);
			break;
		}
		break;

	case BGP_OPENSENT:
	case BGP_OPENCONFIRM:
	case BGP_ESTABLISHED:
		switch (ev) {
		case BGP_EV_START:
		case BGP_EV_IDLE_HOLD_EXPIRED:
		case BGP_EV_CONNECT_RETRY:
			break;
		case BGP_EV_STOP:
			notify_and_idle(f, BGP_ERR_CEASE, BGP_ECEASE_ADMIN_SHUTDOWN, err, ev);
			break;
		case BGP_EV_HOLD_EXPIRED:
			notify_and_idle(f, BGP_ERR_HOLD, 0, NULL, ev);
			break;
		case BGP_EV_MSG_ERROR:
			notify_and_idle(f, BGP_ERR_FSM, 0, err, ev);
			break;
		case BGP_EV_NOTIF_RCVD:
			to_idle(f, ev);
			break;
		case BGP_EV_CONN_FAIL:
			if (f->state == BGP_OPENSENT) { /* 8.2.2: back to Active, keep trying */
				f->ops->disconnect(f->arg);
				f->ops->timer_stop(f->arg, BGP_TIMER_HOLD);
				restart_connect_retry(f);
				change_state(f, BGP_ACTIVE, ev);
			} else {
				to_idle(f, ev);
			}
			break;
		case BGP_EV_KEEPALIVE_TIMER:
			if (f->state == BGP_OPENSENT)
				break;
			f->ops->send_keepalive(f->arg);
			keepalive_restart(f);
			break;
		case BGP_EV_COLLISION_WON_BY_NEW:
			if (f->state == BGP_ESTABLISHED)
				break; /* 6.8: an Established session always wins */
			collision_dump(f, ev);
			break;
		case BGP_EV_OPEN_OK:
			if (f->state == BGP_OPENSENT)
				open_confirm(f, ev);
			else
				fsm_error(f, ev);
			break;
		case BGP_EV_KEEPALIVE_RCVD:
			if (f->state == BGP_OPENSENT) {
				fsm_error(f, ev);
				break;
			}
			hold_restart(f);
			if (f->state == BGP_OPENCONFIRM) {
				f->established_count++;
				f->idle_hold_ms = BGP_IDLE_HOLD_MIN_MS;
				f->connect_retry_count = 0;
				change_state(f, BGP_ESTABLISHED, ev);
			}
			break;
		case BGP_EV_UPDATE_RCVD:
			if (f->state != BGP_ESTABLISHED)
				fsm_error(f, ev);
			else
				hold_restart(f);
			break;
		case BGP_EV_OPEN_RCVD_LATE:
			fsm_error(f, ev);
			break;
		case BGP_EV_CONN_OPEN:
		case BGP_EV_COUNT:
			break;
		}
		break;
	}
}
