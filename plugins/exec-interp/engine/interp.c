/*
 * exec-interp: a decode-and-dispatch interpreter over a decoded-instruction
 * cache indexed by guest PHYSICAL address (the Bochs technique): per guest
 * physical page an array of decoded records, one slot per halfword so that
 * T32 fits the same page. Records are decoded on first execution; stores to a
 * page holding decoded code reach exec_invalidate_page() through the mmu
 * (exec_page_has_code() is the bitmap it asks), so the cache never holds
 * stale code and self-modifying code just works.
 *
 * Blocks: straight-line execution within one page, ended by a taken branch
 * or any write to PC, an exception, an instruction that changes what IRQ
 * sampling or translation depends on (SEM_SYNC: MSR, CPS, MCR, ISB), WFI, or
 * the page end. Block ends are the safe points: engine_poll_stop(), the
 * instruction limit and (per-block) IRQ sampling happen there. Per-insn
 * sampling also looks at the IRQ line and stop_request after every
 * instruction and leaves the block as soon as either needs attention.
 *
 * Instruction counting: every instruction whose execution was attempted
 * counts, whether its condition failed or it raised an exception.
 */
#include "engine/debug.h"
#include "engine/engine.h"
#include "engine/exec.h"
#include "engine/mmu.h"
#include "engine/plat.h"
#include "engine/rt.h"
#include "interp_builder.h"

#include "arm/sem.c.inc"

#define INTERP_PAGE_SHIFT 12
#define INTERP_PAGE_SIZE (1u << INTERP_PAGE_SHIFT)
#define INTERP_SLOTS (INTERP_PAGE_SIZE / 2)
#define INTERP_POOL 512 /* decoded pages; all are dropped when it is full */
#define INTERP_HASH 1024
#define INTERP_PHYS_PAGES (1u << (32 - INTERP_PAGE_SHIFT))

struct interp_page {
	gpa_t pa;	/* page base */
	uint32_t gen;	/* slots are valid only when gen == interp.gen */
	struct interp_page *next;
	bool io_any;			     /* some bit of io[] is set */
	uint8_t io[INTERP_SLOTS / 8];	     /* remembered slow accesses, per slot */
	struct arm_insn slot[INTERP_SLOTS];
};

static struct {
	struct interp_page *hash[INTERP_HASH];
	unsigned used;
	uint32_t gen;
	/* The page being executed, valid while gen and the cpu's fetch epoch
	 * are unchanged. */
	struct interp_page *cur;
	uint32_t cur_va;
	uint32_t cur_gen;
	uint32_t cur_epoch;
	bool cur_valid;
	struct arm_cpu *cpu;
} interp;

static struct interp_page interp_pool[INTERP_POOL];
static uint8_t interp_code_bitmap[INTERP_PHYS_PAGES / 8];

bool exec_page_has_code(gpa_t pa)
{
	uint64_t pn = pa >> INTERP_PAGE_SHIFT;
	return pn < INTERP_PHYS_PAGES && (interp_code_bitmap[pn >> 3] >> (pn & 7)) & 1;
}

static void interp_mark_code(gpa_t pa)
{
	uint64_t pn = pa >> INTERP_PAGE_SHIFT;
	interp_code_bitmap[pn >> 3] |= (uint8_t)(1u << (pn & 7));
}

static void interp_flush(void)
{
	memset(interp.hash, 0, sizeof(interp.hash));
	memset(interp_code_bitmap, 0, sizeof(interp_code_bitmap));
	interp.used = 0;
	interp.gen++;
}

void exec_invalidate_all(void)
{
	/* Lazy: pages whose gen is stale are cleared when next looked up. */
	interp.gen++;
	eng.sh->stats.code_invalidations++;
}

void exec_tlb_flushed_va(struct arm_cpu *cpu, uint32_t va)
{
	arm_xlat_moved(cpu, true);
}

void exec_invalidate_predictors(void)
{
	/* Decoded records are looked up by guest physical address on every
	 * block start and kept coherent by store tracking: nothing predicts. */
}

static struct interp_page *interp_find(gpa_t page)
{
	struct interp_page *p = interp.hash[(page >> INTERP_PAGE_SHIFT) % INTERP_HASH];

	while (p && p->pa != page)
		p = p->next;
	return p;
}

void exec_invalidate_page(gpa_t pa)
{
	gpa_t page = pa & ~(gpa_t)(INTERP_PAGE_SIZE - 1);
	struct interp_page *p = interp_find(page);
	uint64_t pn = pa >> INTERP_PAGE_SHIFT;

	if (pn < INTERP_PHYS_PAGES)
		interp_code_bitmap[pn >> 3] &= (uint8_t)~(1u << (pn & 7));
	if (!p || p->gen != interp.gen)
		return;
	/* The executing instruction works on a copy of its record, so the slots
	 * may be cleared under it; the next fetch decodes afresh. */
	memset(p->slot, 0, sizeof(p->slot));
	eng.sh->stats.code_invalidations++;
}

void exec_invalidate_range(gpa_t pa, unsigned len)
{
	struct interp_page *p = interp_find(pa & ~(gpa_t)(INTERP_PAGE_SIZE - 1));
	uint32_t off = (uint32_t)(pa & (INTERP_PAGE_SIZE - 1));

	if (!p || p->gen != interp.gen)
		return;
	/* Records sit at their instruction's first halfword: a T32 one that
	 * starts 2 bytes before the store overlaps it, an A32 one starts at
	 * most 3 bytes before (a multiple of 4, so within the same range). */
	uint32_t first = off >= 2 ? (off - 2) >> 1 : 0;
	uint32_t last = (off + len - 1) >> 1;
	if (last >= INTERP_SLOTS)
		last = INTERP_SLOTS - 1;
	memset(&p->slot[first], 0, (last - first + 1) * sizeof(p->slot[0]));
	eng.sh->stats.code_invalidations++;
}

void exec_note_slow_access(bool again)
{
	/* The instruction runs with r15 = its address + 8 (A32) or + 4 (T32),
	 * from interp.cur when that page is current (else it is uncached). */
	const struct arm_cpu *cpu = interp.cpu;
	uint32_t pc = cpu->r[15] - ((cpu->cpsr & CPSR_T) ? 4u : 8u);
	struct interp_page *p = interp.cur;
	if (!interp.cur_valid || interp.cur_va != (pc & ~(INTERP_PAGE_SIZE - 1)) ||
	    p->gen != interp.gen)
		return;
	uint32_t n = (pc & (INTERP_PAGE_SIZE - 1)) >> 1;
	if (again) {
		p->io[n >> 3] |= (uint8_t)(1u << (n & 7));
		p->io_any = true;
	} else {
		p->io[n >> 3] &= (uint8_t)~(1u << (n & 7));
	}
}

static struct interp_page *interp_get_page(gpa_t page)
{
	struct interp_page *p = interp_find(page);

	if (!p) {
		if (interp.used == INTERP_POOL)
			interp_flush();
		p = &interp_pool[interp.used++];
		p->pa = page;
		p->gen = interp.gen - 1;
		p->next = interp.hash[(page >> INTERP_PAGE_SHIFT) % INTERP_HASH];
		interp.hash[(page >> INTERP_PAGE_SHIFT) % INTERP_HASH] = p;
	}
	if (p->gen != interp.gen) {
		memset(p->slot, 0, sizeof(p->slot));
		memset(p->io, 0, sizeof(p->io));
		p->io_any = false;
		p->gen = interp.gen;
	}
	return p;
}

int exec_init(struct arm_cpu *cpu)
{
	interp.cpu = cpu;
	interp_slow_hint = 0;
	interp_flush();
	interp.cur_valid = false;
	return 0;
}

int interp_undef(struct arm_cpu *cpu, const struct arm_insn *i)
{
	arm_take_exception(cpu, ARM_EXC_UNDEF, interp_insn_addr(cpu, i));
	return SEM_EXC;
}

int interp_svc(struct arm_cpu *cpu, const struct arm_insn *i)
{
	arm_take_exception(cpu, ARM_EXC_SVC, interp_insn_addr(cpu, i));
	return SEM_EXC;
}

int interp_bkpt(struct arm_cpu *cpu, const struct arm_insn *i)
{
	uint32_t pc = interp_insn_addr(cpu, i);
	struct arm_fault f = { .fsr = 0x2u /* debug event */, .addr = pc };

	arm_prefetch_abort(cpu, &f, pc);
	return SEM_EXC;
}

int interp_abort(struct arm_cpu *cpu, const struct arm_insn *i, uint32_t fsr, uint32_t addr, bool write)
{
	struct arm_fault f = { .fsr = fsr, .addr = addr };

	arm_data_abort(cpu, &f, write, interp_insn_addr(cpu, i));
	return SEM_EXC;
}

static void interp_report_unimpl(uint32_t pc, uint32_t raw, bool thumb, const char *what)
{
	char msg[CAPTIVE_MSG_BYTES];

	rt_snprintf(msg, sizeof(msg), "unimplemented %s: encoding 0x%08x at pc 0x%08x", what, raw, pc);
	engine_set_exit(CAPTIVE_STOP_UNIMPLEMENTED, pc, raw, thumb, msg);
}

int interp_unimpl(struct arm_cpu *cpu, const struct arm_insn *i)
{
	uint32_t pc = interp_insn_addr(cpu, i);

	bool narrow = (i->flags & (ARM_F_THUMB | ARM_F_WIDE)) == ARM_F_THUMB;

	interp_report_unimpl(pc, narrow ? i->raw >> 16 : i->raw, i->flags & ARM_F_THUMB,
			     "valid on a Cortex-A9 but not implemented by this engine");
	cpu->r[15] = pc;
	return SEM_STOP;
}

#define DP_CASE(opc, form, s) \
	case ARM_DP_OP(opc, form, s): return sem_dp(cpu, i, opc, form, s);
#define DP_FORM(opc, form) DP_CASE(opc, form, 0) DP_CASE(opc, form, 1)
#define DP_CASES(opc)                                                           \
	DP_FORM(opc, ARM_FORM_IMM) DP_FORM(opc, ARM_FORM_REG) DP_FORM(opc, ARM_FORM_SHI) \
	DP_FORM(opc, ARM_FORM_SHR)
#define LDST_CASES(op)                                    \
	case op: return sem_ldst(cpu, i, op, false);      \
	case op + 1: return sem_ldst(cpu, i, op, true);

/* Execute one decoded instruction whose condition passed. */
static INTERP_INLINE int interp_exec(struct arm_cpu *cpu, const struct arm_insn *i)
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
	case ARM_OP_LDM: return sem_ldm(cpu, i);
	case ARM_OP_STM: return sem_stm(cpu, i);
	case ARM_OP_B: return sem_branch(cpu, i, ARM_OP_B);
	case ARM_OP_BL: return sem_branch(cpu, i, ARM_OP_BL);
	case ARM_OP_BLX_IMM: return sem_branch(cpu, i, ARM_OP_BLX_IMM);
	case ARM_OP_BX: return sem_branch(cpu, i, ARM_OP_BX);
	case ARM_OP_BLX_REG: return sem_branch(cpu, i, ARM_OP_BLX_REG);
	case ARM_OP_MOVW: return sem_movw(cpu, i);
	case ARM_OP_MOVT: return sem_movt(cpu, i);
	case ARM_OP_MUL: return sem_mul(cpu, i, ARM_OP_MUL);
	case ARM_OP_MLA: return sem_mul(cpu, i, ARM_OP_MLA);
	case ARM_OP_MLS: return sem_mul(cpu, i, ARM_OP_MLS);
	case ARM_OP_UMULL: return sem_mull(cpu, i, ARM_OP_UMULL);
	case ARM_OP_UMLAL: return sem_mull(cpu, i, ARM_OP_UMLAL);
	case ARM_OP_SMULL: return sem_mull(cpu, i, ARM_OP_SMULL);
	case ARM_OP_SMLAL: return sem_mull(cpu, i, ARM_OP_SMLAL);
	case ARM_OP_UMAAL: return sem_mull(cpu, i, ARM_OP_UMAAL);
	case ARM_OP_SMULXY: return sem_halfmul(cpu, i, ARM_OP_SMULXY);
	case ARM_OP_SMLAXY: return sem_halfmul(cpu, i, ARM_OP_SMLAXY);
	case ARM_OP_SMULWY: return sem_halfmul(cpu, i, ARM_OP_SMULWY);
	case ARM_OP_SMLAWY: return sem_halfmul(cpu, i, ARM_OP_SMLAWY);
	case ARM_OP_SMLALXY: return sem_halfmul(cpu, i, ARM_OP_SMLALXY);
	case ARM_OP_CLZ: return sem_unary(cpu, i, ARM_OP_CLZ);
	case ARM_OP_REV: return sem_unary(cpu, i, ARM_OP_REV);
	case ARM_OP_REV16: return sem_unary(cpu, i, ARM_OP_REV16);
	case ARM_OP_REVSH: return sem_unary(cpu, i, ARM_OP_REVSH);
	case ARM_OP_RBIT: return sem_unary(cpu, i, ARM_OP_RBIT);
	case ARM_OP_SXTB: return sem_extend(cpu, i, ARM_OP_SXTB);
	case ARM_OP_SXTH: return sem_extend(cpu, i, ARM_OP_SXTH);
	case ARM_OP_SXTB16: return sem_extend(cpu, i, ARM_OP_SXTB16);
	case ARM_OP_UXTB: return sem_extend(cpu, i, ARM_OP_UXTB);
	case ARM_OP_UXTH: return sem_extend(cpu, i, ARM_OP_UXTH);
	case ARM_OP_UXTB16: return sem_extend(cpu, i, ARM_OP_UXTB16);
	case ARM_OP_UBFX: return sem_bitfield(cpu, i, ARM_OP_UBFX);
	case ARM_OP_SBFX: return sem_bitfield(cpu, i, ARM_OP_SBFX);
	case ARM_OP_BFI: return sem_bitfield(cpu, i, ARM_OP_BFI);
	case ARM_OP_BFC: return sem_bitfield(cpu, i, ARM_OP_BFC);
	case ARM_OP_SSAT: return sem_ssat(cpu, i, true);
	case ARM_OP_USAT: return sem_ssat(cpu, i, false);
	case ARM_OP_SSAT16: return sem_ssat16(cpu, i, true);
	case ARM_OP_USAT16: return sem_ssat16(cpu, i, false);
	case ARM_OP_QADD: return sem_qarith(cpu, i, ARM_OP_QADD);
	case ARM_OP_QSUB: return sem_qarith(cpu, i, ARM_OP_QSUB);
	case ARM_OP_QDADD: return sem_qarith(cpu, i, ARM_OP_QDADD);
	case ARM_OP_QDSUB: return sem_qarith(cpu, i, ARM_OP_QDSUB);
	case ARM_OP_SEL: return sem_sel(cpu, i);
	case ARM_OP_PKH: return sem_pkh(cpu, i);
	case ARM_OP_SWP: return sem_swp(cpu, i);
	case ARM_OP_LDREX: return sem_ldrex(cpu, i);
	case ARM_OP_STREX: return sem_strex(cpu, i);
	case ARM_OP_CLREX: B_EXCL_CLEAR(); return SEM_NEXT;
	case ARM_OP_MRS: return sem_mrs(cpu, i);
	case ARM_OP_MSR_IMM: return sem_msr(cpu, i, true);
	case ARM_OP_MSR_REG: return sem_msr(cpu, i, false);
	case ARM_OP_CPS: return sem_cps(cpu, i);
	case ARM_OP_MRC: return sem_mrc(cpu, i);
	case ARM_OP_MCR: return sem_mcr(cpu, i);
	case ARM_OP_SRS: return sem_srs(cpu, i);
	case ARM_OP_RFE: return sem_rfe(cpu, i);
	case ARM_OP_VFP_DP: return sem_vfp_dp(cpu, i);
	case ARM_OP_VFP_LDST: return sem_vfp_ldst(cpu, i);
	case ARM_OP_VFP_XFER: return sem_vfp_xfer(cpu, i);
	case ARM_OP_PAR: return sem_par(cpu, i);
	case ARM_OP_DMUL: return sem_dmul(cpu, i);
	case ARM_OP_USAD8: return sem_usad8(cpu, i);
	case ARM_OP_SETEND: return sem_setend(cpu, i);
	case ARM_OP_IT: return sem_it(cpu, i);
	case ARM_OP_CBZ: return sem_cbz(cpu, i);
	case ARM_OP_TBB: return sem_tbb(cpu, i);
	case ARM_OP_SVC: return interp_svc(cpu, i);
	case ARM_OP_BKPT: return interp_bkpt(cpu, i);
	case ARM_OP_NOP: return SEM_NEXT;
	case ARM_OP_SYNC: return SEM_SYNC;
	case ARM_OP_WFI: return SEM_WFI;
	case ARM_OP_UNDEF: return interp_undef(cpu, i);
	case ARM_OP_UNIMPL: return interp_unimpl(cpu, i);
	default:
		engine_panic("interp: decoded op %u has no semantics (encoding 0x%08x)", i->op, i->raw);
	}
}

/*
 * Find the decoded page for an instruction fetch at pc. Returns the page, or
 * NULL when the code is not in RAM (the caller fetches it through the mmu),
 * or NULL with *faulted set when the fetch took a prefetch abort.
 */
static INTERP_COLD struct interp_page *interp_fetch_slow(struct arm_cpu *cpu, uint32_t pc,
							  bool *faulted)
{
	struct arm_fault f;
	const uint8_t *host;
	gpa_t pa;
	unsigned fl = MMU_FETCH | cpu->mem_user;

	interp.cur_valid = false;
	if (mmu_translate_fetch(cpu, pc, fl, &pa, &host, &f)) {
		arm_prefetch_abort(cpu, &f, pc);
		*faulted = true;
		return NULL;
	}
	if (!host)
		return NULL;
	interp.cur = interp_get_page(pa & ~(gpa_t)(INTERP_PAGE_SIZE - 1));
	interp.cur_va = pc & ~(INTERP_PAGE_SIZE - 1);
	interp.cur_gen = interp.gen;
	interp.cur_epoch = cpu->fetch_epoch;
	interp.cur_valid = true;
	return interp.cur;
}

static INTERP_INLINE struct interp_page *interp_fetch_page(struct arm_cpu *cpu, uint32_t pc,
							   bool *faulted)
{
	*faulted = false;
	if (__builtin_expect(interp.cur_valid && interp.cur_va == (pc & ~(INTERP_PAGE_SIZE - 1)) &&
			     interp.cur_gen == interp.gen && interp.cur_epoch == cpu->fetch_epoch, 1))
		return interp.cur;
	return interp_fetch_slow(cpu, pc, faulted);
}

/*
 * Decode the instruction at pc into its slot. Returns false, leaving the
 * slot alone, for a T32 instruction straddling the page end: its second
 * halfword lives in another page, whose stores would not invalidate this
 * one, so it is never cached (interp_straddles() sends it uncached).
 */
static INTERP_COLD bool interp_decode_slot(struct interp_page *p, uint32_t pc, bool thumb)
{
	uint32_t off = pc & (INTERP_PAGE_SIZE - 1);
	const uint8_t *host = engine_ram_ptr(p->pa + off);
	struct arm_insn *slot = &p->slot[off >> 1];

	/* The page may have lost its code (and its write protection with it)
	 * since the mmu translated the fetch: tell it before reading. */
	if (!exec_page_has_code(p->pa + off))
		mmu_code_page_added(p->pa + off);

	if (thumb) {
		uint16_t hw[2] = { 0, 0 };
		memcpy(&hw[0], host, 2);
		if (arm_t32_wide(hw[0])) {
			if (off == INTERP_PAGE_SIZE - 2)
				return false;
			memcpy(&hw[1], host + 2, 2);
		}
		arm_decode_t32(((uint32_t)hw[0] << 16) | hw[1], slot);
	} else {
		uint32_t raw;
		memcpy(&raw, host, 4);
		arm_decode_a32(raw, slot);
	}
	interp_mark_code(p->pa + off);
	eng.sh->stats.decode_cache_misses++;
	return true;
}

/* Whether pc is a 32-bit T32 instruction straddling the end of page p. */
static INTERP_INLINE bool interp_straddles(const struct interp_page *p, uint32_t pc)
{
	uint16_t hw;

	if ((pc & (INTERP_PAGE_SIZE - 1)) != INTERP_PAGE_SIZE - 2)
		return false;
	memcpy(&hw, engine_ram_ptr(p->pa + INTERP_PAGE_SIZE - 2), 2);
	return arm_t32_wide(hw);
}

/*
 * Fetch and decode the instruction at pc through the mmu: code outside RAM,
 * or a T32 instruction straddling a page end, whose halves are translated
 * separately (a fault on the second reports its address in IFAR, with the
 * instruction's address as the return address). Returns false after taking
 * the prefetch abort.
 */
static INTERP_COLD bool interp_fetch_uncached(struct arm_cpu *cpu, uint32_t pc, bool thumb,
					      struct arm_insn *in)
{
	struct arm_fault f;
	unsigned fl = MMU_FETCH | cpu->mem_user;
	uint32_t w, hw2 = 0;

	if (!thumb) {
		if (mmu_read(cpu, pc, 4, &w, fl, &f))
			goto fault;
		arm_decode_a32(w, in);
		return true;
	}
	if (mmu_read(cpu, pc, 2, &w, fl, &f) ||
	    (arm_t32_wide(w) && mmu_read(cpu, pc + 2, 2, &hw2, fl, &f)))
		goto fault;
	arm_decode_t32((w << 16) | hw2, in);
	return true;
fault:
	arm_prefetch_abort(cpu, &f, pc);
	return false;
}

static INTERP_INLINE unsigned interp_len(const struct arm_insn *in)
{
	_Static_assert(ARM_F_WIDE == 4, "a wide T32 record is 2 + (ARM_F_WIDE >> 1) bytes long");
	return (in->flags & ARM_F_THUMB) ? 2 + ((in->flags & ARM_F_WIDE) >> 1) : 4;
}

/*
 * Execute one decoded instruction at pc off the fast path: code fetched
 * uncached, and every instruction inside an IT block, whose condition and
 * ITSTATE update builder.h describes. Leaves r[15] at the next instruction
 * on SEM_NEXT, SYNC and WFI.
 */
static INTERP_COLD int interp_step(struct arm_cpu *cpu, uint32_t pc, struct arm_insn *in)
{
	bool thumb = in->flags & ARM_F_THUMB;
	uint32_t it = thumb ? arm_itstate(cpu->cpsr) : 0;
	unsigned cond = in->cond;
	int r = SEM_NEXT;

	if (it) {
		arm_t32_in_it(in);
		cond = in->op == ARM_OP_BKPT ? ARM_COND_AL : it >> 4;
	}
	cpu->r[15] = pc + (thumb ? 4 : 8);
	if (cond == ARM_COND_AL || arm_cond_pass(cpu, cond))
		r = interp_exec(cpu, in);
	if (it) {
		if (r == SEM_NEXT || r == SEM_SYNC || r == SEM_WFI)
			cpu->cpsr = arm_cpsr_with_it(cpu->cpsr, arm_it_advance(it));
		else if (r == SEM_BRANCH)
			cpu->cpsr &= ~CPSR_IT;
	}
	if (r == SEM_NEXT || r == SEM_SYNC || r == SEM_WFI)
		cpu->r[15] = pc + interp_len(in);
	return r;
}

static INTERP_COLD void interp_wfi(struct captive_shared *sh)
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
 * Straight-line execution within one page from pc, in one instruction set
 * (thumb; changing it takes a branch, which ends the block). Leaves r[15] at
 * the next instruction; returns 0, or the stop reason.
 */
static INTERP_INLINE int interp_block(struct arm_cpu *cpu, struct interp_page *page, uint32_t pc,
				      uint64_t *done, uint64_t limit, bool *hung, const bool per_insn,
				      const bool thumb)
{
	struct captive_shared *sh = eng.sh;
	const bool io_page = page->io_any;
	interp_slow_hint = 0;
	for (;;) {
		uint32_t n = (pc & (INTERP_PAGE_SIZE - 1)) >> 1;
		struct arm_insn *slot = &page->slot[n];
		if (__builtin_expect(io_page, 0))
			interp_slow_hint = ((page->io[n >> 3] >> (n & 7)) & 1u) ? MMU_SLOW : 0;
		/* Decoded for this instruction set? (T32 records always carry
		 * ARM_F_THUMB, an empty slot never does.) */
		bool stale = thumb ? !(slot->flags & ARM_F_THUMB)
				   : (slot->op == ARM_OP_NONE) | ((slot->flags & ARM_F_THUMB) != 0);
		if (__builtin_expect(stale, 0) && !interp_decode_slot(page, pc, thumb)) {
			cpu->r[15] = pc; /* straddles the page end: the next block runs it */
			return 0;
		}
		struct arm_insn in = *slot;
		int r = SEM_NEXT;

		if (thumb && __builtin_expect(cpu->cpsr & CPSR_IT, 0)) {
			/* A copy, so that `in` does not escape and can live in
			 * registers on the fast path. */
			struct arm_insn it_in = in;
			r = interp_step(cpu, pc, &it_in);
		} else {
			cpu->r[15] = pc + (thumb ? 4 : 8);
			if (in.cond == ARM_COND_AL || arm_cond_pass(cpu, in.cond))
				r = interp_exec(cpu, &in);
		}
		(*done)++;
		if (__builtin_expect(r != SEM_NEXT, 0)) {
			if (r == SEM_BRANCH) {
				*hung = in.op == ARM_OP_B && cpu->r[15] == pc &&
					(cpu->cpsr & (CPSR_I | CPSR_F)) == (CPSR_I | CPSR_F);
			} else if (r == SEM_SYNC) {
				cpu->r[15] = pc + interp_len(&in);
			} else if (r == SEM_WFI) {
				cpu->r[15] = pc + interp_len(&in);
				interp_wfi(sh);
			} else if (r == SEM_STOP) {
				return (int)sh->exit.reason;
			}
			return 0;
		}
		pc += thumb ? 2 + ((in.flags & ARM_F_WIDE) >> 1) : 4;
		if (__builtin_expect(*done >= limit || !(pc & (INTERP_PAGE_SIZE - 1)), 0)) {
			cpu->r[15] = pc;
			return 0;
		}
		if (per_insn && ((__atomic_load_n(&sh->irq_line, __ATOMIC_RELAXED) & cpu->irq_enable) |
				 __atomic_load_n(&sh->stop_request, __ATOMIC_RELAXED))) {
			cpu->r[15] = pc;
			return 0;
		}
	}
}

static INTERP_INLINE int interp_loop(struct arm_cpu *cpu, const bool per_insn)
{
	struct captive_shared *sh = eng.sh;
	const uint64_t limit = sh->config.insn_limit ? sh->config.insn_limit : UINT64_MAX;
	uint64_t done = 0, counted = 0;
	bool hung = false;
	int stop;

	for (;;) {
		/* ---- block boundary: a safe point ---- */
		sh->stats.insns += done - counted;
		counted = done;
		sh->stats.blocks++;
		bool debug;
		stop = engine_safe_point(cpu, done, limit, hung, &debug);
		if (stop == ENGINE_SAFE_POINT_AGAIN)
			continue;
		if (stop)
			break;
		uint64_t block_limit = debug ? done + 1 : limit;

		uint32_t pc = cpu->r[15];
		bool faulted, thumb = cpu->cpsr & CPSR_T;
		struct interp_page *page = interp_fetch_page(cpu, pc, &faulted);
		if (faulted) {
			done++;
			continue;
		}
		if (!page || (thumb && interp_straddles(page, pc))) {
			struct arm_insn in;
			done++;
			interp_slow_hint = 0;
			if (!interp_fetch_uncached(cpu, pc, thumb, &in))
				continue;
			int r = interp_step(cpu, pc, &in);
			if (r == SEM_STOP) {
				stop = sh->exit.reason;
				break;
			}
			if (r == SEM_WFI)
				interp_wfi(sh);
			continue;
		}
		stop = thumb ? interp_block(cpu, page, pc, &done, block_limit, &hung, per_insn, true)
			     : interp_block(cpu, page, pc, &done, block_limit, &hung, per_insn, false);
		if (stop)
			break;
	}
	sh->stats.insns += done - counted;
	/* Leave the full CPSR in cpu->cpsr for whoever reads it next. */
	cpu->cpsr = arm_cpsr_read(cpu);
	return stop;
}

int exec_run(struct arm_cpu *cpu)
{
	arm_flags_set_nzcv(cpu, cpu->cpsr);
	if (eng.sh->config.irq_strategy == CAPTIVE_IRQ_PER_INSN)
		return interp_loop(cpu, true);
	return interp_loop(cpu, false);
}
