/*
 * ctl.h - the control protocol between evpnd and evpnctl.
 *
 * A UNIX stream socket per daemon instance.  A client sends one request, a
 * JSON object on one line, and reads one response, a JSON object on one line;
 * then the connection closes.
 *
 *     request:  {"command": ["show", "summary"]}
 *     response: {"ok": true, "data": {...}}
 *               {"ok": false, "error": "unknown command \"show foo\""}
 *
 * The daemon answers with structured data only; formatting (text tables or
 * JSON) is evpnctl's job.  Requests are bounded in size (CTL_MAX_REQUEST).
 * A handler may answer later (ctl_defer, ctl_answer: work that runs over
 * many loop turns); the connection then waits without a timeout.
 */
#ifndef EVPND_CTL_H
#define EVPND_CTL_H

#include <stddef.h>

struct event_base;
struct json_object;

#define CTL_MAX_REQUEST 65536
#define CTL_DEFAULT_SOCKET "/run/evpnd.sock"

struct ctl_conn;

/* Who sent a request (SO_PEERCRED of its connection). */
struct ctl_caller {
	int pid;
	unsigned int uid, gid;
	struct ctl_conn *conn;	/* for ctl_defer */
};

/*
 * Called for each request with its command words and its sender; returns a
 * new "data" object on success, or NULL with *err set to a new message.
 */
typedef struct json_object *(*ctl_handler_fn)(void *arg, const struct ctl_caller *who,
					       const char *const *words, size_t n, char **err);

struct ctl_server;

/*
 * Listen on path, mode 0660 (a stale socket file left by a dead instance is
 * replaced); gid >= 0 gives the socket to that group.
 */
struct ctl_server *ctl_server_new(struct event_base *base, const char *path, int gid,
				  ctl_handler_fn handler, void *arg, char **err);
/* Stops listening, closes clients and removes the socket file. */
void ctl_server_free(struct ctl_server *s);

/*
 * In a handler: the answer comes later, by ctl_answer (token: who->conn,
 * also returned); the handler then returns NULL with *err left NULL.
 */
struct ctl_conn *ctl_defer(const struct ctl_caller *who);
/*
 * The answer of a deferred request: data (taken over) or, when data is
 * NULL, the error err.  Exactly once per ctl_defer; the token is then
 * gone.  A client or server gone meanwhile: the answer is dropped.
 */
void ctl_answer(struct ctl_conn *c, struct json_object *data, const char *err);

/*
 * Client: send the command words, wait up to timeout_ms for the response.
 * Returns 0 with *data (a new reference) when the daemon said ok; -1 with
 * err filled otherwise (connection problem or the daemon's error).
 */
int ctl_call(const char *path, const char *const *words, size_t n, int timeout_ms,
	     struct json_object **data, char *err, size_t errlen);

#endif
