/*
 * MMU conformance suite: every mmu strategy must pass it. Built once per
 * mmu x exec pair against that engine build, it drives the strategy only
 * through engine/mmu.h (plus io_init for device pages, whose accesses reach
 * this file's host doorbell, and exec_init) over translation tables in a fake guest RAM at
 * 0x60000000.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine/engine.h"
#include "engine/exec.h"
#include "engine/io.h"
#include "engine/mmu.h"
#include "engine/plat.h"
#include "arm/cpu.h"
#include "arm/ptw.h"
#include "support/ptdesc.h"

#define RAM_BASE 0x60000000u
#define RAM_SIZE (4u << 20)
#define L1_TABLE (RAM_BASE + 0x100000u)
#define L1_TABLE_B (RAM_BASE + 0x104000u)
#define L2_TABLE (RAM_BASE + 0x108000u)
#define L2_TABLE_B (RAM_BASE + 0x108400u)
#define DATA (RAM_BASE + 0x200000u) /* 1 MiB of pages to map */
#define DEVICE_PA 0x10009000u
#define DEVICE_ABORT_PA 0x1000a000u /* the fake bus answers with an external abort */

#define DACR_ALL_CLIENT 0x55555555u

/* AP[2]:AP[1:0] encodings (full model). */
#define AP_PRIV_RW 1u
#define AP_USER_RO 2u
#define AP_ALL_RW 3u
#define AP_PRIV_RO 5u

static uint8_t *ram;
static int ram_fd = -1;
static struct captive_shared *sh;
static struct arm_cpu cpu;

/* The device model behind the doorbell: remembers the last access. */
static struct {
	unsigned count;
	gpa_t pa;
	uint32_t size;
	uint32_t write;
	uint64_t value;
} dev;

static void test_doorbell(struct captive_shared *s, uint32_t code)
{
	if (code != CAPTIVE_DB_MMIO)
		return;
	dev.count++;
	dev.pa = s->io.pa;
	dev.size = s->io.size;
	dev.write = s->io.write;
	if (s->io.write)
		dev.value = s->io.value;
	else
		s->io.value = 0xd0000000u | (uint32_t)(s->io.pa & 0xffffu);
	s->io.status = (s->io.pa & ~0xfffull) == DEVICE_ABORT_PA;
}

static void setup(void)
{
	/* A memfd, as the process backend has it: hwmirror maps it. */
	ram_fd = memfd_create("test-ram", MFD_CLOEXEC);
	ck_assert_int_ge(ram_fd, 0);
	ck_assert_int_eq(ftruncate(ram_fd, RAM_SIZE), 0);
	ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, ram_fd, 0);
	ck_assert_ptr_ne(ram, MAP_FAILED);
	sh = calloc(1, sizeof(*sh));
	ck_assert_ptr_nonnull(sh);
	sh->ram_fd = ram_fd;
	sh->config.io_strategy = CAPTIVE_IO_MMIO_EXIT;
	sh->host_doorbell = (uint64_t)(uintptr_t)test_doorbell;
	eng.sh = sh;
	eng.phys = (uint8_t *)((uintptr_t)ram - RAM_BASE);
	eng.ram_base = RAM_BASE;
	eng.ram_end = RAM_BASE + RAM_SIZE;
	memset(&dev, 0, sizeof(dev));
	memset(&cpu, 0, sizeof(cpu));
	cpu.cp15.sctlr = SCTLR_M;
	cpu.cp15.ttbr0 = L1_TABLE;
	cpu.cp15.dacr = DACR_ALL_CLIENT;
	ck_assert_int_eq(io_init(), 0);
	ck_assert_int_eq(mmu_init(&cpu), 0);
	/* Stores to fetched pages consult the exec strategy: set it up as
	 * engine_main does. */
	ck_assert_int_eq(exec_init(&cpu), 0);
}

static void teardown(void)
{
	plat_hostmem_release();
	munmap(ram, RAM_SIZE);
	close(ram_fd);
	free(sh);
	memset(&eng, 0, sizeof(eng));
}

static void put(uint32_t pa, uint32_t v)
{
	memcpy(ram + (pa - RAM_BASE), &v, sizeof(v));
}

static uint32_t get(uint32_t pa)
{
	uint32_t v;
	memcpy(&v, ram + (pa - RAM_BASE), sizeof(v));
	return v;
}

static void map_l1(uint32_t l1, gva_t va, uint32_t desc)
{
	put(l1 + (va >> 20) * 4, desc);
}

static void map_l2(uint32_t l2, gva_t va, uint32_t desc)
{
	put(l2 + ((va >> 12) & 0xffu) * 4, desc);
}

/* A second-level table for the MiB holding va, in domain 0. */
static void map_page(gva_t va, uint32_t desc)
{
	map_l1(L1_TABLE, va, table(L2_TABLE, 0));
	map_l2(L2_TABLE, va, desc);
}

/* A DACR write, as cp15.c makes it. */
static void set_dacr(uint32_t dacr)
{
	cpu.cp15.dacr = dacr;
	mmu_dacr_changed(&cpu);
}

static void set_asid(uint32_t asid, uint32_t ttbr0)
{
	cpu.cp15.contextidr = asid;
	cpu.cp15.ttbr0 = ttbr0;
	mmu_context_changed(&cpu);
}

static uint32_t rd(gva_t va, unsigned size, unsigned flags)
{
	uint32_t v = 0xdeadbeefu;
	struct arm_fault f = { 0 };
	int rc = mmu_read(&cpu, va, size, &v, flags, &f);
	ck_assert_msg(rc == 0, "read of 0x%08x faulted: fsr 0x%x", va, f.fsr);
	return v;
}

static void wr(gva_t va, unsigned size, uint32_t v, unsigned flags)
{
	struct arm_fault f = { 0 };
	int rc = mmu_write(&cpu, va, size, v, flags, &f);
	ck_assert_msg(rc == 0, "write of 0x%08x faulted: fsr 0x%x", va, f.fsr);
}

static struct arm_fault rd_fault(gva_t va, unsigned size, unsigned flags)
{
	uint32_t v = 0x12345678u;
	struct arm_fault f = { 0 };
	ck_assert_msg(mmu_read(&cpu, va, size, &v, flags, &f) != 0, "read of 0x%08x succeeded",
		      va);
	ck_assert_uint_eq(v, 0x12345678u);
	return f;
}

static struct arm_fault wr_fault(gva_t va, unsigned size, uint32_t v, unsigned flags)
{
	struct arm_fault f = { 0 };
	ck_assert_msg(mmu_write(&cpu, va, size, v, flags, &f) != 0, "write of 0x%08x succeeded",
		      va);
	return f;
}

START_TEST(test_flat_access)
{
	cpu.cp15.sctlr = 0;
	set_dacr(0); /* DACR means nothing with the MMU off */
	mmu_context_changed(&cpu);
	wr(DATA, 4, 0x11223344u, 0);
	ck_assert_uint_eq(get(DATA), 0x11223344u);
	wr(DATA + 4, 2, 0xaabbu, MMU_USER);
	wr(DATA + 6, 1, 0xccu, 0);
	ck_assert_uint_eq(get(DATA + 4), 0x00ccaabbu);
	ck_assert_uint_eq(rd(DATA, 4, 0), 0x11223344u);
	ck_assert_uint_eq(rd(DATA + 1, 2, 0), 0x2233u);
	ck_assert_uint_eq(rd(DATA + 3, 4, MMU_USER), 0xccaabb11u);
	wr(DATA + 9, 4, 0x01020304u, 0);
	ck_assert_uint_eq(rd(DATA + 9, 4, 0), 0x01020304u);
	ck_assert_uint_eq(rd(DATA + 10, 1, 0), 0x03u);
	/* Repeated accesses (TLB hits) keep working. */
	for (unsigned i = 0; i < 4; i++)
		ck_assert_uint_eq(rd(DATA, 4, 0), 0x11223344u);
}
END_TEST

START_TEST(test_mapped_access)
{
	map_l1(L1_TABLE, 0x00100000u, sect(DATA, AP_ALL_RW, 0, 0));
	map_page(0x00300000u, small(DATA + 0x1000u, AP_ALL_RW, 0));
	wr(0x00100010u, 4, 0xcafef00du, 0);
	ck_assert_uint_eq(get(DATA + 0x10u), 0xcafef00du);
	wr(0x00300020u, 4, 0x0badc0deu, MMU_USER);
	ck_assert_uint_eq(get(DATA + 0x1020u), 0x0badc0deu);
	ck_assert_uint_eq(rd(0x00101020u, 4, 0), 0x0badc0deu);
	ck_assert_uint_eq(rd(0x00300010u, 2, MMU_USER), 0u);
	ck_assert_uint_eq(rd(0x00100012u, 2, 0), 0xcafeu);
}
END_TEST

START_TEST(test_translation_fault)
{
	struct arm_fault f = rd_fault(0x00700004u, 4, 0);
	ck_assert_uint_eq(f.fsr, FSR_TRANS_SECTION);
	ck_assert_uint_eq(f.addr, 0x00700004u);
	map_l1(L1_TABLE, 0x00700000u, table(L2_TABLE, 6));
	f = wr_fault(0x00701008u, 2, 0, 0);
	ck_assert_uint_eq(f.fsr, FSR_TRANS_PAGE | 6u << 4 | FSR_WNR);
	ck_assert_uint_eq(f.addr, 0x00701008u);
}
END_TEST

START_TEST(test_remap_after_flush_va)
{
	put(DATA, 0xaaaa0000u);
	put(DATA + 0x1000u, 0xbbbb0000u);
	map_page(0x00300000u, small(DATA, AP_ALL_RW, 1u << 11));
	set_asid(7, L1_TABLE);
	ck_assert_uint_eq(rd(0x00300000u, 4, 0), 0xaaaa0000u);
	map_l2(L2_TABLE, 0x00300000u, small(DATA + 0x1000u, AP_ALL_RW, 1u << 11));
	mmu_flush_va(&cpu, 0x00300000u | 7u);
	ck_assert_uint_eq(rd(0x00300000u, 4, 0), 0xbbbb0000u);
	map_l2(L2_TABLE, 0x00300000u, small(DATA, AP_ALL_RW, 1u << 11));
	mmu_flush_va_all_asids(&cpu, 0x00300abcu);
	ck_assert_uint_eq(rd(0x00300000u, 4, 0), 0xaaaa0000u);
}
END_TEST

START_TEST(test_flush_va_drops_whole_section)
{
	/* TLBIMVA removes the translation that maps the address: for a section,
	 * every address in it. */
	put(DATA + 0x80000u, 0x5ec70000u);
	map_l1(L1_TABLE, 0x00400000u, sect(DATA, AP_ALL_RW, 0, 0));
	ck_assert_uint_eq(rd(0x00400000u, 4, 0), 0);
	ck_assert_uint_eq(rd(0x00480000u, 4, 0), 0x5ec70000u);
	map_l1(L1_TABLE, 0x00400000u, sect(RAM_BASE, AP_ALL_RW, 0, 0));
	put(RAM_BASE + 0x80000u, 0x5ec70001u);
	mmu_flush_va(&cpu, 0x00400000u);
	ck_assert_uint_eq(rd(0x00480000u, 4, 0), 0x5ec70001u);
}
END_TEST

START_TEST(test_flush_va_keeps_other_asids_sections_flushable)
{
	/* A TLBIMVA for ASID 1 leaves ASID 2's pieces of a section at the same
	 * address cached: a later TLBIMVA for ASID 2 must still find them. */
	put(DATA + 0x80000u, 0x5ec70002u);
	put(RAM_BASE + 0x40000u, 0x5ec70003u);
	put(DATA + 0x40000u, 0x5ec70004u);
	set_asid(1, L1_TABLE);
	map_l1(L1_TABLE, 0x00400000u, sect(DATA, AP_ALL_RW, 0, 1u << 17));
	ck_assert_uint_eq(rd(0x00480000u, 4, 0), 0x5ec70002u);
	set_asid(2, L1_TABLE);
	map_l1(L1_TABLE, 0x00400000u, sect(RAM_BASE, AP_ALL_RW, 0, 1u << 17));
	ck_assert_uint_eq(rd(0x00440000u, 4, 0), 0x5ec70003u);
	mmu_flush_va(&cpu, 0x00400000u | 1u);
	map_l1(L1_TABLE, 0x00400000u, sect(DATA, AP_ALL_RW, 0, 1u << 17));
	mmu_flush_va(&cpu, 0x00400000u | 2u);
	ck_assert_uint_eq(rd(0x00440000u, 4, 0), 0x5ec70004u);
}
END_TEST

START_TEST(test_flush_va_drops_whole_large_page)
{
	put(DATA + 0x8000u, 0x1a000000u);
	put(DATA + 0x18000u, 0x1a000001u);
	map_l1(L1_TABLE, 0x00500000u, table(L2_TABLE, 0));
	for (unsigned i = 0; i < 16; i++)
		map_l2(L2_TABLE, 0x00510000u + i * 0x1000u, large(DATA, AP_ALL_RW, 0));
	ck_assert_uint_eq(rd(0x00510000u, 4, 0), 0);
	ck_assert_uint_eq(rd(0x00518000u, 4, 0), 0x1a000000u);
	for (unsigned i = 0; i < 16; i++)
		map_l2(L2_TABLE, 0x00510000u + i * 0x1000u, large(DATA + 0x10000u, AP_ALL_RW, 0));
	mmu_flush_va_all_asids(&cpu, 0x00510000u);
	ck_assert_uint_eq(rd(0x00518000u, 4, 0), 0x1a000001u);
}
END_TEST

START_TEST(test_flush_va_drops_whole_supersection)
{
	/* A supersection is one translation for 16 MiB: a TLBIMVA of an address
	 * in one MiB of it drops what was filled through it in another. */
	put(DATA + 0x10u, 0x55000000u);
	put(RAM_BASE + 0x10u, 0x55000001u);
	for (uint32_t i = 0; i < 16; i++)
		map_l1(L1_TABLE, 0x02000000u + (i << 20), sect(RAM_BASE, AP_ALL_RW, 0, 1u << 18));
	ck_assert_uint_eq(rd(0x02200010u, 4, 0), 0x55000000u);
	for (uint32_t i = 0; i < 16; i++)
		map_l1(L1_TABLE, 0x02000000u + (i << 20), sect(RAM_BASE, AP_ALL_RW, 0, 0));
	mmu_flush_va(&cpu, 0x02f00000u);
	ck_assert_uint_eq(rd(0x02200010u, 4, 0), 0x55000001u);
}
END_TEST

/* A fetch through a section or a supersection, then a TLBIMVA of another
 * address in it (whose page is not the fetched one's, nor in the same slot
 * of a direct-mapped 256-entry TLB) and a new mapping there: the next fetch
 * walks again. */
static void fetch_remapped(gva_t va, gva_t flush, uint32_t old_desc, uint32_t new_desc,
			   unsigned entries)
{
	gpa_t pa = 0;
	const uint8_t *host = NULL;
	struct arm_fault f = { 0 };
	for (unsigned i = 0; i < entries; i++)
		map_l1(L1_TABLE, (va & ~((entries << 20) - 1u)) + (i << 20), old_desc);
	ck_assert_int_eq(mmu_translate_fetch(&cpu, va, 0, &pa, &host, &f), 0);
	ck_assert_uint_eq(pa, (old_desc & 0xfff00000u) + (va & ((entries << 20) - 1u)));
	for (unsigned i = 0; i < entries; i++)
		map_l1(L1_TABLE, (va & ~((entries << 20) - 1u)) + (i << 20), new_desc);
	mmu_flush_va(&cpu, flush);
	ck_assert_int_eq(mmu_translate_fetch(&cpu, va, 0, &pa, &host, &f), 0);
	ck_assert_uint_eq(pa, (new_desc & 0xfff00000u) + (va & 0xfffffu));
}

START_TEST(test_flush_va_drops_fetches_through_big_pages)
{
	fetch_remapped(0x00480124u, 0x004ff000u, sect(DATA, AP_ALL_RW, 0, 0),
		       sect(RAM_BASE, AP_ALL_RW, 0, 0), 1);
	fetch_remapped(0x03200124u, 0x03f05000u, sect(RAM_BASE, AP_ALL_RW, 0, 1u << 18),
		       sect(RAM_BASE + 0x100000u, AP_ALL_RW, 0, 0), 16);
}
END_TEST

START_TEST(test_flush_va_drops_global_entries)
{
	put(DATA, 0x9000000au);
	put(DATA + 0x1000u, 0x9000000bu);
	set_asid(1, L1_TABLE);
	map_page(0x00300000u, small(DATA, AP_ALL_RW, 0)); /* global */
	ck_assert_uint_eq(rd(0x00300000u, 4, 0), 0x9000000au);
	map_l2(L2_TABLE, 0x00300000u, small(DATA + 0x1000u, AP_ALL_RW, 0));
	mmu_flush_va(&cpu, 0x00300000u | 77u); /* another ASID: globals still go */
	ck_assert_uint_eq(rd(0x00300000u, 4, 0), 0x9000000bu);
}
END_TEST

START_TEST(test_flush_asid)
{
	put(DATA, 0xa5000001u);
	put(DATA + 0x1000u, 0xa5000002u);
	set_asid(3, L1_TABLE);
	map_page(0x00300000u, small(DATA, AP_ALL_RW, 1u << 11));
	ck_assert_uint_eq(rd(0x00300000u, 4, 0), 0xa5000001u);
	map_l2(L2_TABLE, 0x00300000u, small(DATA + 0x1000u, AP_ALL_RW, 1u << 11));
	mmu_flush_asid(&cpu, 3);
	ck_assert_uint_eq(rd(0x00300000u, 4, 0), 0xa5000002u);
}
END_TEST

START_TEST(test_flush_asid_around_global)
{
	/* TLBIASID among global entries: the non-global pages before, between
	 * and after a global one, and a non-global section in the next MiB,
	 * all take their new translations. */
	static const uint32_t off[] = { 0x0000u, 0x1000u, 0x2000u, 0x3000u, 0x4000u, 0x5000u,
					0x105000u };
	for (unsigned i = 0; i < sizeof(off) / sizeof(off[0]); i++)
		put(DATA + off[i], 0xa6000000u | i);
	set_asid(3, L1_TABLE);
	map_page(0x00300000u, small(DATA, AP_ALL_RW, 1u << 11));
	map_l2(L2_TABLE, 0x00301000u, small(DATA + 0x1000u, AP_ALL_RW, 0));
	map_l2(L2_TABLE, 0x00302000u, small(DATA + 0x2000u, AP_ALL_RW, 1u << 11));
	map_l1(L1_TABLE, 0x00400000u, sect(DATA, AP_ALL_RW, 0, 1u << 17));
	ck_assert_uint_eq(rd(0x00300000u, 4, 0), 0xa6000000u);
	ck_assert_uint_eq(rd(0x00301000u, 4, 0), 0xa6000001u);
	ck_assert_uint_eq(rd(0x00302000u, 4, 0), 0xa6000002u);
	ck_assert_uint_eq(rd(0x00405000u, 4, 0), 0xa6000005u);
	map_l2(L2_TABLE, 0x00300000u, small(DATA + 0x3000u, AP_ALL_RW, 1u << 11));
	map_l2(L2_TABLE, 0x00302000u, small(DATA + 0x4000u, AP_ALL_RW, 1u << 11));
	map_l1(L1_TABLE, 0x00400000u, sect(DATA + 0x100000u, AP_ALL_RW, 0, 1u << 17));
	mmu_flush_asid(&cpu, 3);
	ck_assert_uint_eq(rd(0x00300000u, 4, 0), 0xa6000003u);
	ck_assert_uint_eq(rd(0x00301000u, 4, 0), 0xa6000001u);
	ck_assert_uint_eq(rd(0x00302000u, 4, 0), 0xa6000004u);
	ck_assert_uint_eq(rd(0x00405000u, 4, 0), 0xa6000006u);
}
END_TEST

START_TEST(test_flush_all)
{
	put(DATA, 0xf1000001u);
	put(DATA + 0x100000u, 0xf1000002u);
	map_l1(L1_TABLE, 0x00100000u, sect(DATA, AP_ALL_RW, 0, 0));
	ck_assert_uint_eq(rd(0x00100000u, 4, 0), 0xf1000001u);
	map_l1(L1_TABLE, 0x00100000u, sect(DATA + 0x100000u, AP_ALL_RW, 0, 0));
	uint64_t flushes = sh->stats.tlb_flushes;
	mmu_flush_all(&cpu);
	ck_assert_uint_eq(sh->stats.tlb_flushes, flushes + 1);
	ck_assert_uint_eq(rd(0x00100000u, 4, 0), 0xf1000002u);
}
END_TEST

START_TEST(test_dacr_takes_effect_without_flush)
{
	map_l1(L1_TABLE, 0x00100000u, sect(DATA, AP_PRIV_RO, 4, 0));
	map_page(0x00300000u, small(DATA, AP_PRIV_RO, 0)); /* domain 0 */
	put(DATA, 0x00d0ac00u);
	uint64_t flushes = sh->stats.tlb_flushes;
	for (unsigned round = 0; round < 2; round++) {
		set_dacr(DACR_ALL_CLIENT);
		ck_assert_uint_eq(rd(0x00100000u, 4, 0), 0x00d0ac00u);
		ck_assert_uint_eq(rd(0x00300000u, 4, 0), 0x00d0ac00u);
		struct arm_fault f = wr_fault(0x00100004u, 4, 1, 0);
		ck_assert_uint_eq(f.fsr, FSR_PERM_SECTION | 4u << 4 | FSR_WNR);

		set_dacr(DACR_ALL_CLIENT & ~(3u << 8)); /* domain 4: no access */
		f = rd_fault(0x00100000u, 4, 0);
		ck_assert_uint_eq(f.fsr, FSR_DOMAIN_SECTION | 4u << 4);
		ck_assert_uint_eq(f.addr, 0x00100000u);
		ck_assert_uint_eq(rd(0x00300000u, 4, 0), 0x00d0ac00u);

		set_dacr(DACR_ALL_CLIENT & ~3u); /* domain 0: no access */
		f = wr_fault(0x00300008u, 1, 1, 0);
		ck_assert_uint_eq(f.fsr, FSR_DOMAIN_PAGE | FSR_WNR);
		ck_assert_uint_eq(rd(0x00100000u, 4, 0), 0x00d0ac00u);

		set_dacr(DACR_ALL_CLIENT | 3u << 8); /* domain 4: manager */
		wr(0x00100004u, 4, 0x600du, MMU_USER);
		ck_assert_uint_eq(get(DATA + 4), 0x600du);
		put(DATA + 4, 0);
	}
	ck_assert_uint_eq(sh->stats.tlb_flushes, flushes);
}
END_TEST

START_TEST(test_asid_switch)
{
	/* Two address spaces with their own tables share a global kernel section. */
	put(DATA, 0x0000a001u);
	put(DATA + 0x1000u, 0x0000a002u);
	put(DATA + 0x80000u, 0x0000c0deu);
	map_l1(L1_TABLE, 0x00400000u, table(L2_TABLE, 1));
	map_l2(L2_TABLE, 0x00400000u, small(DATA, AP_ALL_RW, 1u << 11));
	map_l1(L1_TABLE_B, 0x00400000u, table(L2_TABLE_B, 1));
	map_l2(L2_TABLE_B, 0x00400000u, small(DATA + 0x1000u, AP_ALL_RW, 1u << 11));
	map_l1(L1_TABLE, 0xc0000000u, sect(DATA, AP_PRIV_RW, 0, 0));
	map_l1(L1_TABLE_B, 0xc0000000u, sect(DATA, AP_PRIV_RW, 0, 0));
	uint64_t flushes = sh->stats.tlb_flushes;
	for (unsigned round = 0; round < 3; round++) {
		set_asid(1, L1_TABLE);
		ck_assert_uint_eq(rd(0x00400000u, 4, MMU_USER), 0x0000a001u);
		ck_assert_uint_eq(rd(0xc0080000u, 4, 0), 0x0000c0deu);
		set_asid(2, L1_TABLE_B);
		ck_assert_uint_eq(rd(0x00400000u, 4, MMU_USER), 0x0000a002u);
		ck_assert_uint_eq(rd(0xc0080000u, 4, 0), 0x0000c0deu);
		wr(0x00400004u, 4, round, MMU_USER);
		ck_assert_uint_eq(get(DATA + 0x1004u), round);
	}
	ck_assert_uint_eq(sh->stats.tlb_flushes, flushes);
}
END_TEST

START_TEST(test_recycled_window)
{
	/* Far more address spaces than windows: a new view takes an old
	 * ASID's window (hwmirror). Each ASID maps its user page to a page of
	 * its own (a fresh ASID needs no maintenance), which must show, not
	 * the old ASID's; the global kernel section must, without a fault. */
	for (uint32_t k = 0; k < 7; k++)
		put(DATA + k * 0x1000u, 0x0000a000u | k);
	put(DATA + 0x80000u, 0x0000c0deu);
	map_l1(L1_TABLE, 0x00400000u, table(L2_TABLE, 1));
	map_l1(L1_TABLE, 0xc0000000u, sect(DATA, AP_PRIV_RW, 0, 0));
	uint64_t *recycled = engine_counter("hwm_views_recycled");
	for (uint32_t asid = 1; asid < 256; asid++) {
		uint32_t k = asid % 7;
		map_l2(L2_TABLE, 0x00400000u, small(DATA + k * 0x1000u, AP_ALL_RW, 1u << 11));
		set_asid(asid, L1_TABLE);
		ck_assert_uint_eq(rd(0x00400000u, 4, MMU_USER), 0x0000a000u | k);
		uint64_t fills = sh->stats.hwm_fault_fill;
		ck_assert_uint_eq(rd(0xc0080000u, 4, 0), 0x0000c0deu);
		if (asid > 64 && sh->stats.hwm_pages_mapped) /* every view recycled by now */
			ck_assert_uint_eq(sh->stats.hwm_fault_fill, fills);
	}
	if (sh->stats.hwm_pages_mapped)
		ck_assert_uint_gt(*recycled, 100);
}
END_TEST

START_TEST(test_privilege)
{
	map_page(0x00300000u, small(DATA, AP_PRIV_RW, 0));
	map_l2(L2_TABLE, 0x00301000u, small(DATA, AP_USER_RO, 0));
	wr(0x00300000u, 4, 0x50000001u, 0);
	struct arm_fault f = rd_fault(0x00300000u, 4, MMU_USER);
	ck_assert_uint_eq(f.fsr, FSR_PERM_PAGE);
	ck_assert_uint_eq(rd(0x00301000u, 4, MMU_USER), 0x50000001u);
	f = wr_fault(0x00301000u, 4, 0, MMU_USER);
	ck_assert_uint_eq(f.fsr, FSR_PERM_PAGE | FSR_WNR);
	wr(0x00301000u, 4, 0x50000002u, 0);
	ck_assert_uint_eq(rd(0x00301000u, 4, MMU_USER), 0x50000002u);
}
END_TEST

START_TEST(test_cross_page_atomic)
{
	map_page(0x00500000u, small(DATA, AP_ALL_RW, 0));
	map_l2(L2_TABLE, 0x00501000u, small(DATA + 0x1000u, AP_PRIV_RO, 0));
	put(DATA + 0xffcu, 0x44332211u);
	put(DATA + 0x1000u, 0x88776655u);
	ck_assert_uint_eq(rd(0x00500ffeu, 4, 0), 0x66554433u);
	ck_assert_uint_eq(rd(0x00500fffu, 2, 0), 0x5544u);

	struct arm_fault f = wr_fault(0x00500ffeu, 4, 0xeeeeeeeeu, 0);
	ck_assert_uint_eq(f.fsr, FSR_PERM_PAGE | FSR_WNR);
	ck_assert_uint_eq(f.addr, 0x00501000u);
	ck_assert_uint_eq(get(DATA + 0xffcu), 0x44332211u);
	ck_assert_uint_eq(get(DATA + 0x1000u), 0x88776655u);

	/* Second page unmapped: a translation fault, nothing written either. */
	map_l2(L2_TABLE, 0x00503000u, small(DATA + 0x3000u, AP_ALL_RW, 0));
	f = wr_fault(0x00503fffu, 2, 0xeeeeu, 0);
	ck_assert_uint_eq(f.fsr, FSR_TRANS_PAGE | FSR_WNR);
	ck_assert_uint_eq(f.addr, 0x00504000u);
	ck_assert_uint_eq(get(DATA + 0x3ffcu), 0);
	f = rd_fault(0x00501ffdu, 4, 0);
	ck_assert_uint_eq(f.fsr, FSR_TRANS_PAGE);

	/* Both writable: the store lands on both sides. */
	map_l2(L2_TABLE, 0x00501000u, small(DATA + 0x1000u, AP_ALL_RW, 0));
	mmu_flush_va(&cpu, 0x00501000u);
	wr(0x00500ffdu, 4, 0xa4a3a2a1u, 0);
	ck_assert_uint_eq(get(DATA + 0xffcu), 0xa3a2a111u);
	ck_assert_uint_eq(get(DATA + 0x1000u), 0x887766a4u);
}
END_TEST

START_TEST(test_device_page)
{
	map_l1(L1_TABLE, 0x10000000u, sect(0x10000000u, AP_PRIV_RW, 0, 1u << 4));
	for (unsigned i = 1; i <= 3; i++) {
		ck_assert_uint_eq(rd(0x10009018u, 4, 0), 0xd0009018u);
		ck_assert_uint_eq(dev.count, i); /* never cached as RAM */
		ck_assert_uint_eq(dev.pa, 0x10009018u);
		ck_assert_uint_eq(dev.size, 4);
		ck_assert_uint_eq(dev.write, 0);
	}
	wr(0x10009000u, 1, 0x41u, 0);
	ck_assert_uint_eq(dev.count, 4);
	ck_assert_uint_eq(dev.pa, 0x10009000u);
	ck_assert_uint_eq(dev.size, 1);
	ck_assert_uint_eq(dev.write, 1);
	ck_assert_uint_eq(dev.value, 0x41u);
	ck_assert_uint_eq(rd(0x10009002u, 2, 0), 0xd0009002u);
	ck_assert_uint_eq(dev.size, 2);

	struct arm_fault f = rd_fault(0x1000a004u, 4, 0);
	ck_assert_uint_eq(f.fsr & ~0xf0u, FSR_SYNC_EXTERNAL);
	ck_assert_uint_eq(f.addr, 0x1000a004u);
	f = wr_fault(0x1000a008u, 4, 0, 0);
	ck_assert_uint_eq(f.fsr & ~0xf0u, FSR_SYNC_EXTERNAL | FSR_WNR);

	/* Permissions still apply before the device is reached. */
	unsigned before = dev.count;
	f = rd_fault(0x10009018u, 4, MMU_USER);
	ck_assert_uint_eq(f.fsr, FSR_PERM_SECTION);
	ck_assert_uint_eq(dev.count, before);
}
END_TEST

START_TEST(test_translate_fetch)
{
	map_page(0x00300000u, small(DATA + 0x3000u, AP_ALL_RW, 0));
	map_l2(L2_TABLE, 0x00301000u, small(DATA + 0x4000u, AP_ALL_RW, 1u)); /* XN */
	map_l2(L2_TABLE, 0x00302000u, small(DATA + 0x5000u, AP_PRIV_RW, 0));
	map_l1(L1_TABLE, 0x10000000u, sect(0x10000000u, AP_PRIV_RW, 0, 0));
	put(DATA + 0x3124u, 0xe1a00000u);
	for (unsigned i = 0; i < 2; i++) {
		gpa_t pa = 0;
		const uint8_t *host = NULL;
		struct arm_fault f = { 0 };
		ck_assert_int_eq(mmu_translate_fetch(&cpu, 0x00300124u, MMU_USER, &pa, &host, &f), 0);
		ck_assert_uint_eq(pa, DATA + 0x3124u);
		ck_assert_ptr_eq(host, ram + 0x203124u);
		ck_assert_uint_eq(rd(0x00300124u, 4, MMU_FETCH | MMU_USER), 0xe1a00000u);
	}
	gpa_t pa;
	const uint8_t *host;
	struct arm_fault f = { 0 };
	ck_assert_int_ne(mmu_translate_fetch(&cpu, 0x00301000u, 0, &pa, &host, &f), 0);
	ck_assert_uint_eq(f.fsr, FSR_PERM_PAGE);
	ck_assert_uint_eq(f.addr, 0x00301000u);
	f = rd_fault(0x00301000u, 4, MMU_FETCH);
	ck_assert_uint_eq(f.fsr, FSR_PERM_PAGE);
	ck_assert_int_ne(mmu_translate_fetch(&cpu, 0x00302008u, MMU_USER, &pa, &host, &f), 0);
	ck_assert_uint_eq(f.fsr, FSR_PERM_PAGE);
	ck_assert_int_eq(mmu_translate_fetch(&cpu, 0x00302008u, 0, &pa, &host, &f), 0);
	ck_assert_int_eq(mmu_translate_fetch(&cpu, 0x10009000u, 0, &pa, &host, &f), 0);
	ck_assert_uint_eq(pa, 0x10009000u);
	ck_assert_ptr_null(host);
}
END_TEST

START_TEST(test_store_to_fetched_page)
{
	/* Code and data on one page: fetch, store, fetch again sees the store. */
	map_page(0x00300000u, small(DATA, AP_ALL_RW, 0));
	put(DATA + 0x40u, 0xe3a00001u);
	gpa_t pa;
	const uint8_t *host;
	struct arm_fault f;
	ck_assert_int_eq(mmu_translate_fetch(&cpu, 0x00300040u, 0, &pa, &host, &f), 0);
	ck_assert_uint_eq(get(pa), 0xe3a00001u);
	for (unsigned i = 0; i < 3; i++) {
		wr(0x00300040u, 4, 0xe3a00002u + i, 0);
		ck_assert_int_eq(mmu_translate_fetch(&cpu, 0x00300040u, 0, &pa, &host, &f), 0);
		uint32_t insn;
		memcpy(&insn, host, 4);
		ck_assert_uint_eq(insn, 0xe3a00002u + i);
	}
}
END_TEST

/* Whether a TLB fast path (mmu_jit_tlb) would serve a store to va now. */
static bool fast_store(const struct mmu_jit_tlb *t, uint32_t va)
{
	uintptr_t e = t->table + (((va >> t->page_shift) & ((1u << t->index_bits) - 1u))
				  << t->entry_shift);
	uint32_t key = (va & ~((1u << t->page_shift) - 1u)) |
		       *(const uint32_t *)(t->table + (intptr_t)t->key_or_off);
	return *(const uint32_t *)(e + t->tag_off + 4u * MMU_WRITE) == key;
}

/* A page that stops holding code gets its fast stores back (at its next
 * slow store), and loses them again when it holds code again; stores in
 * between still land. */
START_TEST(test_code_page_removed)
{
	map_page(0x00300000u, small(DATA, AP_ALL_RW, 0));
	gpa_t pa;
	const uint8_t *host;
	struct arm_fault f;
	ck_assert_int_eq(mmu_translate_fetch(&cpu, 0x00300040u, 0, &pa, &host, &f), 0);
	mmu_code_page_added(DATA);
	struct mmu_jit_tlb t;
	bool tlb = mmu_jit_tlb(&t);
	wr(0x00300040u, 4, 1, 0);
	if (tlb)
		ck_assert(!fast_store(&t, 0x00300040u));
	mmu_code_page_removed(DATA);
	wr(0x00300044u, 4, 2, 0);
	if (tlb)
		ck_assert(fast_store(&t, 0x00300040u));
	mmu_code_page_added(DATA);
	if (tlb)
		ck_assert(!fast_store(&t, 0x00300040u));
	wr(0x00300048u, 4, 3, 0);
	ck_assert_uint_eq(get(DATA + 0x40u), 1);
	ck_assert_uint_eq(get(DATA + 0x44u), 2);
	ck_assert_uint_eq(get(DATA + 0x48u), 3);
}
END_TEST

START_TEST(test_probe)
{
	map_page(0x00500000u, small(DATA, AP_ALL_RW, 0));
	map_l2(L2_TABLE, 0x00501000u, small(DATA + 0x1000u, AP_PRIV_RO, 0));
	struct arm_fault f = { 0 };
	ck_assert_int_eq(mmu_probe(&cpu, 0x00500f00u, 0x100u, MMU_WRITE, &f), 0);
	ck_assert_int_eq(mmu_probe(&cpu, 0x00500f00u, 0x200u, MMU_READ, &f), 0);
	ck_assert_int_eq(mmu_probe(&cpu, 0x00500ff8u, 0, MMU_WRITE | MMU_USER, &f), 0);
	ck_assert_int_ne(mmu_probe(&cpu, 0x00500ff8u, 16, MMU_WRITE, &f), 0);
	ck_assert_uint_eq(f.fsr, FSR_PERM_PAGE | FSR_WNR);
	ck_assert_uint_eq(f.addr, 0x00501000u);
	ck_assert_int_ne(mmu_probe(&cpu, 0x00501ff0u, 0x20u, MMU_READ, &f), 0);
	ck_assert_uint_eq(f.fsr, FSR_TRANS_PAGE);
	ck_assert_uint_eq(f.addr, 0x00502000u);
	ck_assert_int_eq(mmu_probe(&cpu, 0x00500000u, 4, MMU_READ | MMU_USER, &f), 0);
	for (unsigned i = 0; i < 0x2000u; i += 4)
		ck_assert_uint_eq(get(DATA + i), 0);
}
END_TEST

START_TEST(test_mmu_enable_takes_effect)
{
	put(DATA, 0x0ff0ff01u);
	put(DATA + 0x100000u, 0x0ff0ff02u);
	map_l1(L1_TABLE, DATA, sect(DATA + 0x100000u, AP_ALL_RW, 0, 0));
	cpu.cp15.sctlr = 0;
	mmu_context_changed(&cpu);
	ck_assert_uint_eq(rd(DATA, 4, 0), 0x0ff0ff01u);
	cpu.cp15.sctlr = SCTLR_M;
	mmu_context_changed(&cpu);
	ck_assert_uint_eq(rd(DATA, 4, 0), 0x0ff0ff02u);
	cpu.cp15.sctlr = 0;
	mmu_context_changed(&cpu);
	ck_assert_uint_eq(rd(DATA, 4, 0), 0x0ff0ff01u);
}
END_TEST

START_TEST(test_access_flag)
{
	cpu.cp15.sctlr = SCTLR_M | SCTLR_AFE;
	mmu_context_changed(&cpu);
	map_page(0x00300000u, small(DATA, 2, 0)); /* AP[0] = AF = 0 */
	struct arm_fault f = rd_fault(0x00300000u, 4, 0);
	ck_assert_uint_eq(f.fsr, FSR_ACCESS_PAGE);
	/* Entries with AF = 0 are never cached: setting AF needs no maintenance. */
	map_l2(L2_TABLE, 0x00300000u, small(DATA, 3, 0));
	put(DATA, 0xaf000001u);
	ck_assert_uint_eq(rd(0x00300000u, 4, 0), 0xaf000001u);
	wr(0x00300000u, 4, 0xaf000002u, MMU_USER);
	ck_assert_uint_eq(get(DATA), 0xaf000002u);
}
END_TEST

START_TEST(test_translate)
{
	map_page(0x00300000u, small(DATA + 0x7000u, AP_PRIV_RO, 0));
	gpa_t pa = 0;
	struct arm_fault f = { 0 };
	ck_assert_int_eq(mmu_translate(&cpu, 0x00300abcu, MMU_READ, &pa, &f), 0);
	ck_assert_uint_eq(pa, DATA + 0x7abcu);
	ck_assert_int_ne(mmu_translate(&cpu, 0x00300abcu, MMU_WRITE, &pa, &f), 0);
	ck_assert_uint_eq(f.fsr, FSR_PERM_PAGE | FSR_WNR);
	ck_assert_int_ne(mmu_translate(&cpu, 0x00300abcu, MMU_READ | MMU_USER, &pa, &f), 0);
	ck_assert_int_ne(mmu_translate(&cpu, 0x00900000u, MMU_READ, &pa, &f), 0);
	ck_assert_uint_eq(f.fsr, FSR_TRANS_SECTION);
}
END_TEST

START_TEST(test_stats)
{
	map_page(0x00300000u, small(DATA, AP_ALL_RW, 0));
	uint64_t hits = sh->stats.tlb_hits, misses = sh->stats.tlb_misses;
	for (unsigned i = 0; i < 10; i++)
		rd(0x00300000u + 4 * i, 4, 0);
	ck_assert_uint_ge(sh->stats.tlb_misses, misses + 1);
	ck_assert_uint_ge(sh->stats.tlb_hits, hits + 9);
	ck_assert_uint_ge(sh->stats.page_walks, 1);
	uint64_t flushes = sh->stats.tlb_flushes;
	mmu_flush_va(&cpu, 0x00300000u);
	mmu_flush_asid(&cpu, 0);
	mmu_flush_va_all_asids(&cpu, 0x00300000u);
	ck_assert_uint_eq(sh->stats.tlb_flushes, flushes + 3);
}
END_TEST

/* ---- isolation: hostile addresses and tables ------------------------------ */

/* ARM addresses wrap at 2^32: an access at the top of the address space
 * continues at 0, never past it (hwmirror: into the guard after a window). */
START_TEST(test_wrap_at_4g)
{
	map_l1(L1_TABLE, 0xfff00000u, table(L2_TABLE_B, 0));
	map_l2(L2_TABLE_B, 0xfffff000u, small(DATA + 0x1000u, AP_ALL_RW, 0));
	map_l1(L1_TABLE, 0x00000000u, table(L2_TABLE, 0));
	map_l2(L2_TABLE, 0x00000000u, small(DATA + 0x5000u, AP_ALL_RW, 0));
	put(DATA + 0x1ffcu, 0x44332211u);
	put(DATA + 0x5000u, 0x88776655u);
	/* LDM/LDRD at 0xfffffffc: two words, the second at 0. */
	ck_assert_uint_eq(rd(0xfffffffcu, 4, 0), 0x44332211u);
	ck_assert_uint_eq(rd(0x00000000u, 4, 0), 0x88776655u);
	/* One access across the wrap. */
	ck_assert_uint_eq(rd(0xfffffffeu, 4, 0), 0x66554433u);
	ck_assert_uint_eq(rd(0xffffffffu, 2, MMU_USER), 0x5544u);
	wr(0xfffffffdu, 4, 0xa4a3a2a1u, 0);
	ck_assert_uint_eq(get(DATA + 0x1ffcu), 0xa3a2a111u);
	ck_assert_uint_eq(get(DATA + 0x5000u), 0x887766a4u);
	/* The page after the wrap unmapped: nothing is written, the fault
	 * names address 0. */
	map_l2(L2_TABLE, 0x00000000u, 0);
	mmu_flush_va(&cpu, 0x00000000u);
	struct arm_fault f = wr_fault(0xfffffffeu, 4, 0xeeeeeeeeu, 0);
	ck_assert_uint_eq(f.fsr, FSR_TRANS_PAGE | FSR_WNR);
	ck_assert_uint_eq(f.addr, 0x00000000u);
	ck_assert_uint_eq(get(DATA + 0x1ffcu), 0xa3a2a111u);
	f = rd_fault(0xffffffffu, 2, 0);
	ck_assert_uint_eq(f.addr, 0x00000000u);
	/* STM probe across the wrap. */
	ck_assert_int_ne(mmu_probe(&cpu, 0xfffffff8u, 16, MMU_WRITE, &f), 0);
	ck_assert_uint_eq(f.addr, 0x00000000u);
}
END_TEST

/* Tables that point outside RAM, at devices or at themselves. */
START_TEST(test_hostile_tables)
{
	/* A second-level table in device space and one past the end of RAM:
	 * an external abort on the walk, and no device is touched. */
	map_l1(L1_TABLE, 0x00400000u, table(DEVICE_PA, 0));
	map_l1(L1_TABLE, 0x00500000u, table(RAM_BASE + RAM_SIZE + 0x1000u, 0));
	unsigned before = dev.count;
	struct arm_fault f = rd_fault(0x00400000u, 4, 0);
	ck_assert_uint_eq(f.fsr & ~0xf0u, FSR_WALK_EXTERNAL_L2);
	f = wr_fault(0x00500010u, 4, 1, 0);
	ck_assert_uint_eq(f.fsr & ~0xf0u, FSR_WALK_EXTERNAL_L2 | FSR_WNR);
	ck_assert_uint_eq(dev.count, before);
	/* TTBR0 itself outside RAM. */
	set_asid(0, 0x00004000u);
	f = rd_fault(0x00300000u, 4, 0);
	ck_assert_uint_eq(f.fsr, FSR_WALK_EXTERNAL_L1);
	set_asid(0, L1_TABLE);
	/* A section onto device space and one past RAM: every access reaches
	 * the bus, none is cached as RAM. */
	map_l1(L1_TABLE, 0x00600000u, sect(0x10000000u, AP_ALL_RW, 0, 0));
	map_l1(L1_TABLE, 0x00700000u, sect(RAM_BASE + 0x10000000u, AP_ALL_RW, 0, 0));
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_uint_eq(rd(0x00609018u, 4, 0), 0xd0009018u);
		ck_assert_uint_eq(dev.pa, 0x10009018u);
		ck_assert_uint_eq(rd(0x00700040u, 4, 0), 0xd0000040u);
		ck_assert_uint_eq(dev.pa, RAM_BASE + 0x10000040u);
	}
	/* A section mapping the translation table itself: writes through it
	 * change the translation after maintenance, as on hardware. */
	map_l1(L1_TABLE, 0x00800000u, sect(L1_TABLE, AP_PRIV_RW, 0, 0));
	map_l1(L1_TABLE, 0x00900000u, sect(DATA, AP_ALL_RW, 0, 0));
	put(DATA + 0x100000u, 0x0badf00du);
	put(DATA, 0x600d600du);
	ck_assert_uint_eq(rd(0x00900000u, 4, 0), 0x600d600du);
	wr(0x00800000u + (0x009u << 2), 4, sect(DATA + 0x100000u, AP_ALL_RW, 0, 0), 0);
	mmu_flush_va(&cpu, 0x00900000u);
	ck_assert_uint_eq(rd(0x00900000u, 4, 0), 0x0badf00du);
}
END_TEST

static unsigned host_mappings(void)
{
	FILE *m = fopen("/proc/self/maps", "r");
	unsigned n = 0;
	int c;
	ck_assert_ptr_nonnull(m);
	while ((c = fgetc(m)) != EOF)
		n += c == '\n';
	fclose(m);
	return n;
}

/* One physical page aliased at 40,960 virtual addresses (two pages in
 * turn, so that no two neighbours merge): every alias reads what another
 * wrote, and the host's mapping count stays bounded. */
START_TEST(test_alias_storm)
{
	enum { PAGES = 40960, L2_BASE = RAM_BASE + 0x300000u, VA = 0x10000000u };
	for (uint32_t i = 0; i < PAGES; i++) {
		uint32_t va = VA + (i << 12);
		uint32_t l2 = L2_BASE + (i >> 8) * 0x400u;
		if (!(i & 0xffu))
			map_l1(L1_TABLE, va, table(l2, 0));
		map_l2(l2, va, small(DATA + ((i & 1u) << 13), AP_ALL_RW, 0));
	}
	put(DATA, 0);
	put(DATA + 0x2000u, 0);
	for (uint32_t i = 0; i < PAGES; i++) {
		uint32_t va = VA + (i << 12) + 4 * ((i >> 1) & 7u);
		uint32_t before = rd(va, 4, 0);
		wr(va, 4, before + 1, 0);
	}
	uint32_t per_page = PAGES / 2 / 8;
	for (unsigned k = 0; k < 8; k++) {
		ck_assert_uint_eq(get(DATA + 4 * k), per_page);
		ck_assert_uint_eq(get(DATA + 0x2000u + 4 * k), per_page);
	}
	/* Every alias sees the final values. */
	for (uint32_t i = 0; i < PAGES; i += 97)
		ck_assert_uint_eq(rd(VA + (i << 12), 4, MMU_USER), per_page);
	ck_assert_uint_lt(host_mappings(), 65530u / 2);
	/* hwmirror: 40,960 isolated pages pass its mapping budget, so the
	 * window was emptied and refilled on the way. */
	if (sh->stats.hwm_pages_mapped)
		ck_assert_uint_gt(sh->stats.hwm_views_evicted, 0);
	/* A code page among them: stores through any alias reach the exec. */
	mmu_code_page_added(DATA);
	wr(VA + (10u << 12), 4, 0x12345678u, 0);
	ck_assert_uint_eq(rd(VA + (20u << 12), 4, 0), 0x12345678u);
}
END_TEST

static Suite *mmu_suite(void)
{
	Suite *s = suite_create("mmu");
	TCase *tc = tcase_create("conformance");
	tcase_add_checked_fixture(tc, setup, teardown);
	/* hwmirror's alias storm takes ~82,000 host faults and mappings: ~2 s
	 * where one costs ~26 us (a nested host, README's probe table), past
	 * Check's default 4 s when the host is busy. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_flat_access);
	tcase_add_test(tc, test_mapped_access);
	tcase_add_test(tc, test_translation_fault);
	tcase_add_test(tc, test_remap_after_flush_va);
	tcase_add_test(tc, test_flush_va_drops_whole_section);
	tcase_add_test(tc, test_flush_va_keeps_other_asids_sections_flushable);
	tcase_add_test(tc, test_flush_va_drops_whole_large_page);
	tcase_add_test(tc, test_flush_va_drops_whole_supersection);
	tcase_add_test(tc, test_flush_va_drops_fetches_through_big_pages);
	tcase_add_test(tc, test_flush_va_drops_global_entries);
	tcase_add_test(tc, test_flush_asid);
	tcase_add_test(tc, test_flush_asid_around_global);
	tcase_add_test(tc, test_flush_all);
	tcase_add_test(tc, test_dacr_takes_effect_without_flush);
	tcase_add_test(tc, test_asid_switch);
	tcase_add_test(tc, test_recycled_window);
	tcase_add_test(tc, test_privilege);
	tcase_add_test(tc, test_cross_page_atomic);
	tcase_add_test(tc, test_device_page);
	tcase_add_test(tc, test_translate_fetch);
	tcase_add_test(tc, test_store_to_fetched_page);
	tcase_add_test(tc, test_code_page_removed);
	tcase_add_test(tc, test_probe);
	tcase_add_test(tc, test_mmu_enable_takes_effect);
	tcase_add_test(tc, test_access_flag);
	tcase_add_test(tc, test_translate);
	tcase_add_test(tc, test_stats);
	tcase_add_test(tc, test_wrap_at_4g);
	tcase_add_test(tc, test_hostile_tables);
	tcase_add_test(tc, test_alias_storm);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mmu_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
