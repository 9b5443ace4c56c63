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

#endif
