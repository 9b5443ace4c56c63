/*
 * metrics.c - metric families from the daemon's views, and their OpenMetrics
 * text form (see metrics.h).
 *
 * Names follow Prometheus conventions: evpnd_ prefix, counters end in
 * _total in their samples (the family name has no suffix, as OpenMetrics
 * requires), units in the name.  Label values are escaped (\\, \", \n).
 * A view missing a member gives no sample rather than a wrong one.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "metrics.h"

static json_object *family(json_object *fams, const char *name, const char *type,
			   const char *help)
{
	json_object *f = json_object_new_object();

	json_object_object_add(f, "name", json_object_new_string(name));
	json_object_object_add(f, "type", json_object_new_string(type));
	json_object_object_add(f, "help", json_object_new_string(help));
	json_object_object_add(f, "samples", json_object_new_array());
	json_object_array_add(fams, f);
	return f;
}

/* One sample; labels are key, value pairs ending with NULL. */
static void sample(json_object *fam, const char *suffix, double value, ...)
{
	json_object *s = json_object_new_object(), *labels = json_object_new_object();
	const char *k;
	va_list ap;

	va_start(ap, value);
	while ((k = va_arg(ap, const char *)))
		json_object_object_add(labels, k, json_object_new_string(va_arg(ap, const char *)));
	va_end(ap);
	json_object_object_add(s, "suffix", json_object_new_string(suffix));
	json_object_object_add(s, "labels", labels);
	json_object_object_add(s, "value", json_object_new_double(value));
	json_object_array_add(json_object_object_get(fam, "samples"), s);
}

/* The number at a path of object members ("evpn", "kernel-stats", "errors"), or -1. */
static double num_at(json_object *o, ...)
{
	const char *k;
	va_list ap;

	va_start(ap, o);
	while (o && (k = va_arg(ap, const char *)))
		if (!json_object_object_get_ex(o, k, &o))
			o = NULL;
	va_end(ap);
	if (!o || (!json_object_is_type(o, json_type_int) &&
		   !json_object_is_type(o, json_type_double) &&
		   !json_object_is_type(o, json_type_boolean)))
		return -1;
	return json_object_get_double(o);
}

static const char *str_at(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

struct scalar {
	const char *name, *type, *help;
	const char *path[4]; /* members below the summary, NULL-terminated */
};

static const struct scalar scalars[] = {
	{"evpnd_uptime_seconds", "gauge", "Seconds since evpnd started.", {"uptime-seconds"}},
	{"evpnd_reloads", "counter", "Configuration reloads applied.", {"reloads"}},
	{"evpnd_reloads_failed", "counter", "Configuration reloads refused.", {"reloads-failed"}},
	{"evpnd_rib_routes", "gauge", "EVPN routes with a best path.", {"rib", "routes"}},
	{"evpnd_rib_paths", "gauge", "EVPN paths (all peers).", {"rib", "paths"}},
	{"evpnd_rib_attribute_sets", "gauge", "Interned path attribute sets.",
	 {"rib", "attribute-sets"}},
	{"evpnd_vnis", "gauge", "EVPN instances (L2VNIs) known.", {"evpn", "vnis"}},
	{"evpnd_local_macs", "gauge", "MACs learned on local bridge ports.", {"evpn", "local-macs"}},
	{"evpnd_local_neighbors", "gauge", "MAC+IP bindings learned on local SVIs.",
	 {"evpn", "local-neighbors"}},
	{"evpnd_mac_moves", "counter", "MAC mobility events (RFC 7432 15).", {"evpn", "mac-moves"}},
	{"evpnd_duplicate_macs", "gauge", "MACs frozen by duplicate detection.",
	 {"evpn", "duplicate-macs"}},
	{"evpnd_flood_entries", "gauge", "Remote VTEPs in flood lists (VNI, VTEP).",
	 {"evpn", "flood-entries"}},
	{"evpnd_kernel_requests", "counter", "Kernel requests queued.",
	 {"evpn", "kernel-stats", "requests"}},
	{"evpnd_kernel_batches", "counter", "Netlink sendmsg calls.",
	 {"evpn", "kernel-stats", "batches"}},
	{"evpnd_kernel_errors", "counter", "Kernel requests refused.",
	 {"evpn", "kernel-stats", "errors"}},
	{"evpnd_kernel_retries", "counter", "Kernel requests retried.",
	 {"evpn", "kernel-stats", "retries"}},
	{"evpnd_kernel_queue_depth", "gauge", "Kernel requests not yet acknowledged.",
	 {"evpn", "kernel-stats", "queue-depth"}},
	{"evpnd_kernel_resyncs", "counter", "Kernel state re-read after lost events.",
	 {"evpn", "kernel-stats", "resyncs"}},
	{"evpnd_kernel_stale_swept", "counter", "Leftovers of a previous run removed.",
	 {"evpn", "kernel-stats", "stale-swept"}},
	{"evpnd_kernel_audit_drift", "counter", "Drift items found by audits.",
	 {"evpn", "kernel-stats", "audit-drift"}},
	{"evpnd_kernel_audit_repairs", "counter", "Repairs requested by audits.",
	 {"evpn", "kernel-stats", "audit-repairs"}},
	{"evpnd_kernel_audit_runs", "counter", "Audits that read the kernel.",
	 {"evpn", "kernel-stats", "audit-runs"}},
	{"evpnd_kernel_audit_last_seconds", "gauge", "Duration of the last periodic audit.",
	 {"evpn", "kernel-stats", "audit-last-seconds"}},
	{"evpnd_kernel_audit_paced", "counter",
	 "Periodic audits skipped: too soon after a long one (at most 5 % of the time).",
	 {"evpn", "kernel-stats", "audit-paced"}},
	{"evpnd_kernel_held_deletes", "counter",
	 "Kernel deletions held after a graceful-restart stale sweep.",
	 {"evpn", "kernel-stats", "held-deletes"}},
	{"evpnd_kernel_held_cancelled", "counter",
	 "Held deletions cancelled because the route came back.",
	 {"evpn", "kernel-stats", "held-cancelled"}},
	{"evpnd_kernel_echo_filtered", "counter",
	 "Bulk installs during which the echoes of evpnd's own adds were filtered.",
	 {"evpn", "kernel-stats", "echo-filtered"}},
};

static void add_scalars(json_object *fams, json_object *summary)
{
	for (size_t i = 0; i < sizeof(scalars) / sizeof(scalars[0]); i++) {
		const struct scalar *m = &scalars[i];
		double v = num_at(summary, m->path[0], m->path[1], m->path[2], m->path[3], NULL);

		if (v < 0)
			continue;
		sample(family(fams, m->name, m->type, m->help),
		       !strcmp(m->type, "counter") ? "_total" : "", v, NULL);
	}
}

/* The kernel's install latency histogram (cumulative buckets, in seconds). */
static void add_latency(json_object *fams, json_object *summary)
{
	json_object *h, *le, *counts, *f;
	double cum = 0;
	char bound[32];

	if (!json_object_object_get_ex(summary, "evpn", &h) ||
	    !json_object_object_get_ex(h, "kernel-stats", &h) ||
	    !json_object_object_get_ex(h, "install-latency", &h) ||
	    !json_object_object_get_ex(h, "le-us", &le) ||
	    !json_object_object_get_ex(h, "counts", &counts))
		return;
	f = family(fams, "evpnd_kernel_install_latency_seconds", "histogram",
		   "Kernel requests, queued to acknowledged.");
	for (size_t i = 0; i < json_object_array_length(le); i++) {
		cum += json_object_get_double(json_object_array_get_idx(counts, i));
		snprintf(bound, sizeof(bound), "%g",
			 json_object_get_double(json_object_array_get_idx(le, i)) / 1e6);
		sample(f, "_bucket", cum, "le", bound, NULL);
	}
	sample(f, "_bucket", num_at(h, "count", NULL), "le", "+Inf", NULL);
	sample(f, "_sum", num_at(h, "sum-us", NULL) / 1e6, NULL);
	sample(f, "_count", num_at(h, "count", NULL), NULL);
}

static const char *const states[] = {"Idle",	    "Connect",	   "Active",
				     "OpenSent",    "OpenConfirm", "Established"};

/* Per-peer families; the counters of a message kind are summed over types. */
static void add_peers(json_object *fams, json_object *nbrs)
{
	json_object *st = family(fams, "evpnd_bgp_session_state", "stateset",
				 "BGP session state (RFC 4271 8.2.2).");
	json_object *up = family(fams, "evpnd_bgp_session_established", "gauge",
				 "1 when the session is Established.");
	json_object *rx = family(fams, "evpnd_bgp_messages_received", "counter",
				 "BGP messages received, by type.");
	json_object *tx = family(fams, "evpnd_bgp_messages_sent", "counter",
				 "BGP messages sent, by type.");
	json_object *cur = family(fams, "evpnd_bgp_prefixes", "gauge",
				  "Paths currently held from the peer.");
	json_object *flaps = family(fams, "evpnd_bgp_flaps", "counter",
				    "Sessions lost after Established.");
	json_object *errs = family(fams, "evpnd_bgp_update_errors", "counter",
				   "UPDATE errors by RFC 7606 action and kind.");
	json_object *oq = family(fams, "evpnd_bgp_output_queue_bytes", "gauge",
				 "Bytes queued towards the peer.");
	json_object *op = family(fams, "evpnd_bgp_output_paused", "counter",
				 "Times output generation stopped at the queue bound.");
	json_object *ip = family(fams, "evpnd_bgp_input_paused", "counter",
				 "Times reading stopped at the input bound.");
	json_object *sh = family(fams, "evpnd_bgp_send_hold_expired", "counter",
				 "Sessions dropped because queued output made no progress (RFC 9687).");
	static const char *const types[] = {"open", "update", "notification", "keepalive",
					    "route-refresh"};

	for (size_t i = 0; nbrs && i < json_object_array_length(nbrs); i++) {
		json_object *p = json_object_array_get_idx(nbrs, i), *ue;
		const char *peer = str_at(p, "address"), *state = str_at(p, "state");

		for (size_t s = 0; s < sizeof(states) / sizeof(states[0]); s++)
			sample(st, "", !strcmp(state, states[s]), "peer", peer,
			       "evpnd_bgp_session_state", states[s], NULL);
		sample(up, "", !strcmp(state, "Established"), "peer", peer, NULL);
		for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
			double r = num_at(p, "messages-received", types[t], NULL);
			double w = num_at(p, "messages-sent", types[t], NULL);

			if (r >= 0)
				sample(rx, "_total", r, "peer", peer, "type", types[t], NULL);
			if (w >= 0)
				sample(tx, "_total", w, "peer", peer, "type", types[t], NULL);
		}
		if (num_at(p, "prefixes-current", NULL) >= 0)
			sample(cur, "", num_at(p, "prefixes-current", NULL), "peer", peer, NULL);
		if (num_at(p, "flaps", NULL) >= 0)
			sample(flaps, "_total", num_at(p, "flaps", NULL), "peer", peer, NULL);
		if (num_at(p, "output-queue-bytes", NULL) >= 0)
			sample(oq, "", num_at(p, "output-queue-bytes", NULL), "peer", peer, NULL);
		if (num_at(p, "output-paused", NULL) >= 0)
			sample(op, "_total", num_at(p, "output-paused", NULL), "peer", peer, NULL);
		if (num_at(p, "input-paused", NULL) >= 0)
			sample(ip, "_total", num_at(p, "input-paused", NULL), "peer", peer, NULL);
		if (num_at(p, "send-hold-expired", NULL) >= 0)
			sample(sh, "_total", num_at(p, "send-hold-expired", NULL), "peer", peer, NULL);
		if (json_object_object_get_ex(p, "update-errors", &ue)) {
			json_object_object_foreach(ue, kind, v)
				sample(errs, "_total", json_object_get_double(v), "peer", peer,
				       "kind", kind, NULL);
		}
	}
}

static void add_routes(json_object *fams, json_object *routes)
{
	json_object *f = family(fams, "evpnd_routes", "gauge",
				"EVPN routes with a best path, by route type, VNI and origin.");

	for (size_t i = 0; routes && i < json_object_array_length(routes); i++) {
		json_object *r = json_object_array_get_idx(routes, i);
		char type[8], vni[12];

		snprintf(type, sizeof(type), "%d", (int)num_at(r, "type", NULL));
		snprintf(vni, sizeof(vni), "%.0f", num_at(r, "vni", NULL));
		sample(f, "", num_at(r, "routes", NULL), "type", type, "vni", vni, "origin",
		       str_at(r, "origin"), NULL);
	}
}

json_object *metrics_build(json_object *summary, json_object *neighbors, json_object *routes)
{
	json_object *fams = json_object_new_array();
	json_object *info = family(fams, "evpnd_build", "info", "evpnd's version and identity.");

	sample(info, "_info", 1, "version", str_at(summary, "version"), "router_id",
	       str_at(summary, "router-id"), NULL);
	add_scalars(fams, summary);
	add_latency(fams, summary);
	add_peers(fams, neighbors);
	add_routes(fams, routes);
	return fams;
}

/* ---- text exposition ---------------------------------------------------- */

static void put_escaped(FILE *out, const char *s, bool help)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '"' && !help)
			fputs("\\\"", out);
		else
			fputc(*s, out);
	}
}

static void put_value(FILE *out, double v)
{
	if (v == (double)(long long)v)
		fprintf(out, "%lld", (long long)v);
	else
		fprintf(out, "%.17g", v);
}

void metrics_fmt(FILE *out, json_object *fams)
{
	for (size_t i = 0; i < json_object_array_length(fams); i++) {
		json_object *f = json_object_array_get_idx(fams, i), *samples;
		const char *name = str_at(f, "name");

		fprintf(out, "# TYPE %s %s\n# HELP %s ", name, str_at(f, "type"), name);
		put_escaped(out, str_at(f, "help"), true);
		fputc('\n', out);
		if (!json_object_object_get_ex(f, "samples", &samples))
			continue;
		for (size_t j = 0; j < json_object_array_length(samples); j++) {
			json_object *s = json_object_array_get_idx(samples, j), *labels, *v;
			bool first = true;

			fprintf(out, "%s%s", name, str_at(s, "suffix"));
			if (json_object_object_get_ex(s, "labels", &labels) &&
			    json_object_object_length(labels)) {
				fputc('{', out);
				json_object_object_foreach(labels, k, lv) {
					fprintf(out, "%s%s=\"", first ? "" : ",", k);
					put_escaped(out, json_object_get_string(lv), false);
					fputc('"', out);
					first = false;
				}
				fputc('}', out);
			}
			fputc(' ', out);
			put_value(out, json_object_object_get_ex(s, "value", &v)
					       ? json_object_get_double(v)
					       : 0);
			fputc('\n', out);
		}
	}
	fputs("# EOF\n", out);
}
