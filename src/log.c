/*
 * log.c - the process's log destination.  One line per call, written with a
 * single write(2) to stderr so lines from concurrent processes (tests run
 * several daemons) never interleave mid-line.
 *
 * When stderr is the systemd journal's stream (JOURNAL_STREAM names its
 * device and inode, systemd.exec(5)), lines carry the sd-daemon(3) priority
 * prefix "<N>" instead of a timestamp and level word, so journald records
 * the priority and its own time.
 *
 * Floods are rate-limited per call site (the format string): at most
 * LOG_RL_BURST lines in LOG_RL_WINDOW_S seconds, then one line saying how
 * many were suppressed when the window ends and the site logs again.  Debug
 * lines are never limited (they are asked for).  This is the one global of
 * the process besides the destination.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_RL_SLOTS 64

struct log_rl {
	const char *fmt;
	time_t since;
	unsigned n, suppressed;
};

static struct {
	enum log_dest dest;
	enum log_level threshold;
	log_sink_fn sink;
	void *sink_arg;
	bool journal;
	unsigned rl_burst;
	unsigned rl_window_s;
	struct log_rl rl[LOG_RL_SLOTS];
} logger = {LOG_DEST_STDERR, LOG_LVL_INFO, NULL, NULL, false, LOG_RL_BURST, LOG_RL_WINDOW_S,
	    {{0}}};

/* JOURNAL_STREAM is "DEV:INODE" of the journal's socket; is that our stderr? */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) == -1)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/*
 * Whether a line from call site fmt may be written now; *suppressed is set
 * to the number of lines dropped since it last could (to be reported).
 */
static bool rate_ok(const char *fmt, unsigned *suppressed)
{
	size_t h = ((uintptr_t)fmt >> 4) % LOG_RL_SLOTS;
	struct log_rl *r = &logger.rl[h];
	time_t now = time(NULL);

	*suppressed = 0;
	if (!logger.rl_burst)
		return true;
	if (r->fmt != fmt || now - r->since >= (time_t)logger.rl_window_s) {
		if (r->fmt == fmt)
			*suppressed = r->suppressed;
		r->fmt = fmt;
		r->since = now;
		r->n = 0;
		r->suppressed = 0;
	}
	if (r->n >= logger.rl_burst) {
		r->suppressed++;
		return false;
	}
	r->n++;
	return true;
}

static const char *level_name(enum log_level lvl)
{
	switch (lvl) {
	case LOG_LVL_ERR:
		return "error";
	case LOG_LVL_WARNING:
		return "warning";
	case LOG_LVL_NOTICE:
		return "notice";
	case LOG_LVL_INFO:
		return "info";
	case LOG_LVL_DEBUG:
		return "debug";
	}
	return "?";
}

void log_init(const char *ident, enum log_dest dest, enum log_level threshold)
{
	logger.dest = dest;
	logger.threshold = threshold;
	logger.journal = dest == LOG_DEST_STDERR && stderr_is_journal();
	if (dest == LOG_DEST_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_rate_limit(unsigned burst, unsigned window_s)
{
	logger.rl_burst = burst;
	logger.rl_window_s = window_s;
	memset(logger.rl, 0, sizeof(logger.rl));
}

void log_set_level(enum log_level threshold)
{
	logger.threshold = threshold;
}

bool log_enabled(enum log_level lvl)
{
	return lvl <= logger.threshold;
}

void log_set_sink(log_sink_fn fn, void *arg)
{
	logger.sink = fn;
	logger.sink_arg = arg;
}

static void emit(enum log_level lvl, const char *subject, const char *msg);

void log_vmsg(enum log_level lvl, const char *subject, const char *fmt, va_list ap)
{
	char msg[1024];
	unsigned suppressed = 0;

	if (!log_enabled(lvl))
		return;
	if (lvl != LOG_LVL_DEBUG && !rate_ok(fmt, &suppressed))
		return;
	if (suppressed) {
		snprintf(msg, sizeof(msg), "%u similar messages suppressed (more than %u in %u s)",
			 suppressed, logger.rl_burst, logger.rl_window_s);
		emit(LOG_LVL_WARNING, subject, msg);
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	emit(lvl, subject, msg);
}

static void emit(enum log_level lvl, const char *subject, const char *msg)
{
	const char *sep = subject ? ": " : "";
	char line[1200];
	struct timespec ts;
	struct tm tm;
	int n;

	if (!subject)
		subject = "";
	if (logger.sink) {
		snprintf(line, sizeof(line), "%s%s%s", subject, sep, msg);
		logger.sink(lvl, line, logger.sink_arg);
		return;
	}
	if (logger.dest == LOG_DEST_SYSLOG) {
		syslog((int)lvl, "%s%s%s", subject, sep, msg);
		return;
	}
	if (logger.journal) {
		n = snprintf(line, sizeof(line), "<%d>%s%s%s\n", (int)lvl, subject, sep, msg);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ld %s: %s%s%s\n",
			     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			     tm.tm_sec, ts.tv_nsec / 1000000, level_name(lvl), subject, sep, msg);
	}
	if (n >= (int)sizeof(line)) {
		n = (int)sizeof(line);
		line[n - 1] = '\n';
	}
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

void log_msg(enum log_level lvl, const char *subject, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(lvl, subject, fmt, ap);
	va_end(ap);
}
