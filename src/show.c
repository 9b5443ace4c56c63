/*
 * show.c - JSON views of the RIB (see show.h): one object per route with
 * all its paths, best first, in the words FRR's `show bgp l2vpn evpn` uses
 * for the route prefix and the communities.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "evpn_ecomm.h"
#include "evpn_nlri.h"
#include "rib.h"
#include "show.h"

int route_filter_parse(struct route_filter *f, const char *const *w, size_t n, char **err)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < n; i += 2) {
		const char *k = w[i], *v = i + 1 < n ? w[i + 1] : NULL;
		char *end;
		unsigned long x;

		if (!v)
			goto bad;
		if (!strcmp(k, "type")) {
			x = strtoul(v, &end, 10);
			if (*end || x < 1 || x > 5)
				goto bad;
			f->type = (uint8_t)x;
		} else if (!strcmp(k, "vni")) {
			x = strtoul(v, &end, 10);
			if (*end || !vni_valid((uint32_t)x))
				goto bad;
			f->vni = (vni_t)x;
		} else if (!strcmp(k, "rd")) {
			if (rd_parse(v, &f->rd) == -1)
				goto bad;
			f->has_rd = true;
		} else if (!strcmp(k, "mac")) {
			if (mac_parse(v, &f->mac) == -1)
				goto bad;
			f->has_mac = true;
		} else if (!strcmp(k, "ip")) {
			if (ipaddr_parse(v, &f->ip) == -1)
				goto bad;
			f->has_ip = true;
		} else {
			goto bad;
		}
	}
	return 0;
bad:
	if (asprintf(err, "bad route filter; use: type 1-5 | vni V | rd RD | mac M | ip A") < 0)
		*err = NULL;
	return -1;
}

/* The VNI a route's best path belongs to: its first label, Type-3's PMSI label. */
static vni_t route_vni(const struct rib_route *rt)
{
	const struct rib_path *p = rib_route_best(rt);

	if (rt->key.type == EVPN_RT_IMET)
		return p->attrs->has_pmsi ? p->attrs->pmsi.label : 0;
	return rib_path_label(p, 0);
}

/* Whether the best path carries vni: in a label (either), or Type-3's PMSI label. */
static bool has_vni(const struct rib_route *rt, vni_t vni)
{
	const struct rib_path *p = rib_route_best(rt);

	if (!p)
		return false;
	if (route_vni(rt) == vni)
		return true;
	return p->nlabels == 2 && rib_path_label(p, 1) == vni;
}

static bool matches(const struct rib_route *rt, const struct evpn_route *r,
		    const struct route_filter *f)
{
	if (f->type && r->type != f->type)
		return false;
	if (f->vni && !has_vni(rt, f->vni))
		return false;
	if (f->has_rd && rd_cmp(&r->rd, &f->rd) != 0)
		return false;
	if (f->has_mac && mac_cmp(&r->mac, &f->mac) != 0)
		return false;
	if (f->has_ip && ipaddr_cmp(f->ip.family == r->ip.family ? &r->ip : &r->prefix.addr,
				    &f->ip) != 0)
		return false;
	return true;
}

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static json_object *path_json(const struct rib *rib, const struct rib_route *rt,
			      const struct rib_path *p)
{
	json_object *o = json_object_new_object(), *labels = json_object_new_array();
	const struct rib_attrs *a = p->attrs;
	char s[512];
	struct buf ec;

	if (rib_path_peer(p)->local)
		add_str(o, "from", "local");
	else
		add_str(o, "from", ipaddr_fmt(&rib_path_peer(p)->info.addr, s));
	json_object_object_add(o, "best", json_object_new_boolean(p == rib_route_best(rt)));
	add_str(o, "next-hop", ipaddr_fmt(&a->next_hop, s));
	for (uint8_t i = 0; i < p->nlabels; i++)
		json_object_array_add(labels, json_object_new_int64(rib_path_label(p, i)));
	json_object_object_add(o, "labels", labels);
	if (a->has_local_pref)
		json_object_object_add(o, "local-pref", json_object_new_int64(a->local_pref));
	if (a->has_originator) {
		struct in_addr id = {htonl(a->originator_id)};

		add_str(o, "originator-id", inet_ntop(AF_INET, &id, s, sizeof(s)));
	}
	json_object_object_add(o, "cluster-list-length", json_object_new_int(a->n_cluster));
	buf_init(&ec, a->ecomm, (size_t)a->n_ecomm * ECOMM_LEN);
	add_str(o, "extended-communities", evpn_ecomm_list_fmt(&ec, s, sizeof(s)));
	if (a->has_pmsi) {
		json_object *pm = json_object_new_object();

		json_object_object_add(pm, "type", json_object_new_int(a->pmsi.type));
		json_object_object_add(pm, "label", json_object_new_int64(a->pmsi.label));
		if (a->pmsi.type == BGP_PMSI_INGRESS_REPL)
			add_str(pm, "tunnel-endpoint", ipaddr_fmt(&a->pmsi.ir, s));
		json_object_object_add(o, "pmsi-tunnel", pm);
	}
	if (a->mm_present) {
		json_object_object_add(o, "mac-mobility-seq", json_object_new_int64(a->mm_seq));
		json_object_object_add(o, "sticky", json_object_new_boolean(a->mm_sticky));
	}
	if (!esi_is_zero(rib_path_esi(rib, p)))
		add_str(o, "esi", esi_fmt(rib_path_esi(rib, p), s));
	json_object_object_add(o, "stale", json_object_new_boolean(p->flags & RIB_PATH_STALE));
	return o;
}

static json_object *route_json(const struct rib *rib, const struct rib_route *rt,
			       const struct evpn_route *r)
{
	json_object *o = json_object_new_object(), *paths = json_object_new_array();
	char s[EVPN_ROUTE_STRLEN];

	json_object_object_add(o, "type", json_object_new_int(r->type));
	add_str(o, "rd", rd_fmt(&r->rd, s));
	add_str(o, "prefix", evpn_route_fmt(r, s));
	json_object_array_add(paths, path_json(rib, rt, rib_route_best(rt)));
	for (const struct rib_path *p = rt->paths; p; p = p->next)
		if (p != rib_route_best(rt))
			json_object_array_add(paths, path_json(rib, rt, p));
	json_object_object_add(o, "paths", paths);
	return o;
}

json_object *show_routes(struct rib *rib, const struct route_filter *f)
{
	json_object *a = json_object_new_array();
	struct rib_iter it;
	struct rib_route *rt;

	rib_iter_init(&it, f->type);
	while ((rt = rib_iter_next(rib, &it))) {
		struct evpn_route r;

		if (!rib_route_best(rt))
			continue;
		rib_path_route(rib, rt, rib_route_best(rt), &r);
		if (matches(rt, &r, f))
			json_object_array_add(a, route_json(rib, rt, &r));
	}
	return a;
}

struct count_ent {
	uint8_t type;
	bool local;
	vni_t vni;
	int64_t n;
};

json_object *show_route_counts(struct rib *rib)
{
	json_object *a = json_object_new_array();
	struct count_ent *v = NULL;
	size_t n = 0, cap = 0;
	struct rib_iter it;
	struct rib_route *rt;

	rib_iter_init(&it, 0);
	while ((rt = rib_iter_next(rib, &it))) {
		struct count_ent k = {rt->key.type, rib_path_peer(rib_route_best(rt))->local, route_vni(rt), 0};
		size_t i;

		for (i = 0; i < n; i++)
			if (v[i].type == k.type && v[i].local == k.local && v[i].vni == k.vni)
				break;
		if (i == n) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				v = realloc(v, cap * sizeof(*v));
				if (!v)
					abort();
			}
			v[n++] = k;
		}
		v[i].n++;
	}
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "type", json_object_new_int(v[i].type));
		json_object_object_add(o, "vni", json_object_new_int64(v[i].vni));
		add_str(o, "origin", v[i].local ? "local" : "remote");
		json_object_object_add(o, "routes", json_object_new_int64(v[i].n));
		json_object_array_add(a, o);
	}
	free(v);
	return a;
}
