/*
 * main_evpnd.c - command line of the evpnd daemon.
 *
 *   evpnd -c FILE [-s CTL_SOCKET] [--check [--dump]] [-d] [--syslog]
 *
 * Foreground by default (systemd style), logs to stderr.  --check validates
 * FILE and exits 0, or 1 after printing each problem as
 * "FILE:LINE: /yang/path: message"; --dump also prints the normalised
 * configuration (every default filled in) when it is valid.
 *
 * Started by systemd as Type=notify ($NOTIFY_SOCKET set), it reports READY=1
 * once its sockets are open and the configuration is applied, RELOADING=1 /
 * READY=1 around a SIGHUP reload and STOPPING=1 on SIGTERM/SIGINT
 * (sdnotify.h; nothing is sent without $NOTIFY_SOCKET).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "ctl.h"
#include "daemon.h"
#include "log.h"
#include "sdnotify.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: evpnd -c FILE [-s CTL_SOCKET] [--check [--dump]] [-d] [--syslog]\n"
		     "             [-u USER] [-g GROUP]\n"
		     "  -c, --config FILE    configuration (YAML, see evpnd.yaml(5))\n"
		     "  -s, --socket PATH    control socket (default " CTL_DEFAULT_SOCKET ")\n"
		     "  -u, --user USER      after opening sockets, run as USER with only\n"
		     "                       CAP_NET_ADMIN and CAP_NET_BIND_SERVICE\n"
		     "  -g, --group GROUP    control socket group (read-only commands)\n"
		     "      --check          validate FILE and exit: 0 valid, 1 invalid\n"
		     "      --dump           with --check: print the normalised configuration\n"
		     "  -d, --debug          debug logging\n"
		     "      --syslog         log to syslog instead of stderr\n"
		     "  -h, --help           this text\n"
		     "  -V, --version        print the version\n");
}

static int check_only(const char *path, bool dump)
{
	struct cfg_diag diag = {0};
	struct config *c = config_load(path, &diag);

	if (!c) {
		cfg_diag_print(&diag, path, stderr);
		cfg_diag_clear(&diag);
		return 1;
	}
	if (dump)
		config_dump(c, stdout);
	config_free(c);
	return 0;
}

/*
 * systemd notification.  The daemon's own signal events (daemon.c) do the
 * work; these run beside them on the same loop (libevent delivers a signal
 * to every event registered for it).  RELOADING=1 is sent from the SIGHUP
 * event (libevent 2.1 runs the event added last first, so before the
 * daemon's reload) and READY=1 from an event activated there, which
 * libevent runs after every callback already active: after the reload
 * whatever the order (tests/daemon/test-package.sh checks the sequence).
 */
struct notify {
	struct evpnd *d;
	struct event *hup, *term, *intr, *ready;
};

static void notify_ready(const struct evpnd *d)
{
	char a[INET_ADDRSTRLEN];

	if (sd_notify_sendf("READY=1\nSTATUS=AS %u, router-id %s, control %s, reloads %llu "
			    "(%llu refused)",
			    d->cfg->router.asn,
			    inet_ntop(AF_INET, &d->cfg->router.router_id, a, sizeof(a)),
			    d->ctl_path, (unsigned long long)d->reloads_ok,
			    (unsigned long long)d->reloads_failed) == -1)
		log_warn("systemd", "cannot notify readiness: %s", strerror(errno));
}

static void on_ready(evutil_socket_t fd, short what, void *arg)
{
	struct notify *n = arg;

	notify_ready(n->d);
}

static void on_notify_signal(evutil_socket_t sig, short what, void *arg)
{
	struct notify *n = arg;
	struct timespec now;

	if (sig == SIGHUP) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		sd_notify_sendf("RELOADING=1\nSTATUS=reloading\nMONOTONIC_USEC=%llu",
				(unsigned long long)now.tv_sec * 1000000ULL +
					(unsigned long long)now.tv_nsec / 1000ULL);
		event_active(n->ready, 0, 0);
	} else {
		sd_notify_send("STOPPING=1\nSTATUS=stopping");
	}
}

static void notify_start(struct notify *n, struct evpnd *d)
{
	const char *s = getenv("NOTIFY_SOCKET");

	n->d = d;
	if (!s || !*s)
		return; /* not under systemd: no events, nothing sent */
	n->ready = event_new(d->base, -1, 0, on_ready, n);
	n->hup = evsignal_new(d->base, SIGHUP, on_notify_signal, n);
	n->term = evsignal_new(d->base, SIGTERM, on_notify_signal, n);
	n->intr = evsignal_new(d->base, SIGINT, on_notify_signal, n);
	evsignal_add(n->hup, NULL);
	evsignal_add(n->term, NULL);
	evsignal_add(n->intr, NULL);
	notify_ready(d);
}

static void notify_stop(struct notify *n)
{
	struct event **evs[] = {&n->hup, &n->term, &n->intr, &n->ready};

	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++)
		if (*evs[i]) {
			event_free(*evs[i]);
			*evs[i] = NULL;
		}
}

int main(int argc, char **argv)
{
	enum { OPT_CHECK = 256, OPT_DUMP, OPT_SYSLOG };
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"socket", required_argument, NULL, 's'},
		{"check", no_argument, NULL, OPT_CHECK},
		{"dump", no_argument, NULL, OPT_DUMP},
		{"debug", no_argument, NULL, 'd'},
		{"syslog", no_argument, NULL, OPT_SYSLOG},
		{"user", required_argument, NULL, 'u'},
		{"group", required_argument, NULL, 'g'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct evpnd_opts opts = {0};
	bool check = false, dump = false, debug = false, use_syslog = false;
	struct evpnd d;
	struct notify n = {0};
	int ch, rc;

	/*
	 * Large buffers (kernel requests and the RIB's change log of a burst:
	 * megabytes for 100k routes, given back once it is over) always get
	 * their own mapping, so that freeing them returns the memory.  glibc's
	 * default would raise the threshold after the first such free and put
	 * the next ones on the heap, which keeps what it once held.
	 */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);

	while ((ch = getopt_long(argc, argv, "c:s:u:g:dhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			opts.config_path = optarg;
			break;
		case 's':
			opts.ctl_path = optarg;
			break;
		case OPT_CHECK:
			check = true;
			break;
		case OPT_DUMP:
			dump = true;
			break;
		case 'd':
			debug = true;
			break;
		case 'u':
			opts.user = optarg;
			break;
		case 'g':
			opts.group = optarg;
			break;
		case OPT_SYSLOG:
			use_syslog = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("evpnd %s\n", EVPND_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!opts.config_path || optind != argc || (dump && !check)) {
		usage(stderr);
		return 2;
	}
	if (check)
		return check_only(opts.config_path, dump);
	log_init("evpnd", use_syslog ? LOG_DEST_SYSLOG : LOG_DEST_STDERR,
		 debug ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if (evpnd_init(&d, &opts) == -1) {
		evpnd_fini(&d);
		return 1;
	}
	notify_start(&n, &d);
	rc = evpnd_run(&d);
	notify_stop(&n);
	evpnd_fini(&d);
	return rc;
}
