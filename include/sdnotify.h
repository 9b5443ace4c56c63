/*
 * sdnotify.h - the systemd readiness protocol (sd_notify(3)), by hand:
 * one datagram of "KEY=VALUE\n" lines to the AF_UNIX socket named by
 * $NOTIFY_SOCKET (a path, or an abstract name when it starts with '@').
 * libsystemd is not linked.  Without $NOTIFY_SOCKET (not started by
 * systemd as Type=notify) every call does nothing and succeeds.
 */
#ifndef EVPND_SDNOTIFY_H
#define EVPND_SDNOTIFY_H

/*
 * Send state ("READY=1", "RELOADING=1", "STOPPING=1", "STATUS=...", several
 * separated by '\n').  Returns 1 when sent, 0 when $NOTIFY_SOCKET is unset,
 * -1 with errno on failure (bad address, send error).
 */
int sd_notify_send(const char *state);

/* printf-style sd_notify_send(). */
int sd_notify_sendf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
