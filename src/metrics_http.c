/*
 * metrics_http.c - the optional HTTP endpoint serving metrics (router
 * metrics-address / metrics-port): `GET /metrics` answers the OpenMetrics
 * text of the families the collect callback returns; anything else 404
 * (405 for other methods).  HTTP/1.0 semantics: one request per connection,
 * closed after the answer.
 *
 * Bounded by construction: at most METRICS_HTTP_CONNS connections, a
 * request head of at most METRICS_HTTP_HEAD bytes, METRICS_HTTP_TIMEOUT_S
 * seconds per connection; beyond that the connection is dropped.  The
 * request line is parsed from a copy bounded by that limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <json-c/json.h>

#include "log.h"
#include "metrics.h"
#include "metrics_http.h"

#define METRICS_HTTP_CONNS 16
#define METRICS_HTTP_HEAD 4096
#define METRICS_HTTP_TIMEOUT_S 5

struct mh_conn {
	struct metrics_http *mh;
	struct bufferevent *bev;
	bool answered;
	LIST_ENTRY(mh_conn) link;
};

struct metrics_http {
	struct evconnlistener *l;
	metrics_collect_fn collect;
	void *arg;
	unsigned n_conns;
	LIST_HEAD(, mh_conn) conns;
	uint64_t served, refused;
};

static void conn_free(struct mh_conn *c)
{
	c->mh->n_conns--;
	LIST_REMOVE(c, link);
	bufferevent_free(c->bev);
	free(c);
}

static void respond(struct mh_conn *c, const char *status, const char *ctype, const char *body,
		    size_t len)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);

	evbuffer_add_printf(out,
			    "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			    "Connection: close\r\n\r\n",
			    status, ctype, len);
	evbuffer_add(out, body, len);
	c->answered = true;
	bufferevent_disable(c->bev, EV_READ);
}

/* The request line "METHOD TARGET VERSION" of a complete head. */
static void answer(struct mh_conn *c, const char *head)
{
	char method[16], target[256];
	char *text = NULL;
	size_t len = 0;

	if (sscanf(head, "%15s %255s HTTP/1.%*c", method, target) != 2) {
		respond(c, "400 Bad Request", "text/plain", "bad request\n", 12);
		return;
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		respond(c, "405 Method Not Allowed", "text/plain", "GET only\n", 9);
		return;
	}
	if (strcmp(target, "/metrics") && strncmp(target, "/metrics?", 9)) {
		respond(c, "404 Not Found", "text/plain", "see /metrics\n", 13);
		return;
	}
	{
		json_object *fams = c->mh->collect(c->mh->arg);
		FILE *f = open_memstream(&text, &len);

		if (f) {
			metrics_fmt(f, fams);
			fclose(f);
		}
		json_object_put(fams);
	}
	respond(c, "200 OK", METRICS_CONTENT_TYPE, text ? text : "",
		!strcmp(method, "HEAD") || !text ? 0 : len);
	free(text);
	c->mh->served++;
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct mh_conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr end = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	char head[METRICS_HTTP_HEAD + 1];
	size_t n;

	if (c->answered)
		return;
	if (end.pos < 0) {
		if (evbuffer_get_length(in) > METRICS_HTTP_HEAD)
			respond(c, "431 Request Header Fields Too Large", "text/plain", "", 0);
		return;
	}
	n = evbuffer_remove(in, head, (size_t)end.pos < METRICS_HTTP_HEAD ? (size_t)end.pos
									   : METRICS_HTTP_HEAD);
	head[n] = '\0';
	answer(c, head);
}

/* The answer is out: close.  Errors, EOF and timeouts: drop. */
static void write_cb(struct bufferevent *bev, void *arg)
{
	struct mh_conn *c = arg;

	if (c->answered && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_free(c);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	conn_free(arg);
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int salen, void *arg)
{
	struct metrics_http *mh = arg;
	struct timeval tv = {METRICS_HTTP_TIMEOUT_S, 0};
	struct mh_conn *c;

	if (mh->n_conns >= METRICS_HTTP_CONNS || !(c = calloc(1, sizeof(*c)))) {
		mh->refused++;
		evutil_closesocket(fd);
		return;
	}
	c->mh = mh;
	c->bev = bufferevent_socket_new(evconnlistener_get_base(l), fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		evutil_closesocket(fd);
		free(c);
		return;
	}
	mh->n_conns++;
	LIST_INSERT_HEAD(&mh->conns, c, link);
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	bufferevent_setwatermark(c->bev, EV_READ, 0, METRICS_HTTP_HEAD + 1);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

struct metrics_http *metrics_http_new(struct event_base *base, const struct ipaddr *addr,
				      uint16_t port, metrics_collect_fn collect, void *arg)
{
	struct metrics_http *mh = calloc(1, sizeof(*mh));
	struct sockaddr_storage ss = {0};
	socklen_t len;
	char a[IPADDR_STRLEN];

	if (!mh)
		return NULL;
	if (addr->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = addr->v6;
		s6->sin6_port = htons(port);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr = addr->v4;
		s4->sin_port = htons(port);
		len = sizeof(*s4);
	}
	mh->collect = collect;
	mh->arg = arg;
	LIST_INIT(&mh->conns);
	mh->l = evconnlistener_new_bind(base, accept_cb, mh,
					LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
						LEV_OPT_CLOSE_ON_EXEC,
					16, (struct sockaddr *)&ss, (int)len);
	if (!mh->l) {
		log_err("metrics", "cannot listen on %s port %u: %m", ipaddr_fmt(addr, a), port);
		free(mh);
		return NULL;
	}
	log_info("metrics", "serving http://%s%s%s:%u/metrics", addr->family == AF_INET6 ? "[" : "",
		 ipaddr_fmt(addr, a), addr->family == AF_INET6 ? "]" : "", port);
	return mh;
}

void metrics_http_free(struct metrics_http *mh)
{
	if (!mh)
		return;
	while (!LIST_EMPTY(&mh->conns))
		conn_free(LIST_FIRST(&mh->conns));
	evconnlistener_free(mh->l);
	free(mh);
}
