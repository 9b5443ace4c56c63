/*
 * buf.c - bounds-checked read and write cursors (see buf.h for the contract:
 * a failed call consumes or writes nothing).
 */
#include <string.h>

#include "buf.h"

int buf_get_u8(struct buf *b, uint8_t *v)
{
	if (buf_left(b) < 1)
		return -1;
	*v = b->data[b->off++];
	return 0;
}

int buf_get_u16(struct buf *b, uint16_t *v)
{
	if (buf_left(b) < 2)
		return -1;
	*v = (uint16_t)(b->data[b->off] << 8 | b->data[b->off + 1]);
	b->off += 2;
	return 0;
}

int buf_get_u24(struct buf *b, uint32_t *v)
{
	if (buf_left(b) < 3)
		return -1;
	*v = (uint32_t)b->data[b->off] << 16 | (uint32_t)b->data[b->off + 1] << 8 |
	     b->data[b->off + 2];
	b->off += 3;
	return 0;
}

int buf_get_u32(struct buf *b, uint32_t *v)
{
	if (buf_left(b) < 4)
		return -1;
	*v = (uint32_t)b->data[b->off] << 24 | (uint32_t)b->data[b->off + 1] << 16 |
	     (uint32_t)b->data[b->off + 2] << 8 | b->data[b->off + 3];
	b->off += 4;
	return 0;
}

int buf_get_bytes(struct buf *b, void *dst, size_t n)
{
	if (buf_left(b) < n)
		return -1;
	if (n)
		memcpy(dst, b->data + b->off, n);
	b->off += n;
	return 0;
}

int buf_skip(struct buf *b, size_t n)
{
	if (buf_left(b) < n)
		return -1;
	b->off += n;
	return 0;
}

int buf_get_sub(struct buf *b, size_t n, struct buf *sub)
{
	if (buf_left(b) < n)
		return -1;
	buf_init(sub, b->data + b->off, n);
	b->off += n;
	return 0;
}

int buf_peek_u8(const struct buf *b, uint8_t *v)
{
	if (buf_left(b) < 1)
		return -1;
	*v = b->data[b->off];
	return 0;
}

static int wbuf_room(struct wbuf *w, size_t n)
{
	if (w->overflow || w->cap - w->len < n) {
		w->overflow = true;
		return -1;
	}
	return 0;
}

int wbuf_put_u8(struct wbuf *w, uint8_t v)
{
	if (wbuf_room(w, 1) == -1)
		return -1;
	w->data[w->len++] = v;
	return 0;
}

int wbuf_put_u16(struct wbuf *w, uint16_t v)
{
	if (wbuf_room(w, 2) == -1)
		return -1;
	w->data[w->len++] = (uint8_t)(v >> 8);
	w->data[w->len++] = (uint8_t)v;
	return 0;
}

int wbuf_put_u24(struct wbuf *w, uint32_t v)
{
	if (wbuf_room(w, 3) == -1)
		return -1;
	w->data[w->len++] = (uint8_t)(v >> 16);
	w->data[w->len++] = (uint8_t)(v >> 8);
	w->data[w->len++] = (uint8_t)v;
	return 0;
}

int wbuf_put_u32(struct wbuf *w, uint32_t v)
{
	if (wbuf_room(w, 4) == -1)
		return -1;
	w->data[w->len++] = (uint8_t)(v >> 24);
	w->data[w->len++] = (uint8_t)(v >> 16);
	w->data[w->len++] = (uint8_t)(v >> 8);
	w->data[w->len++] = (uint8_t)v;
	return 0;
}

int wbuf_put_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (wbuf_room(w, n) == -1)
		return -1;
	if (n)
		memcpy(w->data + w->len, src, n);
	w->len += n;
	return 0;
}

long wbuf_reserve(struct wbuf *w, size_t n)
{
	size_t at = w->len;

	if (wbuf_room(w, n) == -1)
		return -1;
	memset(w->data + at, 0, n);
	w->len += n;
	return (long)at;
}

void wbuf_set_u8(struct wbuf *w, size_t at, uint8_t v)
{
	if (!w->overflow && at < w->len)
		w->data[at] = v;
}

void wbuf_set_u16(struct wbuf *w, size_t at, uint16_t v)
{
	if (!w->overflow && at + 2 <= w->len) {
		w->data[at] = (uint8_t)(v >> 8);
		w->data[at + 1] = (uint8_t)v;
	}
}
