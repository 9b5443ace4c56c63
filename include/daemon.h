/*
 * daemon.h - the evpnd process: its event loop, the running configuration
 * and the control-socket commands.
 *
 * struct evpnd is the root of all runtime state; nothing in evpnd is global
 * (signal delivery goes through the event loop).  The running config is
 * replaced whole on reload and only after the new file validated.
 */
#ifndef EVPND_DAEMON_H
#define EVPND_DAEMON_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config.h"

struct event_base;
struct event;
struct ctl_server;
struct json_object;

#define EVPND_STALE_SWEEP_S 120 /* = BGP_GR_RESTART_TIME */

struct evpnd_opts {
	const char *config_path;
	const char *ctl_path;
	const char *user;  /* run as this user once sockets are open (NULL: stay) */
	const char *group; /* control socket group; also the process group with user */
};

struct bgp;
struct evpn;
struct rib;

struct metrics_http;

struct evpnd {
	struct event_base *base;
	struct rib *rib;
	struct bgp *bgp;
	struct evpn *evpn;
	struct config *cfg;
	char *config_path;
	char *ctl_path;
	struct ctl_server *ctl;
	struct event *sig_hup, *sig_term, *sig_int;
	struct event *sweep_ev; /* removal of stale kernel leftovers */
	struct event *audit_ev; /* periodic audit and repair */
	struct metrics_http *metrics; /* HTTP endpoint, NULL when off */
	struct ipaddr metrics_addr;   /* ... where it listens */
	uint16_t metrics_port;
	struct timespec started; /* CLOCK_MONOTONIC */
	time_t started_wall;
	struct timespec last_reload; /* CLOCK_MONOTONIC, zero before any */
	uint64_t reloads_ok, reloads_failed;
};

/*
 * Load the configuration and open the control socket.  Returns 0, or -1
 * after logging why (an invalid file's problems are logged one per line).
 */
int evpnd_init(struct evpnd *d, const struct evpnd_opts *o);
/* Run until SIGTERM/SIGINT; returns the process exit code. */
int evpnd_run(struct evpnd *d);
void evpnd_fini(struct evpnd *d);

/*
 * Re-read the configuration file.  On success the new config replaces the
 * running one; on failure the running one stays, the problems are added to
 * diag (when given) and logged, and -1 is returned.
 */
int evpnd_reload(struct evpnd *d, struct cfg_diag *diag);

/* Structured answers for the control socket (new references). */
struct json_object *evpnd_show_summary(const struct evpnd *d);
/* Metric families (metrics.h) of the whole daemon. */
struct json_object *evpnd_show_metrics(struct evpnd *d);

#endif
