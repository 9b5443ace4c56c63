/*
 * kernel_nl_priv.h - private state of the netlink kernel module (kernel_nl*.c).
 *
 * One struct knl per instance, with struct kernel as its first member; no
 * globals.  The module keeps six tables (objs: htab.h; the others uthash):
 *
 *  - links:  every interface of the namespace (ifindex -> kind, master, up,
 *            VXLAN attributes, bridge-port neigh_suppress);
 *  - addrs:  interface addresses, so a bridge with an address is an SVI;
 *  - vnis:   VNI -> what was last reported to the logic, plus the list of
 *            remote objects of that VNI (also for VNIs not in the kernel yet);
 *  - objs:   remote state evpnd owns (flood entry, remote MAC, neighbour,
 *            route in an L3VNI's table: struct knl_robj), each with what the
 *            logic wants, what the kernel holds as far as we know, and the
 *            request in flight (kernel_nl_audit.c compares
 *            them with a fresh dump and repairs the drift); each is on its
 *            VNI's list, and a remote MAC's destinations are ids into
 *            vteps (kernel_nl_vtep.c), so one per remote MAC stays small;
 *  - locals: local MACs and neighbours reported to the logic (to report
 *            changes and deletions exactly once, and to diff after a resync);
 *  - lroutes: local routes (not evpnd's) reported to the logic, likewise
 *            (kernel_nl_route.c).
 *
 * Requests become netlink messages at once, appended to one output buffer;
 * each message's sequence number is recorded in a FIFO (struct knl_fifo)
 * with the object it belongs to, so acknowledgements, which the kernel
 * returns in order, map back to objects in O(1).
 */
#ifndef EVPND_KERNEL_NL_PRIV_H
#define EVPND_KERNEL_NL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/queue.h>
#include <net/if.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <uthash.h>

#include "buf.h"
#include "htab.h"
#include "kernel.h"
#include "pool.h"
#include "types.h"

struct event;

/* ---- netlink plumbing (kernel_nl_msg.c) ------------------------------ */

#define KNL_ATTR_MAX 64 /* attribute tables cover types 0..KNL_ATTR_MAX-1 */

/* Attributes of one nesting level: tb[type] has data == NULL when absent. */
struct knl_attrs {
	struct buf tb[KNL_ATTR_MAX];
};

int knl_attrs_parse(struct buf *b, struct knl_attrs *a);
bool knl_attr_has(const struct knl_attrs *a, unsigned type);
int knl_attr_u8(const struct knl_attrs *a, unsigned type, uint8_t *v);
int knl_attr_u16(const struct knl_attrs *a, unsigned type, uint16_t *v); /* host order */
int knl_attr_u32(const struct knl_attrs *a, unsigned type, uint32_t *v); /* host order */
int knl_attr_mac(const struct knl_attrs *a, unsigned type, struct mac *m);
int knl_attr_ip(const struct knl_attrs *a, unsigned type, struct ipaddr *ip);
/* Copy a string attribute into out (NUL-terminated, truncated to cap). */
int knl_attr_str(const struct knl_attrs *a, unsigned type, char *out, size_t cap);
int knl_attr_nested(const struct knl_attrs *a, unsigned type, struct knl_attrs *inner);

/* Growable output buffer of ready netlink messages. */
struct knl_out {
	uint8_t *data;
	size_t len;  /* bytes queued */
	size_t off;  /* bytes already sent */
	size_t cap;
};

#define KNL_MSG_MAX 1024 /* no request message is larger (a 16-way IPv6 route: ~500) */
#define KNL_OUT_FIRST (1024 * 1024) /* first size of an output buffer */

/* Start a message in out; NULL when memory is exhausted. */
struct nlmsghdr *knl_msg_begin(struct knl_out *out, uint16_t type, uint16_t flags,
			       uint32_t seq, const void *hdr, size_t hdrlen);
/* Append an attribute; -1 when it would exceed KNL_MSG_MAX. */
int knl_msg_put(struct nlmsghdr *n, uint16_t type, const void *data, size_t len);
int knl_msg_put_u32(struct nlmsghdr *n, uint16_t type, uint32_t v);
/* Close the message: it becomes part of out's queued bytes. */
void knl_msg_end(struct knl_out *out, struct nlmsghdr *n);
/*
 * Once every queued byte is sent, give back a buffer that a burst grew past
 * its first size (100k requests: ~8 MB), so that it is not kept for good.
 */
void knl_out_shrink(struct knl_out *out);

/*
 * A netlink socket.  open: bind, grow buffers, set options; groups is the
 * list of RTNLGRP_* to join (0-terminated) or NULL.
 */
struct knl_sock {
	int fd;
	uint32_t pid;
	uint32_t seq;
	bool intr; /* the last dump was interrupted by changes (NLM_F_DUMP_INTR) */
};

int knl_sock_open(struct knl_sock *s, int rcvbuf, const unsigned *groups);
void knl_sock_close(struct knl_sock *s);

/*
 * Synchronous dump on s: send the request built in req (seq is set here),
 * call cb for every message of the answer until NLMSG_DONE.  -1 on a socket
 * error or an NLMSG_ERROR answer (logged).
 */
struct knl;
typedef void (*knl_msg_cb)(struct knl *kn, const struct nlmsghdr *h, struct buf *body);
int knl_dump(struct knl *kn, struct knl_sock *s, uint16_t type, uint8_t family, knl_msg_cb cb);
/*
 * The same in steps, never waiting: knl_dump_send sends the request;
 * knl_dump_step reads at most max datagrams of the answer (each about 32 KB,
 * the kernel producing the next one inside the read), 1 when the dump is
 * complete, 0 when more is to come, -1 on an error (logged); s->intr tells
 * whether it was interrupted by changes.
 */
int knl_dump_send(struct knl_sock *s, uint16_t type, uint8_t family);
int knl_dump_step(struct knl *kn, struct knl_sock *s, knl_msg_cb cb, int max);

/* Iterate over the netlink messages of one datagram; -1 on a malformed one. */
int knl_for_each_msg(struct knl *kn, const uint8_t *data, size_t len, knl_msg_cb cb);

/* ---- links, addresses, VNIs (kernel_nl_link.c) ----------------------- */

enum knl_kind { KNL_OTHER, KNL_VXLAN, KNL_BRIDGE, KNL_VRF };

struct knl_link {
	UT_hash_handle hh;
	int ifindex;
	char name[IFNAMSIZ];
	enum knl_kind kind;
	int master;		/* ifindex of the master, 0 when none */
	bool up;		/* IFF_UP */
	bool seen;		/* resync mark */
	struct mac mac;
	/* VXLAN devices */
	vni_t vni;
	struct ipaddr local;
	struct ipaddr group;	/* remote/group of the device: its default entry */
	uint16_t dstport;
	bool learning;
	/* bridge ports */
	bool neigh_suppress;
	/* bridges: the VNI whose VXLAN device is enslaved here (0: none) */
	vni_t br_vni;
	/* VRF devices: their routing table (IFLA_VRF_TABLE) */
	uint32_t vrf_table;
	uint32_t mtu;		/* IFLA_MTU */
	uint64_t mtu_warned;	/* VXLAN: (overlay << 32 | underlay) MTUs last warned about */
};

struct knl_addr_key {
	int ifindex;
	struct ipaddr ip; /* zero padding: the whole key is hashed */
};

struct knl_addr {
	UT_hash_handle hh;
	struct knl_addr_key key;
	bool seen;
};

/* Remote objects: what evpnd asked for. */
enum knl_obj_type { KNL_FLOOD = 1, KNL_MAC, KNL_NEIGH, KNL_LMAC, KNL_LNEIGH, KNL_ROUTE };

/*
 * Key of objects and locals; every byte counts (hashed whole), so it is
 * built by knl_obj_key (zeroed first).  A route (KNL_ROUTE) is keyed by
 * (vni = its L3VNI, ip + plen = the prefix, table = 0); a leftover route of
 * an earlier run whose table no L3VNI has yet is an "orphan": vni 0 and
 * table = its table, until knl_routes_adopt gives it its L3VNI.
 */
struct knl_key {
	uint8_t type;	/* enum knl_obj_type */
	uint8_t plen;	/* KNL_ROUTE: prefix length */
	uint8_t pad[2];
	vni_t vni;
	union {
		struct mac mac;	  /* KNL_MAC, KNL_LMAC */
		struct ipaddr ip; /* KNL_FLOOD: the VTEP; KNL_NEIGH, KNL_LNEIGH: the address;
				     KNL_ROUTE: the prefix */
	};
	uint32_t table;	  /* KNL_ROUTE orphans */
};

/*
 * An interned VTEP address (kernel_nl_vtep.c): 16 bits keep struct knl_val
 * at 6 bytes; a leaf sees far fewer than KNL_VTEP_MAX VTEPs.
 */
typedef uint16_t knl_vtep_id;
#define KNL_VTEP_MAX UINT16_MAX

/* What an object's entry holds besides its key: 6 bytes, three per object. */
struct knl_val {
	union {
		struct {
			knl_vtep_id vtep; /* KNL_MAC: knl_vteps id, one reference (0: none) */
			bool sticky;	  /* KNL_MAC */
		};
		struct mac mac;		  /* KNL_NEIGH */
	};
};

_Static_assert(sizeof(struct knl_val) == 6, "three per object");

enum knl_want { KNL_WANT_NONE, KNL_WANT_PRESENT, KNL_WANT_ABSENT };

/* Parts of an object in the kernel. */
#define KNL_HAVE_SELF 0x01    /* VXLAN device entry; the flood entry; the neighbour */
#define KNL_HAVE_MASTER 0x02  /* bridge entry of a remote MAC */
#define KNL_HAVE_UNKNOWN 0x04 /* a request failed: state unknown, never "equal" */

struct knl_obj {
	/* ordered by size, flags as bits: one per remote MAC, so no holes (80 bytes) */
	struct htab_node hnode;		  /* knl.objs */
	struct knl_key key;		  /* type 0: a returned slot of knl.obj_pool */
	uint32_t wait;			  /* waiting for a retry or a held deletion: its
					     place in knl.waits + 1, else 0 */
	int hifindex;			  /* device holding it (0: none) */
	struct knl_val wval, hval, sval;  /* wanted, held, in flight */
	uint16_t err;			  /* first refusal (errno) of the in-flight request */
	/*
	 * VNI generation (its low bits) when it was lost: knl_lost_report
	 * compares it after the same batch of events, which cannot wrap it.
	 */
	uint16_t lost_gen;
	uint16_t inflight;		  /* messages not acknowledged yet */
	uint16_t attempts;		  /* failed attempts in a row */
	uint16_t audit_gen;		  /* kn->audit_gen when last changed (audits in steps) */
	uint8_t want;			  /* enum knl_want */
	uint8_t have;			  /* KNL_HAVE_* */
	uint8_t seen;			  /* KNL_HAVE_* seen during a dump */
	bool sent_add : 1;		  /* the in-flight request adds (else deletes) */
	bool stale : 1;			  /* found at start, not requested since */
	bool lost : 1;			  /* in knl.lost */
	bool failed : 1;		  /* refused for good: wait for a new request */
	bool redo : 1;			  /* requested again while in flight */
	bool held : 1;			  /* a held deletion (its wait is its time) */
};

_Static_assert(sizeof(struct knl_obj) == 80, "one per remote MAC: keep it small");

/*
 * A route object: struct knl_obj first (knl_obj_new allocates this for
 * KNL_ROUTE, so the other objects do not grow), then its gateway sets.
 * Sets are immutable and shared by reference count (wanted -> in flight ->
 * held is a copy of a pointer); gateways are in the prefix's family
 * (::ffff:VTEP for an IPv6 prefix and an IPv4 VTEP), sorted, unique.
 */
struct knl_nhset {
	unsigned ref;
	uint8_t n;
	struct ipaddr gw[];
};

struct knl_robj {
	struct knl_obj o;
	LIST_ENTRY(knl_robj) link;   /* knl.routes */
	struct knl_nhset *w, *h, *s; /* wanted, held, in flight (NULL: none) */
	uint32_t htable;	     /* table the held route is in */
	uint32_t stable;	     /* table of the request in flight */
	unsigned hgen;		     /* VNI generation in which "held" was last known true */
};

static inline struct knl_robj *knl_robj_of(struct knl_obj *o)
{
	return (struct knl_robj *)o;
}

/* Local MAC or neighbour reported to the logic. */
struct knl_local {
	UT_hash_handle hh;
	struct knl_key key;
	int ifindex;
	bool is_static;
	bool seen;
	struct mac mac; /* KNL_LNEIGH */
};

struct knl_vni {
	UT_hash_handle hh;
	vni_t vni;
	bool present;		/* a VXLAN device has it */
	bool seen;
	int claim;		/* ifindex of its VXLAN device during a refresh */
	uint8_t parked_logged;	/* "requests wait for a device" said: 1 MACs, 2 neighbours,
				   4 routes */
	bool l3;		/* marked as an L3VNI by kernel_ops.l3vni_set */
	struct kernel_vni cur;	/* valid when present: as last reported */
	unsigned gen;		/* bumped on every change that resets objects */
	uint8_t reset;		/* for knl_vnis_objs_reset: 2 every object, 1 the neighbours
				   and routes, 0 none */
};

/* ---- the request writer thread (kernel_nl_writer.c) ------------------ */

/* Whole messages to send at once, and how the send went. */
struct knl_wchunk {
	STAILQ_ENTRY(knl_wchunk) link;
	size_t len;
	size_t nmsg;
	uint32_t last_seq; /* sequence number of its last message */
	int err;	   /* errno of the send, 0 when sent */
	uint8_t data[];
};

struct knl_writer {
	bool open, started;
	int fd;			/* the request socket */
	int efd;		/* eventfd: a chunk is done */
	size_t queued;		/* bytes put and not taken back (loop's thread only) */
	pthread_t th;
	pthread_mutex_t mu;	/* guards todo, done, stop */
	pthread_cond_t cv;	/* todo or stop changed */
	pthread_cond_t done_cv; /* a chunk was put on done */
	bool stop;
	STAILQ_HEAD(, knl_wchunk) todo, done;
};

int knl_writer_open(struct knl_writer *w, int fd);
/* Start the thread (idempotent); -1 with errno when it cannot be created. */
int knl_writer_start(struct knl_writer *w);
/* Queue a copy of len bytes holding nmsg messages; -1 when out of memory. */
int knl_writer_put(struct knl_writer *w, const uint8_t *data, size_t len, size_t nmsg,
		   uint32_t last_seq);
/*
 * The oldest chunk sent (the caller frees it), or NULL; with wait, blocks
 * while chunks are queued and none is done yet.
 */
struct knl_wchunk *knl_writer_take(struct knl_writer *w, bool wait);
/* Stop and join the thread; chunks not sent yet are dropped. */
void knl_writer_close(struct knl_writer *w);

/* ---- VTEP addresses of remote MACs (kernel_nl_vtep.c) ---------------- */

struct knl_vtep {
	struct htab_node hnode;
	struct ipaddr ip;
	knl_vtep_id id;
	uint32_t refs;
};

struct knl_vteps {
	struct htab h;		/* by address */
	struct knl_vtep **v;	/* by id; v[0] and freed ids NULL */
	knl_vtep_id *free_ids;	/* stack of freed ids, room for cap */
	uint32_t n;		/* ids handed out so far, 0 included */
	uint32_t nfree;
	uint32_t cap;		/* of v and free_ids */
	uint32_t max;		/* ids up to this one (KNL_VTEP_MAX; tests lower it) */
};

void knl_vteps_init(struct knl_vteps *t);
void knl_vteps_free(struct knl_vteps *t);
/*
 * The id of ip with one reference taken (0 for an unset address); -1 with
 * errno ENOMEM, or ENOSPC when max addresses have ids already.
 */
int knl_vtep_get(struct knl_vteps *t, const struct ipaddr *ip, knl_vtep_id *id);
/* The id of ip, no reference taken; 0 when no object holds it. */
knl_vtep_id knl_vtep_find(const struct knl_vteps *t, const struct ipaddr *ip);
void knl_vtep_ref(struct knl_vteps *t, knl_vtep_id id);
void knl_vtep_put(struct knl_vteps *t, knl_vtep_id id);
/* The address of id (an unset address for 0). */
const struct ipaddr *knl_vtep_ip(const struct knl_vteps *t, knl_vtep_id id);
size_t knl_vtep_count(const struct knl_vteps *t);

/* ---- the instance ---------------------------------------------------- */

struct knl_fifo_ent {
	uint32_t seq;
	uint32_t t_us;	/* when queued (knl_now_us, wraps): install latency */
	struct knl_obj *obj;
};

#define KNL_FIFO_FIRST 4096 /* entries: the FIFO's first size, kept when it empties */

/*
 * Objects waiting for a time (a retry, the end of a held deletion): a
 * binary min-heap of (time, object); each object knows its place (wait).
 */
struct knl_wait {
	uint64_t at; /* monotonic ms */
	struct knl_obj *o;
};

#define KNL_WAITS_FIRST 64 /* entries: the first size, kept when it empties */

struct knl_waits {
	struct knl_wait *h;
	size_t n, cap;
};

#define KNL_LOST_FIRST 64 /* entries: the first size, kept when it empties */

/* Objects lost since the last knl_lost_report, in the order they were lost. */
struct knl_lost {
	struct knl_obj **v;
	size_t n, cap;
};

struct knl_fifo {
	struct knl_fifo_ent *ent;
	size_t cap;  /* power of two */
	size_t head; /* next to pop */
	size_t n;
};

struct knl {
	struct kernel k; /* first: struct kernel * <-> struct knl * */
	struct kernel_cfg cfg;
	struct kernel_events ev;
	struct knl_sock req;	/* requests, acknowledgements */
	struct knl_sock evs;	/* multicast events */
	struct knl_sock dump;	/* synchronous dumps */
	struct event *req_ev, *evs_ev, *flush_ev, *retry_ev, *writer_ev;
	struct knl_writer w;	/* used when cfg.writer_thread (and a loop) */
	uint8_t *rbuf;		/* receive buffer of events, KNL_RBUF bytes */
	uint8_t *abuf;		/* receive buffer of acknowledgements */
	bool in_events;		/* events_read is running */
	bool dump_intr;		/* a dump was interrupted by changes (NLM_F_DUMP_INTR) */
	uint64_t log_window;	/* start of the current second of refusal logging */
	unsigned log_burst;	/* refusals logged in it */
	unsigned log_hidden;	/* refusals not logged one by one */
	struct knl_out out;
	struct knl_fifo fifo;
	struct knl_link *links;
	struct knl_addr *addrs;
	struct knl_vni *vnis;
	/*
	 * Objects by key.  Objects other than routes come from obj_pool, routes
	 * (calloc'd, bigger) are on the routes list; a walk over every object
	 * walks both (KNL_FOREACH_OBJ).
	 */
	struct htab objs;
	struct pool obj_pool;
	LIST_HEAD(, knl_robj) routes;
	struct knl_vteps vteps;	/* destinations of remote MACs (struct knl_val) */
	struct knl_local *locals;
	struct knl_lroute *lroutes;
	struct knl_waits waits;
	struct knl_lost lost;	/* drained by knl_lost_report; never freed while on it */
	uint32_t hold_ms;	/* deletions are held this long (kernel_ops.hold_deletes) */
	bool loading;		/* initial dump: evpnd's leftovers become stale objects */
	bool dumping;		/* a dump (start or resync) is being read */
	bool links_dirty;	/* VNIs must be recomputed */
	bool need_dump;		/* re-read FDB and neighbours (a VNI appeared) */
	bool need_resync;	/* events were lost (ENOBUFS) */
	uint8_t need_routes;	/* re-read routes: KNL_RT_V4 | KNL_RT_V6 (kernel_nl_route.c) */
	bool refreshing;	/* knl_vnis_refresh is running (its callbacks may ask again) */
	bool l3t_valid;		/* cache of knl_l3vni_of_table (cleared by knl_vnis_refresh) */
	uint32_t l3t_table;
	vni_t l3t_vni;
	bool in_flush;
	size_t unacked;		/* FIFO entries sent and not acknowledged */
	bool echo_filtered;	/* evs drops extern_learn RTM_NEWNEIGH (bulk install) */
	uint8_t *dbuf;		/* receive buffer of dumps, KNL_RBUF bytes */
	struct knl_audit_run *audit; /* the audit whose dump is being read, else NULL */
	uint16_t audit_gen;	/* bumped when an audit in steps starts */
	uint64_t audit_not_before_us; /* the next audit in steps (cfg.audit_pace), knl_now_us */
	struct knl_devs *devs;	/* declared devices (kernel_nl_dev.c), NULL until the first apply */
};

#define KNL_RT_V4 0x01
#define KNL_RT_V6 0x02

#define KNL_LOG_BURST 20	/* refusals logged one by one per second */
#define KNL_RBUF (1024 * 1024)	/* receive buffers */
#define KNL_RSLOT (16 * 1024)	/* one datagram of an event or acknowledgement */
#define KNL_RSLOTS (KNL_RBUF / KNL_RSLOT)

/*
 * Walk every object (o, it: loop variables): the pool's, then the routes.
 * The body may free o, not other objects (the iterator holds o's
 * successor); an object it creates may or may not be visited.  Within one
 * walk no object is visited twice.
 */
struct knl_obj_iter {
	struct pool_walk w;
	struct knl_obj *next;	/* of the pool, already returned by w */
	struct knl_robj *rnext;
	bool in_routes;
};

void knl_obj_iter_init(struct knl *kn, struct knl_obj_iter *it);
struct knl_obj *knl_obj_iter_next(struct knl *kn, struct knl_obj_iter *it);

#define KNL_FOREACH_OBJ(kn, it, o)						\
	for (knl_obj_iter_init((kn), &(it)); ((o) = knl_obj_iter_next((kn), &(it)));)

static inline struct knl *knl_of(struct kernel *k)
{
	return (struct knl *)k;
}

/* kernel_nl_link.c */
void knl_link_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body);
void knl_addr_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body);
void knl_vnis_refresh(struct knl *kn);
struct knl_link *knl_link_get(struct knl *kn, int ifindex);
struct knl_vni *knl_vni_get(struct knl *kn, vni_t vni, bool create);
/* The VNI of a bridge port or bridge (0: none). */
vni_t knl_vni_of_port(struct knl *kn, const struct knl_link *port);
void knl_links_free(struct knl *kn);
void knl_links_mark(struct knl *kn);
void knl_links_sweep(struct knl *kn);

/* kernel_nl_obj.c */
void knl_req_flood(struct knl *kn, vni_t vni, const struct ipaddr *vtep, bool add);
void knl_req_mac(struct knl *kn, vni_t vni, const struct mac *mac, const struct ipaddr *vtep,
		 bool sticky, bool add);
void knl_req_neigh(struct knl *kn, vni_t vni, const struct ipaddr *ip, const struct mac *mac,
		   bool add);
void knl_sweep(struct knl *kn);
void knl_obj_key(struct knl_key *k, enum knl_obj_type type, vni_t vni, const struct mac *mac,
		 const struct ipaddr *ip);
struct knl_obj *knl_obj_find(struct knl *kn, const struct knl_key *key);
struct knl_obj *knl_obj_new(struct knl *kn, const struct knl_key *key);
/*
 * Into kn->objs and onto its order list under o->key (re-keying: unlink,
 * change, link).  -1 only when the table has no bucket array yet (ENOMEM).
 */
int knl_obj_link(struct knl *kn, struct knl_obj *o);
void knl_obj_unlink(struct knl *kn, struct knl_obj *o);
void knl_obj_schedule(struct knl *kn, struct knl_obj *o);
/* A request just set o->want: hold a deletion, or cancel a held one; then schedule. */
void knl_obj_requested(struct knl *kn, struct knl_obj *o);
void knl_obj_done(struct knl *kn, struct knl_obj *o, int err, const char *extack);
void knl_fifo_pop(struct knl *kn, struct knl_fifo_ent *e);
/* The oldest entry, NULL when the FIFO is empty. */
const struct knl_fifo_ent *knl_fifo_peek(const struct knl *kn);
void knl_log_flush(struct knl *kn);
void knl_obj_lost(struct knl *kn, struct knl_obj *o, uint8_t parts);
void knl_lost_report(struct knl *kn);
/*
 * A VNI's devices changed: its objects are asked for again, in one walk
 * for every VNI marked (v->reset) by the same refresh.
 */
void knl_vnis_objs_reset(struct knl *kn);
void knl_retry_run(struct knl *kn);
/* When the first wait is over (monotonic ms), 0 when nothing waits. */
uint64_t knl_wait_first(const struct knl *kn);
/* The object tables of a new kn (kernel_nl_new; the fuzz harness builds kn by hand). */
void knl_objs_init(struct knl *kn);
void knl_objs_free(struct knl *kn);
void knl_obj_describe(const struct knl *kn, const struct knl_obj *o, const struct knl_val *v,
		      char *buf, size_t cap);
/*
 * The VXLAN part of remote MAC o holds vtep, as found in the kernel; on a
 * failure (out of memory) it holds no address, which never equals what is
 * wanted: the entry is then rewritten.
 */
void knl_obj_held_vtep(struct knl *kn, struct knl_obj *o, const struct ipaddr *vtep);
/* *dst = *src for one of o's values, moving the VTEP references. */
void knl_val_set(struct knl *kn, const struct knl_obj *o, struct knl_val *dst,
		 const struct knl_val *src);
void knl_vni_subject(vni_t vni, char *buf, size_t cap);

/* kernel_nl_neigh.c */
/* Our add of obj (KNL_MAC or KNL_NEIGH) succeeded: drop the local binding it replaced. */
void knl_local_displaced(struct knl *kn, const struct knl_key *obj);

/* States in which a neighbour or FDB entry forwards. */
#define KNL_NUD_PRESENT                                                                            \
	(NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP)

/* An RTM_NEWNEIGH/DELNEIGH message, parsed. */
struct knl_nmsg {
	bool add;		/* RTM_NEWNEIGH */
	struct ndmsg ndm;
	struct knl_attrs a;
	struct mac mac;		/* lladdr */
	bool has_mac;
	struct ipaddr dst;	/* NDA_DST */
	bool has_dst;
};

/* 0, or -1 when h is not a neighbour message or is malformed. */
int knl_nmsg_parse(const struct nlmsghdr *h, struct buf *body, struct knl_nmsg *m);
void knl_neigh_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body);
void knl_locals_free(struct knl *kn);
void knl_dump_begin(struct knl *kn); /* FDB and neighbours; routes: knl_routes_dump */
void knl_dump_end(struct knl *kn);
void knl_locals_vni_gone(struct knl *kn, vni_t vni);

/* kernel_nl_route.c */

/* An RTM_NEWROUTE/DELROUTE message, parsed. */
struct knl_rmsg {
	bool add;		/* RTM_NEWROUTE */
	struct rtmsg rtm;
	uint32_t table;		/* RTA_TABLE, else rtm_table */
	uint32_t metric;	/* RTA_PRIORITY, 0 when absent */
	struct prefix dst;
	int oif;		/* device of the first nexthop, 0: none */
	bool has_gateway;	/* any nexthop has a gateway (RTA_GATEWAY or RTA_VIA) */
	uint8_t ngw;		/* gateways kept in gw (at most KERNEL_ROUTE_NH_MAX) */
	struct ipaddr gw[KERNEL_ROUTE_NH_MAX];
};

/* 0, or -1 when h is not a route message or is malformed. */
int knl_rmsg_parse(const struct nlmsghdr *h, struct buf *body, struct knl_rmsg *m);
void knl_route_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body);
/* Dump routes of the families in fams (KNL_RT_*) and diff: locals, losses, leftovers. */
void knl_routes_dump(struct knl *kn, uint8_t fams);
void knl_lroutes_free(struct knl *kn);
void knl_req_route(struct knl *kn, vni_t l3vni, const struct prefix *p,
		   const struct ipaddr *vteps, size_t n, bool add);
/* The L3VNI whose VRF table is table (0: none). */
vni_t knl_l3vni_of_table(struct knl *kn, uint32_t table);
/* Give orphan leftovers in v's table to v (v present and an L3VNI). */
void knl_routes_adopt(struct knl *kn, struct knl_vni *v);
/* Hooks of kernel_nl_obj.c for KNL_ROUTE objects. */
bool knl_route_converged(struct knl *kn, struct knl_obj *o);
void knl_route_stage(struct knl *kn, struct knl_obj *o, bool add);
void knl_route_settled(struct knl *kn, struct knl_obj *o, bool ok);
void knl_route_emit(struct knl *kn, struct knl_obj *o, bool add, int ifindex);
void knl_route_release(struct knl_obj *o);
/* "route P table T via G1,G2" for the wanted ('w'), held ('h') or sent ('s') set. */
void knl_route_describe(const struct knl_obj *o, char which, char *buf, size_t cap);
/* "via G1,G2" ("-" for none) */
void knl_nhset_text(const struct knl_nhset *s, char *buf, size_t cap);
struct knl_nhset *knl_nhset_ref(struct knl_nhset *s);
void knl_nhset_unref(struct knl_nhset *s);
bool knl_nhset_eq(const struct knl_nhset *a, const struct knl_nhset *b);
/* A set of gw[0..n) (sorted, unique; NULL: memory). */
struct knl_nhset *knl_nhset_from(const struct ipaddr *gw, size_t n);
/* s (its reference is taken over) with m's gateways added; NULL: memory. */
struct knl_nhset *knl_nhset_union(struct knl_nhset *s, const struct knl_rmsg *m);

/* kernel_nl_obj.c: building requests for other modules (kernel_nl_route.c) */
struct nlmsghdr *knl_obj_msg_begin(struct knl *kn, struct knl_obj *o, uint16_t type,
				   uint16_t flags, const void *hdr, size_t hdrlen);
void knl_obj_msg_end(struct knl *kn, struct knl_obj *o, struct nlmsghdr *n);

/* kernel_nl_audit.c: the comparison, once requests are settled (op_audit). */
int knl_audit(struct knl *kn, bool repair, struct kernel_audit *out);
/*
 * An audit in steps (kernel.h audit_start); -1 with errno EBUSY (one runs, a
 * resync reads), EAGAIN (paced), else why it could not start.
 */
int knl_audit_start(struct knl *kn, const struct kernel_audit_req *req);
void knl_audit_cancel(struct knl *kn);
/* An object of key was freed: while an audit runs in steps, its entry is no drift. */
void knl_audit_gone(struct knl *kn, const struct knl_key *key);
/* An FDB entry, neighbour or route was deleted (while an audit runs in steps). */
void knl_audit_churn(struct knl *kn);
/* kernel_nl.c: read the events queued now (not re-entered). */
void knl_events_drain(struct knl *kn);

/* kernel_nl_dev.c: devices evpnd creates and owns (op_devices_apply). */
int knl_devs_apply(struct knl *kn, const struct kernel_devices *d);
/* Warn about VXLAN devices too large for the underlay (from refreshes; a route lookup
   at most once a second while a peer has no route yet, none otherwise). */
void knl_devs_mtu_check(struct knl *kn);
/* name is a device of the declared set (evpnd sets its bridge port flags itself). */
bool knl_devs_declared(const struct knl *kn, const char *name);
void knl_devs_free(struct knl *kn);

/* kernel_nl.c */
/* One event message (link, address, neighbour, route) to its table. */
void knl_event_msg(struct knl *kn, const struct nlmsghdr *h, struct buf *body);
void knl_kick(struct knl *kn);
uint64_t knl_now_ms(void);
uint64_t knl_now_us(void);
void knl_retry_arm(struct knl *kn);

#endif
