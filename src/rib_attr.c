/*
 * rib_attr.c - interned path attributes of the RIB.
 *
 * Many routes share one attribute set (a burst of 100,000 MACs from one
 * route reflector usually carries a handful of distinct sets), so each set
 * is stored once: rib_attrs_intern hashes a template's contents and returns
 * the existing copy or a new one, struct and variable-length members in one
 * allocation.  Interned sets are immutable; the uthash table compares them
 * by contents and announcing peer (attrs_eq), never by address.  Derived fields (AS_PATH length,
 * MAC mobility, router MAC, default gateway) are computed once here.
 */
#include <stdlib.h>
#include <string.h>

#include "evpn_ecomm.h"
#include "rib_priv.h"

/* uthash compares keys with attrs_eq; the key of an entry is its attrs. */
static bool attrs_eq(const struct rib_attrs *x, const struct rib_attrs *y);
#undef HASH_KEYCMP
#define HASH_KEYCMP(a, b, n) (attrs_eq((const struct rib_attrs *)(a), \
				       (const struct rib_attrs *)(b)) ? 0 : 1)
#undef uthash_nonfatal_oom
#define uthash_nonfatal_oom(obj) (oom = true)

#define AS_PATH_STACK 512	/* normalised 4-octet AS_PATHs up to this stay on the stack */

static struct rib_attrs_entry *attrs_entry(const struct rib_attrs *a)
{
	return (struct rib_attrs_entry *)((const char *)a - offsetof(struct rib_attrs_entry, a));
}

void rib_attrs_from_update(struct rib_attrs *t, const struct bgp_update *u)
{
	uint32_t p = u->present;

	memset(t, 0, sizeof(*t));
	t->origin = u->origin;
	if (p & BGP_ATTR_BIT(BGP_ATTR_AS_PATH)) {
		t->as_path = u->as_path.data;
		t->as_path_len = (uint32_t)u->as_path.len;
		t->as_path_as2 = !u->as_path_as4;
		if (t->as_path_as2 && (p & BGP_ATTR_BIT(BGP_ATTR_AS4_PATH))) {
			t->as4_path = u->as4_path.data;
			t->as4_path_len = (uint32_t)u->as4_path.len;
		}
	}
	t->has_med = p & BGP_ATTR_BIT(BGP_ATTR_MED);
	t->med = u->med;
	t->has_local_pref = p & BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
	t->local_pref = u->local_pref;
	t->has_originator = p & BGP_ATTR_BIT(BGP_ATTR_ORIGINATOR_ID);
	t->originator_id = u->originator_id;
	if (p & BGP_ATTR_BIT(BGP_ATTR_CLUSTER_LIST)) {
		t->cluster_list = u->cluster_list.data;
		t->n_cluster = (uint16_t)(u->cluster_list.len / 4);
	}
	if (p & BGP_ATTR_BIT(BGP_ATTR_EXT_COMM)) {
		t->ecomm = (const struct ecomm *)u->ext_comm.data;
		t->n_ecomm = (uint16_t)bgp_ext_comm_count(u);
	}
	if (p & BGP_ATTR_BIT(BGP_ATTR_PMSI)) {
		t->has_pmsi = true;
		t->pmsi = u->pmsi;
	}
	if ((p & BGP_ATTR_BIT(BGP_ATTR_MP_REACH)) && u->mp_reach.nh.family)
		t->next_hop = u->mp_reach.nh;
	else if (p & BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP))
		t->next_hop = u->next_hop;
	t->unknown = u->unknown;
	t->n_unknown = u->n_unknown;
}

/* ---- AS_PATH normalisation (RFC 6793 4.2.3) ------------------------ */

/* Path length of one segment for the decision and for RFC 6793 merging. */
static unsigned seg_count(uint8_t type, uint8_t n)
{
	if (type == BGP_AS_SET)
		return 1;
	if (type == BGP_AS_SEQUENCE)
		return n;
	return 0; /* confederation segments (RFC 5065 5.3) */
}

static unsigned aspath_count(const uint8_t *p, size_t len, unsigned width)
{
	unsigned count = 0;

	for (size_t off = 0; off + 2 <= len; off += 2 + (size_t)p[off + 1] * width)
		count += seg_count(p[off], p[off + 1]);
	return count;
}

/*
 * Widen a 2-octet AS_PATH into out (capacity 2 * len), keeping only its
 * first keep path-length units (RFC 6793 4.2.3: the leading ASNs that
 * AS4_PATH does not cover); UINT32_MAX keeps everything.  Returns octets.
 */
static size_t aspath_widen(const uint8_t *p, size_t len, unsigned keep, uint8_t *out)
{
	size_t o = 0;

	for (size_t off = 0; off + 2 <= len && keep > 0; off += 2 + (size_t)p[off + 1] * 2) {
		uint8_t type = p[off], n = p[off + 1];
		unsigned c = seg_count(type, n);

		if (c > keep) /* only a sequence can be cut */
			n = (uint8_t)keep;
		out[o++] = type;
		out[o++] = n;
		for (uint8_t i = 0; i < n; i++) {
			out[o++] = 0;
			out[o++] = 0;
			out[o++] = p[off + 2 + 2 * i];
			out[o++] = p[off + 3 + 2 * i];
		}
		keep -= c > keep ? keep : c;
	}
	return o;
}

/*
 * Turn a template with a 2-octet AS_PATH into one with the 4-octet form
 * written to buf (capacity 2 * as_path_len + as4_path_len), merging
 * AS4_PATH when it is not longer than AS_PATH (RFC 6793 4.2.3).
 */
static void aspath_normalise(struct rib_attrs *t, uint8_t *buf)
{
	unsigned n2 = aspath_count(t->as_path, t->as_path_len, 2);
	unsigned n4 = aspath_count(t->as4_path, t->as4_path_len, 4);
	size_t len;

	if (t->as4_path_len > 0 && n4 <= n2) {
		len = aspath_widen(t->as_path, t->as_path_len, n2 - n4, buf);
		memcpy(buf + len, t->as4_path, t->as4_path_len);
		len += t->as4_path_len;
	} else {
		len = aspath_widen(t->as_path, t->as_path_len, UINT32_MAX, buf);
	}
	t->as_path = buf;
	t->as_path_len = (uint32_t)len;
	t->as_path_as2 = false;
	t->as4_path = NULL;
	t->as4_path_len = 0;
}

/* ---- contents: hash, equality, size, copy --------------------------- */

static uint64_t hash_mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static uint64_t hash_bytes(uint64_t h, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t w;

	h = hash_mix(h, len);
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = hash_mix(h, w);
	}
	if (len == 0)
		return h;
	w = 0;
	memcpy(&w, p, len);
	return hash_mix(h, w);
}

static size_t pmsi_id_len(const struct rib_attrs *a)
{
	return a->has_pmsi && a->pmsi.type != BGP_PMSI_INGRESS_REPL ? a->pmsi.id.len : 0;
}

static unsigned attrs_hash(const struct rib_attrs *a)
{
	uint64_t h = 0;

	h = hash_mix(h, (uint64_t)(uintptr_t)a->from);
	h = hash_mix(h, (uint64_t)a->origin | (uint64_t)a->has_med << 8 |
			(uint64_t)a->has_local_pref << 9 | (uint64_t)a->has_originator << 10 |
			(uint64_t)a->has_pmsi << 11 | (uint64_t)a->n_unknown << 16);
	h = hash_mix(h, (uint64_t)(a->has_med ? a->med : 0) << 32 |
			(a->has_local_pref ? a->local_pref : 0));
	h = hash_mix(h, a->has_originator ? a->originator_id : 0);
	h = hash_mix(h, a->next_hop.family);
	h = hash_bytes(h, a->next_hop.bytes, ipaddr_len(&a->next_hop));
	h = hash_bytes(h, a->as_path, a->as_path_len);
	h = hash_bytes(h, a->cluster_list, (size_t)a->n_cluster * 4);
	h = hash_bytes(h, a->ecomm, (size_t)a->n_ecomm * ECOMM_LEN);
	if (a->has_pmsi) {
		h = hash_mix(h, (uint64_t)a->pmsi.flags << 32 | (uint64_t)a->pmsi.type << 24 |
				a->pmsi.label);
		h = hash_bytes(h, a->pmsi.ir.bytes, ipaddr_len(&a->pmsi.ir));
		h = hash_bytes(h, a->pmsi.id.data, pmsi_id_len(a));
	}
	for (uint8_t i = 0; i < a->n_unknown; i++)
		h = hash_bytes(h, a->unknown[i].data, a->unknown[i].len);
	return (unsigned)(h ^ (h >> 32));
}

static bool mem_eq(const void *x, const void *y, size_t n)
{
	return n == 0 || memcmp(x, y, n) == 0;
}

static bool pmsi_eq(const struct rib_attrs *x, const struct rib_attrs *y)
{
	if (x->has_pmsi != y->has_pmsi)
		return false;
	if (!x->has_pmsi)
		return true;
	return x->pmsi.flags == y->pmsi.flags && x->pmsi.type == y->pmsi.type &&
	       x->pmsi.label == y->pmsi.label && ipaddr_cmp(&x->pmsi.ir, &y->pmsi.ir) == 0 &&
	       pmsi_id_len(x) == pmsi_id_len(y) &&
	       mem_eq(x->pmsi.id.data, y->pmsi.id.data, pmsi_id_len(x));
}

bool rib_attrs_same(const struct rib_attrs *x, const struct rib_attrs *y)
{
	if (x == y)
		return true;
	if (x->origin != y->origin || x->has_med != y->has_med ||
	    x->has_local_pref != y->has_local_pref || x->has_originator != y->has_originator ||
	    (x->has_med && x->med != y->med) ||
	    (x->has_local_pref && x->local_pref != y->local_pref) ||
	    (x->has_originator && x->originator_id != y->originator_id) ||
	    ipaddr_cmp(&x->next_hop, &y->next_hop) != 0 || x->as_path_len != y->as_path_len ||
	    x->n_cluster != y->n_cluster || x->n_ecomm != y->n_ecomm ||
	    x->n_unknown != y->n_unknown || !pmsi_eq(x, y))
		return false;
	if (!mem_eq(x->as_path, y->as_path, x->as_path_len) ||
	    !mem_eq(x->cluster_list, y->cluster_list, (size_t)x->n_cluster * 4) ||
	    !mem_eq(x->ecomm, y->ecomm, (size_t)x->n_ecomm * ECOMM_LEN))
		return false;
	for (uint8_t i = 0; i < x->n_unknown; i++)
		if (x->unknown[i].len != y->unknown[i].len ||
		    !mem_eq(x->unknown[i].data, y->unknown[i].data, x->unknown[i].len))
			return false;
	return true;
}

static bool attrs_eq(const struct rib_attrs *x, const struct rib_attrs *y)
{
	return x->from == y->from && rib_attrs_same(x, y);
}

/* Bytes the variable-length members of t take in an entry (after bufs). */
static size_t attrs_var_size(const struct rib_attrs *t)
{
	size_t n = (size_t)t->n_unknown * sizeof(struct buf);

	n += t->as_path_len + (size_t)t->n_cluster * 4 + (size_t)t->n_ecomm * ECOMM_LEN;
	n += pmsi_id_len(t);
	for (uint8_t i = 0; i < t->n_unknown; i++)
		n += t->unknown[i].len;
	return n;
}

static const void *copy_out(uint8_t **p, const void *src, size_t n)
{
	const void *at = *p;

	if (n == 0)
		return NULL;
	memcpy(*p, src, n);
	*p += n;
	return at;
}

/* Copy t into e->a with its members placed after e; derive the summary. */
static void attrs_fill(struct rib_attrs_entry *e, const struct rib_attrs *t)
{
	struct rib_attrs *a = &e->a;
	struct buf *bufs = (struct buf *)(e + 1);
	uint8_t *p = (uint8_t *)(bufs + t->n_unknown);

	*a = *t;
	a->unknown = t->n_unknown ? bufs : NULL;
	for (uint8_t i = 0; i < t->n_unknown; i++) {
		buf_init(&bufs[i], p, t->unknown[i].len);
		copy_out(&p, t->unknown[i].data, t->unknown[i].len);
	}
	a->as_path = copy_out(&p, t->as_path, t->as_path_len);
	a->cluster_list = copy_out(&p, t->cluster_list, (size_t)t->n_cluster * 4);
	a->ecomm = copy_out(&p, t->ecomm, (size_t)t->n_ecomm * ECOMM_LEN);
	if (!a->has_pmsi)
		memset(&a->pmsi, 0, sizeof(a->pmsi));
	buf_init(&a->pmsi.id, copy_out(&p, t->pmsi.id.data, pmsi_id_len(t)), pmsi_id_len(t));
	if (!a->has_med)
		a->med = 0;
	if (!a->has_local_pref)
		a->local_pref = 0;
	if (!a->has_originator)
		a->originator_id = 0;
	if (!ipaddr_is_set(&a->next_hop))
		memset(&a->next_hop, 0, sizeof(a->next_hop));
}

static void attrs_derive(struct rib_attrs *a)
{
	struct evpn_ecomm_summary s;
	struct buf b;

	a->as_path_count = (uint16_t)aspath_count(a->as_path, a->as_path_len, 4);
	buf_init(&b, a->ecomm, (size_t)a->n_ecomm * ECOMM_LEN);
	evpn_ecomm_summarise(&b, &s);
	a->mm_present = s.present & EVPN_ECS_MAC_MOBILITY;
	a->mm_seq = s.mm_seq;
	a->mm_sticky = s.mm_sticky;
	a->has_rmac = s.present & EVPN_ECS_ROUTER_MAC;
	a->rmac = s.rmac;
	a->default_gw = s.present & EVPN_ECS_DEF_GW;
}

static const struct rib_attrs *attrs_intern_norm(struct rib *rib, const struct rib_attrs *t)
{
	struct rib_attrs_entry *e;
	unsigned hv = attrs_hash(t);
	size_t size;
	bool oom = false;

	HASH_FIND_BYHASHVALUE(hh, rib->attrs, t, sizeof(*t), hv, e);
	if (e) {
		e->refcnt++;
		return &e->a;
	}
	size = sizeof(*e) + attrs_var_size(t);
	e = malloc(size);
	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->refcnt = 1;
	e->size = size;
	attrs_fill(e, t);
	attrs_derive(&e->a);
	HASH_ADD_KEYPTR_BYHASHVALUE(hh, rib->attrs, &e->a, sizeof(e->a), hv, e);
	if (oom) {
		free(e);
		return NULL;
	}
	rib->n_attrs++;
	rib->attrs_bytes += size;
	return &e->a;
}

const struct rib_attrs *rib_attrs_intern(struct rib *rib, const struct rib_attrs *tmpl)
{
	const struct rib_attrs *a;
	struct rib_attrs t;
	uint8_t stack[AS_PATH_STACK], *buf = stack;
	size_t need;

	if (!tmpl->as_path_as2)
		return attrs_intern_norm(rib, tmpl);
	t = *tmpl;
	need = 2 * (size_t)t.as_path_len + t.as4_path_len;
	if (need > sizeof(stack) && !(buf = malloc(need)))
		return NULL;
	aspath_normalise(&t, buf);
	a = attrs_intern_norm(rib, &t);
	if (buf != stack)
		free(buf);
	return a;
}

const struct rib_attrs *rib_attrs_ref(const struct rib_attrs *a)
{
	attrs_entry(a)->refcnt++;
	return a;
}

uint32_t rib_attrs_refcnt(const struct rib_attrs *a)
{
	return attrs_entry(a)->refcnt;
}

void rib_attrs_unref(struct rib *rib, const struct rib_attrs *a)
{
	struct rib_attrs_entry *e;

	if (!a)
		return;
	e = attrs_entry(a);
	if (--e->refcnt > 0)
		return;
	HASH_DELETE(hh, rib->attrs, e);
	rib->n_attrs--;
	rib->attrs_bytes -= e->size;
	free(e);
}

void rib_attrs_free_all(struct rib *rib)
{
	struct rib_attrs_entry *e, *tmp;

	HASH_ITER(hh, rib->attrs, e, tmp) {
		HASH_DELETE(hh, rib->attrs, e);
		free(e);
	}
	rib->n_attrs = 0;
	rib->attrs_bytes = 0;
}
