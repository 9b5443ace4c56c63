/*
 * log.h - levelled logging to stderr (default) or syslog.
 *
 * Library modules that sit on the data path (codecs, RIB) never log; they
 * return errors and the caller logs with its object context.  Context is a
 * short "subject" such as "peer 10.0.0.1" or "vni 100" that prefixes the
 * message, so every line says what it is about:
 *
 *     log_warn("peer 10.0.0.1", "hold timer expired");
 *     -> "2026-11-24T09:00:00.123 warning: peer 10.0.0.1: hold timer expired"
 *
 * The level threshold and destination are process-wide settings made once at
 * start-up (log_init); tests may redirect output with log_set_sink().  Under
 * systemd (stderr is the journal's stream) lines carry "<N>" priorities.
 * Floods are limited per call site: LOG_RL_BURST lines per LOG_RL_WINDOW_S
 * seconds, then "N similar messages suppressed" (debug lines are exempt).
 */
#ifndef EVPND_LOG_H
#define EVPND_LOG_H

#include <stdarg.h>
#include <stdbool.h>

/* syslog(3) priorities. */
enum log_level {
	LOG_LVL_ERR = 3,
	LOG_LVL_WARNING = 4,
	LOG_LVL_NOTICE = 5,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7,
};

enum log_dest {
	LOG_DEST_STDERR,
	LOG_DEST_SYSLOG,
};

void log_init(const char *ident, enum log_dest dest, enum log_level threshold);
void log_set_level(enum log_level threshold);

#define LOG_RL_BURST 100
#define LOG_RL_WINDOW_S 10
/* Change the flood limit (tests); burst 0 turns it off. */
void log_set_rate_limit(unsigned burst, unsigned window_s);
bool log_enabled(enum log_level lvl);

/* A sink receives each formatted line (no trailing newline); NULL restores. */
typedef void (*log_sink_fn)(enum log_level lvl, const char *line, void *arg);
void log_set_sink(log_sink_fn fn, void *arg);

/* subject may be NULL.  Format as printf. */
void log_msg(enum log_level lvl, const char *subject, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void log_vmsg(enum log_level lvl, const char *subject, const char *fmt, va_list ap);

#define log_err(subj, ...) log_msg(LOG_LVL_ERR, subj, __VA_ARGS__)
#define log_warn(subj, ...) log_msg(LOG_LVL_WARNING, subj, __VA_ARGS__)
#define log_notice(subj, ...) log_msg(LOG_LVL_NOTICE, subj, __VA_ARGS__)
#define log_info(subj, ...) log_msg(LOG_LVL_INFO, subj, __VA_ARGS__)
#define log_debug(subj, ...)                                                                       \
	do {                                                                                       \
		if (log_enabled(LOG_LVL_DEBUG))                                                    \
			log_msg(LOG_LVL_DEBUG, subj, __VA_ARGS__);                                 \
	} while (0)

#endif
