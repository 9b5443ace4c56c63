/*
 * metrics_http.h - the HTTP endpoint serving metrics (metrics_http.c):
 * GET /metrics on a configured local address, OpenMetrics text.
 */
#ifndef EVPND_METRICS_HTTP_H
#define EVPND_METRICS_HTTP_H

#include <stdint.h>

#include "types.h"

struct event_base;
struct json_object;
struct metrics_http;

/* Families to serve (metrics.h); the endpoint releases them. */
typedef struct json_object *(*metrics_collect_fn)(void *arg);

/* Listen on addr:port; NULL after logging when the socket cannot be opened. */
struct metrics_http *metrics_http_new(struct event_base *base, const struct ipaddr *addr,
				      uint16_t port, metrics_collect_fn collect, void *arg);
/* Close the listener and every open connection.  NULL is ignored. */
void metrics_http_free(struct metrics_http *mh);

#endif
