/*
 * main_evpnctl.c - evpnctl, the operator's client of evpnd's control socket.
 *
 *   evpnctl [-s CTL_SOCKET] [-j] show summary
 *   evpnctl [-s CTL_SOCKET] reload
 *
 * The daemon returns structured data; this program formats it, as aligned
 * text or, with -j, as JSON (json-c).  Exit status: 0 success, 1 the daemon
 * refused or failed, 2 usage, 3 cannot reach the daemon.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl.h"
#include "ctl_fmt.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: evpnctl [-s CTL_SOCKET] [-j] COMMAND\n"
		     "commands:\n"
		     "  show summary       router identity, uptime, counts\n"
		     "  show neighbors [detail|ADDR]\n"
		     "                     BGP sessions: state, capabilities, counters, errors\n"
		     "  show vnis          EVPN instances: VNI, devices, RD, route targets\n"
		     "  show macs [--vni V] local and remote MACs, mobility sequence\n"
		     "  show vteps         remote VTEPs per VNI (flood lists)\n"
		     "  show vrfs          IP VRFs: L3VNI, SVI, table, router MAC, route counts\n"
		     "  show nexthops      remote VTEPs used by VRF routes, their router MACs\n"
		     "  show rmacs         router MACs installed per VRF\n"
		     "  show metrics       counters and gauges, OpenMetrics text (-j: structured)\n"
		     "  show routes [--type N] [--vni V] [--rd RD] [--mac M] [--ip A]\n"
		     "                     EVPN routes and their paths\n"
		     "  clear neighbor ADDR [soft]\n"
		     "                     reset the session (soft: ask for a route refresh)\n"
		     "  reload             re-read the configuration file (like SIGHUP)\n"
		     "  audit [repair]     compare the kernel with what evpnd installed; exit 1\n"
		     "                     on drift (repair: fix it)\n"
		     "options:\n"
		     "  -s, --socket PATH  control socket (default " CTL_DEFAULT_SOCKET ")\n"
		     "  -j, --json         print JSON\n"
		     "  -t, --timeout MS   wait this long for an answer (default 5000; audit:\n"
		     "                     600000)\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"socket", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},
		{"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *path = CTL_DEFAULT_SOCKET;
	bool json = false;
	int ch, timeout_ms = -1, rc;
	struct json_object *data = NULL;
	char err[4096];

	while ((ch = getopt_long(argc, argv, "+s:jt:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 't':
			timeout_ms = atoi(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	/* an audit reads the whole kernel table in steps: minutes at a million entries */
	if (timeout_ms < 0)
		timeout_ms = !strcmp(argv[optind], "audit") ? 600000 : 5000;
	/* "--type 2" and "type 2" are the same filter word */
	for (int i = optind; i < argc; i++)
		if (!strncmp(argv[i], "--", 2) && argv[i][2])
			argv[i] += 2;
	rc = ctl_call(path, (const char *const *)argv + optind, (size_t)(argc - optind), timeout_ms,
		      &data, err, sizeof(err));
	if (rc == -1) {
		fprintf(stderr, "evpnctl: %s\n", err);
		return strncmp(err, "cannot connect", 14) == 0 ? 3 : 1;
	}
	if (json)
		printf("%s\n", json_object_to_json_string_ext(data, JSON_C_TO_STRING_PRETTY |
									  JSON_C_TO_STRING_SPACED));
	else
		ctl_fmt_text(stdout, (const char *const *)argv + optind, (size_t)(argc - optind),
			     data);
	{
		/* audit: drift is a failure for scripts */
		json_object *v;
		int drift = !strcmp(argv[optind], "audit") &&
			    json_object_object_get_ex(data, "drift-count", &v) &&
			    json_object_get_int(v) > 0;

		json_object_put(data);
		return drift ? 1 : 0;
	}
}
