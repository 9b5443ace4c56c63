/*
 * buf.h - bounds-checked cursors over wire data.
 *
 * Every read of bytes that came from a socket or the kernel goes through a
 * struct buf: each getter either consumes exactly what it returns and
 * returns 0, or consumes nothing and returns -1.  A sub-buffer
 * (buf_get_sub) bounds a TLV, attribute or NLRI so that its parser can
 * never read past its declared length.  Callers chain reads as
 *
 *     if (buf_get_u8(b, &type) == -1 || buf_get_u16(b, &len) == -1)
 *             goto bad_len;
 *
 * Writers (struct wbuf) append to a caller-provided array; an append that
 * does not fit sets the sticky overflow flag and writes nothing, so an
 * encoder checks once at the end.  Neither cursor allocates.
 */
#ifndef EVPND_BUF_H
#define EVPND_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	const uint8_t *data;
	size_t len; /* bytes in data */
	size_t off; /* bytes consumed */
};

static inline void buf_init(struct buf *b, const void *data, size_t len)
{
	b->data = data;
	b->len = len;
	b->off = 0;
}

static inline size_t buf_left(const struct buf *b)
{
	return b->len - b->off;
}

static inline const uint8_t *buf_cur(const struct buf *b)
{
	return b->data + b->off;
}

int buf_get_u8(struct buf *b, uint8_t *v);
int buf_get_u16(struct buf *b, uint16_t *v); /* network order */
int buf_get_u24(struct buf *b, uint32_t *v);
int buf_get_u32(struct buf *b, uint32_t *v);
int buf_get_bytes(struct buf *b, void *dst, size_t n);
int buf_skip(struct buf *b, size_t n);
/* Carve the next n bytes into sub and consume them from b. */
int buf_get_sub(struct buf *b, size_t n, struct buf *sub);
/* Peek without consuming. */
int buf_peek_u8(const struct buf *b, uint8_t *v);

struct wbuf {
	uint8_t *data;
	size_t cap;
	size_t len;
	bool overflow;
};

static inline void wbuf_init(struct wbuf *w, void *data, size_t cap)
{
	w->data = data;
	w->cap = cap;
	w->len = 0;
	w->overflow = false;
}

int wbuf_put_u8(struct wbuf *w, uint8_t v);
int wbuf_put_u16(struct wbuf *w, uint16_t v);
int wbuf_put_u24(struct wbuf *w, uint32_t v);
int wbuf_put_u32(struct wbuf *w, uint32_t v);
int wbuf_put_bytes(struct wbuf *w, const void *src, size_t n);
/*
 * Reserve n bytes to be filled later (a length field written after its
 * contents); returns the offset of the hole, or -1 on overflow.
 */
long wbuf_reserve(struct wbuf *w, size_t n);
void wbuf_set_u8(struct wbuf *w, size_t at, uint8_t v);
void wbuf_set_u16(struct wbuf *w, size_t at, uint16_t v);

#endif
