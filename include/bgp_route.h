/*
 * bgp_route.h - routes over a BGP session: UPDATEs received are decoded
 * (RFC 7606 verdicts applied) and given to the RIB; the RIB's best paths are
 * advertised to the peer (table dump at Established, changes afterwards,
 * ROUTE-REFRESH), packed into UPDATEs with back-pressure on the socket.
 *
 * The per-peer state is opaque to the session code (bgp_peer.rs).
 */
#ifndef EVPND_BGP_ROUTE_H
#define EVPND_BGP_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

struct bgp_peer;
struct json_object;

void bgp_route_peer_init(struct bgp_peer *p);
void bgp_route_peer_fini(struct bgp_peer *p);

void bgp_route_session_up(struct bgp_peer *p);
/*
 * The session left Established.  graceful: the peer restarts (RFC 4724
 * helper): its routes stay, marked stale, until it is back and sends
 * End-of-RIB, or its restart time runs out.
 */
void bgp_route_session_down(struct bgp_peer *p, bool graceful);
bool bgp_route_eor_received(const struct bgp_peer *p);
/* The restart deferral is over: send the table if it was held back. */
void bgp_route_release_deferred(struct bgp_peer *p);

/* An UPDATE body received in Established. */
void bgp_route_update_in(struct bgp_peer *p, struct buf *body);
/* The peer asked for our routes again (ROUTE-REFRESH, RFC 2918/7313). */
void bgp_route_refresh_out(struct bgp_peer *p);
/* RFC 7313 BoRR/EoRR markers from the peer. */
void bgp_route_refresh_marker(struct bgp_peer *p, uint8_t subtype);
/* The socket drained: continue sending. */
void bgp_route_output_ready(struct bgp_peer *p);

/* Adds the route counters to a peer's `show neighbors` object. */
void bgp_route_peer_json(const struct bgp_peer *p, struct json_object *o);

#endif
