/* test_pool.c - Check suite for src/pool.c (fixed-size object pools). */
#include <string.h>

#include "pool.h"
#include "testutil.h"

/* Objects are zeroed, distinct, reused after being returned. */
START_TEST(get_put_reuse)
{
	enum { N = 50000 };
	static void *v[N];
	struct pool p;

	pool_init(&p, 20);
	ck_assert_uint_eq(p.size, 24); /* rounded up to 8 */
	for (int i = 0; i < N; i++) {
		uint8_t zero[24] = {0};

		v[i] = pool_get(&p);
		ck_assert_ptr_nonnull(v[i]);
		ck_assert_mem_eq(v[i], zero, 24);
		memset(v[i], 0xa5, 24); /* dirty it: pool_get must zero reused ones */
	}
	ck_assert_uint_eq(p.live, N);
	for (int i = 1; i < N; i++)
		ck_assert_ptr_ne(v[i], v[i - 1]);
	pool_put(&p, v[7]);
	pool_put(&p, v[9]);
	ck_assert_uint_eq(p.live, N - 2);
	{
		uint8_t zero[24] = {0};
		void *a = pool_get(&p), *b = pool_get(&p);

		ck_assert_mem_eq(a, zero, 24);
		ck_assert_mem_eq(b, zero, 24);
		v[7] = a;
		v[9] = b;
	}
	for (int i = 0; i < N; i++)
		pool_put(&p, v[i]);
	ck_assert_uint_eq(p.live, 0);
	ck_assert_uint_eq(p.bytes, 0); /* the last object gave the blocks back */
	ck_assert_ptr_null(p.blocks);
	ck_assert_ptr_null(p.free);
}
END_TEST

/* Blocks double up to 2 MiB: 50,000 objects of 200 bytes cost little more than their size. */
START_TEST(blocks_grow)
{
	struct pool p;

	pool_init(&p, 200);
	for (int i = 0; i < 50000; i++)
		ck_assert_ptr_nonnull(pool_get(&p));
	if (pool_has_blocks()) { /* not under AddressSanitizer */
		ck_assert_uint_ge(p.bytes, 50000u * 200);
		ck_assert_uint_le(p.bytes, 50000u * 200 + 4u * 1024 * 1024);
		ck_assert_uint_ge(p.mapped, 8u * 1024 * 1024); /* mostly 2 MiB huge-page blocks */
	}
	pool_free(&p); /* whatever is live */
	ck_assert_uint_eq(p.bytes, 0);
	ck_assert_uint_eq(p.live, 0);
}
END_TEST

static Suite *pool_suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, get_put_reuse);
	tcase_add_test(tc, blocks_grow);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(pool_suite());
}
