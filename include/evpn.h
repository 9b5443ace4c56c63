/*
 * evpn.h - EVPN instances: the VNIs this VTEP serves (from the
 * configuration and, with advertise-all-vni, from the kernel), the routes it
 * originates for them (Type-3 inclusive multicast, Type-2 for local MACs),
 * and what received routes become in the kernel.
 *
 * It sits between the RIB (routes) and the kernel interface (kernel.h): it
 * originates local paths into the RIB and observes best-path changes.
 */
#ifndef EVPND_EVPN_H
#define EVPND_EVPN_H

#include "config.h"
#include "types.h"

struct bgp;
struct json_object;
struct rib;
struct evpn;

struct evpn *evpn_new(struct rib *rib, struct bgp *bgp);
/* Apply a (new) configuration: identity, VNIs and their RD/RTs. */
void evpn_configure(struct evpn *e, const struct config *cfg);
void evpn_free(struct evpn *e);

struct json_object *evpn_show_vnis(const struct evpn *e);

#endif
