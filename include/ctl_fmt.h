/*
 * ctl_fmt.h - evpnctl's text rendering of the daemon's structured answers.
 * One formatter per command; an unknown answer is printed as JSON.
 */
#ifndef EVPND_CTL_FMT_H
#define EVPND_CTL_FMT_H

#include <stddef.h>
#include <stdio.h>

struct json_object;

void ctl_fmt_text(FILE *out, const char *const *words, size_t n, struct json_object *data);

#endif
