/*
 * main_evpnd.c - command line of the evpnd daemon.
 *
 *   evpnd -c FILE [-s CTL_SOCKET] [--check [--dump]] [-d] [--syslog]
 *
 * Foreground by default (systemd style), logs to stderr.  --check validates
 * FILE and exits 0, or 1 after printing each problem as
 * "FILE:LINE: /yang/path: message"; --dump also prints the normalised
 * configuration (every default filled in) when it is valid.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"
#include "daemon.h"
#include "log.h"

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
	int ch, rc;

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
	rc = evpnd_run(&d);
	evpnd_fini(&d);
	return rc;
}
