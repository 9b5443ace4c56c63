/*
 * config_yang.c - validates a parsed YAML tree against the evpnd YANG module
 * with libyang, reporting every problem against the file's lines.
 *
 * The tree is rendered as the RFC 7951 JSON instance of the module (leaf
 * values typed as the schema says: numbers for integers, true/false for
 * booleans, strings otherwise), one YAML node per JSON line, and handed to
 * libyang's JSON parser and validator: evpnd therefore accepts exactly what
 * yanglint accepts for the same data, with libyang's own messages.  libyang
 * stops at the first problem, so the loop excludes the node a problem is
 * about and validates again, until the rest is clean or no further progress
 * can be made.
 */
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libyang/libyang.h>

#include "config_priv.h"
#include "yang_embed.h"

#define MAX_ROUNDS 64

/* Growable text with a map from output line to the YAML node written there. */
struct emitter {
	char *buf;
	size_t len, cap;
	unsigned int line; /* current output line, 1-based */
	struct ynode **line_node;
	size_t n_lines;
	const struct lys_module *mod;
};

static void emit_raw(struct emitter *e, const char *s, size_t n)
{
	if (e->len + n + 1 > e->cap) {
		size_t cap = e->cap ? e->cap : 1024;

		while (e->len + n + 1 > cap)
			cap *= 2;
		e->buf = realloc(e->buf, cap);
		if (!e->buf)
			abort();
		e->cap = cap;
	}
	memcpy(e->buf + e->len, s, n);
	e->len += n;
	e->buf[e->len] = '\0';
}

static void emit_str(struct emitter *e, const char *s)
{
	emit_raw(e, s, strlen(s));
}

/* Start a new output line that belongs to node n. */
static void emit_line(struct emitter *e, struct ynode *n)
{
	if (e->len)
		emit_str(e, "\n");
	e->line++;
	e->line_node = realloc(e->line_node, (e->line + 1) * sizeof(*e->line_node));
	if (!e->line_node)
		abort();
	e->line_node[e->line] = n;
	e->n_lines = e->line;
}

static void emit_json_string(struct emitter *e, const char *s)
{
	char esc[8];

	emit_str(e, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			emit_raw(e, esc, 2);
		} else if (*p < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", *p);
			emit_str(e, esc);
		} else {
			emit_raw(e, (const char *)p, 1);
		}
	}
	emit_str(e, "\"");
}

static bool is_json_integer(const char *s)
{
	const char *p = s;

	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1]))
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

/* A scalar as RFC 7951 encodes a value of the leaf's type (6.1 - 6.9). */
static void emit_scalar(struct emitter *e, const struct ynode *n, const struct lysc_node *snode)
{
	LY_DATA_TYPE t = LY_TYPE_UNKNOWN;
	const char *v = n->standin ? n->standin : n->scalar;
	bool plain = n->standin || n->plain;

	if (snode && (snode->nodetype & (LYS_LEAF | LYS_LEAFLIST)))
		t = ((const struct lysc_node_leaf *)snode)->type->basetype;
	switch (t) {
	case LY_TYPE_UINT8:
	case LY_TYPE_UINT16:
	case LY_TYPE_UINT32:
	case LY_TYPE_INT8:
	case LY_TYPE_INT16:
	case LY_TYPE_INT32:
		if (plain && is_json_integer(v)) {
			emit_str(e, v);
			return;
		}
		break;
	case LY_TYPE_BOOL:
		if (plain && (!strcmp(v, "true") || !strcmp(v, "false"))) {
			emit_str(e, v);
			return;
		}
		break;
	case LY_TYPE_EMPTY:
		if (plain && v[0] == '\0') {
			emit_str(e, "[null]");
			return;
		}
		break;
	default:
		break;
	}
	emit_json_string(e, v);
}

static const struct lysc_node *schema_child(const struct emitter *e, const struct lysc_node *parent,
					    const char *name)
{
	if (!name)
		return NULL;
	return lys_find_child(parent, e->mod, name, 0, 0, 0);
}

static void emit_value(struct emitter *e, struct ynode *n, const struct lysc_node *snode);

/* The members of a YAML mapping as a JSON object body; top level names are module-qualified. */
static void emit_members(struct emitter *e, struct ynode *map, const struct lysc_node *sparent,
			 bool top)
{
	bool first = true;

	for (size_t i = 0; i < map->n_child; i++) {
		struct ynode *c = map->child[i];

		if (c->excluded && !c->standin)
			continue;
		if (!first)
			emit_str(e, ",");
		first = false;
		emit_line(e, c);
		if (top) {
			char qname[256];

			snprintf(qname, sizeof(qname), "evpnd:%s", c->key);
			emit_json_string(e, qname);
		} else {
			emit_json_string(e, c->key);
		}
		emit_str(e, ": ");
		emit_value(e, c, schema_child(e, sparent, c->key));
	}
}

static void emit_value(struct emitter *e, struct ynode *n, const struct lysc_node *snode)
{
	bool first = true;

	switch (n->kind) {
	case YNODE_SCALAR:
		emit_scalar(e, n, snode);
		return;
	case YNODE_MAP:
		emit_str(e, "{");
		emit_members(e, n, snode, false);
		emit_line(e, n);
		emit_str(e, "}");
		return;
	case YNODE_SEQ:
		emit_str(e, "[");
		for (size_t i = 0; i < n->n_child; i++) {
			struct ynode *c = n->child[i];

			if (c->excluded)
				continue;
			if (!first)
				emit_str(e, ",");
			first = false;
			emit_line(e, c);
			emit_value(e, c, snode);
		}
		emit_line(e, n);
		emit_str(e, "]");
		return;
	}
}

static char *path_join(const char *parent, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static char *path_join(const char *parent, const char *fmt, ...)
{
	char tail[512], *out;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tail, sizeof(tail), fmt, ap);
	va_end(ap);
	if (asprintf(&out, "%s%s", parent, tail) < 0)
		abort();
	return out;
}

static const char *quote_for(const char *v)
{
	return strchr(v, '\'') ? "\"" : "'";
}

static struct ynode *map_get(const struct ynode *map, const char *key)
{
	if (map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < map->n_child; i++)
		if (map->child[i]->key && !strcmp(map->child[i]->key, key))
			return map->child[i];
	return NULL;
}

/* The predicate of a list entry, "[k1='v1'][k2='v2']", as libyang writes data paths. */
static char *list_predicate(const struct ynode *entry, const struct lysc_node *slist)
{
	char *pred = strdup(""), *next;
	const struct lysc_node *k;

	LY_LIST_FOR(lysc_node_child(slist), k) {
		struct ynode *v;

		if (!lysc_is_key(k))
			break;
		v = map_get(entry, k->name);
		if (!v || v->kind != YNODE_SCALAR)
			continue;
		next = path_join(pred, "[%s=%s%s%s]", k->name, quote_for(v->scalar), v->scalar,
				 quote_for(v->scalar));
		free(pred);
		pred = next;
	}
	return pred;
}

/* Give every node its YANG data path and schema node (NULL where unknown). */
static void assign_paths(const struct emitter *e, struct ynode *n, const struct lysc_node *snode)
{
	for (size_t i = 0; i < n->n_child; i++) {
		struct ynode *c = n->child[i];
		const struct lysc_node *cs = NULL;

		free(c->path);
		if (n->kind == YNODE_MAP) {
			cs = schema_child(e, snode, c->key);
			c->path = n->path ? path_join(n->path, "/%s", c->key)
					  : path_join("/evpnd:", "%s", c->key);
		} else if (snode && snode->nodetype == LYS_LIST && c->kind == YNODE_MAP) {
			char *pred = list_predicate(c, snode);

			cs = snode;
			c->path = path_join(n->path, "%s", pred);
			free(pred);
		} else if (snode && snode->nodetype == LYS_LEAFLIST && c->kind == YNODE_SCALAR) {
			cs = snode;
			c->path = path_join(n->path, "[.=%s%s%s]", quote_for(c->scalar), c->scalar,
					    quote_for(c->scalar));
		} else {
			c->path = path_join(n->path, "[%zu]", i + 1);
		}
		c->schema = cs;
		/* a list's sequence node passes the list schema on to its entries */
		assign_paths(e, c, cs);
	}
}

/*
 * Last node in document order whose path is exactly path; excluded nodes
 * count only with any_node.
 */
static struct ynode *find_by_path(struct ynode *n, const char *path, bool any_node)
{
	struct ynode *found = NULL;

	if (!any_node && n->excluded)
		return NULL; /* nor anything below it */
	if (n->path && !strcmp(n->path, path))
		found = n;
	for (size_t i = 0; i < n->n_child; i++) {
		struct ynode *f = find_by_path(n->child[i], path, any_node);

		if (f)
			found = f;
	}
	return found;
}

/* Parse libyang's '... location "P"' and 'line number N' out of an error's path text. */
static void parse_err_location(const char *text, char *path, size_t cap, unsigned int *line)
{
	const char *p, *q;

	path[0] = '\0';
	*line = 0;
	if (!text)
		return;
	p = strstr(text, "Data location \"");
	if (!p)
		p = strstr(text, "Schema location \"");
	if (p) {
		p = strchr(p, '"') + 1;
		q = strchr(p, '"');
		/* a predicate value may contain a quote: take the last '"' before ", line" or ".)" */
		for (const char *r = q; r; r = strchr(r + 1, '"'))
			if (r[1] == ',' || r[1] == '\0' || r[1] == '.')
				q = r;
		if (q && (size_t)(q - p) < cap) {
			memcpy(path, p, (size_t)(q - p));
			path[q - p] = '\0';
		}
	}
	p = strcasestr(text, "line number ");
	if (p)
		*line = (unsigned int)strtoul(p + strlen("line number "), NULL, 10);
}

/* X of 'Mandatory node "X" instance does not exist.', copied into name; false if not that. */
static bool mandatory_name(const char *msg, char *name, size_t cap)
{
	const char *prefix = "Mandatory node \"", *q;

	if (!msg || strncmp(msg, prefix, strlen(prefix)))
		return false;
	msg += strlen(prefix);
	q = strchr(msg, '"');
	if (!q || (size_t)(q - msg) >= cap)
		return false;
	memcpy(name, msg, (size_t)(q - msg));
	name[q - msg] = '\0';
	return true;
}

/*
 * libyang locates a missing mandatory leaf of a list entry by its schema
 * path, i.e. at the list: point at the first entry that lacks it instead.
 */
static struct ynode *mandatory_owner(struct ynode *n, const char *msg)
{
	char name[128];

	if (!n || n->kind != YNODE_SEQ || !mandatory_name(msg, name, sizeof(name)))
		return n;
	for (size_t i = 0; i < n->n_child; i++) {
		struct ynode *entry = n->child[i];

		if (!entry->excluded && entry->kind == YNODE_MAP && !map_get(entry, name))
			return entry;
	}
	return n;
}

static bool is_ancestor(const struct ynode *a, const struct ynode *n)
{
	for (; n; n = n->parent)
		if (n == a)
			return true;
	return false;
}

/*
 * libyang reports a value of the wrong shape ('The list "x" is expected to be
 * represented as ...') at the line of the first thing inside it: the node
 * the message is about is the ancestor named in it.
 */
static bool key_quoted_in(const struct ynode *n, const char *msg)
{
	char quoted[256];

	if (!n->key || n->excluded)
		return false;
	snprintf(quoted, sizeof(quoted), "\"%s\"", n->key);
	return strstr(msg, quoted) != NULL;
}

static struct ynode *find_key_quoted(struct ynode *n, const char *msg)
{
	if (n->excluded)
		return NULL;
	if (key_quoted_in(n, msg))
		return n;
	for (size_t i = 0; i < n->n_child; i++) {
		struct ynode *f = find_key_quoted(n->child[i], msg);

		if (f)
			return f;
	}
	return NULL;
}

static struct ynode *shape_error_owner(struct ynode *root, struct ynode *n, const char *msg)
{
	struct ynode *f;

	if (!msg || !strstr(msg, "is expected to be represented as"))
		return n;
	for (struct ynode *a = n; a; a = a->parent)
		if (key_quoted_in(a, msg))
			return a;
	f = find_key_quoted(root, msg);
	return f ? f : n;
}

/*
 * The YAML node an error is about; NULL when it cannot be told.  *artifact
 * is set when the error is about a node already excluded, i.e. a consequence
 * of a problem reported before.
 */
static struct ynode *error_node(const struct emitter *e, struct ynode *root, const char *where,
				const char *msg,
				bool *artifact)
{
	char path[1024];
	unsigned int jline;
	struct ynode *n = NULL;

	*artifact = false;
	parse_err_location(where, path, sizeof(path), &jline);
	if (jline >= 1 && jline <= e->n_lines) {
		/* the parser's line may be its enclosing entry's: prefer a deeper exact path */
		struct ynode *by_line = e->line_node[jline];

		if (by_line->excluded) { /* a stand-in */
			*artifact = true;
			return NULL;
		}
		n = path[0] ? find_by_path(root, path, false) : NULL;
		if (n && is_ancestor(by_line, n))
			return n;
		return shape_error_owner(root, by_line, msg);
	}
	if (!path[0])
		return NULL;
	if (find_by_path(root, path, true) && !find_by_path(root, path, false)) {
		*artifact = true;
		return NULL;
	}
	for (char *cut; !(n = find_by_path(root, path, false));) {
		cut = strrchr(path, '/');
		if (!cut || cut == path)
			break;
		*cut = '\0';
	}
	return mandatory_owner(n, msg);
}

/* "Mandatory node "X" instance does not exist." about n, where X was excluded by us. */
static bool missing_because_excluded(const struct ynode *n, const char *msg)
{
	char name[128];

	if (!mandatory_name(msg, name, sizeof(name)))
		return false;
	for (size_t i = 0; i < n->n_child; i++)
		if (n->child[i]->excluded && n->child[i]->key && !strcmp(n->child[i]->key, name))
			return true;
	return false;
}

/*
 * A value valid for a mandatory leaf, to validate in place of a bad one so
 * that its absence does not hide the rest of the file: the low end of a
 * numeric range, else the first of a few generic candidates the type accepts.
 */
static char *standin_value(const struct ly_ctx *ctx, const struct lysc_node *sn)
{
	static const char *const candidates[] = {"1", "0", "0.0.0.0", "::", "a", "auto"};
	const struct lysc_type *t = ((const struct lysc_node_leaf *)sn)->type;
	char num[32];

	if (t->basetype >= LY_TYPE_UINT8 && t->basetype <= LY_TYPE_UINT64) {
		const struct lysc_range *r = ((const struct lysc_type_num *)t)->range;

		snprintf(num, sizeof(num), "%llu",
			 r ? (unsigned long long)r->parts[0].min_u64 : 0ULL);
		if (lyd_value_validate(ctx, sn, num, strlen(num), NULL, NULL, NULL) == LY_SUCCESS)
			return strdup(num);
	}
	for (size_t i = 0; i < sizeof(candidates) / sizeof(candidates[0]); i++)
		if (lyd_value_validate(ctx, sn, candidates[i], strlen(candidates[i]), NULL, NULL,
				       NULL) == LY_SUCCESS)
			return strdup(candidates[i]);
	ly_err_clean((struct ly_ctx *)ctx, NULL);
	return NULL;
}

/* Another key of the same name in n's mapping (a duplicate YAML key). */
static bool has_twin(const struct ynode *n)
{
	const struct ynode *p = n->parent;

	for (size_t i = 0; n->key && i < p->n_child; i++)
		if (p->child[i] != n && p->child[i]->key && !strcmp(p->child[i]->key, n->key))
			return true;
	return false;
}

/*
 * Remove n from the next round: a list key takes its whole entry with it, a
 * mandatory leaf is replaced by a stand-in value.
 */
static bool exclude(struct ynode *n, const struct ly_ctx *ctx)
{
	const struct lysc_node *sn = n->schema;

	if (sn && lysc_is_key(sn) && n->parent && n->parent->parent &&
	    n->parent->parent->kind == YNODE_SEQ)
		n = n->parent;
	if (!n->parent || n->excluded)
		return false;
	n->excluded = true;
	if (sn && n->kind == YNODE_SCALAR && !has_twin(n) && sn->nodetype == LYS_LEAF && (sn->flags & LYS_MAND_TRUE))
		n->standin = standin_value(ctx, sn);
	return true;
}

static LY_ERR import_embedded(const char *mod_name, const char *mod_rev, const char *submod_name,
			      const char *submod_rev, void *user_data, LYS_INFORMAT *format,
			      const char **module_data, ly_module_imp_data_free_clb *free_module_data)
{
	for (const struct yang_embedded *m = evpnd_yang_modules; m->name; m++) {
		if (!submod_name && !strcmp(m->name, mod_name)) {
			*format = LYS_IN_YANG;
			*module_data = m->text;
			*free_module_data = NULL;
			return LY_SUCCESS;
		}
	}
	return LY_ENOTFOUND;
}

/* A libyang context holding the embedded evpnd module (and its imports). */
static struct ly_ctx *yang_context(const struct lys_module **mod)
{
	struct ly_ctx *ctx = NULL;

	ly_log_options(LY_LOSTORE);
	if (ly_ctx_new(NULL, LY_CTX_DISABLE_SEARCHDIRS | LY_CTX_NO_YANGLIBRARY, &ctx) != LY_SUCCESS)
		return NULL;
	ly_ctx_set_module_imp_clb(ctx, import_embedded, NULL);
	*mod = ly_ctx_load_module(ctx, "evpnd", NULL, NULL);
	if (!*mod) {
		ly_ctx_destroy(ctx);
		return NULL;
	}
	return ctx;
}

/* Start the document: line 1 holds the opening brace and belongs to root. */
static void emitter_reset(struct emitter *e, struct ynode *root)
{
	e->len = 0;
	e->line = 0;
	e->n_lines = 0;
	emit_line(e, root);
	emit_str(e, "{");
}

/* One problem libyang reported, copied out of its error list. */
struct yerr {
	char *msg;
	char *path; /* libyang's location text */
};

/* Take the round's errors out of libyang's list (exclude() may add new ones). */
static size_t take_errors(struct ly_ctx *ctx, struct yerr *v, size_t cap)
{
	size_t n = 0;

	for (struct ly_err_item *err = ly_err_first(ctx); err && n < cap; err = err->next) {
		if (err->level != LY_LLERR)
			continue;
		v[n].msg = strdup(err->msg ? err->msg : "invalid");
		v[n].path = err->path ? strdup(err->path) : NULL;
		n++;
	}
	ly_err_clean(ctx, NULL);
	return n;
}

static void report_one(const struct yerr *err, struct ynode *n, struct cfg_diag *diag)
{
	char path[1024];
	unsigned int jline;

	if (n) {
		cfg_diag_add(diag, n->line, n->path ? n->path : "/", "%s", err->msg);
		return;
	}
	parse_err_location(err->path, path, sizeof(path), &jline);
	cfg_diag_add(diag, 1, path[0] ? path : "/", "%s", err->msg);
}

/*
 * Report the problems libyang stored for one round.  Returns true when at
 * least one node was newly excluded, i.e. another round can find more.
 */
static bool report_round(struct ly_ctx *ctx, const struct emitter *e, struct ynode *root,
			 struct cfg_diag *diag, size_t *problems)
{
	struct yerr errs[16];
	size_t n_errs = take_errors(ctx, errs, 16);
	bool progress = false;

	for (size_t i = 0; i < n_errs; i++) {
		struct ynode *n;
		bool artifact;

		n = error_node(e, root, errs[i].path, errs[i].msg, &artifact);
		if (artifact)
			goto next;
		if (n && missing_because_excluded(n, errs[i].msg)) {
			progress |= exclude(n, ctx); /* silently: its cause was reported */
			goto next;
		}
		(*problems)++;
		report_one(&errs[i], n, diag);
		if (n && exclude(n, ctx))
			progress = true;
next:
		free(errs[i].msg);
		free(errs[i].path);
	}
	ly_err_clean(ctx, NULL);
	return progress;
}

int config_yang_validate(struct ynode *root, struct cfg_diag *diag, char **json_out)
{
	struct emitter e = {0};
	struct ly_ctx *ctx = yang_context(&e.mod);
	size_t problems = 0;
	int rc = -1;

	if (!ctx) {
		cfg_diag_add(diag, 0, "/", "internal error: cannot load the evpnd YANG module");
		return -1;
	}
	for (int round = 0; round < MAX_ROUNDS; round++) {
		struct lyd_node *tree = NULL;
		LY_ERR err;

		assign_paths(&e, root, NULL);
		emitter_reset(&e, root);
		emit_members(&e, root, NULL, true);
		emit_line(&e, root);
		emit_str(&e, "}\n");
		err = lyd_parse_data_mem(ctx, e.buf, LYD_JSON, LYD_PARSE_STRICT | LYD_PARSE_NO_STATE,
					 LYD_VALIDATE_NO_STATE, &tree);
		lyd_free_all(tree);
		if (err == LY_SUCCESS) {
			rc = problems == 0 ? 0 : -1;
			break;
		}
		if (!report_round(ctx, &e, root, diag, &problems))
			break;
	}
	if (rc == 0 && json_out) {
		*json_out = e.buf;
		e.buf = NULL;
	}
	free(e.buf);
	free(e.line_node);
	ly_ctx_destroy(ctx);
	return rc;
}

int config_yang_render(struct ynode *root, char **json_out)
{
	struct emitter e = {0};
	struct ly_ctx *ctx = yang_context(&e.mod);

	if (!ctx)
		return -1;
	assign_paths(&e, root, NULL);
	emitter_reset(&e, root);
	emit_members(&e, root, NULL, true);
	emit_line(&e, root);
	emit_str(&e, "}\n");
	*json_out = e.buf;
	free(e.line_node);
	ly_ctx_destroy(ctx);
	return 0;
}
