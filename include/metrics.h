/*
 * metrics.h - operational metrics in the OpenMetrics 1.0 text format
 * (Prometheus-compatible): `evpnctl show metrics` and the optional HTTP
 * endpoint (metrics_http.c).
 *
 * The daemon answers `show metrics` with structured data, a JSON array of
 * metric families built by metrics_build() from its own views (summary,
 * neighbors, route counts):
 *
 *   [{"name": "evpnd_bgp_session_established", "type": "gauge",
 *     "help": "...", "samples": [{"suffix": "", "labels": {"peer": "10.1.1.0"},
 *                                 "value": 1}]}, ...]
 *
 * and metrics_fmt() writes the text exposition of such an array.  Both are
 * pure: no daemon state, no I/O besides the FILE given.
 */
#ifndef EVPND_METRICS_H
#define EVPND_METRICS_H

#include <stdio.h>

struct json_object;

/*
 * Families from the daemon's views: summary (evpnd_show_summary),
 * neighbors (bgp_show_neighbors), routes (show_route_counts).  The
 * arguments are only read.
 */
struct json_object *metrics_build(struct json_object *summary, struct json_object *neighbors,
				  struct json_object *routes);

/* OpenMetrics text of families, "# EOF" last. */
void metrics_fmt(FILE *out, struct json_object *families);

#define METRICS_CONTENT_TYPE "application/openmetrics-text; version=1.0.0; charset=utf-8"

#endif
