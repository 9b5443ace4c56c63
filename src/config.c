/*
 * config.c - config_load() and what goes with a struct config: freeing,
 * the normalised dump, lookups, and the problem list (struct cfg_diag).
 *
 * Loading is three steps, each refusing the file on its own problems:
 * YAML syntax (config_yaml.c), YANG validity (config_yang.c), conversion to
 * typed structs with defaults (config_cyaml.c).
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "config_priv.h"

void cfg_diag_add(struct cfg_diag *d, unsigned int line, const char *path, const char *fmt, ...)
{
	struct cfg_problem *p;
	va_list ap;

	if (!d)
		return;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		struct cfg_problem *v = realloc(d->v, cap * sizeof(*v));

		if (!v)
			abort();
		d->v = v;
		d->cap = cap;
	}
	p = &d->v[d->n++];
	p->line = line;
	p->path = strdup(path ? path : "/");
	va_start(ap, fmt);
	if (vasprintf(&p->msg, fmt, ap) < 0)
		abort();
	va_end(ap);
}

void cfg_diag_print(const struct cfg_diag *d, const char *file, FILE *out)
{
	for (size_t i = 0; d && i < d->n; i++)
		fprintf(out, "%s:%u: %s: %s\n", file, d->v[i].line, d->v[i].path, d->v[i].msg);
}

void cfg_diag_clear(struct cfg_diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* Order problems by line, keeping discovery order within a line (insertion sort: few). */
static void diag_sort(struct cfg_diag *d, size_t from)
{
	for (size_t i = from + 1; i < d->n; i++) {
		struct cfg_problem p = d->v[i];
		size_t j = i;

		while (j > from && d->v[j - 1].line > p.line) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = p;
	}
}

struct config *config_load(const char *path, struct cfg_diag *diag)
{
	size_t first = diag ? diag->n : 0;
	struct ynode *root = ynode_parse_file(path, diag);
	int rc;

	if (!root)
		return NULL;
	rc = config_yang_validate(root, diag, NULL);
	ynode_free(root);
	if (rc == -1) {
		if (diag)
			diag_sort(diag, first);
		return NULL;
	}
	return config_from_cyaml(path, diag);
}

static void rt_list_free(struct cfg_rt_list *l)
{
	free(l->v);
}

void config_free(struct config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_neighbors; i++) {
		free(c->neighbors[i].description);
		free(c->neighbors[i].password);
	}
	free(c->neighbors);
	for (size_t i = 0; i < c->n_l2vnis; i++) {
		rt_list_free(&c->l2vnis[i].rt_import);
		rt_list_free(&c->l2vnis[i].rt_export);
		free(c->l2vnis[i].svi_addresses);
		free(c->l2vnis[i].access_ports);
	}
	free(c->l2vnis);
	for (size_t i = 0; i < c->n_vrfs; i++) {
		rt_list_free(&c->vrfs[i].rt_import);
		rt_list_free(&c->vrfs[i].rt_export);
	}
	free(c->vrfs);
	free(c->path);
	free(c);
}

const struct cfg_neighbor *config_neighbor(const struct config *c, const struct ipaddr *a)
{
	for (size_t i = 0; i < c->n_neighbors; i++)
		if (ipaddr_cmp(&c->neighbors[i].address, a) == 0)
			return &c->neighbors[i];
	return NULL;
}

const struct cfg_l2vni *config_l2vni(const struct config *c, vni_t vni)
{
	for (size_t i = 0; i < c->n_l2vnis; i++)
		if (c->l2vnis[i].vni == vni)
			return &c->l2vnis[i];
	return NULL;
}

const struct cfg_vrf *config_vrf_by_l3vni(const struct config *c, vni_t l3vni)
{
	for (size_t i = 0; i < c->n_vrfs; i++)
		if (c->vrfs[i].l3vni == l3vni)
			return &c->vrfs[i];
	return NULL;
}

static const char *yesno(bool b)
{
	return b ? "true" : "false";
}

static void dump_rd(FILE *out, const char *indent, const struct cfg_rd *rd)
{
	char buf[RD_STRLEN];

	fprintf(out, "%srd: %s\n", indent, rd->is_auto ? "auto" : rd_fmt(&rd->rd, buf));
}

static void dump_rts(FILE *out, const char *indent, const struct cfg_rt_list *imp,
		     const struct cfg_rt_list *exp)
{
	const struct cfg_rt_list *lists[2] = {imp, exp};
	const char *names[2] = {"import", "export"};
	char buf[RD_STRLEN];

	fprintf(out, "%sroute-targets:\n", indent);
	for (int k = 0; k < 2; k++) {
		fprintf(out, "%s  %s: [", indent, names[k]);
		for (size_t i = 0; i < lists[k]->n; i++)
			fprintf(out, "%s%s", i ? ", " : "",
				lists[k]->v[i].is_auto ? "auto" : rt_fmt(&lists[k]->v[i].rt, buf));
		fprintf(out, "]\n");
	}
}

static void dump_neighbor(FILE *out, const struct cfg_neighbor *n)
{
	char a[IPADDR_STRLEN];

	fprintf(out, "  - address: %s\n", ipaddr_fmt(&n->address, a));
	fprintf(out, "    remote-asn: %u\n", n->remote_asn);
	if (n->description)
		fprintf(out, "    description: \"%s\"\n", n->description);
	fprintf(out, "    port: %u\n", n->port);
	if (ipaddr_is_set(&n->source_address))
		fprintf(out, "    source-address: %s\n", ipaddr_fmt(&n->source_address, a));
	fprintf(out, "    passive: %s\n", yesno(n->passive));
	fprintf(out, "    hold-time: %u\n", n->hold_time);
	fprintf(out, "    keepalive: %u\n", n->keepalive);
	if (n->password)
		fprintf(out, "    password: \"<%zu characters>\"\n", strlen(n->password));
	if (n->ttl_security)
		fprintf(out, "    ttl-security: %u\n", n->ttl_security);
	if (n->max_prefix)
		fprintf(out, "    max-prefix: %u\n", n->max_prefix);
	fprintf(out, "    address-families: [%s]\n",
		(n->afs & CFG_AF_L2VPN_EVPN) ? "l2vpn-evpn" : "");
	fprintf(out, "    route-reflector-client: %s\n", yesno(n->rr_client));
}

/* The vni-devices grouping; only with create: true (YANG's when). */
static void dump_dev(FILE *out, const struct cfg_devices *d)
{
	fprintf(out, "      create: %s\n", yesno(d->create));
	if (!d->create)
		return;
	fprintf(out, "      vxlan-device: %s\n      bridge: %s\n      mtu: %u\n", d->vxlan_device,
		d->bridge, d->mtu);
	if (d->sport_low)
		fprintf(out, "      source-port-range: { low: %u, high: %u }\n", d->sport_low,
			d->sport_high);
	else
		fprintf(out, "      # source-port-range: the kernel's (ip_local_port_range)\n");
}

static void dump_l2dev(FILE *out, const struct cfg_l2vni *l)
{
	char a[IPADDR_STRLEN];

	dump_dev(out, &l->dev);
	if (!l->dev.create)
		return;
	fprintf(out, "      svi-addresses: [");
	for (size_t i = 0; i < l->n_svi_addresses; i++)
		fprintf(out, "%s%s/%u", i ? ", " : "", ipaddr_fmt(&l->svi_addresses[i].addr, a),
			l->svi_addresses[i].plen);
	fprintf(out, "]\n");
	if (l->has_svi_mac)
		fprintf(out, "      svi-mac: %s\n", mac_fmt(&l->svi_mac, (char[MAC_STRLEN]){0}));
	else
		fprintf(out, "      # svi-mac: the kernel's choice\n");
	fprintf(out, "      access-ports: [");
	for (size_t i = 0; i < l->n_access_ports; i++)
		fprintf(out, "%s%s", i ? ", " : "", l->access_ports[i]);
	fprintf(out, "]\n");
	if (l->vrf[0])
		fprintf(out, "      vrf: %s\n", l->vrf);
	else
		fprintf(out, "      # vrf: none (the default VRF)\n");
}

static void dump_vrf(FILE *out, const struct cfg_vrf *v)
{
	fprintf(out, "    - name: %s\n      l3vni: %u\n", v->name, v->l3vni);
	dump_rd(out, "      ", &v->rd);
	dump_rts(out, "      ", &v->rt_import, &v->rt_export);
	if (v->has_router_mac)
		fprintf(out, "      router-mac: %s\n", mac_fmt(&v->router_mac, (char[MAC_STRLEN]){0}));
	else
		fprintf(out, "      # router-mac: the MAC of the L3VNI's SVI\n");
	fprintf(out, "      advertise: [%s%s%s]\n",
		(v->advertise & CFG_ADV_IPV4_UNICAST) ? "ipv4-unicast" : "",
		(v->advertise & CFG_ADV_IPV4_UNICAST) && (v->advertise & CFG_ADV_IPV6_UNICAST)
			? ", "
			: "",
		(v->advertise & CFG_ADV_IPV6_UNICAST) ? "ipv6-unicast" : "");
	dump_dev(out, &v->dev);
	if (v->dev.create && v->table)
		fprintf(out, "      table: %u\n", v->table);
}

void config_dump(const struct config *c, FILE *out)
{
	char a[IPADDR_STRLEN];

	fprintf(out, "router:\n  asn: %u\n", c->router.asn);
	fprintf(out, "  router-id: %s\n", inet_ntop(AF_INET, &c->router.router_id, a, sizeof(a)));
	fprintf(out, "  vtep-ip: %s\n", ipaddr_fmt(&c->router.vtep_ip, a));
	if (ipaddr_is_set(&c->router.listen_address))
		fprintf(out, "  listen-address: %s\n", ipaddr_fmt(&c->router.listen_address, a));
	fprintf(out, "  listen-port: %u\n", c->router.listen_port);
	fprintf(out, "  cluster-id: %s\n", inet_ntop(AF_INET, &c->router.cluster_id, a, sizeof(a)));
	fprintf(out, "  audit-interval: %u\n", c->router.audit_interval);
	fprintf(out, "  metrics-address: %s\n  metrics-port: %u\n",
		ipaddr_fmt(&c->router.metrics_address, (char[IPADDR_STRLEN]){0}),
		c->router.metrics_port);
	fprintf(out, "neighbors:%s\n", c->n_neighbors ? "" : " []");
	for (size_t i = 0; i < c->n_neighbors; i++)
		dump_neighbor(out, &c->neighbors[i]);
	fprintf(out, "evpn:\n  advertise-all-vni: %s\n", yesno(c->advertise_all_vni));
	fprintf(out, "  arp-nd-suppression: %s\n", yesno(c->arp_nd_suppression));
	fprintf(out, "  l2vnis:%s\n", c->n_l2vnis ? "" : " []");
	for (size_t i = 0; i < c->n_l2vnis; i++) {
		fprintf(out, "    - vni: %u\n", c->l2vnis[i].vni);
		dump_rd(out, "      ", &c->l2vnis[i].rd);
		dump_rts(out, "      ", &c->l2vnis[i].rt_import, &c->l2vnis[i].rt_export);
		dump_l2dev(out, &c->l2vnis[i]);
	}
	fprintf(out, "  vrfs:%s\n", c->n_vrfs ? "" : " []");
	for (size_t i = 0; i < c->n_vrfs; i++)
		dump_vrf(out, &c->vrfs[i]);
}
