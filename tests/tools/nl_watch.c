/*
 * nl_watch - a netlink listener that times the arrival of N neighbour-table
 * entries from the kernel's side: it joins RTNLGRP_NEIGH in its network
 * namespace, timestamps the first and last RTM_NEWNEIGH of each kind of
 * entry it counts and exits when every kind has N distinct entries (or at a
 * timeout), printing one JSON object.
 *
 *   nl_watch -n N [-k KINDS] [-d VXLAN] [-b BRIDGE] [-L PORT] [-V VTEP]
 *            [-P MACPFX] [-o FIRST] [-t SECS] [-r READYFILE] [-l LABEL]
 *
 * KINDS (comma-separated, default "dst,master"):
 *   dst     FDB entries on VXLAN (vxlan100) with NDA_DST (= VTEP if -V)
 *   master  bridge FDB entries on VXLAN's port of the bridge (NTF_MASTER)
 *   neigh   IPv4/IPv6 neighbours on BRIDGE (br100, the SVI)
 *   local   bridge FDB entries on PORT (a local access port, -L)
 * Entries count once each, by MAC (neighbours: by their lladdr) of the form
 * P0:P1:i3:i2:i1:i0 with index FIRST <= i < FIRST+N (-P "02:bb", as
 * tests/tools/bgp_blast and nl_blast make them).
 *
 * Times are CLOCK_REALTIME seconds, comparable with pcap timestamps and the
 * other tools' JSON.  The receive buffer is 512 MB (SO_RCVBUFFORCE); if the
 * kernel still drops events (ENOBUFS) the tool re-reads the tables with a
 * dump and says so ("overruns" in the output).  READYFILE is created once
 * the socket listens.  Exit 0 when all entries appeared, 3 on timeout.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <arpa/inet.h>

enum { K_DST, K_MASTER, K_NEIGH, K_LOCAL, K_MAX };
static const char *kname[K_MAX] = {"dst", "master", "neigh", "local"};

struct kind {
	bool on;
	uint8_t *seen;
	uint32_t count;
	uint64_t events;
	double t_first, t_last;
};

static struct kind kinds[K_MAX];
static uint32_t n_want, first;
static uint8_t pfx[2] = {0x02, 0xbb};
static int if_vx, if_br, if_port;
static uint32_t vtep;	/* network order, 0: any */
static bool have_vtep;
static uint64_t msgs, overruns;
static volatile sig_atomic_t stop;

static void on_sig(int s)
{
	(void)s;
	stop = 1;
}

static double now_rt(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool all_done(void)
{
	for (int k = 0; k < K_MAX; k++)
		if (kinds[k].on && kinds[k].count < n_want)
			return false;
	return true;
}

static void mark(int k, const uint8_t *mac, double t)
{
	struct kind *kd = &kinds[k];
	uint32_t i;

	if (!kd->on || mac[0] != pfx[0] || mac[1] != pfx[1])
		return;
	i = (uint32_t)mac[2] << 24 | (uint32_t)mac[3] << 16 | (uint32_t)mac[4] << 8 | mac[5];
	if (i < first || i - first >= n_want)
		return;
	i -= first;
	kd->events++;
	if (kd->seen[i >> 3] & (1u << (i & 7)))
		return;
	kd->seen[i >> 3] |= (uint8_t)(1u << (i & 7));
	if (!kd->count)
		kd->t_first = t;
	kd->count++;
	kd->t_last = t;
}

static void handle(const struct nlmsghdr *h, double t)
{
	const struct ndmsg *ndm = NLMSG_DATA(h);
	const struct rtattr *a;
	int len;
	const uint8_t *mac = NULL;
	const uint8_t *dst = NULL;
	int dstlen = 0;
	bool master;

	if (h->nlmsg_type != RTM_NEWNEIGH || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ndm)))
		return;
	len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*ndm));
	for (a = (const struct rtattr *)((const char *)ndm + NLMSG_ALIGN(sizeof(*ndm)));
	     RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == ETH_ALEN)
			mac = RTA_DATA(a);
		else if (a->rta_type == NDA_DST) {
			dst = RTA_DATA(a);
			dstlen = (int)RTA_PAYLOAD(a);
		}
	}
	if (!mac)
		return;
	if (ndm->ndm_family == AF_BRIDGE) {
		master = (ndm->ndm_flags & NTF_MASTER) != 0;
		if (ndm->ndm_ifindex == if_vx) {
			if (dst && !master) {
				if (!have_vtep || (dstlen == 4 && !memcmp(dst, &vtep, 4)))
					mark(K_DST, mac, t);
			} else if (master || !dst) {
				mark(K_MASTER, mac, t);
			}
		} else if (if_port && ndm->ndm_ifindex == if_port) {
			mark(K_LOCAL, mac, t);
		}
	} else if ((ndm->ndm_family == AF_INET || ndm->ndm_family == AF_INET6) &&
		   ndm->ndm_ifindex == if_br) {
		if (ndm->ndm_state & (NUD_REACHABLE | NUD_PERMANENT | NUD_NOARP | NUD_STALE))
			mark(K_NEIGH, mac, t);
	}
}

static void parse(const uint8_t *buf, size_t n, double t)
{
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	unsigned int len = (unsigned int)n;

	for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		msgs++;
		handle(h, t);
	}
}

/* After an overrun: read the tables again (entries only get added). */
static void resync(uint8_t *buf, size_t cap)
{
	int fams[] = {AF_BRIDGE, AF_INET, AF_INET6};

	overruns++;
	for (size_t f = 0; f < sizeof(fams) / sizeof(fams[0]); f++) {
		int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		struct {
			struct nlmsghdr h;
			struct ndmsg n;
		} req = {.h = {.nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETNEIGH,
			       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1},
			 .n = {.ndm_family = (uint8_t)fams[f]}};
		bool end = false;

		if (fd == -1 || send(fd, &req, sizeof(req), 0) == -1) {
			perror("nl_watch: dump");
			exit(1);
		}
		while (!end) {
			ssize_t r = recv(fd, buf, cap, 0);
			double t = now_rt();
			const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
			unsigned int len = (unsigned int)r;

			if (r <= 0)
				break;
			for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
				if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
					end = true;
					break;
				}
				handle(h, t);
			}
		}
		close(fd);
	}
}

int main(int argc, char **argv)
{
	const char *vx = "vxlan100", *br = "br100", *port = NULL, *ready = NULL, *label = "";
	char kinds_s[64] = "dst,master";
	double timeout = 0, t0;
	size_t cap = 1 << 20;
	uint8_t *buf;
	int c, fd, group = RTNLGRP_NEIGH, rcv = 512 << 20;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

	while ((c = getopt(argc, argv, "n:k:d:b:L:V:P:o:t:r:l:")) != -1) {
		switch (c) {
		case 'n': n_want = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'k': snprintf(kinds_s, sizeof(kinds_s), "%s", optarg); break;
		case 'd': vx = optarg; break;
		case 'b': br = optarg; break;
		case 'L': port = optarg; break;
		case 'V':
			if (inet_pton(AF_INET, optarg, &vtep) != 1)
				return 2;
			have_vtep = true;
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
		case 't': timeout = atof(optarg); break;
		case 'r': ready = optarg; break;
		case 'l': label = optarg; break;
		default:
			fprintf(stderr, "usage: nl_watch -n N [-k dst,master,neigh,local] [-d VXLAN] "
					"[-b BRIDGE] [-L PORT] [-V VTEP] [-P MACPFX] [-o FIRST] "
					"[-t SECS] [-r READYFILE] [-l LABEL]\n");
			return 2;
		}
	}
	for (char *save = NULL, *tok = strtok_r(kinds_s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int k;

		for (k = 0; k < K_MAX && strcmp(tok, kname[k]); k++)
			;
		if (k == K_MAX) {
			fprintf(stderr, "nl_watch: unknown kind %s\n", tok);
			return 2;
		}
		kinds[k].on = true;
		kinds[k].seen = calloc(n_want / 8 + 1, 1);
	}
	if_vx = (int)if_nametoindex(vx);
	if_br = (int)if_nametoindex(br);
	if (port && !(if_port = (int)if_nametoindex(port))) {
		fprintf(stderr, "nl_watch: no device %s\n", port);
		return 2;
	}
	if ((kinds[K_DST].on || kinds[K_MASTER].on) && !if_vx) {
		fprintf(stderr, "nl_watch: no device %s\n", vx);
		return 2;
	}
	if (kinds[K_NEIGH].on && !if_br) {
		fprintf(stderr, "nl_watch: no device %s\n", br);
		return 2;
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		perror("nl_watch: socket");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) == -1) {
		perror("nl_watch: NETLINK_ADD_MEMBERSHIP");
		return 1;
	}
	buf = malloc(cap);
	if (!buf)
		return 1;
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}
	t0 = now_rt();
	while (!stop && !all_done()) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int pr = poll(&p, 1, 200);

		if (timeout && now_rt() - t0 > timeout)
			break;
		if (pr <= 0)
			continue;
		for (;;) {
			ssize_t r = recv(fd, buf, cap, MSG_DONTWAIT);

			if (r > 0) {
				parse(buf, (size_t)r, now_rt());
				continue;
			}
			if (r == -1 && errno == ENOBUFS) {
				resync(buf, cap);
				continue;
			}
			break;
		}
	}
	printf("{\"tool\": \"nl_watch\", \"label\": \"%s\", \"want\": %u, \"done\": %s, "
	       "\"messages\": %llu, \"overruns\": %llu, \"t_start\": %.6f",
	       label, n_want, all_done() ? "true" : "false", (unsigned long long)msgs,
	       (unsigned long long)overruns, t0);
	double tf = 0, tl = 0;

	for (int k = 0; k < K_MAX; k++) {
		if (!kinds[k].on)
			continue;
		printf(", \"%s\": {\"count\": %u, \"events\": %llu, \"t_first\": %.6f, "
		       "\"t_last\": %.6f}",
		       kname[k], kinds[k].count, (unsigned long long)kinds[k].events,
		       kinds[k].t_first, kinds[k].t_last);
		if (kinds[k].t_first && (!tf || kinds[k].t_first < tf))
			tf = kinds[k].t_first;
		if (kinds[k].t_last > tl)
			tl = kinds[k].t_last;
	}
	printf(", \"t_first\": %.6f, \"t_last\": %.6f}\n", tf, tl);
	return all_done() ? 0 : 3;
}
