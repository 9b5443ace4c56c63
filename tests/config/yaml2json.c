/*
 * yaml2json - prints the RFC 7951 JSON instance evpnd builds from a YAML
 * configuration file, without validating it, so that tests can give the very
 * same data to yanglint and compare verdicts.
 */
#include <stdio.h>
#include <stdlib.h>

#include "config_priv.h"

int main(int argc, char **argv)
{
	struct cfg_diag diag = {0};
	struct ynode *root;
	char *json = NULL;

	if (argc != 2) {
		fprintf(stderr, "usage: yaml2json FILE.yaml\n");
		return 2;
	}
	root = ynode_parse_file(argv[1], &diag);
	if (!root) {
		cfg_diag_print(&diag, argv[1], stderr);
		cfg_diag_clear(&diag);
		return 1;
	}
	if (config_yang_render(root, &json) == -1)
		return 1;
	fputs(json, stdout);
	free(json);
	ynode_free(root);
	return 0;
}
