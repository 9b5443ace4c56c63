/* test_pool.c - Check suite for src/pool.c (fixed-size object pools). */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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

/*
 * A walk visits each object once, oldest block first (here: in the order
 * they were taken), returned slots only as such (by the caller's mark), and
 * resumes across changes: objects returned ahead of it are not seen live,
 * those that stayed are seen once.
 */
START_TEST(walk)
{
	enum { N = 20000 };
	static uint32_t *v[N];
	static unsigned seen[N + 1];
	struct pool p;
	struct pool_walk w = {0};
	uint32_t *o, last = 0;
	size_t slots = 0, live = 0;

	memset(seen, 0, sizeof(seen));
	pool_init(&p, 40);
	for (uint32_t i = 0; i < N; i++) {
		v[i] = pool_get(&p);
		v[i][2] = i + 1; /* the mark: beyond the first 8 bytes, which pool_put uses */
	}
	for (uint32_t i = 0; i < N; i += 3) {
		v[i][2] = 0;
		pool_put(&p, v[i]);
	}
	while ((o = pool_walk_next(&p, &w))) {
		slots++;
		if (!o[2])
			continue;
		ck_assert_uint_gt(o[2], last); /* oldest first */
		last = o[2];
		seen[o[2]]++;
		live++;
	}
	ck_assert_uint_eq(live, p.live);
	ck_assert_uint_eq(slots, pool_has_blocks() ? N : p.live);
	ck_assert_ptr_null(pool_walk_next(&p, &w)); /* stays at its end */
	for (uint32_t i = 1; i <= N; i++)
		ck_assert_uint_eq(seen[i], (i - 1) % 3 ? 1 : 0);

	/* again, changing the pool halfway: the walk holds its last object */
	memset(seen, 0, sizeof(seen));
	memset(&w, 0, sizeof(w));
	live = 0;
	while ((o = pool_walk_next(&p, &w))) {
		if (!o[2])
			continue;
		seen[o[2]]++;
		if (++live == 1000) {
			ck_assert_uint_eq(o[2], 1500); /* v[1499] */
			v[1][2] = v[N - 1][2] = 0; /* one behind it, one ahead */
			pool_put(&p, v[1]);
			pool_put(&p, v[N - 1]);
			for (int i = 0; i < 5; i++)
				pool_get(&p); /* zeroed: unmarked whether visited or not */
		}
	}
	for (uint32_t i = 1; i <= N; i++)
		ck_assert_uint_eq(seen[i], (i - 1) % 3 && i != N ? 1 : 0);
	pool_free(&p);
}
END_TEST

/*
 * MADV_COLLAPSE works here: Linux >= 6.1, THP not [never], and a huge page
 * to be had now (probed on a scratch mapping).
 */
static bool collapse_works(void)
{
	const size_t huge = 2u * 1024 * 1024;
	char line[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	uint8_t *m, *b;
	int rc;

	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	if (!line[0] || strstr(line, "[never]"))
		return false;
	m = mmap(NULL, 2 * huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return false;
	b = (uint8_t *)(((uintptr_t)m + huge - 1) & ~(uintptr_t)(huge - 1));
	memset(b, 1, huge);
	madvise(b, huge, MADV_HUGEPAGE);
	rc = madvise(b, huge, 25 /* MADV_COLLAPSE */);
	munmap(m, 2 * huge);
	return rc == 0;
}

/* AnonHugePages of the mapping that holds addr, in KiB (-1: not found). */
static long huge_kb_at(const void *addr)
{
	char line[256];
	unsigned long lo, hi, a = (unsigned long)addr;
	bool in = false;
	long kb = -1, v;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
			in = a >= lo && a < hi;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &v) == 1)
			kb = v;
	}
	fclose(f);
	return kb;
}

/*
 * The newest 2 MiB block is resident only where it is used, whatever the
 * THP setting; a full one is collapsed into a huge page where the kernel
 * can.  (A block faulted in as a huge page from its first touch is wholly
 * resident: the first assertion fails then.)
 */
START_TEST(newest_block_resident_as_used)
{
	const size_t huge = 2u * 1024 * 1024, page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char vec[2u * 1024 * 1024 / 4096];
	uint8_t *first = NULL, *o = NULL, *newest;
	struct pool p;
	size_t resident = 0;

	if (!pool_has_blocks() || page != 4096)
		return; /* AddressSanitizer: malloc per object */
	pool_init(&p, 64);
	while (p.mapped < 2 * huge) {
		ck_assert_ptr_nonnull(o = pool_get(&p));
		if (!first && p.mapped == huge)
			first = o;
	}
	ck_assert_ptr_nonnull(first);
	newest = (uint8_t *)((uintptr_t)o & ~(uintptr_t)(huge - 1));
	ck_assert_int_eq(mincore(newest, huge, vec), 0);
	for (size_t i = 0; i < sizeof(vec); i++)
		resident += vec[i] & 1;
	ck_assert_uint_le(resident, 4);
	if (collapse_works())
		ck_assert_int_ge(huge_kb_at(first), 2048);
	pool_free(&p);
}
END_TEST

static Suite *pool_suite(void)
{
	Suite *s = suite_create("pool");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, get_put_reuse);
	tcase_add_test(tc, blocks_grow);
	tcase_add_test(tc, walk);
	tcase_add_test(tc, newest_block_resident_as_used);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(pool_suite());
}
