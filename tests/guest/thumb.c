/*
 * Thumb-2: this file is T32 code (-mthumb), the runtime ARM code, so every
 * call into the runtime interworks. Integer work the compiler turns into IT
 * blocks, CBZ/CBNZ, TBB and the wide encodings; interworking both ways by
 * every route (thumb-asm.S); SVC, UDF (16- and 32-bit) and an alignment
 * abort taken in Thumb state and returned from; a periodic timer interrupt
 * taken, over and over, in an IT-dense Thumb loop.
 *
 * Nothing printed depends on timing: the interrupted loop's results are
 * compared with a value computed before the timer starts.
 */
#include "rt.h"

#define PSR_T (1u << 5)

/* thumb-asm.S */
uint32_t arm_add3(uint32_t a, uint32_t b, uint32_t c);
uint32_t arm_call_reg(uint32_t (*fn)(uint32_t), uint32_t x);
uint32_t arm_call_pop(uint32_t x);
uint32_t arm_ldr_pc(uint32_t x);
uint32_t arm_ldm_to_thumb(uint32_t x);
uint32_t t_blx_imm(uint32_t x);
uint32_t t_it_work(uint32_t x);

/* ---- compute ----------------------------------------------------------- */

static uint32_t crc32(const uint8_t *p, unsigned n)
{
	uint32_t c = 0xffffffffu;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

static void isort(int32_t *a, unsigned n)
{
	for (unsigned i = 1; i < n; i++) {
		int32_t v = a[i];
		unsigned j = i;
		while (j && a[j - 1] > v) {
			a[j] = a[j - 1];
			j--;
		}
		a[j] = v;
	}
}

/* A dense switch: TBB in Thumb-2. */
static __attribute__((noinline)) uint32_t step(uint32_t state, uint32_t x)
{
	switch (state & 15) {
	case 0: return x + 1;
	case 1: return x ^ 0x55;
	case 2: return x << 3;
	case 3: return x >> 2;
	case 4: return x * 7;
	case 5: return ~x;
	case 6: return x - 9;
	case 7: return (x << 16) | (x >> 16);
	case 8: return x & 0xf0f0f0f0u;
	case 9: return x | 0x01010101u;
	case 10: return (uint32_t)__builtin_clz(x | 1);
	case 11: return __builtin_bswap32(x);
	case 12: return x / 10;
	case 13: return x % 1000;
	case 14: return (uint32_t)((int32_t)x >> 7);
	default: return x + state;
	}
}

static void test_compute(void)
{
	static uint8_t buf[200];
	static int32_t arr[40];
	uint32_t s = 0x13579bdfu, x = 1;
	uint64_t big = 0x123456789abcdef1ull;

	rt_puts("compute:\n");
	for (unsigned i = 0; i < sizeof(buf); i++) {
		s = s * 1103515245u + 12345u;
		buf[i] = (uint8_t)(s >> 16);
	}
	rt_printf("  crc32 %08x\n", (unsigned int)crc32(buf, sizeof(buf)));
	for (unsigned i = 0; i < 40; i++) {
		s = s * 1103515245u + 12345u;
		arr[i] = (int32_t)s >> 8;
	}
	isort(arr, 40);
	rt_printf("  sorted %d %d %d %d\n", (int)arr[0], (int)arr[13], (int)arr[26], (int)arr[39]);
	for (uint32_t k = 0; k < 100; k++)
		x = step(k * 7 + (x & 3), x) + k;
	rt_printf("  switch %08x\n", (unsigned int)x);
	/* 64-bit division: __aeabi_uldivmod from libgcc */
	rt_printf("  udiv64 %llx rem %llx\n", (unsigned long long)(big / 1000003u),
		  (unsigned long long)(big % 1000003u));
	rt_printf("  sdiv %d %d\n", (int)(-1234567 / (int)((s & 0xff) | 1)), (int)(-1234567 % 97));
}

/* ---- interworking ------------------------------------------------------ */

static __attribute__((noinline)) uint32_t t_plus7(uint32_t x)
{
	return x + 7;
}

static void test_interworking(void)
{
	uint32_t (*volatile fp)(uint32_t) = t_plus7;

	rt_puts("interworking:\n");
	rt_printf("  thumb -> arm bl:        %u\n", (unsigned int)arm_add3(10, 20, 30));
	rt_printf("  arm blx reg -> thumb:   %u\n", (unsigned int)arm_call_reg(fp, 100));
	rt_printf("  arm blx -> thumb pop:   %u\n", (unsigned int)arm_call_pop(11));
	rt_printf("  arm ldr pc -> thumb:    %08x\n", (unsigned int)arm_ldr_pc(0x12345678));
	rt_printf("  arm ldm pc -> thumb:    %08x\n", (unsigned int)arm_ldm_to_thumb(5));
	rt_printf("  thumb blx -> arm, ldr pc: %x\n", (unsigned int)t_blx_imm(0x23));
	rt_printf("  thumb function pointers have bit 0 set: %u\n", (unsigned int)((uint32_t)fp & 1));
}

/* ---- exceptions in Thumb state ----------------------------------------- */

static volatile uint32_t svcs, unds, dabts;
static uint8_t abuf[16] __attribute__((aligned(8)));

/* The stubs compute the ARM return address; in Thumb state the UNDEF and SVC
 * link registers are the instruction + 2 instead of + 4. */
static uint32_t insn_addr(const struct rt_frame *f, int thumb_lr2)
{
	return f->pc + ((thumb_lr2 && (f->spsr & PSR_T)) ? 2 : 0);
}

static unsigned insn_len(uint32_t addr)
{
	return *(const uint16_t *)addr >= 0xe800 ? 4 : 2;
}

static void on_svc(struct rt_frame *f)
{
	uint32_t at = insn_addr(f, 1);
	uint32_t num = *(const uint16_t *)(at) & 0xff;

	rt_printf("  svc #%u in %s, r0=%u\n", (unsigned int)num, (f->spsr & PSR_T) ? "thumb" : "arm",
		  (unsigned int)f->r[0]);
	svcs++;
	f->r[0] += num;
	f->pc = at + 2;
}

static void on_und(struct rt_frame *f)
{
	uint32_t at = insn_addr(f, 1);
	unsigned len = insn_len(at);
	uint32_t insn = *(const uint16_t *)at;

	if (len == 4)
		insn = insn << 16 | *(const uint16_t *)(at + 2);
	rt_printf(len == 4 ? "  undefined %08x (4 bytes) in %s\n" : "  undefined %04x (2 bytes) in %s\n",
		  (unsigned int)insn, (f->spsr & PSR_T) ? "thumb" : "arm");
	unds++;
	f->pc = at + len;
}

static void on_dabt(struct rt_frame *f)
{
	uint32_t dfsr, dfar;
	uint32_t at = insn_addr(f, 0);

	__asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(dfsr));
	__asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(dfar));
	rt_printf("  data abort: DFSR %03x DFAR abuf%+d, %u-byte insn in %s\n",
		  (unsigned int)(dfsr & 0x40f), (int)(dfar - (uint32_t)abuf), insn_len(at),
		  (f->spsr & PSR_T) ? "thumb" : "arm");
	dabts++;
	f->pc = at + insn_len(at);
}

static void test_exceptions(void)
{
	rt_puts("exceptions in thumb:\n");
	rt_set_handler(RT_EXC_SVC, on_svc);
	rt_set_handler(RT_EXC_UND, on_und);
	rt_set_handler(RT_EXC_DABT, on_dabt);
	{
		register uint32_t r0 __asm__("r0") = 1000;
		__asm__ volatile("svc #42" : "+r"(r0) : : "lr", "cc", "memory");
		rt_check("svc returns r0 + 42", r0, 1042);
	}
	__asm__ volatile("udf #0x5a" ::: "memory");
	__asm__ volatile("udf.w #0x1234" ::: "memory");
	{
		register uint32_t v __asm__("r2") = 0;
		/* LDRD needs word alignment whatever SCTLR.A says. */
		__asm__ volatile("ldrd r2, r3, [%[a]]" : "+r"(v) : [a] "r"(abuf + 2) : "r3", "memory");
		__asm__ volatile("ldr.w r2, [%[a], #4]" : "+r"(v) : [a] "r"(abuf) : "memory");
		rt_check("ldr after the abort", v, 0x07060504u);
	}
	rt_check("svcs", svcs, 1);
	rt_check("undefs", unds, 2);
	rt_check("data aborts", dabts, 1);
	rt_set_handler(RT_EXC_SVC, NULL);
	rt_set_handler(RT_EXC_UND, NULL);
	rt_set_handler(RT_EXC_DABT, NULL);
}

/* ---- a timer interrupting an IT-dense loop ----------------------------- */

#define GICD_CTLR 0x000u
#define GICD_ISENABLER(n) (0x100u + 4u * (n))
#define GICD_ICENABLER(n) (0x180u + 4u * (n))
#define GICD_IPRIORITYR 0x400u
#define GICD_ITARGETSR 0x800u
#define GICC_CTLR 0x00u
#define GICC_PMR 0x04u
#define GICC_IAR 0x0Cu
#define GICC_EOIR 0x10u
#define SP804_LOAD 0x00u
#define SP804_CONTROL 0x08u
#define SP804_INTCLR 0x0Cu
#define SP804_CTRL_RUN 0xE2u /* enable, periodic, interrupt, 32-bit */
#define TIMER_IRQ 34u
#define TICKS 20u
/* 200 us at the SP804's 1 MHz: several interrupts per second of guest time
 * under any engine, many loop iterations between them. */
#define TICK_PERIOD 200u

static volatile uint32_t ticks, irq_in_arm;

static void on_irq(struct rt_frame *f)
{
	uint32_t iar = rt_read32(RT_GICC_BASE + GICC_IAR);

	if ((iar & 0x3ff) == TIMER_IRQ) {
		rt_write32(RT_SP804_0_BASE + SP804_INTCLR, 1);
		if (!(f->spsr & PSR_T))
			irq_in_arm++;
		if (++ticks == TICKS)
			rt_write32(RT_SP804_0_BASE + SP804_CONTROL, 0);
	}
	if ((iar & 0x3ff) != 1023)
		rt_write32(RT_GICC_BASE + GICC_EOIR, iar);
}

static void test_irq_in_it(void)
{
	uint32_t want = t_it_work(0x12345678u), bad = 0;

	rt_puts("interrupts in IT blocks:\n");
	rt_printf("  it_work %08x\n", (unsigned int)want);
	rt_set_handler(RT_EXC_IRQ, on_irq);
	*(volatile uint8_t *)(RT_GICD_BASE + GICD_IPRIORITYR + TIMER_IRQ) = 0xa0;
	*(volatile uint8_t *)(RT_GICD_BASE + GICD_ITARGETSR + TIMER_IRQ) = 1;
	rt_write32(RT_GICD_BASE + GICD_ISENABLER(TIMER_IRQ / 32), 1u << (TIMER_IRQ % 32));
	rt_write32(RT_GICD_BASE + GICD_CTLR, 1);
	rt_write32(RT_GICC_BASE + GICC_PMR, 0xf0);
	rt_write32(RT_GICC_BASE + GICC_CTLR, 1);
	rt_write32(RT_SP804_0_BASE + SP804_LOAD, TICK_PERIOD);
	rt_write32(RT_SP804_0_BASE + SP804_CONTROL, SP804_CTRL_RUN);
	__asm__ volatile("cpsie i" ::: "memory");
	while (ticks < TICKS)
		bad += t_it_work(0x12345678u) != want;
	__asm__ volatile("cpsid i" ::: "memory");
	rt_write32(RT_GICD_BASE + GICD_ICENABLER(TIMER_IRQ / 32), 1u << (TIMER_IRQ % 32));
	rt_write32(RT_GICC_BASE + GICC_CTLR, 0);
	rt_write32(RT_GICD_BASE + GICD_CTLR, 0);
	rt_set_handler(RT_EXC_IRQ, NULL);
	rt_check("ticks", ticks, TICKS);
	rt_check("interrupts taken in ARM state", irq_in_arm, 0);
	rt_check("loop results that differ", bad, 0);
}

int main(void)
{
	/* MRS reads T as zero: the execution state shows in the SPSRs of the
	 * exceptions below instead. */
	rt_puts("thumb: Thumb-2 code\n");
	for (unsigned i = 0; i < sizeof(abuf); i++)
		abuf[i] = (uint8_t)i;
	test_compute();
	test_interworking();
	test_exceptions();
	test_irq_in_it();
	rt_printf("thumb: %u failures\n", rt_failures);
	return 0;
}
