/*
 * config_yaml.c - reads a YAML file into a tree of struct ynode that keeps
 * the line of every key and value, so that problems found later (by libyang,
 * on a JSON rendering of the same data) can be reported against the file.
 *
 * Only what a configuration needs is accepted: one document, mappings with
 * scalar keys, sequences and scalars.  Anchors, aliases, tags and merge keys
 * are refused with a line-numbered problem rather than half-supported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config_priv.h"

struct yparser {
	yaml_parser_t p;
	struct cfg_diag *diag;
	bool failed;
};

static unsigned int ev_line(const yaml_event_t *ev)
{
	return (unsigned int)ev->start_mark.line + 1;
}

static struct ynode *ynode_new(enum ynode_kind kind, unsigned int line)
{
	struct ynode *n = calloc(1, sizeof(*n));

	if (!n)
		abort();
	n->kind = kind;
	n->line = line;
	return n;
}

static void ynode_append(struct ynode *parent, struct ynode *child)
{
	struct ynode **v = realloc(parent->child, (parent->n_child + 1) * sizeof(*v));

	if (!v)
		abort();
	parent->child = v;
	parent->child[parent->n_child++] = child;
	child->parent = parent;
}

void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n_child; i++)
		ynode_free(n->child[i]);
	free(n->child);
	free(n->key);
	free(n->scalar);
	free(n->path);
	free(n->standin);
	free(n);
}

static bool next_event(struct yparser *yp, yaml_event_t *ev)
{
	if (yaml_parser_parse(&yp->p, ev))
		return true;
	cfg_diag_add(yp->diag, (unsigned int)yp->p.problem_mark.line + 1, "/",
		     "YAML syntax error: %s%s%s", yp->p.problem ? yp->p.problem : "unknown",
		     yp->p.context ? " " : "", yp->p.context ? yp->p.context : "");
	yp->failed = true;
	return false;
}

static bool refuse_features(struct yparser *yp, const yaml_event_t *ev)
{
	const char *what = NULL;

	if (ev->type == YAML_ALIAS_EVENT)
		what = "aliases";
	else if (ev->type == YAML_SCALAR_EVENT && (ev->data.scalar.anchor || ev->data.scalar.tag))
		what = ev->data.scalar.anchor ? "anchors" : "tags";
	else if (ev->type == YAML_MAPPING_START_EVENT &&
		 (ev->data.mapping_start.anchor || !ev->data.mapping_start.implicit))
		what = ev->data.mapping_start.anchor ? "anchors" : "tags";
	else if (ev->type == YAML_SEQUENCE_START_EVENT &&
		 (ev->data.sequence_start.anchor || !ev->data.sequence_start.implicit))
		what = ev->data.sequence_start.anchor ? "anchors" : "tags";
	if (!what)
		return false;
	cfg_diag_add(yp->diag, ev_line(ev), "/", "YAML %s are not supported in evpnd configuration",
		     what);
	yp->failed = true;
	return true;
}

static struct ynode *parse_node(struct yparser *yp, yaml_event_t *ev);

/* Parse the children of a mapping or sequence until its end event. */
static bool parse_children(struct yparser *yp, struct ynode *n, yaml_event_type_t end)
{
	for (;;) {
		yaml_event_t ev;
		char *key = NULL;
		unsigned int key_line = 0;
		struct ynode *child;

		if (!next_event(yp, &ev))
			return false;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return true;
		}
		if (n->kind == YNODE_MAP) {
			if (ev.type != YAML_SCALAR_EVENT || refuse_features(yp, &ev)) {
				if (!yp->failed)
					cfg_diag_add(yp->diag, ev_line(&ev), "/",
						     "mapping keys must be plain scalars");
				yp->failed = true;
				yaml_event_delete(&ev);
				return false;
			}
			key = strdup((const char *)ev.data.scalar.value);
			key_line = ev_line(&ev);
			yaml_event_delete(&ev);
			if (!next_event(yp, &ev)) {
				free(key);
				return false;
			}
		}
		child = parse_node(yp, &ev);
		yaml_event_delete(&ev);
		if (!child) {
			free(key);
			return false;
		}
		if (key) {
			child->key = key;
			child->line = key_line;
		}
		ynode_append(n, child);
	}
}

/* Build the node that starts with ev (which the caller deletes). */
static struct ynode *parse_node(struct yparser *yp, yaml_event_t *ev)
{
	struct ynode *n;

	if (refuse_features(yp, ev))
		return NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = ynode_new(YNODE_SCALAR, ev_line(ev));
		n->scalar = strndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		return n;
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		n = ynode_new(ev->type == YAML_MAPPING_START_EVENT ? YNODE_MAP : YNODE_SEQ,
			      ev_line(ev));
		if (!parse_children(yp, n, ev->type == YAML_MAPPING_START_EVENT
						   ? YAML_MAPPING_END_EVENT
						   : YAML_SEQUENCE_END_EVENT)) {
			ynode_free(n);
			return NULL;
		}
		return n;
	default:
		cfg_diag_add(yp->diag, ev_line(ev), "/", "unexpected YAML event");
		yp->failed = true;
		return NULL;
	}
}

/* Stream: STREAM-START, at most one DOCUMENT (whose root must be a mapping), STREAM-END. */
static struct ynode *parse_stream(struct yparser *yp)
{
	yaml_event_t ev;
	struct ynode *root = NULL;

	if (!next_event(yp, &ev))
		return NULL;
	yaml_event_delete(&ev); /* STREAM-START */
	if (!next_event(yp, &ev))
		return NULL;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		return ynode_new(YNODE_MAP, 1);
	}
	yaml_event_delete(&ev); /* DOCUMENT-START */
	if (!next_event(yp, &ev))
		return NULL;
	if (ev.type != YAML_MAPPING_START_EVENT) {
		if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
		    ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
			root = ynode_new(YNODE_MAP, ev_line(&ev)); /* a document of comments only */
		} else {
			cfg_diag_add(yp->diag, ev_line(&ev), "/",
				     "the configuration must be a YAML mapping");
			yaml_event_delete(&ev);
			return NULL;
		}
	} else {
		root = parse_node(yp, &ev);
	}
	yaml_event_delete(&ev);
	if (!root)
		return NULL;
	if (!next_event(yp, &ev))
		goto fail; /* DOCUMENT-END */
	yaml_event_delete(&ev);
	if (!next_event(yp, &ev))
		goto fail;
	if (ev.type != YAML_STREAM_END_EVENT) {
		cfg_diag_add(yp->diag, ev_line(&ev), "/",
			     "only one YAML document is allowed in a configuration file");
		yaml_event_delete(&ev);
		goto fail;
	}
	yaml_event_delete(&ev);
	return root;
fail:
	ynode_free(root);
	return NULL;
}

struct ynode *ynode_parse_file(const char *path, struct cfg_diag *diag)
{
	struct yparser yp = {.diag = diag};
	struct ynode *root;
	FILE *f = fopen(path, "rb");

	if (!f) {
		cfg_diag_add(diag, 0, "/", "cannot open: %s", strerror(errno));
		return NULL;
	}
	yaml_parser_initialize(&yp.p);
	yaml_parser_set_input_file(&yp.p, f);
	root = parse_stream(&yp);
	yaml_parser_delete(&yp.p);
	fclose(f);
	return root;
}
