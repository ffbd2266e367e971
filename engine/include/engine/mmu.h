/*
 * The mmu axis inside the engine: guest virtual -> guest physical translation
 * and every guest data access and instruction fetch. One implementation is
 * linked into each engine build (plugins/mmu-<name>/engine/); the exec
 * strategies and the ARM core call only these functions.
 *
 * Contract common to all implementations:
 *  - Any alignment and any size in {1,2,4} is accepted (alignment faults are
 *    the caller's business); an access crossing a page is split and, if either
 *    page faults, nothing is written.
 *  - Accesses to RAM go to engine_ram_ptr(); accesses to anything else go to
 *    io_access() (device or unmapped), whose external abort is reported as
 *    FSR_SYNC_EXTERNAL.
 *  - Stores to RAM that hold decoded code call exec_invalidate_range() with
 *    the bytes stored.
 *  - On a fault nothing is accessed, *fault is filled, and non-zero returned.
 *  - DACR is checked on every access (a DACR write never needs a flush);
 *    a strategy may key its state by the DACR value (hwmirror's views), so
 *    the core calls mmu_dacr_changed() after every DACR write.
 *  - Translation uses cp15 SCTLR.M/TTBR0/TTBR1/TTBCR/DACR/CONTEXTIDR as they
 *    are at the time of the call, provided the core calls the notifications
 *    below whenever it writes them.
 *  - The privilege of an access is its MMU_USER flag alone: a mode change
 *    needs no notification.
 */
#ifndef ENGINE_MMU_H
#define ENGINE_MMU_H

#include "captive/types.h"
#include "arm/cp15.h"

/* Access flags. */
#define MMU_READ 0u
#define MMU_WRITE 1u
#define MMU_FETCH 2u
#define MMU_KIND_MASK 3u
#define MMU_USER 4u /* unprivileged access: user mode, LDRT/STRT */
/* A hint: this data access is expected to miss the strategy's fast path (it
 * reached a device or took the guest's abort last time: the exec remembered
 * its instruction after exec_note_slow_access(true)); a strategy whose fast
 * path would take a host fault goes straight to its slow path. The result is
 * the same with or without it. */
#define MMU_SLOW 8u

struct arm_cpu;

/* Called once at engine start; the cp15 state is the reset state. */
int mmu_init(struct arm_cpu *cpu);

int mmu_read(struct arm_cpu *cpu, gva_t va, unsigned size, uint32_t *val, unsigned flags,
	     struct arm_fault *fault);
int mmu_write(struct arm_cpu *cpu, gva_t va, unsigned size, uint32_t val, unsigned flags,
	      struct arm_fault *fault);

/* Check that [va, va+len) is accessible with flags, touching nothing; used
 * by multi-access instructions (STM, STRD) to stay restartable. */
int mmu_probe(struct arm_cpu *cpu, gva_t va, uint32_t len, unsigned flags,
	      struct arm_fault *fault);

/*
 * Translate an instruction fetch of the page holding va. On success *pa is
 * the guest physical address of va and *host points at it in engine memory
 * (NULL when the page is not RAM: the caller reads through mmu_read instead).
 * This call is how the mmu learns that a page holds code (so that stores to
 * it reach exec_invalidate_page()): the exec decodes only from pages whose
 * pointer or physical address it got here.
 */
int mmu_translate_fetch(struct arm_cpu *cpu, gva_t va, unsigned flags, gpa_t *pa,
			const uint8_t **host, struct arm_fault *fault);

/*
 * The exec strategy is about to decode (or translate) code from the RAM page
 * holding pa, which held none it knew of (exec_page_has_code() was false):
 * from now on stores to the page must reach exec_invalidate_*(), whatever
 * mapping they come through. An exec calls this before it reads the code,
 * every time a page goes from no code to code, including pages whose
 * pointer it got from mmu_translate_fetch() before their code was dropped.
 */
void mmu_code_page_added(gpa_t pa);

/*
 * The exec strategy holds no code decoded from the RAM page holding pa any
 * more (its last translation went): stores to the page need not reach
 * exec_invalidate_*() until mmu_code_page_added() names it again. A hint an
 * mmu may use to give the page its fast stores back; an exec that does not
 * know when a page empties (the interpreter) never calls it.
 */
void mmu_code_page_removed(gpa_t pa);

/* log2 of the size of the mapping (12, 16, 20 or 24: page, large page,
 * section, supersection) that the last successful mmu_translate_fetch()
 * translated through, so that an exec caching fetch translations knows
 * which TLB invalidations by address reach them. */
unsigned mmu_fetch_span_log2(void);

/* Whether that mapping was global (nG clear, or the MMU off): a context
 * switch (TTBR0, ASID) leaves such a translation as it was. */
bool mmu_fetch_global(void);

/* ATS1C* style translation for the PAR register; returns 0 and *pa or fault. */
int mmu_translate(struct arm_cpu *cpu, gva_t va, unsigned flags, gpa_t *pa,
		  struct arm_fault *fault);

/*
 * The fast path a JIT may inline, described as data (no exec strategy names
 * an mmu strategy, and no mmu emits host code): a direct-mapped TLB indexed
 * by the va's page number, whose entry serves an access of size bytes with
 * flags (kind | MMU_USER) when
 *     tag[flags] == ((va + size - 1) & page mask) | *(uint32_t *)(table + key_or_off)
 *     and (*(uint64_t *)(table + dacr_off) & dmask) != 0
 * and then reaches host address addend + va: the page of the access's last
 * byte is compared, so an unaligned access within the page hits and one
 * crossing into the next page (another index) misses. Tags have the bits
 * below the page clear, so a JIT that must fault unaligned accesses compares
 * (va & (page mask | (size - 1))) | key instead and sends them to the
 * helper, where the alignment check is. Anything else goes through
 * mmu_read/mmu_write, which stay the whole contract: a fast path only
 * repeats what their own hit path does, except counting the hit (an
 * increment in memory on every access cost the JIT a fifth of its speed),
 * so stats.tlb_hits counts the hits served by mmu_read/mmu_write only.
 *
 * The generation (gen_off: a uint64_t holding generation << 32, never 0)
 * lets a JIT keep a translation a hit gave it, per access site: it grows
 * whenever one may stop holding -- every TLB invalidation, a DACR or ASID
 * change, a page becoming code (its write tags go) -- and not when an entry
 * is merely replaced by another's fill (a TLB may keep any translation
 * until maintenance removes it). A JIT keeping translations must drop them
 * all before the generation can come back round (2^32 - 1 steps).
 */
struct mmu_jit_tlb {
	uintptr_t table;	/* entry 0 */
	unsigned entry_shift;	/* log2 of the entry's size in bytes */
	unsigned index_bits;	/* 1 << index_bits entries */
	unsigned page_shift;
	uint32_t tag_off;	/* uint32_t tag[8] by access flags */
	int32_t key_or_off;
	uint32_t dmask_off;	/* uint64_t */
	int32_t dacr_off;	/* uint64_t the mmu keeps: DACR | bits always allowed */
	uint32_t addend_off;	/* uintptr_t */
	int32_t gen_off;	/* uint64_t: generation << 32 */
};

/* Fill *d and return true when the linked mmu has such a fast path. */
bool mmu_jit_tlb(struct mmu_jit_tlb *d);

/*
 * The other fast path a JIT may inline: windows (hwmirror). An access with
 * flags (kind | MMU_USER) of an aligned va is the single host instruction
 *     access [base[(flags & MMU_USER) >> 2] + zero-extended va]
 * with base[] read at the access (it moves whenever the view does: DACR,
 * ASID, MMU on or off). It may fault: the mmu's fault handler asks the exec
 * (exec_fault_pc) whether the faulting host PC is such an access, maps what
 * the guest's tables allow and retries it, or continues at the exec's
 * recovery address, which must redo the access through mmu_read/mmu_write
 * (with MMU_SLOW: the window has just failed it). An unaligned access that
 * must fault goes to the exec's helper at once (the alignment check is
 * there); any other goes through the window, and a page it crosses into is
 * one more fault the mmu serves.
 */
struct mmu_jit_window {
	const uintptr_t *base; /* [0] privileged, [1] unprivileged */
};

/* Fill *d and return true when the linked mmu serves accesses by windows. */
bool mmu_jit_window(struct mmu_jit_window *d);

/* Notifications from the core. */
void mmu_context_changed(struct arm_cpu *cpu); /* SCTLR.M, TTBR0/1, TTBCR, CONTEXTIDR */
void mmu_dacr_changed(struct arm_cpu *cpu);    /* DACR written (any value, even the same) */
void mmu_flush_all(struct arm_cpu *cpu);		     /* TLBIALL */
void mmu_flush_va(struct arm_cpu *cpu, uint32_t mva_asid);   /* TLBIMVA: va|asid */
void mmu_flush_asid(struct arm_cpu *cpu, uint32_t asid);     /* TLBIASID */
void mmu_flush_va_all_asids(struct arm_cpu *cpu, gva_t va); /* TLBIMVAA */

#endif
