/*
 * bench_kernel.c - install rate of the netlink kernel module (kernel_nl):
 * N remote MACs (FDB pairs) and N neighbours into a VXLAN device and bridge
 * of a private network namespace, timed from the first request to the last
 * acknowledgement, with the module's own event socket listening (the fair
 * comparison with the kernel's limit, see the brief).
 *
 *     bench_kernel [-n N] [-r ROUNDS]
 *
 * Needs root (unshare(CLONE_NEWNET)); prints one line per round and phase:
 * entries/s, and the user/system split of the process's CPU time.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/resource.h>
#include <event2/event.h>

#include "kernel.h"
#include "log.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void cpu(double *user, double *sys)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	*sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "bench_kernel: failed: %s\n", cmd);
	return rc;
}

static void mac_of(unsigned i, struct mac *m)
{
	uint8_t o[MAC_LEN] = {0x02, 0xcc, (uint8_t)(i >> 24), (uint8_t)(i >> 16),
			      (uint8_t)(i >> 8), (uint8_t)i};

	memcpy(m->octet, o, MAC_LEN);
}

static void report(const char *what, unsigned n, double t0, double u0, double s0)
{
	double t = now_s() - t0, u, s;

	cpu(&u, &s);
	printf("%-10s %7u entries %8.3f s %9.0f /s   cpu user %.3f s sys %.3f s\n", what, n, t,
	       n / t, u - u0, s - s0);
}

static void round_run(struct kernel *k, unsigned n)
{
	struct ipaddr vtep;
	double t0, u0, s0;
	struct mac m;

	ipaddr_parse("10.255.0.1", &vtep);
	t0 = now_s();
	cpu(&u0, &s0);
	for (unsigned i = 0; i < n; i++) {
		mac_of(i, &m);
		kernel_mac_add(k, 100, &m, &vtep, false);
	}
	k->ops->flush(k);
	report("mac_add", n, t0, u0, s0);
	t0 = now_s();
	cpu(&u0, &s0);
	for (unsigned i = 0; i < n; i++) {
		struct ipaddr a = {.family = AF_INET};

		mac_of(i, &m);
		a.v4.s_addr = htonl(0xac100000u + 1 + i); /* 172.16.0.0/12 */
		kernel_neigh_add(k, 100, &a, &m);
	}
	k->ops->flush(k);
	report("neigh_add", n, t0, u0, s0);
	t0 = now_s();
	cpu(&u0, &s0);
	for (unsigned i = 0; i < n; i++) {
		mac_of(i, &m);
		kernel_mac_del(k, 100, &m);
	}
	k->ops->flush(k);
	report("mac_del", n, t0, u0, s0);
	for (unsigned i = 0; i < n; i++) {
		struct ipaddr a = {.family = AF_INET};

		a.v4.s_addr = htonl(0xac100000u + 1 + i);
		kernel_neigh_del(k, 100, &a);
	}
	k->ops->flush(k);
	if (k->stats.errors)
		printf("errors: %llu\n", (unsigned long long)k->stats.errors);
}

int main(int argc, char **argv)
{
	unsigned n = 100000, rounds = 1;
	struct kernel_cfg cfg = {0};
	struct event_base *base;
	struct kernel *k;
	int c;

	while ((c = getopt(argc, argv, "n:r:")) != -1) {
		if (c == 'n')
			n = (unsigned)strtoul(optarg, NULL, 10);
		else if (c == 'r')
			rounds = (unsigned)strtoul(optarg, NULL, 10);
		else
			return 2;
	}
	if (unshare(CLONE_NEWNET) == -1) {
		perror("bench_kernel: unshare(CLONE_NEWNET) (needs root)");
		return 0; /* nothing to measure here: not a failure of the code */
	}
	if (sh("ip link set lo up && ip link add br100 type bridge && "
	       "ip link add vxlan100 type vxlan id 100 local 10.0.0.1 dstport 4789 nolearning && "
	       "ip link set vxlan100 master br100 && ip link set br100 up && "
	       "ip link set vxlan100 up && ip addr add 172.16.0.254/12 dev br100"))
		return 1;
	log_init("bench_kernel", LOG_DEST_STDERR, LOG_LVL_WARNING);
	base = event_base_new();
	cfg.base = base;
	k = kernel_nl_new(&cfg);
	if (!k)
		return 1;
	for (unsigned r = 0; r < rounds; r++)
		round_run(k, n);
	kernel_free(k);
	event_base_free(base);
	return 0;
}
