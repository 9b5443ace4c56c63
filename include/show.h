/*
 * show.h - structured views of the RIB for the control socket.  The daemon
 * answers with these objects; evpnctl formats them (ctl_fmt.c).
 */
#ifndef EVPND_SHOW_H
#define EVPND_SHOW_H

#include <stdbool.h>
#include <stdint.h>

#include "types.h"

struct json_object;
struct rib;

/* Which routes `show routes` lists; zero fields match everything. */
struct route_filter {
	uint8_t type;	 /* EVPN route type 1..5 */
	vni_t vni;	 /* a label of the best path (VNI under VXLAN; Type-3: the PMSI label) */
	bool has_rd;
	struct rd rd;
	bool has_mac;
	struct mac mac;
	bool has_ip;
	struct ipaddr ip;
};

/* Parse "type N", "vni V", "rd RD", "mac M", "ip A" word pairs; -1 + *err on junk. */
int route_filter_parse(struct route_filter *f, const char *const *words, size_t n, char **err);

struct json_object *show_routes(struct rib *rib, const struct route_filter *f);
/*
 * Routes with a best path counted by (type, VNI, origin): [{"type": 2,
 * "vni": 100, "origin": "local"|"remote", "routes": N}, ...].  The VNI is
 * the best path's first label (Type-3: its PMSI label), 0 when none.
 */
struct json_object *show_route_counts(struct rib *rib);

#endif
