/*
 * types.h - the shared vocabulary of evpnd: MAC addresses, VNIs, IP
 * addresses and prefixes, route distinguishers, route targets and ESIs.
 *
 * Every value is stored in a fixed-size, comparable form (no pointers), so
 * it can be a hash key or be copied by assignment.  Wire-format objects
 * (RD, RT, ESI) keep their 8/8/10 octets in network order exactly as they
 * appear in BGP; parse/format functions convert to and from the text forms
 * operators write (RFC 4364 section 4.2, RFC 4360, RFC 7432 section 5).
 */
#ifndef EVPND_TYPES_H
#define EVPND_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define MAC_LEN 6
#define RD_LEN 8
#define ECOMM_LEN 8
#define ESI_LEN 10


typedef uint32_t vni_t; /* 24-bit VXLAN network identifier, 0 = none */

struct mac {
	uint8_t octet[MAC_LEN];
};

/* An IPv4 or IPv6 address; family is AF_INET, AF_INET6 or 0 (none). */
struct ipaddr {
	uint8_t family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	};
};

/* An IP prefix; bits beyond len are zero (prefix_normalise()). */
struct prefix {
	struct ipaddr addr;
	uint8_t len;
};

/* Route distinguisher, 8 octets in wire order: type (2) + value (6). */
struct rd {
	uint8_t octet[RD_LEN];
};

/* Extended community (RFC 4360), 8 octets in wire order. */
struct ecomm {
	uint8_t octet[ECOMM_LEN];
};

/* Ethernet segment identifier (RFC 7432 section 5), 10 octets. */
struct esi {
	uint8_t octet[ESI_LEN];
};

enum rd_type {
	RD_TYPE_AS2 = 0, /* 2-octet ASN : 4-octet number */
	RD_TYPE_IP4 = 1, /* IPv4 address : 2-octet number */
	RD_TYPE_AS4 = 2, /* 4-octet ASN : 2-octet number */
};

/* Text buffer sizes, including the terminating NUL. */
#define MAC_STRLEN 18
#define IPADDR_STRLEN 46
#define PREFIX_STRLEN 50
#define RD_STRLEN 32
#define ESI_STRLEN 30

static inline bool vni_valid(uint32_t vni)
{
	return vni >= 1 && vni <= 0xffffff;
}

/* MAC "aa:bb:cc:dd:ee:ff". Parse returns 0 or -1. */
int mac_parse(const char *s, struct mac *out);
char *mac_fmt(const struct mac *m, char buf[MAC_STRLEN]);
bool mac_is_zero(const struct mac *m);
int mac_cmp(const struct mac *a, const struct mac *b);

/* IPv4 or IPv6 address in inet_pton form. Parse returns 0 or -1. */
int ipaddr_parse(const char *s, struct ipaddr *out);
char *ipaddr_fmt(const struct ipaddr *a, char buf[IPADDR_STRLEN]);
int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b);
bool ipaddr_is_set(const struct ipaddr *a);
/* Address length in octets for its family (4, 16, or 0 when unset). */
size_t ipaddr_len(const struct ipaddr *a);
/* Fill from raw octets: len 4 → IPv4, 16 → IPv6, else -1. */
int ipaddr_from_bytes(struct ipaddr *out, const uint8_t *b, size_t len);

/* "a.b.c.d/n" or "x::/n". Parse normalises host bits to zero. */
int prefix_parse(const char *s, struct prefix *out);
char *prefix_fmt(const struct prefix *p, char buf[PREFIX_STRLEN]);
void prefix_normalise(struct prefix *p);
/* True when a (of p's family) lies inside p. */
bool prefix_contains(const struct prefix *p, const struct ipaddr *a);

/*
 * Route distinguishers and route-target values share their text forms:
 * "ASN:NN" (type 0 when ASN <= 65535, else type 2 and NN <= 65535) and
 * "A.B.C.D:NN" (type 1).  Parse returns 0 or -1.
 */
int rd_parse(const char *s, struct rd *out);
char *rd_fmt(const struct rd *rd, char buf[RD_STRLEN]);
int rd_cmp(const struct rd *a, const struct rd *b);
/* router-id:index (type 1), the RFC 7432 section 7.9 auto RD. */
void rd_auto(struct rd *out, struct in_addr router_id, uint16_t index);

/* Route target extended community (RFC 4360 3.1/3.2, RFC 5668). */
int rt_parse(const char *s, struct ecomm *out);
char *rt_fmt(const struct ecomm *rt, char buf[RD_STRLEN]);
/*
 * Auto RT, RFC 8365 section 5.1.2.1 in FRR's form: type 0 (2-octet AS)
 * with ASN:VNI; for a 4-octet ASN the low 16 bits of the ASN are used,
 * which is what FRR derives, so the two agree on import.
 */
void rt_auto(struct ecomm *out, uint32_t asn, vni_t vni);
bool ecomm_is_rt(const struct ecomm *c);
int ecomm_cmp(const struct ecomm *a, const struct ecomm *b);

/* ESI as "00:11:22:33:44:55:66:77:88:99". */
char *esi_fmt(const struct esi *e, char buf[ESI_STRLEN]);
bool esi_is_zero(const struct esi *e);

#endif
