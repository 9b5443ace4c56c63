/*
 * Check suite of src/ctl.c: the control socket's answers, now and later
 * (ctl_defer / ctl_answer), with clients that wait, that leave before the
 * answer, and a server that goes first.  Clients are child processes
 * (ctl_call blocks); the parent runs the loop.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "ctl.h"
#include "testutil.h"

static struct {
	struct ctl_conn *later; /* the deferred request's token */
	int requests;
} H;

/* "now": {"v": 1}; "later": deferred; anything else: an error. */
static json_object *handler(void *arg, const struct ctl_caller *who, const char *const *w,
			    size_t n, char **err)
{
	json_object *o;

	H.requests++;
	if (!strcmp(w[0], "later")) {
		H.later = ctl_defer(who);
		return NULL;
	}
	if (!strcmp(w[0], "now")) {
		o = json_object_new_object();
		json_object_object_add(o, "v", json_object_new_int(1));
		return o;
	}
	*err = strdup("unknown command");
	return NULL;
}

static char sock_path[64];

static struct ctl_server *server(struct event_base *base)
{
	char *err = NULL;
	struct ctl_server *s;

	snprintf(sock_path, sizeof(sock_path), "/tmp/evpnd-test-ctl.%d.sock", (int)getpid());
	s = ctl_server_new(base, sock_path, -1, handler, NULL, &err);
	ck_assert_msg(s != NULL, "%s", err ? err : "?");
	memset(&H, 0, sizeof(H));
	return s;
}

/*
 * A client in a child: sends word, waits timeout_ms; exits 0 when the
 * answer's member "v" is want (0: an error answer whose text is want_err).
 */
static pid_t client(const char *word, int timeout_ms, int want, const char *want_err)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const char *words[] = {word};
		json_object *data = NULL, *v;
		char err[256] = "";
		int rc = ctl_call(sock_path, words, 1, timeout_ms, &data, err, sizeof(err));

		if (want)
			_exit(rc == 0 && json_object_object_get_ex(data, "v", &v) &&
				      json_object_get_int(v) == want
			      ? 0
			      : 1);
		_exit(rc == -1 && strstr(err, want_err) ? 0 : 1);
	}
	return pid;
}

/* Run the loop until pid exits; its status. */
static int loop_until_exit(struct event_base *base, pid_t pid)
{
	int st;

	for (int i = 0; i < 2000; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		usleep(2000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* n loop turns, 2 ms apart */
static void run_turns(struct event_base *base, int n)
{
	for (int i = 0; i < n; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(2000);
	}
}

static void loop_until_deferred(struct event_base *base)
{
	for (int i = 0; i < 2000 && !H.later; i++) {
		event_base_loop(base, EVLOOP_NONBLOCK);
		usleep(2000);
	}
	ck_assert_ptr_nonnull(H.later);
}

START_TEST(answer_now)
{
	struct event_base *base = event_base_new();
	struct ctl_server *s = server(base);

	ck_assert_int_eq(loop_until_exit(base, client("now", 5000, 1, NULL)), 0);
	ck_assert_int_eq(loop_until_exit(base, client("what", 5000, 0, "unknown command")), 0);
	ck_assert_int_eq(H.requests, 2);
	ctl_server_free(s);
	event_base_free(base);
}
END_TEST

/* The answer comes turns later, data or an error, to a client that waits. */
START_TEST(answer_later)
{
	struct event_base *base = event_base_new();
	struct ctl_server *s = server(base);
	json_object *o;
	pid_t pid;

	pid = client("later", 5000, 7, NULL);
	loop_until_deferred(base);
	run_turns(base, 20);
	ck_assert_int_eq(waitpid(pid, NULL, WNOHANG), 0); /* nothing was sent meanwhile */
	o = json_object_new_object();
	json_object_object_add(o, "v", json_object_new_int(7));
	ctl_answer(H.later, o, NULL);
	ck_assert_int_eq(loop_until_exit(base, pid), 0);
	/* an error later */
	H.later = NULL;
	pid = client("later", 5000, 0, "busy now");
	loop_until_deferred(base);
	ctl_answer(H.later, NULL, "busy now");
	ck_assert_int_eq(loop_until_exit(base, pid), 0);
	ctl_server_free(s);
	event_base_free(base);
}
END_TEST

/* The client gave up before the answer; then the server goes with one pending. */
START_TEST(answer_to_nobody)
{
	struct event_base *base = event_base_new();
	struct ctl_server *s = server(base);
	json_object *o;
	pid_t pid;

	pid = client("later", 100, 0, "");
	loop_until_deferred(base);
	ck_assert_int_eq(loop_until_exit(base, pid), 0); /* timed out */
	o = json_object_new_object();
	ctl_answer(H.later, o, NULL); /* dropped, or failing on a closed socket */
	run_turns(base, 20);
	ck_assert_int_eq(loop_until_exit(base, client("now", 5000, 1, NULL)), 0);
	/* the server goes first: the answer afterwards is dropped (ASan: no leak, no use after free) */
	H.later = NULL;
	pid = client("later", 5000, 0, "");
	loop_until_deferred(base);
	ctl_server_free(s);
	ctl_answer(H.later, json_object_new_object(), NULL);
	ck_assert_int_eq(loop_until_exit(base, pid), 0); /* the connection closed: an error */
	event_base_free(base);
}
END_TEST

static Suite *ctl_suite(void)
{
	Suite *s = suite_create("ctl");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, answer_now);
	tcase_add_test(tc, answer_later);
	tcase_add_test(tc, answer_to_nobody);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN); /* as evpnd: a client gone shows as a write error */
	return run_suite(ctl_suite());
}
