/*
 * Interrupts through the GIC: an SP804 timer interrupt seen by polling, a
 * software-generated interrupt held back by the priority mask, then a
 * periodic timer interrupt counted in the IRQ handler for a fixed number of
 * ticks while the main loop waits in WFI.
 *
 * Nothing printed depends on elapsed time: ticks are numbered, never timed.
 */
#include "rt.h"

#define GICD_CTLR 0x000u
#define GICD_TYPER 0x004u
#define GICD_ISENABLER(n) (0x100u + 4u * (n))
#define GICD_ICENABLER(n) (0x180u + 4u * (n))
#define GICD_ISPENDR(n) (0x200u + 4u * (n))
#define GICD_IPRIORITYR 0x400u
#define GICD_ITARGETSR 0x800u
#define GICD_SGIR 0xF00u

#define GICC_CTLR 0x00u
#define GICC_PMR 0x04u
#define GICC_IAR 0x0Cu
#define GICC_EOIR 0x10u
#define GICC_HPPIR 0x18u

#define SP804_LOAD 0x00u
#define SP804_VALUE 0x04u
#define SP804_CONTROL 0x08u
#define SP804_INTCLR 0x0Cu
#define SP804_RIS 0x10u
#define SP804_MIS 0x14u
#define SP804_EN (1u << 7)
#define SP804_PERIODIC (1u << 6)
#define SP804_IE (1u << 5)
#define SP804_32BIT (1u << 1)
#define SP804_ONESHOT (1u << 0)

/* SP804 timer 0 is motherboard interrupt 2, GIC interrupt 32 + 2. */
#define TIMER_IRQ 34u
#define TEST_SGI 3u
#define SPURIOUS 1023u
#define TICKS 5u
/* 1 ms at the SP804's 1 MHz clock. */
#define TICK_PERIOD 1000u

static volatile uint32_t ticks, sgis, spurious;

static void gicd_byte(uint32_t reg, uint32_t irq, uint8_t v)
{
	*(volatile uint8_t *)(RT_GICD_BASE + reg + irq) = v;
}

static void on_irq(struct rt_frame *f)
{
	uint32_t iar = rt_read32(RT_GICC_BASE + GICC_IAR);
	uint32_t id = iar & 0x3FFu;

	(void)f;
	if (id == SPURIOUS) {
		spurious++;
		return;
	}
	if (id == TIMER_IRQ) {
		rt_write32(RT_SP804_0_BASE + SP804_INTCLR, 1);
		if (ticks < TICKS) {
			ticks++;
			rt_printf("  tick %u: iar %08x\n", (unsigned int)ticks, (unsigned int)iar);
		}
		/* Stop from inside the handler, so no tick can arrive after the last one. */
		if (ticks == TICKS)
			rt_write32(RT_SP804_0_BASE + SP804_CONTROL, 0);
	} else if (id == TEST_SGI) {
		sgis++;
		rt_printf("  sgi: iar %08x\n", (unsigned int)iar);
	} else {
		rt_printf("  unexpected interrupt: iar %08x\n", (unsigned int)iar);
	}
	rt_write32(RT_GICC_BASE + GICC_EOIR, iar);
}

static void gic_init(void)
{
	uint32_t typer = rt_read32(RT_GICD_BASE + GICD_TYPER);

	rt_printf("GICD_TYPER lines %u cpus %u\n", (unsigned int)(typer & 0x1F),
		  (unsigned int)(((typer >> 5) & 7) + 1));
	rt_write32(RT_GICD_BASE + GICD_CTLR, 0);
	gicd_byte(GICD_IPRIORITYR, TIMER_IRQ, 0xA0);
	gicd_byte(GICD_ITARGETSR, TIMER_IRQ, 0x01);
	gicd_byte(GICD_IPRIORITYR, TEST_SGI, 0x80);
	rt_write32(RT_GICD_BASE + GICD_ISENABLER(TIMER_IRQ / 32), 1u << (TIMER_IRQ % 32));
	rt_write32(RT_GICD_BASE + GICD_ISENABLER(0), 1u << TEST_SGI);
	rt_write32(RT_GICD_BASE + GICD_CTLR, 1);
	rt_write32(RT_GICC_BASE + GICC_PMR, 0xF0);
	rt_write32(RT_GICC_BASE + GICC_CTLR, 1);
}

/*
 * Wait until *counter reaches target, called with IRQs masked. WFI with IRQs
 * masked still wakes on a pending interrupt and unmasking afterwards takes
 * it; checking with IRQs masked means the interrupt the loop waits for cannot
 * slip in between the check and the WFI and leave it asleep for good.
 */
static void wait_masked(volatile uint32_t *counter, uint32_t target)
{
	while (*counter < target) {
		__asm__ volatile("wfi" ::: "memory");
		__asm__ volatile("cpsie i\n\tnop\n\tcpsid i" ::: "memory");
	}
}

/* A one-shot timer interrupt seen by polling, with IRQs masked at the CPU. */
static void test_polled(void)
{
	uint32_t ris, iar, value;

	rt_puts("polled:\n");
	rt_write32(RT_SP804_0_BASE + SP804_CONTROL, 0);
	rt_write32(RT_SP804_0_BASE + SP804_INTCLR, 1);
	rt_write32(RT_SP804_0_BASE + SP804_LOAD, TICK_PERIOD);
	rt_check("SP804 load reads back", rt_read32(RT_SP804_0_BASE + SP804_LOAD), TICK_PERIOD);
	rt_write32(RT_SP804_0_BASE + SP804_CONTROL, SP804_EN | SP804_IE | SP804_32BIT | SP804_ONESHOT);
	value = rt_read32(RT_SP804_0_BASE + SP804_VALUE);
	rt_check("SP804 value within load", value <= TICK_PERIOD, 1);
	do
		ris = rt_read32(RT_SP804_0_BASE + SP804_RIS);
	while (!(ris & 1));
	rt_check("SP804 MIS", rt_read32(RT_SP804_0_BASE + SP804_MIS), 1);
	rt_check("GIC pending", (rt_read32(RT_GICD_BASE + GICD_ISPENDR(1)) >> (TIMER_IRQ % 32)) & 1, 1);
	rt_check("GICC_HPPIR", rt_read32(RT_GICC_BASE + GICC_HPPIR) & 0x3FF, TIMER_IRQ);
	iar = rt_read32(RT_GICC_BASE + GICC_IAR);
	rt_check("GICC_IAR", iar & 0x3FF, TIMER_IRQ);
	rt_write32(RT_SP804_0_BASE + SP804_CONTROL, 0);
	rt_write32(RT_SP804_0_BASE + SP804_INTCLR, 1);
	rt_write32(RT_GICC_BASE + GICC_EOIR, iar);
	rt_check("SP804 RIS after clear", rt_read32(RT_SP804_0_BASE + SP804_RIS), 0);
	rt_check("GICC_IAR idle", rt_read32(RT_GICC_BASE + GICC_IAR) & 0x3FF, SPURIOUS);
}

/* An SGI to this CPU is held pending while the priority mask hides it. */
static void test_sgi(void)
{
	rt_puts("sgi:\n");
	rt_write32(RT_GICC_BASE + GICC_PMR, 0x00);
	__asm__ volatile("cpsie i" ::: "memory");
	/* Target list filter 2: this CPU only. */
	rt_write32(RT_GICD_BASE + GICD_SGIR, (2u << 24) | TEST_SGI);
	rt_check("sgi masked by PMR", sgis, 0);
	rt_check("sgi pending", (rt_read32(RT_GICD_BASE + GICD_ISPENDR(0)) >> TEST_SGI) & 1, 1);
	__asm__ volatile("cpsid i" ::: "memory");
	rt_write32(RT_GICC_BASE + GICC_PMR, 0xF0);
	wait_masked(&sgis, 1);
	rt_check("sgi taken once", sgis, 1);
}

static void test_periodic(void)
{
	rt_puts("periodic:\n");
	rt_write32(RT_SP804_0_BASE + SP804_LOAD, TICK_PERIOD);
	rt_write32(RT_SP804_0_BASE + SP804_CONTROL,
		   SP804_EN | SP804_PERIODIC | SP804_IE | SP804_32BIT);
	wait_masked(&ticks, TICKS);
	rt_check("ticks", ticks, TICKS);
	rt_check("timer stopped", rt_read32(RT_SP804_0_BASE + SP804_CONTROL) & SP804_EN, 0);
	rt_write32(RT_GICD_BASE + GICD_ICENABLER(TIMER_IRQ / 32), 1u << (TIMER_IRQ % 32));
	rt_write32(RT_GICC_BASE + GICC_CTLR, 0);
	rt_write32(RT_GICD_BASE + GICD_CTLR, 0);
	rt_check("no spurious interrupts", spurious, 0);
}

int main(void)
{
	rt_puts("timer: GIC + SP804 interrupts\n");
	rt_set_handler(RT_EXC_IRQ, on_irq);
	gic_init();
	test_polled();
	test_sgi();
	test_periodic();
	rt_printf("timer: %u failures\n", rt_failures);
	return 0;
}
