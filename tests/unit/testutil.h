/* testutil.h - helpers shared by the Check suites. */
#ifndef EVPND_TESTUTIL_H
#define EVPND_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parse a hex string ("ff ff 00 1d", spaces and newlines ignored) into out;
 * returns the byte count.  Aborts the test on bad input or overflow.
 */
size_t hex_decode(const char *hex, uint8_t *out, size_t cap);

/* Run one suite with Check's runner; returns the process exit code. */
int run_suite(Suite *s);

/* Path of a file under tests/ (EVPND_TEST_DATA), in a static buffer. */
const char *test_data_path(const char *rel);

struct ipaddr;
/* An address from its text form (the test fails when it is not one). */
struct ipaddr ip(const char *s);

/*
 * A mock of kernel.h: every request is appended to log as text
 * ("mac+ 100 02:aa:00:00:00:02 10.0.0.12;", "route+ 5000 10.2.0.0/24 via
 * 10.0.0.12,10.0.0.13;"), so a test compares what the logic asked for.
 */
#include "kernel.h"

struct mock_kernel {
	struct kernel k;
	char log[8192];
};

/* Zero m and set its operations (free is a no-op: m is the caller's). */
void mock_kernel_init(struct mock_kernel *m);

#endif
