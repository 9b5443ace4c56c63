/* rib_harness.c - the RIB suites' fixtures (rib_harness.h). */
#include <arpa/inet.h>
#include <string.h>

#include "rib_harness.h"

void observe(void *arg, const struct rib_route *rt, const struct rib_path *old_best,
	     const struct rib_path *new_best)
{
	struct obs *o = arg;

	ck_assert_uint_lt(o->n, 16);
	o->call[o->n].rt = rt;
	o->call[o->n].old_best = old_best;
	o->call[o->n].new_best = new_best;
	o->call[o->n].old_peer = old_best ? rib_path_peer(old_best) : NULL;
	/* the route and both paths are alive: touch them (ASan checks) */
	o->call[o->n].route_ok = rt->key.type != 0 && (!old_best || old_best->attrs) &&
				 (!new_best || rib_route_best(rt) == new_best);
	o->n++;
}

struct rib *rib_make(void)
{
	struct rib_config cfg = {.local_as = LOCAL_AS, .router_id = ROUTER_ID};
	struct rib *rib = rib_new(&cfg);

	ck_assert_ptr_nonnull(rib);
	return rib;
}

uint32_t ip4h(const char *s)
{
	return ntohl(ip(s).v4.s_addr);
}

struct rib_peer *peer_make(struct rib *rib, uint32_t id, const char *addr, bool ibgp,
			   bool client)
{
	struct rib_peer_info info = {
		.id = id, .bgp_id = ip4h(addr), .addr = ip(addr), .ibgp = ibgp, .rr_client = client,
	};
	struct rib_peer *p = rib_peer_add(rib, &info);

	ck_assert_ptr_nonnull(p);
	return p;
}

struct evpn_route macip(unsigned rd, uint32_t n)
{
	struct evpn_route r;

	memset(&r, 0, sizeof(r));
	r.type = EVPN_RT_MACIP;
	r.key_valid = true;
	rd_auto(&r.rd, (struct in_addr){htonl(0x0a000000u | rd)}, 1);
	r.mac.octet[0] = 0x02;
	r.mac.octet[2] = (uint8_t)(n >> 24);
	r.mac.octet[3] = (uint8_t)(n >> 16);
	r.mac.octet[4] = (uint8_t)(n >> 8);
	r.mac.octet[5] = (uint8_t)n;
	r.nlabels = 1;
	r.label[0] = 100;
	return r;
}

struct evpn_key key_of(const struct evpn_route *r)
{
	struct evpn_key k;

	evpn_key_from_route(r, &k);
	return k;
}

struct rib_route *get(struct rib *rib, const struct evpn_route *r)
{
	struct evpn_key k = key_of(r);

	return rib_route_get(rib, &k);
}

struct rib_attrs tmpl(const char *nh, struct ecomm *ec, long seq, bool sticky)
{
	struct rib_attrs t;

	memset(&t, 0, sizeof(t));
	t.next_hop = ip(nh);
	rt_auto(&ec[0], LOCAL_AS, 100);
	evpn_ecomm_encap(&ec[1], EVPN_TUNNEL_VXLAN);
	t.n_ecomm = 2;
	if (seq >= 0 || sticky) {
		evpn_ecomm_mac_mobility(&ec[2], seq >= 0 ? (uint32_t)seq : 0, sticky);
		t.n_ecomm = 3;
	}
	t.ecomm = ec;
	return t;
}

const struct rib_attrs *intern(struct rib *rib, const struct rib_attrs *t)
{
	const struct rib_attrs *a = rib_attrs_intern(rib, t);

	ck_assert_ptr_nonnull(a);
	return a;
}

const struct rib_attrs *intern_from(struct rib *rib, const struct rib_attrs *t,
				    struct rib_peer *from)
{
	struct rib_attrs c = *t;

	c.from = from;
	return intern(rib, &c);
}

void announce(struct rib *rib, struct rib_peer *peer, const struct evpn_route *r,
	      const struct rib_attrs *t)
{
	const struct rib_attrs *a = intern_from(rib, t, peer);

	ck_assert_int_eq(rib_update(rib, peer, r, a), 0);
	rib_attrs_unref(rib, a);
}

void check_empty(struct rib *rib)
{
	struct rib_stats st;

	rib_stats_get(rib, &st);
	ck_assert_uint_eq(st.routes, 0);
	ck_assert_uint_eq(st.paths, 0);
	ck_assert_uint_eq(st.attrs, 0);
}

struct evpn_route route_of(uint8_t type)
{
	struct evpn_route r = macip(2, 1);

	if (type == EVPN_RT_IMET) {
		memset(&r.mac, 0, sizeof(r.mac));
		r.ip = ip("10.0.0.2");
		r.nlabels = 0;
	} else if (type == EVPN_RT_PREFIX) {
		memset(&r.mac, 0, sizeof(r.mac));
		r.prefix.addr = ip("192.168.0.0");
		r.prefix.len = 16;
	}
	r.type = type;
	return r;
}
