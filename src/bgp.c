/*
 * bgp.c - the BGP speaker: identity, listening socket, the peer set built
 * from the configuration, and the control-socket views of it.
 *
 * Invariant: there is exactly one struct bgp_peer per configured neighbour
 * address, and the listening socket carries the TCP-MD5 key of every
 * neighbour that has one (the kernel checks a SYN before accept()).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <json-c/json.h>

#include "bgp.h"
#include "bgp_peer.h"
#include "bgp_route.h"
#include "log.h"

struct bgp {
	struct event_base *base;
	struct rib *rib;
	struct bgp_identity id;
	bool configured;
	struct ipaddr listen_addr;
	uint16_t listen_port;
	struct evconnlistener *listener;
	struct bgp_peer **peers;
	size_t n_peers;
	uint32_t next_peer_id;
	struct event *export_ev;
	struct timespec started; /* CLOCK_MONOTONIC */
	bool deferring;		 /* RFC 4724 4.1 selection deferral after our restart */
	struct event *defer_ev;
};

bool bgp_restarting(const struct bgp *bgp)
{
	return bgp->deferring;
}

bool bgp_all_eor(const struct bgp *bgp, bool skip_restarting)
{
	for (size_t i = 0; i < bgp->n_peers; i++) {
		const struct bgp_peer *p = bgp->peers[i];

		if (p->fsm.state != BGP_ESTABLISHED ||
		    (!bgp_route_eor_received(p) && !(skip_restarting && p->gr_restarting)))
			return false;
	}
	return true;
}

bool bgp_defer_initial_table(const struct bgp *bgp)
{
	struct timespec now;

	if (!bgp->deferring)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - bgp->started.tv_sec < BGP_GR_SELECT_DEFER && !bgp_all_eor(bgp, true);
}

/* The deferral is over: every session that waited gets its table now. */
static void defer_end(struct bgp *bgp, const char *why)
{
	if (!bgp->deferring)
		return;
	bgp->deferring = false;
	log_info("bgp", "restart: %s, sending the table to every neighbor", why);
	for (size_t i = 0; i < bgp->n_peers; i++)
		bgp_route_release_deferred(bgp->peers[i]);
}

void bgp_eor_received(struct bgp *bgp)
{
	if (bgp->deferring && bgp_all_eor(bgp, true))
		defer_end(bgp, "End-of-RIB from every neighbor");
}

static void defer_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	defer_end(arg, "selection deferral time over");
}

static void export_cb(evutil_socket_t fd, short what, void *arg)
{
	struct bgp *bgp = arg;

	for (size_t i = 0; i < bgp->n_peers; i++)
		bgp_route_output_ready(bgp->peers[i]);
}

void bgp_export_schedule(struct bgp *bgp)
{
	if (!event_pending(bgp->export_ev, EV_TIMEOUT, NULL))
		event_active(bgp->export_ev, EV_TIMEOUT, 0);
}

struct bgp *bgp_new(struct event_base *base, struct rib *rib)
{
	struct bgp *bgp = calloc(1, sizeof(*bgp));

	if (!bgp)
		abort();
	bgp->base = base;
	bgp->rib = rib;
	bgp->next_peer_id = 1; /* 0 is the RIB's local peer */
	bgp->export_ev = event_new(base, -1, 0, export_cb, bgp);
	clock_gettime(CLOCK_MONOTONIC, &bgp->started);
	bgp->deferring = true;
	bgp->defer_ev = evtimer_new(base, defer_timer_cb, bgp);
	{
		struct timeval tv = {BGP_GR_SELECT_DEFER, 0};

		evtimer_add(bgp->defer_ev, &tv);
	}
	return bgp;
}

const struct bgp_identity *bgp_identity(const struct bgp *bgp)
{
	return &bgp->id;
}

struct event_base *bgp_event_base(const struct bgp *bgp)
{
	return bgp->base;
}

struct rib *bgp_rib(const struct bgp *bgp)
{
	return bgp->rib;
}

struct bgp_peer *bgp_peer_find(const struct bgp *bgp, const struct ipaddr *addr)
{
	for (size_t i = 0; i < bgp->n_peers; i++)
		if (ipaddr_cmp(&bgp->peers[i]->cfg.address, addr) == 0)
			return bgp->peers[i];
	return NULL;
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len,
		      void *arg)
{
	struct bgp *bgp = arg;
	struct ipaddr a = {0};
	struct bgp_peer *p;
	char s[IPADDR_STRLEN];

	if (sa->sa_family == AF_INET) {
		a.family = AF_INET;
		a.v4 = ((struct sockaddr_in *)sa)->sin_addr;
	} else {
		const struct in6_addr *v6 = &((struct sockaddr_in6 *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(v6)) {
			a.family = AF_INET;
			memcpy(&a.v4, &v6->s6_addr[12], 4);
		} else {
			a.family = AF_INET6;
			a.v6 = *v6;
		}
	}
	p = bgp_peer_find(bgp, &a);
	if (!p) {
		log_warn("bgp", "connection from %s refused: not a configured neighbor",
			 ipaddr_fmt(&a, s));
		close(fd);
		return;
	}
	bgp_peer_accept(p, fd);
}

static void listener_close(struct bgp *bgp)
{
	if (bgp->listener)
		evconnlistener_free(bgp->listener);
	bgp->listener = NULL;
}

/* Listen on listen-address:port, or on [::]:port accepting IPv4 too. */
static int listener_open(struct bgp *bgp, char **err)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int fd, one = 1, zero = 0, ttl = 255;
	struct ipaddr any6 = {.family = AF_INET6};
	const struct ipaddr *a = ipaddr_is_set(&bgp->listen_addr) ? &bgp->listen_addr : &any6;
	char s[IPADDR_STRLEN];

	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr = a->v4;
		sin->sin_port = htons(bgp->listen_port);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = a->v6;
		sin6->sin6_port = htons(bgp->listen_port);
		len = sizeof(*sin6);
	}
	fd = socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (a->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	/*
	 * SYN-ACKs leave with TTL 255 so that a peer using GTSM (RFC 5082)
	 * accepts the handshake; each accepted socket then gets its own TTL.
	 */
	setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	if (a->family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
	if (bind(fd, (struct sockaddr *)&ss, len) == -1)
		goto fail;
	bgp->listener = evconnlistener_new(bgp->base, accept_cb, bgp, LEV_OPT_CLOSE_ON_FREE, 64, fd);
	if (!bgp->listener)
		goto fail;
	log_info("bgp", "listening on [%s]:%u", ipaddr_fmt(a, s), bgp->listen_port);
	return 0;
fail:
	if (asprintf(err, "cannot listen on [%s]:%u: %s", ipaddr_fmt(a, s), bgp->listen_port,
		     strerror(errno)) < 0)
		*err = NULL;
	if (fd != -1)
		close(fd);
	return -1;
}

static void listener_md5(struct bgp *bgp, const struct bgp_peer_cfg *c, bool set)
{
	char s[IPADDR_STRLEN];
	struct ipaddr mapped;
	const struct ipaddr *key = &c->address;

	if (!bgp->listener || !c->password[0])
		return;
	/* on a dual-stack socket an IPv4 peer appears as ::ffff:a.b.c.d */
	if (c->address.family == AF_INET && !ipaddr_is_set(&bgp->listen_addr)) {
		memset(&mapped, 0, sizeof(mapped));
		mapped.family = AF_INET6;
		mapped.v6.s6_addr[10] = 0xff;
		mapped.v6.s6_addr[11] = 0xff;
		memcpy(&mapped.v6.s6_addr[12], &c->address.v4, 4);
		key = &mapped;
	}
	if (bgp_sock_set_md5(evconnlistener_get_fd(bgp->listener), key, set ? c->password : NULL) ==
	    -1)
		log_err("bgp", "TCP-MD5 key for %s on the listener: %s",
			ipaddr_fmt(&c->address, s), strerror(errno));
}

static void peer_cfg_from(struct bgp_peer_cfg *pc, const struct cfg_neighbor *n)
{
	memset(pc, 0, sizeof(*pc));
	pc->address = n->address;
	pc->port = n->port;
	pc->remote_asn = n->remote_asn;
	pc->source = n->source_address;
	pc->passive = n->passive;
	pc->hold_time = n->hold_time;
	pc->keepalive = n->keepalive;
	snprintf(pc->password, sizeof(pc->password), "%s", n->password ? n->password : "");
	pc->ttl_security = n->ttl_security;
	pc->max_prefix = n->max_prefix;
	pc->rr_client = n->rr_client;
	snprintf(pc->description, sizeof(pc->description), "%s",
		 n->description ? n->description : "");
}

/* Does a change from a to b need a new session? (description alone does not) */
static bool session_changed(const struct bgp_peer_cfg *a, const struct bgp_peer_cfg *b)
{
	struct bgp_peer_cfg x = *a, y = *b;

	memset(x.description, 0, sizeof(x.description));
	memset(y.description, 0, sizeof(y.description));
	return memcmp(&x, &y, sizeof(x)) != 0;
}

static void peer_add(struct bgp *bgp, const struct bgp_peer_cfg *pc)
{
	struct bgp_peer **v = realloc(bgp->peers, (bgp->n_peers + 1) * sizeof(*v));

	if (!v)
		abort();
	bgp->peers = v;
	bgp->peers[bgp->n_peers++] = bgp_peer_new(bgp, pc);
	bgp->peers[bgp->n_peers - 1]->id = bgp->next_peer_id++;
	listener_md5(bgp, pc, true);
	bgp_peer_start(bgp->peers[bgp->n_peers - 1]);
}

static void peer_remove(struct bgp *bgp, size_t i, uint8_t cease)
{
	struct bgp_peer *p = bgp->peers[i];

	listener_md5(bgp, &p->cfg, false);
	bgp->peers[i] = bgp->peers[--bgp->n_peers];
	bgp_peer_free(p, cease);
}

static void identity_from(struct bgp_identity *id, const struct config *cfg)
{
	id->asn = cfg->router.asn;
	id->router_id = ntohl(cfg->router.router_id.s_addr);
	id->cluster_id = ntohl(cfg->router.cluster_id.s_addr);
	id->vtep = cfg->router.vtep_ip;
}

/* Reconcile the peer set with cfg's neighbours. */
static void configure_peers(struct bgp *bgp, const struct config *cfg)
{
	for (size_t i = bgp->n_peers; i-- > 0;)
		if (!config_neighbor(cfg, &bgp->peers[i]->cfg.address))
			peer_remove(bgp, i, BGP_ECEASE_PEER_DECONF);
	for (size_t i = 0; i < cfg->n_neighbors; i++) {
		struct bgp_peer_cfg pc;
		struct bgp_peer *p = bgp_peer_find(bgp, &cfg->neighbors[i].address);

		peer_cfg_from(&pc, &cfg->neighbors[i]);
		if (p && !session_changed(&p->cfg, &pc)) {
			p->cfg = pc; /* e.g. a new description */
			continue;
		}
		if (p) {
			log_notice(p->subject, "session settings changed: new session");
			for (size_t j = 0; j < bgp->n_peers; j++)
				if (bgp->peers[j] == p)
					peer_remove(bgp, j, BGP_ECEASE_CONFIG_CHANGE);
		}
		peer_add(bgp, &pc);
	}
}

int bgp_configure(struct bgp *bgp, const struct config *cfg, char **err)
{
	struct bgp_identity id;
	bool relisten;

	identity_from(&id, cfg);
	if (bgp->configured && (id.asn != bgp->id.asn || id.router_id != bgp->id.router_id)) {
		log_notice("bgp", "AS or router-id changed: every session restarts");
		while (bgp->n_peers)
			peer_remove(bgp, bgp->n_peers - 1, BGP_ECEASE_CONFIG_CHANGE);
	}
	bgp->id = id;
	relisten = !bgp->configured || bgp->listen_port != cfg->router.listen_port ||
		   ipaddr_cmp(&bgp->listen_addr, &cfg->router.listen_address) != 0;
	if (relisten) {
		listener_close(bgp);
		bgp->listen_addr = cfg->router.listen_address;
		bgp->listen_port = cfg->router.listen_port;
		if (bgp->listen_port && listener_open(bgp, err) == -1)
			return -1;
		for (size_t i = 0; i < bgp->n_peers; i++)
			listener_md5(bgp, &bgp->peers[i]->cfg, true);
	}
	bgp->configured = true;
	configure_peers(bgp, cfg);
	return 0;
}

void bgp_free(struct bgp *bgp)
{
	if (!bgp)
		return;
	while (bgp->n_peers)
		peer_remove(bgp, bgp->n_peers - 1, 0);
	free(bgp->peers);
	listener_close(bgp);
	event_free(bgp->export_ev);
	event_free(bgp->defer_ev);
	free(bgp);
}

int bgp_clear_neighbor(struct bgp *bgp, const struct ipaddr *addr, bool soft, char **err)
{
	struct bgp_peer *p = bgp_peer_find(bgp, addr);
	char s[IPADDR_STRLEN];

	if (!p) {
		if (asprintf(err, "no neighbor %s", ipaddr_fmt(addr, s)) < 0)
			*err = NULL;
		return -1;
	}
	if (!soft) {
		bgp_peer_reset(p, "cleared by operator");
		return 0;
	}
	if (bgp_peer_request_refresh(p) == -1) {
		if (asprintf(err, "neighbor %s: no Established session with route refresh",
			     ipaddr_fmt(addr, s)) < 0)
			*err = NULL;
		return -1;
	}
	return 0;
}

json_object *bgp_show_neighbors(const struct bgp *bgp)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < bgp->n_peers; i++)
		json_object_array_add(a, bgp_peer_json(bgp->peers[i]));
	return a;
}

json_object *bgp_show_summary(const struct bgp *bgp)
{
	json_object *o = json_object_new_object();
	int64_t up = 0;

	for (size_t i = 0; i < bgp->n_peers; i++)
		up += bgp->peers[i]->fsm.state == BGP_ESTABLISHED;
	json_object_object_add(o, "neighbors", json_object_new_int64((int64_t)bgp->n_peers));
	json_object_object_add(o, "established", json_object_new_int64(up));
	json_object_object_add(o, "listen-port", json_object_new_int(bgp->listen_port));
	return o;
}
