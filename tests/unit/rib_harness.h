/*
 * rib_harness.h - what the RIB's Check suites share (test_rib.c: routes,
 * paths, peers, the change log, iteration; test_rib_decide.c: best path and
 * export): a RIB, peers, routes, attribute templates, an observer that
 * records its calls.
 */
#ifndef EVPND_RIB_HARNESS_H
#define EVPND_RIB_HARNESS_H

#include "evpn_ecomm.h"
#include "rib.h"
#include "testutil.h"

#define ROUTER_ID 0x0a00000bu /* 10.0.0.11 */
#define LOCAL_AS 65000

struct obs_call {
	const struct rib_route *rt;
	const struct rib_path *old_best, *new_best;
	const struct rib_peer *old_peer;	/* paths may be gone after the call */
	bool route_ok;
};

struct obs {
	size_t n;
	struct obs_call call[16];
};

/* The observer (rib_set_observer, arg: struct obs): records each call. */
void observe(void *arg, const struct rib_route *rt, const struct rib_path *old_best,
	     const struct rib_path *new_best);
/* A RIB of AS 65000, router id 10.0.0.11. */
struct rib *rib_make(void);
/* An IPv4 address in host order. */
uint32_t ip4h(const char *s);
struct rib_peer *peer_make(struct rib *rib, uint32_t id, const char *addr, bool ibgp,
			   bool client);
/* Type-2 route: RD 10.0.0.<rd>:1, MAC 02:00:00:00:<n>, VNI 100. */
struct evpn_route macip(unsigned rd, uint32_t n);
/* Of type: macip(2, 1), or a Type-3 (10.0.0.2) or Type-5 (192.168.0.0/16) made of it. */
struct evpn_route route_of(uint8_t type);
struct evpn_key key_of(const struct evpn_route *r);
/* The route of r's key with a path, or NULL. */
struct rib_route *get(struct rib *rib, const struct evpn_route *r);
/* A template: next hop nh, optional MAC mobility sequence (< 0: none). */
struct rib_attrs tmpl(const char *nh, struct ecomm *ec, long seq, bool sticky);
const struct rib_attrs *intern(struct rib *rib, const struct rib_attrs *t);
/* t as announced by peer from. */
const struct rib_attrs *intern_from(struct rib *rib, const struct rib_attrs *t,
				    struct rib_peer *from);
/* Announce r from peer with attrs t; the RIB keeps its own reference. */
void announce(struct rib *rib, struct rib_peer *peer, const struct evpn_route *r,
	      const struct rib_attrs *t);
/* No route, path or attribute set left. */
void check_empty(struct rib *rib);

#endif
