/*
 * test_log.c - Check suite for src/log.c: lines reach the sink with their
 * subject, floods are limited per call site and the suppressed count is
 * reported, debug lines are exempt, the journal prefix form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "log.h"
#include "testutil.h"

static int lines;
static char last[256], prev[256];

static void sink(enum log_level lvl, const char *line, void *arg)
{
	lines++;
	memcpy(prev, last, sizeof(prev));
	snprintf(last, sizeof(last), "%d %s", (int)lvl, line);
}

static void setup(void)
{
	lines = 0;
	last[0] = '\0';
	log_set_level(LOG_LVL_DEBUG);
	log_set_sink(sink, NULL);
	log_set_rate_limit(5, 1);
}

static void site_a(int i)
{
	log_warn("peer 10.0.0.1", "malformed UPDATE %d", i);
}

static void site_b(int i)
{
	log_warn("vni 100", "other %d", i);
}

START_TEST(subject_and_level)
{
	log_notice("vni 100", "MAC %s moved", "02:aa:00:00:00:01");
	ck_assert_str_eq(last, "5 vni 100: MAC 02:aa:00:00:00:01 moved");
	log_err(NULL, "no subject");
	ck_assert_str_eq(last, "3 no subject");
}
END_TEST

START_TEST(flood_limited_per_site)
{
	for (int i = 0; i < 20; i++)
		site_a(i);
	ck_assert_int_eq(lines, 5);
	site_b(1); /* another call site is not affected */
	ck_assert_int_eq(lines, 6);
	for (int i = 0; i < 20; i++)
		log_debug("x", "debug %d", i); /* never limited */
	ck_assert_int_eq(lines, 26);
	sleep(2);
	site_a(99);
	/* the count of what was dropped, then the line itself */
	ck_assert_int_eq(lines, 28);
	ck_assert_str_eq(last, "4 peer 10.0.0.1: malformed UPDATE 99");
}
END_TEST

START_TEST(suppressed_count_reported)
{
	for (int i = 0; i < 8; i++)
		site_a(i);
	sleep(2);
	lines = 0;
	site_a(100);
	ck_assert_int_eq(lines, 2);
	ck_assert_str_eq(prev, "4 peer 10.0.0.1: 3 similar messages suppressed (more than 5 in 1 s)");
	ck_assert_str_eq(last, "4 peer 10.0.0.1: malformed UPDATE 100");
}
END_TEST

START_TEST(limit_off)
{
	log_set_rate_limit(0, 0);
	for (int i = 0; i < 500; i++)
		site_a(i);
	ck_assert_int_eq(lines, 500);
}
END_TEST

/* stderr is the journal's stream: "<N>" priorities, no timestamp. */
START_TEST(journal_prefix)
{
	char path[] = "/tmp/evpnd-test-log.XXXXXX", env[64], buf[256] = "";
	int fd = mkstemp(path);
	struct stat st;
	FILE *f;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	fstat(fd, &st);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	log_set_sink(NULL, NULL);
	log_init("evpnd", LOG_DEST_STDERR, LOG_LVL_INFO);
	log_warn("peer 10.0.0.1", "hold timer expired");
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	unlink(path);
	ck_assert_str_eq(buf, "<4>peer 10.0.0.1: hold timer expired\n");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, subject_and_level);
	tcase_add_test(tc, flood_limited_per_site);
	tcase_add_test(tc, suppressed_count_reported);
	tcase_add_test(tc, limit_off);
	tcase_add_test(tc, journal_prefix);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
