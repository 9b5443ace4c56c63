/*
 * test_metrics.c - Check suite for src/metrics.c: families built from views
 * shaped like the daemon's, and their exact OpenMetrics text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "metrics.h"
#include "testutil.h"

static const char *SUMMARY =
	"{\"version\": \"0.1\", \"router-id\": \"10.0.0.11\", \"uptime-seconds\": 42,"
	" \"reloads\": 2, \"reloads-failed\": 1, \"rib\": {\"routes\": 7, \"paths\": 9,"
	" \"attribute-sets\": 3}, \"evpn\": {\"vnis\": 1, \"kernel-stats\": {\"queue-depth\": 5,"
	" \"errors\": 0, \"install-latency\": {\"le-us\": [100, 1000], \"counts\": [3, 4],"
	" \"count\": 8, \"sum-us\": 2500000}}}}";
static const char *NEIGHBORS =
	"[{\"address\": \"10.1.1.0\", \"state\": \"Established\","
	" \"messages-received\": {\"update\": 12, \"keepalive\": 3},"
	" \"messages-sent\": {\"update\": 4}, \"prefixes-current\": 6, \"flaps\": 1,"
	" \"update-errors\": {\"treat-as-withdraw\": 2}},"
	" {\"address\": \"a\\\"b\", \"state\": \"Active\"}]";
static const char *ROUTES = "[{\"type\": 2, \"vni\": 100, \"origin\": \"remote\", \"routes\": 6}]";

static char *render(void)
{
	json_object *s = json_tokener_parse(SUMMARY), *n = json_tokener_parse(NEIGHBORS),
		    *r = json_tokener_parse(ROUTES), *m;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(n);
	m = metrics_build(s, n, r);
	metrics_fmt(f, m);
	fclose(f);
	json_object_put(m);
	json_object_put(s);
	json_object_put(n);
	json_object_put(r);
	return text;
}

START_TEST(families_and_samples)
{
	char *t = render();

	ck_assert_ptr_nonnull(strstr(t, "# TYPE evpnd_build info\n"));
	ck_assert_ptr_nonnull(strstr(t, "evpnd_build_info{version=\"0.1\",router_id=\"10.0.0.11\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "# TYPE evpnd_reloads counter\n"
					"# HELP evpnd_reloads Configuration reloads applied.\n"
					"evpnd_reloads_total 2\n"));
	ck_assert_ptr_nonnull(strstr(t, "evpnd_rib_routes 7\n"));
	ck_assert_ptr_nonnull(strstr(t, "evpnd_kernel_queue_depth 5\n"));
	/* absent members give no family at all */
	ck_assert_ptr_null(strstr(t, "evpnd_kernel_retries"));
	ck_assert_ptr_nonnull(strstr(
		t, "evpnd_bgp_session_state{peer=\"10.1.1.0\",evpnd_bgp_session_state=\"Established\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(
		t, "evpnd_bgp_session_state{peer=\"10.1.1.0\",evpnd_bgp_session_state=\"Idle\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(t, "evpnd_bgp_session_established{peer=\"10.1.1.0\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(t, "evpnd_bgp_session_established{peer=\"a\\\"b\"} 0\n"));
	ck_assert_ptr_nonnull(
		strstr(t, "evpnd_bgp_messages_received_total{peer=\"10.1.1.0\",type=\"update\"} 12\n"));
	ck_assert_ptr_nonnull(strstr(
		t, "evpnd_bgp_update_errors_total{peer=\"10.1.1.0\",kind=\"treat-as-withdraw\"} 2\n"));
	ck_assert_ptr_nonnull(
		strstr(t, "evpnd_routes{type=\"2\",vni=\"100\",origin=\"remote\"} 6\n"));
	/* a histogram: cumulative buckets in seconds, +Inf = count */
	ck_assert_ptr_nonnull(strstr(t, "# TYPE evpnd_kernel_install_latency_seconds histogram\n"));
	ck_assert_ptr_nonnull(strstr(t, "evpnd_kernel_install_latency_seconds_bucket{le=\"0.0001\"} 3\n"
					"evpnd_kernel_install_latency_seconds_bucket{le=\"0.001\"} 7\n"
					"evpnd_kernel_install_latency_seconds_bucket{le=\"+Inf\"} 8\n"
					"evpnd_kernel_install_latency_seconds_sum 2.5\n"
					"evpnd_kernel_install_latency_seconds_count 8\n"));
	ck_assert_str_eq(t + strlen(t) - 6, "# EOF\n");
	free(t);
}
END_TEST

START_TEST(every_family_has_type_and_help)
{
	char *t = render(), *line, *save;
	char last_type[128] = "";

	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# TYPE ", 7)) {
			snprintf(last_type, sizeof(last_type), "%s", line + 7);
			*strchr(last_type, ' ') = '\0';
		} else if (!strncmp(line, "# HELP ", 7)) {
			ck_assert_int_eq(strncmp(line + 7, last_type, strlen(last_type)), 0);
		} else if (strcmp(line, "# EOF")) {
			/* a sample belongs to the family declared last */
			ck_assert_int_eq(strncmp(line, last_type, strlen(last_type)), 0);
		}
	}
	free(t);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, families_and_samples);
	tcase_add_test(tc, every_family_has_type_and_help);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(suite());
}
