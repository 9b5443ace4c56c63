/* yang_embed.h - the YANG modules of yang/, compiled in by the build. */
#ifndef EVPND_YANG_EMBED_H
#define EVPND_YANG_EMBED_H

struct yang_embedded {
	const char *name; /* module name, e.g. "evpnd" */
	const char *text; /* YANG source */
};

/* Terminated by an entry whose name is NULL. */
extern const struct yang_embedded evpnd_yang_modules[];

#endif
