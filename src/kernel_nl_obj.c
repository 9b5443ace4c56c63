/*
 * kernel_nl_obj.c - remote objects (flood entries, remote MACs, neighbours):
 * requests, the netlink messages they become, acknowledgements, retries,
 * loss and the start-up sweep.  Routes (KNL_ROUTE) share all of it; what
 * is particular to them (gateway sets, tables, their messages) is in
 * kernel_nl_route.c, called through the knl_route_* hooks.
 *
 * An object converges "have" (what the kernel holds, as far as we know)
 * towards "want" (what the logic asked for).  Invariants:
 *  - At most one request per object is in flight; a request made meanwhile
 *    is looked at when the acknowledgements are in (knl_obj_done).
 *  - want == have sends nothing: a repeated request, or a request for what
 *    a previous run installed (a stale object), costs one hash lookup.
 *  - An object is freed once nothing is wanted, held, in flight or pending
 *    (knl_obj_schedule is the only place that frees; callers must not touch
 *    the object after calling it).
 *  - Every refusal by the kernel is logged with the VNI and the object;
 *    transient ones are retried with exponential back-off, others are kept
 *    as failed until the logic asks again or the VNI's devices change.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "kernel_nl_priv.h"
#include "log.h"

#define RETRY_BASE_MS 20
#define RETRY_MAX_MS 5000
#define RETRY_MAX_ATTEMPTS 12

/* Log subject of a VNI's objects; vni 0 holds orphan routes (no L3VNI yet). */
void knl_vni_subject(vni_t vni, char *buf, size_t cap)
{
	if (vni)
		snprintf(buf, cap, "vni %u", vni);
	else
		snprintf(buf, cap, "kernel");
}

void knl_obj_key(struct knl_key *k, enum knl_obj_type type, vni_t vni, const struct mac *mac,
		 const struct ipaddr *ip)
{
	memset(k, 0, sizeof(*k));
	k->type = (uint8_t)type;
	k->vni = vni;
	if (mac && type != KNL_ROUTE)
		k->mac = *mac;
	else if (ip) {
		k->ip.family = ip->family;
		memcpy(k->ip.bytes, ip->bytes, ipaddr_len(ip));
	}
}

_Static_assert(sizeof(struct knl_key) % 4 == 0, "htab_hash takes whole words");

/*
 * The hash of a key: of its bytes up to the last that can be non-zero for
 * its type (the others are zero in every key of that type, knl_obj_key), so
 * that rehashing an object at growth or removal reads one cache line of
 * it, not two: MACs end with the MAC, IPv4 addresses with theirs.
 */
static uint32_t key_hash(const struct knl_key *k)
{
	size_t len = sizeof(*k);

	if (k->type == KNL_MAC || k->type == KNL_LMAC)
		len = offsetof(struct knl_key, mac) + 8;
	else if (k->type != KNL_ROUTE && k->ip.family == AF_INET)
		len = offsetof(struct knl_key, ip.bytes) + 4;
	return htab_hash(k, len);
}

_Static_assert(offsetof(struct knl_key, mac) + 8 <= sizeof(struct knl_key) &&
		       (offsetof(struct knl_key, mac) + 8) % 4 == 0 &&
		       (offsetof(struct knl_key, ip.bytes) + 4) % 4 == 0,
	       "key_hash lengths: whole words within the key");

static uint32_t obj_node_hash(const struct htab_node *n)
{
	return key_hash(&HTAB_ENTRY(n, const struct knl_obj, hnode)->key);
}

struct knl_obj *knl_obj_find(struct knl *kn, const struct knl_key *key)
{
	uint32_t hv = key_hash(key);

	for (struct htab_node *n = htab_chain(&kn->objs, hv); n; n = htab_chain_next(n)) {
		struct knl_obj *o = HTAB_ENTRY(n, struct knl_obj, hnode);

		if (!memcmp(&o->key, key, sizeof(*key)))
			return o;
	}
	return NULL;
}

int knl_obj_link(struct knl *kn, struct knl_obj *o)
{
	return htab_add(&kn->objs, &o->hnode, key_hash(&o->key));
}

void knl_obj_unlink(struct knl *kn, struct knl_obj *o)
{
	htab_del(&kn->objs, &o->hnode);
}

static void obj_release(struct knl *kn, struct knl_obj *o)
{
	if (o->key.type == KNL_MAC) {
		knl_vtep_put(&kn->vteps, o->wval.vtep);
		knl_vtep_put(&kn->vteps, o->hval.vtep);
		knl_vtep_put(&kn->vteps, o->sval.vtep);
	}
	if (o->key.type == KNL_ROUTE) {
		knl_route_release(o);
		free(o);
	} else {
		o->key.type = 0; /* a returned slot, to walks (pool_put keeps the key) */
		pool_put(&kn->obj_pool, o);
	}
}

struct knl_obj *knl_obj_new(struct knl *kn, const struct knl_key *key)
{
	struct knl_vni *v = knl_vni_get(kn, key->vni, true);
	struct knl_obj *o = NULL;

	/* routes carry their gateway sets; the other objects stay small */
	if (v)
		o = key->type == KNL_ROUTE ? calloc(1, sizeof(struct knl_robj)) : pool_get(&kn->obj_pool);
	if (!v || !o) {
		log_err("kernel", "out of memory");
		return NULL;
	}
	o->key = *key;
	o->audit_gen = kn->audit_gen;
	if (knl_obj_link(kn, o) == -1) {
		log_err("kernel", "out of memory");
		obj_release(kn, o);
		return NULL;
	}
	if (key->type == KNL_ROUTE)
		LIST_INSERT_HEAD(&kn->routes, knl_robj_of(o), link);
	return o;
}

/* Out of the table and the routes list, then freed. */
static void obj_drop(struct knl *kn, struct knl_obj *o)
{
	knl_obj_unlink(kn, o);
	if (o->key.type == KNL_ROUTE)
		LIST_REMOVE(knl_robj_of(o), link);
	obj_release(kn, o);
}

static void obj_free(struct knl *kn, struct knl_obj *o)
{
	if (kn->audit)
		knl_audit_gone(kn, &o->key);
	obj_drop(kn, o);
}

/* ---- walks ----------------------------------------------------------- */

/* The pool walk's next live object: returned slots have type 0 (obj_release). */
static struct knl_obj *pool_next_live(struct knl *kn, struct pool_walk *w)
{
	struct knl_obj *o;

	while ((o = pool_walk_next(&kn->obj_pool, w)) && !o->key.type)
		;
	return o;
}

static void iter_pool_ahead(struct knl *kn, struct knl_obj_iter *it)
{
	/*
	 * One ahead: the slot the walk returned last is then it->next, live
	 * while the body runs on the object before it (pool_walk's contract).
	 */
	it->next = pool_next_live(kn, &it->w);
	if (!it->next) {
		it->in_routes = true;
		it->rnext = LIST_FIRST(&kn->routes);
	}
}

void knl_obj_iter_init(struct knl *kn, struct knl_obj_iter *it)
{
	memset(it, 0, sizeof(*it));
	iter_pool_ahead(kn, it);
}

struct knl_obj *knl_obj_iter_next(struct knl *kn, struct knl_obj_iter *it)
{
	struct knl_obj *o;

	if (!it->in_routes) {
		o = it->next;
		iter_pool_ahead(kn, it);
		return o;
	}
	if (!it->rnext)
		return NULL;
	o = &it->rnext->o;
	it->rnext = LIST_NEXT(it->rnext, link);
	return o;
}

void knl_val_set(struct knl *kn, const struct knl_obj *o, struct knl_val *dst,
		 const struct knl_val *src)
{
	if (o->key.type == KNL_MAC) {
		knl_vtep_ref(&kn->vteps, src->vtep);
		knl_vtep_put(&kn->vteps, dst->vtep);
	}
	*dst = *src;
}

/* Why knl_vtep_get refused, for the log. */
static const char *vtep_refusal(int err)
{
	return err == ENOSPC ? "every VTEP id is in use (a leaf has room for 65535 VTEPs)"
			     : "out of memory";
}

_Static_assert(KNL_VTEP_MAX == 65535, "vtep_refusal says how many");

void knl_obj_held_vtep(struct knl *kn, struct knl_obj *o, const struct ipaddr *vtep)
{
	knl_vtep_id id;

	if (knl_vtep_get(&kn->vteps, vtep, &id) == -1) {
		const char *why = vtep_refusal(errno);
		char ms[MAC_STRLEN], vs[IPADDR_STRLEN];

		log_err("kernel", "vni %u mac %s: found pointing at %s, taken as pointing nowhere: %s",
			o->key.vni, mac_fmt(&o->key.mac, ms), ipaddr_fmt(vtep, vs), why);
		id = 0;
	}
	knl_vtep_put(&kn->vteps, o->hval.vtep);
	o->hval.vtep = id;
}

void knl_obj_describe(const struct knl *kn, const struct knl_obj *o, const struct knl_val *v,
		      char *buf, size_t cap)
{
	char a[IPADDR_STRLEN], m[MAC_STRLEN];

	switch (o->key.type) {
	case KNL_ROUTE: /* its sets are not in knl_val: which one v stands for */
		knl_route_describe(o, v == &o->hval ? 'h' : v == &o->sval ? 's' : 'w', buf, cap);
		break;
	case KNL_FLOOD:
		snprintf(buf, cap, "flood FDB 00:00:00:00:00:00 dst %s", ipaddr_fmt(&o->key.ip, a));
		break;
	case KNL_MAC:
		snprintf(buf, cap, "FDB %s dst %s%s", mac_fmt(&o->key.mac, m),
			 v->vtep ? ipaddr_fmt(knl_vtep_ip(&kn->vteps, v->vtep), a) : "-",
			 v->sticky ? " sticky" : "");
		break;
	default:
		snprintf(buf, cap, "neighbour %s lladdr %s", ipaddr_fmt(&o->key.ip, a),
			 mac_fmt(&v->mac, m));
		break;
	}
}

/* ---- comparing and targeting ----------------------------------------- */

static uint8_t full_parts(const struct knl_obj *o)
{
	return o->key.type == KNL_MAC ? KNL_HAVE_SELF | KNL_HAVE_MASTER : KNL_HAVE_SELF;
}

static bool val_eq(const struct knl_obj *o, const struct knl_val *a, const struct knl_val *b)
{
	switch (o->key.type) {
	case KNL_MAC:
		return a->vtep == b->vtep && a->sticky == b->sticky; /* interned */
	case KNL_NEIGH:
		return mac_cmp(&a->mac, &b->mac) == 0;
	default:
		return true;
	}
}

static bool obj_converged(struct knl *kn, struct knl_obj *o)
{
	if (o->want == KNL_WANT_PRESENT && o->key.type == KNL_ROUTE)
		return knl_route_converged(kn, o);
	if (o->want == KNL_WANT_PRESENT)
		return o->have == full_parts(o) && val_eq(o, &o->wval, &o->hval);
	return o->have == 0 || o->want == KNL_WANT_NONE;
}

/* The device a request goes to, 0 when it cannot be sent now (parked). */
static int obj_target(struct knl *kn, const struct knl_obj *o, bool add)
{
	struct knl_vni *v = knl_vni_get(kn, o->key.vni, false);

	if (!add)
		return o->hifindex && knl_link_get(kn, o->hifindex) ? o->hifindex : 0;
	if (!v || !v->present)
		return 0;
	switch (o->key.type) {
	case KNL_FLOOD:
		return v->cur.vxlan_ifindex;
	case KNL_MAC:
		return v->cur.bridge_ifindex ? v->cur.vxlan_ifindex : 0;
	case KNL_ROUTE: /* a route via a down SVI is refused: wait for it */
		return v->cur.l3 && v->cur.up ? v->cur.svi_ifindex : 0;
	default:
		return v->cur.svi_ifindex;
	}
}

/* ---- messages -------------------------------------------------------- */

static int fifo_push(struct knl *kn, uint32_t seq, struct knl_obj *o)
{
	struct knl_fifo *f = &kn->fifo;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : KNL_FIFO_FIRST, i;
		struct knl_fifo_ent *e = malloc(cap * sizeof(*e));

		if (!e)
			return -1;
		for (i = 0; i < f->n; i++)
			e[i] = f->ent[(f->head + i) & (f->cap - 1)];
		free(f->ent);
		f->ent = e;
		f->cap = cap;
		f->head = 0;
	}
	f->ent[(f->head + f->n) & (f->cap - 1)] =
		(struct knl_fifo_ent){seq, (uint32_t)knl_now_us(), o};
	f->n++;
	return 0;
}

void knl_fifo_pop(struct knl *kn, struct knl_fifo_ent *e)
{
	struct knl_fifo *f = &kn->fifo;

	*e = f->ent[f->head];
	f->head = (f->head + 1) & (f->cap - 1);
	if (--f->n == 0 && f->cap > KNL_FIFO_FIRST) { /* a burst is over: give it back */
		free(f->ent);
		f->ent = NULL;
		f->cap = 0;
		f->head = 0;
	}
}

const struct knl_fifo_ent *knl_fifo_peek(const struct knl *kn)
{
	return kn->fifo.n ? &kn->fifo.ent[kn->fifo.head] : NULL;
}

/*
 * Start a request message for o (its acknowledgement maps back to o);
 * NULL when memory is exhausted (logged).  knl_obj_msg_end queues it.
 */
struct nlmsghdr *knl_obj_msg_begin(struct knl *kn, struct knl_obj *o, uint16_t type,
				   uint16_t flags, const void *hdr, size_t hdrlen)
{
	uint32_t seq = ++kn->req.seq;
	struct nlmsghdr *n;

	if (seq == 0)
		seq = ++kn->req.seq;
	n = knl_msg_begin(&kn->out, type, NLM_F_REQUEST | NLM_F_ACK | flags, seq, hdr, hdrlen);
	if (!n || fifo_push(kn, seq, o) == -1) {
		log_err("kernel", "out of memory");
		return NULL;
	}
	return n;
}

void knl_obj_msg_end(struct knl *kn, struct knl_obj *o, struct nlmsghdr *n)
{
	knl_msg_end(&kn->out, n);
	o->inflight++;
	kn->k.stats.queue_depth = kn->fifo.n;
}

/* Build one neighbour-table message for o; 0 or -1 (memory). */
static int emit(struct knl *kn, struct knl_obj *o, uint16_t type, uint16_t flags,
		const struct ndmsg *ndm, const struct mac *lladdr, const struct ipaddr *dst)
{
	struct nlmsghdr *n = knl_obj_msg_begin(kn, o, type, flags, ndm, sizeof(*ndm));
	uint8_t proto = KERNEL_RTPROT;

	if (!n)
		return -1;
	if (lladdr)
		knl_msg_put(n, NDA_LLADDR, lladdr->octet, MAC_LEN);
	if (dst)
		knl_msg_put(n, NDA_DST, dst->bytes, ipaddr_len(dst));
	if (ndm->ndm_family != AF_BRIDGE && type == RTM_NEWNEIGH)
		knl_msg_put(n, NDA_PROTOCOL, &proto, sizeof(proto));
	knl_obj_msg_end(kn, o, n);
	return 0;
}

static void ndm_init(struct ndmsg *ndm, uint8_t family, int ifindex, uint16_t state, uint8_t flags)
{
	memset(ndm, 0, sizeof(*ndm));
	ndm->ndm_family = family;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	ndm->ndm_flags = flags;
	ndm->ndm_type = RTN_UNICAST;
}

static const struct mac zero_mac;

/* Add: one message.  Delete: one per part held (a remote MAC has two). */
static void obj_emit(struct knl *kn, struct knl_obj *o, bool add, int ifindex)
{
	const struct knl_val *w = &o->wval;
	struct ndmsg ndm;
	uint8_t fam = o->key.ip.family;

	switch (o->key.type) {
	case KNL_ROUTE:
		knl_route_emit(kn, o, add, ifindex);
		break;
	case KNL_FLOOD:
		ndm_init(&ndm, AF_BRIDGE, ifindex, NUD_NOARP | NUD_PERMANENT, NTF_SELF);
		emit(kn, o, add ? RTM_NEWNEIGH : RTM_DELNEIGH,
		     add ? NLM_F_CREATE | NLM_F_APPEND : 0, &ndm, &zero_mac, &o->key.ip);
		break;
	case KNL_MAC:
		if (add) {
			/* As FRR: sticky is a static sticky entry, else extern_learn. */
			uint8_t mark = w->sticky ? NTF_STICKY : NTF_EXT_LEARNED;

			ndm_init(&ndm, AF_BRIDGE, ifindex,
				 NUD_REACHABLE | (w->sticky ? NUD_NOARP : 0),
				 NTF_SELF | NTF_MASTER | mark);
			emit(kn, o, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, &ndm, &o->key.mac,
			     knl_vtep_ip(&kn->vteps, w->vtep));
			break;
		}
		/* Separately: a missing bridge part must not keep the VXLAN one. */
		if (o->have & (KNL_HAVE_SELF | KNL_HAVE_UNKNOWN)) {
			ndm_init(&ndm, AF_BRIDGE, ifindex, 0, NTF_SELF);
			emit(kn, o, RTM_DELNEIGH, 0, &ndm, &o->key.mac, NULL);
		}
		if (o->have & (KNL_HAVE_MASTER | KNL_HAVE_UNKNOWN)) {
			ndm_init(&ndm, AF_BRIDGE, ifindex, 0, NTF_MASTER);
			emit(kn, o, RTM_DELNEIGH, 0, &ndm, &o->key.mac, NULL);
		}
		break;
	default:
		ndm_init(&ndm, fam, ifindex, add ? NUD_NOARP : 0, add ? NTF_EXT_LEARNED : 0);
		emit(kn, o, add ? RTM_NEWNEIGH : RTM_DELNEIGH,
		     add ? NLM_F_CREATE | NLM_F_REPLACE : 0, &ndm, add ? &w->mac : NULL,
		     &o->key.ip);
		break;
	}
}

/* Requests that wait for a device the VNI lacks say so, once per VNI state. */
static void obj_log_parked(struct knl *kn, struct knl_obj *o)
{
	struct knl_vni *v = knl_vni_get(kn, o->key.vni, false);
	uint8_t bit = o->key.type == KNL_MAC ? 1 : o->key.type == KNL_ROUTE ? 4 : 2;
	char subj[24], what[192];

	if (!v || !v->present || o->key.type == KNL_FLOOD || (v->parked_logged & bit))
		return;
	v->parked_logged |= bit;
	knl_vni_subject(o->key.vni, subj, sizeof(subj));
	knl_obj_describe(kn, o, &o->wval, what, sizeof(what));
	if (o->key.type == KNL_ROUTE)
		log_warn(subj, "%s (and any other route): %s", what,
			 !v->cur.l3		 ? "not an L3VNI: kept until it is one"
			 : !v->cur.bridge_ifindex ? "no SVI, not in a bridge: kept until it is"
						  : "the VNI is down: kept until it is up");
	else if (o->key.type == KNL_MAC)
		log_warn(subj, "%s (and any other MAC): %s is not in a bridge: kept until it is",
			 what, v->cur.vxlan_name);
	else if (v->cur.bridge_ifindex)
		log_warn(subj, "%s (and any other): no SVI, %s has no address: "
			 "kept until it has one", what, v->cur.bridge_name);
	else
		log_warn(subj, "%s (and any other): no SVI, %s is not in a bridge: "
			 "kept until it is", what, v->cur.vxlan_name);
}

void knl_obj_schedule(struct knl *kn, struct knl_obj *o)
{
	bool add;
	int ifindex;

	o->audit_gen = kn->audit_gen; /* every change comes through here */
	if (o->inflight || o->wait || o->lost)
		return;
	if (obj_converged(kn, o)) {
		if (o->want != KNL_WANT_PRESENT && !o->have && !o->stale)
			obj_free(kn, o);
		return;
	}
	if (o->failed || o->want == KNL_WANT_NONE)
		return;
	add = o->want == KNL_WANT_PRESENT;
	ifindex = obj_target(kn, o, add);
	if (!ifindex) {
		if (!add) { /* its device is gone, and the entry with it */
			o->have = 0;
			o->hifindex = 0;
			knl_obj_schedule(kn, o);
		} else {
			obj_log_parked(kn, o);
		}
		return; /* parked until the VNI's devices appear */
	}
	o->sent_add = add;
	knl_val_set(kn, o, &o->sval, &o->wval);
	if (o->key.type == KNL_ROUTE)
		knl_route_stage(kn, o, add);
	o->err = 0;
	o->redo = false;
	o->hifindex = ifindex;
	obj_emit(kn, o, add, ifindex);
	knl_kick(kn);
}

/* ---- waiting: retries and held deletions ------------------------------ */

static void wait_place(struct knl_waits *w, size_t i, struct knl_wait e)
{
	w->h[i] = e;
	e.o->wait = (uint32_t)i + 1;
}

static void wait_sift(struct knl_waits *w, size_t i)
{
	struct knl_wait e = w->h[i];

	while (i > 0 && w->h[(i - 1) / 2].at > e.at) {
		wait_place(w, i, w->h[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= w->n)
			break;
		if (c + 1 < w->n && w->h[c + 1].at < w->h[c].at)
			c++;
		if (w->h[c].at >= e.at)
			break;
		wait_place(w, i, w->h[c]);
		i = c;
	}
	wait_place(w, i, e);
}

/* o waits until at; -1 when out of memory (o does not wait). */
static int wait_add(struct knl *kn, struct knl_obj *o, uint64_t at)
{
	struct knl_waits *w = &kn->waits;

	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : KNL_WAITS_FIRST;
		struct knl_wait *h = realloc(w->h, cap * sizeof(*h));

		if (!h)
			return -1;
		w->h = h;
		w->cap = cap;
	}
	w->h[w->n++] = (struct knl_wait){at, o};
	wait_sift(w, w->n - 1);
	knl_retry_arm(kn);
	return 0;
}

static void wait_del(struct knl *kn, struct knl_obj *o)
{
	struct knl_waits *w = &kn->waits;
	size_t i = o->wait - 1;

	o->wait = 0;
	if (i != --w->n) {
		w->h[i] = w->h[w->n];
		wait_sift(w, i);
	}
	if (w->n == 0 && w->cap > KNL_WAITS_FIRST) { /* a burst is over: give it back */
		free(w->h);
		memset(w, 0, sizeof(*w));
	}
}

uint64_t knl_wait_first(const struct knl *kn)
{
	return kn->waits.n ? kn->waits.h[0].at : 0;
}

/* ---- acknowledgements and retries ------------------------------------ */

static bool err_transient(int err)
{
	return err == ENOBUFS || err == EBUSY || err == EAGAIN || err == ENOMEM ||
	       err == ENODEV || err == ENETDOWN || err == EINTR;
}

/*
 * Refusals are logged one by one, KNL_LOG_BURST a second; beyond that they
 * are counted and knl_log_flush says how many were not shown.
 */
static bool log_allow(struct knl *kn)
{
	uint64_t now = knl_now_ms();

	if (now - kn->log_window >= 1000) {
		knl_log_flush(kn);
		kn->log_window = now;
		kn->log_burst = 0;
	}
	if (kn->log_burst < KNL_LOG_BURST) {
		kn->log_burst++;
		return true;
	}
	kn->log_hidden++;
	return false;
}

void knl_log_flush(struct knl *kn)
{
	if (kn->log_hidden)
		log_warn("kernel", "%u more refused requests not logged one by one",
			 kn->log_hidden);
	kn->log_hidden = 0;
}

static void obj_log_refusal(struct knl *kn, struct knl_obj *o, int err, const char *extack)
{
	char subj[24], what[192];

	if (!log_allow(kn))
		return;
	knl_vni_subject(o->key.vni, subj, sizeof(subj));
	knl_obj_describe(kn, o, &o->sval, what, sizeof(what));
	log_warn(subj, "%s: %s refused: %s%s%s%s, %s", what, o->sent_add ? "add" : "delete",
		 strerror(err), extack && *extack ? " (" : "", extack ? extack : "",
		 extack && *extack ? ")" : "",
		 err_transient(err) ? "will retry" : "dropped until requested again");
}

static void obj_retry_later(struct knl *kn, struct knl_obj *o)
{
	uint64_t delay = RETRY_BASE_MS << (o->attempts < 8 ? o->attempts : 8);
	char subj[24], what[192];

	knl_vni_subject(o->key.vni, subj, sizeof(subj));
	knl_obj_describe(kn, o, &o->sval, what, sizeof(what));
	if (++o->attempts > RETRY_MAX_ATTEMPTS) {
		log_err(subj, "%s: giving up after %u attempts", what, o->attempts - 1);
		o->failed = true;
		o->attempts = 0;
		return;
	}
	if (delay > RETRY_MAX_MS)
		delay = RETRY_MAX_MS;
	log_debug(subj, "%s: retrying in %llu ms", what, (unsigned long long)delay);
	if (wait_add(kn, o, knl_now_ms() + delay) == -1) {
		log_err(subj, "%s: out of memory, not retried until requested again", what);
		o->failed = true;
		o->attempts = 0;
	}
}

void knl_obj_done(struct knl *kn, struct knl_obj *o, int err, const char *extack)
{
	struct knl_key key;
	bool displaced;

	if (err && !o->sent_add && (err == ENOENT || err == ESRCH || err == EADDRNOTAVAIL))
		err = 0; /* deleting what is absent succeeds */
	if (err) {
		kn->k.stats.errors++;
		if (!o->err)
			obj_log_refusal(kn, o, err, extack);
		if (!o->err)
			o->err = (uint16_t)err; /* an errno */
	}
	if (o->inflight && --o->inflight)
		return;
	if (o->key.type == KNL_ROUTE)
		knl_route_settled(kn, o, !o->err);
	if (!o->err) {
		o->have = o->sent_add ? full_parts(o) : 0;
		knl_val_set(kn, o, &o->hval, &o->sval);
		o->attempts = 0;
		if (!o->sent_add)
			o->hifindex = 0;
	} else {
		o->have = (o->sent_add ? full_parts(o) : o->have) | KNL_HAVE_UNKNOWN;
		knl_val_set(kn, o, &o->hval, &o->sval);
		if (err_transient(o->err))
			obj_retry_later(kn, o);
		else if (!o->redo)
			o->failed = true; /* until requested again: logged as refused */
	}
	if (!o->err && !o->sent_add && kn->audit)
		knl_audit_churn(kn); /* the FDB, neighbour or route table lost an entry */
	displaced = !o->err && o->sent_add && (o->key.type == KNL_MAC || o->key.type == KNL_NEIGH);
	key = o->key;
	knl_obj_schedule(kn, o);
	if (displaced)
		knl_local_displaced(kn, &key);
}

void knl_retry_run(struct knl *kn)
{
	uint64_t now = knl_now_ms();

	/* what is scheduled here waits again from now on, so this ends */
	while (kn->waits.n && kn->waits.h[0].at <= now) {
		struct knl_obj *o = kn->waits.h[0].o;

		wait_del(kn, o);
		if (o->held)
			o->held = false; /* its hold is over: the deletion goes now */
		else
			kn->k.stats.retries++;
		knl_obj_schedule(kn, o);
	}
	knl_retry_arm(kn);
}

/* ---- loss ------------------------------------------------------------ */

void knl_obj_lost(struct knl *kn, struct knl_obj *o, uint8_t parts)
{
	struct knl_vni *v = knl_vni_get(kn, o->key.vni, false);

	if (!(o->have & parts))
		return;
	o->audit_gen = kn->audit_gen;
	o->have &= (uint8_t)~parts;
	if (o->lost)
		return;
	if (kn->lost.n == kn->lost.cap) {
		size_t cap = kn->lost.cap ? 2 * kn->lost.cap : KNL_LOST_FIRST;
		struct knl_obj **nv = realloc(kn->lost.v, cap * sizeof(*nv));

		if (!nv) { /* repaired, but the logic is not told */
			log_err("kernel", "out of memory: a lost entry is requested again unreported");
			knl_obj_schedule(kn, o);
			return;
		}
		kn->lost.v = nv;
		kn->lost.cap = cap;
	}
	o->lost = true;
	o->lost_gen = (uint16_t)(v ? v->gen : 0);
	kn->lost.v[kn->lost.n++] = o;
}

/* Someone else removed or changed o: flood entries come back, the rest is for the logic. */
static void lost_tell(struct knl *kn, struct knl_obj *o)
{
	char subj[24], what[192];

	knl_vni_subject(o->key.vni, subj, sizeof(subj));
	knl_obj_describe(kn, o, &o->hval, what, sizeof(what));
	/* no event reports them: the Type-3 / Type-5 route holds */
	if (o->key.type == KNL_FLOOD || o->key.type == KNL_ROUTE) {
		log_notice(subj, "%s: removed by someone else, installing it again", what);
		return;
	}
	log_notice(subj, "%s: removed or changed by someone else", what);
	if (kn->ev.remote_lost)
		kn->ev.remote_lost(kn->cfg.arg, o->key.vni,
				   o->key.type == KNL_MAC ? &o->key.mac : &o->hval.mac);
	o->failed = true; /* the logic decides whether to ask again */
}

/*
 * Report what someone else removed, once the events read so far are applied:
 * entries flushed because their device went down or away are not "lost",
 * they come back with the device (knl_vnis_objs_reset).
 */
void knl_lost_report(struct knl *kn)
{
	/* by index, read again each time: what the work loses meanwhile is appended */
	for (size_t i = 0; i < kn->lost.n; i++) {
		struct knl_obj *o = kn->lost.v[i];
		struct knl_vni *v = knl_vni_get(kn, o->key.vni, false);

		o->lost = false;
		if (o->want == KNL_WANT_PRESENT && v && v->present && v->cur.up &&
		    (uint16_t)v->gen == o->lost_gen)
			lost_tell(kn, o);
		knl_obj_schedule(kn, o);
	}
	kn->lost.n = 0;
	if (kn->lost.cap > KNL_LOST_FIRST) { /* a burst is over: give it back */
		free(kn->lost.v);
		memset(&kn->lost, 0, sizeof(kn->lost));
	}
}

static void obj_reset(struct knl *kn, struct knl_vni *v, struct knl_obj *o)
{
	if (v->reset == 1 && o->key.type != KNL_NEIGH && o->key.type != KNL_ROUTE)
		return;
	o->failed = false;
	if (o->hifindex && !knl_link_get(kn, o->hifindex)) {
		o->have = 0;
		o->hifindex = 0;
	} else if (o->key.type == KNL_ROUTE && knl_robj_of(o)->hgen == v->gen) {
		/* adopted in this very generation: known to be right */
	} else if (o->want == KNL_WANT_PRESENT && v->present) {
		o->have |= KNL_HAVE_UNKNOWN;
	}
	knl_obj_schedule(kn, o);
}

/*
 * One walk for all the VNIs a refresh reset (a bridge with 1,000 VXLAN
 * devices going down and up is 1,000 resets, not 1,000 walks).
 */
void knl_vnis_objs_reset(struct knl *kn)
{
	struct knl_vni *v, *vtmp;
	struct knl_obj_iter it;
	struct knl_obj *o;
	bool any = false;

	HASH_ITER(hh, kn->vnis, v, vtmp)
		any = any || v->reset;
	if (!any)
		return;
	v = NULL;
	KNL_FOREACH_OBJ(kn, it, o) {
		if (!v || v->vni != o->key.vni)
			v = knl_vni_get(kn, o->key.vni, false);
		if (v && v->reset)
			obj_reset(kn, v, o);
	}
	HASH_ITER(hh, kn->vnis, v, vtmp)
		v->reset = 0;
}

/* ---- requests -------------------------------------------------------- */

void knl_obj_requested(struct knl *kn, struct knl_obj *o)
{
	if (o->held && o->want == KNL_WANT_PRESENT) {
		/* wanted again before its deletion went out: nothing to undo */
		wait_del(kn, o);
		o->held = false;
		kn->k.stats.held_cancelled++;
	} else if (o->want == KNL_WANT_ABSENT && kn->hold_ms && o->have && !o->inflight &&
		   !o->wait && !o->lost && wait_add(kn, o, knl_now_ms() + kn->hold_ms) == 0) {
		o->held = true; /* out of memory: not held, the deletion goes now */
		kn->k.stats.held_deletes++;
		return;
	}
	knl_obj_schedule(kn, o);
}

static void request(struct knl *kn, enum knl_obj_type type, vni_t vni, const struct mac *mac,
		    const struct ipaddr *ip, const struct knl_val *val)
{
	struct knl_key key;
	struct knl_obj *o;

	kn->k.stats.requests++;
	knl_obj_key(&key, type, vni, mac, ip);
	o = knl_obj_find(kn, &key);
	if (!o && !val)
		return; /* deleting what was never there */
	if (!o && !(o = knl_obj_new(kn, &key)))
		return;
	o->want = val ? KNL_WANT_PRESENT : KNL_WANT_ABSENT;
	if (val)
		knl_val_set(kn, o, &o->wval, val);
	o->stale = false;
	o->failed = false;
	if (o->inflight)
		o->redo = true;
	knl_obj_requested(kn, o);
}

void knl_req_flood(struct knl *kn, vni_t vni, const struct ipaddr *vtep, bool add)
{
	struct knl_val val;

	memset(&val, 0, sizeof(val));
	request(kn, KNL_FLOOD, vni, NULL, vtep, add ? &val : NULL);
}

void knl_req_mac(struct knl *kn, vni_t vni, const struct mac *mac, const struct ipaddr *vtep,
		 bool sticky, bool add)
{
	struct knl_val val;

	memset(&val, 0, sizeof(val));
	if (add && vtep && knl_vtep_get(&kn->vteps, vtep, &val.vtep) == -1) {
		const char *why = vtep_refusal(errno);
		char ms[MAC_STRLEN], vs[IPADDR_STRLEN];

		/* not left pointing at where it was: its traffic floods instead */
		log_err("kernel", "vni %u mac %s via %s: not installed (removed if it was): %s", vni,
			mac_fmt(mac, ms), ipaddr_fmt(vtep, vs), why);
		add = false;
	}
	val.sticky = sticky;
	request(kn, KNL_MAC, vni, mac, NULL, add ? &val : NULL);
	knl_vtep_put(&kn->vteps, val.vtep);
}

void knl_req_neigh(struct knl *kn, vni_t vni, const struct ipaddr *ip, const struct mac *mac,
		   bool add)
{
	struct knl_val val;

	memset(&val, 0, sizeof(val));
	if (mac)
		val.mac = *mac;
	request(kn, KNL_NEIGH, vni, NULL, ip, add ? &val : NULL);
}

void knl_sweep(struct knl *kn)
{
	struct knl_obj_iter it;
	struct knl_obj *o;

	KNL_FOREACH_OBJ(kn, it, o) {
		if (!o->stale)
			continue;
		o->stale = false;
		if (o->want != KNL_WANT_NONE)
			continue;
		o->want = KNL_WANT_ABSENT;
		kn->k.stats.stale_swept++;
		knl_obj_schedule(kn, o);
	}
}

void knl_objs_init(struct knl *kn)
{
	htab_init(&kn->objs, obj_node_hash);
	memset(&kn->lost, 0, sizeof(kn->lost));
	pool_init(&kn->obj_pool, sizeof(struct knl_obj));
	LIST_INIT(&kn->routes);
	knl_vteps_init(&kn->vteps);
}

void knl_objs_free(struct knl *kn)
{
	struct knl_obj_iter it;
	struct knl_obj *o;

	KNL_FOREACH_OBJ(kn, it, o)
		obj_drop(kn, o);
	htab_free(&kn->objs);
	pool_free(&kn->obj_pool);
	knl_vteps_free(&kn->vteps);
	free(kn->waits.h);
	memset(&kn->waits, 0, sizeof(kn->waits));
	free(kn->lost.v);
	memset(&kn->lost, 0, sizeof(kn->lost));
}
