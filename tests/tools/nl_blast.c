/*
 * nl_blast - the kernel's own limit: N neighbour-table entries inserted by
 * raw rtnetlink, many requests per sendmsg, each acknowledged (NLM_F_ACK,
 * acks read after every sendmsg), in the current network namespace.
 *
 *   nl_blast -m MODE -n N [-d VXLAN] [-b BRIDGE] [-L PORT] [-V VTEP]
 *            [-P MACPFX] [-o FIRST] [-B IPBASE] [-s] [-S BYTES] [-l LABEL]
 *
 * MODE:
 *   fdb    N remote MACs as a daemon installs them: one RTM_NEWNEIGH per MAC
 *          on VXLAN (vxlan100) with NTF_SELF|NTF_MASTER|NTF_EXT_LEARNED and
 *          NDA_DST = VTEP (10.255.0.100): the VXLAN entry and the bridge
 *          entry (an "FDB entry pair") in one request
 *   macip  as fdb, plus per MAC an IPv4 neighbour on BRIDGE (br100),
 *          NUD_NOARP + NTF_EXT_LEARNED, IP = IPBASE + i (172.17.0.0)
 *   neigh  the neighbours alone
 *   local  N local MACs on an access port PORT (-L) of the bridge
 *          (NTF_MASTER; dynamic = NUD_REACHABLE, or static with -s)
 * MACs are P0:P1:i3:i2:i1:i0 for i = FIRST.. (-P "02:bb").  -S is the bytes
 * of requests per sendmsg (default 128 KiB, as evpnd).  Prints one JSON
 * object: seconds from the first sendmsg to the last ack, rate, errors, and
 * t_first/t_last as CLOCK_REALTIME seconds.  Exit 1 if any request failed.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

static double now_rt(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct req {
	uint8_t *buf;
	size_t len, cap;
	uint32_t seq, pending;
};

static void put_attr(struct nlmsghdr *h, uint16_t type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static void add_msg(struct req *q, uint8_t fam, int ifindex, uint16_t state, uint8_t flags,
		    const uint8_t *mac, const void *dst, size_t dstlen)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(q->buf + q->len);
	struct ndmsg *n;

	memset(h, 0, 128);
	h->nlmsg_len = NLMSG_LENGTH(sizeof(*n));
	h->nlmsg_type = RTM_NEWNEIGH;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
	h->nlmsg_seq = ++q->seq;
	n = NLMSG_DATA(h);
	n->ndm_family = fam;
	n->ndm_ifindex = ifindex;
	n->ndm_state = state;
	n->ndm_flags = flags;
	n->ndm_type = RTN_UNICAST;
	put_attr(h, NDA_LLADDR, mac, ETH_ALEN);
	if (dst)
		put_attr(h, NDA_DST, dst, dstlen);
	q->len += NLMSG_ALIGN(h->nlmsg_len);
	q->pending++;
}

static uint64_t errors, acks;
static int first_err;

static void flush(int fd, struct req *q, uint8_t *rbuf, size_t rcap)
{
	if (!q->len)
		return;
	if (send(fd, q->buf, q->len, 0) == -1) {
		perror("nl_blast: send");
		exit(1);
	}
	q->len = 0;
	while (q->pending) {
		ssize_t r = recv(fd, rbuf, rcap, 0);
		const struct nlmsghdr *h = (const struct nlmsghdr *)rbuf;
		unsigned int len = (unsigned int)r;

		if (r <= 0) {
			perror("nl_blast: recv");
			exit(1);
		}
		for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			const struct nlmsgerr *e = NLMSG_DATA(h);

			acks++;
			q->pending--;
			if (e->error) {
				if (!errors)
					first_err = -e->error;
				errors++;
			}
		}
	}
}

int main(int argc, char **argv)
{
	const char *mode = "fdb", *vx = "vxlan100", *br = "br100", *port = NULL, *label = "";
	uint32_t n = 1000, first = 0, vtep, ipbase;
	uint8_t pfx[2] = {0x02, 0xbb};
	size_t batch = 128 * 1024;
	bool is_static = false;
	int c, fd, if_vx, if_br, if_port = 0, sz = 64 << 20;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

	inet_pton(AF_INET, "10.255.0.100", &vtep);
	inet_pton(AF_INET, "172.17.0.0", &ipbase);
	while ((c = getopt(argc, argv, "m:n:d:b:L:V:P:o:B:sS:l:")) != -1) {
		switch (c) {
		case 'm': mode = optarg; break;
		case 'n': n = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'd': vx = optarg; break;
		case 'b': br = optarg; break;
		case 'L': port = optarg; break;
		case 'V':
			if (inet_pton(AF_INET, optarg, &vtep) != 1)
				return 2;
			break;
		case 'P': {
			unsigned a, b;

			if (sscanf(optarg, "%x:%x", &a, &b) != 2)
				return 2;
			pfx[0] = (uint8_t)a;
			pfx[1] = (uint8_t)b;
			break;
		}
		case 'o': first = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'B':
			if (inet_pton(AF_INET, optarg, &ipbase) != 1)
				return 2;
			break;
		case 's': is_static = true; break;
		case 'S': batch = strtoul(optarg, NULL, 10); break;
		case 'l': label = optarg; break;
		default:
			fprintf(stderr, "usage: nl_blast -m fdb|macip|neigh|local -n N [-d VXLAN] "
					"[-b BRIDGE] [-L PORT] [-V VTEP] [-P MACPFX] [-o FIRST] "
					"[-B IPBASE] [-s] [-S BYTES] [-l LABEL]\n");
			return 2;
		}
	}
	bool do_fdb = !strcmp(mode, "fdb") || !strcmp(mode, "macip");
	bool do_neigh = !strcmp(mode, "neigh") || !strcmp(mode, "macip");
	bool do_local = !strcmp(mode, "local");

	if (!do_fdb && !do_neigh && !do_local)
		return 2;
	if_vx = (int)if_nametoindex(vx);
	if_br = (int)if_nametoindex(br);
	if (port)
		if_port = (int)if_nametoindex(port);
	if ((do_fdb && !if_vx) || (do_neigh && !if_br) || (do_local && !if_port)) {
		fprintf(stderr, "nl_blast: device missing\n");
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		perror("nl_blast: socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	int one = 1;

	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	struct req q = {.cap = batch + 4096};
	size_t rcap = 1 << 20;
	uint8_t *rbuf = malloc(rcap);

	q.buf = malloc(q.cap);
	if (!q.buf || !rbuf)
		return 1;
	double t0 = now_rt();

	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = first + k;
		uint8_t mac[ETH_ALEN] = {pfx[0], pfx[1], (uint8_t)(i >> 24), (uint8_t)(i >> 16),
					 (uint8_t)(i >> 8), (uint8_t)i};

		if (do_fdb)
			add_msg(&q, AF_BRIDGE, if_vx, NUD_REACHABLE,
				NTF_SELF | NTF_MASTER | NTF_EXT_LEARNED, mac, &vtep, 4);
		if (do_neigh) {
			uint32_t ip = htonl(ntohl(ipbase) + i);

			add_msg(&q, AF_INET, if_br, NUD_NOARP, NTF_EXT_LEARNED, mac, &ip, 4);
		}
		if (do_local)
			add_msg(&q, AF_BRIDGE, if_port, is_static ? NUD_NOARP : NUD_REACHABLE,
				NTF_MASTER, mac, NULL, 0);
		if (q.len >= batch)
			flush(fd, &q, rbuf, rcap);
	}
	flush(fd, &q, rbuf, rcap);
	double t1 = now_rt();
	uint64_t entries = (uint64_t)n * ((do_fdb ? 1 : 0) + (do_neigh ? 1 : 0) + (do_local ? 1 : 0));

	printf("{\"tool\": \"nl_blast\", \"label\": \"%s\", \"mode\": \"%s\", \"n\": %u, "
	       "\"requests\": %llu, \"acks\": %llu, \"errors\": %llu, \"first_error\": \"%s\", "
	       "\"batch_bytes\": %zu, \"seconds\": %.6f, \"requests_per_second\": %.0f, "
	       "\"t_first\": %.6f, \"t_last\": %.6f}\n",
	       label, mode, n, (unsigned long long)entries, (unsigned long long)acks,
	       (unsigned long long)errors, errors ? strerror(first_err) : "", batch, t1 - t0,
	       (double)entries / (t1 - t0), t0, t1);
	return errors ? 1 : 0;
}
