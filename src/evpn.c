/*
 * evpn.c - EVPN instances (see evpn.h).
 *
 * Each VNI is one MAC-VRF with its RD and route targets (RFC 7432 7.9,
 * 7.10; auto values as RFC 8365 5.1.2.1 and FRR derive them).  For each VNI
 * evpnd originates a Type-3 route (RFC 7432 7.3, RFC 8365 5.1.3: ingress
 * replication, the VNI in the PMSI label, the VXLAN encapsulation
 * community) as a path of the RIB's local peer.
 *
 * Invariant: the RIB holds exactly one local Type-3 path per VNI known
 * here, with the RD and export RTs currently configured.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "bgp.h"
#include "evpn.h"
#include "evpn_ecomm.h"
#include "evpn_nlri.h"
#include "log.h"
#include "rib.h"

#define MAX_RT 32

struct evpn_vni {
	vni_t vni;
	struct rd rd;
	uint16_t rd_index;
	struct ecomm rt_export[MAX_RT];
	size_t n_export;
	struct ecomm rt_import[MAX_RT];
	size_t n_import;
	bool from_config;
	bool advertised; /* its Type-3 is in the RIB */
	struct evpn_key t3_key;
};

struct evpn {
	struct rib *rib;
	struct bgp *bgp;
	uint32_t asn;
	struct in_addr router_id;
	struct ipaddr vtep;
	struct evpn_vni *vnis;
	size_t n_vnis;
};

struct evpn *evpn_new(struct rib *rib, struct bgp *bgp)
{
	struct evpn *e = calloc(1, sizeof(*e));

	if (!e)
		abort();
	e->rib = rib;
	e->bgp = bgp;
	return e;
}

static void withdraw_t3(struct evpn *e, struct evpn_vni *v)
{
	if (!v->advertised)
		return;
	rib_withdraw(e->rib, rib_peer_local(e->rib), &v->t3_key);
	v->advertised = false;
}

void evpn_free(struct evpn *e)
{
	if (!e)
		return;
	free(e->vnis);
	free(e);
}

/* RD index: the VNI itself when it fits 16 bits (stable across restarts), else a free one. */
static uint16_t rd_index_for(const struct evpn *e, vni_t vni)
{
	if (vni <= 0xffff)
		return (uint16_t)vni;
	for (uint32_t idx = 0xffff; idx > 0; idx--) {
		bool used = false;

		for (size_t i = 0; i < e->n_vnis && !used; i++)
			used = e->vnis[i].rd_index == idx;
		if (!used)
			return (uint16_t)idx;
	}
	return 0;
}

static size_t rt_list(const struct cfg_rt_list *l, uint32_t asn, vni_t vni, struct ecomm *out)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n && n < MAX_RT; i++) {
		if (l->v[i].is_auto)
			rt_auto(&out[n++], asn, vni);
		else
			out[n++] = l->v[i].rt;
	}
	return n;
}

/* RD and RTs of v from its configuration entry (or the auto defaults). */
static void vni_settings(struct evpn *e, struct evpn_vni *v, const struct cfg_l2vni *c)
{
	static const struct cfg_rt auto_rt = {.is_auto = true};
	static const struct cfg_rt_list auto_list = {(struct cfg_rt *)&auto_rt, 1};

	if (c && !c->rd.is_auto)
		v->rd = c->rd.rd;
	else
		rd_auto(&v->rd, e->router_id, v->rd_index);
	v->n_export = rt_list(c ? &c->rt_export : &auto_list, e->asn, v->vni, v->rt_export);
	v->n_import = rt_list(c ? &c->rt_import : &auto_list, e->asn, v->vni, v->rt_import);
}

/* (Re)originate v's Type-3 route with its current RD and RTs. */
static void advertise_t3(struct evpn *e, struct evpn_vni *v)
{
	struct ecomm ec[MAX_RT + 1];
	struct rib_attrs t = {0};
	const struct rib_attrs *a;
	struct evpn_route r = {0};
	struct evpn_key k;

	memcpy(ec, v->rt_export, v->n_export * sizeof(ec[0]));
	evpn_ecomm_encap(&ec[v->n_export], EVPN_TUNNEL_VXLAN);
	t.origin = BGP_ORIGIN_IGP;
	t.ecomm = ec;
	t.n_ecomm = (uint16_t)(v->n_export + 1);
	t.has_pmsi = true;
	t.pmsi.type = BGP_PMSI_INGRESS_REPL;
	t.pmsi.label = v->vni; /* RFC 8365 5.1.3: the VNI itself */
	t.pmsi.ir = e->vtep;
	t.next_hop = e->vtep;
	r.type = EVPN_RT_IMET;
	r.rd = v->rd;
	r.ip = e->vtep;
	evpn_key_from_route(&r, &k);
	if (v->advertised && memcmp(&k, &v->t3_key, sizeof(k)) != 0)
		withdraw_t3(e, v); /* the RD or VTEP changed: a different route */
	a = rib_attrs_intern(e->rib, &t);
	if (!a || rib_update(e->rib, rib_peer_local(e->rib), &r, a) == -1) {
		char s[16];

		snprintf(s, sizeof(s), "vni %u", v->vni);
		log_err(s, "cannot originate the Type-3 route");
	} else {
		v->advertised = true;
		v->t3_key = k;
	}
	rib_attrs_unref(e->rib, a);
}

static struct evpn_vni *vni_find(struct evpn *e, vni_t vni)
{
	for (size_t i = 0; i < e->n_vnis; i++)
		if (e->vnis[i].vni == vni)
			return &e->vnis[i];
	return NULL;
}

static struct evpn_vni *vni_add(struct evpn *e, vni_t vni)
{
	struct evpn_vni *v = realloc(e->vnis, (e->n_vnis + 1) * sizeof(*v));

	if (!v)
		abort();
	e->vnis = v;
	v = &e->vnis[e->n_vnis];
	memset(v, 0, sizeof(*v));
	v->vni = vni;
	v->rd_index = rd_index_for(e, vni);
	e->n_vnis++;
	log_info(NULL, "vni %u: EVPN instance created", vni);
	return v;
}

void evpn_configure(struct evpn *e, const struct config *cfg)
{
	e->asn = cfg->router.asn;
	e->router_id = cfg->router.router_id;
	e->vtep = cfg->router.vtep_ip;
	for (size_t i = e->n_vnis; i-- > 0;) {
		struct evpn_vni *v = &e->vnis[i];

		if (v->from_config && !config_l2vni(cfg, v->vni)) {
			withdraw_t3(e, v);
			log_info(NULL, "vni %u: EVPN instance removed", v->vni);
			e->vnis[i] = e->vnis[--e->n_vnis];
		}
	}
	for (size_t i = 0; i < cfg->n_l2vnis; i++) {
		struct evpn_vni *v = vni_find(e, cfg->l2vnis[i].vni);

		if (!v)
			v = vni_add(e, cfg->l2vnis[i].vni);
		v->from_config = true;
	}
	for (size_t i = 0; i < e->n_vnis; i++) {
		vni_settings(e, &e->vnis[i], config_l2vni(cfg, e->vnis[i].vni));
		advertise_t3(e, &e->vnis[i]);
	}
	bgp_export_schedule(e->bgp);
}

json_object *evpn_show_vnis(const struct evpn *e)
{
	json_object *a = json_object_new_array();
	char buf[RD_STRLEN];

	for (size_t i = 0; i < e->n_vnis; i++) {
		const struct evpn_vni *v = &e->vnis[i];
		json_object *o = json_object_new_object(), *imp = json_object_new_array(),
			    *exp = json_object_new_array();

		json_object_object_add(o, "vni", json_object_new_int64(v->vni));
		json_object_object_add(o, "rd", json_object_new_string(rd_fmt(&v->rd, buf)));
		for (size_t j = 0; j < v->n_import; j++)
			json_object_array_add(imp,
					      json_object_new_string(rt_fmt(&v->rt_import[j], buf)));
		for (size_t j = 0; j < v->n_export; j++)
			json_object_array_add(exp,
					      json_object_new_string(rt_fmt(&v->rt_export[j], buf)));
		json_object_object_add(o, "import-rts", imp);
		json_object_object_add(o, "export-rts", exp);
		json_object_object_add(o, "source",
				       json_object_new_string(v->from_config ? "config" : "kernel"));
		json_object_object_add(o, "type3-advertised", json_object_new_boolean(v->advertised));
		json_object_array_add(a, o);
	}
	return a;
}
