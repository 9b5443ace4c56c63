/*
 * ctl_fmt.c - text rendering of control answers for evpnctl (see ctl_fmt.h).
 * The layout of each table is part of the operator interface: columns are
 * aligned and headed; machine consumers should use -j instead.
 */
#include <stdbool.h>
#include <string.h>

#include <json-c/json.h>

#include "ctl_fmt.h"
#include "metrics.h"

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return "-";
	return json_object_get_string(v);
}

static void fmt_duration(FILE *out, long long s)
{
	if (s >= 86400)
		fprintf(out, "%lldd%02lldh%02lldm", s / 86400, s % 86400 / 3600, s % 3600 / 60);
	else
		fprintf(out, "%02lld:%02lld:%02lld", s / 3600, s % 3600 / 60, s % 60);
}

static void fmt_summary(FILE *out, struct json_object *d)
{
	struct json_object *v, *counts;

	fprintf(out, "evpnd %s\n", str(d, "version"));
	fprintf(out, "  %-16s %s\n", "router-id", str(d, "router-id"));
	fprintf(out, "  %-16s %s\n", "AS", str(d, "asn"));
	fprintf(out, "  %-16s %s\n", "VTEP", str(d, "vtep-ip"));
	fprintf(out, "  %-16s %s\n", "config", str(d, "config-file"));
	fprintf(out, "  %-16s ", "uptime");
	fmt_duration(out, json_object_object_get_ex(d, "uptime-seconds", &v)
				  ? (long long)json_object_get_int64(v)
				  : 0);
	fprintf(out, "\n  %-16s %s ok, %s refused\n", "reloads", str(d, "reloads"),
		str(d, "reloads-failed"));
	if (json_object_object_get_ex(d, "counts", &counts)) {
		json_object_object_foreach(counts, key, val)
			fprintf(out, "  %-16s %s\n", key, json_object_get_string(val));
	}
}

static long long num(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? (long long)json_object_get_int64(v) : 0;
}

static struct json_object *sub(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(o, key, &v);
	return v;
}

static void fmt_neighbors(FILE *out, struct json_object *a)
{
	fprintf(out, "%-39s %10s %-12s %9s %8s %8s %8s %8s  %s\n", "Neighbor", "AS", "State",
		"Up/Down", "MsgRcvd", "MsgSent", "PfxRcvd", "PfxSent", "Description");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *p = json_object_array_get_idx(a, i);

		fprintf(out, "%-39s %10s %-12s ", str(p, "address"), str(p, "remote-asn"),
			str(p, "state"));
		fmt_duration(out, num(p, "state-seconds"));
		fprintf(out, " %8lld %8lld %8lld %8lld  %s\n", num(sub(p, "messages-received"), "total"),
			num(sub(p, "messages-sent"), "total"), num(p, "prefixes-current"),
			num(p, "prefixes-sent"), str(p, "description"));
	}
}

/* Any JSON value as indented "key: value" lines (show neighbors detail). */
static void fmt_tree(FILE *out, struct json_object *v, int indent)
{
	if (json_object_is_type(v, json_type_object)) {
		json_object_object_foreach(v, k, sv) {
			bool nested = (json_object_is_type(sv, json_type_object) &&
				       json_object_object_length(sv)) ||
				      (json_object_is_type(sv, json_type_array) &&
				       json_object_array_length(sv) &&
				       !json_object_is_type(json_object_array_get_idx(sv, 0),
							    json_type_string));

			fprintf(out, "%*s%s:", indent, "", k);
			if (nested) {
				fputc('\n', out);
				fmt_tree(out, sv, indent + 2);
			} else if (json_object_is_type(sv, json_type_array)) {
				for (size_t i = 0; i < json_object_array_length(sv); i++)
					fprintf(out, " %s", json_object_get_string(
								    json_object_array_get_idx(sv, i)));
				fputc('\n', out);
			} else {
				fprintf(out, " %s\n", sv ? json_object_get_string(sv) : "-");
			}
		}
	} else if (json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			fprintf(out, "%*s-\n", indent, "");
			fmt_tree(out, json_object_array_get_idx(v, i), indent + 2);
		}
	}
}

static void fmt_neighbors_detail(FILE *out, struct json_object *a)
{
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *p = json_object_array_get_idx(a, i);

		fprintf(out, "%sBGP neighbor %s, remote AS %s, %s\n", i ? "\n" : "",
			str(p, "address"), str(p, "remote-asn"), str(p, "state"));
		fmt_tree(out, p, 2);
	}
}

static void fmt_routes(FILE *out, struct json_object *a)
{
	fprintf(out, "%-22s %-58s %-16s %-16s %s\n", "RD", "Route", "Next hop", "From",
		"Communities");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *r = json_object_array_get_idx(a, i), *paths = sub(r, "paths");

		for (size_t j = 0; paths && j < json_object_array_length(paths); j++) {
			struct json_object *p = json_object_array_get_idx(paths, j);

			fprintf(out, "%-22s %s%-57s %-16s %-16s %s\n", j ? "" : str(r, "rd"),
				json_object_get_boolean(sub(p, "best")) ? ">" : " ",
				j ? "" : str(r, "prefix"), str(p, "next-hop"), str(p, "from"),
				str(p, "extended-communities"));
		}
	}
	fprintf(out, "%zu routes\n", json_object_array_length(a));
}

static void fmt_vnis(FILE *out, struct json_object *a)
{
	fprintf(out, "%-9s %-22s %-10s %-8s %-24s %s\n", "VNI", "RD", "Device", "Active",
		"Import RTs", "Export RTs");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *v = json_object_array_get_idx(a, i);
		char imp[256] = "", exp[256] = "";
		struct json_object *l;

		l = sub(v, "import-rts");
		for (size_t j = 0; l && j < json_object_array_length(l); j++)
			snprintf(imp + strlen(imp), sizeof(imp) - strlen(imp), "%s%s", j ? " " : "",
				 json_object_get_string(json_object_array_get_idx(l, j)));
		l = sub(v, "export-rts");
		for (size_t j = 0; l && j < json_object_array_length(l); j++)
			snprintf(exp + strlen(exp), sizeof(exp) - strlen(exp), "%s%s", j ? " " : "",
				 json_object_get_string(json_object_array_get_idx(l, j)));
		fprintf(out, "%-9s %-22s %-10s %-8s %-24s %s\n", str(v, "vni"), str(v, "rd"),
			str(v, "vxlan-device"), str(v, "active"), imp, exp);
	}
}

static void fmt_macs(FILE *out, struct json_object *a)
{
	fprintf(out, "%-9s %-18s %-7s %-16s %5s %-7s %s\n", "VNI", "MAC", "Type", "VTEP/ifindex",
		"Seq", "Sticky", "Installed");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *m = json_object_array_get_idx(a, i);
		bool local = !strcmp(str(m, "type"), "local");

		fprintf(out, "%-9s %-18s %-7s %-16s %5s %-7s %s\n", str(m, "vni"), str(m, "mac"),
			str(m, "type"), local ? str(m, "ifindex") : str(m, "vtep"),
			str(m, "sequence"), str(m, "sticky"), str(m, "installed"));
	}
}

static void fmt_vteps(FILE *out, struct json_object *a)
{
	fprintf(out, "%-9s %-40s %s\n", "VNI", "Remote VTEP", "Flood entry");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *v = json_object_array_get_idx(a, i);

		fprintf(out, "%-9s %-40s %s\n", str(v, "vni"), str(v, "vtep"),
			json_object_get_boolean(sub(v, "flood-installed")) ? "installed" : "pending");
	}
}

static void rt_join(struct json_object *l, char *buf, size_t cap)
{
	buf[0] = '\0';
	for (size_t j = 0; l && j < json_object_array_length(l); j++)
		snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", j ? " " : "",
			 json_object_get_string(json_object_array_get_idx(l, j)));
}

static void fmt_vrfs(FILE *out, struct json_object *a)
{
	fprintf(out, "%-15s %-9s %-22s %-10s %-6s %-18s %6s %6s %-18s %s\n", "VRF", "L3VNI", "RD",
		"SVI", "Table", "Router MAC", "Routes", "Type-5", "Import RTs", "Export RTs");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *v = json_object_array_get_idx(a, i);
		char imp[256], exp[256];

		rt_join(sub(v, "import-rts"), imp, sizeof(imp));
		rt_join(sub(v, "export-rts"), exp, sizeof(exp));
		fprintf(out, "%-15s %-9s %-22s %-10s %-6s %-18s %6s %6s %-18s %s\n", str(v, "name"),
			str(v, "l3vni"), str(v, "rd"),
			json_object_get_boolean(sub(v, "active")) ? str(v, "svi") : "(inactive)",
			str(v, "table"), str(v, "router-mac"), str(v, "routes-installed"),
			str(v, "type5-advertised"), imp, exp);
	}
}

static void fmt_nexthops(FILE *out, struct json_object *a, bool rmacs)
{
	if (rmacs)
		fprintf(out, "%-15s %-9s %-18s %s\n", "VRF", "L3VNI", "Router MAC", "Remote VTEP");
	else
		fprintf(out, "%-15s %-9s %-40s %-18s %6s %s\n", "VRF", "L3VNI", "Remote VTEP",
			"Router MAC", "Routes", "Installed");
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *v = json_object_array_get_idx(a, i);

		if (rmacs)
			fprintf(out, "%-15s %-9s %-18s %s\n", str(v, "vrf"), str(v, "l3vni"),
				str(v, "router-mac"), str(v, "vtep"));
		else
			fprintf(out, "%-15s %-9s %-40s %-18s %6s %s\n", str(v, "vrf"),
				str(v, "l3vni"), str(v, "vtep"), str(v, "router-mac"),
				str(v, "routes"), str(v, "installed"));
	}
}

static void fmt_audit(FILE *out, struct json_object *d)
{
	struct json_object *items = sub(d, "drift");
	size_t n = items ? json_object_array_length(items) : 0;

	fprintf(out, "%s entries checked, %zu drift%s\n", str(d, "checked"), n,
		n && json_object_get_boolean(sub(d, "repair")) ? " (repaired)" : "");
	if (!n)
		return;
	fprintf(out, "%-9s %-6s %-8s %-40s %-24s %s\n", "VNI", "Kind", "Problem", "Key", "Expected",
		"Found");
	for (size_t i = 0; i < n; i++) {
		struct json_object *x = json_object_array_get_idx(items, i);

		fprintf(out, "%-9s %-6s %-8s %-40s %-24s %s\n", str(x, "vni"), str(x, "kind"),
			str(x, "problem"), str(x, "key"), str(x, "expected"), str(x, "found"));
	}
}

void ctl_fmt_text(FILE *out, const char *const *words, size_t n, struct json_object *data)
{
	if (n >= 1 && !strcmp(words[0], "audit")) {
		fmt_audit(out, data);
		return;
	}
	bool show = n >= 2 && !strcmp(words[0], "show");

	if (show && n == 2 && !strcmp(words[1], "summary"))
		fmt_summary(out, data);
	else if (show && n == 2 && !strcmp(words[1], "neighbors"))
		fmt_neighbors(out, data);
	else if (show && n == 3 && !strcmp(words[1], "neighbors"))
		fmt_neighbors_detail(out, data);
	else if (show && !strcmp(words[1], "routes"))
		fmt_routes(out, data);
	else if (show && n == 2 && !strcmp(words[1], "vnis"))
		fmt_vnis(out, data);
	else if (show && !strcmp(words[1], "macs"))
		fmt_macs(out, data);
	else if (show && n == 2 && !strcmp(words[1], "vteps"))
		fmt_vteps(out, data);
	else if (show && n == 2 && !strcmp(words[1], "metrics"))
		metrics_fmt(out, data);
	else if (show && n == 2 && !strcmp(words[1], "vrfs"))
		fmt_vrfs(out, data);
	else if (show && n == 2 && !strcmp(words[1], "nexthops"))
		fmt_nexthops(out, data, false);
	else if (show && n == 2 && !strcmp(words[1], "rmacs"))
		fmt_nexthops(out, data, true);
	else if (n == 1 && !strcmp(words[0], "reload"))
		fprintf(out, "reloaded %s\n", str(data, "config-file"));
	else
		fprintf(out, "%s\n",
			json_object_to_json_string_ext(data, JSON_C_TO_STRING_PRETTY |
								     JSON_C_TO_STRING_SPACED));
}
