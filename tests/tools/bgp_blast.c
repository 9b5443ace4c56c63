/*
 * bgp_blast - a raw BGP test peer built on the project's codecs: it streams
 * N EVPN Type-2 routes to a route reflector as fast as TCP takes them, sends
 * crafted (even malformed) messages given in hex, and observes the routes
 * the reflector sends back.
 *
 *   bgp_blast -c PEER [options]
 *
 * Session:   -c ADDR peer, -p PORT (179), -l ADDR local address, -a ASN
 *            (65000, iBGP), -I ID router id (default: local address),
 *            -H SECS hold time (90; keepalives every third of it)
 * Routes:    -n N Type-2 routes (0: none), -i with an IPv4 address each
 *            (MAC+IP), -v VNI (100, the label), -N VTEP next hop
 *            (10.255.0.100), -r RD (VTEP:1), -R RT (ASN:VNI), -P MAC prefix
 *            (first two octets, "02:bb"), -o first index (0), -B IPv4 base
 *            (172.17.0.0), -S SEQ MAC mobility sequence number (none), -X
 *            send MP_UNREACH (withdraw) for the same routes instead, -W hold
 *            the routes (and -x) after Established until SIGUSR1, so that a
 *            test can stop the reflector first and have the whole stream wait
 *            in its socket
 *            Route i has MAC P:P:i3:i2:i1:i0 (i big-endian) and IP base+i.
 * Crafted:   -x FILE  after the routes, send each line of FILE ("-": stdin)
 *            as one message: hex digits (spaces/colons ignored, '#' starts a
 *            comment); a line starting with 32 'f' is a whole message, any
 *            other line is an UPDATE body (the header is added).
 *            -O FILE  send the messages of FILE (same format; a body line is
 *            an OPEN body) instead of its own OPEN, to test OPEN handling
 * Observe:   -e N     exit 0 once N distinct Type-2 routes (MAC prefix -P,
 *            index < N, next hop -E if given) were received
 *            -E ADDR  only count routes whose MP_REACH next hop is ADDR
 *            -M MAC   exit 0 once a route for MAC is received (with -E: from
 *                     that next hop)
 * Output:    one JSON object per line on stdout (events: established, sent,
 *            received, notification, done), times as CLOCK_REALTIME seconds;
 *            -q less on stderr.
 * Ends:      -t SECS (0: never) or SIGTERM/SIGINT; exit 0, 1 on session
 *            failure (NOTIFICATION, connection lost), 3 when -e/-M was not
 *            met before the timeout.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "bgp_attr.h"
#include "bgp_msg.h"
#include "buf.h"
#include "evpn_ecomm.h"
#include "evpn_nlri.h"
#include "types.h"

struct obuf {
	uint8_t *data;
	size_t len, off, cap;
};

static struct {
	const char *peer, *local, *rid, *rd, *rt, *xfile, *ofile, *expect_nh, *watch_mac;
	int port, hold;
	uint32_t asn, n, vni, first, mm_seq, expect;
	bool with_ip, withdraw, has_mm, quiet, wait_usr1;
	double timeout;
	uint8_t pfx[2];
	struct ipaddr nh, ipbase, enh;
	struct mac wmac;
} opt = {.port = BGP_PORT, .hold = 90, .asn = 65000, .vni = 100, .pfx = {0x02, 0xbb}};

static volatile sig_atomic_t stop, go;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static void on_usr1(int s)
{
	(void)s;
	go = 1;
}

static double now_rt(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#define say(...)                                                                                   \
	do {                                                                                       \
		if (!opt.quiet)                                                                    \
			fprintf(stderr, "bgp_blast: " __VA_ARGS__);                                \
	} while (0)

static void die(const char *what)
{
	fprintf(stderr, "bgp_blast: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void ob_room(struct obuf *o, size_t n)
{
	if (o->off && o->off == o->len)
		o->off = o->len = 0;
	if (o->len + n <= o->cap)
		return;
	if (o->off) {
		memmove(o->data, o->data + o->off, o->len - o->off);
		o->len -= o->off;
		o->off = 0;
		if (o->len + n <= o->cap)
			return;
	}
	o->cap = (o->len + n) * 2;
	o->data = realloc(o->data, o->cap);
	if (!o->data)
		die("realloc");
}

static void route_n(struct evpn_route *r, uint32_t i)
{
	memset(r, 0, sizeof(*r));
	r->type = EVPN_RT_MACIP;
	if (rd_parse(opt.rd, &r->rd) == -1) {
		fprintf(stderr, "bgp_blast: bad RD %s\n", opt.rd);
		exit(2);
	}
	r->mac.octet[0] = opt.pfx[0];
	r->mac.octet[1] = opt.pfx[1];
	r->mac.octet[2] = (uint8_t)(i >> 24);
	r->mac.octet[3] = (uint8_t)(i >> 16);
	r->mac.octet[4] = (uint8_t)(i >> 8);
	r->mac.octet[5] = (uint8_t)i;
	r->nlabels = 1;
	r->label[0] = opt.vni;
	if (opt.with_ip) {
		r->ip.family = AF_INET;
		r->ip.v4.s_addr = htonl(ntohl(opt.ipbase.v4.s_addr) + i);
	}
}

/* All N routes as packed 4096-byte UPDATEs (attributes as FRR sends them). */
static size_t build_routes(struct obuf *o, size_t *n_msgs)
{
	uint8_t attrs_buf[256], nlri[EVPN_NLRI_MAXLEN];
	struct ecomm ec[3];
	struct bgp_upd_ctx ctx = {.ibgp = true, .as4 = true};
	struct bgp_attr_out a = {.origin = BGP_ORIGIN_IGP, .has_local_pref = true,
				 .local_pref = 100, .ecomm = ec, .n_ecomm = 2};
	struct bgp_mp_out mp = {.afi = BGP_AFI_L2VPN, .safi = BGP_SAFI_EVPN, .max_len = BGP_MAX_LEN};
	struct wbuf aw, nw, w;
	struct bgp_upd_writer u;
	struct evpn_route r;
	size_t start = o->len;
	uint32_t i = 0;

	if (rt_parse(opt.rt, &ec[0]) == -1) {
		fprintf(stderr, "bgp_blast: bad RT %s\n", opt.rt);
		exit(2);
	}
	evpn_ecomm_encap(&ec[1], EVPN_TUNNEL_VXLAN);
	if (opt.has_mm) {
		evpn_ecomm_mac_mobility(&ec[2], opt.mm_seq, false);
		a.n_ecomm = 3;
	}
	wbuf_init(&aw, attrs_buf, sizeof(attrs_buf));
	if (bgp_attrs_encode(&aw, &a, &ctx) == -1 || aw.overflow)
		abort();
	buf_init(&mp.attrs, attrs_buf, aw.len);
	mp.nh = opt.nh;
	*n_msgs = 0;
	while (i < opt.n) {
		ob_room(o, BGP_MAX_LEN);
		wbuf_init(&w, o->data + o->len, BGP_MAX_LEN);
		if (opt.withdraw)
			bgp_mp_unreach_begin(&u, &w, BGP_AFI_L2VPN, BGP_SAFI_EVPN, BGP_MAX_LEN);
		else
			bgp_mp_reach_begin(&u, &w, &mp);
		for (; i < opt.n; i++) {
			route_n(&r, opt.first + i);
			wbuf_init(&nw, nlri, sizeof(nlri));
			if (evpn_nlri_encode(&nw, &r) == -1)
				abort();
			if (bgp_upd_add_nlri(&u, nlri, nw.len) == -1)
				break;
		}
		long len = bgp_upd_finish(&u);

		if (len <= 0)
			abort();
		o->len += (size_t)len;
		(*n_msgs)++;
	}
	/* End-of-RIB */
	ob_room(o, 64);
	wbuf_init(&w, o->data + o->len, 64);
	if (bgp_eor_encode(&w, BGP_AFI_L2VPN, BGP_SAFI_EVPN) == -1)
		abort();
	o->len += w.len;
	return o->len - start;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Crafted messages from a hex file; a line that is not a whole message is
 * the body of a message of the given type.  Returns how many were queued.
 */
static size_t queue_crafted(struct obuf *o, const char *path, uint8_t type)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL;
	size_t cap = 0, count = 0;
	ssize_t l;
	uint8_t *msg = malloc(BGP_EXT_MAX_LEN + BGP_HDR_LEN);

	if (!f || !msg)
		die(path);
	while ((l = getline(&line, &cap, f)) != -1) {
		size_t n = 0;
		int hi = -1;
		char *hash = strchr(line, '#');

		if (hash)
			*hash = 0;
		for (char *p = line; *p; p++) {
			int v = hexval((unsigned char)*p);

			if (v < 0)
				continue;
			if (hi < 0) {
				hi = v;
				continue;
			}
			if (n >= BGP_EXT_MAX_LEN) {
				fprintf(stderr, "bgp_blast: crafted message too long\n");
				exit(2);
			}
			msg[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
		if (n == 0)
			continue;
		bool whole = n >= BGP_MARKER_LEN;

		for (size_t k = 0; whole && k < BGP_MARKER_LEN; k++)
			whole = msg[k] == 0xff;
		if (whole) {
			ob_room(o, n);
			memcpy(o->data + o->len, msg, n);
			o->len += n;
		} else {
			size_t tot = n + BGP_HDR_LEN;

			ob_room(o, tot);
			memset(o->data + o->len, 0xff, BGP_MARKER_LEN);
			o->data[o->len + 16] = (uint8_t)(tot >> 8);
			o->data[o->len + 17] = (uint8_t)tot;
			o->data[o->len + 18] = type;
			memcpy(o->data + o->len + BGP_HDR_LEN, msg, n);
			o->len += tot;
		}
		count++;
	}
	free(line);
	free(msg);
	if (f != stdin)
		fclose(f);
	return count;
}

static void queue_keepalive(struct obuf *o)
{
	struct wbuf w;

	ob_room(o, BGP_HDR_LEN);
	wbuf_init(&w, o->data + o->len, BGP_HDR_LEN);
	bgp_keepalive_encode(&w);
	o->len += w.len;
}

/* ---- received routes ------------------------------------------------- */

static struct {
	uint8_t *seen;		/* bitmap of indices < expect */
	uint32_t distinct;
	uint64_t nlri, withdrawn, updates;
	double t_first, t_last, t_done;
	bool done;
} rx;

static void rx_update(struct buf *body)
{
	struct bgp_upd_ctx ctx = {.ibgp = true, .as4 = true};
	struct bgp_update u;
	struct evpn_route r;
	enum evpn_nlri_err e;
	struct buf nl;
	double t = now_rt();

	if (bgp_update_decode(body, &ctx, &u) == -1) {
		printf("{\"event\": \"rx-malformed\", \"reason\": \"%s\", \"t\": %.6f}\n",
		       bgp_reason_name(u.v.reason), t);
		return;
	}
	rx.updates++;
	if (u.mp_unreach_ok && u.mp_unreach.afi == BGP_AFI_L2VPN) {
		nl = u.mp_unreach.nlri;
		while (evpn_nlri_next(&nl, &r, &e) == 1)
			rx.withdrawn++;
	}
	if (!u.mp_reach_ok || u.mp_reach.afi != BGP_AFI_L2VPN)
		return;
	if (opt.expect_nh && ipaddr_cmp(&u.mp_reach.nh, &opt.enh) != 0)
		return;
	nl = u.mp_reach.nlri;
	while (evpn_nlri_next(&nl, &r, &e) == 1) {
		if (e != EVPN_NLRI_OK || r.type != EVPN_RT_MACIP)
			continue;
		rx.nlri++;
		if (!rx.t_first)
			rx.t_first = t;
		rx.t_last = t;
		if (opt.watch_mac && !memcmp(r.mac.octet, opt.wmac.octet, MAC_LEN) && !rx.done) {
			rx.done = true;
			rx.t_done = t;
		}
		if (!opt.expect || r.mac.octet[0] != opt.pfx[0] || r.mac.octet[1] != opt.pfx[1])
			continue;
		uint32_t i = (uint32_t)r.mac.octet[2] << 24 | (uint32_t)r.mac.octet[3] << 16 |
			     (uint32_t)r.mac.octet[4] << 8 | r.mac.octet[5];

		if (i < opt.first || i - opt.first >= opt.expect)
			continue;
		i -= opt.first;
		if (rx.seen[i >> 3] & (1u << (i & 7)))
			continue;
		rx.seen[i >> 3] |= (uint8_t)(1u << (i & 7));
		if (++rx.distinct == opt.expect && !rx.done) {
			rx.done = true;
			rx.t_done = t;
		}
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: bgp_blast -c PEER [-p PORT] [-l LOCAL] [-a ASN] [-I ID] [-H HOLD]\n"
			"       [-n N] [-i] [-v VNI] [-N NEXTHOP] [-r RD] [-R RT] [-P MACPFX] [-o FIRST]\n"
			"       [-B IPBASE] [-S SEQ] [-X] [-x HEXFILE] [-O HEXFILE] [-e N] [-E NH] [-M MAC]\n"
			"       [-W] [-t SECS] [-q]   (see the comment at the top of bgp_blast.c)\n");
	exit(2);
}

int main(int argc, char **argv)
{
	char rdbuf[64], rtbuf[32], nhs[IPADDR_STRLEN] = "10.255.0.100";
	const char *nh_s = nhs;
	struct obuf out = {0};
	uint8_t *in;
	size_t in_len = 0, in_cap = BGP_EXT_MAX_LEN * 4;
	int c, fd, rc = 0;
	bool established = false, got_open = false, sent_routes = false;
	double t_start = now_mono(), next_ka = 0, t_est = 0, t_send0 = 0;
	size_t route_bytes_end = 0, n_msgs = 0, route_bytes = 0;

	while ((c = getopt(argc, argv, "c:p:l:a:I:H:n:iv:N:r:R:P:o:B:S:WXx:O:e:E:M:t:q")) != -1) {
		switch (c) {
		case 'c': opt.peer = optarg; break;
		case 'p': opt.port = atoi(optarg); break;
		case 'l': opt.local = optarg; break;
		case 'a': opt.asn = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'I': opt.rid = optarg; break;
		case 'H': opt.hold = atoi(optarg); break;
		case 'n': opt.n = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'i': opt.with_ip = true; break;
		case 'v': opt.vni = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'N': nh_s = optarg; break;
		case 'r': opt.rd = optarg; break;
		case 'R': opt.rt = optarg; break;
		case 'P': {
			unsigned a, b;

			if (sscanf(optarg, "%x:%x", &a, &b) != 2)
				usage();
			opt.pfx[0] = (uint8_t)a;
			opt.pfx[1] = (uint8_t)b;
			break;
		}
		case 'o': opt.first = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'B':
			if (ipaddr_parse(optarg, &opt.ipbase) == -1 || opt.ipbase.family != AF_INET)
				usage();
			break;
		case 'S': opt.has_mm = true; opt.mm_seq = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'X': opt.withdraw = true; break;
		case 'W': opt.wait_usr1 = true; break;
		case 'x': opt.xfile = optarg; break;
		case 'O': opt.ofile = optarg; break;
		case 'e': opt.expect = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'E': opt.expect_nh = optarg; break;
		case 'M': opt.watch_mac = optarg; break;
		case 't': opt.timeout = atof(optarg); break;
		case 'q': opt.quiet = true; break;
		default: usage();
		}
	}
	if (!opt.peer)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (ipaddr_parse(nh_s, &opt.nh) == -1)
		usage();
	if (!opt.ipbase.family)
		ipaddr_parse("172.17.0.0", &opt.ipbase);
	if (opt.expect_nh && ipaddr_parse(opt.expect_nh, &opt.enh) == -1)
		usage();
	if (opt.watch_mac && mac_parse(opt.watch_mac, &opt.wmac) == -1)
		usage();
	if (!opt.rd) {
		snprintf(rdbuf, sizeof(rdbuf), "%s:1", nh_s);
		opt.rd = rdbuf;
	}
	if (!opt.rt) {
		snprintf(rtbuf, sizeof(rtbuf), "%u:%u", opt.asn & 0xffff, opt.vni);
		opt.rt = rtbuf;
	}
	if (opt.expect && !(rx.seen = calloc(opt.expect / 8 + 1, 1)))
		die("calloc");
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, on_usr1);

	/* Prepare everything before connecting: the stream is ready to go. */
	{
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.port)};
		struct in_addr id;
		struct bgp_open o;
		struct wbuf w;

		if (inet_pton(AF_INET, opt.peer, &sa.sin_addr) != 1)
			usage();
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd == -1)
			die("socket");
		if (opt.local) {
			struct sockaddr_in la = {.sin_family = AF_INET};

			if (inet_pton(AF_INET, opt.local, &la.sin_addr) != 1)
				usage();
			if (bind(fd, (struct sockaddr *)&la, sizeof(la)) == -1)
				die("bind");
		}
		int one = 1, sz = 4 << 20;

		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		for (;;) {
			if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
				break;
			if (stop || (opt.timeout && now_mono() - t_start > opt.timeout))
				die("connect");
			/* the RR may not listen yet: retry */
			close(fd);
			usleep(200000);
			fd = socket(AF_INET, SOCK_STREAM, 0);
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
			if (opt.local) {
				struct sockaddr_in la = {.sin_family = AF_INET};

				inet_pton(AF_INET, opt.local, &la.sin_addr);
				if (bind(fd, (struct sockaddr *)&la, sizeof(la)) == -1)
					die("bind");
			}
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (!opt.rid) {
			struct sockaddr_in la;
			socklen_t ll = sizeof(la);

			getsockname(fd, (struct sockaddr *)&la, &ll);
			id = la.sin_addr;
		} else if (inet_pton(AF_INET, opt.rid, &id) != 1) {
			usage();
		}
		if (opt.ofile) {
			size_t k = queue_crafted(&out, opt.ofile, BGP_OPEN);

			printf("{\"event\": \"crafted-open\", \"messages\": %zu}\n", k);
		} else {
			bgp_open_init(&o, opt.asn, (uint16_t)opt.hold, ntohl(id.s_addr));
			o.caps.n_mp = 1;
			o.caps.mp[0].afi = BGP_AFI_L2VPN;
			o.caps.mp[0].safi = BGP_SAFI_EVPN;
			o.caps.route_refresh = true;
			ob_room(&out, BGP_MAX_LEN);
			wbuf_init(&w, out.data + out.len, BGP_MAX_LEN);
			if (bgp_open_encode(&w, &o) == -1)
				abort();
			out.len += w.len;
		}
	}
	in = malloc(in_cap);
	if (!in)
		die("malloc");

	while (!stop) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		double now = now_mono();
		int ms = 1000;

		if (out.off < out.len)
			p.events |= POLLOUT;
		if (opt.timeout && now - t_start > opt.timeout)
			break;
		if (established && !sent_routes && (!opt.wait_usr1 || go)) {
			t_send0 = now_rt();
			route_bytes = opt.n ? build_routes(&out, &n_msgs) : 0;
			route_bytes_end = opt.n ? out.len : 0;
			sent_routes = true;
			if (opt.xfile) {
				size_t k = queue_crafted(&out, opt.xfile, BGP_UPDATE);

				printf("{\"event\": \"crafted\", \"messages\": %zu}\n", k);
			}
			continue;
		}
		if (established && opt.hold && now >= next_ka) {
			queue_keepalive(&out);
			next_ka = now + opt.hold / 3.0;
		}
		if (poll(&p, 1, ms) == -1) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p.revents & POLLOUT) {
			ssize_t w = write(fd, out.data + out.off, out.len - out.off);

			if (w == -1 && errno != EAGAIN && errno != EINTR) {
				fprintf(stderr, "bgp_blast: write: %s\n", strerror(errno));
				rc = 1;
				break;
			}
			if (w > 0) {
				out.off += (size_t)w;
				if (sent_routes && route_bytes_end && out.off >= route_bytes_end) {
					printf("{\"event\": \"sent\", \"routes\": %u, \"ip\": %s, "
					       "\"updates\": %zu, \"bytes\": %zu, \"t_first\": %.6f, "
					       "\"t_last\": %.6f}\n",
					       opt.n, opt.with_ip ? "true" : "false", n_msgs, route_bytes,
					       t_send0, now_rt());
					route_bytes_end = 0;
				}
			}
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t r;

			if (in_len == in_cap)
				abort();
			r = read(fd, in + in_len, in_cap - in_len);
			if (r == 0 || (r == -1 && errno != EAGAIN && errno != EINTR)) {
				fprintf(stderr, "bgp_blast: connection lost%s%s\n", r ? ": " : "",
					r ? strerror(errno) : "");
				rc = 1;
				break;
			}
			if (r > 0)
				in_len += (size_t)r;
			struct buf b;
			struct bgp_msg m;
			struct bgp_notify err;
			int fr;

			buf_init(&b, in, in_len);
			while ((fr = bgp_msg_next(&b, BGP_EXT_MAX_LEN, &m, &err)) == 0) {
				if (m.type == BGP_OPEN && !got_open) {
					struct bgp_open o;

					got_open = true;
					if (bgp_open_decode(&m.body, &o, &err) == -1) {
						fprintf(stderr, "bgp_blast: bad OPEN\n");
						rc = 1;
						stop = 1;
						break;
					}
					if (o.hold_time && o.hold_time < opt.hold)
						opt.hold = o.hold_time;
					queue_keepalive(&out);
				} else if (m.type == BGP_KEEPALIVE && got_open && !established) {
					established = true;
					t_est = now_rt();
					next_ka = now_mono() + (opt.hold ? opt.hold / 3.0 : 1e9);
					printf("{\"event\": \"established\", \"t\": %.6f}\n", t_est);
					say("established with %s\n", opt.peer);
				} else if (m.type == BGP_NOTIFICATION) {
					struct bgp_notify_in ni;

					bgp_notify_decode(&m.body, &ni);
					printf("{\"event\": \"notification\", \"code\": %u, \"subcode\": %u, "
					       "\"name\": \"%s / %s\", \"data_len\": %zu, \"t\": %.6f}\n",
					       ni.n.code, ni.n.subcode, bgp_err_name(ni.n.code),
					       bgp_suberr_name(ni.n.code, ni.n.subcode), ni.n.ref.len,
					       now_rt());
					rc = 1;
					stop = 1;
					break;
				} else if (m.type == BGP_UPDATE) {
					rx_update(&m.body);
				}
			}
			if (fr == -1) {
				fprintf(stderr, "bgp_blast: framing error from peer\n");
				rc = 1;
				break;
			}
			memmove(in, in + b.off, in_len - b.off);
			in_len -= b.off;
			if ((opt.expect || opt.watch_mac) && rx.done)
				break;
		}
	}
	if (opt.expect || opt.watch_mac || rx.updates)
		printf("{\"event\": \"received\", \"updates\": %llu, \"type2_nlri\": %llu, "
		       "\"withdrawn\": %llu, \"distinct\": %u, \"expected\": %u, \"t_first\": %.6f, "
		       "\"t_last\": %.6f, \"t_done\": %.6f}\n",
		       (unsigned long long)rx.updates, (unsigned long long)rx.nlri,
		       (unsigned long long)rx.withdrawn, rx.distinct, opt.expect, rx.t_first,
		       rx.t_last, rx.t_done);
	if (rc == 0 && (opt.expect || opt.watch_mac) && !rx.done)
		rc = 3;
	printf("{\"event\": \"done\", \"established\": %s, \"status\": %d, \"t\": %.6f}\n",
	       established ? "true" : "false", rc, now_rt());
	close(fd);
	return rc;
}
