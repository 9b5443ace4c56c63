/*
 * knl_harness.h - shared by the kernel module's Check suites
 * (test_kernel_nl.c: devices, events, requests, the writer thread;
 * test_kernel_nl_audit.c: audits of MACs and neighbours;
 * test_kernel_nl_route.c: L3VNIs and routes).  Every test enters a network
 * namespace of its own (netns(), in the test's forked child), builds devices
 * there with ip(8)/bridge(8) and reads the result back the same way.
 */
#ifndef EVPND_KNL_HARNESS_H
#define EVPND_KNL_HARNESS_H

#include <stdbool.h>
#include <event2/event.h>

#include "kernel.h"
#include "kernel_nl_priv.h" /* knl_audit, knl_link_msg: what events cannot show here */
#include "testutil.h"

/* What `ip neigh show dev brV` prints for evpnd's neighbour 172.16.0.1. */
#define NEIGH_I1 "172.16.0.1 lladdr 02:aa:00:00:00:01 extern_learn NOARP proto 181"

#define MAX_LOG 256
#define MAX_REV 64

struct rec {
	int vni_adds, vni_dels, mac_adds, mac_dels, neigh_adds, neigh_dels, lost;
	struct kernel_vni vni[4]; /* last report per slot: vni 100, 200, 300, other */
	struct kernel_mac mac;	  /* last mac_add/mac_del */
	struct kernel_neigh neigh;
	vni_t last_del;
	struct mac lost_mac;
	char log[MAX_LOG][256];
	int nlog;
	struct kernel_route rev[MAX_REV]; /* route events, in order */
	bool rev_add[MAX_REV];
	int nrev;
};

/* What the module reported (EVENTS) and logged, since netns(). */
extern struct rec R;
extern const struct kernel_events EVENTS;

/* A log line since netns() containing a (and b, unless NULL)? */
bool log_has(const char *a, const char *b);
/* The last log lines since netns(), one per line (for failure messages), in a static buffer. */
const char *log_text(void);
/* Enter a fresh network namespace; false (test passes vacuously) without root. */
bool netns(void);
/* Run a shell command; the test fails unless it succeeds. */
void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Output of a command, in a static buffer. */
const char *out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Does text contain a line starting with line (trailing blanks ignored)? */
bool has_line(const char *text, const char *line);
void run_loop(struct event_base *base, int ms);
/* Run the loop until cmd's output has that line (has_line) or ms pass; whether it has. */
bool loop_until_line(struct event_base *base, const char *cmd, const char *line, int ms);
/* Loop until every request is acknowledged (or ms pass). */
void run_until_settled(struct event_base *base, struct kernel *k, int ms);
/* br<vni> + vxlan<vni> (nolearning, neigh_suppress on), optionally an SVI address. */
void make_vni(vni_t vni, const char *svi_addr);
/* veth0 (peer veth1) as a forwarding port of br */
void add_port(const char *br);
/* The module under test (writer thread with EVPND_TEST_WRITER), events to R. */
struct kernel *start(struct event_base *base, bool learn);
struct mac mac(const char *s);
double now_s(void);

/* ---- audit fixtures ---- */

/* The drift item of that kind and key (text), or NULL. */
const struct kernel_drift *drift(const struct kernel_audit *a, enum kernel_drift_kind kind,
				 const char *key);
void drift_vni_is(const struct kernel_audit *a, enum kernel_drift_kind kind, const char *key,
		  vni_t vni, enum kernel_drift_problem p, const char *expected, const char *found);
/* drift_vni_is for VNI 100 */
void drift_is(const struct kernel_audit *a, enum kernel_drift_kind kind, const char *key,
	      enum kernel_drift_problem p, const char *expected, const char *found);
/* VNI 100 with an SVI, a local port veth0, a local MAC and a local neighbour. */
void make_audit_vni(void);
/* Flood x, remote MAC a (dst x), sticky MAC s (dst x), neighbours i1 and fd00::1 -> a. */
void install_audit_set(struct kernel *k);

#endif
