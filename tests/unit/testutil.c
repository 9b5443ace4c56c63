/* testutil.c - helpers shared by the Check suites. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

size_t hex_decode(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (const char *p = hex; *p; p++) {
		if (isspace((unsigned char)*p))
			continue;
		int v = hexval((unsigned char)*p);
		ck_assert_msg(v >= 0, "bad hex digit '%c'", *p);
		if (hi < 0) {
			hi = v;
			continue;
		}
		ck_assert_msg(n < cap, "hex vector larger than %zu bytes", cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	ck_assert_msg(hi < 0, "odd number of hex digits");
	return n;
}

int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

const char *test_data_path(const char *rel)
{
	static char path[4096];
	const char *base = getenv("EVPND_TEST_DATA");

	snprintf(path, sizeof(path), "%s/%s", base ? base : "tests", rel);
	return path;
}
