/*
 * log.c - the process's log destination.  One line per call, written with a
 * single write(2) to stderr so lines from concurrent processes (tests run
 * several daemons) never interleave mid-line.
 */
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static struct {
	enum log_dest dest;
	enum log_level threshold;
	log_sink_fn sink;
	void *sink_arg;
} logger = {LOG_DEST_STDERR, LOG_LVL_INFO, NULL, NULL};

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
	if (dest == LOG_DEST_SYSLOG)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
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

void log_vmsg(enum log_level lvl, const char *subject, const char *fmt, va_list ap)
{
	char msg[1024], line[1200];
	struct timespec ts;
	struct tm tm;
	int n;

	if (!log_enabled(lvl))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (logger.sink) {
		snprintf(line, sizeof(line), "%s%s%s", subject ? subject : "", subject ? ": " : "",
			 msg);
		logger.sink(lvl, line, logger.sink_arg);
		return;
	}
	if (logger.dest == LOG_DEST_SYSLOG) {
		syslog((int)lvl, "%s%s%s", subject ? subject : "", subject ? ": " : "", msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ld %s: %s%s%s\n",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     ts.tv_nsec / 1000000, level_name(lvl), subject ? subject : "",
		     subject ? ": " : "", msg);
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
