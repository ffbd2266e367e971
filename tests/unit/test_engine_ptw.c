/*
 * Unit tests of the ARMv7 short-descriptor page-table walker (engine/arch/arm/ptw.c):
 * translation tables are built in a fake guest RAM at 0x60000000 and every
 * descriptor type, AP/domain combination, TTBCR split, XN, large pages and
 * supersections are checked, faults included.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "engine/engine.h"
#include "arm/ptw.h"
#include "support/ptdesc.h"

#define RAM_BASE 0x60000000u
#define RAM_SIZE (4u << 20)
#define L1_TABLE (RAM_BASE + 0x100000u) /* TTBR0, 16 KiB aligned */
#define L1_TABLE1 (RAM_BASE + 0x104000u) /* TTBR1 */
#define L2_TABLE (RAM_BASE + 0x108000u)
#define L2_TABLE_B (RAM_BASE + 0x108400u)
#define DEVICE_PA 0x10000000u /* not RAM */

#define DACR_ALL_CLIENT 0x55555555u
#define DACR_ALL_MANAGER 0xffffffffu

static uint8_t *ram;
static struct captive_shared *sh;
static struct arm_cp15 cp;

static void setup(void)
{
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(ram, MAP_FAILED);
	sh = calloc(1, sizeof(*sh));
	ck_assert_ptr_nonnull(sh);
	eng.sh = sh;
	eng.phys = (uint8_t *)((uintptr_t)ram - RAM_BASE);
	eng.ram_base = RAM_BASE;
	eng.ram_end = RAM_BASE + RAM_SIZE;
	memset(&cp, 0, sizeof(cp));
	cp.sctlr = SCTLR_M;
	cp.ttbr0 = L1_TABLE;
	cp.ttbr1 = L1_TABLE1;
	cp.dacr = DACR_ALL_CLIENT;
}

static void teardown(void)
{
	munmap(ram, RAM_SIZE);
	free(sh);
	memset(&eng, 0, sizeof(eng));
}

static void put(uint32_t pa, uint32_t v)
{
	memcpy(ram + (pa - RAM_BASE), &v, sizeof(v));
}

static void map_l1(gva_t va, uint32_t desc)
{
	put(L1_TABLE + (va >> 20) * 4, desc);
}

static void map_l2(uint32_t l2, gva_t va, uint32_t desc)
{
	put(l2 + ((va >> 12) & 0xffu) * 4, desc);
}

static struct ptw_result walk_ok(gva_t va)
{
	struct ptw_result r;
	struct arm_fault f = { 0 };
	int rc = ptw_walk(&cp, va, MMU_READ, &r, &f);
	ck_assert_msg(rc == 0, "walk of 0x%08x faulted: fsr 0x%x", va, f.fsr);
	return r;
}

static uint32_t walk_fault(gva_t va, unsigned flags)
{
	struct ptw_result r;
	struct arm_fault f = { 0 };
	int rc = ptw_walk(&cp, va, flags, &r, &f);
	ck_assert_msg(rc != 0, "walk of 0x%08x should fault", va);
	ck_assert_uint_eq(f.addr, va);
	return f.fsr;
}

START_TEST(test_mmu_off_is_flat)
{
	cp.sctlr = 0;
	cp.dacr = 0;
	struct ptw_result r = walk_ok(0x12345678u);
	ck_assert_uint_eq(r.pa, 0x12345678u);
	ck_assert_uint_eq(r.level, PTW_FLAT);
	ck_assert(r.global);
	ck_assert_uint_eq(r.perms, PTW_PERM_ALL);
	struct arm_fault f;
	ck_assert_int_eq(ptw_check(&r, 0, 0x12345678u, MMU_WRITE | MMU_USER, &f), 0);
	ck_assert_int_eq(ptw_check(&r, 0, 0x12345678u, MMU_FETCH | MMU_USER, &f), 0);
}
END_TEST

START_TEST(test_section)
{
	map_l1(0x00100000u, sect(0x60300000u, 3, 7, (5u << 12) | (1u << 3) | (1u << 16)));
	struct ptw_result r = walk_ok(0x001abcdeu);
	ck_assert_uint_eq(r.pa, 0x603abcdeu);
	ck_assert_uint_eq(r.size_log2, 20);
	ck_assert_uint_eq(r.level, PTW_SECTION);
	ck_assert_uint_eq(r.domain, 7);
	ck_assert(r.global);
	ck_assert_uint_eq(r.tex, 5);
	ck_assert_uint_eq(r.cb, 2);
	ck_assert(r.shareable);
	ck_assert_uint_eq(r.perms, PTW_PERM_ALL);
	ck_assert_uint_eq(sh->stats.page_walks, 1);
}
END_TEST

START_TEST(test_section_translation_faults)
{
	/* Invalid, and the PXN encoding a Cortex-A9 reserves. */
	map_l1(0x00300000u, 0);
	map_l1(0x00400000u, sect(0x60000000u, 3, 0, 0) | 1u);
	ck_assert_uint_eq(walk_fault(0x00300004u, MMU_READ), FSR_TRANS_SECTION);
	ck_assert_uint_eq(walk_fault(0x00300004u, MMU_WRITE), FSR_TRANS_SECTION | FSR_WNR);
	ck_assert_uint_eq(walk_fault(0x00300004u, MMU_FETCH), FSR_TRANS_SECTION);
	ck_assert_uint_eq(walk_fault(0x00400000u, MMU_READ | MMU_USER), FSR_TRANS_SECTION);
}
END_TEST

START_TEST(test_small_pages)
{
	map_l1(0x00200000u, table(L2_TABLE, 5));
	map_l2(L2_TABLE, 0x00201000u, small(0x60456000u, 2, (3u << 6) | (1u << 2) | (1u << 10)));
	map_l2(L2_TABLE, 0x00202000u, small(0x60457000u, 3, 1u << 11));
	struct ptw_result r = walk_ok(0x00201234u);
	ck_assert_uint_eq(r.pa, 0x60456234u);
	ck_assert_uint_eq(r.size_log2, 12);
	ck_assert_uint_eq(r.level, PTW_PAGE);
	ck_assert_uint_eq(r.domain, 5);
	ck_assert(r.global);
	ck_assert_uint_eq(r.tex, 3);
	ck_assert_uint_eq(r.cb, 1);
	ck_assert(r.shareable);
	r = walk_ok(0x00202ffcu);
	ck_assert_uint_eq(r.pa, 0x60457ffcu);
	ck_assert(!r.global);
	/* Page translation faults carry the first-level domain. */
	ck_assert_uint_eq(walk_fault(0x00203000u, MMU_READ), FSR_TRANS_PAGE | 5u << 4);
	ck_assert_uint_eq(walk_fault(0x00203000u, MMU_WRITE), FSR_TRANS_PAGE | 5u << 4 | FSR_WNR);
}
END_TEST

START_TEST(test_large_pages)
{
	map_l1(0x00500000u, table(L2_TABLE, 9));
	for (unsigned i = 0; i < 16; i++)
		map_l2(L2_TABLE, 0x00510000u + i * 0x1000u,
		       large(0x60670000u, 3, (1u << 11) | (6u << 12)));
	struct ptw_result r = walk_ok(0x0051abcdu);
	ck_assert_uint_eq(r.pa, 0x6067abcdu);
	ck_assert_uint_eq(r.size_log2, 16);
	ck_assert_uint_eq(r.domain, 9);
	ck_assert_uint_eq(r.tex, 6);
	ck_assert(!r.global);
	r = walk_ok(0x0051f001u);
	ck_assert_uint_eq(r.pa, 0x6067f001u);
}
END_TEST

START_TEST(test_supersection)
{
	/* Base 0x61000000, PA[35:32] = 0x2 from bits 23:20, PA[39:36] = 0x1 from
	 * bits 8:5 (which a section would read as its domain). */
	uint32_t d = 0x61000000u | 1u << 18 | 0x2u << 20 | 0x1u << 5 | 3u << 10 | 2u | 1u << 17;
	for (unsigned i = 0; i < 16; i++)
		map_l1(0x40000000u + i * 0x100000u, d);
	struct ptw_result r = walk_ok(0x40abcdefu);
	ck_assert_uint_eq(r.pa, (1ull << 36) | (2ull << 32) | 0x61abcdefu);
	ck_assert_uint_eq(r.size_log2, 24);
	ck_assert_uint_eq(r.domain, 0);
	ck_assert(!r.global);
	/* Domain 0 is what DACR decides on, whatever bits 8:5 say. */
	struct arm_fault f;
	ck_assert_int_eq(ptw_check(&r, 0xfffffffcu, 0x40abcdefu, MMU_READ, &f), -EFAULT);
	ck_assert_uint_eq(f.fsr, FSR_DOMAIN_SECTION);
	ck_assert_int_eq(ptw_check(&r, 1u, 0x40abcdefu, MMU_READ, &f), 0);
}
END_TEST

/* Full AP model: privileged R/W, user R/W for AP[2:0] = 0..7 (4: reserved). */
static const char *const ap_full_expect[8] = {
	"----", "RW--", "RWR-", "RWRW", "----", "R---", "R-R-", "R-R-",
};

static void check_access(const struct ptw_result *r, unsigned flags, bool allowed,
			 uint32_t perm_fs, const char *what)
{
	struct arm_fault f = { 0 };
	int rc = ptw_check(r, cp.dacr, 0x00700010u, flags, &f);
	if (allowed) {
		ck_assert_msg(rc == 0, "%s flags %u: unexpected fault 0x%x", what, flags, f.fsr);
		return;
	}
	ck_assert_msg(rc != 0, "%s flags %u: expected a fault", what, flags);
	uint32_t want = perm_fs | (uint32_t)r->domain << 4 |
			((flags & MMU_KIND_MASK) == MMU_WRITE ? FSR_WNR : 0);
	ck_assert_msg(f.fsr == want, "%s flags %u: fsr 0x%x, want 0x%x", what, flags, f.fsr, want);
	ck_assert_uint_eq(f.addr, 0x00700010u);
}

static void check_ap_string(const struct ptw_result *r, const char *e, uint32_t perm_fs,
			    const char *what)
{
	check_access(r, MMU_READ, e[0] == 'R', perm_fs, what);
	check_access(r, MMU_WRITE, e[1] == 'W', perm_fs, what);
	check_access(r, MMU_FETCH, e[0] == 'R', perm_fs, what);
	check_access(r, MMU_READ | MMU_USER, e[2] == 'R', perm_fs, what);
	check_access(r, MMU_WRITE | MMU_USER, e[3] == 'W', perm_fs, what);
	check_access(r, MMU_FETCH | MMU_USER, e[2] == 'R', perm_fs, what);
}

START_TEST(test_ap_full_model_section)
{
	for (unsigned ap = 0; ap < 8; ap++) {
		map_l1(0x00700000u, sect(0x60700000u, ap, 4, 0));
		struct ptw_result r = walk_ok(0x00700010u);
		check_ap_string(&r, ap_full_expect[ap], FSR_PERM_SECTION, "section");
	}
}
END_TEST

START_TEST(test_ap_full_model_page)
{
	map_l1(0x00700000u, table(L2_TABLE, 11));
	for (unsigned ap = 0; ap < 8; ap++) {
		map_l2(L2_TABLE, 0x00700000u, small(0x60700000u, ap, 0));
		struct ptw_result r = walk_ok(0x00700010u);
		check_ap_string(&r, ap_full_expect[ap], FSR_PERM_PAGE, "small page");
		map_l2(L2_TABLE, 0x00700000u, large(0x60700000u, ap, 0));
		r = walk_ok(0x00700010u);
		check_ap_string(&r, ap_full_expect[ap], FSR_PERM_PAGE, "large page");
	}
}
END_TEST

START_TEST(test_ap_simplified_model)
{
	static const char *const expect[4] = { "RW--", "RWRW", "R---", "R-R-" };
	cp.sctlr |= SCTLR_AFE;
	map_l1(0x00800000u, table(L2_TABLE, 2));
	for (unsigned ap21 = 0; ap21 < 4; ap21++) {
		/* AP[0] = 1: the access flag is set. */
		unsigned ap3 = (ap21 & 2u ? 4u : 0u) | (ap21 & 1u ? 2u : 0u) | 1u;
		map_l1(0x00700000u, sect(0x60700000u, ap3, 4, 0));
		struct ptw_result r = walk_ok(0x00700010u);
		check_ap_string(&r, expect[ap21], FSR_PERM_SECTION, "simplified section");
		map_l2(L2_TABLE, 0x00800000u, small(0x60700000u, ap3, 0));
		r = walk_ok(0x00800010u);
		ck_assert_uint_eq(r.perms, walk_ok(0x00700010u).perms);
	}
}
END_TEST

START_TEST(test_access_flag_faults)
{
	cp.sctlr |= SCTLR_AFE;
	map_l1(0x00700000u, sect(0x60700000u, 2, 6, 0)); /* AP[0] = 0 */
	ck_assert_uint_eq(walk_fault(0x00700000u, MMU_READ), FSR_ACCESS_SECTION | 6u << 4);
	ck_assert_uint_eq(walk_fault(0x00700000u, MMU_WRITE),
			  FSR_ACCESS_SECTION | 6u << 4 | FSR_WNR);
	map_l1(0x00800000u, table(L2_TABLE, 3));
	map_l2(L2_TABLE, 0x00800000u, small(0x60700000u, 6, 0));
	map_l2(L2_TABLE, 0x00810000u, large(0x60700000u, 0, 0));
	ck_assert_uint_eq(walk_fault(0x00800000u, MMU_FETCH), FSR_ACCESS_PAGE | 3u << 4);
	ck_assert_uint_eq(walk_fault(0x00810000u, MMU_READ), FSR_ACCESS_PAGE | 3u << 4);
	/* Without AFE the same descriptors are plain AP encodings. */
	cp.sctlr &= ~SCTLR_AFE;
	walk_ok(0x00700000u);
	walk_ok(0x00800000u);
}
END_TEST

START_TEST(test_domains)
{
	map_l1(0x00700000u, sect(0x60700000u, 0, 4, 0)); /* AP 000: nobody, for a client */
	map_l1(0x00800000u, table(L2_TABLE, 13));
	map_l2(L2_TABLE, 0x00800000u, small(0x60700000u, 5, 1u)); /* priv RO, XN */
	struct ptw_result s = walk_ok(0x00700000u);
	struct ptw_result p = walk_ok(0x00800000u);
	struct arm_fault f;
	for (uint32_t type = 0; type < 4; type++) {
		uint32_t dacr = type << 8 | type << 26; /* domains 4 and 13 */
		for (unsigned flags = 0; flags < 7; flags++) {
			if ((flags & MMU_KIND_MASK) == 3)
				continue;
			int rs = ptw_check(&s, dacr, 0x00700000u, flags, &f);
			uint32_t fs = f.fsr;
			int rp = ptw_check(&p, dacr, 0x00800000u, flags, &f);
			uint32_t wnr = (flags & MMU_KIND_MASK) == MMU_WRITE ? FSR_WNR : 0;
			if (type == 3) { /* manager: no permission or XN checks */
				ck_assert_int_eq(rs, 0);
				ck_assert_int_eq(rp, 0);
			} else if (type == 1) { /* client */
				ck_assert_int_eq(rs, -EFAULT);
				ck_assert_uint_eq(fs, FSR_PERM_SECTION | 4u << 4 | wnr);
				bool ok = flags == MMU_READ;
				ck_assert_int_eq(rp, ok ? 0 : -EFAULT);
				if (!ok)
					ck_assert_uint_eq(f.fsr, FSR_PERM_PAGE | 13u << 4 | wnr);
			} else { /* no access, and reserved */
				ck_assert_int_eq(rs, -EFAULT);
				ck_assert_uint_eq(fs, FSR_DOMAIN_SECTION | 4u << 4 | wnr);
				ck_assert_int_eq(rp, -EFAULT);
				ck_assert_uint_eq(f.fsr, FSR_DOMAIN_PAGE | 13u << 4 | wnr);
			}
		}
	}
}
END_TEST

START_TEST(test_xn)
{
	map_l1(0x00700000u, sect(0x60700000u, 3, 0, 1u << 4));
	map_l1(0x00800000u, table(L2_TABLE, 0));
	map_l2(L2_TABLE, 0x00800000u, small(0x60700000u, 3, 1u));
	for (unsigned i = 0; i < 16; i++)
		map_l2(L2_TABLE, 0x00810000u + i * 0x1000u, large(0x60700000u, 3, 1u << 15));
	/* A small page without XN, for contrast. */
	map_l2(L2_TABLE, 0x00820000u, small(0x60700000u, 3, 0));
	static const struct {
		gva_t va;
		uint32_t fs;
		bool xn;
	} cases[] = {
		{ 0x00700000u, FSR_PERM_SECTION, true },
		{ 0x00800000u, FSR_PERM_PAGE, true },
		{ 0x00815000u, FSR_PERM_PAGE, true },
		{ 0x00820000u, 0, false },
	};
	for (unsigned i = 0; i < CAPTIVE_ARRAY_SIZE(cases); i++) {
		struct ptw_result r = walk_ok(cases[i].va);
		struct arm_fault f;
		ck_assert_int_eq(ptw_check(&r, cp.dacr, cases[i].va, MMU_READ | MMU_USER, &f), 0);
		ck_assert_int_eq(ptw_check(&r, cp.dacr, cases[i].va, MMU_WRITE, &f), 0);
		for (unsigned user = 0; user <= MMU_USER; user += MMU_USER) {
			int rc = ptw_check(&r, cp.dacr, cases[i].va, MMU_FETCH | user, &f);
			ck_assert_int_eq(rc, cases[i].xn ? -EFAULT : 0);
			if (cases[i].xn)
				ck_assert_uint_eq(f.fsr, cases[i].fs);
		}
	}
}
END_TEST

START_TEST(test_ttbcr_split)
{
	for (uint32_t n = 1; n <= 7; n++) {
		/* TTBR0's table is 16 KiB >> N; put it at an address aligned to exactly
		 * that size so a wrong base mask reads the wrong word. */
		uint32_t t0 = RAM_BASE + 0x200000u + (0x4000u >> n);
		uint32_t limit = 1u << (32 - n); /* first va translated by TTBR1 */
		memset(ram + 0x200000u, 0, 0x8000u);
		memset(ram + (L1_TABLE1 - RAM_BASE), 0, 0x4000u);
		cp.ttbcr = n;
		cp.ttbr0 = t0 | 0x5bu; /* low attribute bits are not address bits */
		cp.ttbr1 = L1_TABLE1 | 0x13u;
		gva_t va0 = limit - 0x100000u;
		put(t0 + (va0 >> 20) * 4, sect(0x60100000u, 3, 1, 0));
		put(L1_TABLE1 + (limit >> 20) * 4, sect(0x60200000u, 3, 2, 0));
		struct ptw_result r = walk_ok(va0 + 0x42u);
		ck_assert_uint_eq(r.pa, 0x60100042u);
		ck_assert_uint_eq(r.domain, 1);
		r = walk_ok(limit + 0x42u);
		ck_assert_uint_eq(r.pa, 0x60200042u);
		ck_assert_uint_eq(r.domain, 2);
		/* PD0 and PD1 stop walks through their own TTBR only. */
		cp.ttbcr = n | 1u << 4;
		ck_assert_uint_eq(walk_fault(va0, MMU_READ), FSR_TRANS_SECTION);
		walk_ok(limit);
		cp.ttbcr = n | 1u << 5;
		walk_ok(va0);
		ck_assert_uint_eq(walk_fault(limit, MMU_WRITE), FSR_TRANS_SECTION | FSR_WNR);
	}
}
END_TEST

START_TEST(test_ttbcr_zero_uses_ttbr0_only)
{
	cp.ttbcr = 0;
	map_l1(0xfff00000u, sect(0x60300000u, 3, 0, 0));
	put(L1_TABLE1 + 0xfff * 4, sect(0x60400000u, 3, 0, 0));
	ck_assert_uint_eq(walk_ok(0xfff00008u).pa, 0x60300008u);
	cp.ttbcr = 1u << 5; /* PD1 is irrelevant when N = 0 */
	ck_assert_uint_eq(walk_ok(0xfff00008u).pa, 0x60300008u);
}
END_TEST

START_TEST(test_walk_outside_ram)
{
	cp.ttbr0 = DEVICE_PA;
	ck_assert_uint_eq(walk_fault(0x00100000u, MMU_READ), FSR_WALK_EXTERNAL_L1);
	ck_assert_uint_eq(walk_fault(0x00100000u, MMU_WRITE), FSR_WALK_EXTERNAL_L1 | FSR_WNR);
	cp.ttbr0 = L1_TABLE;
	map_l1(0x00100000u, table(DEVICE_PA, 10));
	ck_assert_uint_eq(walk_fault(0x00100000u, MMU_READ), FSR_WALK_EXTERNAL_L2 | 10u << 4);
	/* The last word of RAM is still a table; one past it is not. */
	map_l1(0x00200000u, table(RAM_BASE + RAM_SIZE - 0x400u, 1));
	put(RAM_BASE + RAM_SIZE - 4u, small(0x60000000u, 3, 0));
	walk_ok(0x002ff000u);
}
END_TEST

START_TEST(test_device_mapping)
{
	map_l1(0x10000000u, sect(0x10000000u, 1, 0, 1u << 4));
	struct ptw_result r = walk_ok(0x10009018u);
	ck_assert_uint_eq(r.pa, 0x10009018u);
	ck_assert_uint_eq(r.cb, 0);
}
END_TEST

START_TEST(test_page_walks_counted)
{
	map_l1(0x00100000u, table(L2_TABLE_B, 0));
	map_l2(L2_TABLE_B, 0x00100000u, small(0x60000000u, 3, 0));
	walk_ok(0x00100000u);
	walk_fault(0x00101000u, MMU_READ);
	cp.sctlr = 0;
	walk_ok(0x00100000u);
	ck_assert_uint_eq(sh->stats.page_walks, 3);
}
END_TEST

static Suite *ptw_suite(void)
{
	Suite *s = suite_create("ptw");
	TCase *tc = tcase_create("walk");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mmu_off_is_flat);
	tcase_add_test(tc, test_section);
	tcase_add_test(tc, test_section_translation_faults);
	tcase_add_test(tc, test_small_pages);
	tcase_add_test(tc, test_large_pages);
	tcase_add_test(tc, test_supersection);
	tcase_add_test(tc, test_ap_full_model_section);
	tcase_add_test(tc, test_ap_full_model_page);
	tcase_add_test(tc, test_ap_simplified_model);
	tcase_add_test(tc, test_access_flag_faults);
	tcase_add_test(tc, test_domains);
	tcase_add_test(tc, test_xn);
	tcase_add_test(tc, test_ttbcr_split);
	tcase_add_test(tc, test_ttbcr_zero_uses_ttbr0_only);
	tcase_add_test(tc, test_walk_outside_ram);
	tcase_add_test(tc, test_device_mapping);
	tcase_add_test(tc, test_page_walks_counted);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ptw_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
