/*
 * bgp.h - the BGP speaker: the listening sockets, the set of peers built
 * from the configuration, and what the control socket asks of them.
 *
 * One struct bgp per daemon.  Peers are created, changed and removed only by
 * bgp_configure(), from a validated struct config; the speaker copies what
 * it needs, so the config may be freed after the call.
 */
#ifndef EVPND_BGP_H
#define EVPND_BGP_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "types.h"

struct event_base;
struct json_object;
struct bgp;
struct bgp_peer;
struct rib;

/* Who we are, as configured (router section). */
struct bgp_identity {
	uint32_t asn;
	uint32_t router_id;  /* host order */
	uint32_t cluster_id; /* host order */
	struct ipaddr vtep;
};

struct bgp *bgp_new(struct event_base *base, struct rib *rib);
/*
 * Apply a configuration: identity and listener on first call, then add new
 * neighbours, remove deleted ones, and restart those whose session-relevant
 * settings changed.  Returns 0, or -1 with *err (new string) when the
 * listener cannot be opened.
 */
int bgp_configure(struct bgp *bgp, const struct config *cfg, char **err);
/*
 * Close every session without a NOTIFICATION (evpnd stopping: peers that
 * help graceful restart keep our routes) and free everything.
 */
void bgp_free(struct bgp *bgp);

/* Seconds a restarting evpnd asks its peers to keep its routes (RFC 4724). */
#define BGP_GR_RESTART_TIME 120
/*
 * evpnd's own restart procedure is under way (R bit in our OPENs): from the
 * start until its table went out to every neighbour (see below).
 */
bool bgp_restarting(const struct bgp *bgp);
/*
 * Every configured neighbour is Established and has sent End-of-RIB.  With
 * skip_restarting, neighbours that restart themselves (R bit) are not waited
 * for: RFC 4724 4.1, they defer their End-of-RIB until they have ours.
 */
bool bgp_all_eor(const struct bgp *bgp, bool skip_restarting);
/*
 * RFC 4724 4.1, restarting speaker: after a restart evpnd defers sending its
 * table until every neighbour sent End-of-RIB (bgp_all_eor) or this many
 * seconds passed, so that a restarted route reflector never sends an empty
 * table (and End-of-RIB) that would make its clients drop the stale routes.
 */
#define BGP_GR_SELECT_DEFER 30
bool bgp_defer_initial_table(const struct bgp *bgp);
/* An End-of-RIB arrived: the deferral may be over. */
void bgp_eor_received(struct bgp *bgp);

const struct bgp_identity *bgp_identity(const struct bgp *bgp);
struct event_base *bgp_event_base(const struct bgp *bgp);
struct rib *bgp_rib(const struct bgp *bgp);

/* The RIB changed: send what changed to every session (soon, once). */
void bgp_export_schedule(struct bgp *bgp);

struct bgp_peer *bgp_peer_find(const struct bgp *bgp, const struct ipaddr *addr);

/* `clear neighbor ADDR [soft]`: hard = reset the session, soft = route refresh. */
int bgp_clear_neighbor(struct bgp *bgp, const struct ipaddr *addr, bool soft, char **err);

/* Structured views for the control socket (new references). */
struct json_object *bgp_show_neighbors(const struct bgp *bgp);
struct json_object *bgp_show_summary(const struct bgp *bgp);

#endif
