/*
 * The GIC model, driven through the bus as the guest drives it and through
 * machine_set_irq as devices do: enable/pending/active state, acknowledge and
 * EOI, level versus edge inputs, priority masking, preemption and the binary
 * point, SGIs, spurious reads, and the CPU IRQ line it reports to the host.
 */
#include <check.h>

#include "platform/machine.h"
#include "platform/vexpress-a9.h"
#include "support/check_main.h"
#include "support/fake_board.h"

#define GICD VEXPRESS_GIC_DIST_BASE
#define GICC VEXPRESS_GIC_CPU_BASE

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18

static void setup(void)
{
	fake_board_setup(256u << 20, 1000);
}

static void line(unsigned irq, bool level)
{
	pthread_mutex_lock(&fake_machine->lock);
	machine_set_irq(fake_machine, irq, level);
	pthread_mutex_unlock(&fake_machine->lock);
}

static bool bit(gpa_t bank, unsigned irq)
{
	return (fake_rd32(bank + irq / 32 * 4) >> (irq % 32)) & 1;
}

static void enable_irq(unsigned irq, uint8_t prio)
{
	fake_wr8(GICD + 0x400 + irq, prio);
	fake_wr32(GICD + 0x100 + irq / 32 * 4, 1u << (irq % 32));
}

/* Distributor and CPU interface on, nothing masked. */
static void gic_on(void)
{
	fake_wr32(GICD + 0x000, 1);
	fake_wr32(GICC + GICC_PMR, 0xff);
	fake_wr32(GICC + GICC_CTLR, 1);
}

START_TEST(test_reset_state)
{
	ck_assert_uint_eq(fake_rd32(GICD + 0x004), 2);	/* 96 interrupts, one CPU */
	ck_assert_uint_eq(fake_rd32(GICD + 0x000), 0);
	ck_assert_uint_eq(fake_rd32(GICD + 0x008) & 0xfff, 0x43b);	/* implementer ARM */
	ck_assert_uint_eq(fake_rd32(GICD + 0x100), 0xffff);	/* SGIs always enabled */
	ck_assert_uint_eq(fake_rd32(GICD + 0x104), 0);
	ck_assert_uint_eq(fake_rd32(GICD + 0xc00), 0xaaaaaaaau);	/* SGIs edge */
	ck_assert_uint_eq(fake_rd32(GICD + 0xc08), 0);		/* SPIs level */
	ck_assert_uint_eq(fake_rd32(GICD + 0xfe8), 0x1b);	/* GICv1 */
	ck_assert_uint_eq(fake_rd32(GICD + 0xffc), 0xb1);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 1023);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_HPPIR), 1023);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_RPR), 0xff);
	ck_assert(!fake_host.irq);
	ck_assert_uint_eq(fake_host.line_changes, 0);

	/* One CPU: the target registers read as zero and ignore writes. */
	fake_wr32(GICD + 0x820, 0x01010101);
	ck_assert_uint_eq(fake_rd32(GICD + 0x820), 0);
	ck_assert_uint_eq(fake_rd32(GICD + 0x800), 0);
	/* No Security Extensions: no groups. */
	fake_wr32(GICD + 0x080, 0xffffffff);
	ck_assert_uint_eq(fake_rd32(GICD + 0x080), 0);
	/* Past the 96 implemented interrupts. */
	fake_wr32(GICD + 0x10c, 0xffffffff);
	ck_assert_uint_eq(fake_rd32(GICD + 0x10c), 0);
}
END_TEST

START_TEST(test_level_interrupt)
{
	gic_on();
	enable_irq(37, 0xa0);
	line(37, true);
	ck_assert(fake_host.irq);
	ck_assert(!fake_host.fiq);
	ck_assert(bit(GICD + 0x200, 37));
	ck_assert_uint_eq(fake_rd32(GICC + GICC_HPPIR), 37);

	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 37);
	ck_assert(!fake_host.irq);	/* active: not signalled again */
	ck_assert(bit(GICD + 0x300, 37));
	ck_assert(bit(GICD + 0x200, 37));	/* the line is still high: active and pending */
	ck_assert_uint_eq(fake_rd32(GICC + GICC_RPR), 0xa0);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 1023);

	/* EOI with the line still high: pending again at once. */
	fake_wr32(GICC + GICC_EOIR, 37);
	ck_assert(fake_host.irq);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 37);
	line(37, false);
	ck_assert(!bit(GICD + 0x200, 37));
	fake_wr32(GICC + GICC_EOIR, 37);
	ck_assert(!fake_host.irq);
	ck_assert(!bit(GICD + 0x300, 37));
	ck_assert_uint_eq(fake_rd32(GICC + GICC_RPR), 0xff);

	/* A level input that drops before the acknowledge is gone. */
	line(37, true);
	ck_assert(fake_host.irq);
	line(37, false);
	ck_assert(!fake_host.irq);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 1023);
}
END_TEST

START_TEST(test_edge_interrupt)
{
	gic_on();
	fake_wr32(GICD + 0xc08, 2u << 2 * (40 - 32));	/* interrupt 40 edge-triggered */
	ck_assert_uint_eq(fake_rd32(GICD + 0xc08), 2u << 16);
	enable_irq(40, 0x80);

	line(40, true);
	line(40, false);
	ck_assert(fake_host.irq);	/* latched by the rising edge */
	ck_assert(bit(GICD + 0x200, 40));
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 40);
	ck_assert(!bit(GICD + 0x200, 40));
	/* A new edge while active pends it again, signalled after EOI. */
	line(40, true);
	ck_assert(!fake_host.irq);
	ck_assert(bit(GICD + 0x200, 40));
	fake_wr32(GICC + GICC_EOIR, 40);
	ck_assert(fake_host.irq);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 40);
	fake_wr32(GICC + GICC_EOIR, 40);
	/* The line held high is no new edge. */
	ck_assert(!fake_host.irq);
	line(40, true);
	ck_assert(!fake_host.irq);

	/* ICPENDR clears a latched edge. */
	line(40, false);
	line(40, true);
	ck_assert(fake_host.irq);
	fake_wr32(GICD + 0x284, 1u << 8);
	ck_assert(!fake_host.irq);
	ck_assert(!bit(GICD + 0x200, 40));
}
END_TEST

START_TEST(test_enable_and_software_pending)
{
	gic_on();
	fake_wr8(GICD + 0x400 + 50, 0x10);
	/* Pending but disabled: visible, not signalled. */
	fake_wr32(GICD + 0x204, 1u << (50 - 32));
	ck_assert(bit(GICD + 0x200, 50));
	ck_assert(!fake_host.irq);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_HPPIR), 1023);
	fake_wr32(GICD + 0x104, 1u << (50 - 32));
	ck_assert(bit(GICD + 0x100, 50));
	ck_assert(fake_host.irq);
	fake_wr32(GICD + 0x184, 1u << (50 - 32));
	ck_assert(!bit(GICD + 0x100, 50));
	ck_assert(!fake_host.irq);
	fake_wr32(GICD + 0x104, 1u << (50 - 32));
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 50);
	ck_assert(!bit(GICD + 0x200, 50));
	fake_wr32(GICC + GICC_EOIR, 50);

	/* Distributor or CPU interface off: held pending, not signalled. */
	fake_wr32(GICD + 0x204, 1u << (50 - 32));
	ck_assert(fake_host.irq);
	fake_wr32(GICD + 0x000, 0);
	ck_assert(!fake_host.irq);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 1023);
	fake_wr32(GICD + 0x000, 1);
	ck_assert(fake_host.irq);
	fake_wr32(GICC + GICC_CTLR, 0);
	ck_assert(!fake_host.irq);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 1023);
	fake_wr32(GICC + GICC_CTLR, 1);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 50);
	fake_wr32(GICC + GICC_EOIR, 50);
	ck_assert(!fake_host.irq);

	/* Clearing an SGI's enable has no effect. */
	fake_wr32(GICD + 0x180, 0xffffffff);
	ck_assert_uint_eq(fake_rd32(GICD + 0x100), 0xffff);
}
END_TEST

START_TEST(test_priority_mask)
{
	gic_on();
	enable_irq(34, 0x80);
	fake_wr32(GICC + GICC_PMR, 0x80);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_PMR), 0x80);
	line(34, true);
	ck_assert(!fake_host.irq);	/* priority must be strictly higher than the mask */
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 1023);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_HPPIR), 34);
	fake_wr32(GICC + GICC_PMR, 0x81);
	ck_assert(fake_host.irq);
	fake_wr32(GICC + GICC_PMR, 0);
	ck_assert(!fake_host.irq);
	fake_wr32(GICC + GICC_PMR, 0xff);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 34);
	fake_wr32(GICC + GICC_EOIR, 34);
}
END_TEST

START_TEST(test_highest_priority_wins)
{
	gic_on();
	enable_irq(33, 0xc0);
	enable_irq(36, 0x40);
	enable_irq(35, 0x40);
	line(33, true);
	line(36, true);
	line(35, true);
	/* Lowest value first; among equals the lowest ID. */
	ck_assert_uint_eq(fake_rd32(GICC + GICC_HPPIR), 35);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 35);
	/* Same priority as the running one: no preemption. */
	ck_assert(!fake_host.irq);
	line(35, false);
	fake_wr32(GICC + GICC_EOIR, 35);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 36);
	line(36, false);
	fake_wr32(GICC + GICC_EOIR, 36);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 33);
	line(33, false);
	fake_wr32(GICC + GICC_EOIR, 33);
	ck_assert(!fake_host.irq);
}
END_TEST

START_TEST(test_preemption)
{
	gic_on();
	enable_irq(40, 0x80);
	enable_irq(41, 0x40);
	enable_irq(42, 0x60);

	line(40, true);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 40);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_RPR), 0x80);
	line(41, true);
	ck_assert(fake_host.irq);	/* 0x40 preempts 0x80 */
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 41);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_RPR), 0x40);
	line(42, true);
	ck_assert(!fake_host.irq);	/* 0x60 does not preempt 0x40 */
	ck_assert_uint_eq(fake_rd32(GICC + GICC_HPPIR), 42);
	line(41, false);
	fake_wr32(GICC + GICC_EOIR, 41);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_RPR), 0x80);
	ck_assert(fake_host.irq);	/* 0x60 preempts 0x80 */
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 42);
	line(42, false);
	fake_wr32(GICC + GICC_EOIR, 42);
	line(40, false);
	fake_wr32(GICC + GICC_EOIR, 40);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_RPR), 0xff);
}
END_TEST

START_TEST(test_binary_point)
{
	gic_on();
	enable_irq(40, 0x90);
	enable_irq(41, 0x80);
	/* Group priority is bits [7:6] with BPR 5: 0x80 and 0x90 are one group. */
	fake_wr32(GICC + GICC_BPR, 5);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_BPR), 5);
	line(40, true);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 40);
	line(41, true);
	ck_assert(!fake_host.irq);
	/* With the finest binary point 0x80 preempts 0x90. */
	fake_wr32(GICC + GICC_BPR, 0);
	ck_assert(fake_host.irq);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 41);
	line(41, false);
	line(40, false);
	fake_wr32(GICC + GICC_EOIR, 41);
	fake_wr32(GICC + GICC_EOIR, 40);
	ck_assert(!fake_host.irq);
}
END_TEST

START_TEST(test_sgi)
{
	gic_on();
	fake_wr8(GICD + 0x400 + 3, 0x20);
	/* Target list naming CPU 0. */
	fake_wr32(GICD + 0xf00, (0u << 24) | (1u << 16) | 3);
	ck_assert(fake_host.irq);
	ck_assert(bit(GICD + 0x200, 3));
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 3);	/* source CPU 0 */
	fake_wr32(GICC + GICC_EOIR, 3);
	ck_assert(!fake_host.irq);

	/* Target list without CPU 0, and "all other CPUs": nothing. */
	fake_wr32(GICD + 0xf00, (0u << 24) | (2u << 16) | 4);
	fake_wr32(GICD + 0xf00, (1u << 24) | 4);
	ck_assert(!fake_host.irq);
	/* "This CPU". */
	fake_wr32(GICD + 0xf00, (2u << 24) | 5);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 5);
	fake_wr32(GICC + GICC_EOIR, 5);

	/* SGIs have no input line and are not pended through ISPENDR. */
	line(6, true);
	fake_wr32(GICD + 0x200, 1u << 7);
	ck_assert(!fake_host.irq);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 1023);
}
END_TEST

START_TEST(test_byte_and_spurious_access)
{
	uint32_t v;

	/* Priorities are byte-addressed; other lanes keep their values. */
	fake_wr32(GICD + 0x424, 0x11223344);
	fake_wr8(GICD + 0x425, 0xa0);
	ck_assert_uint_eq(fake_rd32(GICD + 0x424), 0x1122a044);
	ck_assert_int_eq(machine_access(fake_machine, GICD + 0x426, 1, &v, false), 0);
	ck_assert_uint_eq(v, 0x22);
	ck_assert_int_eq(machine_access(fake_machine, GICD + 0x424, 2, &v, false), 0);
	ck_assert_uint_eq(v, 0xa044);

	/* An EOI for an interrupt that is not active changes nothing. */
	gic_on();
	enable_irq(60, 0x10);
	line(60, true);
	fake_wr32(GICC + GICC_EOIR, 60);
	fake_wr32(GICC + GICC_EOIR, 1023);
	ck_assert(fake_host.irq);
	ck_assert_uint_eq(fake_rd32(GICC + GICC_IAR), 60);
	/* ICACTIVER (GICv2 layout) deactivates too. */
	fake_wr32(GICD + 0x380 + 4, 1u << (60 - 32));
	ck_assert(!bit(GICD + 0x300, 60));
	line(60, false);
	ck_assert(!fake_host.irq);

	/* The CPU line changes are reported once per change. */
	unsigned before = fake_host.line_changes;

	line(60, true);
	line(60, true);
	ck_assert_uint_eq(fake_host.line_changes, before + 1);
	line(60, false);
	ck_assert_uint_eq(fake_host.line_changes, before + 2);
}
END_TEST

START_TEST(test_reset_clears_state)
{
	gic_on();
	enable_irq(45, 0x10);
	line(45, true);
	ck_assert(fake_host.irq);
	machine_reset(fake_machine);
	ck_assert(!fake_host.irq);
	ck_assert_uint_eq(fake_rd32(GICD + 0x000), 0);
	ck_assert_uint_eq(fake_rd32(GICD + 0x104), 0);
	ck_assert_uint_eq(fake_rd32(GICD + 0x42c), 0);
	/* The device still holds its line high: pending, now disabled. */
	ck_assert(bit(GICD + 0x200, 45));
}
END_TEST

static Suite *gic_suite(void)
{
	Suite *s = suite_create("gic");
	TCase *tc = tcase_create("gic");

	tcase_add_checked_fixture(tc, setup, fake_board_teardown);
	tcase_add_test(tc, test_reset_state);
	tcase_add_test(tc, test_level_interrupt);
	tcase_add_test(tc, test_edge_interrupt);
	tcase_add_test(tc, test_enable_and_software_pending);
	tcase_add_test(tc, test_priority_mask);
	tcase_add_test(tc, test_highest_priority_wins);
	tcase_add_test(tc, test_preemption);
	tcase_add_test(tc, test_binary_point);
	tcase_add_test(tc, test_sgi);
	tcase_add_test(tc, test_byte_and_spurious_access);
	tcase_add_test(tc, test_reset_clears_state);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(gic_suite());
}
