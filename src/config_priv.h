/*
 * config_priv.h - internals shared by the config_*.c files: a small YAML
 * document tree with line numbers (config_yaml.c), its validation against the
 * YANG module (config_yang.c) and its conversion to struct config
 * (config_cyaml.c).
 */
#ifndef EVPND_CONFIG_PRIV_H
#define EVPND_CONFIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_MAP,
	YNODE_SEQ,
};

/*
 * One YAML node.  A mapping's children are its values, each carrying the
 * key it was found under; a sequence's children have key NULL.
 */
struct ynode {
	enum ynode_kind kind;
	unsigned int line;     /* of the key for mapping values, else of the node */
	char *key;	       /* NULL outside mappings */
	char *scalar;	       /* YNODE_SCALAR only */
	bool plain;	       /* scalar was unquoted (may be a number or boolean) */
	struct ynode **child;  /* YNODE_MAP / YNODE_SEQ */
	size_t n_child;
	struct ynode *parent;
	bool excluded;	       /* dropped from validation after a reported problem */
	char *standin;	       /* excluded mandatory leaf: valid value validated instead */
	char *path;	       /* YANG data path, set by config_yang.c */
	const void *schema;    /* its struct lysc_node while config_yang.c runs */
};

/*
 * Parse a YAML file into a tree.  Returns the root mapping (an empty mapping
 * for an empty file) or NULL after adding the syntax problem to diag.
 */
struct ynode *ynode_parse_file(const char *path, struct cfg_diag *diag);
void ynode_free(struct ynode *n);

/*
 * Validate the tree against the embedded YANG modules; every problem is added
 * to diag.  Returns 0 when valid.  With json_out, also writes the RFC 7951
 * JSON instance evpnd validated (what yanglint would be given).
 */
int config_yang_validate(struct ynode *root, struct cfg_diag *diag, char **json_out);

/* The JSON instance of the tree, unvalidated (for comparing with yanglint). */
int config_yang_render(struct ynode *root, char **json_out);

/* Convert a validated file to a struct config via libcyaml; -1 + diag on error. */
struct config *config_from_cyaml(const char *path, struct cfg_diag *diag);

#endif
