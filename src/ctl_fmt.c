/*
 * ctl_fmt.c - text rendering of control answers for evpnctl (see ctl_fmt.h).
 * The layout of each table is part of the operator interface: columns are
 * aligned and headed; machine consumers should use -j instead.
 */
#include <string.h>

#include <json-c/json.h>

#include "ctl_fmt.h"

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

void ctl_fmt_text(FILE *out, const char *const *words, size_t n, struct json_object *data)
{
	if (n == 2 && !strcmp(words[0], "show") && !strcmp(words[1], "summary"))
		fmt_summary(out, data);
	else if (n == 1 && !strcmp(words[0], "reload"))
		fprintf(out, "reloaded %s\n", str(data, "config-file"));
	else
		fprintf(out, "%s\n",
			json_object_to_json_string_ext(data, JSON_C_TO_STRING_PRETTY |
								     JSON_C_TO_STRING_SPACED));
}
