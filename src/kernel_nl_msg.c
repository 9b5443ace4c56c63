/*
 * kernel_nl_msg.c - rtnetlink plumbing of the kernel module: sockets,
 * message building into the output buffer, validated attribute parsing and
 * synchronous dumps.
 *
 * Contracts:
 *  - Every byte read from the kernel goes through struct buf: a message or
 *    attribute whose declared length exceeds what was received is refused
 *    as a whole, never partly parsed.
 *  - A built message never exceeds KNL_MSG_MAX; knl_msg_begin guarantees
 *    that much room in the buffer, so knl_msg_put only checks the limit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "kernel_nl_priv.h"
#include "log.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* ---- attributes ------------------------------------------------------ */

int knl_attrs_parse(struct buf *b, struct knl_attrs *a)
{
	memset(a, 0, sizeof(*a));
	while (buf_left(b) >= sizeof(struct nlattr)) {
		struct nlattr na;
		struct buf payload;
		size_t pad;
		unsigned type;

		if (buf_get_bytes(b, &na, sizeof(na)) == -1 || na.nla_len < sizeof(na) ||
		    buf_get_sub(b, na.nla_len - sizeof(na), &payload) == -1)
			return -1;
		pad = NLA_ALIGN(na.nla_len) - na.nla_len;
		if (buf_left(b) < pad)
			pad = buf_left(b);
		buf_skip(b, pad);
		type = na.nla_type & NLA_TYPE_MASK;
		if (type < KNL_ATTR_MAX && !a->tb[type].data)
			a->tb[type] = payload;
	}
	return 0;
}

bool knl_attr_has(const struct knl_attrs *a, unsigned type)
{
	return type < KNL_ATTR_MAX && a->tb[type].data != NULL;
}

static int attr_fixed(const struct knl_attrs *a, unsigned type, void *v, size_t n)
{
	struct buf b;

	if (!knl_attr_has(a, type) || a->tb[type].len < n)
		return -1;
	b = a->tb[type];
	return buf_get_bytes(&b, v, n);
}

int knl_attr_u8(const struct knl_attrs *a, unsigned type, uint8_t *v)
{
	return attr_fixed(a, type, v, sizeof(*v));
}

int knl_attr_u16(const struct knl_attrs *a, unsigned type, uint16_t *v)
{
	return attr_fixed(a, type, v, sizeof(*v));
}

int knl_attr_u32(const struct knl_attrs *a, unsigned type, uint32_t *v)
{
	return attr_fixed(a, type, v, sizeof(*v));
}

int knl_attr_mac(const struct knl_attrs *a, unsigned type, struct mac *m)
{
	if (!knl_attr_has(a, type) || a->tb[type].len != MAC_LEN)
		return -1;
	return attr_fixed(a, type, m->octet, MAC_LEN);
}

int knl_attr_ip(const struct knl_attrs *a, unsigned type, struct ipaddr *ip)
{
	if (!knl_attr_has(a, type))
		return -1;
	memset(ip, 0, sizeof(*ip));
	return ipaddr_from_bytes(ip, a->tb[type].data, a->tb[type].len);
}

int knl_attr_str(const struct knl_attrs *a, unsigned type, char *out, size_t cap)
{
	size_t n;

	if (!knl_attr_has(a, type) || cap == 0)
		return -1;
	n = strnlen((const char *)a->tb[type].data, a->tb[type].len);
	if (n >= cap)
		n = cap - 1;
	memcpy(out, a->tb[type].data, n);
	out[n] = '\0';
	return 0;
}

int knl_attr_nested(const struct knl_attrs *a, unsigned type, struct knl_attrs *inner)
{
	struct buf b;

	if (!knl_attr_has(a, type))
		return -1;
	b = a->tb[type];
	return knl_attrs_parse(&b, inner);
}

/* ---- building -------------------------------------------------------- */

static int out_reserve(struct knl_out *out, size_t n)
{
	size_t cap;
	uint8_t *p;

	if (out->off > 0 && out->off == out->len) {
		out->off = 0;
		out->len = 0;
	}
	if (out->len + n <= out->cap)
		return 0;
	if (out->off > out->len / 2) {
		memmove(out->data, out->data + out->off, out->len - out->off);
		out->len -= out->off;
		out->off = 0;
		if (out->len + n <= out->cap)
			return 0;
	}
	cap = out->cap ? out->cap * 2 : KNL_OUT_FIRST;
	while (cap < out->len + n)
		cap *= 2;
	p = realloc(out->data, cap);
	if (!p)
		return -1;
	out->data = p;
	out->cap = cap;
	return 0;
}

void knl_out_shrink(struct knl_out *out)
{
	if (out->off < out->len || out->cap <= KNL_OUT_FIRST)
		return;
	free(out->data);
	memset(out, 0, sizeof(*out));
}

struct nlmsghdr *knl_msg_begin(struct knl_out *out, uint16_t type, uint16_t flags,
			       uint32_t seq, const void *hdr, size_t hdrlen)
{
	struct nlmsghdr *n;

	if (out_reserve(out, KNL_MSG_MAX) == -1)
		return NULL;
	n = (struct nlmsghdr *)(out->data + out->len);
	memset(n, 0, NLMSG_SPACE(hdrlen));
	n->nlmsg_len = NLMSG_LENGTH(hdrlen);
	n->nlmsg_type = type;
	n->nlmsg_flags = flags;
	n->nlmsg_seq = seq;
	memcpy(NLMSG_DATA(n), hdr, hdrlen);
	return n;
}

int knl_msg_put(struct nlmsghdr *n, uint16_t type, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(n->nlmsg_len);
	struct nlattr *na;

	if (at + NLA_HDRLEN + NLA_ALIGN(len) > KNL_MSG_MAX)
		return -1;
	na = (struct nlattr *)((uint8_t *)n + at);
	na->nla_type = type;
	na->nla_len = (uint16_t)(NLA_HDRLEN + len);
	memcpy((uint8_t *)na + NLA_HDRLEN, data, len);
	memset((uint8_t *)na + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	n->nlmsg_len = (uint32_t)(at + NLA_HDRLEN + NLA_ALIGN(len));
	return 0;
}

int knl_msg_put_u32(struct nlmsghdr *n, uint16_t type, uint32_t v)
{
	return knl_msg_put(n, type, &v, sizeof(v));
}

void knl_msg_end(struct knl_out *out, struct nlmsghdr *n)
{
	out->len += NLMSG_ALIGN(n->nlmsg_len);
}

/* ---- sockets --------------------------------------------------------- */

static void sock_bufs(int fd, int rcvbuf)
{
	int sndbuf = 4 * 1024 * 1024;

	/* FORCE variants need CAP_NET_ADMIN; the plain ones are capped by rmem_max. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf));
}

int knl_sock_open(struct knl_sock *s, int rcvbuf, const unsigned *groups)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	socklen_t salen = sizeof(sa);
	int one = 1;

	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (s->fd == -1)
		return -1;
	sock_bufs(s->fd, rcvbuf);
	/* Short acks (no copy of the request) and the kernel's error text. */
	setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    getsockname(s->fd, (struct sockaddr *)&sa, &salen) == -1)
		goto fail;
	s->pid = sa.nl_pid;
	s->seq = 1;
	for (; groups && *groups; groups++) {
		if (setsockopt(s->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, groups,
			       sizeof(*groups)) == -1)
			goto fail;
	}
	return 0;
fail:
	close(s->fd);
	s->fd = -1;
	return -1;
}

void knl_sock_close(struct knl_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

int knl_for_each_msg(struct knl *kn, const uint8_t *data, size_t len, knl_msg_cb cb)
{
	struct buf b;

	buf_init(&b, data, len);
	while (buf_left(&b) >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		struct buf body;
		size_t pad;

		if (buf_get_bytes(&b, &h, sizeof(h)) == -1 || h.nlmsg_len < sizeof(h) ||
		    buf_get_sub(&b, h.nlmsg_len - sizeof(h), &body) == -1)
			return -1;
		pad = NLMSG_ALIGN(h.nlmsg_len) - h.nlmsg_len;
		buf_skip(&b, pad < buf_left(&b) ? pad : buf_left(&b));
		cb(kn, &h, &body);
	}
	return 0;
}

/* Wait for the dump socket (it is non-blocking like the others). */
static ssize_t dump_recv(struct knl_sock *s, uint8_t *buf, size_t cap)
{
	for (;;) {
		ssize_t n = recv(s->fd, buf, cap, 0);
		fd_set rd;

		if (n >= 0 || (errno != EAGAIN && errno != EINTR))
			return n;
		FD_ZERO(&rd);
		FD_SET(s->fd, &rd);
		select(s->fd + 1, &rd, NULL, NULL, NULL);
	}
}

/* One datagram of a dump answer: 1 when NLMSG_DONE was seen, -1 on error. */
static int dump_datagram(struct knl *kn, struct knl_sock *s, const uint8_t *data, size_t len,
			 knl_msg_cb cb)
{
	struct buf b;

	buf_init(&b, data, len);
	while (buf_left(&b) >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		struct buf body;
		int32_t err;

		if (buf_get_bytes(&b, &h, sizeof(h)) == -1 || h.nlmsg_len < sizeof(h) ||
		    buf_get_sub(&b, h.nlmsg_len - sizeof(h), &body) == -1)
			return -1;
		buf_skip(&b, NLMSG_ALIGN(h.nlmsg_len) - h.nlmsg_len <= buf_left(&b)
				     ? NLMSG_ALIGN(h.nlmsg_len) - h.nlmsg_len
				     : buf_left(&b));
		if (h.nlmsg_seq != s->seq || h.nlmsg_pid != s->pid)
			continue;
		if (h.nlmsg_flags & NLM_F_DUMP_INTR)
			s->intr = true;
		if (h.nlmsg_type == NLMSG_DONE)
			return 1;
		if (h.nlmsg_type == NLMSG_ERROR) {
			if (buf_get_bytes(&body, &err, sizeof(err)) == -1)
				return -1;
			errno = -err;
			return err ? -1 : 1;
		}
		cb(kn, &h, &body);
	}
	return 0;
}

int knl_dump_send(struct knl_sock *s, uint16_t type, uint8_t family)
{
	struct {
		struct nlmsghdr n;
		uint8_t family; /* first octet of ifinfomsg, ndmsg, ifaddrmsg and rtmsg */
		uint8_t pad[sizeof(struct ifinfomsg) - 1];
	} req;
	size_t hdrlen = type == RTM_GETLINK    ? sizeof(struct ifinfomsg)
			: type == RTM_GETNEIGH ? sizeof(struct ndmsg)
			: type == RTM_GETROUTE ? sizeof(struct rtmsg)
					       : sizeof(struct ifaddrmsg);

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = NLMSG_LENGTH(hdrlen);
	req.n.nlmsg_type = type;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.n.nlmsg_seq = ++s->seq;
	req.family = family;
	s->intr = false;
	if (send(s->fd, &req, req.n.nlmsg_len, 0) == -1) {
		log_err("kernel", "netlink dump request: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int knl_dump_step(struct knl *kn, struct knl_sock *s, knl_msg_cb cb, int max)
{
	while (max-- > 0) {
		ssize_t n = recv(s->fd, kn->dbuf, KNL_RBUF, MSG_DONTWAIT);
		int done;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			log_err("kernel", "netlink dump: %s", n == 0 ? "EOF" : strerror(errno));
			return -1;
		}
		done = dump_datagram(kn, s, kn->dbuf, (size_t)n, cb);
		if (done == -1) {
			log_err("kernel", "netlink dump: %s", strerror(errno));
			return -1;
		}
		if (done)
			return 1;
	}
	return 0;
}

int knl_dump(struct knl *kn, struct knl_sock *s, uint16_t type, uint8_t family, knl_msg_cb cb)
{
	int done = 0;

	if (knl_dump_send(s, type, family) == -1)
		return -1;
	while (!done) {
		ssize_t n = dump_recv(s, kn->dbuf, KNL_RBUF);

		if (n <= 0) {
			log_err("kernel", "netlink dump: %s", n == 0 ? "EOF" : strerror(errno));
			return -1;
		}
		done = dump_datagram(kn, s, kn->dbuf, (size_t)n, cb);
		if (done == -1) {
			log_err("kernel", "netlink dump (type %u): %s", type, strerror(errno));
			return -1;
		}
	}
	if (s->intr)
		kn->dump_intr = true;
	return 0;
}
