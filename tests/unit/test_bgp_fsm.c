/*
 * test_bgp_fsm.c - Check suite for src/bgp_fsm.c: transitions, timers and
 * collisions through a mock of the operations table that records every
 * request the FSM makes.
 */
#include <stdio.h>
#include <string.h>

#include "bgp_fsm.h"
#include "testutil.h"

struct mock {
	char log[4096];
	uint32_t timer_ms[BGP_TIMER_COUNT];
	bool timer_on[BGP_TIMER_COUNT];
	struct bgp_notify last_notify;
	int notifies;
};

static void logf_(struct mock *m, const char *s)
{
	strncat(m->log, s, sizeof(m->log) - strlen(m->log) - 1);
	strncat(m->log, ";", sizeof(m->log) - strlen(m->log) - 1);
}

static void m_connect(void *arg) { logf_(arg, "connect"); }
static void m_disconnect(void *arg) { logf_(arg, "disconnect"); }
static void m_send_open(void *arg) { logf_(arg, "open"); }
static void m_send_keepalive(void *arg) { logf_(arg, "keepalive"); }
static void m_adopt(void *arg) { logf_(arg, "adopt"); }

static void m_send_notification(void *arg, const struct bgp_notify *n)
{
	struct mock *m = arg;
	char s[32];

	snprintf(s, sizeof(s), "notify %u/%u", n->code, n->subcode);
	logf_(m, s);
	m->last_notify = *n;
	m->notifies++;
}

static void m_timer_start(void *arg, enum bgp_timer t, uint32_t ms)
{
	struct mock *m = arg;

	m->timer_on[t] = true;
	m->timer_ms[t] = ms;
}

static void m_timer_stop(void *arg, enum bgp_timer t)
{
	((struct mock *)arg)->timer_on[t] = false;
}

static const struct bgp_fsm_ops mock_ops = {
	.connect = m_connect,
	.disconnect = m_disconnect,
	.send_open = m_send_open,
	.send_keepalive = m_send_keepalive,
	.send_notification = m_send_notification,
	.adopt_new_conn = m_adopt,
	.timer_start = m_timer_start,
	.timer_stop = m_timer_stop,
};

static struct mock m;
static struct bgp_fsm f;

static void setup(void)
{
	memset(&m, 0, sizeof(m));
	memset(&f, 0, sizeof(f));
	bgp_fsm_init(&f, &mock_ops, &m);
}

static void ev(enum bgp_event e)
{
	bgp_fsm_event(&f, e, NULL);
}

/* Drive a session to Established with hold 9 s, keepalive 3 s. */
static void establish(void)
{
	ev(BGP_EV_START);
	ev(BGP_EV_CONN_OPEN);
	f.neg_hold_time = 9;
	f.neg_keepalive = 3;
	ev(BGP_EV_OPEN_OK);
	ev(BGP_EV_KEEPALIVE_RCVD);
	ck_assert_int_eq(f.state, BGP_ESTABLISHED);
	m.log[0] = '\0';
}

START_TEST(active_open_to_established)
{
	ev(BGP_EV_START);
	ck_assert_int_eq(f.state, BGP_CONNECT);
	ck_assert_str_eq(m.log, "connect;");
	ck_assert(m.timer_on[BGP_TIMER_CONNECT_RETRY]);
	/* ConnectRetry jittered to 75-100 % of 5 s */
	ck_assert_uint_ge(m.timer_ms[BGP_TIMER_CONNECT_RETRY], 3750);
	ck_assert_uint_le(m.timer_ms[BGP_TIMER_CONNECT_RETRY], 5000);
	ev(BGP_EV_CONN_OPEN);
	ck_assert_int_eq(f.state, BGP_OPENSENT);
	ck_assert(!m.timer_on[BGP_TIMER_CONNECT_RETRY]);
	ck_assert_uint_eq(m.timer_ms[BGP_TIMER_HOLD], BGP_HOLD_LARGE_S * 1000);
	f.neg_hold_time = 9;
	f.neg_keepalive = 3;
	ev(BGP_EV_OPEN_OK);
	ck_assert_int_eq(f.state, BGP_OPENCONFIRM);
	ck_assert_uint_eq(m.timer_ms[BGP_TIMER_HOLD], 9000);
	ck_assert_uint_ge(m.timer_ms[BGP_TIMER_KEEPALIVE], 2250);
	ck_assert_uint_le(m.timer_ms[BGP_TIMER_KEEPALIVE], 3000);
	ev(BGP_EV_KEEPALIVE_RCVD);
	ck_assert_int_eq(f.state, BGP_ESTABLISHED);
	ck_assert_str_eq(m.log, "connect;open;keepalive;");
	ck_assert_uint_eq(f.established_count, 1);
}
END_TEST

START_TEST(passive_waits_in_active)
{
	f.passive = true;
	ev(BGP_EV_START);
	ck_assert_int_eq(f.state, BGP_ACTIVE);
	ev(BGP_EV_CONNECT_RETRY);
	ck_assert_int_eq(f.state, BGP_ACTIVE);
	ck_assert(strncmp(m.log, "connect;", 8) != 0 && !strstr(m.log, ";connect;"));
	ev(BGP_EV_CONN_OPEN); /* the peer connected to us */
	ck_assert_int_eq(f.state, BGP_OPENSENT);
}
END_TEST

START_TEST(connect_failures_and_retry)
{
	ev(BGP_EV_START);
	ev(BGP_EV_CONN_FAIL);
	ck_assert_int_eq(f.state, BGP_ACTIVE);
	ck_assert(m.timer_on[BGP_TIMER_CONNECT_RETRY]);
	ev(BGP_EV_CONNECT_RETRY);
	ck_assert_int_eq(f.state, BGP_CONNECT);
	ev(BGP_EV_CONNECT_RETRY); /* still no answer: try again */
	ck_assert_int_eq(f.state, BGP_CONNECT);
	ck_assert_str_eq(m.log, "connect;disconnect;disconnect;connect;disconnect;connect;");
	/* OpenSent + TCP failure goes back to Active (RFC 4271 8.2.2) */
	ev(BGP_EV_CONN_OPEN);
	ev(BGP_EV_CONN_FAIL);
	ck_assert_int_eq(f.state, BGP_ACTIVE);
	ck_assert(!m.timer_on[BGP_TIMER_HOLD]);
}
END_TEST

START_TEST(hold_timer_expiry_then_automatic_restart)
{
	establish();
	ev(BGP_EV_HOLD_EXPIRED);
	ck_assert_int_eq(f.state, BGP_IDLE);
	ck_assert_str_eq(m.log, "notify 4/0;disconnect;");
	ck_assert(!m.timer_on[BGP_TIMER_HOLD]);
	ck_assert(!m.timer_on[BGP_TIMER_KEEPALIVE]);
	ck_assert(m.timer_on[BGP_TIMER_IDLE_HOLD]);
	ck_assert_uint_le(m.timer_ms[BGP_TIMER_IDLE_HOLD], BGP_IDLE_HOLD_MIN_MS);
	ev(BGP_EV_IDLE_HOLD_EXPIRED);
	ck_assert_int_eq(f.state, BGP_CONNECT);
}
END_TEST

START_TEST(idle_hold_backs_off_and_resets)
{
	for (int i = 0; i < 10; i++) {
		ev(BGP_EV_START);
		ev(BGP_EV_CONN_OPEN);
		ev(BGP_EV_NOTIF_RCVD);
		ck_assert_int_eq(f.state, BGP_IDLE);
	}
	ck_assert_uint_ge(m.timer_ms[BGP_TIMER_IDLE_HOLD], BGP_IDLE_HOLD_MAX_MS * 3 / 4);
	ck_assert_uint_le(m.timer_ms[BGP_TIMER_IDLE_HOLD], BGP_IDLE_HOLD_MAX_MS);
	establish();
	ck_assert_uint_eq(f.idle_hold_ms, BGP_IDLE_HOLD_MIN_MS);
}
END_TEST

START_TEST(keepalives_and_updates_refresh_hold)
{
	establish();
	m.timer_on[BGP_TIMER_HOLD] = false;
	ev(BGP_EV_UPDATE_RCVD);
	ck_assert(m.timer_on[BGP_TIMER_HOLD]);
	ev(BGP_EV_KEEPALIVE_TIMER);
	ck_assert_str_eq(m.log, "keepalive;");
	ck_assert(m.timer_on[BGP_TIMER_KEEPALIVE]);
}
END_TEST

START_TEST(unexpected_messages_are_fsm_errors)
{
	ev(BGP_EV_START);
	ev(BGP_EV_CONN_OPEN);
	ev(BGP_EV_UPDATE_RCVD); /* UPDATE in OpenSent */
	ck_assert_int_eq(f.state, BGP_IDLE);
	ck_assert_uint_eq(m.last_notify.code, BGP_ERR_FSM);
	ck_assert_uint_eq(m.last_notify.subcode, 1);
	setup();
	ev(BGP_EV_START);
	ev(BGP_EV_CONN_OPEN);
	ev(BGP_EV_OPEN_OK);
	ev(BGP_EV_UPDATE_RCVD); /* UPDATE in OpenConfirm */
	ck_assert_uint_eq(m.last_notify.subcode, 2);
	setup();
	establish();
	ev(BGP_EV_OPEN_RCVD_LATE);
	ck_assert_int_eq(f.state, BGP_IDLE);
	ck_assert_uint_eq(m.last_notify.subcode, 3);
}
END_TEST

START_TEST(message_error_sends_given_notification)
{
	struct bgp_notify n;

	establish();
	bgp_notify_set(&n, BGP_ERR_UPDATE, BGP_EUPD_ATTRLIST);
	bgp_fsm_event(&f, BGP_EV_MSG_ERROR, &n);
	ck_assert_int_eq(f.state, BGP_IDLE);
	ck_assert_str_eq(m.log, "notify 3/1;disconnect;");
}
END_TEST

START_TEST(stop_sends_cease_and_stays_idle_without_autostart)
{
	establish();
	f.auto_start = false;
	ev(BGP_EV_STOP);
	ck_assert_int_eq(f.state, BGP_IDLE);
	ck_assert_str_eq(m.log, "notify 6/2;disconnect;");
	ck_assert(!m.timer_on[BGP_TIMER_IDLE_HOLD]);
	ev(BGP_EV_CONN_OPEN); /* ignored in Idle */
	ck_assert_int_eq(f.state, BGP_IDLE);
}
END_TEST

START_TEST(collision_lost_adopts_the_accepted_connection)
{
	ev(BGP_EV_START);
	ev(BGP_EV_CONN_OPEN);
	f.neg_hold_time = 9;
	f.neg_keepalive = 3;
	ev(BGP_EV_OPEN_OK);
	ck_assert_int_eq(f.state, BGP_OPENCONFIRM);
	m.log[0] = '\0';
	ev(BGP_EV_COLLISION_WON_BY_NEW);
	ck_assert_str_eq(m.log, "notify 6/7;adopt;");
	ck_assert_int_eq(f.state, BGP_OPENSENT);
	ck_assert(!m.timer_on[BGP_TIMER_KEEPALIVE]);
	ev(BGP_EV_OPEN_OK); /* the adopted connection's OPEN */
	ck_assert_int_eq(f.state, BGP_OPENCONFIRM);
	ev(BGP_EV_KEEPALIVE_RCVD);
	ck_assert_int_eq(f.state, BGP_ESTABLISHED);
	m.log[0] = '\0';
	ev(BGP_EV_COLLISION_WON_BY_NEW); /* Established always wins */
	ck_assert_str_eq(m.log, "");
	ck_assert_int_eq(f.state, BGP_ESTABLISHED);
}
END_TEST

START_TEST(hold_time_zero_runs_no_timers)
{
	ev(BGP_EV_START);
	ev(BGP_EV_CONN_OPEN);
	f.neg_hold_time = 0;
	f.neg_keepalive = 0;
	ev(BGP_EV_OPEN_OK);
	ck_assert(!m.timer_on[BGP_TIMER_HOLD]);
	ck_assert(!m.timer_on[BGP_TIMER_KEEPALIVE]);
	ev(BGP_EV_KEEPALIVE_RCVD);
	ck_assert_int_eq(f.state, BGP_ESTABLISHED);
	ck_assert(!m.timer_on[BGP_TIMER_HOLD]);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(bgp_state_name(BGP_OPENCONFIRM), "OpenConfirm");
	ck_assert_str_eq(bgp_event_name(BGP_EV_HOLD_EXPIRED), "HoldTimer_Expires");
	ck_assert_str_eq(bgp_state_name((enum bgp_state)42), "?");
}
END_TEST

static Suite *fsm_suite(void)
{
	Suite *s = suite_create("bgp_fsm");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, active_open_to_established);
	tcase_add_test(tc, passive_waits_in_active);
	tcase_add_test(tc, connect_failures_and_retry);
	tcase_add_test(tc, hold_timer_expiry_then_automatic_restart);
	tcase_add_test(tc, idle_hold_backs_off_and_resets);
	tcase_add_test(tc, keepalives_and_updates_refresh_hold);
	tcase_add_test(tc, unexpected_messages_are_fsm_errors);
	tcase_add_test(tc, message_error_sends_given_notification);
	tcase_add_test(tc, stop_sends_cease_and_stays_idle_without_autostart);
	tcase_add_test(tc, collision_lost_adopts_the_accepted_connection);
	tcase_add_test(tc, hold_time_zero_runs_no_timers);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(fsm_suite());
}
