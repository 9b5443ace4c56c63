/*
 * evpn_ecomm.h - the extended communities EVPN uses (RFC 4360 values, struct
 * ecomm from types.h): construction, decoding, a one-pass summary of an
 * EXTENDED_COMMUNITIES attribute, and FRR's text forms.
 *
 *   type sub  community                 defined in
 *   0x00-02 0x02  route target           RFC 4360 3.1/3.2, RFC 5668
 *   0x03 0x0c     encapsulation          RFC 9012 4.1, RFC 8365 5.1.3 (8 = VXLAN)
 *   0x03 0x0d     default gateway        RFC 7432 7.8
 *   0x06 0x00     MAC mobility           RFC 7432 7.7
 *   0x06 0x01     ESI label              RFC 7432 7.5
 *   0x06 0x02     ES-import route target RFC 7432 7.6
 *   0x06 0x03     router's MAC           RFC 9135 8.1
 *   0x06 0x08     ARP/ND                 RFC 9047 2
 *
 * Pure functions: no allocation, no logging, no global state.
 */
#ifndef EVPND_EVPN_ECOMM_H
#define EVPND_EVPN_ECOMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "types.h"

#define ECOMM_TYPE_OPAQUE 0x03 /* transitive opaque */
#define ECOMM_TYPE_EVPN 0x06
#define ECOMM_SUB_RT 0x02
#define ECOMM_SUB_SOO 0x03
#define ECOMM_SUB_ENCAP 0x0c
#define ECOMM_SUB_DEF_GW 0x0d
#define ECOMM_SUB_MAC_MOBILITY 0x00
#define ECOMM_SUB_ESI_LABEL 0x01
#define ECOMM_SUB_ES_IMPORT 0x02
#define ECOMM_SUB_ROUTER_MAC 0x03
#define ECOMM_SUB_ND 0x08

/* Tunnel types (IANA "BGP Tunnel Encapsulation Attribute Tunnel Types"). */
#define EVPN_TUNNEL_VXLAN 8
#define EVPN_TUNNEL_NVGRE 9
#define EVPN_TUNNEL_MPLS 10
#define EVPN_TUNNEL_VXLAN_GPE 12
#define EVPN_TUNNEL_GENEVE 19

#define EVPN_MM_STICKY 0x01	   /* RFC 7432 7.7: low-order bit, static MAC */
#define EVPN_ESI_LABEL_SA 0x01	   /* RFC 7432 7.5: single-active */
#define EVPN_ND_ROUTER 0x01	   /* RFC 9047 2: R, bit 23 of the community */
#define EVPN_ND_OVERRIDE 0x02	   /* RFC 9047 2: O, bit 22 */
#define EVPN_ND_FRR_PROXY 0x04	   /* FRR's "proxy" bit (draft era), shown as ND:Proxy */
#define EVPN_ND_IMMUTABLE 0x08	   /* RFC 9047 2: I, bit 20 */

enum evpn_ecomm_kind {
	EVPN_EC_UNKNOWN = 0,
	EVPN_EC_RT,
	EVPN_EC_ENCAP,
	EVPN_EC_DEF_GW,
	EVPN_EC_MAC_MOBILITY,
	EVPN_EC_ESI_LABEL,
	EVPN_EC_ES_IMPORT,
	EVPN_EC_ROUTER_MAC,
	EVPN_EC_ND,
};

enum evpn_ecomm_kind evpn_ecomm_kind(const struct ecomm *c);

/* Constructors (route targets: rt_parse()/rt_auto() in types.h). */
void evpn_ecomm_encap(struct ecomm *c, uint16_t tunnel_type);
void evpn_ecomm_def_gw(struct ecomm *c);
void evpn_ecomm_mac_mobility(struct ecomm *c, uint32_t seq, bool sticky);
void evpn_ecomm_esi_label(struct ecomm *c, uint8_t flags, uint32_t label);
void evpn_ecomm_es_import(struct ecomm *c, const struct mac *m);
void evpn_ecomm_router_mac(struct ecomm *c, const struct mac *m);
void evpn_ecomm_nd(struct ecomm *c, uint8_t flags);

/* Decoders: 0 and the fields, or -1 when c is not of that kind. */
int evpn_ecomm_get_encap(const struct ecomm *c, uint16_t *tunnel_type);
int evpn_ecomm_get_mac_mobility(const struct ecomm *c, uint32_t *seq, bool *sticky);
int evpn_ecomm_get_esi_label(const struct ecomm *c, uint8_t *flags, uint32_t *label);
int evpn_ecomm_get_es_import(const struct ecomm *c, struct mac *m);
int evpn_ecomm_get_router_mac(const struct ecomm *c, struct mac *m);
int evpn_ecomm_get_nd(const struct ecomm *c, uint8_t *flags);

/* Bits of evpn_ecomm_summary.present, one per kind seen. */
#define EVPN_ECS_RT (1u << EVPN_EC_RT)
#define EVPN_ECS_ENCAP (1u << EVPN_EC_ENCAP)
#define EVPN_ECS_DEF_GW (1u << EVPN_EC_DEF_GW)
#define EVPN_ECS_MAC_MOBILITY (1u << EVPN_EC_MAC_MOBILITY)
#define EVPN_ECS_ESI_LABEL (1u << EVPN_EC_ESI_LABEL)
#define EVPN_ECS_ES_IMPORT (1u << EVPN_EC_ES_IMPORT)
#define EVPN_ECS_ROUTER_MAC (1u << EVPN_EC_ROUTER_MAC)
#define EVPN_ECS_ND (1u << EVPN_EC_ND)

#define EVPN_ECOMM_RT_MAX 32

/*
 * What one EXTENDED_COMMUNITIES attribute says about an EVPN route.
 * Fields of a kind not in present are zero.
 */
struct evpn_ecomm_summary {
	uint32_t present;	/* EVPN_ECS_* */
	uint16_t rt_count;	/* route targets stored in rt[], in attribute order */
	uint16_t rt_dropped;	/* route targets beyond EVPN_ECOMM_RT_MAX (not stored) */
	uint16_t unknown;	/* communities of no kind above */
	struct ecomm rt[EVPN_ECOMM_RT_MAX];
	uint32_t encap_mask;	/* bit t set: tunnel type t (< 32) announced */
	bool encap_other;	/* a tunnel type >= 32 announced */
	/*
	 * MAC mobility (RFC 7432 7.7, 15).  RFC 7432 gives one sequence number
	 * per route and says nothing of a route carrying several; FRR uses the
	 * first.  We take the lowest sequence number (a route never claims a
	 * later move than all its communities agree on, so a confused sender
	 * cannot win a mobility race with it), sticky if any of them is
	 * sticky, and set mm_conflict when they differ so the caller may log
	 * it or apply its own policy.
	 */
	uint8_t mm_count;
	bool mm_sticky;
	bool mm_conflict;
	uint32_t mm_seq;
	/* Router's MAC (RFC 9135 8.1): the first one; conflict if others differ. */
	bool rmac_conflict;
	struct mac rmac;
	/* ARP/ND (RFC 9047): flags of all ND communities OR-ed together. */
	uint8_t nd_flags;
	/* ESI label (RFC 7432 7.5): the first one. */
	uint8_t esi_label_flags;
	uint32_t esi_label;
	struct mac es_import;	/* ES-import route target (RFC 7432 7.6) */
};

/*
 * Walk the communities in ecomms (an attribute value; its length must be a
 * multiple of 8) and fill s.  Returns 0, or -1 when the length is not a
 * multiple of 8 (s is then zero).  ecomms is consumed.
 */
int evpn_ecomm_summarise(struct buf *ecomms, struct evpn_ecomm_summary *s);

/*
 * FRR's text form of one community (`show bgp l2vpn evpn`): "RT:65000:100",
 * "SoO:65000:1", "ET:8", "Default Gateway", "MM:5", "MM:5, sticky MAC",
 * "ESI-label-Rt:AA" / "ESI-label-Rt:SA", "ES-Import-Rt:<mac>", "Rmac:<mac>",
 * "ND:Router Flag", "ND:Proxy", and "UNK:<type>, <subtype>" otherwise.
 * FRR prints nothing for an ND community with neither R nor its proxy bit;
 * we print "ND:Override Flag", "ND:Immutable" or "ND" in that case.
 */
#define EVPN_ECOMM_STRLEN 48
char *evpn_ecomm_fmt(const struct ecomm *c, char buf[EVPN_ECOMM_STRLEN]);

/*
 * Every community of an attribute value, separated by single spaces as FRR
 * shows them ("RT:65000:100 ET:8").  Truncates to size; returns buf.
 * ecomms is consumed.
 */
char *evpn_ecomm_list_fmt(struct buf *ecomms, char *buf, size_t size);

#endif
