/*
 * config.h - evpnd's configuration: typed structs built from the YAML file.
 *
 * A struct config is immutable once built: config_load() reads the file,
 * validates it against yang/evpnd.yang (libyang) and converts it (libcyaml)
 * into these structs with every default applied.  The daemon swaps a whole
 * new config in on reload; runtime state lives elsewhere and never points
 * into a config it does not hold.
 *
 * Problems are collected, not just the first: each has the file's line,
 * the YANG data path of the offending node and a message, printed as
 * "FILE:LINE: /yang/path: message".
 */
#ifndef EVPND_CONFIG_H
#define EVPND_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "types.h"

enum cfg_af {
	CFG_AF_L2VPN_EVPN = 1u << 0,
};

enum cfg_ip_family {
	CFG_ADV_IPV4_UNICAST = 1u << 0,
	CFG_ADV_IPV6_UNICAST = 1u << 1,
};

/* A route target from the file: "auto" or an explicit value. */
struct cfg_rt {
	bool is_auto;
	struct ecomm rt; /* valid when !is_auto */
};

struct cfg_rt_list {
	struct cfg_rt *v;
	size_t n;
};

struct cfg_rd {
	bool is_auto;
	struct rd rd; /* valid when !is_auto */
};

struct cfg_router {
	uint32_t asn;
	struct in_addr router_id;
	struct ipaddr vtep_ip;	      /* defaults to router-id */
	struct ipaddr listen_address; /* unset = any */
	uint16_t listen_port;	      /* 0 = do not listen */
	struct in_addr cluster_id;    /* defaults to router-id */
	uint32_t audit_interval;      /* seconds, 0 = no periodic audit */
	struct ipaddr metrics_address; /* HTTP metrics endpoint */
	uint16_t metrics_port;	      /* 0 = no endpoint */
};

struct cfg_neighbor {
	struct ipaddr address;
	uint32_t remote_asn;
	char *description; /* NULL when absent */
	uint16_t port;
	struct ipaddr source_address; /* unset = kernel's choice */
	bool passive;
	uint16_t hold_time;
	uint16_t keepalive; /* defaults to hold_time / 3 */
	char *password;	    /* TCP-MD5 key, NULL when absent */
	uint8_t ttl_security; /* 0 = GTSM off */
	uint32_t max_prefix;  /* 0 = unlimited */
	uint32_t afs;	      /* enum cfg_af bits */
	bool rr_client;
};

/* An interface address: the host bits are kept (unlike struct prefix). */
struct cfg_ifaddr {
	struct ipaddr addr;
	uint8_t plen;
};

#define CFG_IFNAMSIZ 16

/*
 * Devices evpnd creates and owns for a VNI (create: true); names, MTU and
 * source ports are filled with their defaults even when create is false.
 */
struct cfg_devices {
	bool create;
	char vxlan_device[CFG_IFNAMSIZ]; /* default vxlan<VNI> */
	char bridge[CFG_IFNAMSIZ];	 /* default br<VNI> */
	uint16_t mtu;			 /* default 1500 */
	uint16_t sport_low, sport_high;	 /* 0, 0: the kernel's range */
};

struct cfg_l2vni {
	vni_t vni;
	struct cfg_rd rd;
	struct cfg_rt_list rt_import;
	struct cfg_rt_list rt_export;
	struct cfg_devices dev;
	struct cfg_ifaddr *svi_addresses;
	size_t n_svi_addresses;
	bool has_svi_mac;
	struct mac svi_mac;
	char (*access_ports)[CFG_IFNAMSIZ];
	size_t n_access_ports;
	char vrf[CFG_IFNAMSIZ]; /* "" when none */
};

struct cfg_vrf {
	char name[16];
	vni_t l3vni;
	struct cfg_rd rd;
	struct cfg_rt_list rt_import;
	struct cfg_rt_list rt_export;
	uint32_t advertise; /* enum cfg_ip_family bits */
	bool has_router_mac;
	struct mac router_mac; /* valid with has_router_mac; else the L3VNI SVI's MAC */
	struct cfg_devices dev; /* the L3VNI's VXLAN device and bridge */
	uint32_t table;		/* VRF device's table (create); 0 for "default" */
};

struct config {
	char *path; /* file it was read from */
	struct cfg_router router;
	struct cfg_neighbor *neighbors;
	size_t n_neighbors;
	bool advertise_all_vni;
	bool arp_nd_suppression;
	struct cfg_l2vni *l2vnis;
	size_t n_l2vnis;
	struct cfg_vrf *vrfs;
	size_t n_vrfs;
};

struct cfg_problem {
	unsigned int line; /* 1-based; 0 when unknown */
	char *path;	   /* YANG data path, e.g. /evpnd:router/asn */
	char *msg;
};

struct cfg_diag {
	struct cfg_problem *v;
	size_t n, cap;
};

/*
 * Read, validate and convert FILE.  Returns a new config, or NULL with every
 * problem found appended to diag (diag may be NULL when the caller only
 * wants success or failure).
 */
struct config *config_load(const char *path, struct cfg_diag *diag);
void config_free(struct config *c);

/* The normalised configuration (defaults applied) as YAML. */
void config_dump(const struct config *c, FILE *out);

/* Lookups used by the daemon. */
const struct cfg_neighbor *config_neighbor(const struct config *c, const struct ipaddr *a);
const struct cfg_l2vni *config_l2vni(const struct config *c, vni_t vni);
const struct cfg_vrf *config_vrf_by_l3vni(const struct config *c, vni_t l3vni);

void cfg_diag_add(struct cfg_diag *d, unsigned int line, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Print each problem as "FILE:LINE: path: message\n". */
void cfg_diag_print(const struct cfg_diag *d, const char *file, FILE *out);
void cfg_diag_clear(struct cfg_diag *d);

#endif
