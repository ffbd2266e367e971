/*
 * mmu-softtlb, engine half: a direct-mapped software TLB in front of the
 * shared page-table walker (arm/ptw.h), as QEMU does it but with ARM's
 * semantics kept in the entries.
 *
 * An entry caches one 4 KiB guest page (larger mappings are cached as their
 * 4 KiB pieces) and serves both privilege levels. For each access flags value
 * (kind | MMU_USER) it holds a quick tag: the lookup key on which the fast path
 * may serve that access, or STLB_TAG_INVALID. The key is
 *   page of the access's last byte (va + size - 1) | ASID << 4
 * so a hit is one compare (page-crossing accesses, whose last byte lies in a
 * page of another index, and other ASIDs never match), then one DACR test,
 * then an add; an unaligned access within a page hits (alignment faults are
 * the caller's: a JIT that must raise them puts va's low bits in its key,
 * which the tags never have). A tag is valid only when a client domain
 * allows the access and the page is RAM, and for writes when the page holds no
 * code; everything else (device pages, manager domains, code pages, global
 * entries filled under another ASID, page-crossing accesses) goes to the slow
 * path, which re-checks the entry without walking.
 *
 * DACR is tested on every hit and never flushes anything: the entry's dmask
 * is the DACR bit that is set for client and manager domains (bit 0 of the
 * domain's field); a no-access domain fails the fast path, and the slow path
 * reports the domain fault. The hit tests a copy kept by mmu_dacr_changed()
 * with bit 32 set, which flat (MMU off) entries use, so they hit whatever
 * DACR holds (one 64-bit load and AND in translated code).
 *
 * Code pages: a page becomes a code page here the first time it is fetched
 * from (mmu_translate_fetch, or mmu_read with MMU_FETCH); from then on no
 * entry for it has a write tag, so every store to it takes the slow path,
 * which calls exec_invalidate_range() when exec_page_has_code() says so. Fetch
 * tags exist only on code pages. The mark goes when the exec says the page's
 * last translation went (mmu_code_page_removed: Linux reuses page frames of
 * freed code for data, and every store to such a page took the slow path for
 * good before); entries keep their withdrawn write tags until a store reaches
 * the slow path through them, which rebuilds them. The exec strategy must not
 * decode from a page whose host pointer it did not get from this MMU's fetch
 * paths.
 *
 * The generation (stlb.gen, struct mmu_jit_tlb) grows at every TLB
 * maintenance operation, ASID or DACR change and code page marked, so that a
 * JIT may keep the translation of a hit per access site while it stays.
 *
 * One guest CPU: the TLB is a single static table.
 */
#include <errno.h>

#include "engine/engine.h"
#include "engine/exec.h"
#include "engine/io.h"
#include "engine/mmu.h"
#include "engine/rt.h"
#include "arm/cpu.h"
#include "arm/ptw.h"

/* 4096 entries: 16 MiB of reach for 256 KiB of table. Only valid entries
 * are touched by a full flush, and a miss costs one walk (~100 ns). */
#define STLB_BITS 12
#define STLB_SIZE (1u << STLB_BITS)
#define STLB_PAGE_SHIFT 12
#define STLB_PAGE_SIZE (1u << STLB_PAGE_SHIFT)
#define STLB_PAGE_MASK (~(STLB_PAGE_SIZE - 1u))
#define STLB_ASID_MASK 0xffu
#define STLB_ASID_SHIFT 4
#define STLB_TAG_INVALID 0x8u /* below the ASID, above the misalignment bits */
#define STLB_DMASK_FLAT (1ull << 32)

/* The code-page bitmap covers the largest RAM the board has (1 GiB). */
#define STLB_MAX_RAM (1ull << 30)
#define STLB_CODE_WORDS (STLB_MAX_RAM >> STLB_PAGE_SHIFT >> 6)

/* stlb_entry.flags */
#define STLB_VALID 1u
#define STLB_GLOBAL 2u
#define STLB_RAM 4u

struct stlb_entry {
	uint32_t tag[8];    /* by access flags (kind | MMU_USER); kind 3 never valid */
	uint64_t dmask;	    /* DACR bit that must be set, or STLB_DMASK_FLAT */
	uintptr_t addend;   /* RAM pages: engine pointer = addend + va */
	gpa_t pa;	    /* guest physical page */
	uint32_t vpage;	    /* va page | ASID the tags were built for */
	uint8_t perms;	    /* PTW_PERM bits a client domain grants */
	uint8_t dom_level;  /* domain | ptw_level << 4 */
	uint8_t flags;	    /* STLB_* */
	uint8_t size_log2;  /* size of the mapping this page is a piece of */
};

_Static_assert(sizeof(struct stlb_entry) == 64, "one TLB entry per cache line");

static struct {
	struct stlb_entry e[STLB_SIZE] __attribute__((aligned(64)));
	uint32_t asid;
	uint32_t asid_key;    /* asid << STLB_ASID_SHIFT, or'ed into every key */
	uint64_t dacr;	      /* DACR | STLB_DMASK_FLAT, tested against dmask */
	uint64_t gen;	      /* generation << 32 (struct mmu_jit_tlb) */
	uint32_t sctlr_mode;  /* SCTLR bits whose change invalidates every entry */
	uint32_t ttbcr;	      /* likewise */
	uint32_t large;	      /* bit n: pieces of a 2^n-byte mapping may be cached */
	/* bit n: slot n may hold a piece of a larger mapping (stlb_flush_va) */
	uint64_t large_slots[STLB_SIZE / 64];
	/* bit n: pieces of the 2^k-byte mapping at n << k may be cached, for
	 * the large page (k = 16), section (20) and supersection (24) sizes */
	uint64_t regions16[(1u << 16) / 64], regions20[(1u << 12) / 64], regions24[(1u << 8) / 64];
	unsigned fetch_span;  /* mmu_fetch_span_log2() */
	bool fetch_global;    /* mmu_fetch_global() */
	uint64_t code[STLB_CODE_WORDS];
} stlb;

static uint64_t *stlb_regions(unsigned log2)
{
	return log2 == 16 ? stlb.regions16 : log2 == 20 ? stlb.regions20 : stlb.regions24;
}

/* No piece of a larger mapping is cached (the TLB was emptied). */
static void stlb_forget_large(void)
{
	/* Only what was set: a TLBIALL loop paid ~2 us per flush to clear the
	 * 9 KiB of all of them. */
	if (!stlb.large)
		return;
	memset(stlb.large_slots, 0, sizeof(stlb.large_slots));
	if (stlb.large & (1u << 16))
		memset(stlb.regions16, 0, sizeof(stlb.regions16));
	if (stlb.large & (1u << 20))
		memset(stlb.regions20, 0, sizeof(stlb.regions20));
	if (stlb.large & (1u << 24))
		memset(stlb.regions24, 0, sizeof(stlb.regions24));
	stlb.large = 0;
}

static inline struct stlb_entry *stlb_slot(gva_t va)
{
	return &stlb.e[(va >> STLB_PAGE_SHIFT) & (STLB_SIZE - 1u)];
}

/* The fast-path test: quick tag, then the entry's domain in the live DACR. */
static inline bool stlb_fast(const struct arm_cpu *cpu, const struct stlb_entry *e, gva_t va,
			     unsigned size, unsigned flags)
{
	uint32_t key = ((va + size - 1u) & STLB_PAGE_MASK) | stlb.asid_key;
	(void)cpu;
	return __builtin_expect(e->tag[flags & 7u] == key, 1) &&
	       __builtin_expect((stlb.dacr & e->dmask) != 0, 1);
}

static inline void stlb_count_hit(void)
{
	eng.sh->stats.tlb_hits++;
}

static inline uint32_t stlb_load(uintptr_t host, unsigned size)
{
	switch (size) {
	case 1:
		return *(const uint8_t *)host;
	case 2: {
		uint16_t v;
		__builtin_memcpy(&v, (const void *)host, 2);
		return v;
	}
	default: {
		uint32_t v;
		__builtin_memcpy(&v, (const void *)host, 4);
		return v;
	}
	}
}

static inline void stlb_store(uintptr_t host, unsigned size, uint32_t val)
{
	switch (size) {
	case 1:
		*(uint8_t *)host = (uint8_t)val;
		break;
	case 2: {
		uint16_t v = (uint16_t)val;
		__builtin_memcpy((void *)host, &v, 2);
		break;
	}
	default:
		__builtin_memcpy((void *)host, &val, 4);
		break;
	}
}

static inline uint64_t stlb_code_index(gpa_t pa)
{
	return (pa - eng.ram_base) >> STLB_PAGE_SHIFT;
}

/* pa must be RAM. */
static bool stlb_is_code(gpa_t pa)
{
	uint64_t i = stlb_code_index(pa);
	return (stlb.code[i >> 6] >> (i & 63u)) & 1u;
}

/* A translation the fast path served may no longer hold (mmu.h). */
static inline void stlb_new_generation(void)
{
	stlb.gen += 1ull << 32;
	if (!stlb.gen)
		stlb.gen = 1ull << 32;
}

static void stlb_invalidate(struct stlb_entry *e)
{
	for (unsigned i = 0; i < 8; i++)
		e->tag[i] = STLB_TAG_INVALID;
	e->flags = 0;
}

/* Rebuild every quick tag of a valid entry for the current ASID. */
static void stlb_set_tags(struct stlb_entry *e)
{
	uint32_t page = e->vpage & STLB_PAGE_MASK;
	uint32_t key = page | stlb.asid_key;
	e->vpage = page | stlb.asid;

	bool ram = e->flags & STLB_RAM;
	bool code = ram && stlb_is_code(e->pa);
	for (unsigned f = 0; f < 8; f++) {
		unsigned kind = f & MMU_KIND_MASK;
		bool ok = ram && (e->perms & PTW_PERM(f));
		if (kind == MMU_WRITE)
			ok = ok && !code;
		else if (kind == MMU_FETCH)
			ok = ok && code;
		else if (kind != MMU_READ)
			ok = false;
		e->tag[f] = ok ? key : STLB_TAG_INVALID;
	}
}

/* First fetch from a RAM page: from now on stores to it must see the exec
 * strategy, so withdraw every write tag that reaches it through any alias. */
static void stlb_mark_code(gpa_t pa)
{
	uint64_t i = stlb_code_index(pa);
	stlb.code[i >> 6] |= 1ull << (i & 63u);
	stlb_new_generation();
	for (unsigned n = 0; n < STLB_SIZE; n++) {
		struct stlb_entry *e = &stlb.e[n];
		if ((e->flags & STLB_VALID) && (e->flags & STLB_RAM) && e->pa == pa) {
			e->tag[MMU_WRITE] = STLB_TAG_INVALID;
			e->tag[MMU_WRITE | MMU_USER] = STLB_TAG_INVALID;
		}
	}
}

void mmu_code_page_added(gpa_t pa)
{
	if (engine_pa_is_ram(pa) && !stlb_is_code(pa & ~(gpa_t)(STLB_PAGE_SIZE - 1u)))
		stlb_mark_code(pa & ~(gpa_t)(STLB_PAGE_SIZE - 1u));
}

void mmu_code_page_removed(gpa_t pa)
{
	if (!engine_pa_is_ram(pa))
		return;
	uint64_t i = stlb_code_index(pa);
	stlb.code[i >> 6] &= ~(1ull << (i & 63u));
}

/* True when e holds a translation of va usable under the current ASID. */
static bool stlb_match(const struct stlb_entry *e, gva_t va)
{
	if (!(e->flags & STLB_VALID) || ((e->vpage ^ va) & STLB_PAGE_MASK))
		return false;
	return (e->flags & STLB_GLOBAL) || (e->vpage & STLB_ASID_MASK) == stlb.asid;
}

static bool stlb_page_is_ram(gpa_t page)
{
	return engine_pa_is_ram(page) && engine_pa_is_ram(page + STLB_PAGE_SIZE - 1u);
}

static int stlb_fill(struct arm_cpu *cpu, struct stlb_entry *e, gva_t va, unsigned flags,
		     struct arm_fault *fault)
{
	struct ptw_result r;
	eng.sh->stats.tlb_misses++;
	int rc = ptw_walk(&cpu->cp15, va, flags, &r, fault);
	if (rc)
		return rc;

	gpa_t page = r.pa & ~(gpa_t)(STLB_PAGE_SIZE - 1u);
	bool ram = stlb_page_is_ram(page);
	e->pa = page;
	e->vpage = va & STLB_PAGE_MASK;
	e->perms = r.perms;
	e->dom_level = (uint8_t)(r.domain | r.level << 4);
	e->size_log2 = r.size_log2;
	e->flags = STLB_VALID | (r.global ? STLB_GLOBAL : 0u) | (ram ? STLB_RAM : 0u);
	e->dmask = r.level == PTW_FLAT ? STLB_DMASK_FLAT : 1ull << (2u * r.domain);
	e->addend = ram ? (uintptr_t)engine_ram_ptr(page) - (uintptr_t)(va & STLB_PAGE_MASK) : 0;
	unsigned n = (unsigned)(e - stlb.e);
	if (r.size_log2 > STLB_PAGE_SHIFT) {
		uint32_t region = va >> r.size_log2;
		stlb.large |= 1u << r.size_log2;
		stlb.large_slots[n / 64] |= 1ull << (n % 64);
		stlb_regions(r.size_log2)[region / 64] |= 1ull << (region % 64);
	} else {
		stlb.large_slots[n / 64] &= ~(1ull << (n % 64));
	}
	stlb_set_tags(e);
	return 0;
}

/*
 * Find or fill the entry for va (which must not cross a page for this
 * access) and check the access against the live DACR. On success *out is the
 * entry; the caller performs the access.
 */
static int stlb_resolve(struct arm_cpu *cpu, gva_t va, unsigned flags, struct stlb_entry **out,
			struct arm_fault *fault)
{
	struct stlb_entry *e = stlb_slot(va);
	if (stlb_match(e, va)) {
		stlb_count_hit();
		/* A global entry last tagged under another ASID; or one whose
		 * write tags went with code its page no longer holds. */
		if ((e->vpage & STLB_ASID_MASK) != stlb.asid ||
		    ((flags & MMU_KIND_MASK) == MMU_WRITE && e->tag[flags & 7u] == STLB_TAG_INVALID &&
		     (e->flags & STLB_RAM) && !stlb_is_code(e->pa)))
			stlb_set_tags(e);
	} else {
		int rc = stlb_fill(cpu, e, va, flags, fault);
		if (rc)
			return rc;
	}

	struct ptw_result r = {
		.level = e->dom_level >> 4,
		.domain = e->dom_level & 0xfu,
		.perms = e->perms,
	};
	int rc = ptw_check(&r, cpu->cp15.dacr, va, flags, fault);
	if (rc)
		return rc;
	if ((flags & MMU_KIND_MASK) == MMU_FETCH && (e->flags & STLB_RAM) && !stlb_is_code(e->pa)) {
		stlb_mark_code(e->pa);
		stlb_set_tags(e);
	}
	*out = e;
	return 0;
}

/* A store of len bytes at pa, within one page. */
static void stlb_after_store(gpa_t pa, unsigned len)
{
	if (stlb_is_code(pa) && exec_page_has_code(pa))
		exec_invalidate_range(pa, len);
}

/* One byte of a page-crossing access through an already resolved entry. */
static int stlb_byte(const struct stlb_entry *e, gva_t va, uint8_t *b, bool write,
		     unsigned flags, struct arm_fault *fault)
{
	if (e->flags & STLB_RAM) {
		uint8_t *p = (uint8_t *)(e->addend + va);
		if (write)
			*p = *b;
		else
			*b = *p;
		return 0;
	}
	uint32_t v = *b;
	int rc = ptw_device_access(e->pa | (va & ~STLB_PAGE_MASK), 1, &v, write, va, flags, fault);
	*b = (uint8_t)v;
	return rc;
}

/*
 * An access crossing into the next page: both pages are resolved (and so
 * checked) before any byte moves, so a fault in either leaves memory as it
 * was. The second page's fault reports its first byte, as QEMU does.
 */
static int stlb_split(struct arm_cpu *cpu, gva_t va, unsigned size, uint32_t *val, bool write,
		      unsigned flags, struct arm_fault *fault)
{
	unsigned first = STLB_PAGE_SIZE - (va & ~STLB_PAGE_MASK);
	gva_t va2 = va + first;
	struct stlb_entry *e1, *e2;
	int rc = stlb_resolve(cpu, va, flags, &e1, fault);
	if (rc)
		return rc;
	rc = stlb_resolve(cpu, va2, flags, &e2, fault);
	if (rc)
		return rc;

	uint32_t v = write ? *val : 0;
	for (unsigned i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(v >> (8 * i));
		rc = stlb_byte(i < first ? e1 : e2, va + i, &b, write, flags, fault);
		if (rc)
			return rc;
		if (!write)
			v |= (uint32_t)b << (8 * i);
	}
	if (write) {
		if (e1->flags & STLB_RAM)
			stlb_after_store(e1->pa | (va & ~STLB_PAGE_MASK), first);
		if (e2->flags & STLB_RAM)
			stlb_after_store(e2->pa, size - first);
	} else {
		*val = v;
	}
	return 0;
}

static inline bool stlb_crosses(gva_t va, unsigned size)
{
	return (va & ~STLB_PAGE_MASK) + size > STLB_PAGE_SIZE;
}

static __attribute__((noinline)) int stlb_read_slow(struct arm_cpu *cpu, gva_t va, unsigned size,
						    uint32_t *val, unsigned flags,
						    struct arm_fault *fault)
{
	if (stlb_crosses(va, size))
		return stlb_split(cpu, va, size, val, false, flags, fault);
	struct stlb_entry *e;
	int rc = stlb_resolve(cpu, va, flags, &e, fault);
	if (rc)
		return rc;
	if (e->flags & STLB_RAM) {
		*val = stlb_load(e->addend + va, size);
		return 0;
	}
	return ptw_device_access(e->pa | (va & ~STLB_PAGE_MASK), size, val, false, va, flags, fault);
}

static __attribute__((noinline)) int stlb_write_slow(struct arm_cpu *cpu, gva_t va,
						     unsigned size, uint32_t val, unsigned flags,
						     struct arm_fault *fault)
{
	if (stlb_crosses(va, size))
		return stlb_split(cpu, va, size, &val, true, flags, fault);
	struct stlb_entry *e;
	int rc = stlb_resolve(cpu, va, flags, &e, fault);
	if (rc)
		return rc;
	if (e->flags & STLB_RAM) {
		stlb_store(e->addend + va, size, val);
		stlb_after_store(e->pa | (va & ~STLB_PAGE_MASK), size);
		return 0;
	}
	return ptw_device_access(e->pa | (va & ~STLB_PAGE_MASK), size, &val, true, va, flags, fault);
}

int mmu_init(struct arm_cpu *cpu)
{
	if (eng.ram_end < eng.ram_base || eng.ram_end - eng.ram_base > STLB_MAX_RAM)
		return -EINVAL;
	memset(stlb.code, 0, sizeof(stlb.code));
	for (unsigned n = 0; n < STLB_SIZE; n++)
		stlb_invalidate(&stlb.e[n]);
	stlb_forget_large();
	stlb.asid = cpu->cp15.contextidr & STLB_ASID_MASK;
	stlb.asid_key = stlb.asid << STLB_ASID_SHIFT;
	stlb.dacr = cpu->cp15.dacr | STLB_DMASK_FLAT;
	stlb.gen = 1ull << 32;
	stlb.sctlr_mode = cpu->cp15.sctlr & (SCTLR_M | SCTLR_AFE);
	stlb.ttbcr = cpu->cp15.ttbcr;
	return 0;
}

bool mmu_jit_tlb(struct mmu_jit_tlb *d)
{
	*d = (struct mmu_jit_tlb){
		.table = (uintptr_t)stlb.e,
		.entry_shift = 6,
		.index_bits = STLB_BITS,
		.page_shift = STLB_PAGE_SHIFT,
		.tag_off = __builtin_offsetof(struct stlb_entry, tag),
		.key_or_off = (int32_t)((uintptr_t)&stlb.asid_key - (uintptr_t)stlb.e),
		.dmask_off = __builtin_offsetof(struct stlb_entry, dmask),
		.dacr_off = (int32_t)((uintptr_t)&stlb.dacr - (uintptr_t)stlb.e),
		.addend_off = __builtin_offsetof(struct stlb_entry, addend),
		.gen_off = (int32_t)((uintptr_t)&stlb.gen - (uintptr_t)stlb.e),
	};
	return true;
}

int mmu_read(struct arm_cpu *cpu, gva_t va, unsigned size, uint32_t *val, unsigned flags,
	     struct arm_fault *fault)
{
	flags &= MMU_USER | MMU_FETCH;
	const struct stlb_entry *e = stlb_slot(va);
	if (stlb_fast(cpu, e, va, size, flags)) {
		*val = stlb_load(e->addend + va, size);
		stlb_count_hit();
		return 0;
	}
	return stlb_read_slow(cpu, va, size, val, flags, fault);
}

int mmu_write(struct arm_cpu *cpu, gva_t va, unsigned size, uint32_t val, unsigned flags,
	      struct arm_fault *fault)
{
	flags = (flags & MMU_USER) | MMU_WRITE;
	const struct stlb_entry *e = stlb_slot(va);
	if (stlb_fast(cpu, e, va, size, flags)) {
		stlb_store(e->addend + va, size, val);
		stlb_count_hit();
		return 0;
	}
	return stlb_write_slow(cpu, va, size, val, flags, fault);
}

int mmu_probe(struct arm_cpu *cpu, gva_t va, uint32_t len, unsigned flags,
	      struct arm_fault *fault)
{
	flags &= MMU_KIND_MASK | MMU_USER;
	while (len) {
		struct stlb_entry *e;
		int rc = stlb_resolve(cpu, va, flags, &e, fault);
		if (rc)
			return rc;
		uint32_t in_page = STLB_PAGE_SIZE - (va & ~STLB_PAGE_MASK);
		if (len <= in_page)
			break;
		len -= in_page;
		va += in_page;
	}
	return 0;
}

int mmu_translate_fetch(struct arm_cpu *cpu, gva_t va, unsigned flags, gpa_t *pa,
			const uint8_t **host, struct arm_fault *fault)
{
	flags = (flags & MMU_USER) | MMU_FETCH;
	struct stlb_entry *e = stlb_slot(va);
	if (stlb_fast(cpu, e, va, 1, flags)) {
		stlb_count_hit();
	} else {
		int rc = stlb_resolve(cpu, va, flags, &e, fault);
		if (rc)
			return rc;
	}
	*pa = e->pa | (va & ~STLB_PAGE_MASK);
	*host = (e->flags & STLB_RAM) ? (const uint8_t *)(e->addend + va) : NULL;
	stlb.fetch_span = e->size_log2;
	stlb.fetch_global = e->flags & STLB_GLOBAL;
	return 0;
}

unsigned mmu_fetch_span_log2(void)
{
	return stlb.fetch_span;
}

bool mmu_fetch_global(void)
{
	return stlb.fetch_global;
}

int mmu_translate(struct arm_cpu *cpu, gva_t va, unsigned flags, gpa_t *pa,
		  struct arm_fault *fault)
{
	struct ptw_result r;
	int rc = ptw_translate(&cpu->cp15, va, flags, &r, fault);
	if (!rc)
		*pa = r.pa;
	return rc;
}

void mmu_context_changed(struct arm_cpu *cpu)
{
	/*
	 * A new ASID needs no flush (entries are tagged), and a TTBR write under
	 * the same ASID is the guest's to follow with TLB maintenance, as on
	 * hardware (Linux switches TTBR0 and ASID together and relies on it).
	 * MMU on/off and the AP model change what every entry means. TTBCR is
	 * written about once per boot, and QEMU flushes on it, so we do too.
	 */
	if ((cpu->cp15.contextidr & STLB_ASID_MASK) != stlb.asid)
		stlb_new_generation();
	stlb.asid = cpu->cp15.contextidr & STLB_ASID_MASK;
	stlb.asid_key = stlb.asid << STLB_ASID_SHIFT;
	uint32_t mode = cpu->cp15.sctlr & (SCTLR_M | SCTLR_AFE);
	if (mode != stlb.sctlr_mode || cpu->cp15.ttbcr != stlb.ttbcr) {
		stlb.sctlr_mode = mode;
		stlb.ttbcr = cpu->cp15.ttbcr;
		mmu_flush_all(cpu);
	}
}

/* Entries keep their domain; every hit tests it against this copy. */
void mmu_dacr_changed(struct arm_cpu *cpu)
{
	if ((cpu->cp15.dacr | STLB_DMASK_FLAT) != stlb.dacr)
		stlb_new_generation();
	stlb.dacr = cpu->cp15.dacr | STLB_DMASK_FLAT;
}

void mmu_flush_all(struct arm_cpu *cpu)
{
	for (unsigned n = 0; n < STLB_SIZE; n++)
		if (stlb.e[n].flags & STLB_VALID)
			stlb_invalidate(&stlb.e[n]);
	stlb_forget_large();
	stlb_new_generation();
	eng.sh->stats.tlb_flushes++;
}

/* Drop e if it caches (a piece of) a mapping containing va that the ASID selects. */
static void stlb_flush_if(struct stlb_entry *e, gva_t va, uint32_t asid, bool all_asids)
{
	if (!(e->flags & STLB_VALID) || ((e->vpage ^ va) >> e->size_log2))
		return;
	if (!all_asids && !(e->flags & STLB_GLOBAL) && (e->vpage & STLB_ASID_MASK) != asid)
		return;
	stlb_invalidate(e);
}

/*
 * TLB maintenance by MVA removes the whole translation that maps va, so when
 * pieces of a larger mapping around va may be cached (regions*), every slot
 * such a piece can occupy and that may hold one (large_slots) is visited,
 * and the region is forgotten when none is left. Linux's kernel is mapped in
 * 1 MiB sections that fill most slots, and a Debian boot issues about a
 * million TLBIMVAs, nearly all for 4 KiB pages outside them: each visited
 * 256 slots before.
 */
static void stlb_flush_va(gva_t va, uint32_t asid, bool all_asids)
{
	static const uint8_t sizes[] = { 16, 20, 24 };
	stlb_flush_if(stlb_slot(va), va, asid, all_asids);
	for (unsigned s = 0; s < CAPTIVE_ARRAY_SIZE(sizes); s++) {
		unsigned log2 = sizes[s];
		uint32_t region = va >> log2;
		uint64_t *regions = stlb_regions(log2);
		if (!(stlb.large & (1u << log2)) || !((regions[region / 64] >> (region % 64)) & 1))
			continue;
		bool left = false;
		uint32_t pages = 1u << (log2 - STLB_PAGE_SHIFT);
		if (pages > STLB_SIZE)
			pages = STLB_SIZE;
		uint32_t first = ((va >> log2) << (log2 - STLB_PAGE_SHIFT)) & (STLB_SIZE - 1u);
		for (uint32_t i = 0; i < pages;) {
			uint32_t slot = (first + i) & (STLB_SIZE - 1u), bit = slot % 64;
			uint32_t span = pages - i < 64 - bit ? pages - i : 64 - bit;
			uint64_t m = stlb.large_slots[slot / 64] >> bit;
			if (span < 64)
				m &= (1ull << span) - 1;
			for (; m; m &= m - 1) {
				struct stlb_entry *e = &stlb.e[slot + (unsigned)__builtin_ctzll(m)];
				stlb_flush_if(e, va, asid, all_asids);
				left |= (e->flags & STLB_VALID) && e->size_log2 == log2 &&
					!((e->vpage ^ va) >> log2);
			}
			i += span;
		}
		if (!left)
			regions[region / 64] &= ~(1ull << (region % 64));
	}
	stlb_new_generation();
	eng.sh->stats.tlb_flushes++;
}

void mmu_flush_va(struct arm_cpu *cpu, uint32_t mva_asid)
{
	stlb_flush_va(mva_asid & STLB_PAGE_MASK, mva_asid & STLB_ASID_MASK, false);
}

void mmu_flush_va_all_asids(struct arm_cpu *cpu, gva_t va)
{
	stlb_flush_va(va & STLB_PAGE_MASK, 0, true);
}

void mmu_flush_asid(struct arm_cpu *cpu, uint32_t asid)
{
	asid &= STLB_ASID_MASK;
	for (unsigned n = 0; n < STLB_SIZE; n++) {
		struct stlb_entry *e = &stlb.e[n];
		if ((e->flags & STLB_VALID) && !(e->flags & STLB_GLOBAL) &&
		    (e->vpage & STLB_ASID_MASK) == asid)
			stlb_invalidate(e);
	}
	stlb_new_generation();
	eng.sh->stats.tlb_flushes++;
}

bool mmu_jit_window(struct mmu_jit_window *d)
{
	(void)d;
	return false;
}
