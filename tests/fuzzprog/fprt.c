/*
 * Runtime of the random guest programs: scratch memory and page tables at
 * start-up, the state dump at every exception entry, the SVC services, and
 * power-off. Built once in ARM state and linked with each generated program.
 *
 * What is printed is the program's architectural state, so it must be the
 * same on every correct ARMv7-A implementation of the board: the interrupted
 * r0-r12, SP and LR of the interrupted mode, the address of the instruction
 * that took the exception, its CPSR (the SPSR), the handler's own CPSR, the
 * fault status (only the fields the architecture defines for the fault) and
 * address, and a checksum of all the memory the program can write.
 */
#include <stdint.h>

#include "armv7_pt.h"
#include "fprt.h"

#define UART_DR (0x10009000u + 0x00u)
#define UART_FR (0x10009000u + 0x18u)
#define UART_FR_TXFF (1u << 5)
#define SYS_CFGDATA (0x10000000u + 0xA0u)
#define SYS_CFGCTRL (0x10000000u + 0xA4u)
#define SYS_CFGCTRL_SHUTDOWN 0xC0800000u

#define PSR_T (1u << 5)
#define PSR_MODE 0x1Fu
#define MODE_USR 0x10u
#define MODE_SYS 0x1Fu

#define SCTLR_M (1u << 0)
#define SCTLR_A (1u << 1)

/* Normal memory, write-back write-allocate; and shareable device memory. */
#define L1_NORMAL (L1_TEX(1) | L1_C | L1_B)
#define L1_DEVICE (L1_B | L1_XN)
#define L2_NORMAL (L2_TEX(1) | L2_C | L2_B)

#define DACR_ALL_CLIENT 0x55555555u
#define DACR_D1_MASK (3u << 2)

#define EXC_LIMIT 300u

/* The saved context, as the exception stubs of rt.S push it. */
struct fp_frame {
	uint32_t r[13];
	uint32_t lr;
};

/* Defined by the generated program; fp_straddle only by some. */
extern const uint32_t fp_seed;
extern const char fp_straddle[] __attribute__((weak));

void fp_init(void);
void fp_mmu_on(uint32_t sctlr_set);
void fp_exception(uint32_t kind, struct fp_frame *f, uint32_t cpsr, uint32_t spsr);

static uint32_t exc_count;

static inline uint32_t rd32(uint32_t a)
{
	return *(volatile uint32_t *)a;
}

static inline void wr32(uint32_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static void putc_(char c)
{
	while (rd32(UART_FR) & UART_FR_TXFF)
		;
	wr32(UART_DR, (uint8_t)c);
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void hex(const char *name, uint32_t v)
{
	putc_(' ');
	puts_(name);
	putc_('=');
	for (int i = 28; i >= 0; i -= 4)
		putc_("0123456789abcdef"[(v >> i) & 0xf]);
}

static void dec(uint32_t v)
{
	char buf[12];
	int n = 0;

	do
		buf[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		putc_(buf[--n]);
}

__attribute__((noreturn)) static void poweroff(void)
{
	wr32(SYS_CFGDATA, 0);
	wr32(SYS_CFGCTRL, SYS_CFGCTRL_SHUTDOWN);
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}

#define CP15_RD(name, crn, op1, crm, op2)                                                  \
	static inline uint32_t name(void)                                                  \
	{                                                                                  \
		uint32_t v;                                                                \
		__asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 : "=r"(v)); \
		return v;                                                                  \
	}
#define CP15_WR(name, crn, op1, crm, op2)                                                        \
	static inline void name(uint32_t v)                                                      \
	{                                                                                        \
		__asm__ volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2 ::"r"(v) : "memory"); \
	}

CP15_RD(sctlr_rd, c1, 0, c0, 0)
CP15_WR(sctlr_wr, c1, 0, c0, 0)
CP15_WR(ttbr0_wr, c2, 0, c0, 0)
CP15_WR(ttbcr_wr, c2, 0, c0, 2)
CP15_RD(dacr_rd, c3, 0, c0, 0)
CP15_WR(dacr_wr, c3, 0, c0, 0)
CP15_RD(dfsr_rd, c5, 0, c0, 0)
CP15_RD(ifsr_rd, c5, 0, c0, 1)
CP15_RD(dfar_rd, c6, 0, c0, 0)
CP15_RD(ifar_rd, c6, 0, c0, 2)
CP15_WR(iciallu, c7, 0, c5, 0)
CP15_WR(bpiall, c7, 0, c5, 6)
CP15_WR(dccmvac, c7, 0, c10, 1)
CP15_WR(dccmvau, c7, 0, c11, 1)
CP15_WR(tlbiall, c8, 0, c7, 0)
CP15_WR(tlbimva, c8, 0, c7, 1)

static inline void dsb(void)
{
	__asm__ volatile("dsb" ::: "memory");
}

static inline void isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}

/* Fill the scratch memory from the program's seed (xorshift32), build the
 * page tables, and say which program this is. */
void fp_init(void)
{
	uint32_t x = fp_seed * 2654435761u + 0x6d2b79f5u;
	uint32_t *l1 = (uint32_t *)FP_L1, *l2 = (uint32_t *)FP_L2;

	for (uint32_t a = FP_SCRATCH_A; a < FP_SCRATCH_A + 0x2000; a += 4) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		wr32(a, x);
	}
	for (uint32_t a = FP_SCRATCH_B; a < FP_SCRATCH_B + 0x1000; a += 4) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		wr32(a, x);
	}

	for (uint32_t i = 0; i < 4096; i++)
		l1[i] = 0;
	/* The RAM the programs use (and a little more), identity-mapped. */
	for (uint32_t i = 0x600; i < 0x610; i++)
		l1[i] = i << 20 | L1_NORMAL | L1_AP(AP_FULL) | L1_SECTION;
	/* Motherboard devices and the A9's private peripherals. */
	for (uint32_t i = 0x100; i < 0x102; i++)
		l1[i] = i << 20 | L1_DEVICE | L1_AP(AP_FULL) | L1_SECTION;
	l1[0x1E0] = 0x1E0u << 20 | L1_DEVICE | L1_AP(AP_FULL) | L1_SECTION;

	l1[FP_VA_ALIAS >> 20] = FP_SCRATCH_A | L1_NORMAL | L1_AP(AP_FULL) | L1_SECTION;
	l1[FP_VA_RO >> 20] = FP_SCRATCH_A | L1_NORMAL | L1_AP(AP_RO) | L1_SECTION;
	l1[FP_VA_PRIV >> 20] = FP_SCRATCH_A | L1_NORMAL | L1_AP(AP_PRIV_RW) | L1_SECTION;
	l1[FP_VA_DOM1 >> 20] =
		FP_SCRATCH_B | L1_NORMAL | L1_DOMAIN(1) | L1_AP(AP_FULL) | L1_SECTION;
	l1[FP_VA_XN >> 20] = (FP_CODE & 0xFFF00000u) | L1_NORMAL | L1_XN | L1_AP(AP_FULL) |
			     L1_SECTION;
	l1[FP_VA_EXEC >> 20] = (FP_CODE & 0xFFF00000u) | L1_NORMAL | L1_AP(AP_FULL) | L1_SECTION;
	l1[FP_VA_PAGES >> 20] = FP_L2 | L1_COARSE;
	for (uint32_t i = 0; i < 256; i++)
		l2[i] = 0;
	l2[0] = FP_SCRATCH_B | L2_NORMAL | L2_AP(AP_FULL) | L2_SMALL;
	l2[1] = FP_SCRATCH_A | L2_NORMAL | L2_AP(AP_FULL) | L2_SMALL;
	l2[3] = FP_SCRATCH_A | L2_NORMAL | L2_AP(AP_RO) | L2_SMALL;
	if (fp_straddle)
		l2[4] = ((uint32_t)fp_straddle & ~0xFFFu) | L2_NORMAL | L2_AP(AP_FULL) | L2_SMALL;

	/* Programs that turn the MMU on later find the tables in place. */
	ttbcr_wr(0);
	ttbr0_wr(FP_L1);
	dacr_wr(DACR_ALL_CLIENT);
	isb();

	puts_("FP seed=");
	dec(fp_seed);
	putc_('\n');
}

/* Turn the MMU on (from SVC mode) with these SCTLR bits set as well. */
void fp_mmu_on(uint32_t sctlr_set)
{
	dsb();
	tlbiall(0);
	bpiall(0);
	dsb();
	isb();
	sctlr_wr(sctlr_rd() | SCTLR_M | sctlr_set);
	isb();
}

/* SP and LR of the given mode (User's are System's). */
static void banked_sp_lr(uint32_t mode, uint32_t *sp, uint32_t *lr)
{
	uint32_t saved, s, l;

	if (mode == MODE_USR)
		mode = MODE_SYS;
	__asm__ volatile("mrs %0, cpsr\n\t"
			 "msr cpsr_c, %3\n\t"
			 "mov %1, sp\n\t"
			 "mov %2, lr\n\t"
			 "msr cpsr_c, %0"
			 : "=&r"(saved), "=&r"(s), "=&r"(l)
			 : "r"(mode | 0xC0u)
			 : "memory");
	*sp = s;
	*lr = l;
}

static void set_spsr(uint32_t v)
{
	__asm__ volatile("msr spsr_cxsf, %0" ::"r"(v) : "memory");
}

static uint32_t checksum(void)
{
	uint32_t h = 0x811c9dc5u;

	for (uint32_t a = FP_SCRATCH_A; a < FP_SCRATCH_A + 0x2000; a += 4)
		h = ((h << 5) | (h >> 27)) ^ rd32(a), h *= 0x9E3779B1u;
	for (uint32_t a = FP_SCRATCH_B; a < FP_SCRATCH_B + 0x1000; a += 4)
		h = ((h << 5) | (h >> 27)) ^ rd32(a), h *= 0x9E3779B1u;
	return h;
}

/* The fields of a fault status the architecture defines for that fault:
 * FS always, WnR for data aborts, the domain for domain and permission
 * faults only (it is UNKNOWN for the others). */
static uint32_t fsr_defined(uint32_t fsr, int data)
{
	uint32_t fs = (fsr & 0xFu) | ((fsr >> 6) & 0x10u);
	uint32_t keep = 0x40Fu | (data ? 0x800u : 0);

	if (fs == 0x9 || fs == 0xB || fs == 0xD || fs == 0xF)
		keep |= 0xF0u;
	return fsr & keep;
}

static void service(uint32_t imm, struct fp_frame *f)
{
	uint32_t *l1 = (uint32_t *)FP_L1;
	uint32_t *pte = &l1[FP_VA_ALIAS >> 20];

	switch (imm) {
	case FP_SVC_SMC:
		dccmvau(f->r[12]);
		dsb();
		iciallu(0);
		bpiall(0);
		dsb();
		break;
	case FP_SVC_ALIGN:
		sctlr_wr(sctlr_rd() ^ SCTLR_A);
		break;
	case FP_SVC_DACR:
		dacr_wr(dacr_rd() ^ (1u << 2));
		break;
	case FP_SVC_REMAP:
	case FP_SVC_REMAPA:
		*pte ^= FP_SCRATCH_A ^ FP_SCRATCH_B;
		dccmvac((uint32_t)pte);
		dsb();
		if (imm == FP_SVC_REMAP)
			tlbimva(FP_VA_ALIAS);
		else
			tlbiall(0);
		bpiall(0);
		dsb();
		break;
	case FP_SVC_MMU:
		if (!(sctlr_rd() & SCTLR_M)) {
			tlbiall(0);
			dsb();
		}
		sctlr_wr(sctlr_rd() ^ SCTLR_M);
		break;
	default:
		break;
	}
	isb();
}

/* ITAdvance() of the ARM ARM on a saved CPSR: what the hardware does when an
 * instruction in an IT block completes; a handler that skips the faulting
 * instruction must do it (SVC has done it already: its return address is
 * the next instruction). IT[1:0] = CPSR[26:25], IT[7:2] = CPSR[15:10]. */
static uint32_t it_advance(uint32_t psr)
{
	uint32_t it = ((psr >> 25) & 3u) | ((psr >> 8) & 0xFCu);

	if ((it & 7u) == 0)
		it = 0;
	else
		it = (it & 0xE0u) | ((it << 1) & 0x1Fu);
	return (psr & ~0x0600FC00u) | (it & 3u) << 25 | (it & 0xFCu) << 8;
}

/* Length of the Thumb instruction at pc. */
static uint32_t t32_len(uint32_t pc)
{
	uint16_t hw = *(volatile uint16_t *)pc;

	return (hw & 0xF800u) >= 0xE800u ? 4 : 2;
}

void fp_exception(uint32_t kind, struct fp_frame *f, uint32_t cpsr, uint32_t spsr)
{
	static const char *const names[8] = { "RST", "UND", "SVC", "PABT",
					      "DABT", "RSVD", "IRQ", "FIQ" };
	uint32_t thumb = spsr & PSR_T;
	uint32_t sp, lr, pc, len = 4, fsr = 0, far = 0, imm = 0;

	banked_sp_lr(spsr & PSR_MODE, &sp, &lr);
	switch (kind) {
	case FP_EXC_UND:
	case FP_EXC_SVC:
		pc = f->lr - (thumb ? 2 : 4);
		break;
	case FP_EXC_DABT:
		pc = f->lr - 8;
		fsr = fsr_defined(dfsr_rd(), 1);
		far = dfar_rd();
		break;
	case FP_EXC_PABT:
		pc = f->lr - 4;
		fsr = fsr_defined(ifsr_rd(), 0);
		far = ifar_rd();
		break;
	default:
		pc = f->lr - 4;
		break;
	}
	if (thumb && kind != FP_EXC_PABT)
		len = t32_len(pc);
	if (kind == FP_EXC_SVC)
		imm = thumb ? *(volatile uint16_t *)pc & 0xFFu : rd32(pc) & 0xFFFFFFu;

	exc_count++;
	if (kind == FP_EXC_SVC && imm == FP_SVC_END) {
		puts_("END");
	} else {
		puts_(names[kind & 7]);
		puts_(" #");
		dec(exc_count);
	}
	hex("pc", pc);
	if (kind == FP_EXC_SVC)
		hex("imm", imm);
	if (kind == FP_EXC_UND)
		hex("insn", !thumb ? rd32(pc) :
			    len == 2 ? *(volatile uint16_t *)pc :
				       (uint32_t)*(volatile uint16_t *)pc << 16 |
					       *(volatile uint16_t *)(pc + 2));
	if (kind == FP_EXC_DABT || kind == FP_EXC_PABT) {
		hex("fsr", fsr);
		hex("far", far);
	}
	hex("cpsr", spsr);
	hex("hcpsr", cpsr);
	putc_('\n');
	for (int i = 0; i < 13; i++) {
		static const char *const rn[13] = { "r0", "r1", "r2", "r3", "r4",  "r5", "r6",
						    "r7", "r8", "r9", "r10", "r11", "r12" };
		hex(rn[i], f->r[i]);
		if (i == 6)
			putc_('\n');
	}
	hex("sp", sp);
	hex("lr", lr);
	hex("sum", checksum());
	putc_('\n');

	if (kind == FP_EXC_SVC && imm == FP_SVC_END)
		poweroff();
	if (exc_count >= EXC_LIMIT || kind == FP_EXC_IRQ || kind == FP_EXC_FIQ ||
	    kind == FP_EXC_RESERVED) {
		puts_("STOP: unexpected exception or too many\n");
		poweroff();
	}

	switch (kind) {
	case FP_EXC_UND:
	case FP_EXC_DABT:
		f->lr = pc + len;
		if (thumb)
			set_spsr(it_advance(spsr));
		break;
	case FP_EXC_SVC:
		service(imm, f);
		break;
	case FP_EXC_PABT:
		/* The programs take prefetch aborts only by calling a bad address
		 * with BLX: go back to the caller, in the caller's state. */
		f->lr = lr & ~1u;
		set_spsr((spsr & ~PSR_T) | ((lr & 1u) ? PSR_T : 0));
		break;
	default:
		break;
	}
}
