/*
 * evpn.h - EVPN instances: the VNIs this VTEP serves (VXLAN devices found in
 * the kernel: all of them with advertise-all-vni, else those listed in the
 * configuration; the L3VNIs of the configured VRFs are not L2 instances), the
 * routes it originates for them (Type-3 inclusive multicast, Type-2 for local
 * MACs and MAC+IP bindings, Type-5 for a VRF's prefixes), and what received
 * routes become in the kernel (flood lists, remote MACs, neighbours, VRF
 * routes through remote VTEPs' router MACs).
 *
 * It sits between the RIB (routes) and the kernel interface (kernel.h): it
 * originates local paths into the RIB and observes best-path changes.
 */
#ifndef EVPND_EVPN_H
#define EVPND_EVPN_H

#include <stdbool.h>

#include "config.h"
#include "types.h"

struct bgp;
struct event_base;
struct json_object;
struct kernel;
struct rib;
struct evpn;

struct evpn *evpn_new(struct event_base *base, struct rib *rib, struct bgp *bgp);
/* Apply a (new) configuration: identity, VNI settings, RD/RTs. */
void evpn_configure(struct evpn *e, const struct config *cfg);
/*
 * Open the kernel interface (netlink): discover VNIs and local MACs, and
 * from now on program remote state.  -1 when netlink is unavailable.
 */
int evpn_start_kernel(struct evpn *e);
/* Use this kernel implementation instead (tests); takes ownership. */
void evpn_set_kernel(struct evpn *e, struct kernel *k);
/* Remove kernel leftovers of a previous run that BGP did not confirm. */
void evpn_sweep_stale(struct evpn *e);
void evpn_free(struct evpn *e);

struct json_object *evpn_show_vnis(const struct evpn *e);
struct json_object *evpn_show_macs(const struct evpn *e, vni_t vni);
struct json_object *evpn_show_vteps(const struct evpn *e);
struct json_object *evpn_show_summary(const struct evpn *e);
/* IP VRFs (symmetric IRB, Type-5), their next hops (remote VTEPs) and router MACs. */
struct json_object *evpn_show_vrfs(const struct evpn *e);
struct json_object *evpn_show_nexthops(const struct evpn *e);
struct json_object *evpn_show_rmacs(const struct evpn *e);
/*
 * The outcome of evpn_audit_begin: the drift as JSON (taken over), or NULL
 * and why.
 */
typedef void (*evpn_audit_fn)(void *arg, struct json_object *drift, const char *err);
/*
 * Compare the kernel with what evpnd installed (kernel.h audit), reading it
 * in steps while the loop runs (a periodic audit running gives way); with
 * repair also fix the drift.  done(arg, ...) later, never from within this
 * call.  -1 with *err (new, or NULL when out of memory) when it cannot
 * start: no kernel, a resync or another audit on demand is reading the
 * kernel, no memory or no socket for it.
 */
int evpn_audit_begin(struct evpn *e, bool repair, evpn_audit_fn done, void *arg, char **err);
/*
 * The periodic audit, with repair, read in steps while the loop runs (the
 * outcome is logged by the kernel layer); -1 when there is no kernel or an
 * audit is still running.
 */
int evpn_audit_start(struct evpn *e);

#endif
