/*
 * bgp_conn.c - BGP TCP connections: socket options (TCP-MD5, GTSM, source
 * address), outgoing connects, framing of the input stream into messages,
 * output with back-pressure, and release after the last byte is flushed.
 *
 * Invariant: a connection reports to its peer only while conn->peer is set;
 * once released it only drains its output and frees itself (on the next
 * loop iteration at the earliest, never inside the caller's stack).
 *
 * Output, connect and write errors go through a libevent bufferevent; input
 * is read here (c->rd into c->in): libevent 2.1's evbuffer_read takes at
 * most 4 KB per call and per loop turn whatever the bufferevent's limits
 * say, so the input bounds of bgp_peer.h are enforced in this file.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "bgp.h"
#include "bgp_peer.h"
#include "log.h"

#define RELEASE_TIMEOUT_S 3	  /* give up flushing a released connection */
#define IN_READ_MAX (2 * BGP_EXT_MAX_LEN) /* bytes read from the socket at once */

static void sockaddr_from(const struct ipaddr *a, uint16_t port, struct sockaddr_storage *ss,
			  socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		sin->sin_addr = a->v4;
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		sin6->sin6_addr = a->v6;
		*len = sizeof(*sin6);
	}
}

/* An address from a socket, IPv4-mapped IPv6 folded to IPv4. */
static void ipaddr_from_sockaddr(const struct sockaddr_storage *ss, struct ipaddr *a,
				 uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		a->family = AF_INET;
		a->v4 = sin->sin_addr;
		*port = ntohs(sin->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		*port = ntohs(sin6->sin6_port);
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			a->family = AF_INET;
			memcpy(&a->v4, &sin6->sin6_addr.s6_addr[12], 4);
		} else {
			a->family = AF_INET6;
			a->v6 = sin6->sin6_addr;
		}
	}
}

int bgp_sock_set_md5(int fd, const struct ipaddr *peer, const char *password)
{
	struct tcp_md5sig md5;
	socklen_t len;
	size_t klen = password ? strlen(password) : 0;

	if (klen > TCP_MD5SIG_MAXKEYLEN) {
		errno = EINVAL;
		return -1;
	}
	memset(&md5, 0, sizeof(md5));
	sockaddr_from(peer, 0, &md5.tcpm_addr, &len);
	md5.tcpm_keylen = (uint16_t)klen;
	if (klen)
		memcpy(md5.tcpm_key, password, klen);
	return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5));
}

/* RFC 5082: send with TTL 255, accept only TTL >= 256 - hops. */
int bgp_sock_set_gtsm(int fd, int family, uint8_t hops)
{
	int ttl = 255, min = 256 - hops;

	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) == -1 ||
				       setsockopt(fd, IPPROTO_IP, IP_MINTTL, &min, sizeof(min)) == -1
			       ? -1
			       : 0;
	return setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)) == -1 ||
			       setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &min, sizeof(min)) == -1
		       ? -1
		       : 0;
}

static void conn_addresses(struct bgp_conn *c, int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		ipaddr_from_sockaddr(&ss, &c->local, &c->local_port);
	len = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		ipaddr_from_sockaddr(&ss, &c->remote, &c->remote_port);
}

/* Every event of c goes with it: none may fire on freed memory. */
static void conn_free(struct bgp_conn *c)
{
	if (c->rd)
		event_free(c->rd);
	if (c->in)
		evbuffer_free(c->in);
	if (c->resume)
		event_free(c->resume);
	if (c->release)
		event_free(c->release);
	bufferevent_free(c->bev);
	free(c);
}

static void released_flushed(struct bufferevent *bev, void *arg)
{
	conn_free(arg);
}

static void released_event(struct bufferevent *bev, short what, void *arg)
{
	conn_free(arg);
}

static void released_check(evutil_socket_t fd, short what, void *arg)
{
	struct bgp_conn *c = arg;

	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		conn_free(c);
}

void bgp_conn_release(struct bgp_conn *c)
{
	struct timeval zero = {0, 0}, tmo = {RELEASE_TIMEOUT_S, 0};

	if (!c)
		return;
	c->peer = NULL;
	if (c->resume)
		evtimer_del(c->resume);
	event_del(c->rd);
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	bufferevent_setcb(c->bev, NULL, released_flushed, released_event, c);
	bufferevent_set_timeouts(c->bev, NULL, &tmo);
	/*
	 * An event of c's own, not event_base_once: when the write callback
	 * frees c first (output flushed in the same loop turn), conn_free
	 * deletes this one too -- a one-shot event would then fire on freed
	 * memory.
	 */
	c->release = evtimer_new(bufferevent_get_base(c->bev), released_check, c);
	if (c->release)
		evtimer_add(c->release, &zero);
	else
		conn_free(c);
}

/*
 * Hand the next whole message of in to the peer.  Returns its length, 0
 * when it is not complete yet, -1 when the stream is broken (reported).
 */
static long conn_next(struct bgp_conn *c, struct evbuffer *in)
{
	size_t max = c->peer->ext_msg ? BGP_EXT_MAX_LEN : BGP_MAX_LEN;
	const uint8_t *p;
	size_t need;
	struct bgp_notify err;
	struct bgp_msg m;
	struct buf b;
	int rc;

	if (evbuffer_get_length(in) < BGP_HDR_LEN)
		return 0;
	p = evbuffer_pullup(in, BGP_HDR_LEN);
	need = (size_t)(p[16] << 8 | p[17]);
	if (need > max)
		c->peer->bounds.in_oversized++;
	if (need < BGP_HDR_LEN || need > max)
		need = BGP_HDR_LEN; /* let the codec report the bad length */
	if (evbuffer_get_length(in) < need)
		return 0;
	p = evbuffer_pullup(in, (ssize_t)need);
	buf_init(&b, p, need);
	rc = bgp_msg_next(&b, max, &m, &err);
	if (rc == 1)
		return 0;
	if (rc == -1) {
		bgp_peer_recv_bad(c, &err);
		return -1;
	}
	bgp_peer_recv(c, &m);
	evbuffer_drain(in, need);
	return (long)need;
}

/*
 * Frame whole messages out of c->in and hand them to the peer, at most
 * limit bytes of them; the rest waits for the next turn (c->resume).
 * Reading stops while BGP_IN_HIGH bytes wait and starts again below it.
 * Returns -1 when c was reset or released on the way.
 */
static int conn_input(struct bgp_conn *c, size_t limit)
{
	static const struct timeval zero = {0, 0};
	size_t done = 0;
	long n;

	while (done < limit) {
		if ((n = conn_next(c, c->in)) == -1 || !c->peer)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (c->in_full && evbuffer_get_length(c->in) < BGP_IN_HIGH) {
		c->in_full = false;
		event_add(c->rd, NULL);
	}
	if (done >= limit && evbuffer_get_length(c->in) >= BGP_HDR_LEN) {
		c->peer->bounds.in_slices++;
		evtimer_add(c->resume, &zero);
	}
	return 0;
}

/* Read what the socket has, up to IN_READ_MAX and the BGP_IN_HIGH bound. */
static void conn_readable(evutil_socket_t fd, short what, void *arg)
{
	struct bgp_conn *c = arg;
	struct evbuffer_iovec v[2];
	size_t room = BGP_IN_HIGH - evbuffer_get_length(c->in), got, left;
	ssize_t r;
	int k, i, err;

	if (!c->peer)
		return;
	if (room > IN_READ_MAX)
		room = IN_READ_MAX;
	k = evbuffer_reserve_space(c->in, (ev_ssize_t)room, v, 2);
	if (k <= 0)
		abort();
	for (i = 0, left = room; i < k; i++) {
		if (v[i].iov_len > left)
			v[i].iov_len = left;
		left -= v[i].iov_len;
	}
	r = readv(fd, (struct iovec *)v, k);
	err = errno;
	got = r > 0 ? (size_t)r : 0;
	for (i = 0, left = got; i < k; i++) {
		if (v[i].iov_len > left)
			v[i].iov_len = left;
		left -= v[i].iov_len;
	}
	evbuffer_commit_space(c->in, v, k);
	if (r == -1 && (err == EAGAIN || err == EWOULDBLOCK || err == EINTR))
		return;
	if (r <= 0) {
		/* what came before the end still counts (a NOTIFICATION, say) */
		char why[128];

		snprintf(why, sizeof(why), "%s",
			 r == 0 ? "connection closed by peer" : strerror(err));
		event_del(c->rd);
		if (conn_input(c, SIZE_MAX) == 0)
			bgp_peer_conn_down(c, why);
		return;
	}
	if (evbuffer_get_length(c->in) >= BGP_IN_HIGH) {
		c->peer->bounds.in_paused++;
		c->in_full = true;
		event_del(c->rd);
	}
	if (!evtimer_pending(c->resume, NULL))
		conn_input(c, BGP_IN_SLICE);
}

static void conn_resume(evutil_socket_t fd, short what, void *arg)
{
	struct bgp_conn *c = arg;

	if (c->peer)
		conn_input(c, BGP_IN_SLICE);
}

static void conn_write(struct bufferevent *bev, void *arg)
{
	struct bgp_conn *c = arg;

	if (c->peer)
		bgp_peer_output_drained(c);
}

static void conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct bgp_conn *c = arg;
	char why[128];

	if (!c->peer)
		return;
	if (what & BEV_EVENT_CONNECTED) {
		conn_addresses(c, bufferevent_getfd(bev));
		event_add(c->rd, NULL);
		bgp_peer_conn_up(c);
		return;
	}
	if ((what & BEV_EVENT_TIMEOUT) && (what & BEV_EVENT_WRITING)) {
		c->peer->bounds.send_hold_expired++;
		snprintf(why, sizeof(why), "send hold timer expired: the peer reads nothing");
	} else if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof(why), "connection closed by peer");
	else if (what & BEV_EVENT_ERROR)
		snprintf(why, sizeof(why), "%s", strerror(EVUTIL_SOCKET_ERROR()));
	else
		snprintf(why, sizeof(why), "timeout");
	bgp_peer_conn_down(c, why);
}

static struct bgp_conn *conn_new(struct bgp_peer *p, int fd, bool outgoing)
{
	struct bgp_conn *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	c->peer = p;
	c->outgoing = outgoing;
	c->bev = bufferevent_socket_new(bgp_event_base(p->bgp), fd, BEV_OPT_CLOSE_ON_FREE);
	if (!c->bev) {
		close(fd);
		free(c);
		return NULL;
	}
	c->resume = evtimer_new(bgp_event_base(p->bgp), conn_resume, c);
	c->rd = event_new(bgp_event_base(p->bgp), fd, EV_READ | EV_PERSIST, conn_readable, c);
	c->in = evbuffer_new();
	if (!c->resume || !c->rd || !c->in) {
		conn_free(c);
		return NULL;
	}
	bufferevent_setcb(c->bev, NULL, conn_write, conn_event, c);
	bufferevent_setwatermark(c->bev, EV_WRITE, BGP_OUT_LOW, 0);
	return c;
}

/*
 * Per-connection options.  An accepted socket inherits its TCP-MD5 key from
 * the listener (the SYN was checked with it), so only outgoing ones set it.
 * GTSM works at the level of the peer's family, also on a dual-stack socket.
 */
static int apply_options(struct bgp_peer *p, int fd, bool outgoing)
{
	int one = 1, family = p->cfg.address.family;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (outgoing && p->cfg.password[0] &&
	    bgp_sock_set_md5(fd, &p->cfg.address, p->cfg.password) == -1) {
		log_err(p->subject, "TCP-MD5: %s", strerror(errno));
		return -1;
	}
	if (p->cfg.ttl_security) {
		if (bgp_sock_set_gtsm(fd, family, p->cfg.ttl_security) == -1) {
			log_err(p->subject, "GTSM: %s", strerror(errno));
			return -1;
		}
	} else if (!outgoing) {
		int ttl = -1; /* not GTSM: back to the default TTL from the listener's 255 */

		setsockopt(fd, family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
			   family == AF_INET ? IP_TTL : IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
	}
	return 0;
}

struct bgp_conn *bgp_conn_connect(struct bgp_peer *p)
{
	struct sockaddr_storage ss;
	socklen_t len;
	struct bgp_conn *c;
	int family = p->cfg.address.family;
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd == -1) {
		log_err(p->subject, "socket: %s", strerror(errno));
		return NULL;
	}
	if (apply_options(p, fd, true) == -1)
		goto fail;
	if (ipaddr_is_set(&p->cfg.source)) {
		sockaddr_from(&p->cfg.source, 0, &ss, &len);
		if (bind(fd, (struct sockaddr *)&ss, len) == -1) {
			char a[IPADDR_STRLEN];

			log_err(p->subject, "bind to source %s: %s", ipaddr_fmt(&p->cfg.source, a),
				strerror(errno));
			goto fail;
		}
	}
	c = conn_new(p, fd, true);
	if (!c)
		return NULL;
	sockaddr_from(&p->cfg.address, p->cfg.port, &ss, &len);
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&ss, (int)len) == -1) {
		log_info(p->subject, "connect: %s", strerror(errno));
		c->peer = NULL;
		conn_free(c);
		return NULL;
	}
	return c;
fail:
	close(fd);
	return NULL;
}

struct bgp_conn *bgp_conn_accepted(struct bgp_peer *p, int fd)
{
	struct bgp_conn *c;

	if (apply_options(p, fd, false) == -1) {
		close(fd);
		return NULL;
	}
	evutil_make_socket_nonblocking(fd);
	c = conn_new(p, fd, false);
	if (!c)
		return NULL;
	conn_addresses(c, fd);
	event_add(c->rd, NULL);
	return c;
}

int bgp_conn_send(struct bgp_conn *c, const void *msg, size_t len)
{
	size_t q;

	if (!c || !c->peer || bufferevent_write(c->bev, msg, len) == -1)
		return -1;
	q = bgp_conn_pending_output(c);
	if (q > c->peer->bounds.out_high_water)
		c->peer->bounds.out_high_water = q;
	return 0;
}

size_t bgp_conn_pending_output(const struct bgp_conn *c)
{
	return c ? evbuffer_get_length(bufferevent_get_output(c->bev)) : 0;
}

size_t bgp_conn_pending_input(const struct bgp_conn *c)
{
	return c ? evbuffer_get_length(c->in) : 0;
}

/* libevent's write timeout: it fires when queued output made no progress for that long. */
void bgp_conn_set_send_hold(struct bgp_conn *c, unsigned seconds)
{
	struct timeval tv = {(time_t)seconds, 0};

	if (c && c->peer)
		bufferevent_set_timeouts(c->bev, NULL, &tv);
}
