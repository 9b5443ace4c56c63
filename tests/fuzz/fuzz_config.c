/*
 * fuzz_config - libFuzzer harness for the configuration loader: YAML parsing
 * (libyaml), the YANG validation loop (libyang, exclusions and stand-ins)
 * and the conversion with libcyaml.  Whatever the input, config_load must
 * return a config or problems with a path and a message, and never crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

static void quiet(enum log_level lvl, const char *line, void *arg)
{
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_diag diag = {0};
	struct config *c;
	char path[64];
	int fd;

	if (size > 16384)
		return 0;
	log_set_sink(quiet, NULL);
	fd = memfd_create("fuzz-config", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	c = config_load(path, &diag);
	if (c) {
		FILE *devnull = fopen("/dev/null", "w");

		config_dump(c, devnull);
		fclose(devnull);
		config_free(c);
	} else {
		for (size_t i = 0; i < diag.n; i++)
			if (!diag.v[i].path || !diag.v[i].msg)
				abort(); /* every problem has a path and a message */
	}
	cfg_diag_clear(&diag);
	close(fd);
	return 0;
}
