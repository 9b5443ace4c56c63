/*
 * daemon.c - evpnd's process shell: event loop, signals, reload, and the
 * dispatch of control-socket commands to the subsystems that answer them.
 */
#include <arpa/inet.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "bgp.h"
#include "ctl.h"
#include "daemon.h"
#include "evpn.h"
#include "log.h"
#include "privs.h"
#include "rib.h"
#include "metrics.h"
#include "metrics_http.h"
#include "show.h"

static void log_problems(const struct cfg_diag *diag, const char *file)
{
	for (size_t i = 0; i < diag->n; i++)
		log_err(NULL, "%s:%u: %s: %s", file, diag->v[i].line, diag->v[i].path,
			diag->v[i].msg);
}

/*
 * Periodic audit (router audit-interval): drift is repaired and logged.  It
 * reads the kernel in steps while the loop runs (a leaf with a million
 * entries must not miss its keepalives); one still running is let finish,
 * unless `evpnctl audit` comes (the periodic one gives way to it).
 */
static void audit_cb(evutil_socket_t fd, short what, void *arg)
{
	struct evpnd *d = arg;

	if (evpn_audit_start(d->evpn) == -1)
		log_debug("kernel", "periodic audit not started (an audit or a resync is reading the "
				    "kernel, too soon after a long one, or no kernel)");
}

static void audit_schedule(struct evpnd *d)
{
	struct timeval tv = {d->cfg->router.audit_interval, 0};

	if (!d->audit_ev)
		d->audit_ev = event_new(d->base, -1, EV_PERSIST, audit_cb, d);
	event_del(d->audit_ev);
	if (tv.tv_sec)
		event_add(d->audit_ev, &tv);
}

static json_object *metrics_collect(void *arg)
{
	return evpnd_show_metrics(arg);
}

/* (Re)open the metrics endpoint when its address or port changed. */
static void metrics_endpoint(struct evpnd *d)
{
	const struct cfg_router *r = &d->cfg->router;

	if (d->metrics_port == r->metrics_port && !ipaddr_cmp(&d->metrics_addr, &r->metrics_address))
		return;
	metrics_http_free(d->metrics);
	d->metrics = NULL;
	d->metrics_port = r->metrics_port;
	d->metrics_addr = r->metrics_address;
	if (r->metrics_port)
		d->metrics = metrics_http_new(d->base, &r->metrics_address, r->metrics_port,
					      metrics_collect, d);
}

static void rib_config_from(struct rib_config *rc, const struct config *cfg)
{
	rc->local_as = cfg->router.asn;
	rc->router_id = ntohl(cfg->router.router_id.s_addr);
	rc->cluster_id = ntohl(cfg->router.cluster_id.s_addr);
}

/* Hand a validated configuration to every subsystem. */
static int apply_config(struct evpnd *d, const struct config *cfg)
{
	struct rib_config rc;
	char *err = NULL;
	int rc_bgp;

	rib_config_from(&rc, cfg);
	rib_set_config(d->rib, &rc);
	rc_bgp = bgp_configure(d->bgp, cfg, &err);
	if (rc_bgp == -1) {
		log_err("bgp", "%s", err ? err : "cannot apply the configuration");
		free(err);
	}
	evpn_configure(d->evpn, cfg);
	return rc_bgp;
}

int evpnd_reload(struct evpnd *d, struct cfg_diag *diag)
{
	struct cfg_diag local = {0};
	struct cfg_diag *dg = diag ? diag : &local;
	size_t first = dg->n;
	struct config *next = config_load(d->config_path, dg);

	if (!next) {
		struct cfg_diag mine = {.v = dg->v + first, .n = dg->n - first};

		log_problems(&mine, d->config_path);
		log_err(NULL, "reload of %s refused (%zu problems); running configuration kept",
			d->config_path, dg->n - first);
		d->reloads_failed++;
		cfg_diag_clear(&local);
		return -1;
	}
	apply_config(d, next);
	config_free(d->cfg);
	d->cfg = next;
	audit_schedule(d);
	metrics_endpoint(d);
	d->reloads_ok++;
	clock_gettime(CLOCK_MONOTONIC, &d->last_reload);
	log_notice(NULL, "configuration %s reloaded", d->config_path);
	cfg_diag_clear(&local);
	return 0;
}

static double seconds_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

struct json_object *evpnd_show_summary(const struct evpnd *d)
{
	json_object *o = json_object_new_object(), *counts = json_object_new_object();
	const struct config *c = d->cfg;
	char a[IPADDR_STRLEN];

	json_object_object_add(o, "version", json_object_new_string(EVPND_VERSION));
	json_object_object_add(o, "router-id",
			       json_object_new_string(inet_ntop(AF_INET, &c->router.router_id, a,
								sizeof(a))));
	json_object_object_add(o, "asn", json_object_new_int64(c->router.asn));
	json_object_object_add(o, "vtep-ip",
			       json_object_new_string(ipaddr_fmt(&c->router.vtep_ip, a)));
	json_object_object_add(o, "config-file", json_object_new_string(d->config_path));
	json_object_object_add(o, "control-socket", json_object_new_string(d->ctl_path));
	json_object_object_add(o, "uptime-seconds",
			       json_object_new_int64((int64_t)seconds_since(&d->started)));
	json_object_object_add(o, "started", json_object_new_int64((int64_t)d->started_wall));
	json_object_object_add(o, "reloads", json_object_new_int64((int64_t)d->reloads_ok));
	json_object_object_add(o, "reloads-failed",
			       json_object_new_int64((int64_t)d->reloads_failed));
	json_object_object_add(counts, "neighbors", json_object_new_int64((int64_t)c->n_neighbors));
	json_object_object_add(counts, "l2vnis-configured",
			       json_object_new_int64((int64_t)c->n_l2vnis));
	json_object_object_add(counts, "vrfs", json_object_new_int64((int64_t)c->n_vrfs));
	json_object_object_add(o, "counts", counts);
	json_object_object_add(o, "bgp", bgp_show_summary(d->bgp));
	{
		struct rib_stats st;
		json_object *r = json_object_new_object();

		rib_stats_get(d->rib, &st);
		json_object_object_add(r, "routes", json_object_new_int64((int64_t)st.routes));
		json_object_object_add(r, "paths", json_object_new_int64((int64_t)st.paths));
		json_object_object_add(r, "attribute-sets", json_object_new_int64((int64_t)st.attrs));
		json_object_object_add(o, "rib", r);
	}
	json_object_object_add(o, "evpn", evpn_show_summary(d->evpn));
	return o;
}

/* "show neighbors detail" (all) or "show neighbors ADDR" (that one). */
static json_object *show_neighbors_detail(struct evpnd *d, const char *which, char **err)
{
	json_object *all = bgp_show_neighbors(d->bgp), *out;
	struct ipaddr a;

	if (!strcmp(which, "detail"))
		return all;
	if (ipaddr_parse(which, &a) == -1) {
		json_object_put(all);
		if (asprintf(err, "\"%s\" is neither \"detail\" nor an address", which) < 0)
			*err = NULL;
		return NULL;
	}
	out = json_object_new_array();
	for (size_t i = 0; i < json_object_array_length(all); i++) {
		json_object *p = json_object_array_get_idx(all, i), *v;
		struct ipaddr pa;

		if (json_object_object_get_ex(p, "address", &v) &&
		    ipaddr_parse(json_object_get_string(v), &pa) == 0 && !ipaddr_cmp(&pa, &a))
			json_object_array_add(out, json_object_get(p));
	}
	json_object_put(all);
	if (!json_object_array_length(out)) {
		json_object_put(out);
		if (asprintf(err, "no neighbor %s", which) < 0)
			*err = NULL;
		return NULL;
	}
	return out;
}

struct json_object *evpnd_show_metrics(struct evpnd *d)
{
	json_object *sum = evpnd_show_summary(d), *nbrs = bgp_show_neighbors(d->bgp);
	json_object *routes = show_route_counts(d->rib);
	json_object *m = metrics_build(sum, nbrs, routes);

	json_object_put(sum);
	json_object_put(nbrs);
	json_object_put(routes);
	return m;
}

static json_object *cmd_reload(struct evpnd *d, char **err)
{
	struct cfg_diag diag = {0};
	json_object *o;

	if (evpnd_reload(d, &diag) == 0) {
		o = json_object_new_object();
		json_object_object_add(o, "reloaded", json_object_new_boolean(1));
		json_object_object_add(o, "config-file", json_object_new_string(d->config_path));
		cfg_diag_clear(&diag);
		return o;
	}
	{
		size_t len = 0;
		FILE *f = open_memstream(err, &len);

		fprintf(f, "configuration refused, running configuration kept:");
		for (size_t i = 0; i < diag.n; i++)
			fprintf(f, "\n%s:%u: %s: %s", d->config_path, diag.v[i].line,
				diag.v[i].path, diag.v[i].msg);
		fclose(f);
	}
	cfg_diag_clear(&diag);
	return NULL;
}

static json_object *cmd_clear_neighbor(struct evpnd *d, const char *addr, bool soft, char **err)
{
	struct ipaddr a;
	json_object *o;

	if (ipaddr_parse(addr, &a) == -1) {
		if (asprintf(err, "not an IP address: %s", addr) < 0)
			*err = NULL;
		return NULL;
	}
	if (bgp_clear_neighbor(d->bgp, &a, soft, err) == -1)
		return NULL;
	o = json_object_new_object();
	json_object_object_add(o, "neighbor", json_object_new_string(addr));
	json_object_object_add(o, "cleared", json_object_new_string(soft ? "soft" : "hard"));
	return o;
}

/* Commands that change state: root or evpnd's own user (SO_PEERCRED). */
static bool may_change_state(const struct ctl_caller *who)
{
	return who->uid == 0 || who->uid == (unsigned int)geteuid();
}

static json_object *denied(const char *what, const struct ctl_caller *who, char **err)
{
	log_warn("control", "%s refused to uid %u (pid %d): not root or evpnd's user", what,
		 who->uid, who->pid);
	if (asprintf(err, "permission denied: %s needs root or evpnd's user", what) < 0)
		*err = NULL;
	return NULL;
}

static void audit_answer(void *arg, json_object *drift, const char *err)
{
	ctl_answer(arg, drift, err);
}

static json_object *ctl_dispatch(void *arg, const struct ctl_caller *who, const char *const *w,
				 size_t n, char **err)
{
	struct evpnd *d = arg;

	if ((!strcmp(w[0], "reload") || !strcmp(w[0], "clear") ||
	     (n == 2 && !strcmp(w[0], "audit"))) && !may_change_state(who))
		return denied(w[0], who, err);
	if (!strcmp(w[0], "audit") && (n == 1 || (n == 2 && !strcmp(w[1], "repair")))) {
		/* read in steps: the answer follows at the end (done is never called from begin) */
		if (evpn_audit_begin(d->evpn, n == 2, audit_answer, who->conn, err) == -1)
			return NULL;
		ctl_defer(who);
		return NULL;
	}
	if (n == 2 && !strcmp(w[0], "show") && !strcmp(w[1], "summary"))
		return evpnd_show_summary(d);
	if (n == 2 && !strcmp(w[0], "show") && !strcmp(w[1], "neighbors"))
		return bgp_show_neighbors(d->bgp);
	if (n == 3 && !strcmp(w[0], "show") && !strcmp(w[1], "neighbors"))
		return show_neighbors_detail(d, w[2], err);
	if (n == 2 && !strcmp(w[0], "show") && !strcmp(w[1], "vnis"))
		return evpn_show_vnis(d->evpn);
	if (n == 2 && !strcmp(w[0], "show") && !strcmp(w[1], "vteps"))
		return evpn_show_vteps(d->evpn);
	if (n == 2 && !strcmp(w[0], "show") && !strcmp(w[1], "metrics"))
		return evpnd_show_metrics(d);
	if (n == 2 && !strcmp(w[0], "show") && !strcmp(w[1], "vrfs"))
		return evpn_show_vrfs(d->evpn);
	if (n == 2 && !strcmp(w[0], "show") && !strcmp(w[1], "nexthops"))
		return evpn_show_nexthops(d->evpn);
	if (n == 2 && !strcmp(w[0], "show") && !strcmp(w[1], "rmacs"))
		return evpn_show_rmacs(d->evpn);
	if ((n == 2 || (n == 4 && !strcmp(w[2], "vni"))) && !strcmp(w[0], "show") &&
	    !strcmp(w[1], "macs")) {
		char *end = NULL;
		unsigned long v = n == 4 ? strtoul(w[3], &end, 10) : 0;

		if (n == 4 && (!*w[3] || *end || !vni_valid((uint32_t)v) || v > 0xffffff)) {
			if (asprintf(err, "not a VNI: %s", w[3]) < 0)
				*err = NULL;
			return NULL;
		}
		return evpn_show_macs(d->evpn, (vni_t)v);
	}
	if (n >= 2 && !strcmp(w[0], "show") && !strcmp(w[1], "routes")) {
		struct route_filter f;

		if (route_filter_parse(&f, w + 2, n - 2, err) == -1)
			return NULL;
		return show_routes(d->rib, &f);
	}
	if ((n == 3 || (n == 4 && !strcmp(w[3], "soft"))) && !strcmp(w[0], "clear") &&
	    !strcmp(w[1], "neighbor"))
		return cmd_clear_neighbor(d, w[2], n == 4, err);
	if (n == 1 && !strcmp(w[0], "reload"))
		return cmd_reload(d, err);
	{
		size_t len = 0;
		FILE *f = open_memstream(err, &len);

		fprintf(f, "unknown command \"");
		for (size_t i = 0; i < n; i++)
			fprintf(f, "%s%s", i ? " " : "", w[i]);
		fprintf(f, "\"");
		fclose(f);
	}
	return NULL;
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct evpnd *d = arg;

	switch (sig) {
	case SIGHUP:
		log_notice(NULL, "SIGHUP: reloading %s", d->config_path);
		evpnd_reload(d, NULL);
		break;
	case SIGTERM:
	case SIGINT:
		log_notice(NULL, "%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		event_base_loopexit(d->base, NULL);
		break;
	}
}

/*
 * Kernel entries a previous evpnd left are kept (traffic keeps flowing)
 * until BGP confirmed them: once every neighbour sent End-of-RIB (RFC 4724
 * restarting speaker), or when the restart time is over, what is still
 * unconfirmed goes.  Checked every second until done.
 */
static void sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct evpnd *d = arg;
	bool all_eor = bgp_all_eor(d->bgp, false);

	if (!all_eor && seconds_since(&d->started) < EVPND_STALE_SWEEP_S)
		return;
	log_info("kernel", "%s: removing kernel entries of the previous run BGP did not confirm",
		 all_eor ? "End-of-RIB from every neighbor" : "restart time over");
	evpn_sweep_stale(d->evpn);
	event_del(d->sweep_ev);
}

int evpnd_init(struct evpnd *d, const struct evpnd_opts *o)
{
	struct cfg_diag diag = {0};
	char *err = NULL;
	int ctl_gid = -1;

	memset(d, 0, sizeof(*d));
	d->config_path = strdup(o->config_path);
	d->ctl_path = strdup(o->ctl_path ? o->ctl_path : CTL_DEFAULT_SOCKET);
	d->cfg = config_load(d->config_path, &diag);
	if (!d->cfg) {
		log_problems(&diag, d->config_path);
		log_err(NULL, "%s: invalid configuration (%zu problems)", d->config_path, diag.n);
		cfg_diag_clear(&diag);
		return -1;
	}
	d->base = event_base_new();
	if (!d->base) {
		log_err(NULL, "cannot create the event loop");
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	d->sig_hup = evsignal_new(d->base, SIGHUP, on_signal, d);
	d->sig_term = evsignal_new(d->base, SIGTERM, on_signal, d);
	d->sig_int = evsignal_new(d->base, SIGINT, on_signal, d);
	evsignal_add(d->sig_hup, NULL);
	evsignal_add(d->sig_term, NULL);
	evsignal_add(d->sig_int, NULL);
	if (o->group && (ctl_gid = privs_group_id(o->group, &err)) < 0) {
		log_err("control", "%s", err);
		free(err);
		return -1;
	}
	d->ctl = ctl_server_new(d->base, d->ctl_path, ctl_gid, ctl_dispatch, d, &err);
	if (!d->ctl) {
		log_err("control", "%s", err ? err : "cannot open the control socket");
		free(err);
		return -1;
	}
	{
		struct rib_config rc;

		rib_config_from(&rc, d->cfg);
		d->rib = rib_new(&rc);
	}
	d->bgp = bgp_new(d->base, d->rib);
	d->evpn = evpn_new(d->base, d->rib, d->bgp);
	if (apply_config(d, d->cfg) == -1)
		return -1;
	if (evpn_start_kernel(d->evpn) == -1)
		log_warn("kernel", "netlink unavailable: routes are exchanged but not installed");
	audit_schedule(d);
	metrics_endpoint(d);
	d->sweep_ev = event_new(d->base, -1, EV_PERSIST, sweep_cb, d);
	{
		struct timeval tv = {1, 0};

		event_add(d->sweep_ev, &tv);
	}
	clock_gettime(CLOCK_MONOTONIC, &d->started);
	d->started_wall = time(NULL);
	if (o->user) {
		if (privs_drop(o->user, o->group, &err) == -1) {
			log_err(NULL, "cannot drop privileges: %s", err ? err : "?");
			free(err);
			return -1;
		}
		log_info(NULL, "running as user %s with CAP_NET_ADMIN and CAP_NET_BIND_SERVICE only",
			 o->user);
	}
	return 0;
}

int evpnd_run(struct evpnd *d)
{
	char a[IPADDR_STRLEN];

	log_notice(NULL, "evpnd %s started: AS %u, router-id %s, config %s, control %s",
		   EVPND_VERSION, d->cfg->router.asn,
		   inet_ntop(AF_INET, &d->cfg->router.router_id, a, sizeof(a)), d->config_path,
		   d->ctl_path);
	if (event_base_dispatch(d->base) == -1) {
		log_err(NULL, "event loop failed");
		return 1;
	}
	log_notice(NULL, "stopped");
	return 0;
}

void evpnd_fini(struct evpnd *d)
{
	if (d->sweep_ev)
		event_free(d->sweep_ev);
	if (d->audit_ev)
		event_free(d->audit_ev);
	/* nothing may serve requests while the subsystems go (the flush loop below runs events) */
	ctl_server_free(d->ctl);
	d->ctl = NULL;
	metrics_http_free(d->metrics);
	d->metrics = NULL;
	evpn_free(d->evpn);
	if (d->bgp) {
		struct timeval flush = {0, 300000};

		bgp_free(d->bgp); /* queues a Cease per session */
		event_base_loopexit(d->base, &flush);
		event_base_dispatch(d->base); /* let them reach the peers */
	}
	rib_free(d->rib);
	if (d->sig_hup)
		event_free(d->sig_hup);
	if (d->sig_term)
		event_free(d->sig_term);
	if (d->sig_int)
		event_free(d->sig_int);
	if (d->base)
		event_base_free(d->base);
	config_free(d->cfg);
	free(d->config_path);
	free(d->ctl_path);
	memset(d, 0, sizeof(*d));
}
