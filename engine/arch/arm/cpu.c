/*
 * The ARMv7-A processor state: modes and banked registers, CPSR/SPSR writes,
 * exception entry and return (ARM ARM B1.8, B1.9). Used by every exec
 * strategy (the interpreter calls these directly, a JIT as helpers).
 */
#include "engine/engine.h"
#include "engine/mmu.h"
#include "engine/rt.h"
#include "arm/cpu.h"

static unsigned mode_bank(uint32_t mode)
{
	switch (mode) {
	case ARM_MODE_FIQ: return ARM_BANK_FIQ;
	case ARM_MODE_IRQ: return ARM_BANK_IRQ;
	case ARM_MODE_SVC: return ARM_BANK_SVC;
	case ARM_MODE_ABT: return ARM_BANK_ABT;
	case ARM_MODE_UND: return ARM_BANK_UND;
	default: return ARM_BANK_USR;
	}
}

static void switch_bank(struct arm_cpu *cpu, unsigned newb)
{
	unsigned oldb = cpu->bank;

	if (oldb == newb)
		return;
	cpu->bank_sp[oldb] = cpu->r[13];
	cpu->bank_lr[oldb] = cpu->r[14];
	if (oldb == ARM_BANK_FIQ) {
		memcpy(cpu->fiq_r8_12, &cpu->r[8], sizeof(cpu->fiq_r8_12));
		memcpy(&cpu->r[8], cpu->usr_r8_12, sizeof(cpu->usr_r8_12));
	} else if (newb == ARM_BANK_FIQ) {
		memcpy(cpu->usr_r8_12, &cpu->r[8], sizeof(cpu->usr_r8_12));
		memcpy(&cpu->r[8], cpu->fiq_r8_12, sizeof(cpu->fiq_r8_12));
	}
	cpu->r[13] = cpu->bank_sp[newb];
	cpu->r[14] = cpu->bank_lr[newb];
	cpu->bank = newb;
}

/* Recompute what is derived from the CPSR. */
static void cpsr_changed(struct arm_cpu *cpu)
{
	uint32_t user = (cpu->cpsr & CPSR_M) == ARM_MODE_USR ? MMU_USER : 0;

	cpu->irq_enable = ((cpu->cpsr & CPSR_I) ? 0 : 1u) | ((cpu->cpsr & CPSR_F) ? 0 : 2u);
	if (user != cpu->mem_user) {
		cpu->mem_user = user;
		cpu->fetch_epoch++;
	}
}

void arm_cpsr_write(struct arm_cpu *cpu, uint32_t val, uint32_t mask)
{
	uint32_t old = arm_cpsr_read(cpu);
	uint32_t nv = (old & ~mask) | (val & mask);

	if (!arm_mode_valid(nv & CPSR_M))
		nv = (nv & ~CPSR_M) | (old & CPSR_M);
	if (!(nv & CPSR_T))
		nv &= ~CPSR_IT;
	if (mask & CPSR_NZCV)
		arm_flags_set_nzcv(cpu, nv);
	if ((nv ^ old) & CPSR_M)
		switch_bank(cpu, mode_bank(nv & CPSR_M));
	cpu->cpsr = nv;
	cpsr_changed(cpu);
}

void arm_cpsr_write_instr(struct arm_cpu *cpu, uint32_t val, unsigned bytemask)
{
	bool priv = (cpu->cpsr & CPSR_M) != ARM_MODE_USR;
	uint32_t mask = 0;

	/* IT, J and T are never written by MSR; E is, in any mode. */
	if (bytemask & 8)
		mask |= CPSR_NZCV | CPSR_Q;
	if (bytemask & 4)
		mask |= CPSR_GE;
	if (bytemask & 2)
		mask |= CPSR_E;
	if ((bytemask & 2) && priv)
		mask |= CPSR_A;
	if ((bytemask & 1) && priv)
		mask |= CPSR_I | CPSR_F | CPSR_M;
	arm_cpsr_write(cpu, val, mask);
}

void arm_spsr_write_instr(struct arm_cpu *cpu, uint32_t val, unsigned bytemask)
{
	uint32_t mask = 0;

	for (unsigned b = 0; b < 4; b++)
		if (bytemask & (1u << b))
			mask |= 0xffu << (8 * b);
	cpu->bank_spsr[cpu->bank] = (cpu->bank_spsr[cpu->bank] & ~mask) | (val & mask);
}

void arm_exception_return(struct arm_cpu *cpu, uint32_t target)
{
	if (arm_have_spsr(cpu))
		arm_cpsr_write(cpu, cpu->bank_spsr[cpu->bank], 0xffffffffu);
	cpu->r[15] = target & ((cpu->cpsr & CPSR_T) ? ~1u : ~3u);
}

uint32_t arm_user_reg_read(const struct arm_cpu *cpu, unsigned n)
{
	if (n >= 13 && n <= 14 && cpu->bank != ARM_BANK_USR)
		return n == 13 ? cpu->bank_sp[ARM_BANK_USR] : cpu->bank_lr[ARM_BANK_USR];
	if (n >= 8 && n <= 12 && cpu->bank == ARM_BANK_FIQ)
		return cpu->usr_r8_12[n - 8];
	return cpu->r[n];
}

void arm_user_reg_write(struct arm_cpu *cpu, unsigned n, uint32_t val)
{
	if (n >= 13 && n <= 14 && cpu->bank != ARM_BANK_USR) {
		if (n == 13)
			cpu->bank_sp[ARM_BANK_USR] = val;
		else
			cpu->bank_lr[ARM_BANK_USR] = val;
		return;
	}
	if (n >= 8 && n <= 12 && cpu->bank == ARM_BANK_FIQ) {
		cpu->usr_r8_12[n - 8] = val;
		return;
	}
	cpu->r[n] = val;
}

uint32_t arm_banked_sp_read(const struct arm_cpu *cpu, uint32_t mode)
{
	unsigned b = mode_bank(mode);
	return b == cpu->bank ? cpu->r[13] : cpu->bank_sp[b];
}

void arm_banked_sp_write(struct arm_cpu *cpu, uint32_t mode, uint32_t val)
{
	unsigned b = mode_bank(mode);
	if (b == cpu->bank)
		cpu->r[13] = val;
	else
		cpu->bank_sp[b] = val;
}

void arm_take_exception(struct arm_cpu *cpu, enum arm_exception exc, uint32_t pc)
{
	struct captive_engine_stats *st = &eng.sh->stats;
	uint32_t old = arm_cpsr_read(cpu);
	bool thumb = old & CPSR_T;
	uint32_t mode, lr, set = CPSR_I | CPSR_A;

	switch (exc) {
	case ARM_EXC_UNDEF:
		mode = ARM_MODE_UND;
		lr = pc + (thumb ? 2 : 4);
		set = CPSR_I;
		st->undef_insns++;
		break;
	case ARM_EXC_SVC:
		/* The SPSR holds the ITSTATE of the next instruction, as the
		 * return address does (TakeSVCException's ITAdvance). */
		old = arm_cpsr_with_it(old, arm_it_advance(arm_itstate(old)));
		mode = ARM_MODE_SVC;
		lr = pc + (thumb ? 2 : 4);
		set = CPSR_I;
		st->svcs++;
		break;
	case ARM_EXC_PABT:
		mode = ARM_MODE_ABT;
		lr = pc + 4;
		st->prefetch_aborts++;
		break;
	case ARM_EXC_DABT:
		mode = ARM_MODE_ABT;
		lr = pc + 8;
		st->data_aborts++;
		break;
	case ARM_EXC_IRQ:
		mode = ARM_MODE_IRQ;
		lr = pc + 4;
		st->irqs_taken++;
		break;
	default:
		mode = ARM_MODE_FIQ;
		lr = pc + 4;
		set |= CPSR_F;
		st->irqs_taken++;
		break;
	}
	st->exceptions++;
	cpu->exc_vec[cpu->exc_count % ARM_EXC_RING] = exc;
	cpu->exc_pc[cpu->exc_count % ARM_EXC_RING] = pc;
	cpu->exc_count++;

	uint32_t nv = (old & ~(CPSR_M | CPSR_T | CPSR_J | CPSR_IT_HI | CPSR_IT_LO | CPSR_E)) | mode | set;
	if (cpu->cp15.sctlr & SCTLR_TE)
		nv |= CPSR_T;
	arm_cpsr_write(cpu, nv, 0xffffffffu);
	cpu->bank_spsr[cpu->bank] = old;
	cpu->r[14] = lr;
	cpu->r[15] = ((cpu->cp15.sctlr & SCTLR_V) ? 0xffff0000u : cpu->cp15.vbar) + exc;
	cpu->excl_valid = 0;
}

void arm_data_abort(struct arm_cpu *cpu, const struct arm_fault *fault, bool write, uint32_t pc)
{
	cpu->cp15.dfsr = fault->fsr | (write ? FSR_WNR : 0);
	cpu->cp15.dfar = fault->addr;
	arm_take_exception(cpu, ARM_EXC_DABT, pc);
}

void arm_prefetch_abort(struct arm_cpu *cpu, const struct arm_fault *fault, uint32_t pc)
{
	cpu->cp15.ifsr = fault->fsr & ~FSR_WNR;
	cpu->cp15.ifar = fault->addr;
	arm_take_exception(cpu, ARM_EXC_PABT, pc);
}

void arm_cpu_reset(struct arm_cpu *cpu, const struct captive_boot *boot)
{
	uint32_t cpsr = boot->cpsr;

	memset(cpu, 0, sizeof(*cpu));
	cpu->xlat_gepoch = 0x80000000u;
	arm_cp15_reset(&cpu->cp15);
	if (!arm_mode_valid(cpsr & CPSR_M))
		cpsr = (cpsr & ~CPSR_M) | ARM_MODE_SVC;
	memcpy(cpu->r, boot->r, sizeof(cpu->r));
	if (cpu->r[15] & 1)
		cpsr |= CPSR_T;
	if (cpsr & CPSR_T)
		cpu->r[15] &= ~1u;
	cpu->bank = mode_bank(cpsr & CPSR_M);
	cpu->cpsr = cpsr;
	arm_flags_set_nzcv(cpu, cpsr);
	cpsr_changed(cpu);
	memcpy(cpu->vfp.d, boot->d, sizeof(cpu->vfp.d));
	cpu->vfp.fpscr = boot->fpscr & FPSCR_WRITABLE;
	cpu->vfp.fpexc = boot->fpexc & FPEXC_WRITABLE;
	cpu->cp15.cpacr = boot->cpacr & CPACR_WRITABLE;
}

void arm_cpu_publish(const struct arm_cpu *cpu, struct captive_arm_state *st)
{
	const struct arm_cp15 *cp = &cpu->cp15;

	memcpy(st->r, cpu->r, sizeof(st->r));
	st->cpsr = arm_cpsr_read(cpu);
	st->spsr = arm_have_spsr(cpu) ? cpu->bank_spsr[cpu->bank] : 0;
	for (unsigned b = 0; b < ARM_BANKS; b++) {
		st->banked_sp[b] = b == cpu->bank ? cpu->r[13] : cpu->bank_sp[b];
		st->banked_lr[b] = b == cpu->bank ? cpu->r[14] : cpu->bank_lr[b];
		st->banked_spsr[b] = cpu->bank_spsr[b];
	}
	bool fiq = cpu->bank == ARM_BANK_FIQ;
	memcpy(st->fiq_r8_12, fiq ? &cpu->r[8] : cpu->fiq_r8_12, sizeof(st->fiq_r8_12));
	memcpy(st->usr_r8_12, fiq ? cpu->usr_r8_12 : &cpu->r[8], sizeof(st->usr_r8_12));
	st->sctlr = cp->sctlr;
	st->ttbr0 = cp->ttbr0;
	st->ttbr1 = cp->ttbr1;
	st->ttbcr = cp->ttbcr;
	st->dacr = cp->dacr;
	st->contextidr = cp->contextidr;
	st->vbar = cp->vbar;
	st->dfsr = cp->dfsr;
	st->dfar = cp->dfar;
	st->ifsr = cp->ifsr;
	st->ifar = cp->ifar;
	memcpy(st->last_exceptions, cpu->exc_vec, sizeof(st->last_exceptions));
	memcpy(st->last_exception_pcs, cpu->exc_pc, sizeof(st->last_exception_pcs));
	st->last_exception_head = cpu->exc_count;
	st->fpscr = cpu->vfp.fpscr;
	st->fpexc = cpu->vfp.fpexc;
	st->cpacr = cp->cpacr | CPACR_ASEDIS;
	memcpy(st->d, cpu->vfp.d, sizeof(st->d));
}
