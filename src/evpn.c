/*
 * evpn.c - EVPN instances (see evpn.h): which VNIs exist, their RD and
 * route targets (RFC 7432 7.9, 7.10; auto values as RFC 8365 5.1.2.1 and
 * FRR derive them), and their Type-3 route (RFC 7432 7.3, RFC 8365 5.1.3:
 * ingress replication, the VNI in the PMSI label, the VXLAN encapsulation
 * community), originated as a path of the RIB's local peer.
 *
 * Invariant: a VNI is active when its VXLAN device exists and either
 * advertise-all-vni is on or the VNI is configured; exactly the active VNIs
 * have a local Type-3 path in the RIB, with the current RD and export RTs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <json-c/json.h>

#include "bgp.h"
#include "evpn_ecomm.h"
#include "evpn_nlri.h"
#include "evpn_priv.h"
#include "log.h"

void evpn_subject(char out[32], vni_t vni)
{
	snprintf(out, 32, "vni %u", vni);
}

static void work_cb(evutil_socket_t fd, short what, void *arg)
{
	struct evpn *e = arg;

	e->work_pending = false;
	evpn_local_work(e);
	evpn_l3_work(e);
	bgp_export_schedule(e->bgp);
}

void evpn_schedule_work(struct evpn *e)
{
	if (e->work_pending)
		return;
	e->work_pending = true;
	event_active(e->work_ev, EV_TIMEOUT, 0);
}

/* A stale sweep: what leaves the kernel because of it waits a little (see EVPN_SWEEP_HOLD_MS). */
static void sweep_hook(void *arg, bool begin)
{
	struct evpn *e = arg;

	if (e->kernel)
		kernel_hold_deletes(e->kernel, begin ? EVPN_SWEEP_HOLD_MS : 0);
}

struct evpn *evpn_new(struct event_base *base, struct rib *rib, struct bgp *bgp)
{
	struct evpn *e = calloc(1, sizeof(*e));

	if (!e)
		abort();
	e->base = base;
	e->rib = rib;
	e->bgp = bgp;
	e->work_ev = event_new(base, -1, 0, work_cb, e);
	htab_init(&e->macs, evpn_mac_node_hash);
	htab_init(&e->neighs, evpn_neigh_node_hash);
	htab_init(&e->neighs_by_mac, evpn_by_mac_node_hash);
	htab_side_init(&e->mac_locs);
	htab_side_init(&e->neigh_locs);
	LIST_INIT(&e->local_macs);
	LIST_INIT(&e->local_neighs);
	pool_init(&e->mac_pool, sizeof(struct evpn_mac));
	pool_init(&e->neigh_pool, sizeof(struct evpn_neigh));
	rib_set_observer(rib, evpn_import_observer, e);
	rib_set_sweep_hook(rib, sweep_hook, e);
	return e;
}

struct evpn_vni *evpn_vni_get(struct evpn *e, vni_t vni)
{
	struct evpn_vni *v;

	HASH_FIND(hh, e->vnis, &vni, sizeof(vni), v);
	return v;
}

static bool vni_active(const struct evpn *e, const struct evpn_vni *v)
{
	return v->in_kernel && (e->advertise_all_vni || v->from_config) &&
	       !evpn_l3_is_l3vni(e, v->vni);
}

/* RD index: the VNI itself when it fits 16 bits (stable across restarts), else a free one. */
static uint16_t rd_index_for(const struct evpn *e, vni_t vni)
{
	if (vni <= 0xffff)
		return (uint16_t)vni;
	for (uint32_t idx = 0xffff; idx > 0; idx--) {
		const struct evpn_vni *v, *tmp;
		bool used = false;

		HASH_ITER(hh, e->vnis, v, tmp)
			used |= v->rd_index == idx;
		if (!used)
			return (uint16_t)idx;
	}
	return 0;
}

static size_t rt_list(const struct cfg_rt_list *l, uint32_t asn, vni_t vni, struct ecomm *out)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n && n < EVPN_MAX_RT; i++) {
		if (l->v[i].is_auto)
			rt_auto(&out[n++], asn, vni);
		else
			out[n++] = l->v[i].rt;
	}
	return n;
}

/* RD and RTs of v from its configuration entry (or the auto defaults). */
static bool vni_settings(struct evpn *e, struct evpn_vni *v, const struct cfg_l2vni *c)
{
	static const struct cfg_rt auto_rt = {.is_auto = true};
	static const struct cfg_rt_list auto_list = {(struct cfg_rt *)&auto_rt, 1};
	struct evpn_vni old = *v;

	if (c && !c->rd.is_auto)
		v->rd = c->rd.rd;
	else
		rd_auto(&v->rd, e->router_id, v->rd_index);
	v->n_export = rt_list(c ? &c->rt_export : &auto_list, e->asn, v->vni, v->rt_export);
	v->n_import = rt_list(c ? &c->rt_import : &auto_list, e->asn, v->vni, v->rt_import);
	return rd_cmp(&old.rd, &v->rd) != 0 || old.n_export != v->n_export ||
	       old.n_import != v->n_import ||
	       memcmp(old.rt_export, v->rt_export, v->n_export * sizeof(struct ecomm)) != 0 ||
	       memcmp(old.rt_import, v->rt_import, v->n_import * sizeof(struct ecomm)) != 0;
}

/*
 * Interned attributes of a local route: route targets rts, the VXLAN
 * encapsulation, then extra (MAC mobility, a VRF's RTs, router's MAC).
 */
const struct rib_attrs *evpn_attrs_local(struct evpn *e, const struct ecomm *rts, size_t n_rts,
					 const struct ecomm *extra, size_t n_extra)
{
	struct ecomm ec[EVPN_MAX_ECOMM];
	struct rib_attrs t = {0};
	size_t n = 0;

	for (size_t i = 0; i < n_rts && n < EVPN_MAX_ECOMM - 1; i++)
		ec[n++] = rts[i];
	evpn_ecomm_encap(&ec[n++], EVPN_TUNNEL_VXLAN);
	for (size_t i = 0; i < n_extra && n < EVPN_MAX_ECOMM; i++)
		ec[n++] = extra[i];
	t.origin = BGP_ORIGIN_IGP;
	t.ecomm = ec;
	t.n_ecomm = (uint16_t)n;
	t.next_hop = e->vtep;
	t.from = rib_peer_local(e->rib);
	return rib_attrs_intern(e->rib, &t);
}

const struct rib_attrs *evpn_local_attrs(struct evpn *e, const struct evpn_vni *v,
					 const struct ecomm *extra, size_t n_extra)
{
	return evpn_attrs_local(e, v->rt_export, v->n_export, extra, n_extra);
}

static void withdraw_t3(struct evpn *e, struct evpn_vni *v)
{
	if (!v->advertised)
		return;
	rib_withdraw(e->rib, rib_peer_local(e->rib), &v->t3_key);
	v->advertised = false;
}

/* (Re)originate v's Type-3 route with its current RD and RTs. */
static void advertise_t3(struct evpn *e, struct evpn_vni *v)
{
	struct ecomm ec[EVPN_MAX_RT + 1];
	struct rib_attrs t = {0};
	const struct rib_attrs *a;
	struct evpn_route r = {0};
	struct evpn_key k;
	char subj[32];

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
	t.from = rib_peer_local(e->rib);
	r.type = EVPN_RT_IMET;
	r.rd = v->rd;
	r.ip = e->vtep;
	evpn_key_from_route(&r, &k);
	if (v->advertised && memcmp(&k, &v->t3_key, sizeof(k)) != 0)
		withdraw_t3(e, v); /* the RD or VTEP changed: a different route */
	a = rib_attrs_intern(e->rib, &t);
	evpn_subject(subj, v->vni);
	if (!a || rib_update(e->rib, rib_peer_local(e->rib), &r, a) == -1) {
		log_err(subj, "cannot originate the Type-3 route");
	} else if (!v->advertised) {
		v->advertised = true;
		v->t3_key = k;
		log_info(subj, "advertising (Type-3, RD %s)", rd_fmt(&v->rd, (char[RD_STRLEN]){0}));
	}
	rib_attrs_unref(e->rib, a);
}

static struct evpn_vni *vni_new(struct evpn *e, vni_t vni)
{
	struct evpn_vni *v = calloc(1, sizeof(*v));

	if (!v)
		abort();
	v->vni = vni;
	v->rd_index = rd_index_for(e, vni);
	HASH_ADD(hh, e->vnis, vni, sizeof(v->vni), v);
	return v;
}

static void vni_free(struct evpn *e, struct evpn_vni *v)
{
	HASH_DEL(e->vnis, v);
	free(v);
}

/* Bring v's advertisements in line with whether it is active. */
static void vni_refresh(struct evpn *e, struct evpn_vni *v, bool settings_changed)
{
	char subj[32];

	evpn_subject(subj, v->vni);
	if (!vni_active(e, v)) {
		if (v->advertised)
			log_info(subj, "not active any more: withdrawn");
		withdraw_t3(e, v);
		evpn_local_vni_gone(e, v->vni);
		return;
	}
	advertise_t3(e, v);
	if (settings_changed)
		evpn_local_readvertise(e, v);
}

/* Recompute everything that depends on the set of VNIs and their RTs. */
static void vnis_changed(struct evpn *e)
{
	evpn_import_rebuild(e);
	bgp_export_schedule(e->bgp);
}

void evpn_configure(struct evpn *e, const struct config *cfg)
{
	struct evpn_vni *v, *tmp;

	e->asn = cfg->router.asn;
	e->router_id = cfg->router.router_id;
	e->vtep = cfg->router.vtep_ip;
	e->advertise_all_vni = cfg->advertise_all_vni;
	e->arp_nd_suppression = cfg->arp_nd_suppression;
	evpn_devices_configure(e, cfg);
	evpn_l3_configure(e, cfg);
	HASH_ITER(hh, e->vnis, v, tmp)
		v->from_config = config_l2vni(cfg, v->vni) != NULL;
	for (size_t i = 0; i < cfg->n_l2vnis; i++) {
		v = evpn_vni_get(e, cfg->l2vnis[i].vni);
		if (!v)
			v = vni_new(e, cfg->l2vnis[i].vni);
		v->from_config = true;
	}
	HASH_ITER(hh, e->vnis, v, tmp) {
		bool changed = vni_settings(e, v, config_l2vni(cfg, v->vni));

		vni_refresh(e, v, changed);
		if ((!v->from_config && !v->in_kernel) || evpn_l3_is_l3vni(e, v->vni))
			vni_free(e, v);
	}
	vnis_changed(e);
}

void evpn_kernel_vni_add(struct evpn *e, const struct kernel_vni *k)
{
	struct evpn_vni *v = evpn_vni_get(e, k->vni);
	const struct evpn_vrf *vrf_before;
	bool was_active, fresh = !v;
	char subj[32];

	if (evpn_l3_is_l3vni(e, k->vni)) {
		evpn_l3_vni_add(e, k);
		return;
	}
	if (!v)
		v = vni_new(e, k->vni);
	was_active = vni_active(e, v);
	vrf_before = evpn_l3_vrf_of(e, v);
	v->in_kernel = true;
	v->k = *k;
	if (fresh)
		vni_settings(e, v, NULL);
	evpn_subject(subj, k->vni);
	if (!was_active && vni_active(e, v))
		log_info(subj, "VXLAN device %s (bridge %s) found", k->vxlan_name,
			 k->bridge_ifindex ? k->bridge_name : "none");
	/* its SVI moved into or out of a VRF: MAC+IP routes change attributes */
	vni_refresh(e, v, !fresh && vrf_before != evpn_l3_vrf_of(e, v));
	vnis_changed(e);
}

void evpn_kernel_vni_del(struct evpn *e, vni_t vni)
{
	struct evpn_vni *v = evpn_vni_get(e, vni);
	char subj[32];

	if (evpn_l3_is_l3vni(e, vni))
		evpn_l3_vni_del(e, vni);
	if (!v)
		return;
	evpn_subject(subj, vni);
	log_info(subj, "VXLAN device gone");
	v->in_kernel = false;
	vni_refresh(e, v, false);
	if (!v->from_config)
		vni_free(e, v);
	vnis_changed(e);
}

int evpn_start_kernel(struct evpn *e)
{
	struct kernel_cfg kc = {
		.base = e->base,
		.events = &evpn_kernel_events,
		.arg = e,
		.learn_local = true,
		.writer_thread = true,
		.audit_pace = 19,
	};
	struct kernel *k = kernel_nl_new(&kc);

	if (!k)
		return -1;
	evpn_set_kernel(e, k);
	return 0;
}

void evpn_set_kernel(struct evpn *e, struct kernel *k)
{
	e->kernel = k;
	evpn_devices_apply(e);
	evpn_l3_kernel_start(e);
	vnis_changed(e); /* push what the RIB already says */
}

void evpn_sweep_stale(struct evpn *e)
{
	if (e->kernel)
		e->kernel->ops->sweep_stale(e->kernel);
}

void evpn_free(struct evpn *e)
{
	struct evpn_vni *v, *tmp;

	if (!e)
		return;
	rib_set_observer(e->rib, NULL, NULL);
	rib_set_sweep_hook(e->rib, NULL, NULL);
	evpn_import_free(e);
	evpn_l3_free(e);
	evpn_devices_free(e);
	HASH_ITER(hh, e->vnis, v, tmp)
		vni_free(e, v);
	kernel_free(e->kernel);
	event_free(e->work_ev);
	free(e->pending);
	free(e);
}

json_object *evpn_show_vnis(const struct evpn *e)
{
	json_object *a = json_object_new_array();
	const struct evpn_vni *v, *tmp;
	char buf[IPADDR_STRLEN];

	HASH_ITER(hh, e->vnis, v, tmp) {
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
		json_object_object_add(o, "configured", json_object_new_boolean(v->from_config));
		json_object_object_add(o, "active", json_object_new_boolean(vni_active(e, v)));
		if (v->in_kernel) {
			json_object_object_add(o, "vxlan-device", json_object_new_string(v->k.vxlan_name));
			json_object_object_add(o, "bridge", json_object_new_string(v->k.bridge_name));
			json_object_object_add(o, "local-vtep",
					       json_object_new_string(ipaddr_fmt(&v->k.local, buf)));
			json_object_object_add(o, "neigh-suppress",
					       json_object_new_boolean(v->k.neigh_suppress));
		}
		json_object_object_add(o, "type3-advertised", json_object_new_boolean(v->advertised));
		json_object_array_add(a, o);
	}
	return a;
}

static void show_mac(const struct evpn *e, json_object *a, const struct evpn_mac *m)
{
	const struct rib_path *remote = evpn_mac_remote_best(m);
	json_object *o = json_object_new_object();
	char s[IPADDR_STRLEN];

	json_object_object_add(o, "vni", json_object_new_int64(m->key.vni));
	json_object_object_add(o, "mac", json_object_new_string(mac_fmt(&m->key.mac, s)));
	json_object_object_add(o, "type", json_object_new_string(m->local ? "local" : "remote"));
	if (m->local) {
		const struct evpn_mac_local *l = evpn_mac_loc(e, m);

		json_object_object_add(o, "ifindex", json_object_new_int(l->ifindex));
		json_object_object_add(o, "sequence", json_object_new_int64(l->seq));
		json_object_object_add(o, "sticky", json_object_new_boolean(m->local_static));
		json_object_object_add(o, "advertised", json_object_new_boolean(l->advertised));
	} else if (remote) {
		json_object_object_add(o, "vtep", json_object_new_string(
							  ipaddr_fmt(&remote->attrs->next_hop, s)));
		json_object_object_add(o, "sequence", json_object_new_int64(remote->attrs->mm_seq));
		json_object_object_add(o, "sticky", json_object_new_boolean(remote->attrs->mm_sticky));
	}
	json_object_object_add(o, "installed", json_object_new_boolean(m->inst != NULL));
	json_object_object_add(o, "duplicate", json_object_new_boolean(m->duplicate));
	json_object_array_add(a, o);
}

static int mac_order(const void *a, const void *b)
{
	const struct evpn_mac *x = *(const struct evpn_mac *const *)a;
	const struct evpn_mac *y = *(const struct evpn_mac *const *)b;

	if (x->key.vni != y->key.vni)
		return x->key.vni < y->key.vni ? -1 : 1;
	return mac_cmp(&x->key.mac, &y->key.mac);
}

/* By VNI and MAC (the table has no order of its own); unsorted if memory is short. */
json_object *evpn_show_macs(const struct evpn *e, vni_t vni)
{
	json_object *a = json_object_new_array();
	const struct evpn_mac **v = malloc((htab_count(&e->macs) + 1) * sizeof(*v));
	size_t n = 0;

	for (struct htab_node *h = htab_first(&e->macs); h; h = htab_next(&e->macs, h)) {
		const struct evpn_mac *m = HTAB_ENTRY(h, struct evpn_mac, hnode);

		if (vni && m->key.vni != vni)
			continue;
		if (!m->local && !m->inst && !evpn_mac_remote_best(m))
			continue;
		if (v)
			v[n++] = m;
		else
			show_mac(e, a, m);
	}
	if (v) {
		qsort(v, n, sizeof(*v), mac_order);
		for (size_t i = 0; i < n; i++)
			show_mac(e, a, v[i]);
		free(v);
	}
	return a;
}

json_object *evpn_show_vteps(const struct evpn *e)
{
	json_object *a = json_object_new_array();
	const struct evpn_flood *f, *tmp;
	char s[IPADDR_STRLEN];

	HASH_ITER(hh, e->floods, f, tmp) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "vni", json_object_new_int64(f->key.vni));
		json_object_object_add(o, "vtep", json_object_new_string(ipaddr_fmt(&f->key.vtep, s)));
		json_object_object_add(o, "flood-installed", json_object_new_boolean(f->installed));
		json_object_array_add(a, o);
	}
	return a;
}

/* The install latency histogram: bucket bounds (us) and per-bucket counts. */
static json_object *latency_json(const struct kernel_stats *ks)
{
	static const uint32_t le[KERNEL_LAT_BUCKETS] = KERNEL_LAT_BOUNDS_US;
	json_object *o = json_object_new_object(), *b = json_object_new_array(),
		    *c = json_object_new_array();

	for (size_t i = 0; i < KERNEL_LAT_BUCKETS; i++) {
		json_object_array_add(b, json_object_new_int64(le[i]));
		json_object_array_add(c, json_object_new_int64((int64_t)ks->lat_bucket[i]));
	}
	json_object_object_add(o, "le-us", b);
	json_object_object_add(o, "counts", c);
	json_object_object_add(o, "count", json_object_new_int64((int64_t)ks->lat_count));
	json_object_object_add(o, "sum-us", json_object_new_int64((int64_t)ks->lat_sum_us));
	return o;
}

json_object *evpn_show_summary(const struct evpn *e)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "vnis", json_object_new_int64(HASH_COUNT(e->vnis)));
	json_object_object_add(o, "macs", json_object_new_int64(htab_count(&e->macs)));
	json_object_object_add(o, "local-macs", json_object_new_int64((int64_t)e->st.local_macs));
	json_object_object_add(o, "local-neighbors",
			       json_object_new_int64((int64_t)e->st.local_neighs));
	json_object_object_add(o, "mac-moves", json_object_new_int64((int64_t)e->st.mac_moves));
	json_object_object_add(o, "duplicate-macs", json_object_new_int64((int64_t)e->st.duplicates));
	json_object_object_add(o, "flood-entries", json_object_new_int64(HASH_COUNT(e->floods)));
	json_object_object_add(o, "kernel", json_object_new_boolean(e->kernel != NULL));
	if (e->kernel) {
		const struct kernel_stats *ks = &e->kernel->stats;
		json_object *k = json_object_new_object();

		json_object_object_add(k, "requests", json_object_new_int64((int64_t)ks->requests));
		json_object_object_add(k, "batches", json_object_new_int64((int64_t)ks->batches));
		json_object_object_add(k, "errors", json_object_new_int64((int64_t)ks->errors));
		json_object_object_add(k, "retries", json_object_new_int64((int64_t)ks->retries));
		json_object_object_add(k, "queue-depth",
				       json_object_new_int64((int64_t)ks->queue_depth));
		json_object_object_add(k, "resyncs", json_object_new_int64((int64_t)ks->resyncs));
		json_object_object_add(k, "stale-swept",
				       json_object_new_int64((int64_t)ks->stale_swept));
		json_object_object_add(k, "audit-runs", json_object_new_int64((int64_t)ks->audit_runs));
		json_object_object_add(k, "audit-drift",
				       json_object_new_int64((int64_t)ks->audit_drift));
		json_object_object_add(k, "audit-repairs",
				       json_object_new_int64((int64_t)ks->audit_repairs));
		json_object_object_add(k, "audit-last-seconds",
				       json_object_new_double((double)ks->audit_last_us / 1e6));
		json_object_object_add(k, "audit-paced",
				       json_object_new_int64((int64_t)ks->audit_paced));
		json_object_object_add(k, "held-deletes",
				       json_object_new_int64((int64_t)ks->held_deletes));
		json_object_object_add(k, "held-cancelled",
				       json_object_new_int64((int64_t)ks->held_cancelled));
		json_object_object_add(k, "echo-filtered",
				       json_object_new_int64((int64_t)ks->echo_filtered));
		json_object_object_add(k, "install-latency", latency_json(ks));
		json_object_object_add(o, "kernel-stats", k);
	}
	return o;
}

static void audit_done(void *arg, int drift)
{
	if (drift < 0)
		log_warn("kernel", "periodic audit: the kernel could not be read (see above)");
}

int evpn_audit_start(struct evpn *e)
{
	return e->kernel ? kernel_audit_start(e->kernel, audit_done, e) : -1;
}

/* The drift of an audit as JSON (see docs/evpnctl-json.md: audit). */
static json_object *audit_json(const struct kernel_audit *a, int n, bool repair)
{
	json_object *o = json_object_new_object(), *items = json_object_new_array();

	for (size_t i = 0; i < a->n; i++) {
		const struct kernel_drift *k = &a->v[i];
		json_object *d = json_object_new_object();

		json_object_object_add(d, "vni", json_object_new_int64(k->vni));
		json_object_object_add(d, "kind", json_object_new_string(kernel_drift_kind_str(k->kind)));
		json_object_object_add(d, "problem",
				       json_object_new_string(kernel_drift_problem_str(k->problem)));
		json_object_object_add(d, "key", json_object_new_string(k->key));
		json_object_object_add(d, "expected", json_object_new_string(k->expected));
		json_object_object_add(d, "found", json_object_new_string(k->found));
		json_object_object_add(d, "repaired", json_object_new_boolean(k->repaired));
		json_object_array_add(items, d);
	}
	json_object_object_add(o, "checked", json_object_new_int64((int64_t)a->checked));
	json_object_object_add(o, "drift-count", json_object_new_int(n));
	json_object_object_add(o, "drift", items);
	json_object_object_add(o, "repair", json_object_new_boolean(repair));
	return o;
}

/* An audit on demand while it runs. */
struct evpn_audit_run {
	struct kernel_audit a;
	bool repair;
	evpn_audit_fn done;
	void *arg;
};

static void audit_demand_done(void *arg, int n)
{
	struct evpn_audit_run *r = arg;

	if (n < 0)
		r->done(r->arg, NULL, "the kernel could not be read (see the log)");
	else
		r->done(r->arg, audit_json(&r->a, n, r->repair), NULL);
	kernel_audit_clear(&r->a);
	free(r);
}

int evpn_audit_begin(struct evpn *e, bool repair, evpn_audit_fn done, void *arg, char **err)
{
	struct evpn_audit_run *r = e->kernel ? calloc(1, sizeof(*r)) : NULL;
	struct kernel_audit_req req = {.repair = repair, .on_demand = true, .done = audit_demand_done};

	if (!r) {
		*err = strdup(e->kernel ? "out of memory" : "no kernel interface (netlink unavailable)");
		return -1;
	}
	r->repair = repair;
	r->done = done;
	r->arg = arg;
	req.out = &r->a;
	req.arg = r;
	if (kernel_audit_begin(e->kernel, &req) == -1) {
		int why_errno = errno;

		free(r);
		if ((why_errno == EBUSY
			     ? asprintf(err, "cannot audit now: another audit on demand or a resync "
					     "is reading the kernel; try again")
			     : asprintf(err, "cannot start the audit: %s (see the log)",
					strerror(why_errno))) < 0)
			*err = NULL;
		return -1;
	}
	return 0;
}
