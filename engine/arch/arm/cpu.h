/*
 * The guest CPU: an ARMv7-A core as the engine models it (a Cortex-A9 without
 * the Security or Virtualization Extensions). Owned by the ARM core
 * (engine/arch/arm/); other engine parts use only the members documented for
 * them here (the mmu strategies read `cp15` only).
 *
 * Register file: r[] is the current mode's view of r0..r15. The registers of
 * the other modes live in the bank_* arrays, indexed by enum arm_bank; the
 * current mode's SPSR is bank_spsr[bank] (there is no SPSR in r[]).
 *
 * r[15]: between instructions (and outside exec_run) it is the address of the
 * next instruction to execute. While an instruction executes it is what the
 * instruction reads as PC: its address + 8 (A32) or + 4 (T32).
 *
 * Flags: NZCV are kept split for cheap evaluation (nf: N in bit 31; zf: Z set
 * iff zf == 0; cf: 0 or 1; vf: V in bit 31). Outside exec_run `cpsr` is the
 * full CPSR and the split fields mirror it; inside exec_run the NZCV bits of
 * `cpsr` are stale and arm_cpsr_read() is the only way to read the CPSR.
 */
#ifndef ARM_CPU_H
#define ARM_CPU_H

#include "captive/abi.h"
#include "arm/cp15.h"
#include "arm/vfp.h"

/* CPSR fields. */
#define CPSR_N (1u << 31)
#define CPSR_Z (1u << 30)
#define CPSR_C (1u << 29)
#define CPSR_V (1u << 28)
#define CPSR_Q (1u << 27)
#define CPSR_NZCV 0xf0000000u
#define CPSR_IT_HI 0x0000fc00u /* IT[7:2] */
#define CPSR_IT_LO 0x06000000u /* IT[1:0] */
#define CPSR_IT (CPSR_IT_HI | CPSR_IT_LO)
#define CPSR_J (1u << 24)
#define CPSR_GE 0x000f0000u
#define CPSR_E (1u << 9)
#define CPSR_A (1u << 8)
#define CPSR_I (1u << 7)
#define CPSR_F (1u << 6)
#define CPSR_T (1u << 5)
#define CPSR_M 0x1fu

enum arm_mode {
	ARM_MODE_USR = 0x10,
	ARM_MODE_FIQ = 0x11,
	ARM_MODE_IRQ = 0x12,
	ARM_MODE_SVC = 0x13,
	ARM_MODE_ABT = 0x17,
	ARM_MODE_UND = 0x1b,
	ARM_MODE_SYS = 0x1f,
};

/* Register banks; the same indices as struct captive_arm_state's banked_*. */
enum arm_bank {
	ARM_BANK_USR = 0, /* and SYS */
	ARM_BANK_FIQ = 1,
	ARM_BANK_IRQ = 2,
	ARM_BANK_SVC = 3,
	ARM_BANK_ABT = 4,
	ARM_BANK_UND = 5,
	ARM_BANKS = 6,
};

/* Exceptions, valued as their vector offsets. */
enum arm_exception {
	ARM_EXC_UNDEF = 0x04,
	ARM_EXC_SVC = 0x08,
	ARM_EXC_PABT = 0x0c,
	ARM_EXC_DABT = 0x10,
	ARM_EXC_IRQ = 0x18,
	ARM_EXC_FIQ = 0x1c,
};

#define ARM_EXC_RING 8

struct arm_cpu {
	uint32_t r[16];		/* current-mode view of r0..r15 (see above) */
	uint32_t cpsr;		/* see "Flags" above */
	struct arm_cp15 cp15;	/* read by the mmu strategies */

	uint32_t nf, zf, cf, vf;

	/* Derived from cpsr on every change (arm_cpsr_changed): */
	uint32_t irq_enable;	/* irq_line bits deliverable now: 1 IRQ (I clear), 2 FIQ */
	uint32_t mem_user;	/* MMU_USER in User mode, else 0 */
	uint32_t bank;		/* enum arm_bank of the current mode */

	/* Bumped whenever instruction-fetch translation may have changed
	 * (translation registers, DACR, TLB maintenance, privilege), so an exec
	 * strategy may cache the current page's translation until it moves. */
	uint32_t fetch_epoch;
	/* Bumped with fetch_epoch but for DACR and privilege changes, for a
	 * cache that keys on DACR and privilege itself (exec=jit's lookup
	 * cache: Linux rewrites DACR several times per system call). */
	uint32_t xlat_epoch;
	/* The same for translations through global mappings (nG clear), which
	 * a context switch (TTBR0, CONTEXTIDR) leaves as they were: bumped only
	 * by TLB maintenance that may reach them and by SCTLR, TTBR1 and TTBCR.
	 * Its values have bit 31 set and xlat_epoch's never do (arm_xlat_moved),
	 * so a cached epoch names one of the two. */
	uint32_t xlat_gepoch;

	/* Set by the exec strategy's invalidation hooks when a store removed
	 * the code being executed: leave it after the current instruction. */
	uint32_t exec_exit;

	uint32_t bank_sp[ARM_BANKS];
	uint32_t bank_lr[ARM_BANKS];
	uint32_t bank_spsr[ARM_BANKS];
	uint32_t usr_r8_12[5];	/* valid while not in FIQ mode */
	uint32_t fiq_r8_12[5];	/* valid while in any mode but FIQ */

	/* Local exclusive monitor (LDREX/STREX): cleared by CLREX and exceptions. */
	uint32_t excl_addr;
	uint32_t excl_valid;

	/* The last ARM_EXC_RING exceptions: vector offset and the PC they were
	 * taken at; exc_count is the total, the newest is (exc_count - 1) % 8. */
	uint32_t exc_vec[ARM_EXC_RING];
	uint32_t exc_pc[ARM_EXC_RING];
	uint32_t exc_count;

	/* VFP registers, FPSCR and FPEXC (arm/vfp.h). */
	struct arm_vfp vfp;
};

/* Reset state, then the boot protocol's registers and CPSR (T from r15 bit 0
 * or cpsr.T). A CPSR with an invalid mode boots in SVC mode. */
void arm_cpu_reset(struct arm_cpu *cpu, const struct captive_boot *boot);

/* Fill the published state (also the exception ring: last_exceptions[k] is a
 * vector offset, last_exception_pcs[k] its PC, last_exception_head the total
 * number of exceptions taken; the newest is entry (head - 1) % 8). */
void arm_cpu_publish(const struct arm_cpu *cpu, struct captive_arm_state *st);

/* The full CPSR, valid at any time. */
static inline uint32_t arm_cpsr_read(const struct arm_cpu *cpu)
{
	return (cpu->cpsr & ~CPSR_NZCV) | (cpu->nf & CPSR_N) | ((uint32_t)(cpu->zf == 0) << 30) |
	       (cpu->cf << 29) | ((cpu->vf >> 31) << 28);
}

static inline void arm_flags_set_nzcv(struct arm_cpu *cpu, uint32_t v)
{
	cpu->nf = v & CPSR_N;
	cpu->zf = !(v & CPSR_Z);
	cpu->cf = (v >> 29) & 1;
	cpu->vf = (v << 3) & CPSR_N;
}

/* ConditionPassed() for cond 0..14 (14 = AL). */
static inline bool arm_cond_pass(const struct arm_cpu *cpu, unsigned cond)
{
	bool r;
	switch (cond >> 1) {
	case 0: r = cpu->zf == 0; break;
	case 1: r = cpu->cf; break;
	case 2: r = cpu->nf >> 31; break;
	case 3: r = cpu->vf >> 31; break;
	case 4: r = cpu->cf && cpu->zf != 0; break;
	case 5: r = (int32_t)(cpu->nf ^ cpu->vf) >= 0; break;
	case 6: r = cpu->zf != 0 && (int32_t)(cpu->nf ^ cpu->vf) >= 0; break;
	default: return true;
	}
	return (cond & 1) ? !r : r;
}

/* BXWritePC: bit 0 of the target selects Thumb. */
static inline void arm_bx_write_pc(struct arm_cpu *cpu, uint32_t t)
{
	if (t & 1) {
		cpu->cpsr |= CPSR_T;
		cpu->r[15] = t & ~1u;
	} else {
		cpu->cpsr &= ~CPSR_T;
		cpu->r[15] = t & ~3u;
	}
}

/* A data value as memory holds it: byte-reversed per access of 2 or 4
 * bytes while CPSR.E is set (SETEND BE). */
static inline uint32_t arm_data_endian(const struct arm_cpu *cpu, uint32_t v, unsigned size)
{
	if (__builtin_expect(!(cpu->cpsr & CPSR_E), 1) || size == 1)
		return v;
	return size == 2 ? (uint32_t)__builtin_bswap16((uint16_t)v) : __builtin_bswap32(v);
}

/* Fetch translation may have moved: non-global translations only (a
 * context switch, invalidation by ASID), or all of them (global). */
static inline void arm_xlat_moved(struct arm_cpu *cpu, bool global)
{
	cpu->fetch_epoch++;
	cpu->xlat_epoch = (cpu->xlat_epoch + 1) & 0x7fffffffu;
	if (global)
		cpu->xlat_gepoch = (cpu->xlat_gepoch + 1) | 0x80000000u;
}

/* ITSTATE (IT[7:0]) as kept in the CPSR, and back. */
static inline uint32_t arm_itstate(uint32_t cpsr)
{
	return ((cpsr >> 8) & 0xfcu) | ((cpsr >> 25) & 3u);
}

static inline uint32_t arm_cpsr_with_it(uint32_t cpsr, uint32_t it)
{
	return (cpsr & ~CPSR_IT) | ((it & 0xfcu) << 8) | ((it & 3u) << 25);
}

/* ITAdvance(): the ITSTATE of the next instruction. */
static inline uint32_t arm_it_advance(uint32_t it)
{
	return (it & 7u) ? ((it & 0xe0u) | ((it << 1) & 0x1fu)) : 0;
}

static inline bool arm_mode_valid(uint32_t mode)
{
	switch (mode) {
	case ARM_MODE_USR: case ARM_MODE_FIQ: case ARM_MODE_IRQ: case ARM_MODE_SVC:
	case ARM_MODE_ABT: case ARM_MODE_UND: case ARM_MODE_SYS:
		return true;
	default:
		return false;
	}
}

/* Whether the current mode has an SPSR (not User or System). */
static inline bool arm_have_spsr(const struct arm_cpu *cpu)
{
	return cpu->bank != ARM_BANK_USR;
}

/*
 * Write CPSR bits selected by mask (any bits, T and mode included: the
 * caller applies the architectural write rules), switching register banks
 * when the mode changes. A write of an invalid mode keeps the current mode,
 * and ITSTATE reads as zero in ARM state (T clear) whatever was written
 * (both UNPREDICTABLE; our one behaviour).
 */
void arm_cpsr_write(struct arm_cpu *cpu, uint32_t val, uint32_t mask);

/* CPSRWriteByInstr (MSR CPSR, byte mask in bits 3:0 = c x s f). */
void arm_cpsr_write_instr(struct arm_cpu *cpu, uint32_t val, unsigned bytemask);

/* SPSR of the current mode; callers check arm_have_spsr() first. */
void arm_spsr_write_instr(struct arm_cpu *cpu, uint32_t val, unsigned bytemask);

/* Exception return: CPSR <- SPSR (mode, T and all), then PC <- target
 * aligned for the new state. Outside a mode with an SPSR only the branch is
 * done (UNPREDICTABLE; our one behaviour). */
void arm_exception_return(struct arm_cpu *cpu, uint32_t target);

/* User-mode registers r8..r14 regardless of the current mode (LDM/STM ^). */
uint32_t arm_user_reg_read(const struct arm_cpu *cpu, unsigned n);
void arm_user_reg_write(struct arm_cpu *cpu, unsigned n, uint32_t val);

/* SP of another mode (SRS); mode must be valid and not the current one's bank. */
uint32_t arm_banked_sp_read(const struct arm_cpu *cpu, uint32_t mode);
void arm_banked_sp_write(struct arm_cpu *cpu, uint32_t mode, uint32_t val);

/*
 * Take an exception. pc: the address of the instruction that caused it
 * (UNDEF, SVC, PABT, DABT) or of the next instruction to execute (IRQ, FIQ);
 * the link register offset for the current state (CPSR.T) is applied here.
 * Counts it, records it in the ring, leaves r[15] at the vector.
 */
void arm_take_exception(struct arm_cpu *cpu, enum arm_exception exc, uint32_t pc);

/* Data abort: DFSR/DFAR from fault (WnR added for writes), then the exception. */
void arm_data_abort(struct arm_cpu *cpu, const struct arm_fault *fault, bool write, uint32_t pc);

/* Prefetch abort: IFSR/IFAR from fault, then the exception. */
void arm_prefetch_abort(struct arm_cpu *cpu, const struct arm_fault *fault, uint32_t pc);

/*
 * CP15 accesses (MRC/MCR), raw = the A32 encoding (or the T32 one rearranged
 * into it). Return 0, or -1 when the register does not exist or is not
 * accessible from the current mode (the caller takes UNDEF). Whether a
 * write ends the block is arm_cp15_write_ends_block()'s to say.
 */
int arm_cp15_read(struct arm_cpu *cpu, uint32_t raw, uint32_t *val);
int arm_cp15_write(struct arm_cpu *cpu, uint32_t raw, uint32_t val);

/* Whether an MCR of this encoding ends the block (decided from the encoding
 * alone, so a translator knows it): writes to what a translation was made
 * under (SCTLR, CPACR, the translation table registers and ASID), ICIMVAU,
 * which drops code, and CP15ISB. A DACR write, TLB maintenance and ICIALLU
 * or BPIALL do not: ARMv7 lets instruction fetch see them only after a
 * context synchronization (ISB, exception entry or return), which ends the
 * block, and data accesses read the live state. Linux issues about a
 * million TLB invalidations per boot, and each used to leave the block. */
bool arm_cp15_write_ends_block(uint32_t raw);

/* CP14 (debug) accesses, same contract; arm_cp15_read/write hand coprocessor
 * 14 encodings to them. Writes never end the block. */
int arm_cp14_read(struct arm_cpu *cpu, uint32_t raw, uint32_t *val);
int arm_cp14_write(struct arm_cpu *cpu, uint32_t raw, uint32_t val);
void arm_cp14_reset(void);

/* CP15 reset values (SCTLR etc.). */
void arm_cp15_reset(struct arm_cp15 *cp);

#endif
