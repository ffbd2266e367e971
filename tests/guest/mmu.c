/*
 * Short-descriptor MMU: sections, a coarse table with 4 KiB small pages and a
 * 64 KiB large page, remapping with TLBIMVA, ASID-tagged mappings switched
 * with CONTEXTIDR and flushed with TLBIASID, translation, permission and
 * domain faults, an execute-never prefetch abort, user-mode accesses,
 * unaligned accesses: within a page, across pages, across an unmapped page,
 * across the 2^32 wrap, and the ones that must fault (LDRD, SCTLR.A), and a
 * direct call into the next section followed through a remap, a second
 * address of the caller, the callee's domain made no-access and an ASID
 * switch (a JIT that chains such calls must notice each), and code rewritten
 * between indirect calls to it.
 *
 * Only architecturally defined outcomes are printed: every read after a
 * page-table change follows the TLB maintenance that makes it defined.
 */
#include "armv7_pt.h"
#include "rt.h"

#define DACR_CLIENT 1u
#define DACR_MANAGER 3u

/* Virtual addresses of the test mappings, all in the 1 MiB at TEST_VA. */
#define TEST_VA 0x80000000u
#define VA_PAGE_A (TEST_VA + 0x00000)
#define VA_PAGE_B (TEST_VA + 0x01000)
#define VA_LARGE (TEST_VA + 0x10000)
#define VA_RO (TEST_VA + 0x20000)
#define VA_XN (TEST_VA + 0x21000)
#define VA_PRIV (TEST_VA + 0x22000)
#define VA_UNMAPPED (TEST_VA + 0x23000)
#define VA_USER_RO (TEST_VA + 0x24000)
#define VA_EXEC (TEST_VA + 0x30000)
#define VA_EXEC2 (TEST_VA + 0x31000) /* the same code page again */
#define VA_ASID (TEST_VA + 0x40000)
/* A section in domain 1, and a section with no mapping at all. */
#define VA_DOMAIN1 0x90000000u
#define PA_DOMAIN1 0x60800000u
#define VA_NO_SECTION 0xA0000000u
/* Cross-page calls: a caller in the last page of a section (domain 0) whose
 * BL reaches the first page of the next section (domain 1), where a leaf
 * returns its number. The caller's section is mapped twice. */
#define VA_XCALL 0xB00FF000u
#define VA_XCALL2 0xC00FF000u
#define PA_XCALL 0x60900000u
#define PA_XLEAF(n) (0x60900000u + ((uint32_t)(n) << 20))

static uint32_t l1_a[4096] __attribute__((aligned(16384)));
static uint32_t l1_b[4096] __attribute__((aligned(16384)));
static uint32_t l2_test[256] __attribute__((aligned(1024)));
static uint32_t l2_alt[256] __attribute__((aligned(1024)));
static uint32_t l2_top[256] __attribute__((aligned(1024)));  /* VA 0xFFF00000 */
static uint32_t l2_zero[256] __attribute__((aligned(1024))); /* VA 0x00000000 */
static uint32_t page_a[1024] __attribute__((aligned(4096)));
static uint32_t page_b[1024] __attribute__((aligned(4096)));
static uint32_t page_c[1024] __attribute__((aligned(4096)));
static uint32_t page_code[1024] __attribute__((aligned(4096)));
static uint32_t page_late_code[1024] __attribute__((aligned(4096)));
static uint32_t large_buf[16384] __attribute__((aligned(65536)));

/* In mmu-asm.S. */
uint32_t mmu_call(uint32_t addr);
uint32_t mmu_call_ic(uint32_t addr);
uint32_t mmu_call_dual(uint32_t addr);
uint32_t mmu_user_access(uint32_t addr, uint32_t write);
uint32_t mmu_load_loop(uint32_t addr, uint32_t n, uint32_t init);
void mmu_store_loop(uint32_t addr, uint32_t v, uint32_t n);
extern const uint32_t mmu_call_recover[];
extern const uint32_t alias_code[], alias_ret[], alias_code_end[];
/* Where mmu.c puts alias_code in the code page. */
#define ALIAS_OFF 0x100u
/* Where mmu.c puts code that means one thing as A32 and another as T32. */
#define DUAL_OFF 0x800u

static volatile uint32_t dabt_count, pabt_count;

/* Fault status codes whose DFSR domain field the architecture defines. */
static int fs_has_domain(uint32_t fs)
{
	return fs == 0x7 || fs == 0x9 || fs == 0xB || fs == 0xD || fs == 0xF;
}

static void on_dabt(struct rt_frame *f)
{
	uint32_t dfsr, dfar, fs;

	__asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(dfsr));
	__asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(dfar));
	fs = (dfsr & 0xF) | ((dfsr >> 6) & 0x10);
	rt_printf("  data abort: DFSR fs=%02x wnr=%u", (unsigned int)fs,
		  (unsigned int)((dfsr >> 11) & 1));
	if (fs_has_domain(fs))
		rt_printf(" domain=%u", (unsigned int)((dfsr >> 4) & 0xF));
	rt_printf(" DFAR %08x from mode %02x\n", (unsigned int)dfar,
		  (unsigned int)(f->spsr & RT_PSR_MODE_MASK));
	dabt_count++;
	f->pc += 4;
}

static void on_pabt(struct rt_frame *f)
{
	uint32_t ifsr, ifar;

	__asm__ volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(ifsr));
	__asm__ volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(ifar));
	rt_printf("  prefetch abort: IFSR fs=%02x IFAR %08x pc %08x\n",
		  (unsigned int)((ifsr & 0xF) | ((ifsr >> 6) & 0x10)), (unsigned int)ifar,
		  (unsigned int)f->pc);
	pabt_count++;
	f->pc = (uint32_t)mmu_call_recover;
}

/* SVC #0 from mmu_user_access: back to SVC mode. */
static void on_svc(struct rt_frame *f)
{
	f->spsr = (f->spsr & ~RT_PSR_MODE_MASK) | RT_MODE_SVC | RT_PSR_I | RT_PSR_F;
	f->pc += 4;
}

static inline void barrier(void)
{
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

static void tlbiall(void)
{
	__asm__ volatile("mcr p15, 0, %0, c8, c7, 0" : : "r"(0) : "memory");
	barrier();
}

static void tlbimva(uint32_t va_asid)
{
	__asm__ volatile("mcr p15, 0, %0, c8, c7, 1" : : "r"(va_asid) : "memory");
	barrier();
}

static void tlbiasid(uint32_t asid)
{
	__asm__ volatile("mcr p15, 0, %0, c8, c7, 2" : : "r"(asid) : "memory");
	barrier();
}

static void set_dacr(uint32_t v)
{
	__asm__ volatile("mcr p15, 0, %0, c3, c0, 0\n\tisb" : : "r"(v) : "memory");
}

static void set_ttbr0(const uint32_t *l1)
{
	__asm__ volatile("mcr p15, 0, %0, c2, c0, 0\n\tisb" : : "r"(l1) : "memory");
}

static void set_contextidr(uint32_t v)
{
	__asm__ volatile("mcr p15, 0, %0, c13, c0, 1\n\tisb" : : "r"(v) : "memory");
}

/* Never inlined: each is one load or store instruction that many checks
 * go through (mmu_load_loop and mmu_store_loop, in loops, are the ones a
 * JIT keeps a translation in). */
static __attribute__((noinline)) uint32_t read32(uint32_t va)
{
	return *(volatile uint32_t *)va;
}

static __attribute__((noinline)) void write32(uint32_t va, uint32_t v)
{
	*(volatile uint32_t *)va = v;
}

/* Three loads of va by the one instruction of mmu_load_loop (the second
 * may be served from what the first left behind, the third from what the
 * second did): the last value, 0xBAD0BAD0 if all aborted. */
static uint32_t read32_3(uint32_t va)
{
	return mmu_load_loop(va, 3, 0xBAD0BAD0u);
}

/* A load that may abort: 0xDEAD if it did (the handler skips the load). */
static __attribute__((noinline)) uint32_t try_read(uint32_t va)
{
	uint32_t v = 0xDEAD;

	__asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(va) : "memory");
	return v;
}

static __attribute__((noinline)) void try_write(uint32_t va, uint32_t v)
{
	__asm__ volatile("str %0, [%1]" : : "r"(v), "r"(va) : "memory");
}

static uint32_t small_page(const void *pa, uint32_t ap, uint32_t extra)
{
	return ((uint32_t)pa & 0xFFFFF000u) | L2_SMALL | L2_B | L2_C | L2_AP(ap) | extra;
}

static void build_tables(void)
{
	uint32_t i;

	for (i = 0; i < 1024; i++) {
		page_a[i] = 0xAAAA0000u + i;
		page_b[i] = 0xBBBB0000u + i;
		page_c[i] = 0xCCCC0000u + i;
	}
	for (i = 0; i < 16384; i++)
		large_buf[i] = 0x1A000000u + i * 4;

	/* RAM identity-mapped with sections; devices identity-mapped, execute-never. */
	for (i = 0x600; i < 0x800; i++)
		l1_a[i] = (i << 20) | L1_SECTION | L1_B | L1_C | L1_AP(AP_FULL) | L1_DOMAIN(0);
	for (i = 0x100; i < 0x110; i++)
		l1_a[i] = (i << 20) | L1_SECTION | L1_B | L1_XN | L1_AP(AP_PRIV_RW) | L1_DOMAIN(0);
	l1_a[0x1E0] = 0x1E000000u | L1_SECTION | L1_B | L1_XN | L1_AP(AP_PRIV_RW) | L1_DOMAIN(0);

	l1_a[TEST_VA >> 20] = (uint32_t)l2_test | L1_COARSE | L1_DOMAIN(0);
	l2_test[(VA_PAGE_A >> 12) & 0xFF] = small_page(page_a, AP_FULL, 0);
	l2_test[(VA_PAGE_B >> 12) & 0xFF] = small_page(page_b, AP_FULL, 0);
	/* A large page is 16 identical entries. */
	for (i = 0; i < 16; i++)
		l2_test[((VA_LARGE >> 12) & 0xFF) + i] =
			((uint32_t)large_buf & 0xFFFF0000u) | L2_LARGE | L2_B | L2_C | L2_AP(AP_FULL);
	l2_test[(VA_RO >> 12) & 0xFF] = small_page(page_a, AP_PRIV_RO, 0);
	l2_test[(VA_XN >> 12) & 0xFF] = small_page(page_code, AP_FULL, L2_SMALL_XN);
	l2_test[(VA_PRIV >> 12) & 0xFF] = small_page(page_a, AP_PRIV_RW, 0);
	l2_test[(VA_USER_RO >> 12) & 0xFF] = small_page(page_b, AP_USER_RO, 0);
	l2_test[(VA_EXEC >> 12) & 0xFF] = small_page(page_code, AP_FULL, 0);
	l2_test[(VA_EXEC2 >> 12) & 0xFF] = small_page(page_code, AP_FULL, 0);
	l2_test[(VA_ASID >> 12) & 0xFF] = small_page(page_a, AP_FULL, L2_NG);

	/* The last page of the address space and the first, for the wrap. */
	l1_a[0xFFF] = (uint32_t)l2_top | L1_COARSE | L1_DOMAIN(0);
	l2_top[0xFF] = small_page(page_c, AP_FULL, 0);
	l1_a[0x000] = (uint32_t)l2_zero | L1_COARSE | L1_DOMAIN(0);
	l2_zero[0x00] = small_page(page_b, AP_FULL, 0);

	l1_a[VA_DOMAIN1 >> 20] = PA_DOMAIN1 | L1_SECTION | L1_B | L1_C | L1_AP(AP_PRIV_RO) | L1_DOMAIN(1);

	/* The second address space differs only in where VA_ASID and the
	 * cross-page callee point (l1_b is copied from l1_a below). */
	memcpy(l2_alt, l2_test, sizeof(l2_test));
	l2_alt[(VA_ASID >> 12) & 0xFF] = small_page(page_b, AP_FULL, L2_NG);

	/* A routine for the code pages: mov r0, #0x5A; bx lr. */
	page_code[0] = 0xE3A0005Au;
	page_code[1] = 0xE12FFF1Eu;
	memcpy((uint8_t *)page_code + ALIAS_OFF, alias_code,
	       (uint32_t)alias_code_end - (uint32_t)alias_code);
	/* At DUAL_OFF, code that returns 1 as A32 and 2 as T32: the A32 nop
	 * there reads as T32 "movs r0, r0; b.n DUAL_OFF + 0x346". */
	page_code[DUAL_OFF / 4] = 0xE1A00000u;     /* nop */
	page_code[DUAL_OFF / 4 + 1] = 0xE3A00001u; /* mov r0, #1 */
	page_code[DUAL_OFF / 4 + 2] = 0xE12FFF1Eu; /* bx lr */
	page_code[(DUAL_OFF + 0x344) / 4] = 0x2002BF00u; /* (nop) movs r0, #2 */
	page_code[(DUAL_OFF + 0x348) / 4] = 0xBF004770u; /* bx lr (nop) */
	/* Make the new code visible to instruction fetch. */
	for (i = 0; i < 1024; i += 8)
		__asm__ volatile("mcr p15, 0, %0, c7, c11, 1" : : "r"(&page_code[i]) : "memory");
	__asm__ volatile("dsb\n\t"
			 "mcr p15, 0, %0, c7, c5, 0\n\t"
			 "mcr p15, 0, %0, c7, c5, 6\n\t"
			 "dsb\n\tisb"
			 :
			 : "r"(0)
			 : "memory");

	*(volatile uint32_t *)(PA_DOMAIN1 + 0x10) = 0xD0D0D0D0u;

	/* Not global: the ASID switch below must be defined. */
	l1_a[VA_XCALL >> 20] = PA_XCALL | L1_SECTION | L1_C | L1_NG | L1_AP(AP_FULL) | L1_DOMAIN(0);
	l1_a[(VA_XCALL >> 20) + 1] = PA_XLEAF(1) | L1_SECTION | L1_C | L1_NG | L1_AP(AP_FULL) | L1_DOMAIN(1);
	l1_a[VA_XCALL2 >> 20] = PA_XCALL | L1_SECTION | L1_C | L1_NG | L1_AP(AP_FULL) | L1_DOMAIN(0);
	l1_a[(VA_XCALL2 >> 20) + 1] = PA_XLEAF(2) | L1_SECTION | L1_C | L1_NG | L1_AP(AP_FULL) | L1_DOMAIN(1);
	memcpy(l1_b, l1_a, sizeof(l1_a));
	l1_b[TEST_VA >> 20] = (uint32_t)l2_alt | L1_COARSE | L1_DOMAIN(0);
	l1_b[(VA_XCALL >> 20) + 1] = PA_XLEAF(4) | L1_SECTION | L1_C | L1_NG | L1_AP(AP_FULL) | L1_DOMAIN(1);
	static const uint32_t caller[] = {
		0xE92D4010u, /* push {r4, lr} */
		0xEB0003FDu, /* bl . + 0x1000 - 4: the next section's first word */
		0xE8BD8010u, /* pop {r4, pc} */
	};
	uint32_t *at = (uint32_t *)(PA_XCALL + (VA_XCALL & 0xFFFFFu));
	for (i = 0; i < 3; i++)
		at[i] = caller[i];
	for (i = 1; i <= 4; i++) {
		uint32_t *leaf = (uint32_t *)PA_XLEAF(i);
		leaf[0] = 0xE3A00000u | i; /* mov r0, #i */
		leaf[1] = 0xE12FFF1Eu;     /* bx lr */
		__asm__ volatile("mcr p15, 0, %0, c7, c11, 1" : : "r"(leaf) : "memory");
	}
	__asm__ volatile("mcr p15, 0, %0, c7, c11, 1\n\t"
			 "dsb\n\t"
			 "mcr p15, 0, %1, c7, c5, 0\n\t"
			 "mcr p15, 0, %1, c7, c5, 6\n\t"
			 "dsb\n\tisb"
			 :
			 : "r"(at), "r"(0)
			 : "memory");
}

static void mmu_enable(void)
{
	uint32_t sctlr;

	__asm__ volatile("mcr p15, 0, %0, c2, c0, 2" : : "r"(0)); /* TTBCR: TTBR0 only */
	set_ttbr0(l1_a);
	set_dacr(DACR_CLIENT);
	set_contextidr(1);
	tlbiall();
	__asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
	sctlr |= 1u;
	__asm__ volatile("mcr p15, 0, %0, c1, c0, 0\n\tisb" : : "r"(sctlr) : "memory");
}

static void mmu_disable(void)
{
	uint32_t sctlr;

	__asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
	sctlr &= ~1u;
	__asm__ volatile("mcr p15, 0, %0, c1, c0, 0\n\tisb" : : "r"(sctlr) : "memory");
	tlbiall();
}

static void test_mappings(void)
{
	uint32_t v;

	rt_puts("mappings:\n");
	rt_check("small page a", read32(VA_PAGE_A + 4), 0xAAAA0001);
	rt_check("small page b", read32(VA_PAGE_B + 0xFFC), 0xBBBB03FF);
	rt_check("large page start", read32(VA_LARGE), 0x1A000000);
	rt_check("large page end", read32(VA_LARGE + 0xFFFC), 0x1A00FFFC);
	rt_check("large page middle", read32(VA_LARGE + 0x9124), 0x1A009124);
	rt_check("read-only page readable", read32(VA_RO + 8), 0xAAAA0002);
	write32(VA_PAGE_B + 0x10, 0x600DF00D);
	rt_check("write via VA reaches PA", page_b[4], 0x600DF00D);
	page_b[4] = 0xBBBB0004u;
	v = mmu_call(VA_EXEC);
	rt_check("code runs from a mapped page", v, 0x5A);
	/* One physical code page at two addresses, each run twice. */
	uint32_t want = ((uint32_t)alias_ret - (uint32_t)alias_code) << 8 | 0x5Au << 16 | 1u << 24;
	rt_check("pc-relative values at the first alias", mmu_call(VA_EXEC + ALIAS_OFF), want);
	rt_check("pc-relative values at the second alias", mmu_call(VA_EXEC2 + ALIAS_OFF), want);
	rt_check("pc-relative values at the first alias again", mmu_call(VA_EXEC + ALIAS_OFF), want);
	rt_check("pc-relative values at the second alias again", mmu_call(VA_EXEC2 + ALIAS_OFF), want);
}

/* Make code written at at visible to instruction fetch at every address
 * (ARMv7's sequence for new code). */
static void sync_code(const uint32_t *at)
{
	__asm__ volatile("mcr p15, 0, %0, c7, c11, 1\n\t" /* DCCMVAU */
			 "dsb\n\t"
			 "mcr p15, 0, %1, c7, c5, 0\n\t" /* ICIALLU */
			 "mcr p15, 0, %1, c7, c5, 6\n\t" /* BPIALL */
			 "dsb\n\tisb"
			 :
			 : "r"(at), "r"(0)
			 : "memory");
}

/* Write one word of code through its identity mapping and sync it. */
static void write_code(uint32_t *at, uint32_t insn)
{
	*at = insn;
	sync_code(at);
}

/* Code reached by an indirect call, rewritten, reached again the same way,
 * and one address entered in both instruction sets: each call three times,
 * so a translating exec runs it from its caches before and after. */
static void test_code_rewrite(void)
{
	rt_puts("code rewritten between indirect calls:\n");
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("the routine as written", mmu_call(VA_EXEC), 0x5A);
	write_code(&page_code[0], 0xE3A0005Bu); /* mov r0, #0x5B */
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("the routine rewritten", mmu_call(VA_EXEC), 0x5B);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("the rewritten routine at its second address", mmu_call(VA_EXEC2), 0x5B);
	write_code(&page_code[0], 0xE3A0005Au); /* as it was */
	rt_check("the routine restored", mmu_call(VA_EXEC), 0x5A);
	/* One address entered as A32 and as T32 by the same indirect call. */
	for (unsigned round = 0; round < 2; round++) {
		for (unsigned pass = 0; pass < 3; pass++)
			rt_check("an address entered as A32", mmu_call_dual(VA_EXEC + DUAL_OFF), 1);
		for (unsigned pass = 0; pass < 3; pass++)
			rt_check("the same address entered as T32", mmu_call_dual((VA_EXEC + DUAL_OFF) | 1u), 2);
	}
}

/* A page that mmu_store_loop's store wrote as data becomes code, and the
 * same store rewrites it: the new instruction runs. */
static void test_late_code(void)
{
	const uint32_t at = (uint32_t)page_late_code;

	rt_puts("a page the same store wrote as data becomes code:\n");
	for (unsigned pass = 0; pass < 3; pass++)
		mmu_store_loop(at, 0xE3A00000u + pass, 2); /* mov r0, #pass */
	write32(at + 4, 0xE12FFF1Eu);		 /* bx lr */
	sync_code(page_late_code);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("the page run as code", mmu_call(at), 2);
	mmu_store_loop(at, 0xE3A00007u, 2); /* mov r0, #7 */
	sync_code(page_late_code);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("rewritten by the store that wrote it as data", mmu_call(at), 7);
}

static void test_remap(void)
{
	rt_puts("remap:\n");
	rt_check("before remap", read32_3(VA_PAGE_A), 0xAAAA0000);
	l2_test[(VA_PAGE_A >> 12) & 0xFF] = small_page(page_c, AP_FULL, 0);
	barrier();
	tlbimva(VA_PAGE_A);
	rt_check("after remap + TLBIMVA", read32_3(VA_PAGE_A), 0xCCCC0000);
	l2_test[(VA_PAGE_A >> 12) & 0xFF] = small_page(page_a, AP_FULL, 0);
	barrier();
	tlbiall();
	rt_check("after restore + TLBIALL", read32_3(VA_PAGE_A), 0xAAAA0000);
}

static void test_asid(void)
{
	uint32_t v;

	rt_puts("asid:\n");
	rt_check("asid 1 sees page a", read32_3(VA_ASID), 0xAAAA0000);
	set_contextidr(2);
	set_ttbr0(l1_b);
	rt_check("asid 2 sees page b", read32_3(VA_ASID), 0xBBBB0000);
	set_contextidr(1);
	set_ttbr0(l1_a);
	rt_check("back to asid 1", read32_3(VA_ASID), 0xAAAA0000);
	l2_test[(VA_ASID >> 12) & 0xFF] = small_page(page_c, AP_FULL, L2_NG);
	barrier();
	tlbiasid(1);
	rt_check("asid 1 after TLBIASID", read32_3(VA_ASID), 0xCCCC0000);
	set_contextidr(2);
	set_ttbr0(l1_b);
	rt_check("asid 2 unchanged", read32_3(VA_ASID), 0xBBBB0000);
	set_contextidr(1);
	set_ttbr0(l1_a);
	__asm__ volatile("mrc p15, 0, %0, c13, c0, 1" : "=r"(v));
	rt_check("contextidr", v, 1);
	__asm__ volatile("mrc p15, 0, %0, c2, c0, 0" : "=r"(v));
	rt_check("ttbr0 is table a", v, (uint32_t)l1_a);
}

static void test_faults(void)
{
	uint32_t v, before;

	rt_puts("faults:\n");
	before = dabt_count;
	v = try_read(VA_UNMAPPED + 0x20);
	rt_check("page translation fault", v, 0xDEAD);
	try_write(VA_NO_SECTION + 4, 1);
	try_write(VA_RO + 8, 1);
	rt_check("read-only page unchanged", page_a[2], 0xAAAA0002);
	rt_check("translation and permission aborts", dabt_count - before, 3);

	rt_puts("domains:\n");
	before = dabt_count;
	v = try_read(VA_DOMAIN1 + 0x10);
	rt_check("no-access domain faults", v, 0xDEAD);
	set_dacr(DACR_CLIENT | (DACR_CLIENT << 2));
	rt_check("client domain reads", try_read(VA_DOMAIN1 + 0x10), 0xD0D0D0D0);
	try_write(VA_DOMAIN1 + 0x10, 0x12345678);
	set_dacr(DACR_CLIENT | (DACR_MANAGER << 2));
	try_write(VA_DOMAIN1 + 0x10, 0x12345678);
	rt_check("manager domain ignores AP", try_read(VA_DOMAIN1 + 0x10), 0x12345678);
	set_dacr(DACR_CLIENT);
	rt_check("domain aborts", dabt_count - before, 2);
	/* The same loop's load before and after its domain closes. */
	set_dacr(DACR_CLIENT | (DACR_CLIENT << 2));
	rt_check("a loop's loads in a client domain", mmu_load_loop(VA_DOMAIN1 + 0x10, 3, 0xDEAD),
		 0x12345678);
	before = dabt_count;
	set_dacr(DACR_CLIENT);
	rt_check("the same loads once it is no-access", mmu_load_loop(VA_DOMAIN1 + 0x10, 3, 0xDEAD),
		 0xDEAD);
	rt_check("each of them aborts", dabt_count - before, 3);

	rt_puts("execute-never:\n");
	before = pabt_count;
	v = mmu_call(VA_XN);
	rt_check("call into XN page", v, 0xFA17);
	v = mmu_call(VA_UNMAPPED);
	rt_check("call into unmapped page", v, 0xFA17);
	rt_check("prefetch aborts", pabt_count - before, 2);
}

/* Each call is made three times: a translating exec links the call on an
 * early one and must still follow every change. */
static void test_cross_page(void)
{
	const uint32_t both = DACR_CLIENT | (DACR_CLIENT << 2);
	uint32_t before;

	rt_puts("cross-page calls:\n");
	set_dacr(both);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("call into the next section", mmu_call(VA_XCALL), 1);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("indirect call of the callee", mmu_call_ic(VA_XCALL + 0x1000u), 1);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("the caller at its second address", mmu_call(VA_XCALL2), 2);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("the first address again", mmu_call(VA_XCALL), 1);
	l1_a[(VA_XCALL >> 20) + 1] = PA_XLEAF(3) | L1_SECTION | L1_C | L1_NG | L1_AP(AP_FULL) | L1_DOMAIN(1);
	barrier();
	tlbimva((VA_XCALL + 0x1000u) | 1u);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("callee remapped + TLBIMVA", mmu_call(VA_XCALL), 3);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("indirect call of the remapped callee", mmu_call_ic(VA_XCALL + 0x1000u), 3);
	before = pabt_count;
	set_dacr(DACR_CLIENT);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("callee's domain no-access", mmu_call(VA_XCALL), 0xFA17);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("indirect call into the no-access domain", mmu_call_ic(VA_XCALL + 0x1000u), 0xFA17);
	rt_check("prefetch aborts", pabt_count - before, 6);
	set_dacr(both);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("callee's domain client again", mmu_call(VA_XCALL), 3);
	set_contextidr(2);
	set_ttbr0(l1_b);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("asid 2's callee", mmu_call(VA_XCALL), 4);
	set_contextidr(1);
	set_ttbr0(l1_a);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("asid 1's callee again", mmu_call(VA_XCALL), 3);

	/* asid 1's callee remapped while asid 2 runs (calling nothing there,
	 * so no cache entry of asid 1's is replaced), its TLBIMVA naming
	 * asid 1: back in asid 1, the new callee (what was cached for asid 1
	 * must not come back with it). */
	set_contextidr(2);
	set_ttbr0(l1_b);
	l1_a[(VA_XCALL >> 20) + 1] = PA_XLEAF(2) | L1_SECTION | L1_C | L1_NG | L1_AP(AP_FULL) | L1_DOMAIN(1);
	barrier();
	tlbimva((VA_XCALL + 0x1000u) | 1u);
	set_contextidr(1);
	set_ttbr0(l1_a);
	for (unsigned pass = 0; pass < 3; pass++) {
		rt_check("asid 1's callee remapped from asid 2", mmu_call(VA_XCALL), 2);
		rt_check("asid 1's callee remapped from asid 2, indirect",
			 mmu_call_ic(VA_XCALL + 0x1000u), 2);
	}

	/* A global callee, the same in both tables: its translation outlives
	 * the context switch, and a TLBIMVA under the other ASID reaches it. */
	l1_a[(VA_XCALL >> 20) + 1] = PA_XLEAF(1) | L1_SECTION | L1_C | L1_AP(AP_FULL) | L1_DOMAIN(1);
	l1_b[(VA_XCALL >> 20) + 1] = l1_a[(VA_XCALL >> 20) + 1];
	barrier();
	tlbimva((VA_XCALL + 0x1000u) | 1u);
	for (unsigned pass = 0; pass < 3; pass++) {
		rt_check("global callee", mmu_call(VA_XCALL), 1);
		rt_check("global callee, indirect", mmu_call_ic(VA_XCALL + 0x1000u), 1);
	}
	set_contextidr(2);
	set_ttbr0(l1_b);
	for (unsigned pass = 0; pass < 3; pass++) {
		rt_check("global callee, asid 2", mmu_call(VA_XCALL), 1);
		rt_check("global callee, asid 2, indirect", mmu_call_ic(VA_XCALL + 0x1000u), 1);
	}
	l1_a[(VA_XCALL >> 20) + 1] = PA_XLEAF(2) | L1_SECTION | L1_C | L1_AP(AP_FULL) | L1_DOMAIN(1);
	l1_b[(VA_XCALL >> 20) + 1] = l1_a[(VA_XCALL >> 20) + 1];
	barrier();
	tlbimva((VA_XCALL + 0x1000u) | 2u);
	for (unsigned pass = 0; pass < 3; pass++)
		rt_check("global callee remapped under asid 2", mmu_call(VA_XCALL), 2);
	set_contextidr(1);
	set_ttbr0(l1_a);
	for (unsigned pass = 0; pass < 3; pass++) {
		rt_check("remapped global callee, asid 1", mmu_call(VA_XCALL), 2);
		rt_check("remapped global callee, asid 1, indirect", mmu_call_ic(VA_XCALL + 0x1000u), 2);
	}
	set_dacr(DACR_CLIENT);
}

static void test_user(void)
{
	uint32_t before = dabt_count, v;

	rt_puts("user mode:\n");
	rt_check("user reads full-access page", mmu_user_access(VA_PAGE_A + 12, 0), 0xAAAA0003);
	rt_check("user reads privileged page", mmu_user_access(VA_PRIV, 0), 0xDEAD);
	rt_check("user reads user-ro page", mmu_user_access(VA_USER_RO, 0), 0xBBBB0000);
	mmu_user_access(VA_USER_RO, 1);
	rt_check("user-ro page unchanged", page_b[0], 0xBBBB0000);
	rt_check("user aborts", dabt_count - before, 2);

	/* LDRT/STRT: privileged code making user-permission accesses. */
	before = dabt_count;
	v = 0xDEAD;
	__asm__ volatile("ldrt %0, [%1]" : "+r"(v) : "r"(VA_PRIV) : "memory");
	rt_check("ldrt of privileged page", v, 0xDEAD);
	v = 0xDEAD;
	__asm__ volatile("ldrt %0, [%1]" : "+r"(v) : "r"(VA_PAGE_B + 8) : "memory");
	rt_check("ldrt of full-access page", v, 0xBBBB0002);
	__asm__ volatile("strt %0, [%1]" : : "r"(0x77), "r"(VA_USER_RO) : "memory");
	rt_check("ldrt/strt aborts", dabt_count - before, 2);
	rt_check("user-ro page unchanged after strt", try_read(VA_USER_RO), 0xBBBB0000);
}

static uint32_t ldr_unaligned(uint32_t va)
{
	uint32_t v = 0xDEAD;

	__asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(va) : "memory");
	return v;
}

static uint32_t ldrh_unaligned(uint32_t va)
{
	uint32_t v = 0xDEAD;

	__asm__ volatile("ldrh %0, [%1]" : "+r"(v) : "r"(va) : "memory");
	return v;
}

static void set_sctlr_a(uint32_t on)
{
	uint32_t sctlr;

	__asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
	sctlr = on ? sctlr | 2u : sctlr & ~2u;
	__asm__ volatile("mcr p15, 0, %0, c1, c0, 0\n\tisb" : : "r"(sctlr) : "memory");
}

/* Each case runs three times, so a translating exec also runs it from its
 * translation after the first pass has mapped what it needs. */
static void test_unaligned(void)
{
	uint32_t before = dabt_count;

	rt_puts("unaligned accesses:\n");
	for (unsigned pass = 0; pass < 3; pass++) {
		rt_check("ldr within a page", ldr_unaligned(VA_PAGE_A + 0x101),
			 (0xAAAA0040u >> 8) | (0xAAAA0041u << 24));
		rt_check("ldr across two mapped pages", ldr_unaligned(VA_PAGE_B - 2),
			 (0xAAAA03FFu >> 16) | (0xBBBB0000u << 16));
		rt_check("ldr at the top of memory", read32(0xFFFFFFFCu), 0xCCCC03FFu);
		rt_check("ldr across the 2^32 wrap", ldr_unaligned(0xFFFFFFFEu),
			 (0xCCCC03FFu >> 16) | (0xBBBB0000u << 16));
		rt_check("ldrh across the 2^32 wrap", ldrh_unaligned(0xFFFFFFFFu),
			 (0xCCCC03FFu >> 24) | ((0xBBBB0000u & 0xFFu) << 8));
	}
	/* A store across the wrap changes both pages; one into an unmapped
	 * page aborts and writes nothing. */
	__asm__ volatile("str %0, [%1]" : : "r"(0xA4A3A2A1u), "r"(0xFFFFFFFDu) : "memory");
	rt_check("str across the wrap, last page", page_c[1023], 0xA3A2A1FFu);
	rt_check("str across the wrap, first page", page_b[0], 0xBBBB00A4u);
	page_c[1023] = 0xCCCC03FFu;
	page_b[0] = 0xBBBB0000u;
	for (unsigned pass = 0; pass < 3; pass++) {
		try_write(VA_UNMAPPED - 2, 0x12345678u);
		rt_check("str into an unmapped page wrote nothing", page_a[1023], 0xAAAA03FFu);
	}
	/* LDRD needs word alignment whatever SCTLR.A says. */
	for (unsigned pass = 0; pass < 3; pass++) {
		register uint32_t lo __asm__("r2") = 0xDEAD;
		register uint32_t hi __asm__("r3") = 0xDEAD;
		__asm__ volatile("ldrd %0, %1, [%2]"
				 : "+r"(lo), "+r"(hi)
				 : "r"(VA_PAGE_A + 2)
				 : "memory");
		rt_check("ldrd at a halfword boundary", lo + hi, 2 * 0xDEAD);
	}
	/* SCTLR.A: every unaligned access faults; a byte access never does. */
	set_sctlr_a(1);
	for (unsigned pass = 0; pass < 3; pass++) {
		rt_check("ldr with SCTLR.A", ldr_unaligned(VA_PAGE_A + 0x101), 0xDEAD);
		rt_check("ldrh with SCTLR.A", ldrh_unaligned(VA_PAGE_A + 0x101), 0xDEAD);
		rt_check("aligned ldr with SCTLR.A", ldr_unaligned(VA_PAGE_A + 0x100), 0xAAAA0040u);
	}
	set_sctlr_a(0);
	rt_check("unaligned ldr again without SCTLR.A", ldr_unaligned(VA_PAGE_A + 0x102),
		 (0xAAAA0040u >> 16) | (0xAAAA0041u << 16));
	rt_check("unaligned aborts", dabt_count - before, 12);
}

int main(void)
{
	uint32_t sctlr;

	rt_puts("mmu: short-descriptor translation\n");
	rt_set_handler(RT_EXC_DABT, on_dabt);
	rt_set_handler(RT_EXC_PABT, on_pabt);
	rt_set_handler(RT_EXC_SVC, on_svc);
	build_tables();
	mmu_enable();
	__asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
	rt_check("SCTLR.M", sctlr & 1u, 1);
	test_mappings();
	test_code_rewrite();
	test_late_code();
	test_remap();
	test_asid();
	test_faults();
	test_cross_page();
	test_user();
	test_unaligned();
	mmu_disable();
	__asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
	rt_check("SCTLR.M after disable", sctlr & 1u, 0);
	rt_printf("mmu: %u failures\n", rt_failures);
	return 0;
}
