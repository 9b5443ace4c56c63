/* test_buf.c - Check suite for src/buf.c (bounds-checked cursors). */
#include "buf.h"
#include "testutil.h"

START_TEST(reads_consume_exactly)
{
	static const uint8_t d[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
	struct buf b, sub;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	buf_init(&b, d, sizeof(d));
	ck_assert_int_eq(buf_get_u8(&b, &u8), 0);
	ck_assert_uint_eq(u8, 0x01);
	ck_assert_int_eq(buf_get_u16(&b, &u16), 0);
	ck_assert_uint_eq(u16, 0x0203);
	ck_assert_int_eq(buf_get_u24(&b, &u32), 0);
	ck_assert_uint_eq(u32, 0x040506);
	ck_assert_int_eq(buf_get_sub(&b, 3, &sub), 0);
	ck_assert_uint_eq(buf_left(&b), 1);
	ck_assert_int_eq(buf_get_u32(&sub, &u32), -1); /* sub-buffer bounds the read */
	ck_assert_uint_eq(sub.off, 0);			/* and a failed read consumes nothing */
	ck_assert_int_eq(buf_get_u16(&sub, &u16), 0);
	ck_assert_uint_eq(u16, 0x0708);
	ck_assert_int_eq(buf_get_u16(&b, &u16), -1);
	ck_assert_int_eq(buf_skip(&b, 2), -1);
	ck_assert_int_eq(buf_get_sub(&b, 2, &sub), -1);
	ck_assert_int_eq(buf_get_u8(&b, &u8), 0);
	ck_assert_uint_eq(u8, 0x0a);
	ck_assert_int_eq(buf_peek_u8(&b, &u8), -1);
}
END_TEST

START_TEST(writes_overflow_sticky)
{
	uint8_t d[6];
	struct wbuf w;
	long at;

	wbuf_init(&w, d, sizeof(d));
	at = wbuf_reserve(&w, 2);
	ck_assert_int_eq(at, 0);
	ck_assert_int_eq(wbuf_put_u24(&w, 0xa1b2c3), 0);
	wbuf_set_u16(&w, (size_t)at, 3);
	ck_assert_mem_eq(d, "\x00\x03\xa1\xb2\xc3", 5);
	ck_assert_int_eq(wbuf_put_u16(&w, 1), -1);
	ck_assert(w.overflow);
	ck_assert_int_eq(wbuf_put_u8(&w, 1), -1); /* sticky even though one byte would fit */
	ck_assert_uint_eq(w.len, 5);
}
END_TEST

static Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, reads_consume_exactly);
	tcase_add_test(tc, writes_overflow_sticky);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(buf_suite());
}
