/*
 * types.c - parsing, formatting and comparison of the shared vocabulary
 * (types.h).  Pure functions: no allocation, no logging.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "types.h"

int mac_parse(const char *s, struct mac *out)
{
	unsigned int o[MAC_LEN];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &o[0], &o[1], &o[2], &o[3], &o[4], &o[5],
		   &tail) != MAC_LEN || strlen(s) != 17)
		return -1;
	for (int i = 0; i < MAC_LEN; i++)
		out->octet[i] = (uint8_t)o[i];
	return 0;
}

char *mac_fmt(const struct mac *m, char buf[MAC_STRLEN])
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", m->octet[0], m->octet[1],
		 m->octet[2], m->octet[3], m->octet[4], m->octet[5]);
	return buf;
}

bool mac_is_zero(const struct mac *m)
{
	static const struct mac zero;
	return memcmp(m, &zero, sizeof(zero)) == 0;
}

int mac_cmp(const struct mac *a, const struct mac *b)
{
	return memcmp(a->octet, b->octet, MAC_LEN);
}

int ipaddr_parse(const char *s, struct ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, &out->v4) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &out->v6) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -1;
}

char *ipaddr_fmt(const struct ipaddr *a, char buf[IPADDR_STRLEN])
{
	if (a->family == AF_INET || a->family == AF_INET6)
		inet_ntop(a->family, a->bytes, buf, IPADDR_STRLEN);
	else
		snprintf(buf, IPADDR_STRLEN, "none");
	return buf;
}

size_t ipaddr_len(const struct ipaddr *a)
{
	return a->family == AF_INET ? 4 : a->family == AF_INET6 ? 16 : 0;
}

int ipaddr_cmp(const struct ipaddr *a, const struct ipaddr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, ipaddr_len(a));
}

bool ipaddr_is_set(const struct ipaddr *a)
{
	return a->family == AF_INET || a->family == AF_INET6;
}

int ipaddr_from_bytes(struct ipaddr *out, const uint8_t *b, size_t len)
{
	memset(out, 0, sizeof(*out));
	if (len == 4)
		out->family = AF_INET;
	else if (len == 16)
		out->family = AF_INET6;
	else
		return -1;
	memcpy(out->bytes, b, len);
	return 0;
}

void prefix_normalise(struct prefix *p)
{
	size_t bits = ipaddr_len(&p->addr) * 8;

	if (p->len > bits)
		p->len = (uint8_t)bits;
	for (size_t i = p->len; i < bits; i++)
		p->addr.bytes[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
}

bool prefix_contains(const struct prefix *p, const struct ipaddr *a)
{
	size_t bits = ipaddr_len(&p->addr) * 8;

	if (!p->addr.family || a->family != p->addr.family || p->len > bits)
		return false;
	for (size_t i = 0; i < p->len; i++) {
		uint8_t m = (uint8_t)(0x80u >> (i % 8));

		if ((p->addr.bytes[i / 8] & m) != (a->bytes[i / 8] & m))
			return false;
	}
	return true;
}

static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || *end != '\0' || *out > max)
		return -1;
	return 0;
}

int prefix_parse(const char *s, struct prefix *out)
{
	char tmp[PREFIX_STRLEN];
	const char *slash = strchr(s, '/');
	unsigned long len;

	if (!slash || (size_t)(slash - s) >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, (size_t)(slash - s));
	tmp[slash - s] = '\0';
	if (ipaddr_parse(tmp, &out->addr) == -1 ||
	    parse_ulong(slash + 1, ipaddr_len(&out->addr) * 8, &len) == -1)
		return -1;
	out->len = (uint8_t)len;
	prefix_normalise(out);
	return 0;
}

char *prefix_fmt(const struct prefix *p, char buf[PREFIX_STRLEN])
{
	char a[IPADDR_STRLEN];

	snprintf(buf, PREFIX_STRLEN, "%s/%u", ipaddr_fmt(&p->addr, a), p->len);
	return buf;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * The 6-octet value shared by RDs (RFC 4364 4.2) and RT extended
 * communities (RFC 4360 3.1, 3.2; RFC 5668): returns the type or -1.
 */
static int value6_parse(const char *s, uint8_t v[6])
{
	char left[IPADDR_STRLEN];
	const char *colon = strrchr(s, ':');
	unsigned long a, n;
	struct in_addr ip;

	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(left))
		return -1;
	memcpy(left, s, (size_t)(colon - s));
	left[colon - s] = '\0';
	if (strchr(left, '.')) {
		if (inet_pton(AF_INET, left, &ip) != 1 || parse_ulong(colon + 1, 0xffff, &n) == -1)
			return -1;
		memcpy(v, &ip, 4);
		put16(v + 4, (uint32_t)n);
		return RD_TYPE_IP4;
	}
	if (parse_ulong(left, 0xffffffffUL, &a) == -1)
		return -1;
	if (a <= 0xffff) {
		if (parse_ulong(colon + 1, 0xffffffffUL, &n) == -1)
			return -1;
		put16(v, (uint32_t)a);
		put32(v + 2, (uint32_t)n);
		return RD_TYPE_AS2;
	}
	if (parse_ulong(colon + 1, 0xffff, &n) == -1)
		return -1;
	put32(v, (uint32_t)a);
	put16(v + 4, (uint32_t)n);
	return RD_TYPE_AS4;
}

static char *value6_fmt(int type, const uint8_t v[6], char buf[RD_STRLEN])
{
	char ip[INET_ADDRSTRLEN];

	switch (type) {
	case RD_TYPE_AS2:
		snprintf(buf, RD_STRLEN, "%u:%u", get16(v), get32(v + 2));
		break;
	case RD_TYPE_IP4:
		inet_ntop(AF_INET, v, ip, sizeof(ip));
		snprintf(buf, RD_STRLEN, "%s:%u", ip, get16(v + 4));
		break;
	case RD_TYPE_AS4:
		snprintf(buf, RD_STRLEN, "%u:%u", get32(v), get16(v + 4));
		break;
	default:
		snprintf(buf, RD_STRLEN, "%u:%02x%02x%02x%02x%02x%02x", (unsigned)type, v[0], v[1],
			 v[2], v[3], v[4], v[5]);
	}
	return buf;
}

int rd_parse(const char *s, struct rd *out)
{
	int type = value6_parse(s, out->octet + 2);

	if (type == -1)
		return -1;
	put16(out->octet, (uint32_t)type);
	return 0;
}

char *rd_fmt(const struct rd *rd, char buf[RD_STRLEN])
{
	return value6_fmt((int)get16(rd->octet), rd->octet + 2, buf);
}

int rd_cmp(const struct rd *a, const struct rd *b)
{
	return memcmp(a->octet, b->octet, RD_LEN);
}

void rd_auto(struct rd *out, struct in_addr router_id, uint16_t index)
{
	put16(out->octet, RD_TYPE_IP4);
	memcpy(out->octet + 2, &router_id, 4);
	put16(out->octet + 6, index);
}

/* RFC 4360: type high octet 0x00/0x01/0x02 (transitive AS2/IPv4/AS4), sub-type 0x02 = RT. */
int rt_parse(const char *s, struct ecomm *out)
{
	int type = value6_parse(s, out->octet + 2);

	if (type == -1)
		return -1;
	out->octet[0] = (uint8_t)type;
	out->octet[1] = 0x02;
	return 0;
}

char *rt_fmt(const struct ecomm *rt, char buf[RD_STRLEN])
{
	return value6_fmt(rt->octet[0], rt->octet + 2, buf);
}

void rt_auto(struct ecomm *out, uint32_t asn, vni_t vni)
{
	out->octet[0] = RD_TYPE_AS2;
	out->octet[1] = 0x02;
	put16(out->octet + 2, asn & 0xffff);
	put32(out->octet + 4, vni);
}

bool ecomm_is_rt(const struct ecomm *c)
{
	return c->octet[0] <= 0x02 && c->octet[1] == 0x02;
}

int ecomm_cmp(const struct ecomm *a, const struct ecomm *b)
{
	return memcmp(a->octet, b->octet, ECOMM_LEN);
}

char *esi_fmt(const struct esi *e, char buf[ESI_STRLEN])
{
	const uint8_t *o = e->octet;

	snprintf(buf, ESI_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x", o[0], o[1],
		 o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9]);
	return buf;
}

bool esi_is_zero(const struct esi *e)
{
	static const struct esi zero;
	return memcmp(e, &zero, sizeof(zero)) == 0;
}
