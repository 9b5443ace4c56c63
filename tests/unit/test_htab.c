/* test_htab.c - Check suite for src/htab.c (the intrusive hash table). */
#include <signal.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <string.h>

#include "htab.h"
#include "testutil.h"

struct item {
	struct htab_node node;
	uint32_t key;
	uint32_t hv;		/* the hash it was added under */
	unsigned *asked;	/* counts item_hash calls, when set */
};

static uint32_t item_hash(const struct htab_node *n)
{
	const struct item *it = HTAB_ENTRY(n, const struct item, node);

	if (it->asked)
		++*it->asked;
	return it->hv;
}

static int add(struct htab *h, struct item *it, uint32_t hv)
{
	it->hv = hv;
	return htab_add(h, &it->node, hv);
}

static struct item *find(struct htab *h, uint32_t key, uint32_t hv)
{
	for (struct htab_node *n = htab_chain(h, hv); n; n = htab_chain_next(n)) {
		struct item *it = HTAB_ENTRY(n, struct item, node);

		if (it->key == key)
			return it;
	}
	return NULL;
}

/* Every entry is found after the table grew many times; absent keys are not. */
START_TEST(add_find_grow)
{
	enum { N = 100000 };
	struct item *v = calloc(N, sizeof(*v));
	struct htab h;

	htab_init(&h, item_hash);
	ck_assert_ptr_null(htab_chain(&h, 1)); /* empty: no bucket array yet */
	for (uint32_t i = 0; i < N; i++) {
		v[i].key = i;
		ck_assert_int_eq(add(&h, &v[i], htab_hash(&v[i].key, 4)), 0);
	}
	ck_assert_uint_eq(htab_count(&h), N);
	ck_assert_uint_ge(htab_bytes(&h), N / 2 * sizeof(void *)); /* grew: <= 2 per bucket */
	for (uint32_t i = 0; i < N; i++)
		ck_assert_ptr_eq(find(&h, i, htab_hash(&i, 4)), &v[i]);
	for (uint32_t i = N; i < N + 1000; i++)
		ck_assert_ptr_null(find(&h, i, htab_hash(&i, 4)));
	htab_free(&h);
	free(v);
}
END_TEST

/*
 * Equal hashes share a chain, with the other hashes of their bucket: the
 * walk yields each entry of the bucket, the caller's keys tell them apart.
 */
START_TEST(collisions)
{
	struct item v[5] = {{.key = 1}, {.key = 2}, {.key = 3}, {.key = 4}, {.key = 5}};
	struct htab h;
	int n = 0;

	htab_init(&h, item_hash);
	for (int i = 0; i < 4; i++)
		add(&h, &v[i], 7); /* one hash for four keys */
	add(&h, &v[4], 7 + 64); /* same bucket of 64, other hash */
	for (uint32_t k = 1; k <= 4; k++)
		ck_assert_ptr_eq(find(&h, k, 7), &v[k - 1]);
	ck_assert_ptr_null(find(&h, 6, 7));
	ck_assert_ptr_eq(find(&h, 5, 7 + 64), &v[4]);
	for (struct htab_node *c = htab_chain(&h, 7); c; c = htab_chain_next(c))
		n++;
	ck_assert_int_eq(n, 5);
	htab_del(&h, &v[1].node); /* the middle of a chain */
	ck_assert_ptr_null(find(&h, 2, 7));
	ck_assert_ptr_eq(find(&h, 3, 7), &v[2]);
	ck_assert_ptr_eq(find(&h, 1, 7), &v[0]);
	ck_assert_uint_eq(htab_count(&h), 4);
	htab_free(&h);
}
END_TEST

/* Removing half the entries leaves exactly the other half findable. */
START_TEST(remove_half)
{
	enum { N = 1000 };
	struct item v[N] = {0};
	struct htab h;

	htab_init(&h, item_hash);
	for (uint32_t i = 0; i < N; i++) {
		v[i].key = i;
		add(&h, &v[i], htab_hash(&i, 4));
	}
	for (uint32_t i = 1; i < N; i += 2)
		htab_del(&h, &v[i].node);
	ck_assert_uint_eq(htab_count(&h), N / 2);
	for (uint32_t i = 0; i < N; i++)
		ck_assert(!find(&h, i, htab_hash(&i, 4)) == (i % 2 == 1));
	htab_free(&h);
	ck_assert_uint_eq(htab_count(&h), 0);
	ck_assert_uint_eq(htab_bytes(&h), 0);
}
END_TEST

/*
 * A walk visits every entry exactly once, also when it removes each entry
 * it is at (every other one here) and when chains collide.
 */
START_TEST(walk_visits_each_once)
{
	enum { N = 3000 };
	static struct item v[N];
	static unsigned seen[N];
	struct htab h;
	struct htab_node *n, *next;
	size_t visits = 0;

	memset(v, 0, sizeof(v));
	memset(seen, 0, sizeof(seen));
	htab_init(&h, item_hash);
	ck_assert_ptr_null(htab_first(&h));
	for (uint32_t i = 0; i < N; i++) {
		v[i].key = i;
		add(&h, &v[i], i < 100 ? 7 : htab_hash(&i, 4)); /* one long chain too */
	}
	for (n = htab_first(&h); n; n = next) {
		struct item *it = HTAB_ENTRY(n, struct item, node);

		next = htab_next(&h, n);
		seen[it->key]++;
		visits++;
		if (it->key % 2)
			htab_del(&h, n);
	}
	ck_assert_uint_eq(visits, N);
	for (uint32_t i = 0; i < N; i++)
		ck_assert_uint_eq(seen[i], 1);
	ck_assert_uint_eq(htab_count(&h), N / 2);
	visits = 0;
	for (n = htab_first(&h); n; n = htab_next(&h, n)) {
		ck_assert_uint_eq(HTAB_ENTRY(n, struct item, node)->key % 2, 0);
		visits++;
	}
	ck_assert_uint_eq(visits, N / 2);
	htab_free(&h);
}
END_TEST

/*
 * Hashes are not kept: growing asks for each entry's hash once, a removal
 * for the one removed, and the entries stay findable under the hash they
 * were added with (not under another).
 */
START_TEST(hash_asked_again)
{
	enum { N = 128 }; /* the first array holds 2 * 64, the next entry grows it */
	struct item v[N + 1];
	struct htab h;
	unsigned asked = 0;

	memset(v, 0, sizeof(v));
	htab_init(&h, item_hash);
	for (uint32_t i = 0; i <= N; i++) {
		v[i].key = i;
		v[i].asked = &asked;
		ck_assert_int_eq(add(&h, &v[i], htab_hash(&i, 4)), 0);
	}
	ck_assert_uint_eq(asked, N); /* the growth before the last one */
	ck_assert_uint_eq(htab_bytes(&h), 128 * sizeof(void *));
	for (uint32_t i = 0; i <= N; i++)
		ck_assert_ptr_eq(find(&h, i, htab_hash(&i, 4)), &v[i]);
	asked = 0;
	htab_del(&h, &v[5].node);
	ck_assert_uint_eq(asked, 1);
	ck_assert_ptr_null(find(&h, 5, htab_hash(&(uint32_t){5}, 4)));
	ck_assert_uint_eq(htab_count(&h), N);
	htab_free(&h);
}
END_TEST

/* A side table finds each entry by its owner's address, and only that. */
START_TEST(side_by_owner)
{
	enum { N = 1000 };
	static struct htab_side v[N];
	static char owners[N];
	struct htab h;

	htab_side_init(&h);
	ck_assert_ptr_null(htab_side_find(&h, &owners[0]));
	for (int i = 0; i < N; i++)
		ck_assert_int_eq(htab_side_add(&h, &v[i], &owners[i]), 0);
	for (int i = 0; i < N; i++)
		ck_assert_ptr_eq(htab_side_find(&h, &owners[i]), &v[i]);
	htab_side_del(&h, &v[7]);
	ck_assert_ptr_null(htab_side_find(&h, &owners[7]));
	ck_assert_ptr_eq(htab_side_find(&h, &owners[8]), &v[8]);
	ck_assert_ptr_null(htab_side_find(&h, &h));
	ck_assert_ptr_eq(htab_side_of(&h, &owners[8], true), &v[8]);
	ck_assert_ptr_null(htab_side_of(&h, &owners[8], false)); /* the owner's flag decides */
	ck_assert_uint_eq(htab_count(&h), N - 1);
	htab_free(&h);
}
END_TEST

/* A flag saying there is an entry when there is none: abort, not NULL. */
START_TEST(side_flag_without_entry)
{
	static struct htab_side v;
	static char owners[2];
	struct htab h;

	htab_side_init(&h);
	ck_assert_int_eq(htab_side_add(&h, &v, &owners[0]), 0);
	htab_side_of(&h, &owners[1], true);
}
END_TEST

/* The hash spreads consecutive keys: no bucket of 1024 gets a pile. */
START_TEST(hash_spreads)
{
	unsigned b[1024] = {0}, max = 0;

	for (uint32_t i = 0; i < 64 * 1024; i++) {
		uint32_t key[3] = {100, i, 0};
		unsigned *c = &b[htab_hash(key, sizeof(key)) & 1023];

		if (++*c > max)
			max = *c;
	}
	ck_assert_uint_lt(max, 2 * 64); /* mean 64 */
	/* also when only the last word varies (the kernel's IPv4 neighbour keys) */
	memset(b, 0, sizeof(b));
	max = 0;
	for (uint32_t i = 0; i < 64 * 1024; i++) {
		uint32_t key[4] = {0x0300, 100, 2, htonl(0x0a000000 + i)};
		unsigned *c = &b[htab_hash(key, sizeof(key)) & 1023];

		if (++*c > max)
			max = *c;
	}
	ck_assert_uint_lt(max, 2 * 64);
}
END_TEST

static Suite *htab_suite(void)
{
	Suite *s = suite_create("htab");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, add_find_grow);
	tcase_add_test(tc, collisions);
	tcase_add_test(tc, hash_asked_again);
	tcase_add_test(tc, remove_half);
	tcase_add_test(tc, side_by_owner);
	tcase_add_test_raise_signal(tc, side_flag_without_entry, SIGABRT);
	tcase_add_test(tc, hash_spreads);
	tcase_add_test(tc, walk_visits_each_once);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(htab_suite());
}
