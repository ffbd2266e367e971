/*
 * The SP804 dual timer against a clock the test controls: countdown at 1 MHz,
 * periodic reload (Load+1 ticks a period), one-shot, free-running 16- and
 * 32-bit wrap, prescale, BGLOAD, stop/hold, interrupt raise and clear at the
 * GIC input, and the machine timer that raises it on time.
 */
#include <check.h>

#include "platform/machine.h"
#include "platform/vexpress-a9.h"
#include "support/check_main.h"
#include "support/fake_board.h"

#define T0 VEXPRESS_TIMER01_BASE
#define T1 (VEXPRESS_TIMER01_BASE + 0x20)

#define LOAD 0x00
#define VALUE 0x04
#define CONTROL 0x08
#define INTCLR 0x0c
#define RIS 0x10
#define MIS 0x14
#define BGLOAD 0x18

#define ONESHOT 0x01u
#define BITS32 0x02u
#define PRESCALE16 0x04u
#define PRESCALE256 0x08u
#define IE 0x20u
#define PERIODIC 0x40u
#define ENABLE 0x80u

#define US 1000ull

static uint64_t start;

static void setup(void)
{
	start = 7000000000ull;
	fake_board_setup(256u << 20, start);
}

/* Move the fake clock to `us` after the start, without touching the timer. */
static void at(uint64_t us)
{
	fake_host.now = start + us * US;
}

/* ... and let due machine timers fire, as the timer thread would. Returns
 * the next deadline as microseconds after the start, or 0. */
static uint64_t run_to(uint64_t us)
{
	uint64_t next = fake_run_timers_at(start + us * US);

	return next ? (next - start) / US : 0;
}

/* The SP804's GIC input (interrupt 34) as the distributor's pending bit. */
static bool irq_line(unsigned gic_irq)
{
	return (fake_rd32(VEXPRESS_GIC_DIST_BASE + 0x200 + gic_irq / 32 * 4) >> (gic_irq % 32)) & 1;
}

START_TEST(test_reset_and_ids)
{
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 0xffffffffu);
	ck_assert_uint_eq(fake_rd32(T0 + CONTROL), IE);
	ck_assert_uint_eq(fake_rd32(T0 + LOAD), 0);
	ck_assert_uint_eq(fake_rd32(T0 + RIS), 0);
	ck_assert_uint_eq(fake_rd32(T1 + VALUE), 0xffffffffu);
	ck_assert_uint_eq(fake_rd32(T0 + 0xfe0), 0x04);
	ck_assert_uint_eq(fake_rd32(T0 + 0xfe4), 0x18);
	ck_assert_uint_eq(fake_rd32(T0 + 0xfe8), 0x14);
	ck_assert_uint_eq(fake_rd32(T0 + 0xff0), 0x0d);
	/* Stopped: the value holds. */
	at(5000);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 0xffffffffu);
}
END_TEST

START_TEST(test_periodic_countdown_and_interrupt)
{
	fake_wr32(T0 + LOAD, 1000);
	fake_wr32(T0 + CONTROL, ENABLE | PERIODIC | BITS32 | IE);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 1000);
	ck_assert_uint_eq(run_to(100), 1000);	/* alarm armed at the zero crossing */
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 900);
	ck_assert_uint_eq(fake_rd32(T0 + RIS), 0);
	ck_assert(!irq_line(VEXPRESS_IRQ_TIMER01));

	/* The machine timer raises the line when the counter reaches zero. */
	ck_assert_uint_eq(run_to(999), 1000);
	ck_assert(!irq_line(VEXPRESS_IRQ_TIMER01));
	ck_assert_uint_eq(run_to(1000), 2001);	/* next crossing one period (1001 ticks) on */
	ck_assert(irq_line(VEXPRESS_IRQ_TIMER01));
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 0);
	ck_assert_uint_eq(fake_rd32(T0 + RIS), 1);
	ck_assert_uint_eq(fake_rd32(T0 + MIS), 1);

	/* Reload from Load on the tick after zero. */
	at(1001);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 1000);
	at(1500);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 501);

	fake_wr32(T0 + INTCLR, 0);
	ck_assert_uint_eq(fake_rd32(T0 + RIS), 0);
	ck_assert(!irq_line(VEXPRESS_IRQ_TIMER01));
	/* Several periods later, found by a read even before the alarm runs. */
	at(1000 + 3 * 1001 + 10);
	ck_assert_uint_eq(fake_rd32(T0 + RIS), 1);
	ck_assert(irq_line(VEXPRESS_IRQ_TIMER01));
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 991);
	fake_wr32(T0 + INTCLR, 1);
	ck_assert(!irq_line(VEXPRESS_IRQ_TIMER01));
}
END_TEST

START_TEST(test_interrupt_enable_masks_line)
{
	fake_wr32(T0 + LOAD, 100);
	fake_wr32(T0 + CONTROL, ENABLE | PERIODIC | BITS32);
	/* No interrupt enabled: no host wake-ups needed. */
	ck_assert_uint_eq(run_to(50), 0);
	at(150);
	ck_assert_uint_eq(fake_rd32(T0 + RIS), 1);
	ck_assert_uint_eq(fake_rd32(T0 + MIS), 0);
	ck_assert(!irq_line(VEXPRESS_IRQ_TIMER01));
	fake_wr32(T0 + CONTROL, ENABLE | PERIODIC | BITS32 | IE);
	ck_assert(irq_line(VEXPRESS_IRQ_TIMER01));
	ck_assert_uint_eq(fake_rd32(T0 + MIS), 1);
	fake_wr32(T0 + INTCLR, 1);
	ck_assert(!irq_line(VEXPRESS_IRQ_TIMER01));
}
END_TEST

START_TEST(test_oneshot)
{
	fake_wr32(T0 + LOAD, 500);
	fake_wr32(T0 + CONTROL, ENABLE | ONESHOT | BITS32 | IE);
	ck_assert_uint_eq(run_to(10), 500);
	ck_assert_uint_eq(run_to(500), 0);	/* no further crossing */
	ck_assert(irq_line(VEXPRESS_IRQ_TIMER01));
	at(100000);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 0);
	fake_wr32(T0 + INTCLR, 1);
	at(200000);
	ck_assert_uint_eq(fake_rd32(T0 + RIS), 0);
	/* Loading restarts it. */
	fake_wr32(T0 + LOAD, 20);
	at(200020);
	ck_assert_uint_eq(fake_rd32(T0 + RIS), 1);
}
END_TEST

START_TEST(test_free_running_wrap)
{
	/* 16-bit free-running: wraps from zero to 0xFFFF whatever Load says. */
	fake_wr32(T0 + LOAD, 0x10);
	fake_wr32(T0 + CONTROL, ENABLE);
	at(0x10);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 0);
	ck_assert_uint_eq(fake_rd32(T0 + RIS), 1);
	at(0x11);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 0xffff);
	at(0x11 + 0x10000);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 0xffff);

	/* 32-bit free-running from the reset value. */
	fake_wr32(T1 + CONTROL, ENABLE | BITS32);
	at(0x11 + 0x10000 + 1000);
	ck_assert_uint_eq(fake_rd32(T1 + VALUE), 0xffffffffu - 1000);
	/* The load value is cut to 16 bits in 16-bit mode. */
	fake_wr32(T0 + LOAD, 0x12345);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 0x2345);
	ck_assert_uint_eq(fake_rd32(T0 + LOAD), 0x12345);
}
END_TEST

START_TEST(test_prescale)
{
	fake_wr32(T0 + LOAD, 100);
	fake_wr32(T0 + CONTROL, ENABLE | PERIODIC | BITS32 | IE | PRESCALE16);
	ck_assert_uint_eq(run_to(16), 1600);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 99);
	ck_assert_uint_eq(run_to(1600), 1600 + 101 * 16);
	ck_assert(irq_line(VEXPRESS_IRQ_TIMER01));
	fake_wr32(T0 + INTCLR, 1);

	fake_wr32(T1 + LOAD, 10);
	fake_wr32(T1 + CONTROL, ENABLE | ONESHOT | BITS32 | PRESCALE256);
	at(1600 + 256 * 10 - 1);
	ck_assert_uint_eq(fake_rd32(T1 + VALUE), 1);
	at(1600 + 256 * 10);
	ck_assert_uint_eq(fake_rd32(T1 + VALUE), 0);
}
END_TEST

START_TEST(test_bgload)
{
	fake_wr32(T0 + LOAD, 1000);
	fake_wr32(T0 + CONTROL, ENABLE | PERIODIC | BITS32 | IE);
	at(300);
	fake_wr32(T0 + BGLOAD, 200);
	/* The count goes on; the new value is used from the next reload. */
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 700);
	ck_assert_uint_eq(fake_rd32(T0 + LOAD), 200);
	ck_assert_uint_eq(fake_rd32(T0 + BGLOAD), 200);
	ck_assert_uint_eq(run_to(1000), 1201);
	ck_assert(irq_line(VEXPRESS_IRQ_TIMER01));
	at(1001);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 200);
	fake_wr32(T0 + INTCLR, 1);
	ck_assert_uint_eq(run_to(1201), 1402);
	ck_assert(irq_line(VEXPRESS_IRQ_TIMER01));
}
END_TEST

START_TEST(test_stop_holds_and_load_zero)
{
	fake_wr32(T0 + LOAD, 1000);
	fake_wr32(T0 + CONTROL, ENABLE | PERIODIC | BITS32 | IE);
	at(300);
	fake_wr32(T0 + CONTROL, PERIODIC | BITS32 | IE);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 700);
	ck_assert_uint_eq(run_to(5000), 0);
	ck_assert_uint_eq(fake_rd32(T0 + VALUE), 700);
	ck_assert_uint_eq(fake_rd32(T0 + RIS), 0);
	/* Restart carries on from the held value. */
	fake_wr32(T0 + CONTROL, ENABLE | PERIODIC | BITS32 | IE);
	ck_assert_uint_eq(run_to(5100), 5700);

	/* Loading zero while running counts as reaching zero now. */
	fake_wr32(T0 + LOAD, 0);
	ck_assert_uint_eq(fake_rd32(T0 + RIS), 1);
	ck_assert(irq_line(VEXPRESS_IRQ_TIMER01));
}
END_TEST

START_TEST(test_two_timers_share_line)
{
	fake_wr32(T0 + LOAD, 100);
	fake_wr32(T1 + LOAD, 200);
	fake_wr32(T0 + CONTROL, ENABLE | ONESHOT | BITS32 | IE);
	fake_wr32(T1 + CONTROL, ENABLE | ONESHOT | BITS32 | IE);
	ck_assert_uint_eq(run_to(100), 200);
	ck_assert_uint_eq(fake_rd32(T0 + RIS), 1);
	ck_assert_uint_eq(fake_rd32(T1 + RIS), 0);
	ck_assert(irq_line(VEXPRESS_IRQ_TIMER01));
	ck_assert(!irq_line(VEXPRESS_IRQ_TIMER23));
	run_to(200);
	fake_wr32(T0 + INTCLR, 1);
	ck_assert(irq_line(VEXPRESS_IRQ_TIMER01));	/* timer 1 still asserts it */
	fake_wr32(T1 + INTCLR, 1);
	ck_assert(!irq_line(VEXPRESS_IRQ_TIMER01));

	/* The second module is independent, on its own line. */
	fake_wr32(VEXPRESS_TIMER23_BASE + LOAD, 5);
	fake_wr32(VEXPRESS_TIMER23_BASE + CONTROL, ENABLE | ONESHOT | BITS32 | IE);
	run_to(205);
	ck_assert(irq_line(VEXPRESS_IRQ_TIMER23));
	ck_assert(!irq_line(VEXPRESS_IRQ_TIMER01));
}
END_TEST

START_TEST(test_reaches_cpu)
{
	bool fired;

	/* Through the GIC to the CPU interface, as a guest would set it up. */
	fake_wr32(VEXPRESS_GIC_DIST_BASE + 0x104, 1u << (VEXPRESS_IRQ_TIMER01 - 32));
	fake_wr32(VEXPRESS_GIC_DIST_BASE + 0x000, 1);
	fake_wr32(VEXPRESS_GIC_CPU_BASE + 0x04, 0xff);
	fake_wr32(VEXPRESS_GIC_CPU_BASE + 0x00, 1);
	fake_wr32(T0 + LOAD, 10000);
	fake_wr32(T0 + CONTROL, ENABLE | PERIODIC | BITS32 | IE);
	/* Crossings at 10000 us, then every 10001 us. */
	for (uint64_t zero = 10000; zero < 40000; zero += 10001) {
		run_to(zero - 1);
		fired = fake_rd32(VEXPRESS_GIC_CPU_BASE + 0x18) == VEXPRESS_IRQ_TIMER01;
		ck_assert(!fired);
		run_to(zero);
		ck_assert_uint_eq(fake_rd32(VEXPRESS_GIC_CPU_BASE + 0x0c), VEXPRESS_IRQ_TIMER01);
		fake_wr32(T0 + INTCLR, 1);
		fake_wr32(VEXPRESS_GIC_CPU_BASE + 0x10, VEXPRESS_IRQ_TIMER01);
	}
}
END_TEST

static Suite *sp804_suite(void)
{
	Suite *s = suite_create("sp804");
	TCase *tc = tcase_create("sp804");

	tcase_add_checked_fixture(tc, setup, fake_board_teardown);
	tcase_add_test(tc, test_reset_and_ids);
	tcase_add_test(tc, test_periodic_countdown_and_interrupt);
	tcase_add_test(tc, test_interrupt_enable_masks_line);
	tcase_add_test(tc, test_oneshot);
	tcase_add_test(tc, test_free_running_wrap);
	tcase_add_test(tc, test_prescale);
	tcase_add_test(tc, test_bgload);
	tcase_add_test(tc, test_stop_holds_and_load_zero);
	tcase_add_test(tc, test_two_timers_share_line);
	tcase_add_test(tc, test_reaches_cpu);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(sp804_suite());
}
