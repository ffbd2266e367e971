/*
 * CP15 as a Cortex-A9 r0p0 without the Security Extensions shows it (the
 * reference QEMU's `-cpu cortex-a9` with secure=off): identification values
 * from the A9 TRM / QEMU's model, ThumbEE absent from ID_PFR0 and no Security
 * Extensions in ID_PFR1. A register the A9 does not have, or one accessed
 * from User mode that User mode may not touch, is UNDEFINED.
 */
#include "engine/engine.h"
#include "engine/exec.h"
#include "engine/mmu.h"
#include "engine/rt.h"
#include "arm/cpu.h"

#define CP15_KEY(crn, op1, crm, op2) (((crn) << 12) | ((op1) << 8) | ((crm) << 4) | (op2))

static unsigned cp15_key(uint32_t raw)
{
	return CP15_KEY((raw >> 16) & 15u, (raw >> 21) & 7u, raw & 15u, (raw >> 5) & 7u);
}

#define A9_MIDR 0x410fc090u
#define A9_MPIDR 0x80000000u /* MP format, one cluster, CPU 0 */
#define A9_CTR 0x80038003u
#define A9_CLIDR 0x09000003u	    /* L1 I+D, LoC = LoUU = 1 */
#define A9_CCSIDR_L1D 0xe00fe019u   /* 4-way, 32-byte lines (QEMU's A9 values) */
#define A9_CCSIDR_L1I 0x200fe019u
#define A9_CBAR 0x1e000000u
#define A9_SCTLR_RESET 0x00c50078u
/* SCTLR bits software may change: M A C SW Z I V RR TRE AFE TE (EE and the
 * rest are fixed: big-endian exceptions are not modelled). */
#define SCTLR_WRITABLE 0x70007c07u

static const uint32_t id_pfr_dfr_afr_mmfr[8] = {
	0x00000031u, 0x00000001u, 0x00000000u, 0x00000000u, /* PFR0 PFR1 DFR0 AFR0 */
	0x00100103u, 0x20000000u, 0x01230000u, 0x00002111u, /* MMFR0..3 */
};
static const uint32_t id_isar[8] = {
	0x00101111u, 0x13112111u, 0x21232041u, 0x11112131u, 0x00111142u, 0, 0, 0,
};

void arm_cp15_reset(struct arm_cp15 *cp)
{
	memset(cp, 0, sizeof(*cp));
	cp->sctlr = A9_SCTLR_RESET;
	arm_cp14_reset();
}

int arm_cp15_read(struct arm_cpu *cpu, uint32_t raw, uint32_t *val)
{
	struct arm_cp15 *cp = &cpu->cp15;
	unsigned key = cp15_key(raw);

	if (((raw >> 8) & 15u) == 14)
		return arm_cp14_read(cpu, raw, val);
	if (cpu->mem_user) {
		if (key == CP15_KEY(13, 0, 0, 2))
			*val = cp->tpidrurw;
		else if (key == CP15_KEY(13, 0, 0, 3))
			*val = cp->tpidruro;
		else
			return -1;
		return 0;
	}
	if ((key & 0xfff0) == CP15_KEY(0, 0, 1, 0) || (key & 0xfff0) == CP15_KEY(0, 0, 2, 0)) {
		unsigned crm = (key >> 4) & 15, op2 = key & 7;
		*val = crm == 1 ? id_pfr_dfr_afr_mmfr[op2] : id_isar[op2];
		return 0;
	}
	switch (key) {
	case CP15_KEY(0, 0, 0, 0): /* MIDR and its aliases */
	case CP15_KEY(0, 0, 0, 4):
	case CP15_KEY(0, 0, 0, 6):
	case CP15_KEY(0, 0, 0, 7):
		*val = A9_MIDR;
		break;
	case CP15_KEY(0, 0, 0, 1): *val = A9_CTR; break;
	case CP15_KEY(0, 0, 0, 2): /* TCMTR */
	case CP15_KEY(0, 0, 0, 3): /* TLBTR: unified TLB */
		*val = 0;
		break;
	case CP15_KEY(0, 0, 0, 5): *val = A9_MPIDR; break;
	case CP15_KEY(0, 1, 0, 0): /* CCSIDR of the level CSSELR selects */
		*val = cp->csselr == 0 ? A9_CCSIDR_L1D : cp->csselr == 1 ? A9_CCSIDR_L1I : 0;
		break;
	case CP15_KEY(0, 1, 0, 1): *val = A9_CLIDR; break;
	case CP15_KEY(0, 1, 0, 7): *val = 0; break; /* AIDR */
	case CP15_KEY(0, 2, 0, 0): *val = cp->csselr; break;
	case CP15_KEY(1, 0, 0, 0): *val = cp->sctlr; break;
	case CP15_KEY(1, 0, 0, 1): *val = cp->actlr; break;
	case CP15_KEY(1, 0, 0, 2): *val = cp->cpacr | CPACR_ASEDIS; break;
	case CP15_KEY(2, 0, 0, 0): *val = cp->ttbr0; break;
	case CP15_KEY(2, 0, 0, 1): *val = cp->ttbr1; break;
	case CP15_KEY(2, 0, 0, 2): *val = cp->ttbcr; break;
	case CP15_KEY(3, 0, 0, 0): *val = cp->dacr; break;
	case CP15_KEY(5, 0, 0, 0): *val = cp->dfsr; break;
	case CP15_KEY(5, 0, 0, 1): *val = cp->ifsr; break;
	case CP15_KEY(5, 0, 1, 0): /* ADFSR, AIFSR */
	case CP15_KEY(5, 0, 1, 1):
		*val = 0;
		break;
	case CP15_KEY(6, 0, 0, 0): *val = cp->dfar; break;
	case CP15_KEY(6, 0, 0, 2): *val = cp->ifar; break;
	case CP15_KEY(7, 0, 4, 0): *val = cp->par; break;
	case CP15_KEY(10, 0, 0, 0): *val = 0; break; /* TLB lockdown */
	case CP15_KEY(10, 0, 2, 0): *val = cp->prrr; break;
	case CP15_KEY(10, 0, 2, 1): *val = cp->nmrr; break;
	case CP15_KEY(12, 0, 0, 0): *val = cp->vbar; break;
	case CP15_KEY(12, 0, 1, 0): { /* ISR: the pending lines as the CPU sees them */
		uint32_t line = eng.sh->irq_line;
		*val = ((line & 1) ? (1u << 7) : 0) | ((line & 2) ? (1u << 6) : 0);
		break;
	}
	case CP15_KEY(13, 0, 0, 0): *val = 0; break; /* FCSEIDR: the A9 has no FCSE, so it reads as zero */
	case CP15_KEY(13, 0, 0, 1): *val = cp->contextidr; break;
	case CP15_KEY(13, 0, 0, 2): *val = cp->tpidrurw; break;
	case CP15_KEY(13, 0, 0, 3): *val = cp->tpidruro; break;
	case CP15_KEY(13, 0, 0, 4): *val = cp->tpidrprw; break;
	case CP15_KEY(15, 0, 0, 0): *val = cp->a9_pwrctl; break;
	case CP15_KEY(15, 0, 0, 1): *val = cp->a9_diag; break;
	case CP15_KEY(15, 0, 0, 2): /* power diagnostic */
	case CP15_KEY(15, 5, 4, 2): /* TLB lockdown entry access */
	case CP15_KEY(15, 5, 5, 2):
	case CP15_KEY(15, 5, 6, 2):
	case CP15_KEY(15, 5, 7, 2):
		*val = 0;
		break;
	case CP15_KEY(15, 4, 0, 0): *val = A9_CBAR; break;
	default:
		return -1;
	}
	return 0;
}

/* ATS1C{P,U}{R,W}: translate and leave the result in PAR (short-descriptor). */
static void cp15_ats(struct arm_cpu *cpu, uint32_t va, unsigned flags)
{
	struct arm_fault fault;
	gpa_t pa;

	if (mmu_translate(cpu, va, flags, &pa, &fault) == 0) {
		cpu->cp15.par = (uint32_t)pa & 0xfffff000u;
		return;
	}
	/* F, then FS[5:1] = DFSR[10, 3:0] and bit 6 = ExT (DFSR[12]). */
	cpu->cp15.par = 1u | ((fault.fsr & 0xfu) << 1) | (((fault.fsr >> 10) & 1u) << 5) |
			(((fault.fsr >> 12) & 1u) << 6);
}

static void cp15_flush_code_va(struct arm_cpu *cpu, uint32_t va)
{
	struct arm_fault fault;
	gpa_t pa;

	/* Maintenance by MVA of an unmapped address has nothing to invalidate. */
	if (mmu_translate(cpu, va, MMU_FETCH, &pa, &fault) == 0)
		exec_invalidate_page(pa);
}

bool arm_cp15_write_ends_block(uint32_t raw)
{
	if (((raw >> 8) & 15u) == 14)
		return false;
	switch (cp15_key(raw)) {
	case CP15_KEY(1, 0, 0, 0): /* SCTLR */
	case CP15_KEY(1, 0, 0, 2): /* CPACR */
	case CP15_KEY(2, 0, 0, 0): /* TTBR0, TTBR1, TTBCR */
	case CP15_KEY(2, 0, 0, 1):
	case CP15_KEY(2, 0, 0, 2):
	case CP15_KEY(13, 0, 0, 1): /* CONTEXTIDR */
	case CP15_KEY(7, 0, 5, 1): /* ICIMVAU */
	case CP15_KEY(7, 0, 5, 4): /* CP15ISB */
		return true;
	default:
		return false;
	}
}

int arm_cp15_write(struct arm_cpu *cpu, uint32_t raw, uint32_t val)
{
	struct arm_cp15 *cp = &cpu->cp15;
	unsigned key = cp15_key(raw);

	if (((raw >> 8) & 15u) == 14)
		return arm_cp14_write(cpu, raw, val);
	if (cpu->mem_user) {
		switch (key) {
		case CP15_KEY(13, 0, 0, 2): cp->tpidrurw = val; return 0;
		case CP15_KEY(7, 0, 5, 4): return 0; /* CP15ISB */
		case CP15_KEY(7, 0, 10, 4): /* CP15DSB, CP15DMB */
		case CP15_KEY(7, 0, 10, 5):
			return 0;
		default:
			return -1;
		}
	}
	switch (key) {
	case CP15_KEY(0, 2, 0, 0): cp->csselr = val & 0xfu; return 0;
	case CP15_KEY(1, 0, 0, 0):
		cp->sctlr = (val & SCTLR_WRITABLE) | (A9_SCTLR_RESET & ~SCTLR_WRITABLE);
		mmu_context_changed(cpu);
		arm_xlat_moved(cpu, true);
		return 0;
	case CP15_KEY(1, 0, 0, 1): cp->actlr = val; return 0;
	case CP15_KEY(1, 0, 0, 2): cp->cpacr = val & CPACR_WRITABLE; return 0;
	case CP15_KEY(2, 0, 0, 0): cp->ttbr0 = val; goto context;
	case CP15_KEY(2, 0, 0, 1): cp->ttbr1 = val; goto context;
	case CP15_KEY(2, 0, 0, 2): cp->ttbcr = val & 0x37u; goto context;
	case CP15_KEY(13, 0, 0, 1): cp->contextidr = val; goto context;
	case CP15_KEY(3, 0, 0, 0):
		/* softtlb checks DACR on every access; hwmirror selects the
		 * window of the new view; a cached fetch translation must be
		 * checked again. */
		cp->dacr = val;
		mmu_dacr_changed(cpu);
		cpu->fetch_epoch++;
		return 0;
	case CP15_KEY(5, 0, 0, 0): cp->dfsr = val; return 0;
	case CP15_KEY(5, 0, 0, 1): cp->ifsr = val; return 0;
	case CP15_KEY(5, 0, 1, 0): /* ADFSR, AIFSR */
	case CP15_KEY(5, 0, 1, 1):
		return 0;
	case CP15_KEY(6, 0, 0, 0): cp->dfar = val; return 0;
	case CP15_KEY(6, 0, 0, 2): cp->ifar = val; return 0;
	case CP15_KEY(7, 0, 4, 0): cp->par = val; return 0;
	case CP15_KEY(7, 0, 1, 0): /* ICIALLUIS */
	case CP15_KEY(7, 0, 5, 0): /* ICIALLU */
		exec_invalidate_all();
		return 0;
	case CP15_KEY(7, 0, 1, 6): /* BPIALLIS: Linux issues it on every context switch */
	case CP15_KEY(7, 0, 5, 6): /* BPIALL */
	case CP15_KEY(7, 0, 5, 7): /* BPIMVA */
		exec_invalidate_predictors();
		return 0;
	case CP15_KEY(7, 0, 5, 1): /* ICIMVAU */
		cp15_flush_code_va(cpu, val);
		return 0;
	case CP15_KEY(7, 0, 5, 4): return 0; /* CP15ISB */
	case CP15_KEY(7, 0, 6, 1): /* data cache maintenance: caches are not modelled */
	case CP15_KEY(7, 0, 6, 2):
	case CP15_KEY(7, 0, 10, 1):
	case CP15_KEY(7, 0, 10, 2):
	case CP15_KEY(7, 0, 10, 4): /* CP15DSB, CP15DMB */
	case CP15_KEY(7, 0, 10, 5):
	case CP15_KEY(7, 0, 11, 1):
	case CP15_KEY(7, 0, 14, 1):
	case CP15_KEY(7, 0, 14, 2):
		return 0;
	case CP15_KEY(7, 0, 8, 0): cp15_ats(cpu, val, MMU_READ); return 0;
	case CP15_KEY(7, 0, 8, 1): cp15_ats(cpu, val, MMU_WRITE); return 0;
	case CP15_KEY(7, 0, 8, 2): cp15_ats(cpu, val, MMU_READ | MMU_USER); return 0;
	case CP15_KEY(7, 0, 8, 3): cp15_ats(cpu, val, MMU_WRITE | MMU_USER); return 0;
	case CP15_KEY(8, 0, 3, 0): /* TLBIALLIS, ITLBIALL, DTLBIALL, TLBIALL */
	case CP15_KEY(8, 0, 5, 0):
	case CP15_KEY(8, 0, 6, 0):
	case CP15_KEY(8, 0, 7, 0):
		mmu_flush_all(cpu);
		goto tlb;
	case CP15_KEY(8, 0, 3, 1): /* TLBIMVA(IS), ITLBIMVA, DTLBIMVA */
	case CP15_KEY(8, 0, 5, 1):
	case CP15_KEY(8, 0, 6, 1):
	case CP15_KEY(8, 0, 7, 1):
		mmu_flush_va(cpu, val);
		exec_tlb_flushed_va(cpu, val & 0xfffff000u);
		return 0;
	case CP15_KEY(8, 0, 3, 2): /* TLBIASID(IS), ITLBIASID, DTLBIASID */
	case CP15_KEY(8, 0, 5, 2):
	case CP15_KEY(8, 0, 6, 2):
	case CP15_KEY(8, 0, 7, 2):
		mmu_flush_asid(cpu, val & 0xffu);
		arm_xlat_moved(cpu, false); /* global entries stay */
		return 0;
	case CP15_KEY(8, 0, 3, 3): /* TLBIMVAA(IS) */
	case CP15_KEY(8, 0, 7, 3):
		mmu_flush_va_all_asids(cpu, val & 0xfffff000u);
		exec_tlb_flushed_va(cpu, val & 0xfffff000u);
		return 0;
	case CP15_KEY(10, 0, 0, 0): return 0; /* TLB lockdown */
	case CP15_KEY(10, 0, 2, 0): cp->prrr = val; return 0;
	case CP15_KEY(10, 0, 2, 1): cp->nmrr = val; return 0;
	case CP15_KEY(12, 0, 0, 0): cp->vbar = val & ~0x1fu; return 0;
	case CP15_KEY(13, 0, 0, 0): return 0; /* FCSEIDR */
	case CP15_KEY(13, 0, 0, 2): cp->tpidrurw = val; return 0;
	case CP15_KEY(13, 0, 0, 3): cp->tpidruro = val; return 0;
	case CP15_KEY(13, 0, 0, 4): cp->tpidrprw = val; return 0;
	case CP15_KEY(15, 0, 0, 0): cp->a9_pwrctl = val; return 0;
	case CP15_KEY(15, 0, 0, 1): cp->a9_diag = val; return 0;
	case CP15_KEY(15, 0, 0, 2):
	case CP15_KEY(15, 5, 4, 2):
	case CP15_KEY(15, 5, 5, 2):
	case CP15_KEY(15, 5, 6, 2):
	case CP15_KEY(15, 5, 7, 2):
		return 0;
	default:
		return -1;
	}
context:
	mmu_context_changed(cpu);
	/* TTBR0 and the ASID change no global translation */
	arm_xlat_moved(cpu, key != CP15_KEY(2, 0, 0, 0) && key != CP15_KEY(13, 0, 0, 1));
	return 0;
tlb:
	arm_xlat_moved(cpu, true);
	return 0;
}
