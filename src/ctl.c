/*
 * ctl.c - control socket server (inside evpnd's event loop) and client
 * (evpnctl).  Framing: one JSON object per line each way; see ctl.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <json-c/json.h>

#include "ctl.h"
#include "log.h"

#define CTL_MAX_WORDS 16
#define CTL_IO_TIMEOUT 10	/* seconds: reading a request, writing an answer */

/*
 * A client's connection.  The server owns it, except a deferred one whose
 * server went (s NULL, off the list): then ctl_answer frees it.
 */
struct ctl_conn {
	LIST_ENTRY(ctl_conn) link;	/* server's connections */
	struct ctl_server *s;
	struct bufferevent *bev;	/* NULL once closed */
	bool deferred;			/* answered by ctl_answer */
};

struct ctl_server {
	struct evconnlistener *listener;
	char *path;
	ctl_handler_fn handler;
	void *arg;
	LIST_HEAD(, ctl_conn) conns;
};

static int sun_fill(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

/* true when another process accepts connections on path. */
static bool socket_in_use(const char *path)
{
	struct sockaddr_un sun;
	int fd, rc;

	if (sun_fill(&sun, path) == -1)
		return false;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return false;
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	close(fd);
	return rc == 0;
}

static json_object *error_response(const char *msg)
{
	json_object *r = json_object_new_object();

	json_object_object_add(r, "ok", json_object_new_boolean(0));
	json_object_object_add(r, "error", json_object_new_string(msg));
	return r;
}

/* The answer to a request: its data (taken over), else the error err. */
static json_object *response(json_object *data, const char *err)
{
	json_object *r;

	if (!data)
		return error_response(err ? err : "failed");
	r = json_object_new_object();
	json_object_object_add(r, "ok", json_object_new_boolean(1));
	json_object_object_add(r, "data", data);
	return r;
}

/* Parse and run one request line; the response object, NULL when deferred. */
static json_object *handle_line(struct ctl_server *s, const struct ctl_caller *who,
				const char *line)
{
	json_object *req = json_tokener_parse(line), *cmd, *resp, *data;
	const char *words[CTL_MAX_WORDS];
	char *err = NULL;
	size_t n;

	if (!req || !json_object_object_get_ex(req, "command", &cmd) ||
	    !json_object_is_type(cmd, json_type_array)) {
		json_object_put(req);
		return error_response("malformed request: expected {\"command\": [...]}");
	}
	n = json_object_array_length(cmd);
	if (n == 0 || n > CTL_MAX_WORDS) {
		json_object_put(req);
		return error_response("malformed request: empty or too long command");
	}
	for (size_t i = 0; i < n; i++) {
		json_object *w = json_object_array_get_idx(cmd, i);

		if (!json_object_is_type(w, json_type_string)) {
			json_object_put(req);
			return error_response("malformed request: command words must be strings");
		}
		words[i] = json_object_get_string(w);
	}
	data = s->handler(s->arg, who, words, n, &err);
	json_object_put(req);
	if (!data && !err && who->conn->deferred)
		return NULL; /* ctl_answer follows */
	resp = response(data, err);
	free(err);
	return resp;
}

static void conn_close(struct ctl_conn *c)
{
	if (c->bev)
		bufferevent_free(c->bev);
	c->bev = NULL;
}

/* Closed and freed, unless a deferred answer is still to come (it frees it). */
static void conn_free(struct ctl_conn *c)
{
	conn_close(c);
	if (c->deferred)
		return;
	if (c->s)
		LIST_REMOVE(c, link);
	free(c);
}

static void client_done(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_free(arg);
}

static void client_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		conn_free(arg);
}

/* Send resp (taken over), then close once it is flushed. */
static void conn_respond(struct ctl_conn *c, json_object *resp)
{
	const char *text = json_object_to_json_string_ext(resp, JSON_C_TO_STRING_PLAIN);
	struct timeval tv = {CTL_IO_TIMEOUT, 0};

	bufferevent_write(c->bev, text, strlen(text));
	bufferevent_write(c->bev, "\n", 1);
	json_object_put(resp);
	bufferevent_set_timeouts(c->bev, NULL, &tv);
	bufferevent_setcb(c->bev, NULL, client_done, client_event, c);
}

static void client_read(struct bufferevent *bev, void *arg)
{
	struct ctl_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line = evbuffer_readln(in, NULL, EVBUFFER_EOL_LF);
	struct ucred uc = {0};
	socklen_t len = sizeof(uc);
	struct ctl_caller who = {-1, (unsigned int)-1, (unsigned int)-1, c};
	json_object *resp;

	if (!line) {
		if (evbuffer_get_length(in) > CTL_MAX_REQUEST) {
			log_warn("control", "request over %d bytes refused", CTL_MAX_REQUEST);
			conn_free(c);
		}
		return;
	}
	if (getsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0) {
		who.pid = uc.pid;
		who.uid = uc.uid;
		who.gid = uc.gid;
	}
	/* one request per connection: no more reading */
	bufferevent_disable(bev, EV_READ);
	resp = handle_line(c->s, &who, line);
	free(line);
	if (resp) {
		conn_respond(c, resp);
		return;
	}
	/* deferred: no timeout while the work goes on; the client's end shows at the answer */
	bufferevent_set_timeouts(bev, NULL, NULL);
	bufferevent_setcb(bev, NULL, NULL, client_event, c);
}

struct ctl_conn *ctl_defer(const struct ctl_caller *who)
{
	who->conn->deferred = true;
	return who->conn;
}

void ctl_answer(struct ctl_conn *c, json_object *data, const char *err)
{
	c->deferred = false;
	if (!c->bev) { /* the client or the server went */
		json_object_put(data);
		conn_free(c);
		return;
	}
	conn_respond(c, response(data, err));
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
		      void *arg)
{
	struct ctl_server *s = arg;
	struct ctl_conn *c = calloc(1, sizeof(*c));
	struct timeval tv = {CTL_IO_TIMEOUT, 0};

	if (!c || !(c->bev = bufferevent_socket_new(evconnlistener_get_base(l), fd,
						    BEV_OPT_CLOSE_ON_FREE))) {
		free(c);
		close(fd);
		return;
	}
	c->s = s;
	LIST_INSERT_HEAD(&s->conns, c, link);
	bufferevent_setcb(c->bev, client_read, NULL, client_event, c);
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	bufferevent_enable(c->bev, EV_READ);
}

struct ctl_server *ctl_server_new(struct event_base *base, const char *path, int gid,
				  ctl_handler_fn handler, void *arg, char **err)
{
	struct ctl_server *s;
	struct sockaddr_un sun;
	mode_t old;

	if (sun_fill(&sun, path) == -1) {
		*err = strdup("control socket path too long");
		return NULL;
	}
	if (socket_in_use(path)) {
		if (asprintf(err, "%s: another evpnd is listening there", path) < 0)
			*err = NULL;
		return NULL;
	}
	unlink(path); /* stale socket of a dead instance */
	s = calloc(1, sizeof(*s));
	if (!s)
		abort();
	s->path = strdup(path);
	LIST_INIT(&s->conns);
	s->handler = handler;
	s->arg = arg;
	old = umask(0117); /* socket mode 0660 */
	s->listener = evconnlistener_new_bind(base, accept_cb, s,
					      LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
					      (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (s->listener && gid >= 0 && chown(path, (uid_t)-1, (gid_t)gid) == -1)
		log_warn("control", "%s: cannot give it to group %d: %s", path, gid, strerror(errno));
	if (!s->listener) {
		if (asprintf(err, "%s: %s", path, strerror(errno)) < 0)
			*err = NULL;
		free(s->path);
		free(s);
		return NULL;
	}
	return s;
}

void ctl_server_free(struct ctl_server *s)
{
	struct ctl_conn *c;

	if (!s)
		return;
	while ((c = LIST_FIRST(&s->conns))) {
		LIST_REMOVE(c, link);
		c->s = NULL; /* a deferred one is freed by its ctl_answer */
		conn_free(c);
	}
	evconnlistener_free(s->listener);
	unlink(s->path);
	free(s->path);
	free(s);
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Read until '\n' or EOF; returns a new string or NULL. */
static char *read_response(int fd, int timeout_ms, char *err, size_t errlen)
{
	struct timespec deadline;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	while (buf) {
		struct pollfd pfd = {fd, POLLIN, 0};
		long left = ms_left(&deadline);
		ssize_t r;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0) {
			snprintf(err, errlen, "no response from evpnd (timeout)");
			break;
		}
		if (len + 1 >= cap)
			buf = realloc(buf, cap *= 2);
		if (!buf)
			break;
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			buf[len] = '\0';
			if (len)
				return buf;
			snprintf(err, errlen, "evpnd closed the connection without answering");
			break;
		}
		len += (size_t)r;
		buf[len] = '\0';
		if (memchr(buf, '\n', len))
			return buf;
	}
	free(buf);
	return NULL;
}

static int send_request(int fd, const char *const *words, size_t n)
{
	json_object *req = json_object_new_object(), *cmd = json_object_new_array();
	const char *text;
	size_t off = 0, len;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		json_object_array_add(cmd, json_object_new_string(words[i]));
	json_object_object_add(req, "command", cmd);
	text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	len = strlen(text);
	while (off < len && rc == 0) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			rc = -1;
		else
			off += (size_t)w;
	}
	if (rc == 0 && write(fd, "\n", 1) != 1)
		rc = -1;
	json_object_put(req);
	return rc;
}

int ctl_call(const char *path, const char *const *words, size_t n, int timeout_ms,
	     struct json_object **data, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	json_object *resp = NULL, *ok, *v;
	char *text = NULL;
	int fd, rc = -1;

	*data = NULL;
	if (sun_fill(&sun, path) == -1) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, errlen, "cannot connect to %s: %s (is evpnd running?)", path,
			 strerror(errno));
		goto out;
	}
	if (send_request(fd, words, n) == -1) {
		snprintf(err, errlen, "cannot send request: %s", strerror(errno));
		goto out;
	}
	text = read_response(fd, timeout_ms, err, errlen);
	if (!text)
		goto out;
	resp = json_tokener_parse(text);
	if (!resp || !json_object_object_get_ex(resp, "ok", &ok)) {
		snprintf(err, errlen, "malformed response from evpnd");
		goto out;
	}
	if (!json_object_get_boolean(ok)) {
		snprintf(err, errlen, "%s",
			 json_object_object_get_ex(resp, "error", &v) ? json_object_get_string(v)
								      : "error");
		goto out;
	}
	if (json_object_object_get_ex(resp, "data", &v))
		*data = json_object_get(v);
	else
		*data = json_object_new_object();
	rc = 0;
out:
	json_object_put(resp);
	free(text);
	if (fd != -1)
		close(fd);
	return rc;
}
