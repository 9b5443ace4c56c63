/*
 * evpn_dev.c - the devices the configuration declares (create: true on
 * evpn.l2vnis[] and evpn.vrfs[]) as a struct kernel_devices, handed to the
 * kernel layer (kernel_ops.devices_apply) at every configuration and when
 * the kernel interface starts.
 *
 * Invariant: e->devs is an owned copy built from the last configuration
 * (nothing points into a struct config); it is applied whole, so the kernel
 * layer can remove what left it.  The neighbors' addresses go with it: the
 * kernel layer checks the underlay MTU towards them.
 */
#include <stdlib.h>
#include <string.h>

#include "evpn_priv.h"
#include "log.h"

#define EVPN_VXLAN_PORT 4789 /* IANA VXLAN port (RFC 7348) */

struct evpn_devs {
	struct kernel_devices kd;
	struct kernel_vrfdev *vrfs;
	struct kernel_vnidev *vnis;
	struct ipaddr *peers;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		abort();
	return p;
}

static void vnidev_from(struct kernel_vnidev *k, vni_t vni, const struct cfg_devices *d,
			const struct config *cfg)
{
	k->vni = vni;
	memcpy(k->vxlan_name, d->vxlan_device, sizeof(k->vxlan_name));
	memcpy(k->bridge_name, d->bridge, sizeof(k->bridge_name));
	k->local = cfg->router.vtep_ip;
	k->dstport = EVPN_VXLAN_PORT;
	k->sport_low = d->sport_low;
	k->sport_high = d->sport_high;
	k->mtu = d->mtu;
}

static void vrf_name(char out[16], const char *name)
{
	snprintf(out, 16, "%s", strcmp(name, "default") ? name : "");
}

static void l2_from(struct kernel_vnidev *k, const struct cfg_l2vni *l, const struct config *cfg)
{
	struct kernel_ifaddr *a = xcalloc(l->n_svi_addresses, sizeof(*a));
	char (*p)[16] = xcalloc(l->n_access_ports, sizeof(*p));

	vnidev_from(k, l->vni, &l->dev, cfg);
	for (size_t i = 0; i < l->n_svi_addresses; i++) {
		a[i].addr = l->svi_addresses[i].addr;
		a[i].plen = l->svi_addresses[i].plen;
	}
	k->addrs = a;
	k->n_addrs = l->n_svi_addresses;
	memcpy(p, l->access_ports, l->n_access_ports * sizeof(*p));
	k->ports = (const char(*)[16])p;
	k->n_ports = l->n_access_ports;
	k->has_mac = l->has_svi_mac;
	k->mac = l->svi_mac;
	vrf_name(k->vrf, l->vrf);
}

static void devs_free(struct evpn_devs *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->kd.n_vnis; i++) {
		free((void *)d->vnis[i].addrs);
		free((void *)d->vnis[i].ports);
	}
	free(d->vnis);
	free(d->vrfs);
	free(d->peers);
	free(d);
}

static struct evpn_devs *devs_build(const struct config *cfg)
{
	struct evpn_devs *d = xcalloc(1, sizeof(*d));

	d->vrfs = xcalloc(cfg->n_vrfs, sizeof(*d->vrfs));
	d->vnis = xcalloc(cfg->n_vrfs + cfg->n_l2vnis, sizeof(*d->vnis));
	d->peers = xcalloc(cfg->n_neighbors, sizeof(*d->peers));
	for (size_t i = 0; i < cfg->n_vrfs; i++) {
		const struct cfg_vrf *v = &cfg->vrfs[i];
		struct kernel_vnidev *k = &d->vnis[d->kd.n_vnis];

		if (!v->dev.create)
			continue;
		if (strcmp(v->name, "default") != 0) {
			snprintf(d->vrfs[d->kd.n_vrfs].name, 16, "%s", v->name);
			d->vrfs[d->kd.n_vrfs++].table = v->table;
		}
		vnidev_from(k, v->l3vni, &v->dev, cfg);
		k->l3 = true;
		k->has_mac = v->has_router_mac;
		k->mac = v->router_mac;
		vrf_name(k->vrf, v->name);
		d->kd.n_vnis++;
	}
	for (size_t i = 0; i < cfg->n_l2vnis; i++)
		if (cfg->l2vnis[i].dev.create)
			l2_from(&d->vnis[d->kd.n_vnis++], &cfg->l2vnis[i], cfg);
	for (size_t i = 0; i < cfg->n_neighbors; i++)
		d->peers[i] = cfg->neighbors[i].address;
	d->kd.vrfs = d->vrfs;
	d->kd.vnis = d->vnis;
	d->kd.peers = d->peers;
	d->kd.n_peers = cfg->n_neighbors;
	return d;
}

void evpn_devices_apply(struct evpn *e)
{
	int failed;

	if (!e->kernel || !e->devs)
		return;
	/*
	 * Nothing declared, nothing applied before: the kernel layer's device
	 * machinery (its socket, the underlay MTU check) stays off.  Known risk:
	 * in the VRF fabric on Debian 12's kernel evpnd crashed nondeterministically
	 * while that machinery ran for a configuration without create: true (see
	 * the session notes); declared devices still use it.
	 */
	if (!e->devs->kd.n_vnis && !e->devs->kd.n_vrfs && !e->devs_applied)
		return;
	e->devs_applied = true;
	failed = kernel_devices_apply(e->kernel, &e->devs->kd);
	if (failed > 0)
		log_warn(NULL, "%d declared VNIs/VRFs could not be set up (see above)", failed);
}

void evpn_devices_configure(struct evpn *e, const struct config *cfg)
{
	devs_free(e->devs);
	e->devs = devs_build(cfg);
	evpn_devices_apply(e);
}

void evpn_devices_free(struct evpn *e)
{
	devs_free(e->devs);
	e->devs = NULL;
}
