/*
 * config_cyaml.c - loads a configuration file that already passed YANG
 * validation into C structs with libcyaml, then converts those ("the file as
 * written": strings and optional numbers) into struct config ("what evpnd
 * runs with": parsed addresses, RDs, RTs, every default applied).
 *
 * Defaults here must equal the YANG module's; tests/unit/test_config.c checks
 * them against the schema.  Any failure at this stage means this file and the
 * YANG module disagree, which is reported as an internal error.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cyaml/cyaml.h>

#include "config_priv.h"

struct y_rts {
	char **import;
	unsigned int import_count;
	char **export;
	unsigned int export_count;
};

struct y_router {
	uint32_t asn;
	char *router_id;
	char *vtep_ip;
	char *listen_address;
	uint16_t *listen_port;
	char *cluster_id;
	uint32_t *audit_interval;
	char *metrics_address;
	uint16_t *metrics_port;
};

struct y_neighbor {
	char *address;
	uint32_t remote_asn;
	char *description;
	uint16_t *port;
	char *source_address;
	bool *passive;
	uint16_t *hold_time;
	uint16_t *keepalive;
	char *password;
	uint8_t *ttl_security;
	uint32_t *max_prefix;
	char **afs;
	unsigned int afs_count;
	bool *rr_client;
};

struct y_ports {
	uint16_t low;
	uint16_t high;
};

/* Leaves of the vni-devices grouping and create (both lists). */
struct y_dev {
	bool *create;
	char *vxlan_device;
	char *bridge;
	uint16_t *mtu;
	struct y_ports *sports;
};

struct y_l2vni {
	uint32_t vni;
	char *rd;
	struct y_rts *rts;
	struct y_dev dev;
	char **svi_addresses;
	unsigned int svi_addresses_count;
	char *svi_mac;
	char **access_ports;
	unsigned int access_ports_count;
	char *vrf;
};

struct y_vrf {
	char *name;
	uint32_t l3vni;
	char *rd;
	struct y_rts *rts;
	char *router_mac;
	char **advertise;
	unsigned int advertise_count;
	struct y_dev dev;
	uint32_t *table;
};

struct y_evpn {
	bool *advertise_all_vni;
	bool *arp_nd_suppression;
	struct y_l2vni *l2vnis;
	unsigned int l2vnis_count;
	struct y_vrf *vrfs;
	unsigned int vrfs_count;
};

struct y_config {
	struct y_router *router;
	struct y_neighbor *neighbors;
	unsigned int neighbors_count;
	struct y_evpn *evpn;
};

#define OPT (CYAML_FLAG_OPTIONAL)
#define OPTP (CYAML_FLAG_OPTIONAL | CYAML_FLAG_POINTER)

static const cyaml_schema_value_t string_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

static const cyaml_schema_field_t rts_fields[] = {
	CYAML_FIELD_SEQUENCE("import", OPTP, struct y_rts, import, &string_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("export", OPTP, struct y_rts, export, &string_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t router_fields[] = {
	CYAML_FIELD_UINT("asn", CYAML_FLAG_DEFAULT, struct y_router, asn),
	CYAML_FIELD_STRING_PTR("router-id", CYAML_FLAG_POINTER, struct y_router, router_id, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("vtep-ip", OPTP, struct y_router, vtep_ip, 0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("listen-address", OPTP, struct y_router, listen_address, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("listen-port", OPTP, struct y_router, listen_port),
	CYAML_FIELD_STRING_PTR("cluster-id", OPTP, struct y_router, cluster_id, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("audit-interval", OPTP, struct y_router, audit_interval),
	CYAML_FIELD_STRING_PTR("metrics-address", OPTP, struct y_router, metrics_address, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("metrics-port", OPTP, struct y_router, metrics_port),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t neighbor_fields[] = {
	CYAML_FIELD_STRING_PTR("address", CYAML_FLAG_POINTER, struct y_neighbor, address, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT("remote-asn", CYAML_FLAG_DEFAULT, struct y_neighbor, remote_asn),
	CYAML_FIELD_STRING_PTR("description", OPTP, struct y_neighbor, description, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("port", OPTP, struct y_neighbor, port),
	CYAML_FIELD_STRING_PTR("source-address", OPTP, struct y_neighbor, source_address, 0,
			       CYAML_UNLIMITED),
	CYAML_FIELD_BOOL_PTR("passive", OPTP, struct y_neighbor, passive),
	CYAML_FIELD_UINT_PTR("hold-time", OPTP, struct y_neighbor, hold_time),
	CYAML_FIELD_UINT_PTR("keepalive", OPTP, struct y_neighbor, keepalive),
	CYAML_FIELD_STRING_PTR("password", OPTP, struct y_neighbor, password, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT_PTR("ttl-security", OPTP, struct y_neighbor, ttl_security),
	CYAML_FIELD_UINT_PTR("max-prefix", OPTP, struct y_neighbor, max_prefix),
	CYAML_FIELD_SEQUENCE("address-families", OPTP, struct y_neighbor, afs, &string_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_BOOL_PTR("route-reflector-client", OPTP, struct y_neighbor, rr_client),
	CYAML_FIELD_END,
};

static const cyaml_schema_value_t neighbor_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_neighbor, neighbor_fields),
};

static const cyaml_schema_field_t ports_fields[] = {
	CYAML_FIELD_UINT("low", CYAML_FLAG_DEFAULT, struct y_ports, low),
	CYAML_FIELD_UINT("high", CYAML_FLAG_DEFAULT, struct y_ports, high),
	CYAML_FIELD_END,
};

/* The vni-devices grouping, in a list entry of type T (its member dev). */
#define DEV_FIELDS(T)                                                                              \
	CYAML_FIELD_BOOL_PTR("create", OPTP, T, dev.create),                                      \
		CYAML_FIELD_STRING_PTR("vxlan-device", OPTP, T, dev.vxlan_device, 0,              \
				       CYAML_UNLIMITED),                                          \
		CYAML_FIELD_STRING_PTR("bridge", OPTP, T, dev.bridge, 0, CYAML_UNLIMITED),        \
		CYAML_FIELD_UINT_PTR("mtu", OPTP, T, dev.mtu),                                    \
		CYAML_FIELD_MAPPING_PTR("source-port-range", OPTP, T, dev.sports, ports_fields)

static const cyaml_schema_field_t l2vni_fields[] = {
	CYAML_FIELD_UINT("vni", CYAML_FLAG_DEFAULT, struct y_l2vni, vni),
	CYAML_FIELD_STRING_PTR("rd", OPTP, struct y_l2vni, rd, 0, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("route-targets", OPTP, struct y_l2vni, rts, rts_fields),
	DEV_FIELDS(struct y_l2vni),
	CYAML_FIELD_SEQUENCE("svi-addresses", OPTP, struct y_l2vni, svi_addresses, &string_entry,
			     0, CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("svi-mac", OPTP, struct y_l2vni, svi_mac, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("access-ports", OPTP, struct y_l2vni, access_ports, &string_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_STRING_PTR("vrf", OPTP, struct y_l2vni, vrf, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};

static const cyaml_schema_value_t l2vni_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_l2vni, l2vni_fields),
};

static const cyaml_schema_field_t vrf_fields[] = {
	CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, struct y_vrf, name, 0, CYAML_UNLIMITED),
	CYAML_FIELD_UINT("l3vni", CYAML_FLAG_DEFAULT, struct y_vrf, l3vni),
	CYAML_FIELD_STRING_PTR("rd", OPTP, struct y_vrf, rd, 0, CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("route-targets", OPTP, struct y_vrf, rts, rts_fields),
	CYAML_FIELD_STRING_PTR("router-mac", OPTP, struct y_vrf, router_mac, 0, CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("advertise", OPTP, struct y_vrf, advertise, &string_entry, 0,
			     CYAML_UNLIMITED),
	DEV_FIELDS(struct y_vrf),
	CYAML_FIELD_UINT_PTR("table", OPTP, struct y_vrf, table),
	CYAML_FIELD_END,
};

static const cyaml_schema_value_t vrf_entry = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct y_vrf, vrf_fields),
};

static const cyaml_schema_field_t evpn_fields[] = {
	CYAML_FIELD_BOOL_PTR("advertise-all-vni", OPTP, struct y_evpn, advertise_all_vni),
	CYAML_FIELD_BOOL_PTR("arp-nd-suppression", OPTP, struct y_evpn, arp_nd_suppression),
	CYAML_FIELD_SEQUENCE("l2vnis", OPTP, struct y_evpn, l2vnis, &l2vni_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_SEQUENCE("vrfs", OPTP, struct y_evpn, vrfs, &vrf_entry, 0, CYAML_UNLIMITED),
	CYAML_FIELD_END,
};

static const cyaml_schema_field_t top_fields[] = {
	CYAML_FIELD_MAPPING_PTR("router", CYAML_FLAG_POINTER, struct y_config, router,
				router_fields),
	CYAML_FIELD_SEQUENCE("neighbors", OPTP, struct y_config, neighbors, &neighbor_entry, 0,
			     CYAML_UNLIMITED),
	CYAML_FIELD_MAPPING_PTR("evpn", OPTP, struct y_config, evpn, evpn_fields),
	CYAML_FIELD_END,
};

static const cyaml_schema_value_t top_schema = {
	CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct y_config, top_fields),
};

struct cyaml_log_ctx {
	struct cfg_diag *diag;
};

static void cyaml_to_diag(cyaml_log_t level, void *ctx, const char *fmt, va_list args)
{
	struct cyaml_log_ctx *lc = ctx;
	char msg[512];
	size_t n;

	if (level < CYAML_LOG_ERROR)
		return;
	vsnprintf(msg, sizeof(msg), fmt, args);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	cfg_diag_add(lc->diag, 0, "/", "internal error (libcyaml): %s", msg);
}

static char *xstrdup(const char *s)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		abort();
	return d;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

/* Values below were validated by libyang; a parse failure here is a schema mismatch. */
static int conv_addr(const char *s, struct ipaddr *out, int *bad)
{
	if (!s)
		return 0;
	if (ipaddr_parse(s, out) == -1)
		(*bad)++;
	return 0;
}

static void conv_rd(const char *s, struct cfg_rd *out, int *bad)
{
	out->is_auto = !s || !strcmp(s, "auto");
	if (!out->is_auto && rd_parse(s, &out->rd) == -1)
		(*bad)++;
}

static void conv_rts(char **v, unsigned int n, struct cfg_rt_list *out, int *bad)
{
	if (!v) { /* YANG default: [auto] */
		out->n = 1;
		out->v = xcalloc(1, sizeof(*out->v));
		out->v[0].is_auto = true;
		return;
	}
	out->n = n;
	out->v = xcalloc(n, sizeof(*out->v));
	for (unsigned int i = 0; i < n; i++) {
		out->v[i].is_auto = !strcmp(v[i], "auto");
		if (!out->v[i].is_auto && rt_parse(v[i], &out->v[i].rt) == -1)
			(*bad)++;
	}
}

static void conv_router(const struct y_router *y, struct cfg_router *r, int *bad)
{
	r->asn = y->asn;
	if (inet_pton(AF_INET, y->router_id, &r->router_id) != 1)
		(*bad)++;
	r->vtep_ip.family = AF_INET;
	r->vtep_ip.v4 = r->router_id;
	conv_addr(y->vtep_ip, &r->vtep_ip, bad);
	conv_addr(y->listen_address, &r->listen_address, bad);
	r->listen_port = y->listen_port ? *y->listen_port : 179;
	r->cluster_id = r->router_id;
	r->audit_interval = y->audit_interval ? *y->audit_interval : 60;
	if (ipaddr_parse(y->metrics_address ? y->metrics_address : "127.0.0.1",
			 &r->metrics_address) == -1)
		(*bad)++;
	r->metrics_port = y->metrics_port ? *y->metrics_port : 0;
	if (y->cluster_id && inet_pton(AF_INET, y->cluster_id, &r->cluster_id) != 1)
		(*bad)++;
}

static void conv_neighbor(const struct y_neighbor *y, struct cfg_neighbor *n, int *bad)
{
	conv_addr(y->address, &n->address, bad);
	n->remote_asn = y->remote_asn;
	n->description = xstrdup(y->description);
	n->port = y->port ? *y->port : 179;
	conv_addr(y->source_address, &n->source_address, bad);
	n->passive = y->passive ? *y->passive : false;
	n->hold_time = y->hold_time ? *y->hold_time : 90;
	n->keepalive = y->keepalive ? *y->keepalive : (uint16_t)(n->hold_time / 3);
	n->password = xstrdup(y->password);
	n->ttl_security = y->ttl_security ? *y->ttl_security : 0;
	n->max_prefix = y->max_prefix ? *y->max_prefix : 0;
	n->afs = y->afs ? 0 : CFG_AF_L2VPN_EVPN;
	for (unsigned int i = 0; y->afs && i < y->afs_count; i++) {
		if (!strcmp(y->afs[i], "l2vpn-evpn"))
			n->afs |= CFG_AF_L2VPN_EVPN;
		else
			(*bad)++;
	}
	n->rr_client = y->rr_client ? *y->rr_client : false;
}

/* Interface names were validated (1..15 characters); a longer one is a mismatch. */
static void conv_ifname(const char *s, char out[CFG_IFNAMSIZ], int *bad)
{
	if (snprintf(out, CFG_IFNAMSIZ, "%s", s) >= CFG_IFNAMSIZ)
		(*bad)++;
}

/* Defaults: vxlan<VNI>, br<VNI>, MTU 1500, the kernel's source ports. */
static void conv_dev(const struct y_dev *y, vni_t vni, struct cfg_devices *d, int *bad)
{
	d->create = y->create ? *y->create : false;
	snprintf(d->vxlan_device, sizeof(d->vxlan_device), "vxlan%u", vni);
	snprintf(d->bridge, sizeof(d->bridge), "br%u", vni);
	if (y->vxlan_device)
		conv_ifname(y->vxlan_device, d->vxlan_device, bad);
	if (y->bridge)
		conv_ifname(y->bridge, d->bridge, bad);
	d->mtu = y->mtu ? *y->mtu : 1500;
	if (y->sports) {
		d->sport_low = y->sports->low;
		d->sport_high = y->sports->high;
	}
}

/* "ADDR/LEN" with the host bits kept. */
static void conv_ifaddr(const char *s, struct cfg_ifaddr *out, int *bad)
{
	struct prefix p;
	char a[IPADDR_STRLEN];
	const char *slash = strchr(s, '/');

	if (!slash || (size_t)(slash - s) >= sizeof(a) || prefix_parse(s, &p) == -1) {
		(*bad)++;
		return;
	}
	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = '\0';
	if (ipaddr_parse(a, &out->addr) == -1)
		(*bad)++;
	out->plen = p.len;
}

static void conv_l2dev(const struct y_l2vni *y, struct cfg_l2vni *l, int *bad)
{
	conv_dev(&y->dev, l->vni, &l->dev, bad);
	l->n_svi_addresses = y->svi_addresses_count;
	l->svi_addresses = xcalloc(l->n_svi_addresses, sizeof(*l->svi_addresses));
	for (size_t i = 0; i < l->n_svi_addresses; i++)
		conv_ifaddr(y->svi_addresses[i], &l->svi_addresses[i], bad);
	if (y->svi_mac) {
		l->has_svi_mac = true;
		if (mac_parse(y->svi_mac, &l->svi_mac) == -1)
			(*bad)++;
	}
	l->n_access_ports = y->access_ports_count;
	l->access_ports = xcalloc(l->n_access_ports, sizeof(*l->access_ports));
	for (size_t i = 0; i < l->n_access_ports; i++)
		conv_ifname(y->access_ports[i], l->access_ports[i], bad);
	if (y->vrf)
		conv_ifname(y->vrf, l->vrf, bad);
}

static void conv_vrf(const struct y_vrf *y, struct cfg_vrf *v, int *bad)
{
	snprintf(v->name, sizeof(v->name), "%s", y->name);
	v->l3vni = y->l3vni;
	conv_rd(y->rd, &v->rd, bad);
	conv_rts(y->rts ? y->rts->import : NULL, y->rts ? y->rts->import_count : 0, &v->rt_import,
		 bad);
	conv_rts(y->rts ? y->rts->export : NULL, y->rts ? y->rts->export_count : 0, &v->rt_export,
		 bad);
	if (y->router_mac) {
		v->has_router_mac = true;
		if (mac_parse(y->router_mac, &v->router_mac) == -1)
			(*bad)++;
	}
	conv_dev(&y->dev, v->l3vni, &v->dev, bad);
	v->table = y->table ? *y->table : 0;
	for (unsigned int i = 0; i < y->advertise_count; i++) {
		if (!strcmp(y->advertise[i], "ipv4-unicast"))
			v->advertise |= CFG_ADV_IPV4_UNICAST;
		else if (!strcmp(y->advertise[i], "ipv6-unicast"))
			v->advertise |= CFG_ADV_IPV6_UNICAST;
		else
			(*bad)++;
	}
}

static void conv_evpn(const struct y_evpn *y, struct config *c, int *bad)
{
	c->advertise_all_vni = true;
	c->arp_nd_suppression = true;
	if (!y)
		return;
	if (y->advertise_all_vni)
		c->advertise_all_vni = *y->advertise_all_vni;
	if (y->arp_nd_suppression)
		c->arp_nd_suppression = *y->arp_nd_suppression;
	c->n_l2vnis = y->l2vnis_count;
	c->l2vnis = xcalloc(c->n_l2vnis, sizeof(*c->l2vnis));
	for (size_t i = 0; i < c->n_l2vnis; i++) {
		const struct y_l2vni *yl = &y->l2vnis[i];
		struct cfg_l2vni *l = &c->l2vnis[i];

		l->vni = yl->vni;
		conv_rd(yl->rd, &l->rd, bad);
		conv_rts(yl->rts ? yl->rts->import : NULL, yl->rts ? yl->rts->import_count : 0,
			 &l->rt_import, bad);
		conv_rts(yl->rts ? yl->rts->export : NULL, yl->rts ? yl->rts->export_count : 0,
			 &l->rt_export, bad);
		conv_l2dev(yl, l, bad);
	}
	c->n_vrfs = y->vrfs_count;
	c->vrfs = xcalloc(c->n_vrfs, sizeof(*c->vrfs));
	for (size_t i = 0; i < c->n_vrfs; i++)
		conv_vrf(&y->vrfs[i], &c->vrfs[i], bad);
}

struct config *config_from_cyaml(const char *path, struct cfg_diag *diag)
{
	struct cyaml_log_ctx lc = {diag};
	const cyaml_config_t cfg = {
		.log_fn = cyaml_to_diag,
		.log_ctx = &lc,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_NO_ALIAS,
	};
	struct y_config *y = NULL;
	struct config *c;
	int bad = 0;

	if (cyaml_load_file(path, &cfg, &top_schema, (cyaml_data_t **)&y, NULL) != CYAML_OK)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->path = xstrdup(path);
	conv_router(y->router, &c->router, &bad);
	c->n_neighbors = y->neighbors_count;
	c->neighbors = xcalloc(c->n_neighbors, sizeof(*c->neighbors));
	for (size_t i = 0; i < c->n_neighbors; i++)
		conv_neighbor(&y->neighbors[i], &c->neighbors[i], &bad);
	conv_evpn(y->evpn, c, &bad);
	cyaml_free(&cfg, &top_schema, y, 0);
	if (bad) {
		cfg_diag_add(diag, 0, "/",
			     "internal error: %d values valid for YANG could not be converted", bad);
		config_free(c);
		return NULL;
	}
	return c;
}
