/*
 * exec-jit: a block JIT from ARMv7-A to x86-64, the third instantiation of
 * the one semantics source (arm/sem.c.inc over jit_builder.h). README.md
 * beside this file gives the design; this file holds the code cache, the
 * translation loop, the helpers translated code calls and the dispatcher.
 *
 * Blocks are what the interpreter calls blocks: straight-line code within
 * one guest page, ended by anything that leaves it (a taken branch, an
 * exception, SEM_SYNC, WFI) or the page end. A conditional instruction
 * does not end a block: its condition-failed path falls through to the
 * next instruction inside the translation, and so does a B_END_NEXT
 * inside a B_IF.
 *
 * Translations are keyed by the guest physical address of their first
 * instruction, its virtual address (the code embeds PC values: the same
 * physical code runs at its physical address before the MMU is on and at a
 * virtual one after) and what translation assumed: A32 or T32, ITSTATE at
 * entry, privilege, CPSR.E and whether the block is cut to one instruction
 * (debugger armed, or an instruction budget smaller than the block).
 * Everything else the semantics depend on (SCTLR.A, FPSCR.LEN, VFP enabled)
 * is read at run time by the code or its helpers, so it needs no key.
 *
 * Coherence is the interpreter's: a bitmap of guest pages holding code,
 * stores to them reach exec_invalidate_range() through the mmu, DMA and the
 * debugger reach exec_invalidate_page(). A store that removes the block
 * being executed sets cpu->exec_exit, and the block leaves after that
 * instruction. ICIALLU (exec_invalidate_all) and BPIALL drop nothing.
 *
 * A translated block is entered by the entry stub, which saves the host's
 * callee-saved registers, points rbx at the cpu and reserves the frame
 * slots; every exit jumps to the shared epilogue with rax =
 * JIT_RET(instructions attempted, enum sem_end).
 */
#include "engine/debug.h"
#include "engine/engine.h"
#include "engine/exec.h"
#include "engine/mmu.h"
#include "engine/plat.h"
#include "engine/rt.h"
#include "jit_builder.h"

/* A B_END_* returns from its semantic function only at if-depth 0, which is
 * where every function and switch case ends (here and in jit_sem() below);
 * the compiler cannot see that. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wreturn-type"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#include "arm/sem.c.inc"

#define JIT_PAGE_SHIFT 12
#define JIT_PAGE_SIZE (1u << JIT_PAGE_SHIFT)
#define JIT_PHYS_PAGES (1u << (32 - JIT_PAGE_SHIFT))
#define JIT_CODE_BYTES (256u << 20)
/* The last quarter of the code cache: slow paths, out of the hot code's way
 * (jb_cold_begin) */
#define JIT_COLD_BYTES (JIT_CODE_BYTES / 4)
#define JIT_HOT_END (jit.code + JIT_CODE_BYTES - JIT_COLD_BYTES)
#define JIT_BLOCK_MAX_BYTES (64u << 10)	/* room kept free for one translation */
#define JIT_TBS 262144
#define JIT_HASH 524288		/* buckets of the block and page hashes */
#define JIT_JC 65536			/* the dispatcher's lookup cache */
#define JIT_STUB_BYTES 512		/* entry, epilogue and lookup stubs */
/* The frame: slots, the entry's budget (JIT_BUDGET_SLOT) and delta
 * (JIT_DELTA_SLOT), and 8 bytes that realign rsp after six pushes. */
#define JIT_FRAME (8 * JIT_SLOTS + 24)

#define JIT_SITES (4 * JIT_TBS)	/* chainable exits */
/* Window accesses that may fault (hwmirror): more than 8 bytes of code each. */
#define JIT_XT (1u << 22)
#define JIT_XT_BLOCK (JIT_BLOCK_MAX_BYTES / 8)
/* Instructions whose accesses go straight to the helpers (jit_site_slow). */
#define JIT_SLOW 8192
#define JIT_SLOW_FORGET 256	/* RAM accesses of a slow site before it is forgotten */
#define JIT_SLOW_STICKY 4	/* forgotten this often: slow for good */
#define JIT_SLOW_ABORTS 8	/* guest aborts through the window before a site is slow */
/* Instructions one entry may run before the dispatcher's safe point. */
#define JIT_CHAIN_BUDGET (1u << 20)
/* A fetch epoch past this empties the cache and starts again at 0, so that
 * the epoch never wraps (guarded sites, struct jit_site): one entry bumps it
 * at most JIT_CHAIN_BUDGET times. */
#define JIT_EPOCH_MAX 0x7ff00000u
/* A guarded site compares an epoch field of the cpu, [rbx + disp32], which
 * jit_link points at one or the other (jit_guard_epoch). */
#define JIT_OFF_EPOCH ((uint32_t)__builtin_offsetof(struct arm_cpu, xlat_epoch))
#define JIT_OFF_GEPOCH ((uint32_t)__builtin_offsetof(struct arm_cpu, xlat_gepoch))
_Static_assert(JIT_OFF_EPOCH >= 128 && JIT_OFF_GEPOCH >= 128,
	       "the epoch fields are reached with a 32-bit displacement");
/* Access sites' translations (struct jit_mslot): as many as a full cache
 * could want, and the most one block may take. */
#define JIT_MSLOTS (1u << 18)
#define JIT_MSLOT_BLOCK 4096u
/* The mmu's generation this far past the last flush empties the cache, so
 * that no slot lives to see it come round (mmu.h); one entry moves it at
 * most JIT_CHAIN_BUDGET times. */
#define JIT_GEN_MAX 0x80000000u

struct jit_tb {
	gpa_t pa;
	uint32_t base;		/* the address it was translated at (JV_PCREL) */
	uint32_t va;		/* the first it ran at: its name in logs */
	uint32_t key;
	uint32_t bytes;		/* guest bytes covered from pa */
	uint64_t print;		/* jit_print(): pa, key and those bytes */
	uint16_t ninsn;
	bool self_loop;		/* ends with B to itself */
	uint32_t self_pc;
	uint8_t *code;
	bool live;		/* in the lookup structures */
	uint32_t in;		/* chain sites jumping here: a list (jit_site), index + 1 */
	struct jit_tb *hnext;	/* hash chain */
	struct jit_tb *pnext;	/* the blocks of one guest page */
};

/*
 * A chainable exit: a patchable jump, first aimed at its stub (which leaves
 * for the dispatcher), re-aimed at the target block once it exists. A
 * branch to another guest page is guarded: it runs in a block entered at
 * some address (the frame's delta), so its target is an address known only
 * then, whose translation may change. Its jump is taken under the fetch
 * epoch, frame delta and DACR it was linked under (imm32 fields of cmp
 * instructions, patched when it is linked), after setting the frame's delta
 * to the target block's (the imm32 of a mov); a new epoch takes the lookup
 * naming the site, which links it again (jit_guard_rest), another delta or
 * DACR the plain lookup. The epoch field holds a value no epoch is while the
 * jump is not linked (jit_unguard), so a taken guard always finds the jump
 * linked. An indirect branch's exit is guarded the same way with its
 * target's address and CPSR.T in place of the delta (jit_indirect_exit).
 */
struct jit_site {
	uint8_t *jmp;		/* rel32 field */
	uint8_t *stub;
	/* guarded: the guard's imm32s and the target's delta; else NULL.
	 * delta_imm for a direct branch, pc_imm for an indirect one. */
	uint8_t *epoch_imm, *delta_imm, *pc_imm, *dacr_imm, *to_delta_imm;
	uint32_t target;	/* guest va */
	uint32_t key;
	struct jit_tb *owner;
	struct jit_tb *linked;	/* where the jump goes, or NULL: its stub */
	uint32_t in_prev, in_next;	/* in linked's list, index + 1 */
};

/* A lookup-cache entry holds its block's code, so that a hit reads one
 * cache line: a dropped block stays in the cache, but its code's entry now
 * jumps to the lookup's miss path (jit_drop). */
struct jit_jc {
	uint32_t va, key, epoch, dacr;	/* va JIT_JC_NONE: empty */
	uint32_t delta;			/* va - tb->base */
	uint32_t tb;			/* index in jit_tbs, checked live */
	const uint8_t *code;
};

/* The side table of window accesses: host offsets from jit.code, in the
 * order they were emitted (code is allocated upwards until a flush), so
 * sorted. */
struct jit_xt {
	uint32_t at;		/* the access instruction */
	uint32_t fix;		/* where its slow path starts */
};

/*
 * An instruction (by physical address) whose window access ended in the
 * mmu's slow path without a guest abort: a device, most likely. Its blocks
 * are retranslated with its accesses calling the helpers (MMU_SLOW: no host
 * fault first), the in-place adaptation of papers/004. So does one that took
 * the guest's abort JIT_SLOW_ABORTS times (a guest aborting in a loop; Linux's
 * demand paging aborts once per page at a memset's store, which then reaches
 * RAM and is soon forgotten). A slow site that keeps reaching RAM is
 * forgotten (retranslated with the window access again), at most
 * JIT_SLOW_STICKY times unless aborts made it slow.
 */
struct jit_slow {
	uint32_t key;		/* pa | 1; 0: empty */
	uint16_t ram;		/* RAM accesses since it became slow */
	uint8_t forgot;
	uint8_t aborts;		/* guest aborts its window access took since */
	bool on;
	bool by_abort;		/* made slow by aborts: forgetting it is not counted */
};

/* An access site's translation (jb_site): the key it was served for (the
 * page | the mmu's generation << 32; 0 never matches) and the addend. */
struct jit_mslot {
	uint64_t key;
	uintptr_t addend;
};

static struct jit_mslot jit_mslots[JIT_MSLOTS];

static struct {
	uint8_t *code;		/* JIT_CODE_BYTES of RWX memory */
	uint8_t *code_next;
	uint8_t *cold_next;	/* in [JIT_HOT_END, code + JIT_CODE_BYTES) */
	uint8_t *entry;		/* uint64_t entry(struct arm_cpu *, void *block) */
	uint8_t *epilogue;
	uint8_t *lookup;	/* indirect branches (jit_emit_stubs) */
	uint8_t *lookup_site;	/* the same, r8 = a guarded exit's site + 1 */
	uint8_t *lookup_miss;	/* its miss path: back to the dispatcher */
	uint8_t *stubs_end;	/* translations start here */
	unsigned ntb;
	unsigned nsites;
	struct jit_site sites[JIT_SITES];
	struct jit_tb *hash[JIT_HASH];
	struct jit_tb *page_hash[JIT_HASH];	/* heads of per-page lists, by page */
	struct jit_jc jc[JIT_JC];
	/* bit n: jc may hold a block fetched through a mapping that covers
	 * part of MiB n, entered under fetch epoch jc_epoch (a non-global
	 * mapping) or jc_gepoch (a global one) (exec_tlb_flushed_va) */
	uint8_t jc_mib[4096 / 8], jc_gmib[4096 / 8];
	uint32_t jc_epoch, jc_gepoch;
	struct arm_cpu *cpu;
	/* named counters (engine_counter) */
	uint64_t *n_blocks, *n_insns, *n_retrans, *n_retrans_insns, *n_chains, *n_lookup_hit,
		*n_lookup_miss, *n_helpers;
	struct mmu_jit_tlb tlb;
	bool has_tlb;
	struct mmu_jit_window win;
	bool has_win;
	unsigned nxt;		/* side-table entries */
	bool slow_ram;		/* exec_note_slow_access(false) since the helper began */
	uint64_t *n_slow_sites, *n_slow_forgot, *n_loops, *n_tsc;
	bool reads_back[ARM_OP_COUNT];	/* an instruction of this op read a slot back (jit_insn) */
	unsigned nms;		/* jit_mslots given out */
	bool mslots;		/* the TLB has a generation and r15 reaches jit_mslots */
	uint32_t gen_flushed;	/* the mmu's generation at the last flush */
} jit;

/*
 * One-off translations (an instruction outside RAM, or a T32 one straddling
 * a page end) by address, key and encoding: the dispatcher reads the
 * instruction again through the live fetch translation every time, and a
 * translation of the same encoding at the same address under the same key
 * is the same code, so it is reused without any coherence to keep. (A hot
 * loop of libcrypto's straddles a page: openssl translated 308,000 of them.)
 */
#define JIT_ONE_OFFS 256
struct jit_one_off {
	uint32_t va, key, raw;
	struct jit_tb *tb;	/* NULL: empty */
};

static struct jit_xt jit_xt[JIT_XT];
static struct jit_one_off jit_one_offs[JIT_ONE_OFFS];
static struct jit_slow jit_slow[JIT_SLOW];

static struct jit_tb jit_tbs[JIT_TBS];
static uint8_t jit_code_bitmap[JIT_PHYS_PAGES / 8];

/*
 * The fingerprints of blocks dropped since start (a store, DMA, a full
 * cache, a slow site), direct-mapped by their low bits: a block translated
 * with a fingerprint found here is the same code translated again, counted
 * in jit_retranslated_blocks and _insns. A slot overwritten by another
 * block only undercounts; two blocks with one 64-bit fingerprint are
 * negligible. Code new to a page (a frame reused) is not a retranslation.
 */
#define JIT_GONE (1u << 19)
static uint64_t jit_gone[JIT_GONE];

static uint64_t jit_print(gpa_t pa, uint32_t key, const uint8_t *guest, uint32_t bytes)
{
	uint64_t h = ((uint64_t)pa << 32 | key) * 0x9e3779b97f4a7c15ull;

	for (uint32_t k = 0; k < bytes; k += 2) {
		uint16_t half;
		__builtin_memcpy(&half, guest + k, 2);
		h = (h ^ half) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	return h | 1; /* 0: an empty slot */
}

static void jit_gone_add(const struct jit_tb *tb)
{
	jit_gone[tb->print & (JIT_GONE - 1)] = tb->print;
}

/* A named counter as a displacement from r14 (the shared page). */
static int32_t jit_counter_disp(const uint64_t *c)
{
	return (int32_t)((uintptr_t)c - (uintptr_t)eng.sh);
}

_Noreturn void jit_fail(const char *what)
{
	engine_panic("exec=jit translation: %s", what);
}

bool exec_page_has_code(gpa_t pa)
{
	uint64_t pn = pa >> JIT_PAGE_SHIFT;
	return pn < JIT_PHYS_PAGES && (jit_code_bitmap[pn >> 3] >> (pn & 7)) & 1;
}

static unsigned jit_hash(gpa_t pa, uint32_t key)
{
	return (unsigned)(((pa >> 1) ^ (pa >> 13) ^ (key * 0x9e37u)) % JIT_HASH);
}

static unsigned jit_page_hash(gpa_t page)
{
	return (unsigned)((page >> JIT_PAGE_SHIFT) % JIT_HASH);
}

/* No fetch address: A32 and T32 code are at least halfword aligned. */
#define JIT_JC_NONE 1u

static struct jit_jc *jit_jc_at(uint32_t va, uint32_t key)
{
	return &jit.jc[((va >> 1) ^ (key << 4)) % JIT_JC];
}

/* The page numbered pn holds no translation any more: the mmu may give its
 * stores their fast path back. */
static void jit_page_emptied(uint64_t pn)
{
	jit_code_bitmap[pn >> 3] &= (uint8_t)~(1u << (pn & 7));
	mmu_code_page_removed((gpa_t)pn << JIT_PAGE_SHIFT);
}

/* The mmu's TLB generation (struct mmu_jit_tlb), 0 without one. */
static uint32_t jit_tlb_gen(void)
{
	if (!jit.mslots)
		return 0;
	return (uint32_t)(*(const uint64_t *)(jit.tlb.table + (intptr_t)jit.tlb.gen_off) >> 32);
}

int32_t jit_mem_slot(struct jit_ctx *ctx)
{
	if (!jit.mslots || jit.nms == JIT_MSLOTS)
		return 0;
	struct jit_mslot *m = &jit_mslots[jit.nms++];
	if (!ctx->b.dry)
		m->key = 0;
	return (int32_t)((intptr_t)(uintptr_t)m - (intptr_t)jit.tlb.table);
}

/* Empty the code cache; the lookup cache with it, as block slots are reused. */
static void jit_flush(void)
{
	for (unsigned k = 0; k < JIT_JC; k++) {
		jit.jc[k].va = JIT_JC_NONE;
		jit.jc[k].code = NULL;
	}
	memset(jit.hash, 0, sizeof(jit.hash));
	memset(jit.page_hash, 0, sizeof(jit.page_hash));
	memset(jit_one_offs, 0, sizeof(jit_one_offs));
	for (unsigned k = 0; k < jit.ntb; k++)
		if (jit_tbs[k].live)
			jit_gone_add(&jit_tbs[k]);
	for (uint64_t byte = 0; byte < JIT_PHYS_PAGES / 8; byte++)
		for (unsigned bit = 0; jit_code_bitmap[byte]; bit++)
			if ((jit_code_bitmap[byte] >> bit) & 1)
				jit_page_emptied(byte * 8 + bit);
	jit.ntb = 0;
	jit.nsites = 0;
	jit.nxt = 0;
	jit.nms = 0;
	jit.gen_flushed = jit_tlb_gen();
	jit.code_next = jit.stubs_end;
	jit.cold_next = JIT_HOT_END;
	eng.sh->stats.code_flushes++;
}

static void jit_put32(uint8_t *at, uint32_t v)
{
	for (unsigned k = 0; k < 4; k++)
		at[k] = (uint8_t)(v >> (8 * k));
}

/* A guarded site's epoch compare, cmp dword [rbx + disp32], imm32: the
 * imm32's address (the disp32 is the 4 bytes before it). */
static uint8_t *jit_guard_epoch(struct x86_buf *b)
{
	return x86_cmp_mi32(b, JCPU(xlat_epoch), 0);
}

/* A guarded site's epoch field, made one no epoch ever is: xlat_epoch
 * stays below it (the dispatcher empties the cache at JIT_EPOCH_MAX) and
 * xlat_gepoch has bit 31 set. */
static void jit_unguard(const struct jit_site *site)
{
	if (site->epoch_imm)
		jit_put32(site->epoch_imm, 0x7fffffffu);
}

/* Unlink from the lookup hash every block of the page that overlaps
 * [off, off + len) (all of them for len 0); a page left without blocks
 * is no longer a code page. */
static void jit_drop(gpa_t pa, uint32_t len)
{
	gpa_t page = pa & ~(gpa_t)(JIT_PAGE_SIZE - 1);
	struct jit_tb **pp = &jit.page_hash[jit_page_hash(page)];
	bool any = false, kept = false;

	while (*pp) {
		struct jit_tb *tb = *pp;
		bool same = (tb->pa & ~(gpa_t)(JIT_PAGE_SIZE - 1)) == page;
		bool hit = same && (!len || (tb->pa < pa + len && pa < tb->pa + tb->bytes));
		if (!hit) {
			kept |= same;
			pp = &tb->pnext;
			continue;
		}
		*pp = tb->pnext;
		struct jit_tb **hp = &jit.hash[jit_hash(tb->pa, tb->key)];
		while (*hp && *hp != tb)
			hp = &(*hp)->hnext;
		if (*hp)
			*hp = tb->hnext;
		/* The lookup cache may hold it at any address its page is
		 * mapped at: its hits check live. */
		tb->live = false;
		jit_gone_add(tb);
		/* The lookup cache may still send the stub here: entering
		 * now goes back to the dispatcher. A block the stub can reach
		 * (no JIT_KEY_SINGLE) starts with its entry check, longer
		 * than the jump; translated code only ever enters it there. */
		if (!(tb->key & JIT_KEY_SINGLE)) {
			tb->code[0] = 0xe9; /* jmp rel32 */
			if (!x86_patch_rel32(tb->code + 1, jit.lookup_miss))
				jit_fail("a dropped block out of its stub's reach");
		}
		/* Jumps chained into it go back to their stubs. */
		for (uint32_t k = tb->in; k; k = jit.sites[k - 1].in_next) {
			struct jit_site *site = &jit.sites[k - 1];
			jit_unguard(site);
			x86_patch_jmp_atomic(site->jmp, site->stub);
			site->linked = NULL;
		}
		tb->in = 0;
		any = true;
	}
	if (!kept && exec_page_has_code(page))
		jit_page_emptied(page >> JIT_PAGE_SHIFT);
	if (any) {
		/* It may be the block running now, or one it is chained to:
		 * leave translated code after this instruction. */
		jit.cpu->exec_exit = 1;
		eng.sh->stats.code_invalidations++;
	}
}

/*
 * The check at a block's entry, and at a loop's back edge (exec_exit: there
 * a block dropped meanwhile must not go on running): jump to *pending if an
 * interrupt or a stop is waiting, to *over if the block does not fit in the
 * entry's budget: r12 + length > 0, i.e. r12 > -length (an imm32 noted in
 * ctx->budget, patched with the block's length at the end). The common case
 * is one 64-bit compare of irq_line and stop_request together; when either
 * is set, *maybe (bound by jit_entry_maybe, out of line) looks closer: an
 * IRQ or FIQ line the guest masks is not pending.
 */
_Static_assert(__builtin_offsetof(struct captive_shared, stop_request) ==
		       __builtin_offsetof(struct captive_shared, irq_line) + 4 &&
	       __builtin_offsetof(struct captive_shared, irq_line) % 8 == 0,
	       "irq_line and stop_request share one aligned qword");

struct jit_entry {
	uint8_t *maybe, *back, *pending, *over;
};

static struct jit_entry jit_entry_check(struct jit_ctx *ctx, bool exec_exit)
{
	struct x86_buf *b = &ctx->b;
	struct jit_entry e = { 0 };

	x86_alu_mi(b, X86_CMP, 64,
		   x86_mem(X86_R14, (int32_t)__builtin_offsetof(struct captive_shared, irq_line)), 0);
	e.maybe = x86_jcc32(b, X86_CC_NE, NULL);
	e.back = x86_here(b);
	if (exec_exit) {
		x86_alu_mi(b, X86_CMP, 32, JCPU(exec_exit), 0);
		e.pending = x86_jcc32(b, X86_CC_NE, NULL);
	}
	x86_alu_ri(b, X86_CMP, 64, X86_R12, -0x7fffffff);
	uint8_t *imm = x86_here(b) - 4;
	e.over = x86_jcc32(b, X86_CC_G, NULL);
	if (!b->dry)
		ctx->budget[ctx->nbudget++] = imm;
	return e;
}

/* The closer look of an entry check whose qword was not zero: back to the
 * check when nothing is pending after all, else on into the code that
 * follows (the pending path). */
static void jit_entry_maybe(struct jit_ctx *ctx, const struct jit_entry *e)
{
	struct x86_buf *b = &ctx->b;

	jb_label(ctx, e->maybe);
	x86_mov_rm(b, 32, X86_RAX,
		   x86_mem(X86_R14, (int32_t)__builtin_offsetof(struct captive_shared, irq_line)));
	x86_alu_rm(b, X86_AND, 32, X86_RAX, JCPU(irq_enable));
	x86_alu_rm(b, X86_OR, 32, X86_RAX,
		   x86_mem(X86_R14, (int32_t)__builtin_offsetof(struct captive_shared, stop_request)));
	x86_jcc32(b, X86_CC_E, e->back);
	if (e->pending)
		jb_label(ctx, e->pending);
	jb_label(ctx, e->over);
}

/* Leave for the dispatcher to run the block again from its start, r12
 * counting what ran. */
static void jit_leave_at_start(struct jit_ctx *ctx, int status)
{
	jb_set_pc(ctx, ctx->va0);
	x86_mov_rr(&ctx->b, 64, X86_RAX, X86_R12);
	x86_mov_ri(&ctx->b, 32, X86_RDX, (uint32_t)status);
	x86_jmp32(&ctx->b, ctx->epilogue);
}

/*
 * A branch back to the start of its own block, translated as a loop (the
 * block's second translation, jit_translate): the guest registers stay in
 * the host registers they were preloaded into at entry, so an iteration
 * jumps to the loop head after the block's entry check, done here inline.
 * Only where the register cache is as the loop head expects it (the loop's
 * registers in the same homes, nothing dirty the head does not assume
 * dirty); false otherwise. A register cached here but not at the head (a
 * loop with more registers than the pool keeps the most used cached and
 * lets the others share what is left) is written back if dirty.
 */
static bool jit_loop_back(struct jit_ctx *ctx, int status)
{
	struct x86_buf *b = &ctx->b;

	if (!ctx->loop_head || ctx->nbudget > JIT_LOOP_EXITS)
		return false;
	for (unsigned n = 0; n < 15; n++)
		if (ctx->loop_home[n] >= 0 &&
		    (ctx->home[n] != ctx->loop_home[n] || (ctx->dirty[n] && !ctx->loop_dirty[n])))
			return false;
	for (unsigned n = 0; n < 15; n++)
		if (ctx->home[n] >= 0 && ctx->loop_home[n] < 0 && ctx->dirty[n])
			x86_mov_mr(b, 32, JREG(n), jit_pool[ctx->home[n]]);
	jb_it_write(ctx);
	x86_alu_ri(b, X86_ADD, 64, X86_R12, (int32_t)ctx->count);
	const struct jit_entry e = jit_entry_check(ctx, true);
	x86_jmp32(b, ctx->loop_head);
	jit_entry_maybe(ctx, &e);
	jb_writeback(ctx);
	jit_leave_at_start(ctx, status);
	if (!b->dry)
		(*jit.n_loops)++;
	return true;
}

/*
 * The rest of a guarded exit (struct jit_site), after the comparison of the
 * epoch (a new one: jump to moved) and of the delta or pc (another: other):
 * DACR's, the target's delta and the jump; then the stub (at moved), which
 * takes the lookup naming the site, so that a hit links it again there and a
 * miss in the dispatcher (a new epoch comes with every context switch, and
 * a boot's spawn workload went 17% slower while each one sent every site
 * through the dispatcher), and the way to the lookup (at other). A direct
 * branch's paths set the pc to *target first; an indirect one has set it.
 */
static void jit_guard_rest(struct jit_ctx *ctx, struct jit_site *site, uint8_t *moved,
			   uint8_t *other, const uint32_t *target)
{
	struct x86_buf *b = &ctx->b;

	site->dacr_imm = x86_cmp_mi32(b, JCPU(cp15.dacr), 0);
	uint8_t *other_dacr = x86_jcc32(b, X86_CC_NE, NULL);
	x86_mov_mi(b, 32, x86_mem(X86_RSP, JIT_DELTA_SLOT), 0);
	site->to_delta_imm = x86_here(b) - 4;
	if (!b->dry)
		jit_unguard(site);
	site->jmp = x86_jmp_patchable(b, NULL);
	site->stub = x86_here(b);
	jb_label(ctx, moved);
	if (target)
		jb_set_pc(ctx, *target);
	x86_mov_ri(b, 32, X86_RDX, ctx->key & JIT_KEY_KEPT);
	x86_mov_ri(b, 32, X86_R8, jit.nsites + 1);
	x86_jmp32(b, jit.lookup_site);
	jb_label(ctx, other);
	jb_label(ctx, other_dacr);
	if (target)
		jb_set_pc(ctx, *target);
	x86_mov_ri(b, 32, X86_RDX, ctx->key & JIT_KEY_KEPT);
	x86_jmp32(b, ctx->lookup);
}

/* A chain site emitted: its jump aimed at its stub, its fields set. */
static void jit_site_done(struct jit_ctx *ctx, struct jit_site *site, uint32_t target, uint32_t key)
{
	if (!ctx->b.dry)
		x86_patch_rel32(site->jmp, site->stub);
	site->target = target;
	site->key = key;
	site->owner = ctx->tb;
	site->linked = NULL;
	site->in_prev = site->in_next = 0;
	jit.nsites++;
}

void jit_chain_exit(struct jit_ctx *ctx, uint32_t target, uint32_t key, int status)
{
	struct x86_buf *b = &ctx->b;

	/* Chains never close a branch to itself (the dispatcher watches those
	 * for a hung guest). One to another page is guarded (jit_site) and not
	 * made into a block entered with an IT state. */
	bool other_page = (target ^ ctx->pc) & ~(JIT_PAGE_SIZE - 1);
	if ((ctx->key & JIT_KEY_SINGLE) || (other_page && (key & 0xff)) || target == ctx->pc ||
	    jit.nsites == JIT_SITES || !ctx->tb) {
		jb_set_pc(ctx, target);
		if (other_page && !(key & 0xff) && target != ctx->pc)
			jb_exit_indirect(ctx);
		else
			jb_exit(ctx, status);
		return;
	}
	if (target == ctx->va0 && key == ctx->key) {
		/* What a loop translation must keep cached up to here: all of
		 * it, or the pool's worth but one of the most used. */
		uint16_t keep = ctx->touched;
		while (__builtin_popcount(keep) > (keep == ctx->touched ? JIT_POOL : JIT_POOL - 1)) {
			unsigned least = (unsigned)__builtin_ctz(keep);
			for (unsigned n = least + 1; n < 15; n++)
				if (((keep >> n) & 1) && ctx->uses[n] < ctx->uses[least])
					least = n;
			keep &= (uint16_t)~(1u << least);
		}
		ctx->loop_touched = keep;
		ctx->loop_written = ctx->written & keep;
		if (jit_loop_back(ctx, status))
			return;
	}
	struct jit_site *site = &jit.sites[jit.nsites];
	jb_writeback(ctx);
	x86_alu_ri(b, X86_ADD, 64, X86_R12, (int32_t)ctx->count);
	site->epoch_imm = site->delta_imm = site->pc_imm = site->dacr_imm = site->to_delta_imm = NULL;
	if (other_page) {
		/* Guarded (struct jit_site); DACR too, as Linux's uaccess flips
		 * it in kernel code without a new epoch. */
		site->epoch_imm = jit_guard_epoch(b);
		uint8_t *moved = x86_jcc32(b, X86_CC_NE, NULL);
		site->delta_imm = x86_cmp_mi32(b, x86_mem(X86_RSP, JIT_DELTA_SLOT), 0);
		jit_guard_rest(ctx, site, moved, x86_jcc32(b, X86_CC_NE, NULL), &target);
	} else {
		site->jmp = x86_jmp_patchable(b, NULL);
		site->stub = x86_here(b);
		jb_set_pc(ctx, target);
		x86_mov_rr(b, 64, X86_RAX, X86_R12);
		x86_mov_ri(b, 32, X86_RDX, (uint32_t)status | ((jit.nsites + 1) << 8));
		x86_jmp32(b, ctx->epilogue);
	}
	jit_site_done(ctx, site, target, key);
}

/*
 * Leave for the block at r[15], which an indirect branch has just set: an
 * inline cache of one target. The exit is linked on its first run, and
 * again after a new fetch epoch, to the block it went to (jit_link); while
 * the epoch stays, a branch to the same address in the same state (CPSR.T)
 * under the same DACR jumps straight there, any other takes the lookup
 * stub. A return to one caller, a call through one pointer: most indirect
 * branches of a hot loop go to one place.
 */
void jit_indirect_exit(struct jit_ctx *ctx)
{
	struct x86_buf *b = &ctx->b;

	jb_writeback(ctx);
	x86_alu_ri(b, X86_ADD, 64, X86_R12, (int32_t)ctx->count);
	if (jit.nsites == JIT_SITES || !ctx->tb) {
		x86_mov_ri(b, 32, X86_RDX, ctx->key & JIT_KEY_KEPT);
		x86_jmp32(b, ctx->lookup);
		return;
	}
	struct jit_site *site = &jit.sites[jit.nsites];
	site->delta_imm = NULL;
	site->epoch_imm = jit_guard_epoch(b);
	uint8_t *moved = x86_jcc32(b, X86_CC_NE, NULL);
	/* the pc with CPSR.T in bit 0, which a T32 pc has clear */
	_Static_assert(CPSR_T == 1u << 5, "CPSR.T is bit 5");
	x86_mov_rm(b, 32, X86_RAX, JCPU(cpsr));
	x86_shift_ri(b, X86_SHR, 32, X86_RAX, 5);
	x86_alu_ri(b, X86_AND, 32, X86_RAX, 1);
	x86_alu_rm(b, X86_OR, 32, X86_RAX, JREG(15));
	site->pc_imm = x86_cmp_ri32(b, X86_RAX, 0);
	jit_guard_rest(ctx, site, moved, x86_jcc32(b, X86_CC_NE, NULL), NULL);
	jit_site_done(ctx, site, 0, ctx->key & JIT_KEY_KEPT);
}

void exec_invalidate_all(void)
{
	/* ICIALLU: translations follow every store already (see the top). */
	eng.sh->stats.icache_maintenance++;
}

void exec_invalidate_predictors(void)
{
	/* BPIALL: chains stay within a page and go with either block, and the
	 * lookup cache checks the fetch translation: nothing to drop. */
	eng.sh->stats.icache_maintenance++;
}

/* Linux invalidates about a million TLB entries by address per boot, nearly
 * all of data pages: the lookup cache is dropped (by a new fetch epoch)
 * only when a block in it came through a mapping covering that MiB. */
void exec_tlb_flushed_va(struct arm_cpu *cpu, uint32_t va)
{
	unsigned mib = va >> 20;

	/* Under another epoch the cache holds nothing valid. */
	if (jit.jc_gepoch == cpu->xlat_gepoch && ((jit.jc_gmib[mib >> 3] >> (mib & 7)) & 1))
		arm_xlat_moved(cpu, true);
	else if (jit.jc_epoch == cpu->xlat_epoch && ((jit.jc_mib[mib >> 3] >> (mib & 7)) & 1))
		arm_xlat_moved(cpu, false);
}

/* The epoch a fetch translation just made is cached under: the global
 * one when it came through a global mapping (mmu_fetch_global). */
static uint32_t jit_fetch_epoch(const struct arm_cpu *cpu)
{
	return mmu_fetch_global() ? cpu->xlat_gepoch : cpu->xlat_epoch;
}

/* The lookup cache gains a block fetched at va through a 2^span-byte
 * mapping, cached under epoch. */
static void jit_jc_mark(const struct arm_cpu *cpu, uint32_t va, unsigned span, uint32_t epoch)
{
	bool global = epoch == cpu->xlat_gepoch;
	uint32_t *seen = global ? &jit.jc_gepoch : &jit.jc_epoch;
	uint8_t *mib = global ? jit.jc_gmib : jit.jc_mib;
	if (*seen != epoch) {
		*seen = epoch;
		memset(mib, 0, sizeof(jit.jc_mib));
	}
	unsigned first = va >> 20, n = 1;
	if (span > 20) {
		first &= ~((1u << (span - 20)) - 1u);
		n = 1u << (span - 20);
	}
	for (unsigned k = first; k < first + n; k++)
		mib[k >> 3] |= (uint8_t)(1u << (k & 7));
}

void exec_invalidate_page(gpa_t pa)
{
	jit_drop(pa, 0);
}

void exec_invalidate_range(gpa_t pa, unsigned len)
{
	jit_drop(pa, len);
}

/* ---- helpers called by translated code ----------------------------------- */

static unsigned jit_user(const struct arm_cpu *cpu, unsigned fl)
{
	return (fl & B_MEM_USER) ? MMU_USER : cpu->mem_user;
}

static bool jit_misaligned(const struct arm_cpu *cpu, uint32_t addr, unsigned size, unsigned fl)
{
	return size > 1 && (addr & (size - 1)) && ((fl & B_MEM_STRICT) || (cpu->cp15.sctlr & SCTLR_A));
}

static uint32_t jit_abort(struct arm_cpu *cpu, uint32_t fsr, uint32_t addr, bool write, uint32_t pc)
{
	struct arm_fault f = { .fsr = fsr, .addr = addr };

	arm_data_abort(cpu, &f, write, pc);
	return 1;
}

/* ---- window accesses: the side table and the slow sites -------------------- */

void jit_fault_site(struct jit_ctx *ctx, const uint8_t *at)
{
	if (ctx->b.dry)
		return;
	if (jit.nxt == JIT_XT)
		jit_fail("the side table of window accesses is full");
	jit_xt[jit.nxt++] = (struct jit_xt){
		.at = (uint32_t)(at - jit.code),
		.fix = (uint32_t)(x86_here(&ctx->b) - jit.code),
	};
}

/* Called by the mmu's fault handler (a signal handler under process): reads
 * the side table only, which translation alone changes. */
bool exec_fault_pc(uintptr_t host_pc, uintptr_t *recovery)
{
	if (host_pc < (uintptr_t)jit.code || host_pc >= (uintptr_t)jit.code_next)
		return false;
	uint32_t at = (uint32_t)(host_pc - (uintptr_t)jit.code);
	unsigned lo = 0, hi = jit.nxt;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (jit_xt[mid].at < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == jit.nxt || jit_xt[lo].at != at)
		return false;
	*recovery = (uintptr_t)jit.code + jit_xt[lo].fix;
	return true;
}

/* The entry of the instruction at pa, added if absent and add (NULL when the
 * table is full: that instruction keeps its window access). */
static struct jit_slow *jit_slow_at(uint32_t pa, bool add)
{
	uint32_t key = pa | 1u;
	for (unsigned k = 0, h = (key * 0x9e3779b1u) >> 19; k < JIT_SLOW; k++, h = (h + 1) % JIT_SLOW) {
		struct jit_slow *e = &jit_slow[h];
		if (e->key == key)
			return e;
		if (!e->key) {
			if (!add)
				return NULL;
			e->key = key;
			return e;
		}
	}
	return NULL;
}

static bool jit_site_slow(uint32_t ipa)
{
	if (ipa == JIT_NO_PA)
		return false;
	const struct jit_slow *e = jit_slow_at(ipa, false);
	return e && e->on;
}

/* Learn from a helper's access that carried MMU_SLOW (meta) and returned rc:
 * a window access the mmu served without a guest abort and not from RAM, or
 * one that took the guest's abort often enough, makes its instruction slow;
 * a slow one that keeps reaching RAM is forgotten. Either way its blocks go
 * and are translated again. */
static void jit_slow_learn(uint32_t ipa, uint32_t meta, int rc)
{
	struct jit_slow *e;

	if (ipa == JIT_NO_PA)
		return;
	if ((meta & JIT_META_RECOVERED) && !jit.slow_ram) {
		e = jit_slow_at(ipa, true);
		if (!e || e->on || (rc && ++e->aborts < JIT_SLOW_ABORTS))
			return;
		e->on = true;
		e->by_abort = rc != 0;
		e->ram = 0;
		e->aborts = 0;
		(*jit.n_slow_sites)++;
	} else if (!rc && (meta & JIT_META_SLOWSITE) && jit.slow_ram) {
		e = jit_slow_at(ipa, false);
		if (!e || !e->on || (!e->by_abort && e->forgot >= JIT_SLOW_STICKY) ||
		    ++e->ram < JIT_SLOW_FORGET)
			return;
		e->on = false;
		if (!e->by_abort)
			e->forgot++;
		(*jit.n_slow_forgot)++;
	} else {
		return;
	}
	jit_drop(ipa, 1);
}

/* The mmu served an MMU_SLOW access from RAM (again: took a host fault into
 * its slow path, which the JIT learns from the helper's flags instead). */
void exec_note_slow_access(bool again)
{
	if (!again)
		jit.slow_ram = true;
}

static unsigned jit_slow_flag(uint32_t meta)
{
	jit.slow_ram = false;
	return (meta & (JIT_META_RECOVERED | JIT_META_SLOWSITE)) ? MMU_SLOW : 0;
}

uint64_t jit_h_ld(struct arm_cpu *cpu, uint32_t addr, uint32_t meta, uint32_t pc, uint32_t ipa)
{
	unsigned size = meta & 0xff, fl = (meta >> 8) & 0xff;
	struct arm_fault f;
	uint32_t v;

	if (jit_misaligned(cpu, addr, size, fl))
		return (uint64_t)jit_abort(cpu, FSR_ALIGNMENT, addr, false, pc) << 32;
	int rc = mmu_read(cpu, addr, size, &v, MMU_READ | jit_user(cpu, fl) | jit_slow_flag(meta), &f);
	jit_slow_learn(ipa, meta, rc);
	if (rc)
		return (uint64_t)jit_abort(cpu, f.fsr, f.addr, false, pc) << 32;
	return arm_data_endian(cpu, v, size);
}

uint32_t jit_h_st(struct arm_cpu *cpu, uint32_t addr, uint32_t val, uint32_t meta, uint32_t pc,
		  uint32_t ipa)
{
	unsigned size = meta & 0xff, fl = (meta >> 8) & 0xff;
	struct arm_fault f;

	if (jit_misaligned(cpu, addr, size, fl))
		return jit_abort(cpu, FSR_ALIGNMENT, addr, true, pc);
	int rc = mmu_write(cpu, addr, size, arm_data_endian(cpu, val, size),
			   MMU_WRITE | jit_user(cpu, fl) | jit_slow_flag(meta), &f);
	jit_slow_learn(ipa, meta, rc);
	if (rc)
		return jit_abort(cpu, f.fsr, f.addr, true, pc);
	return 0;
}

uint32_t jit_h_probe(struct arm_cpu *cpu, uint32_t addr, uint32_t len, uint32_t fl, uint32_t pc)
{
	struct arm_fault f;

	if (jit_misaligned(cpu, addr, 4, fl & 0xff))
		return jit_abort(cpu, FSR_ALIGNMENT, addr, true, pc);
	if (mmu_probe(cpu, addr, len, MMU_WRITE | jit_user(cpu, fl & 0xff) | jit_slow_flag(fl), &f))
		return jit_abort(cpu, f.fsr, f.addr, true, pc);
	return 0;
}

uint32_t jit_h_align(struct arm_cpu *cpu, uint32_t addr, uint32_t write, uint32_t pc)
{
	return jit_abort(cpu, FSR_ALIGNMENT, addr, write, pc);
}

uint32_t jit_h_undef(struct arm_cpu *cpu, uint32_t pc)
{
	arm_take_exception(cpu, ARM_EXC_UNDEF, pc);
	return 1;
}

uint32_t jit_h_svc(struct arm_cpu *cpu, uint32_t pc)
{
	arm_take_exception(cpu, ARM_EXC_SVC, pc);
	return 1;
}

uint32_t jit_h_bkpt(struct arm_cpu *cpu, uint32_t pc)
{
	struct arm_fault f = { .fsr = 0x2u /* debug event */, .addr = pc };

	arm_prefetch_abort(cpu, &f, pc);
	return 1;
}

/* The record of the instruction being translated, for jit_h_unimpl. */
static struct arm_insn jit_unimpl_insn;

uint32_t jit_h_unimpl(struct arm_cpu *cpu, uint32_t pc)
{
	char msg[CAPTIVE_MSG_BYTES];
	const struct arm_insn *i = &jit_unimpl_insn;
	bool narrow = (i->flags & (ARM_F_THUMB | ARM_F_WIDE)) == ARM_F_THUMB;
	uint32_t raw = narrow ? i->raw >> 16 : i->raw;

	rt_snprintf(msg, sizeof(msg),
		    "unimplemented valid on a Cortex-A9 but not implemented by this engine: "
		    "encoding 0x%08x at pc 0x%08x", raw, pc);
	engine_set_exit(CAPTIVE_STOP_UNIMPLEMENTED, pc, raw, i->flags & ARM_F_THUMB, msg);
	cpu->r[15] = pc;
	return 1;
}

uint32_t jit_h_cpsr(struct arm_cpu *cpu)
{
	return arm_cpsr_read(cpu);
}

uint32_t jit_h_spsr(struct arm_cpu *cpu)
{
	return cpu->bank_spsr[cpu->bank];
}

uint32_t jit_h_have_spsr(struct arm_cpu *cpu)
{
	return arm_have_spsr(cpu);
}


void jit_h_cpsr_write_instr(struct arm_cpu *cpu, uint32_t v, uint32_t m)
{
	arm_cpsr_write_instr(cpu, v, m);
}

void jit_h_cpsr_write_raw(struct arm_cpu *cpu, uint32_t v, uint32_t mask)
{
	arm_cpsr_write(cpu, v, mask);
}

void jit_h_spsr_write_instr(struct arm_cpu *cpu, uint32_t v, uint32_t m)
{
	arm_spsr_write_instr(cpu, v, m);
}

uint32_t jit_h_ru(struct arm_cpu *cpu, uint32_t n)
{
	return arm_user_reg_read(cpu, n);
}

void jit_h_wu(struct arm_cpu *cpu, uint32_t n, uint32_t v)
{
	arm_user_reg_write(cpu, n, v);
}

uint32_t jit_h_banked_sp(struct arm_cpu *cpu, uint32_t mode)
{
	return arm_banked_sp_read(cpu, mode);
}

void jit_h_banked_sp_write(struct arm_cpu *cpu, uint32_t mode, uint32_t v)
{
	arm_banked_sp_write(cpu, mode, v);
}

uint64_t jit_h_cp15_read(struct arm_cpu *cpu, uint32_t raw, uint32_t pc)
{
	uint32_t v;

	if (arm_cp15_read(cpu, raw, &v))
		return (uint64_t)jit_h_undef(cpu, pc) << 32;
	return v;
}

uint32_t jit_h_cp15_write(struct arm_cpu *cpu, uint32_t raw, uint32_t v, uint32_t pc)
{
	if (arm_cp15_write(cpu, raw, v) < 0)
		return jit_h_undef(cpu, pc);
	return 0;
}



uint64_t jit_h_fop(struct arm_cpu *cpu, uint32_t op, uint64_t a, uint64_t b, uint64_t c)
{
	return vfp_fop(&cpu->vfp, op, a, b, c);
}

void jit_h_fvec(struct arm_cpu *cpu, uint32_t op, uint32_t d, uint32_t n, uint32_t m, uint32_t imm)
{
	vfp_short_vector(&cpu->vfp, op, d, n, m, imm);
}

void jit_h_exc_return(struct arm_cpu *cpu, uint32_t t)
{
	arm_exception_return(cpu, t);
}

void jit_h_rfe(struct arm_cpu *cpu, uint32_t t, uint32_t psr)
{
	arm_cpsr_write(cpu, psr, 0xffffffffu);
	cpu->r[15] = t & ((cpu->cpsr & CPSR_T) ? ~1u : ~3u);
}

/* ---- translation ------------------------------------------------------------ */

#define DP_CASE(opc, form, s) \
	case ARM_DP_OP(opc, form, s): return sem_dp(ctx, i, opc, form, s);
#define DP_FORM(opc, form) DP_CASE(opc, form, 0) DP_CASE(opc, form, 1)
#define DP_CASES(opc)                                                           \
	DP_FORM(opc, ARM_FORM_IMM) DP_FORM(opc, ARM_FORM_REG) DP_FORM(opc, ARM_FORM_SHI) \
	DP_FORM(opc, ARM_FORM_SHR)
#define LDST_CASES(op)                                    \
	case op: return sem_ldst(ctx, i, op, false);      \
	case op + 1: return sem_ldst(ctx, i, op, true);

/* Translate one instruction whose condition passed; returns how it ends. */
static int jit_sem(struct jit_ctx *ctx, const struct arm_insn *i)
{
	switch (i->op) {
	DP_CASES(ARM_DP_AND) DP_CASES(ARM_DP_EOR) DP_CASES(ARM_DP_SUB) DP_CASES(ARM_DP_RSB)
	DP_CASES(ARM_DP_ADD) DP_CASES(ARM_DP_ADC) DP_CASES(ARM_DP_SBC) DP_CASES(ARM_DP_RSC)
	DP_CASES(ARM_DP_TST) DP_CASES(ARM_DP_TEQ) DP_CASES(ARM_DP_CMP) DP_CASES(ARM_DP_CMN)
	DP_CASES(ARM_DP_ORR) DP_CASES(ARM_DP_MOV) DP_CASES(ARM_DP_BIC) DP_CASES(ARM_DP_MVN)
	LDST_CASES(ARM_OP_LDR_I)
	LDST_CASES(ARM_OP_STR_I)
	LDST_CASES(ARM_OP_LDRB_I)
	LDST_CASES(ARM_OP_STRB_I)
	LDST_CASES(ARM_OP_LDRH_I)
	LDST_CASES(ARM_OP_STRH_I)
	LDST_CASES(ARM_OP_LDRSB_I)
	LDST_CASES(ARM_OP_LDRSH_I)
	LDST_CASES(ARM_OP_LDRD_I)
	LDST_CASES(ARM_OP_STRD_I)
	case ARM_OP_LDM: return sem_ldm(ctx, i);
	case ARM_OP_STM: return sem_stm(ctx, i);
	case ARM_OP_B: return sem_branch(ctx, i, ARM_OP_B);
	case ARM_OP_BL: return sem_branch(ctx, i, ARM_OP_BL);
	case ARM_OP_BLX_IMM: return sem_branch(ctx, i, ARM_OP_BLX_IMM);
	case ARM_OP_BX: return sem_branch(ctx, i, ARM_OP_BX);
	case ARM_OP_BLX_REG: return sem_branch(ctx, i, ARM_OP_BLX_REG);
	case ARM_OP_MOVW: return sem_movw(ctx, i);
	case ARM_OP_MOVT: return sem_movt(ctx, i);
	case ARM_OP_MUL: return sem_mul(ctx, i, ARM_OP_MUL);
	case ARM_OP_MLA: return sem_mul(ctx, i, ARM_OP_MLA);
	case ARM_OP_MLS: return sem_mul(ctx, i, ARM_OP_MLS);
	case ARM_OP_UMULL: return sem_mull(ctx, i, ARM_OP_UMULL);
	case ARM_OP_UMLAL: return sem_mull(ctx, i, ARM_OP_UMLAL);
	case ARM_OP_SMULL: return sem_mull(ctx, i, ARM_OP_SMULL);
	case ARM_OP_SMLAL: return sem_mull(ctx, i, ARM_OP_SMLAL);
	case ARM_OP_UMAAL: return sem_mull(ctx, i, ARM_OP_UMAAL);
	case ARM_OP_SMULXY: return sem_halfmul(ctx, i, ARM_OP_SMULXY);
	case ARM_OP_SMLAXY: return sem_halfmul(ctx, i, ARM_OP_SMLAXY);
	case ARM_OP_SMULWY: return sem_halfmul(ctx, i, ARM_OP_SMULWY);
	case ARM_OP_SMLAWY: return sem_halfmul(ctx, i, ARM_OP_SMLAWY);
	case ARM_OP_SMLALXY: return sem_halfmul(ctx, i, ARM_OP_SMLALXY);
	case ARM_OP_CLZ: return sem_unary(ctx, i, ARM_OP_CLZ);
	case ARM_OP_REV: return sem_unary(ctx, i, ARM_OP_REV);
	case ARM_OP_REV16: return sem_unary(ctx, i, ARM_OP_REV16);
	case ARM_OP_REVSH: return sem_unary(ctx, i, ARM_OP_REVSH);
	case ARM_OP_RBIT: return sem_unary(ctx, i, ARM_OP_RBIT);
	case ARM_OP_SXTB: return sem_extend(ctx, i, ARM_OP_SXTB);
	case ARM_OP_SXTH: return sem_extend(ctx, i, ARM_OP_SXTH);
	case ARM_OP_SXTB16: return sem_extend(ctx, i, ARM_OP_SXTB16);
	case ARM_OP_UXTB: return sem_extend(ctx, i, ARM_OP_UXTB);
	case ARM_OP_UXTH: return sem_extend(ctx, i, ARM_OP_UXTH);
	case ARM_OP_UXTB16: return sem_extend(ctx, i, ARM_OP_UXTB16);
	case ARM_OP_UBFX: return sem_bitfield(ctx, i, ARM_OP_UBFX);
	case ARM_OP_SBFX: return sem_bitfield(ctx, i, ARM_OP_SBFX);
	case ARM_OP_BFI: return sem_bitfield(ctx, i, ARM_OP_BFI);
	case ARM_OP_BFC: return sem_bitfield(ctx, i, ARM_OP_BFC);
	case ARM_OP_SSAT: return sem_ssat(ctx, i, true);
	case ARM_OP_USAT: return sem_ssat(ctx, i, false);
	case ARM_OP_SSAT16: return sem_ssat16(ctx, i, true);
	case ARM_OP_USAT16: return sem_ssat16(ctx, i, false);
	case ARM_OP_QADD: return sem_qarith(ctx, i, ARM_OP_QADD);
	case ARM_OP_QSUB: return sem_qarith(ctx, i, ARM_OP_QSUB);
	case ARM_OP_QDADD: return sem_qarith(ctx, i, ARM_OP_QDADD);
	case ARM_OP_QDSUB: return sem_qarith(ctx, i, ARM_OP_QDSUB);
	case ARM_OP_SEL: return sem_sel(ctx, i);
	case ARM_OP_PKH: return sem_pkh(ctx, i);
	case ARM_OP_SWP: return sem_swp(ctx, i);
	case ARM_OP_LDREX: return sem_ldrex(ctx, i);
	case ARM_OP_STREX: return sem_strex(ctx, i);
	case ARM_OP_CLREX: B_EXCL_CLEAR(); B_END_NEXT();
	case ARM_OP_MRS: return sem_mrs(ctx, i);
	case ARM_OP_MSR_IMM: return sem_msr(ctx, i, true);
	case ARM_OP_MSR_REG: return sem_msr(ctx, i, false);
	case ARM_OP_CPS: return sem_cps(ctx, i);
	case ARM_OP_MRC: return sem_mrc(ctx, i);
	case ARM_OP_MCR: return sem_mcr(ctx, i);
	case ARM_OP_SRS: return sem_srs(ctx, i);
	case ARM_OP_RFE: return sem_rfe(ctx, i);
	case ARM_OP_VFP_DP: return sem_vfp_dp(ctx, i);
	case ARM_OP_VFP_LDST: return sem_vfp_ldst(ctx, i);
	case ARM_OP_VFP_XFER: return sem_vfp_xfer(ctx, i);
	case ARM_OP_PAR: return sem_par(ctx, i);
	case ARM_OP_DMUL: return sem_dmul(ctx, i);
	case ARM_OP_USAD8: return sem_usad8(ctx, i);
	case ARM_OP_SETEND: return sem_setend(ctx, i);
	case ARM_OP_IT: return sem_it(ctx, i);
	case ARM_OP_CBZ: return sem_cbz(ctx, i);
	case ARM_OP_TBB: return sem_tbb(ctx, i);
	case ARM_OP_SVC: B_END_SVC();
	case ARM_OP_BKPT: B_END_BKPT();
	case ARM_OP_NOP: B_END_NEXT();
	case ARM_OP_SYNC: B_END_SYNC();
	case ARM_OP_WFI: B_END_WFI();
	case ARM_OP_UNDEF: B_END_UNDEF();
	case ARM_OP_UNIMPL:
		jit_unimpl_insn = *i;
		B_END_UNIMPL();
	default:
		engine_panic("jit: decoded op %u has no semantics (encoding 0x%08x)", i->op, i->raw);
	}
}
#pragma GCC diagnostic pop

/* Jump past the instruction unless its condition holds (cond < AL). */
static void jit_cond(struct jit_ctx *ctx, unsigned cond)
{
	struct x86_buf *b = &ctx->b;
	bool inv = cond & 1;

	switch (cond >> 1) {
	case 0: /* EQ: zf == 0 */
		x86_alu_mi(b, X86_CMP, 32, JCPU(zf), 0);
		jb_to_end(ctx, inv ? X86_CC_E : X86_CC_NE, false);
		return;
	case 1: /* CS: C (0 or 1) as a byte, as setcc writes it (jb_flag_c) */
		x86_alu_mi(b, X86_CMP, 8, JCPU(cf), 0);
		jb_to_end(ctx, inv ? X86_CC_NE : X86_CC_E, false);
		return;
	case 2: /* MI */
		x86_alu_mi(b, X86_CMP, 32, JCPU(nf), 0);
		jb_to_end(ctx, inv ? X86_CC_L : X86_CC_GE, false);
		return;
	case 3: /* VS */
		x86_alu_mi(b, X86_CMP, 32, JCPU(vf), 0);
		jb_to_end(ctx, inv ? X86_CC_L : X86_CC_GE, false);
		return;
	default:
		break;
	}
	if (cond >> 1 == 5) {
		/* GE: N == V, the sign of nf ^ vf clear */
		x86_mov_rm(b, 32, X86_RAX, JCPU(nf));
		x86_alu_rm(b, X86_XOR, 32, X86_RAX, JCPU(vf));
		jb_to_end(ctx, inv ? X86_CC_NS : X86_CC_S, false);
		return;
	}
	if (cond >> 1 == 4) {
		/* HI: al = (zf != 0) & cf, whose AND sets ZF when it fails */
		x86_mov_rm(b, 32, X86_RAX, JCPU(zf));
		x86_test_rr(b, 32, X86_RAX, X86_RAX);
		x86_setcc_r(b, X86_CC_NE, X86_RAX);
		x86_alu_rm(b, X86_AND, 8, X86_RAX, JCPU(cf));
	} else {
		/* GT: al = N == V, and Z clear */
		x86_mov_rm(b, 32, X86_RAX, JCPU(nf));
		x86_alu_rm(b, X86_XOR, 32, X86_RAX, JCPU(vf));
		x86_setcc_r(b, X86_CC_NS, X86_RAX);
		x86_alu_mi(b, X86_CMP, 32, JCPU(zf), 0);
		x86_setcc_r(b, X86_CC_NE, X86_RDX);
		x86_alu_rr(b, X86_AND, 8, X86_RAX, X86_RDX);
	}
	jb_to_end(ctx, inv ? X86_CC_NE : X86_CC_E, false);
}

static unsigned jit_len(const struct arm_insn *in)
{
	return (in->flags & ARM_F_THUMB) ? 2 + ((in->flags & ARM_F_WIDE) >> 1) : 4;
}

/* Fetch and decode the instruction at va (pa, host) for a translation;
 * false for a T32 instruction straddling the page end. */
static bool jit_decode(const uint8_t *host, uint32_t off, bool thumb, struct arm_insn *in)
{
	if (thumb) {
		uint16_t hw[2] = { 0, 0 };
		memcpy(&hw[0], host + off, 2);
		if (arm_t32_wide(hw[0])) {
			if (off == JIT_PAGE_SIZE - 2)
				return false;
			memcpy(&hw[1], host + off + 2, 2);
		}
		arm_decode_t32(((uint32_t)hw[0] << 16) | hw[1], in);
	} else {
		uint32_t raw;
		memcpy(&raw, host + off, 4);
		arm_decode_a32(raw, in);
	}
	return true;
}

/* The flags condition cond reads. */
static unsigned jit_cond_reads(unsigned cond)
{
	static const uint8_t reads[8] = {
		JIT_FLAG_Z, JIT_FLAG_C, JIT_FLAG_N, JIT_FLAG_V, JIT_FLAG_C | JIT_FLAG_Z,
		JIT_FLAG_N | JIT_FLAG_V, JIT_FLAG_N | JIT_FLAG_Z | JIT_FLAG_V, 0,
	};
	return reads[(cond >> 1) & 7];
}

/*
 * Whether in only computes (no memory access, helper, branch or other way
 * out of the block, so the flags need not be exact after it): data
 * processing not writing the PC, multiplies, moves, bit-field and extend
 * operations. For those, the flags it reads, those it always writes (defs)
 * and those it may write (mays: a logical op's C from the shifter, any flag
 * of a conditional instruction).
 */
static bool jit_flags_of(const struct arm_insn *in, unsigned *reads, unsigned *defs,
			 unsigned *mays)
{
	unsigned op = in->op, r = 0, w = 0, maybe = 0;
	bool s = in->flags & ARM_F_S;

	if (op >= ARM_OP_DP) {
		unsigned dp = op - ARM_OP_DP, opc = dp >> 3, form = (dp >> 1) & 3;
		bool compare = opc >= ARM_DP_TST && opc <= ARM_DP_CMN;
		bool logical = (opc == ARM_DP_ORN && (in->flags & ARM_F_THUMB)) ||
			       opc == ARM_DP_AND || opc == ARM_DP_EOR || opc == ARM_DP_TST ||
			       opc == ARM_DP_TEQ || opc == ARM_DP_ORR || opc == ARM_DP_MOV ||
			       opc == ARM_DP_BIC || opc == ARM_DP_MVN;
		s = dp & 1;
		if (in->rd == 15 && !compare)
			return false;
		if (!logical && (opc == ARM_DP_ADC || opc == ARM_DP_SBC || opc == ARM_DP_RSC))
			r |= JIT_FLAG_C;
		if (form == ARM_FORM_SHI && ARM_SHIFT_TYPE(in->shift) == ARM_SHIFT_ROR &&
		    ARM_SHIFT_AMOUNT(in->shift) == 0)
			r |= JIT_FLAG_C; /* RRX */
		if (s && logical) {
			w = JIT_FLAG_N | JIT_FLAG_Z;
			maybe = JIT_FLAG_C;
		} else if (s) {
			w = JIT_FLAGS_ALL;
		}
	} else {
		switch (op) {
		case ARM_OP_MUL: case ARM_OP_MLA: case ARM_OP_UMULL: case ARM_OP_UMLAL:
		case ARM_OP_SMULL: case ARM_OP_SMLAL:
			w = s ? JIT_FLAG_N | JIT_FLAG_Z : 0;
			break;
		case ARM_OP_NOP: case ARM_OP_MOVW: case ARM_OP_MOVT: case ARM_OP_MLS:
		case ARM_OP_UMAAL: case ARM_OP_CLZ: case ARM_OP_REV: case ARM_OP_REV16:
		case ARM_OP_REVSH: case ARM_OP_RBIT: case ARM_OP_SXTB: case ARM_OP_SXTH:
		case ARM_OP_UXTB: case ARM_OP_UXTH: case ARM_OP_UBFX: case ARM_OP_SBFX:
		case ARM_OP_BFI: case ARM_OP_BFC:
			break;
		default:
			return false;
		}
		if (op != ARM_OP_NOP && in->rd == 15)
			return false;
	}
	if (in->cond != ARM_COND_AL) {
		r |= jit_cond_reads(in->cond);
		maybe |= w;
		w = 0;
	}
	*reads = r;
	*defs = w;
	*mays = w | maybe;
	return true;
}

/*
 * Decode ahead, and flag liveness: the block's instructions from index first
 * (at off of its page, host) go into pre[] up to and including the next one
 * that is not a pure computation (jit_flags_of: it may leave the block or
 * take an exception that saves the flags, so all flags are live before it),
 * or to the page's end or max; returns the index past the last decoded.
 * Each gets in ctx->dead_of[] the flags it writes that no later instruction
 * reads before writing them again. Going a stretch at a time decodes no
 * further than the block's last instruction (whole rest-of-pages were
 * decoded before, a tenth of translating). Each instruction is classified
 * as it runs under its ITSTATE (followed from the key's through IT
 * instructions: ctx->dec_it): conditional, and a 16-bit one's flag writes
 * gone (arm_t32_in_it). Liveness is off (no_liveness) under per-instruction
 * interrupt checks and for a block emitted again after a cut.
 */
static unsigned jit_decode_stretch(struct jit_ctx *ctx, const uint8_t *host, uint32_t off,
				   unsigned first, unsigned max, struct arm_insn *pre,
				   bool no_liveness)
{
	unsigned n = first, pure = first, reads, defs, mays;
	/* what each pure computation reads, defines and may define */
	struct { uint8_t reads, defs, mays; } fl[JIT_MAX_INSNS];

	while (n < max && off < JIT_PAGE_SIZE && jit_decode(host, off, ctx->thumb, &pre[n])) {
		/* the instruction as it runs under its ITSTATE (jit_insn_pass) */
		struct arm_insn as_run = pre[n];
		uint32_t it = ctx->dec_it;
		if (it) {
			arm_t32_in_it(&as_run);
			as_run.cond = (uint8_t)(as_run.op == ARM_OP_BKPT ? ARM_COND_AL : it >> 4);
		}
		ctx->dec_it = as_run.op == ARM_OP_IT && !it ? as_run.imm : arm_it_advance(it);
		off += jit_len(&pre[n++]);
		if (as_run.op == ARM_OP_IT && !it) {
			fl[pure++] = (typeof(fl[0])){ 0, 0, 0 };
			continue;
		}
		if (!jit_flags_of(&as_run, &reads, &defs, &mays))
			break;
		fl[pure++] = (typeof(fl[0])){ (uint8_t)reads, (uint8_t)defs, (uint8_t)mays };
	}
	if (no_liveness)
		return n;
	/* all flags are live after the stretch's pure computations: at its
	 * end, or before the one that is not (which stores them all) */
	unsigned live = JIT_FLAGS_ALL;
	for (unsigned k = pure; k-- > first;) {
		ctx->dead_of[k] = (uint8_t)(fl[k].mays & ~live);
		live = (live & ~fl[k].defs) | fl[k].reads;
	}
	return n;
}

/* Emit one instruction in; returns false when the block ends after it. */
static bool jit_insn_pass(struct jit_ctx *ctx, struct arm_insn *in, unsigned index)
{
	unsigned cond = in->cond;
	uint32_t it = ctx->it;

	ctx->i = in;
	ctx->next_pc = ctx->pc + jit_len(in);
	ctx->count = index + 1;
	ctx->dead = index < JIT_MAX_INSNS ? ctx->dead_of[index] : 0;
	ctx->nslots = 0;
	ctx->cmp_end = ctx->alu_end = NULL; /* slots are numbered per instruction */
	ctx->depth = 0;
	ctx->nto_end = 0;
	ctx->stores = false;
	ctx->fixed = false;
	memset(ctx->ver, 0, sizeof(ctx->ver));
	memset(ctx->held, 0, sizeof(ctx->held));
	if (it) {
		arm_t32_in_it(in);
		cond = in->op == ARM_OP_BKPT ? ARM_COND_AL : it >> 4;
	}
	if (cond != ARM_COND_AL) {
		/* a B or BL names no register: its record's fields are not ones */
		if (in->op != ARM_OP_B && in->op != ARM_OP_BL && in->op != ARM_OP_BLX_IMM)
			jb_pin(ctx, in);
		else
			ctx->fixed = true;
		jit_cond(ctx, cond);
	}
	int end = jit_sem(ctx, in);
	ctx->fixed = false;
	/* The end of the instruction: condition failed or SEM_NEXT. */
	for (unsigned k = 0; k < ctx->nto_end; k++)
		jb_label(ctx, ctx->to_end[k]);
	bool falls = end == SEM_NEXT || cond != ARM_COND_AL || ctx->nto_end;
	if (!falls)
		return false;
	/* ITSTATE of the next instruction (written where read: jb_it_write). */
	ctx->it = in->op == ARM_OP_IT && !it ? in->imm : (it ? arm_it_advance(it) : 0);
	if (in->op == ARM_OP_IT && !it && end != SEM_NEXT)
		ctx->it = 0;
	if (ctx->stores) {
		/* The store removed this block: leave before the next
		 * instruction, out of line. */
		x86_alu_mi(&ctx->b, X86_CMP, 32, JCPU(exec_exit), 0);
		uint8_t *gone = x86_jcc32(&ctx->b, X86_CC_NE, NULL);
		jb_cold_begin(ctx);
		jb_label(ctx, gone);
		jb_set_pc(ctx, ctx->next_pc);
		jb_exit(ctx, SEM_NEXT);
		jb_cold_left(ctx);
	}
	if (ctx->per_insn) {
		struct captive_shared *sh = eng.sh;
		x86_mov_ri(&ctx->b, 64, X86_RCX, (uint64_t)(uintptr_t)&sh->irq_line);
		x86_mov_rm(&ctx->b, 32, X86_RAX, x86_mem(X86_RCX, 0));
		x86_alu_rm(&ctx->b, X86_AND, 32, X86_RAX, JCPU(irq_enable));
		x86_mov_ri(&ctx->b, 64, X86_RCX, (uint64_t)(uintptr_t)&sh->stop_request);
		x86_alu_rm(&ctx->b, X86_OR, 32, X86_RAX, x86_mem(X86_RCX, 0));
		uint8_t *ok = x86_jcc32(&ctx->b, X86_CC_E, NULL);
		jb_set_pc(ctx, ctx->next_pc);
		jb_exit(ctx, SEM_NEXT);
		jb_label(ctx, ok);
	}
	return true;
}

/*
 * Translate one instruction in, leaving out the stores to frame slots that
 * nothing reads back. Three instructions in four read none back (a Debian
 * boot), so an op not yet seen to is emitted at once storing none, and
 * that stands if it read none; otherwise, and for an op seen to (its first
 * pass dry: nothing encoded, every emission advancing the buffer one byte
 * so that positions still tell emissions apart), the instruction is
 * emitted again over the same bytes, everything the first pass changed
 * undone, storing the slots that pass read.
 */
static bool jit_insn(struct jit_ctx *ctx, struct arm_insn *in, unsigned index)
{
	const struct jit_ctx before = *ctx;
	const struct arm_insn given = *in;
	const unsigned nsites = jit.nsites, nxt = jit.nxt, nms = jit.nms;
	const uint64_t loops = *jit.n_loops;

	memset(ctx->slot_read, 0, sizeof(ctx->slot_read));
	if (jit.reads_back[given.op]) {
		ctx->b.dry = true;
		jit_insn_pass(ctx, in, index);
	} else {
		bool more = jit_insn_pass(ctx, in, index), read_back = false;
		for (unsigned k = 0; k < ctx->nslots; k++)
			read_back |= ctx->slot_read[k];
		if (!read_back)
			return more;
		jit.reads_back[given.op] = true;
	}
	bool read[JIT_SLOTS];
	memcpy(read, ctx->slot_read, sizeof(read));
	*ctx = before;
	*in = given;
	jit.nsites = nsites;
	jit.nxt = nxt;
	jit.nms = nms;
	*jit.n_loops = loops;
	memcpy(ctx->slot_read, read, sizeof(read));
	return jit_insn_pass(ctx, in, index);
}

static const uint8_t *jit_relink(uint32_t site1, const struct jit_jc *jc);

static void jit_emit_stubs(void)
{
	struct x86_buf b;
	static const int saved[] = { X86_RBX, X86_RBP, X86_R12, X86_R13, X86_R14, X86_R15 };

	x86_buf_init(&b, jit.code, JIT_STUB_BYTES);
	jit.entry = x86_here(&b);
	for (unsigned k = 0; k < 6; k++)
		x86_push_r(&b, saved[k]);
	x86_alu_ri(&b, X86_SUB, 64, X86_RSP, JIT_FRAME);
	x86_mov_rr(&b, 64, X86_RBX, X86_RDI);
	x86_alu_rr(&b, X86_XOR, 32, X86_R12, X86_R12);
	x86_alu_rr(&b, X86_SUB, 64, X86_R12, X86_RDX);
	x86_mov_mr(&b, 64, x86_mem(X86_RSP, JIT_BUDGET_SLOT), X86_RDX);
	x86_mov_mr(&b, 32, x86_mem(X86_RSP, JIT_DELTA_SLOT), X86_RCX);
	x86_mov_ri(&b, 64, X86_R14, (uint64_t)(uintptr_t)eng.sh);
	x86_mov_ri(&b, 64, X86_R15,
		   jit.has_tlb ? (uint64_t)jit.tlb.table :
		   jit.has_win ? (uint64_t)(uintptr_t)jit.win.base : 0);
	x86_jmp_r(&b, X86_RSI);
	jit.epilogue = x86_here(&b);
	x86_alu_rm(&b, X86_ADD, 64, X86_RAX, x86_mem(X86_RSP, JIT_BUDGET_SLOT));
	x86_alu_ri(&b, X86_ADD, 64, X86_RSP, JIT_FRAME);
	for (unsigned k = 6; k-- > 0;)
		x86_pop_r(&b, saved[k]);
	x86_op0(&b, X86_RET);

	/*
	 * The indirect-branch lookup, entered with r[15] set, r12 counting the
	 * block just left and edx = its key's USER and BE bits: the
	 * dispatcher's lookup cache (jit_lookup) probed inline. A hit is an
	 * entry the dispatcher filled under the same fetch translation
	 * (xlat_epoch, DACR; the key holds the privilege): set the frame's
	 * delta for that address and jump into its code (its entry check
	 * comes first; a dropped block's entry jumps to jit.lookup_miss).
	 * Otherwise leave for the dispatcher with SEM_BRANCH.
	 */
	jit.lookup = x86_here(&b);
	x86_alu_rr(&b, X86_XOR, 32, X86_R8, X86_R8);
	jit.lookup_site = x86_here(&b);
	x86_mov_rm(&b, 32, X86_RAX, JCPU(cpsr));
	x86_alu_ri(&b, X86_AND, 32, X86_RAX, (int32_t)CPSR_T);
	x86_shift_ri(&b, X86_SHL, 32, X86_RAX, 3); /* CPSR_T (bit 5) -> JIT_KEY_THUMB */
	x86_alu_rr(&b, X86_OR, 32, X86_RDX, X86_RAX);
	x86_mov_rm(&b, 32, X86_RAX, JREG(15));
	x86_mov_rr(&b, 32, X86_RCX, X86_RAX);
	x86_shift_ri(&b, X86_SHR, 32, X86_RCX, 1);
	x86_mov_rr(&b, 32, X86_RSI, X86_RDX);
	x86_shift_ri(&b, X86_SHL, 32, X86_RSI, 4);
	x86_alu_rr(&b, X86_XOR, 32, X86_RCX, X86_RSI);
	x86_alu_ri(&b, X86_AND, 32, X86_RCX, JIT_JC - 1);
	_Static_assert(sizeof(struct jit_jc) == 32, "a lookup-cache entry is 32 bytes");
	x86_shift_ri(&b, X86_SHL, 64, X86_RCX, 5);
	x86_mov_ri(&b, 64, X86_RSI, (uint64_t)(uintptr_t)jit.jc);
	x86_alu_rr(&b, X86_ADD, 64, X86_RCX, X86_RSI);
	uint8_t *miss[4];
	x86_alu_rm(&b, X86_CMP, 32, X86_RAX, x86_mem(X86_RCX, (int32_t)__builtin_offsetof(struct jit_jc, va)));
	miss[0] = x86_jcc32(&b, X86_CC_NE, NULL);
	x86_alu_rm(&b, X86_CMP, 32, X86_RDX, x86_mem(X86_RCX, (int32_t)__builtin_offsetof(struct jit_jc, key)));
	miss[1] = x86_jcc32(&b, X86_CC_NE, NULL);
	x86_mov_rm(&b, 32, X86_RAX, x86_mem(X86_RCX, (int32_t)__builtin_offsetof(struct jit_jc, epoch)));
	x86_alu_rm(&b, X86_CMP, 32, X86_RAX, JCPU(xlat_epoch));
	uint8_t *epoch_ok = x86_jcc32(&b, X86_CC_E, NULL);
	x86_alu_rm(&b, X86_CMP, 32, X86_RAX, JCPU(xlat_gepoch));
	miss[2] = x86_jcc32(&b, X86_CC_NE, NULL);
	x86_patch_rel32(epoch_ok, x86_here(&b));
	x86_mov_rm(&b, 32, X86_RAX, JCPU(cp15.dacr));
	x86_alu_rm(&b, X86_CMP, 32, X86_RAX, x86_mem(X86_RCX, (int32_t)__builtin_offsetof(struct jit_jc, dacr)));
	miss[3] = x86_jcc32(&b, X86_CC_NE, NULL);
	x86_mov_rm(&b, 32, X86_RAX, x86_mem(X86_RCX, (int32_t)__builtin_offsetof(struct jit_jc, delta)));
	x86_mov_rm(&b, 64, X86_RDX, x86_mem(X86_RCX, (int32_t)__builtin_offsetof(struct jit_jc, code)));
	x86_mov_mr(&b, 32, x86_mem(X86_RSP, JIT_DELTA_SLOT), X86_RAX);
	x86_unop_m(&b, X86_INC, 64, x86_mem(X86_R14, jit_counter_disp(jit.n_lookup_hit)));
	x86_test_rr(&b, 32, X86_R8, X86_R8);
	uint8_t *relink = x86_jcc32(&b, X86_CC_NE, NULL);
	x86_jmp_r(&b, X86_RDX);
	/* A guarded exit whose epoch moved: link it again (jit_relink),
	 * then enter what it returns. */
	x86_patch_rel32(relink, x86_here(&b));
	x86_mov_rr(&b, 32, X86_RDI, X86_R8);
	x86_mov_rr(&b, 64, X86_RSI, X86_RCX);
	if (x86_fits32(x86_rel(x86_here(&b), 5, (const void *)jit_relink))) {
		x86_call32(&b, (const void *)jit_relink);
	} else {
		x86_mov_ri(&b, 64, X86_RAX, (uint64_t)(uintptr_t)jit_relink);
		x86_call_r(&b, X86_RAX);
	}
	x86_alu_rr(&b, X86_XOR, 32, X86_R8, X86_R8);
	x86_jmp_r(&b, X86_RAX);
	/* A miss (r8: a guarded exit's site + 1, or 0) and a dropped
	 * block's entry go back to the dispatcher, which links the site. */
	jit.lookup_miss = x86_here(&b);
	for (unsigned k = 0; k < 4; k++)
		x86_patch_rel32(miss[k], jit.lookup_miss);
	x86_unop_m(&b, X86_INC, 64, x86_mem(X86_R14, jit_counter_disp(jit.n_lookup_miss)));
	x86_mov_rr(&b, 64, X86_RAX, X86_R12);
	x86_mov_rr(&b, 32, X86_RDX, X86_R8);
	x86_shift_ri(&b, X86_SHL, 32, X86_RDX, 8);
	x86_alu_ri(&b, X86_OR, 32, X86_RDX, SEM_BRANCH);
	x86_jmp32(&b, jit.epilogue);
	if (!x86_buf_ok(&b))
		jit_fail("entry stub");
	jit.stubs_end = (uint8_t *)(((uintptr_t)x86_here(&b) + 15) & ~(uintptr_t)15);
}

/* Describe the block just translated to the host (run.jit_log,
 * run.perf_map); only while config.jit_notify is set. */
__attribute__((cold, noinline)) static void jit_notify(const struct jit_tb *tb,
						       const struct jit_ctx *ctx,
						       const struct arm_insn *given)
{
	struct captive_jit_block *jb = &eng.sh->jit_block;

	jb->host_code = (uint64_t)(uintptr_t)tb->code;
	jb->host_len = (uint32_t)(ctx->b.p - tb->code);
	jb->cold_code = (uint64_t)(uintptr_t)ctx->cold.start;
	jb->cold_len = (uint32_t)(ctx->cold.p - ctx->cold.start);
	jb->guest_pa = tb->pa;
	jb->guest_va = tb->va;
	jb->guest_bytes = tb->bytes;
	jb->ninsn = tb->ninsn;
	jb->thumb = (tb->key & JIT_KEY_THUMB) != 0;
	jb->itstate = tb->key & 0xff;
	jb->one_off = given != NULL;
	jb->raw = given ? given->raw : 0;
	plat_doorbell(CAPTIVE_DB_JIT_BLOCK);
}

/*
 * Translate the block at va (physical pa, host bytes of its page at host)
 * under key. A one-off translation (code outside RAM or straddling a page)
 * is made the same way and not entered in the lookup structures.
 */
static struct jit_ctx jit_ctx_for(struct jit_tb *tb, uint32_t va, uint32_t key, bool cache)
{
	struct jit_ctx ctx = {
		.epilogue = jit.epilogue,
		.lookup = jit.lookup,
		.helper_count = jit_counter_disp(jit.n_helpers),
		.tb = cache ? tb : NULL,
		.tlb = jit.has_tlb && !(key & JIT_KEY_BE) ? &jit.tlb : NULL,
		.win = jit.has_win && !(key & JIT_KEY_BE) ? &jit.win : NULL,
		.key = key,
		.pc = va,
		.va0 = va,
		.it = key & 0xff,
		.it_mem = (int16_t)(key & 0xff),
		.it_out = -1,
		.dec_it = key & 0xff,
		.thumb = key & JIT_KEY_THUMB,
		.per_insn = eng.sh->config.irq_strategy == CAPTIVE_IRQ_PER_INSN,
		.liveness = true,
	};
	memset(ctx.home, -1, sizeof(ctx.home));
	memset(ctx.guest, -1, sizeof(ctx.guest));
	x86_buf_init(&ctx.b, jit.code_next, JIT_BLOCK_MAX_BYTES);
	x86_buf_init(&ctx.cold, jit.cold_next, JIT_BLOCK_MAX_BYTES);
	return ctx;
}

/*
 * Emit the block at ctx->va0 (physical pa, its page's bytes at page_host;
 * given: a one-off's instruction) and return how many instructions it has.
 * preload: a loop block (jit_loop_back): the guest registers to cache at
 * entry, of which written are assumed dirty from the loop head on.
 */
static unsigned jit_emit(struct jit_ctx *ctx, struct jit_tb *tb, gpa_t pa, const uint8_t *page_host,
			 const struct arm_insn *given, uint16_t preload, uint16_t written)
{
	const uint32_t va0 = ctx->va0, key = ctx->key;
	unsigned max = (key & JIT_KEY_SINGLE) || given ? 1 : JIT_MAX_INSNS, n = 0;
	uint32_t va = va0;
	struct arm_insn pre[JIT_MAX_INSNS];
	unsigned npre = 0;	/* decoded ahead (jit_decode_stretch) */
	const bool no_liveness = !ctx->liveness || ctx->per_insn;

	memset(ctx->dead_of, 0, sizeof(ctx->dead_of));
	/* The entry check, for every entry but the dispatcher's single steps. */
	const bool checked = !(key & JIT_KEY_SINGLE) && !given;
	struct jit_entry entry = { 0 };
	if (checked)
		entry = jit_entry_check(ctx, false);
	if (preload) {
		for (unsigned r = 0; r < 15; r++)
			if ((preload >> r) & 1)
				jb_cache(ctx, r, true);
		for (unsigned r = 0; r < 15; r++) {
			ctx->dirty[r] = ctx->home[r] >= 0 && ((written >> r) & 1);
			if (ctx->home[r] >= 0)
				ctx->pinned |= (uint8_t)(1u << ctx->home[r]);
		}
		memcpy(ctx->loop_home, ctx->home, sizeof(ctx->home));
		memcpy(ctx->loop_dirty, ctx->dirty, sizeof(ctx->dirty));
		/* Every iteration jumps here: a 32-byte aligned target (the
		 * padding runs once per entry; unaligned, the compute benchmark's
		 * inner loop ran up to a third slower in some placements). */
		x86_nop(&ctx->b, (unsigned)(-(uintptr_t)x86_here(&ctx->b) & 31));
		ctx->loop_head = x86_here(&ctx->b);
		ctx->rax_at = NULL;
	}
	for (;;) {
		struct arm_insn in;
		uint32_t off = va & (JIT_PAGE_SIZE - 1);

		if (given) {
			in = *given;
		} else {
			if (n == npre)
				npre = jit_decode_stretch(ctx, page_host, off, n, max, pre, no_liveness);
			if (n == npre)
				break; /* straddles the page end: the next block runs it */
			in = pre[n];
		}
		tb->self_loop = in.op == ARM_OP_B && (uint32_t)(va + (ctx->thumb ? 4 : 8) + in.imm) == va;
		tb->self_pc = va;
		ctx->pc = va;
		ctx->ipa = ctx->tb ? (uint32_t)(pa + (va - va0)) : JIT_NO_PA;
		ctx->slow = ctx->win && jit_site_slow(ctx->ipa);
		bool more = jit_insn(ctx, &in, n);
		if (!x86_buf_ok(&ctx->b))
			engine_panic("exec=jit: %s translating op %u (encoding 0x%08x at 0x%08x)",
				     ctx->b.invalid ? "an unencodable x86 operand" : "code buffer overflow",
				     in.op, in.raw, va);
		n++;
		va = ctx->next_pc;
		if (!more || n == max || !(va & (JIT_PAGE_SIZE - 1)))
			break;
		if (ctx->b.end - ctx->b.p < (ptrdiff_t)(JIT_BLOCK_MAX_BYTES / 2) ||
		    ctx->cold.end - ctx->cold.p < (ptrdiff_t)(JIT_BLOCK_MAX_BYTES / 2)) {
			/* an end the flag liveness did not see coming */
			ctx->cut = true;
			break;
		}
	}
	if (n == 0)
		return 0;
	/* Fall-through exit (unreachable after an unconditional end). */
	ctx->count = n;
	jit_chain_exit(ctx, va, (key & (JIT_KEY_THUMB | JIT_KEY_KEPT)) | ctx->it, SEM_NEXT);
	if (checked) {
		/* The entry check failed: nothing ran. */
		jit_entry_maybe(ctx, &entry);
		jit_leave_at_start(ctx, SEM_NEXT);
		int32_t len = -(int32_t)n;
		for (unsigned k = 0; k < ctx->nbudget; k++)
			memcpy(ctx->budget[k], &len, 4);
	}
	return n;
}

static struct jit_tb *jit_translate_block(uint32_t va, gpa_t pa, const uint8_t *page_host,
					  uint32_t key, const struct arm_insn *given, bool cache)
{
	if (jit.ntb == JIT_TBS || JIT_HOT_END - jit.code_next < JIT_BLOCK_MAX_BYTES ||
	    jit.code + JIT_CODE_BYTES - jit.cold_next < JIT_BLOCK_MAX_BYTES ||
	    jit.nxt > JIT_XT - JIT_XT_BLOCK || jit.nms > JIT_MSLOTS - JIT_MSLOT_BLOCK)
		jit_flush();
	struct jit_tb *tb = &jit_tbs[jit.ntb++];
	const unsigned nsites = jit.nsites, nxt = jit.nxt, nms = jit.nms;
	/* A cached block is translated as if at its physical address, and runs
	 * wherever its page is mapped (JV_PCREL); a one-off at its own. */
	const uint32_t va0 = cache ? (uint32_t)pa : va;
	struct jit_ctx ctx;

	tb->pa = pa;
	tb->base = va0;
	tb->va = va;
	tb->key = key;
	tb->code = jit.code_next;
	tb->self_loop = false;
	tb->live = cache;
	tb->in = 0;
	/*
	 * Emitted again (from the same place) when the first try says so: a
	 * block that branches back to its own start, using at most a pool's
	 * worth of guest registers up to that branch, as a loop with those
	 * registers cached across iterations (jit_loop_back); a block cut short
	 * by code space without flag liveness, as the flags must be exact at
	 * an end it did not see coming.
	 */
	bool liveness = true, looped = false;
	uint16_t touched = 0, written = 0;
	unsigned n;
	for (;;) {
		jit.nsites = nsites;
		jit.nxt = nxt;
		jit.nms = nms;
		ctx = jit_ctx_for(tb, va0, key, cache);
		ctx.liveness = liveness;
		n = jit_emit(&ctx, tb, pa, page_host, given, touched, written);
		if (n && ctx.cut && liveness) {
			liveness = false;
			continue;
		}
		if (n && ctx.loop_touched && !looped) {
			looped = true;
			touched = ctx.loop_touched;
			written = ctx.loop_written;
			continue;
		}
		break;
	}
	if (n == 0)
		return NULL;
	if (!x86_buf_ok(&ctx.b) || !x86_buf_ok(&ctx.cold))
		jit_fail("a block overflowed its code buffer");
	tb->ninsn = (uint16_t)n;
	tb->bytes = ctx.next_pc - va0; /* the last instruction's end */
	jit.code_next = (uint8_t *)(((uintptr_t)ctx.b.p + 15) & ~(uintptr_t)15);
	jit.cold_next = (uint8_t *)(((uintptr_t)ctx.cold.p + 15) & ~(uintptr_t)15);
	eng.sh->stats.decode_cache_misses++;
	(*jit.n_blocks)++;
	*jit.n_insns += n;
	if (eng.sh->config.jit_notify)
		jit_notify(tb, &ctx, given);
	if (!cache)
		return tb; /* in no lookup structure: jit_one_offs */
	unsigned h = jit_hash(pa, key), ph = jit_page_hash(pa & ~(gpa_t)(JIT_PAGE_SIZE - 1));
	tb->hnext = jit.hash[h];
	jit.hash[h] = tb;
	tb->pnext = jit.page_hash[ph];
	jit.page_hash[ph] = tb;
	uint64_t pn = pa >> JIT_PAGE_SHIFT;
	jit_code_bitmap[pn >> 3] |= (uint8_t)(1u << (pn & 7));
	tb->print = jit_print(pa, key, page_host + (pa & (JIT_PAGE_SIZE - 1)), tb->bytes);
	if (jit_gone[tb->print & (JIT_GONE - 1)] == tb->print) {
		(*jit.n_retrans)++;
		*jit.n_retrans_insns += n;
	}
	return tb;
}

/* jit_translate_block, its time counted (jit_translate_tsc). */
static struct jit_tb *jit_translate(uint32_t va, gpa_t pa, const uint8_t *page_host, uint32_t key,
				    const struct arm_insn *given, bool cache)
{
	uint64_t t0 = engine_tsc();
	struct jit_tb *tb = jit_translate_block(va, pa, page_host, key, given, cache);
	*jit.n_tsc += engine_tsc() - t0;
	return tb;
}

static struct jit_tb *jit_find(gpa_t pa, uint32_t key)
{
	struct jit_tb *tb = jit.hash[jit_hash(pa, key)];

	while (tb && (tb->pa != pa || tb->key != key))
		tb = tb->hnext;
	return tb;
}

int exec_init(struct arm_cpu *cpu)
{
	jit.cpu = cpu;
	jit.has_tlb = mmu_jit_tlb(&jit.tlb);
	jit.has_win = !jit.has_tlb && mmu_jit_window(&jit.win);
	/* Sites keep translations where the slots are within an r15-relative
	 * disp32 (they and the TLB are in the engine's own data). */
	intptr_t lo = (intptr_t)(uintptr_t)jit_mslots - (intptr_t)jit.tlb.table;
	intptr_t hi = lo + (intptr_t)sizeof(jit_mslots);
	jit.mslots = jit.has_tlb && jit.tlb.gen_off && lo > INT32_MIN && hi < INT32_MAX;
	/* Once per process: an engine started again (the test suites start
	 * thousands) reuses it, its stubs emitted again below. */
	if (!jit.code)
		jit.code = plat_code_alloc(JIT_CODE_BYTES);
	if (!jit.code)
		engine_panic("exec=jit: this platform gives the engine no executable memory for its "
			     "code cache");
	jit.n_blocks = engine_counter("jit_blocks");
	jit.n_insns = engine_counter("jit_insns_translated");
	jit.n_retrans = engine_counter("jit_retranslated_blocks");
	jit.n_retrans_insns = engine_counter("jit_retranslated_insns");
	jit.n_chains = engine_counter("jit_chain_patches");
	jit.n_lookup_hit = engine_counter("jit_lookup_hits");
	jit.n_lookup_miss = engine_counter("jit_lookup_misses");
	jit.n_helpers = engine_counter("jit_helper_calls");
	jit.n_slow_sites = engine_counter("jit_slow_sites");
	jit.n_slow_forgot = engine_counter("jit_slow_forgot");
	jit.n_loops = engine_counter("jit_loop_edges");
	jit.n_tsc = engine_counter("jit_translate_tsc");
	jit_emit_stubs();
	jit_flush();
	eng.sh->stats.code_flushes = 0;
	return 0;
}

static void jit_wfi(struct captive_shared *sh)
{
	sh->stats.wfis++;
	if (__atomic_load_n(&sh->irq_line, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&sh->stop_request, __ATOMIC_ACQUIRE))
		return;
	sh->in_wfi = 1;
	plat_doorbell(CAPTIVE_DB_WFI);
	sh->in_wfi = 0;
}

/*
 * The block to run at cpu->r[15]: from the lookup cache when the fetch
 * translation has not moved since, else through the mmu (which may take a
 * prefetch abort: NULL with *faulted). Code outside RAM and a T32
 * instruction straddling a page end get a one-off translation, reused while
 * the encoding read there is the same (jit_one_offs).
 */
static struct jit_tb *jit_lookup(struct arm_cpu *cpu, uint32_t key, bool *faulted)
{
	uint32_t va = cpu->r[15];
	struct jit_jc *jc = jit_jc_at(va, key);
	struct arm_fault f;
	const uint8_t *host;
	gpa_t pa;

	*faulted = false;
	/* A dropped block leaves the cache (jit_drop), a flush empties it. */
	if (jc->va == va && jc->key == key &&
	    (jc->epoch == cpu->xlat_epoch || jc->epoch == cpu->xlat_gepoch) &&
	    jc->dacr == cpu->cp15.dacr && jit_tbs[jc->tb].live)
		return &jit_tbs[jc->tb];
	if (mmu_translate_fetch(cpu, va, MMU_FETCH | cpu->mem_user, &pa, &host, &f)) {
		arm_prefetch_abort(cpu, &f, va);
		*faulted = true;
		return NULL;
	}
	bool thumb = key & JIT_KEY_THUMB;
	uint32_t off = va & (JIT_PAGE_SIZE - 1);
	if (!host || (thumb && off == JIT_PAGE_SIZE - 2)) {
		struct arm_insn in;
		uint32_t w, hw2 = 0;
		unsigned fl = MMU_FETCH | cpu->mem_user;
		if (!thumb) {
			if (mmu_read(cpu, va, 4, &w, fl, &f))
				goto fault;
			arm_decode_a32(w, &in);
		} else {
			if (mmu_read(cpu, va, 2, &w, fl, &f) ||
			    (arm_t32_wide(w) && mmu_read(cpu, va + 2, 2, &hw2, fl, &f)))
				goto fault;
			arm_decode_t32((w << 16) | hw2, &in);
		}
		struct jit_one_off *o = &jit_one_offs[((va >> 1) ^ key) % JIT_ONE_OFFS];
		if (!o->tb || o->va != va || o->key != key || o->raw != in.raw) {
			o->tb = jit_translate(va, pa, NULL, key, &in, false);
			o->va = va;
			o->key = key;
			o->raw = in.raw;
		}
		return o->tb;
	}
	unsigned span = mmu_fetch_span_log2();
	struct jit_tb *tb = jit_find(pa, key);
	if (!tb) {
		/* The page may have lost its code (and the mmu its write
		 * tracking with it) since the fetch translation: say so first. */
		if (!exec_page_has_code(pa))
			mmu_code_page_added(pa);
		tb = jit_translate(va, pa, host - off, key, NULL, true);
	}
	jc->epoch = jit_fetch_epoch(cpu);
	jit_jc_mark(cpu, va, span, jc->epoch);
	jc->va = va;
	jc->key = key;
	jc->dacr = cpu->cp15.dacr;
	jc->delta = va - tb->base;
	jc->tb = (uint32_t)(tb - jit_tbs);
	jc->code = tb->code;
	return tb;
fault:
	arm_prefetch_abort(cpu, &f, va);
	*faulted = true;
	return NULL;
}

struct jit_ret {
	uint64_t count;		/* instructions attempted */
	uint64_t status;	/* enum sem_end | (chain site + 1) << 8 */
};

typedef struct jit_ret (*jit_entry_fn)(struct arm_cpu *cpu, const void *code, uint64_t budget,
				       uint32_t delta);

/*
 * The block just left through chain site s for tb: make the jump go
 * straight to tb from now on, when tb is what that exit leads to. Within a
 * page, always (the site's target is an address as its block was
 * translated, and both blocks are of one page, translated at their physical
 * addresses). To another page, while the block runs at the address it ran
 * at now and the fetch translation stays as tb was just found under (the
 * guard, struct jit_site): the target's address is the pc, whatever led
 * here.
 */
static void jit_link(uint32_t s, struct jit_tb *tb)
{
	struct jit_site *site = &jit.sites[s];
	const struct arm_cpu *cpu = jit.cpu;
	bool guarded = site->epoch_imm, indirect = site->pc_imm;

	/* An indirect branch's key leaves CPSR.T to its guard. */
	if (!tb->live || !site->owner->live ||
	    (indirect ? (tb->key & ~JIT_KEY_THUMB) : tb->key) != site->key ||
	    (!guarded && (site->target != tb->base ||
			  ((tb->pa ^ site->owner->pa) & ~(gpa_t)(JIT_PAGE_SIZE - 1)))))
		return;
	if (site->linked != tb) {
		jit_unguard(site);
		if (!x86_patch_jmp_atomic(site->jmp, tb->code))
			return;
		if (site->linked) {
			/* linked elsewhere under an earlier translation */
			uint32_t *from = site->in_prev ? &jit.sites[site->in_prev - 1].in_next
						       : &site->linked->in;
			*from = site->in_next;
			if (site->in_next)
				jit.sites[site->in_next - 1].in_prev = site->in_prev;
		}
		site->linked = tb;
		site->in_prev = 0;
		site->in_next = tb->in;
		if (tb->in)
			jit.sites[tb->in - 1].in_prev = s + 1;
		tb->in = s + 1;
		(*jit.n_chains)++;
	}
	if (guarded) {
		if (indirect)
			jit_put32(site->pc_imm, cpu->r[15] | ((cpu->cpsr & CPSR_T) ? 1u : 0u));
		else
			jit_put32(site->delta_imm, cpu->r[15] - site->target);
		jit_put32(site->dacr_imm, cpu->cp15.dacr);
		jit_put32(site->to_delta_imm, cpu->r[15] - tb->base);
		/* The epoch it checks, and which: the global one when the
		 * lookup cache has the target through a global mapping. */
		const struct jit_jc *jc = jit_jc_at(cpu->r[15], tb->key);
		bool global = jc->va == cpu->r[15] && jc->key == tb->key && jc->epoch == cpu->xlat_gepoch;
		jit_put32(site->epoch_imm - 4, global ? JIT_OFF_GEPOCH : JIT_OFF_EPOCH);
		jit_put32(site->epoch_imm, global ? cpu->xlat_gepoch : cpu->xlat_epoch);
	}
}

/* The lookup stub's hit for a guarded exit (site + 1) whose epoch moved:
 * link the site to that entry's block, and enter its code. */
static const uint8_t *jit_relink(uint32_t site1, const struct jit_jc *jc)
{
	jit_link(site1 - 1, &jit_tbs[jc->tb]);
	return jc->code;
}

int exec_run(struct arm_cpu *cpu)
{
	struct captive_shared *sh = eng.sh;
	const uint64_t limit = sh->config.insn_limit ? sh->config.insn_limit : UINT64_MAX;
	const jit_entry_fn enter = (jit_entry_fn)(uintptr_t)jit.entry;
	uint64_t done = 0, counted = 0;
	uint32_t site = 0; /* the chain site the last block left by, + 1 */
	bool hung = false;
	int stop;

	arm_flags_set_nzcv(cpu, cpu->cpsr);
	for (;;) {
		/* ---- block boundary: a safe point ---- */
		sh->stats.insns += done - counted;
		counted = done;
		sh->stats.blocks++;
		if (cpu->xlat_epoch > JIT_EPOCH_MAX || cpu->xlat_gepoch > (JIT_EPOCH_MAX | 0x80000000u)) {
			jit_flush();
			cpu->xlat_epoch = 0;
			cpu->xlat_gepoch = 0x80000000u;
		}
		if (jit_tlb_gen() - jit.gen_flushed > JIT_GEN_MAX)
			jit_flush();
		bool debug;
		stop = engine_safe_point(cpu, done, limit, hung, &debug);
		if (stop == ENGINE_SAFE_POINT_AGAIN)
			continue;
		if (stop)
			break;

		bool thumb = cpu->cpsr & CPSR_T, faulted;
		uint32_t key = (thumb ? JIT_KEY_THUMB | arm_itstate(cpu->cpsr) : 0) |
			       (debug ? JIT_KEY_SINGLE : 0) | (cpu->mem_user ? JIT_KEY_USER : 0) |
			       (cpu->cpsr & CPSR_E ? JIT_KEY_BE : 0) |
			       (cpu->cp15.sctlr & SCTLR_A ? JIT_KEY_ALIGN : 0);
		struct jit_tb *tb = jit_lookup(cpu, key, &faulted);
		if (faulted) {
			done++;
			site = 0;
			continue;
		}
		if (tb && tb->ninsn > limit - done) {
			key |= JIT_KEY_SINGLE;
			tb = jit_lookup(cpu, key, &faulted);
		}
		if (!tb)
			jit_fail("no block at a fetchable address");
		if (site && !(key & JIT_KEY_SINGLE))
			jit_link(site - 1, tb);
		cpu->exec_exit = 0;
		uint64_t budget = limit - done < JIT_CHAIN_BUDGET ? limit - done : JIT_CHAIN_BUDGET;
		const uint32_t delta = cpu->r[15] - tb->base;
		struct jit_ret ret = enter(cpu, tb->code, budget, delta);
		int r = (int)(ret.status & 0xff);
		site = (uint32_t)(ret.status >> 8);
		done += ret.count;
		if (r == SEM_BRANCH)
			hung = tb->self_loop && cpu->r[15] == tb->self_pc + delta &&
			       (cpu->cpsr & (CPSR_I | CPSR_F)) == (CPSR_I | CPSR_F);
		else if (r == SEM_WFI)
			jit_wfi(sh);
		else if (r == SEM_STOP) {
			stop = (int)sh->exit.reason;
			break;
		}
	}
	sh->stats.insns += done - counted;
	cpu->cpsr = arm_cpsr_read(cpu);
	return stop;
}
