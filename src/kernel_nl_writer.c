/*
 * kernel_nl_writer.c - the request writer: a thread that send()s batches of
 * ready netlink requests on the request socket beside the event loop.
 * rtnetlink does the work of a request inside sendmsg (for a VXLAN FDB entry
 * most of it is the kernel allocating the entry's per-CPU state), so with the
 * sends on a thread of their own that work runs on one core while BGP input,
 * the RIB and the reading of events and acknowledgements run on the other.
 *
 * The thread knows bytes only: it takes chunks (copies of whole messages cut
 * from kn->out, kernel_nl.c) from the todo queue, sends each and puts it on
 * the done queue with the outcome, then wakes the loop through an eventfd.
 * Everything else -- the FIFO, objects, logging, statistics -- stays on the
 * loop's thread.  Invariants:
 *  - chunks are sent and returned in the order they were queued, so the
 *    acknowledgements arrive in FIFO order as with direct sends;
 *  - a chunk is returned after its send() returned: all acknowledgements of
 *    its requests are queued on the socket by then;
 *  - the thread is started from the loop (knl_writer_start), after the
 *    daemon dropped its privileges -- capabilities belong to each thread --
 *    and with every signal blocked, so signals reach the loop's thread.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include "kernel_nl_priv.h"

#define SEND_RETRIES 1000 /* of 1 ms each while the socket reports EAGAIN/ENOBUFS */

static int chunk_send(int fd, const struct knl_wchunk *c)
{
	unsigned tries = 0;

	for (;;) {
		ssize_t n = send(fd, c->data, c->len, 0);

		if (n >= 0)
			return 0;
		if (errno == EINTR)
			continue;
		if ((errno != EAGAIN && errno != ENOBUFS) || ++tries > SEND_RETRIES)
			return errno;
		poll(NULL, 0, 1);
	}
}

static void *writer_main(void *arg)
{
	struct knl_writer *w = arg;
	const uint64_t one = 1;

	pthread_setname_np(pthread_self(), "evpnd-netlink"); /* top -H, perf: its own line */
	pthread_mutex_lock(&w->mu);
	for (;;) {
		struct knl_wchunk *c;

		while (!w->stop && STAILQ_EMPTY(&w->todo))
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->stop)
			break;
		c = STAILQ_FIRST(&w->todo);
		STAILQ_REMOVE_HEAD(&w->todo, link);
		pthread_mutex_unlock(&w->mu);
		c->err = chunk_send(w->fd, c);
		pthread_mutex_lock(&w->mu);
		STAILQ_INSERT_TAIL(&w->done, c, link);
		pthread_cond_signal(&w->done_cv);
		/* the counter cannot overflow: the loop reads it for every batch */
		(void)!write(w->efd, &one, sizeof(one));
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

int knl_writer_open(struct knl_writer *w, int fd)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	STAILQ_INIT(&w->todo);
	STAILQ_INIT(&w->done);
	w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->efd == -1)
		return -1;
	if (pthread_mutex_init(&w->mu, NULL) != 0) {
		close(w->efd);
		w->efd = -1;
		return -1;
	}
	pthread_cond_init(&w->cv, NULL);
	pthread_cond_init(&w->done_cv, NULL);
	w->open = true;
	return 0;
}

int knl_writer_start(struct knl_writer *w)
{
	sigset_t all, old;
	int rc;

	if (!w->open)
		return -1;
	if (w->started)
		return 0;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->th, NULL, writer_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		errno = rc;
		return -1;
	}
	w->started = true;
	return 0;
}

int knl_writer_put(struct knl_writer *w, const uint8_t *data, size_t len, size_t nmsg,
		   uint32_t last_seq)
{
	struct knl_wchunk *c = malloc(sizeof(*c) + len);

	if (!c)
		return -1;
	memcpy(c->data, data, len);
	c->len = len;
	c->nmsg = nmsg;
	c->last_seq = last_seq;
	c->err = 0;
	pthread_mutex_lock(&w->mu);
	STAILQ_INSERT_TAIL(&w->todo, c, link);
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	w->queued += len;
	return 0;
}

struct knl_wchunk *knl_writer_take(struct knl_writer *w, bool wait)
{
	struct knl_wchunk *c;
	uint64_t cnt;

	if (!w->open)
		return NULL;
	pthread_mutex_lock(&w->mu);
	while (wait && w->queued && STAILQ_EMPTY(&w->done))
		pthread_cond_wait(&w->done_cv, &w->mu);
	if ((c = STAILQ_FIRST(&w->done)))
		STAILQ_REMOVE_HEAD(&w->done, link);
	else
		(void)!read(w->efd, &cnt, sizeof(cnt)); /* all taken: rearm */
	pthread_mutex_unlock(&w->mu);
	if (c)
		w->queued -= c->len;
	return c;
}

void knl_writer_close(struct knl_writer *w)
{
	struct knl_wchunk *c;

	if (!w->open)
		return;
	if (w->started) {
		pthread_mutex_lock(&w->mu);
		w->stop = true;
		pthread_cond_signal(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
	}
	while ((c = STAILQ_FIRST(&w->todo))) {
		STAILQ_REMOVE_HEAD(&w->todo, link);
		free(c);
	}
	while ((c = STAILQ_FIRST(&w->done))) {
		STAILQ_REMOVE_HEAD(&w->done, link);
		free(c);
	}
	pthread_cond_destroy(&w->cv);
	pthread_cond_destroy(&w->done_cv);
	pthread_mutex_destroy(&w->mu);
	close(w->efd);
	w->efd = -1;
	w->open = w->started = false;
}
