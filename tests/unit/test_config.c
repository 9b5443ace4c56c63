/*
 * test_config.c - Check suite for the config module (config*.c): typed
 * values and defaults, defaults equal to the YANG module's, problems
 * collected with lines and paths.  File-level cases live in
 * tests/config/golden/.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libyang/libyang.h>

#include "config.h"
#include "config_priv.h"
#include "testutil.h"

static char tmpl[] = "/tmp/evpnd-test-config-XXXXXX";

static const char *write_tmp(const char *text)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof(path), "%s", tmpl);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static const char *defaults_yaml = "router:\n"
				   "  asn: 65000\n"
				   "  router-id: 10.0.0.11\n"
				   "neighbors:\n"
				   "  - address: 10.0.0.1\n"
				   "    remote-asn: 65000\n"
				   "evpn:\n"
				   "  l2vnis:\n"
				   "    - vni: 100\n"
				   "    - vni: 200\n"
				   "      create: true\n"
				   "  vrfs:\n"
				   "    - name: t1\n"
				   "      l3vni: 5000\n";

START_TEST(typed_values_and_defaults)
{
	const char *path = write_tmp(defaults_yaml);
	struct cfg_diag diag = {0};
	struct config *c = config_load(path, &diag);
	const struct cfg_neighbor *n;
	struct ipaddr a;

	ck_assert_msg(c, "valid file refused");
	ck_assert_uint_eq(diag.n, 0);
	ck_assert_uint_eq(c->router.asn, 65000);
	ck_assert_int_eq(c->router.vtep_ip.family, AF_INET); /* vtep-ip defaults to router-id */
	ck_assert_uint_eq(c->router.vtep_ip.v4.s_addr, c->router.router_id.s_addr);
	ck_assert_uint_eq(c->router.cluster_id.s_addr, c->router.router_id.s_addr);
	ipaddr_parse("10.0.0.1", &a);
	n = config_neighbor(c, &a);
	ck_assert_ptr_nonnull(n);
	ck_assert_uint_eq(n->hold_time, 90);
	ck_assert_uint_eq(n->keepalive, 30); /* hold-time / 3 */
	ck_assert_uint_eq(n->afs, CFG_AF_L2VPN_EVPN);
	ck_assert_ptr_nonnull(config_l2vni(c, 100));
	ck_assert_ptr_null(config_l2vni(c, 101));
	ck_assert(c->l2vnis[0].rd.is_auto);
	ck_assert_uint_eq(c->l2vnis[0].rt_import.n, 1);
	ck_assert(c->l2vnis[0].rt_import.v[0].is_auto);
	ck_assert_str_eq(c->vrfs[0].name, "t1");
	ck_assert(!c->l2vnis[0].dev.create);
	ck_assert(c->l2vnis[1].dev.create);
	ck_assert_str_eq(c->l2vnis[1].dev.vxlan_device, "vxlan200"); /* vxlan<VNI> */
	ck_assert_str_eq(c->l2vnis[1].dev.bridge, "br200");	      /* br<VNI> */
	ck_assert_uint_eq(c->l2vnis[1].dev.sport_low, 0);	      /* the kernel's range */
	ck_assert_uint_eq(c->l2vnis[1].n_svi_addresses, 0);
	ck_assert_str_eq(c->l2vnis[1].vrf, "");
	ck_assert_str_eq(c->vrfs[0].dev.vxlan_device, "vxlan5000");
	ck_assert(!c->vrfs[0].dev.create);
	config_free(c);
	unlink(path);
}
END_TEST

/* The value libyang gives the leaf at xpath in a tree with defaults. */
static const char *yang_value(struct lyd_node *tree, const char *xpath)
{
	struct lyd_node *n = NULL;

	ck_assert_msg(lyd_find_path(tree, xpath, 0, &n) == LY_SUCCESS, "no %s", xpath);
	return lyd_get_value(n);
}

START_TEST(c_defaults_equal_yang_defaults)
{
	const char *path = write_tmp(defaults_yaml);
	struct cfg_diag diag = {0};
	struct ynode *root = ynode_parse_file(path, &diag);
	struct config *c = config_load(path, &diag);
	struct ly_ctx *ctx = NULL;
	struct lyd_node *tree = NULL;
	char *json = NULL, num[16];
	const char *nb = "/evpnd:neighbors[address='10.0.0.1']";
	char xp[256];

	ck_assert_ptr_nonnull(root);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(config_yang_validate(root, &diag, &json), 0);
	ck_assert_int_eq(ly_ctx_new(test_data_path("../yang"), 0, &ctx), LY_SUCCESS);
	ck_assert_ptr_nonnull(ly_ctx_load_module(ctx, "evpnd", NULL, NULL));
	ck_assert_msg(lyd_parse_data_mem(ctx, json, LYD_JSON, LYD_PARSE_STRICT | LYD_PARSE_NO_STATE,
					 LYD_VALIDATE_NO_STATE, &tree) == LY_SUCCESS,
		      "libyang: %s", ly_errmsg(ctx));
	snprintf(num, sizeof(num), "%u", c->router.listen_port);
	ck_assert_str_eq(yang_value(tree, "/evpnd:router/listen-port"), num);
	snprintf(num, sizeof(num), "%u", c->router.audit_interval);
	ck_assert_str_eq(yang_value(tree, "/evpnd:router/audit-interval"), num);
	snprintf(num, sizeof(num), "%u", c->router.metrics_port);
	ck_assert_str_eq(yang_value(tree, "/evpnd:router/metrics-port"), num);
	ck_assert_str_eq(yang_value(tree, "/evpnd:router/metrics-address"),
			 ipaddr_fmt(&c->router.metrics_address, (char[IPADDR_STRLEN]){0}));
	snprintf(xp, sizeof(xp), "%s/hold-time", nb);
	snprintf(num, sizeof(num), "%u", c->neighbors[0].hold_time);
	ck_assert_str_eq(yang_value(tree, xp), num);
	snprintf(xp, sizeof(xp), "%s/port", nb);
	snprintf(num, sizeof(num), "%u", c->neighbors[0].port);
	ck_assert_str_eq(yang_value(tree, xp), num);
	snprintf(xp, sizeof(xp), "%s/passive", nb);
	ck_assert_str_eq(yang_value(tree, xp), c->neighbors[0].passive ? "true" : "false");
	snprintf(xp, sizeof(xp), "%s/route-reflector-client", nb);
	ck_assert_str_eq(yang_value(tree, xp), c->neighbors[0].rr_client ? "true" : "false");
	snprintf(xp, sizeof(xp), "%s/address-families[.='l2vpn-evpn']", nb);
	ck_assert_str_eq(yang_value(tree, xp), "l2vpn-evpn");
	ck_assert_str_eq(yang_value(tree, "/evpnd:evpn/advertise-all-vni"),
			 c->advertise_all_vni ? "true" : "false");
	ck_assert_str_eq(yang_value(tree, "/evpnd:evpn/arp-nd-suppression"),
			 c->arp_nd_suppression ? "true" : "false");
	ck_assert_str_eq(yang_value(tree, "/evpnd:evpn/l2vnis[vni='100']/rd"), "auto");
	ck_assert_str_eq(yang_value(tree, "/evpnd:evpn/l2vnis[vni='100']/route-targets/import[.='auto']"),
			 "auto");
	ck_assert_str_eq(yang_value(tree, "/evpnd:evpn/vrfs[name='t1']/route-targets/export[.='auto']"),
			 "auto");
	ck_assert_str_eq(yang_value(tree, "/evpnd:evpn/l2vnis[vni='100']/create"),
			 c->l2vnis[0].dev.create ? "true" : "false");
	ck_assert_str_eq(yang_value(tree, "/evpnd:evpn/vrfs[name='t1']/create"),
			 c->vrfs[0].dev.create ? "true" : "false");
	snprintf(num, sizeof(num), "%u", c->l2vnis[1].dev.mtu);
	ck_assert_str_eq(yang_value(tree, "/evpnd:evpn/l2vnis[vni='200']/mtu"), num);
	lyd_free_all(tree);
	ly_ctx_destroy(ctx);
	free(json);
	ynode_free(root);
	config_free(c);
	unlink(path);
}
END_TEST

START_TEST(all_problems_collected_in_line_order)
{
	const char *path = write_tmp("router:\n"
				     "  asn: 0\n"
				     "  router-id: 10.0.0.11\n"
				     "  colour: blue\n"
				     "neighbors:\n"
				     "  - address: 10.0.0.1\n"
				     "    remote-asn: 65000\n"
				     "    hold-time: 1\n");
	struct cfg_diag diag = {0};

	ck_assert_ptr_null(config_load(path, &diag));
	ck_assert_uint_eq(diag.n, 3);
	ck_assert_uint_eq(diag.v[0].line, 2);
	ck_assert_str_eq(diag.v[0].path, "/evpnd:router/asn");
	ck_assert_uint_eq(diag.v[1].line, 4);
	ck_assert_str_eq(diag.v[1].path, "/evpnd:router/colour");
	ck_assert_uint_eq(diag.v[2].line, 8);
	ck_assert_str_eq(diag.v[2].path, "/evpnd:neighbors[address='10.0.0.1']/hold-time");
	cfg_diag_clear(&diag);
	unlink(path);
}
END_TEST

START_TEST(missing_file)
{
	struct cfg_diag diag = {0};

	ck_assert_ptr_null(config_load("/nonexistent/evpnd.yaml", &diag));
	ck_assert_uint_eq(diag.n, 1);
	ck_assert_ptr_nonnull(strstr(diag.v[0].msg, "cannot open"));
	cfg_diag_clear(&diag);
	ck_assert_ptr_null(config_load("/nonexistent/evpnd.yaml", NULL)); /* diag optional */
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, typed_values_and_defaults);
	tcase_add_test(tc, c_defaults_equal_yang_defaults);
	tcase_add_test(tc, all_problems_collected_in_line_order);
	tcase_add_test(tc, missing_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(config_suite());
}
