/*
 * The machine core: board registry, device bus (lookup, counting, unmapped
 * and bus-error accesses, strict bus), device timers (order, cancel, the
 * timer thread, clean shutdown), console input, reset; and the vexpress-a9
 * board's system-level devices (V2M registers and SYS_CFG, fast reads,
 * SP810, SCU, PL031).
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "captive/abi.h"
#include "platform/machine.h"
#include "platform/vexpress-a9.h"
#include "support/check_main.h"
#include "support/fake_board.h"

#define RAM_SIZE (512u << 20)

static void setup(void)
{
	fake_board_setup(RAM_SIZE, 5000000000ull);
}

/* A device that records what reaches it and answers a bus error at 0x100. */
struct probe_dev {
	struct device dev;
	uint32_t last_offset;
	unsigned last_size;
	uint32_t last_value;
	bool destroyed;
};

static int probe_read(struct device *dev, uint32_t offset, unsigned size, uint32_t *value)
{
	struct probe_dev *p = (struct probe_dev *)dev;

	p->last_offset = offset;
	p->last_size = size;
	if (offset == 0x100)
		return -1;
	*value = 0xa5000000u | offset;
	return 0;
}

static int probe_write(struct device *dev, uint32_t offset, unsigned size, uint32_t value)
{
	struct probe_dev *p = (struct probe_dev *)dev;

	p->last_offset = offset;
	p->last_size = size;
	p->last_value = value;
	return offset == 0x100 ? -1 : 0;
}

static void probe_destroy(struct device *dev)
{
	((struct probe_dev *)dev)->destroyed = true;
}

static const struct device_ops probe_ops = {
	.read = probe_read,
	.write = probe_write,
	.destroy = probe_destroy,
};

START_TEST(test_board_registry)
{
	const struct machine_host mh = fake_board_host();
	struct board_params p = { .ram_size = 512u << 20 };
	struct machine *other = (struct machine *)&fake_host;

	ck_assert_ptr_nonnull(board_find("vexpress-a9"));
	ck_assert_ptr_null(board_find("vexpress-a15"));
	ck_assert_ptr_eq(machine_boards[0], board_find("vexpress-a9"));
	ck_assert_ptr_null(machine_boards[1]);
	ck_assert_uint_eq(machine_boards[0]->ram_base, 0x60000000u);
	ck_assert_uint_eq(machine_boards[0]->ram_max, 1024ull << 20);

	ck_assert_int_eq(machine_create(&other, "nope", &p, &mh), -ENOENT);
	ck_assert_ptr_null(other);
	p.ram_size = 2048ull << 20;
	ck_assert_int_eq(machine_create(&other, "vexpress-a9", &p, &mh), -EINVAL);
}
END_TEST

START_TEST(test_device_lookup)
{
	struct device *uart = machine_find_device(fake_machine, VEXPRESS_UART0_BASE);

	ck_assert_ptr_nonnull(uart);
	ck_assert_str_eq(uart->name, "uart0");
	ck_assert_ptr_eq(machine_find_device(fake_machine, VEXPRESS_UART0_BASE + 0xfff), uart);
	ck_assert_ptr_null(machine_find_device(fake_machine, VEXPRESS_UART0_BASE + 0x1000));
	ck_assert_str_eq(machine_find_device(fake_machine, VEXPRESS_GIC_CPU_BASE + 4)->name, "gic-cpu");
	ck_assert_str_eq(machine_find_device(fake_machine, VEXPRESS_GIC_DIST_BASE)->name, "gic-dist");
	ck_assert_str_eq(machine_find_device(fake_machine, VEXPRESS_SCU_BASE)->name, "a9-scu");
	ck_assert_str_eq(machine_find_device(fake_machine, VEXPRESS_TIMER23_BASE + 0x20)->name, "timer23");

	struct device *sys = machine_find_device(fake_machine, VEXPRESS_SYSREG_BASE);

	ck_assert_uint_eq(fake_rd32(VEXPRESS_SYSREG_BASE), 0x1190f500u);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SYSREG_BASE + 0x84), 0x0c000191u);
	fake_wr32(VEXPRESS_SYSREG_BASE + 0x08, 0x5a);
	ck_assert_uint_eq(sys->reads, 2);
	ck_assert_uint_eq(sys->writes, 1);
	ck_assert_uint_eq(fake_machine->unmapped_accesses, 0);
	ck_assert_uint_eq(fake_host.warnings, 0);
}
END_TEST

START_TEST(test_add_device)
{
	struct probe_dev p = { .dev = { .name = "probe", .ops = &probe_ops, .base = 0x20000000,
					.size = 0x1000 } };
	struct probe_dev clash = { .dev = { .name = "clash", .ops = &probe_ops, .base = 0x20000ff0,
					    .size = 0x100 } };
	struct probe_dev empty = { .dev = { .name = "empty", .ops = &probe_ops, .base = 0x30000000 } };
	uint32_t v;

	ck_assert_int_eq(machine_add_device(fake_machine, &p.dev), 0);
	ck_assert_int_eq(machine_add_device(fake_machine, &clash.dev), -EEXIST);
	ck_assert_int_eq(machine_add_device(fake_machine, &empty.dev), -EINVAL);
	ck_assert_int_eq(machine_add_device(fake_machine, &(struct probe_dev){ .dev = { .name = "uart-clash",
			 .ops = &probe_ops, .base = VEXPRESS_UART0_BASE + 0x800, .size = 4 } }.dev),
			 -EEXIST);

	ck_assert_int_eq(machine_access(fake_machine, 0x20000010, 2, &v, false), 0);
	ck_assert_uint_eq(v, 0xa5000010u);
	ck_assert_uint_eq(p.last_offset, 0x10);
	ck_assert_uint_eq(p.last_size, 2);
	v = 0x1234;
	ck_assert_int_eq(machine_access(fake_machine, 0x20000ffc, 4, &v, true), 0);
	ck_assert_uint_eq(p.last_offset, 0xffc);
	ck_assert_uint_eq(p.last_value, 0x1234);
	ck_assert_uint_eq(p.dev.reads, 1);
	ck_assert_uint_eq(p.dev.writes, 1);

	/* The device's bus error reads as zero, ignored write, one warning. */
	v = 0xffffffff;
	ck_assert_int_eq(machine_access(fake_machine, 0x20000100, 4, &v, false), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(machine_access(fake_machine, 0x20000100, 4, &v, true), 0);
	ck_assert_uint_eq(fake_host.warnings, 1);
	ck_assert_ptr_nonnull(strstr(fake_host.last_warning, "probe"));
	ck_assert_uint_eq(fake_machine->unmapped_accesses, 0);

	/* An access running past the window's end is not the device's. */
	ck_assert_int_eq(machine_access(fake_machine, 0x20000ffe, 4, &v, false), 0);
	ck_assert_uint_eq(p.dev.reads, 2);
	ck_assert_uint_eq(fake_machine->unmapped_accesses, 1);

	/* Teardown destroys devices added after create too. */
	machine_destroy(fake_machine);
	fake_machine = NULL;
	ck_assert(p.destroyed);
	ck_assert(!clash.destroyed);
}
END_TEST

START_TEST(test_unmapped_raz_wi)
{
	uint32_t v = 0x12345678;

	ck_assert_uint_eq(fake_rd32(0x40000000), 0);
	ck_assert_uint_eq(fake_machine->unmapped_accesses, 1);
	ck_assert_uint_eq(fake_host.warnings, 1);
	ck_assert_ptr_nonnull(strstr(fake_host.last_warning, "0x40000000"));
	ck_assert_ptr_nonnull(strstr(fake_host.last_warning, "read as zero"));

	/* Same page: counted, not warned again. */
	ck_assert_int_eq(machine_access(fake_machine, 0x40000ffc, 4, &v, true), 0);
	ck_assert_uint_eq(fake_machine->unmapped_accesses, 2);
	ck_assert_uint_eq(fake_host.warnings, 1);

	/* Another page: warned. Then at most ten warnings in all. */
	ck_assert_int_eq(machine_access(fake_machine, 0x40001000, 1, &v, true), 0);
	ck_assert_uint_eq(fake_host.warnings, 2);
	ck_assert_ptr_nonnull(strstr(fake_host.last_warning, "write ignored"));
	for (unsigned i = 0; i < 50; i++)
		fake_rd32(0x50000000 + i * 0x1000);
	ck_assert_uint_eq(fake_host.warnings, 10);
	ck_assert_ptr_nonnull(strstr(fake_host.last_warning, "suppressed"));
	ck_assert_uint_eq(fake_machine->unmapped_accesses, 53);
	/* RAM is not the bus's: an access there is unmapped too. */
	ck_assert_uint_eq(fake_rd32(0x00001000), 0);
}
END_TEST

START_TEST(test_strict_bus)
{
	struct probe_dev p = { .dev = { .name = "probe", .ops = &probe_ops, .base = 0x20000000,
					.size = 0x1000 } };
	uint32_t v = 7;

	machine_destroy(fake_machine);
	fake_machine = fake_board_create(RAM_SIZE, true);
	ck_assert_int_eq(machine_access(fake_machine, 0x40000000, 4, &v, false), 1);
	ck_assert_int_eq(machine_access(fake_machine, 0x40000000, 4, &v, true), 1);
	ck_assert_uint_eq(fake_machine->unmapped_accesses, 2);
	ck_assert_uint_eq(fake_host.warnings, 1);
	ck_assert_ptr_nonnull(strstr(fake_host.last_warning, "external abort"));

	ck_assert_int_eq(machine_add_device(fake_machine, &p.dev), 0);
	ck_assert_int_eq(machine_access(fake_machine, 0x20000100, 4, &v, false), 1);
	ck_assert_int_eq(machine_access(fake_machine, 0x20000104, 4, &v, false), 0);
	ck_assert_uint_eq(v, 0xa5000104u);
	/* A misaligned device access is a bus error from the model. */
	ck_assert_int_eq(machine_access(fake_machine, VEXPRESS_UART0_BASE + 2, 4, &v, false), 1);
	machine_destroy(fake_machine);
	fake_machine = NULL;
}
END_TEST

struct order_timer {
	struct machine_timer t;
	unsigned id;
};

static unsigned fired[8];
static unsigned nfired;
static pthread_cond_t fired_cond = PTHREAD_COND_INITIALIZER;

static void order_fire(struct machine_timer *t)
{
	if (nfired < 8)
		fired[nfired++] = ((struct order_timer *)t)->id;
	pthread_cond_broadcast(&fired_cond);
}

START_TEST(test_timers_fake_clock)
{
	struct order_timer a = { { .fire = order_fire }, 1 };
	struct order_timer b = { { .fire = order_fire }, 2 };
	struct order_timer c = { { .fire = order_fire }, 3 };
	struct order_timer d = { { .fire = order_fire }, 4 };
	uint64_t t0 = fake_host.now;

	nfired = 0;
	pthread_mutex_lock(&fake_machine->lock);
	machine_timer_arm(fake_machine, &a.t, t0 + 300);
	machine_timer_arm(fake_machine, &b.t, t0 + 100);
	machine_timer_arm(fake_machine, &c.t, t0 + 200);
	machine_timer_arm(fake_machine, &d.t, t0 + 100);	/* same deadline as b, armed later */
	ck_assert_uint_eq(machine_run_timers(fake_machine), t0 + 100);
	ck_assert_uint_eq(nfired, 0);

	fake_host.now = t0 + 250;
	ck_assert_uint_eq(machine_run_timers(fake_machine), t0 + 300);
	ck_assert_uint_eq(nfired, 3);
	ck_assert_uint_eq(fired[0], 2);
	ck_assert_uint_eq(fired[1], 4);
	ck_assert_uint_eq(fired[2], 3);
	ck_assert_uint_eq(b.t.deadline_ns, 0);

	/* Re-arming moves a timer; cancelling removes it. */
	machine_timer_arm(fake_machine, &b.t, t0 + 400);
	machine_timer_arm(fake_machine, &a.t, t0 + 500);
	machine_timer_cancel(fake_machine, &b.t);
	machine_timer_cancel(fake_machine, &b.t);
	ck_assert_uint_eq(b.t.deadline_ns, 0);
	fake_host.now = t0 + 1000;
	ck_assert_uint_eq(machine_run_timers(fake_machine), 0);
	ck_assert_uint_eq(nfired, 4);
	ck_assert_uint_eq(fired[3], 1);
	pthread_mutex_unlock(&fake_machine->lock);
}
END_TEST

/* Re-arms itself in the past every time it fires. */
static unsigned greedy_fires;

static void greedy_fire(struct machine_timer *t)
{
	struct machine *mm = fake_machine;

	greedy_fires++;
	machine_timer_arm(mm, t, 1);
}

START_TEST(test_timer_rearm_in_past_does_not_spin)
{
	struct machine_timer g = { .fire = greedy_fire };

	greedy_fires = 0;
	pthread_mutex_lock(&fake_machine->lock);
	machine_timer_arm(fake_machine, &g, fake_host.now - 10);
	ck_assert_uint_eq(machine_run_timers(fake_machine), 1);
	ck_assert_uint_eq(greedy_fires, 1);
	ck_assert_uint_eq(machine_run_timers(fake_machine), 1);
	ck_assert_uint_eq(greedy_fires, 2);
	machine_timer_cancel(fake_machine, &g);
	pthread_mutex_unlock(&fake_machine->lock);
}
END_TEST

START_TEST(test_timer_thread)
{
	struct order_timer a = { { .fire = order_fire }, 1 };
	struct order_timer b = { { .fire = order_fire }, 2 };
	struct order_timer c = { { .fire = order_fire }, 3 };
	struct order_timer never = { { .fire = order_fire }, 9 };
	struct order_timer far = { { .fire = order_fire }, 8 };
	struct timespec limit;
	uint64_t start, t0;

	machine_destroy(fake_machine);
	memset(&fake_host, 0, sizeof(fake_host));
	fake_host.real_clock = true;
	fake_machine = fake_board_create(RAM_SIZE, false);
	nfired = 0;
	ck_assert_int_eq(machine_start_timers(fake_machine), 0);
	ck_assert_int_eq(machine_start_timers(fake_machine), 0);

	pthread_mutex_lock(&fake_machine->lock);
	t0 = machine_now_ns(fake_machine);
	machine_timer_arm(fake_machine, &a.t, t0 + 60000000);
	machine_timer_arm(fake_machine, &b.t, t0 + 20000000);
	machine_timer_arm(fake_machine, &never.t, t0 + 30000000);
	machine_timer_arm(fake_machine, &c.t, t0 + 40000000);
	machine_timer_cancel(fake_machine, &never.t);
	clock_gettime(CLOCK_REALTIME, &limit);
	limit.tv_sec += 5;
	while (nfired < 3)
		if (pthread_cond_timedwait(&fired_cond, &fake_machine->lock, &limit))
			break;
	ck_assert_uint_eq(nfired, 3);
	ck_assert_uint_eq(fired[0], 2);
	ck_assert_uint_eq(fired[1], 3);
	ck_assert_uint_eq(fired[2], 1);
	ck_assert_uint_ge(machine_now_ns(fake_machine), t0 + 60000000);

	/* Shut down with a timer an hour away: the thread must not wait for it. */
	machine_timer_arm(fake_machine, &far.t, t0 + 3600ull * 1000000000u);
	pthread_mutex_unlock(&fake_machine->lock);
	start = fake_mono_ns();
	machine_destroy(fake_machine);
	fake_machine = NULL;
	ck_assert_uint_lt(fake_mono_ns() - start, 1000000000u);
	ck_assert_uint_eq(nfired, 3);
}
END_TEST

START_TEST(test_console_input_and_reset)
{
	uint32_t v;

	ck_assert_int_eq(machine_console_input(fake_machine, 'x'), 0);
	/* FIFOs off at reset: one byte deep, the next waits. */
	ck_assert_int_eq(machine_console_input(fake_machine, 'y'), -EAGAIN);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_UART0_BASE), 'x');
	ck_assert_int_eq(machine_console_input(fake_machine, 'y'), 0);

	fake_wr32(VEXPRESS_UART0_BASE + 0x30, 0x301);
	fake_wr32(VEXPRESS_SYSREG_BASE + 0x08, 0xff);
	machine_reset(fake_machine);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_UART0_BASE + 0x30), 0x300);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_UART0_BASE + 0x18) & 0x10, 0x10);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SYSREG_BASE + 0x08), 0);

	/* A byte store to the data register transmits. */
	v = 'z';
	ck_assert_int_eq(machine_access(fake_machine, VEXPRESS_UART0_BASE, 1, &v, true), 0);
	ck_assert_uint_eq(fake_host.out_len, 1);
	ck_assert_int_eq(fake_host.out[0], 'z');
}
END_TEST

/* One SYS_CFG transaction; returns SYS_CFGSTAT. */
static uint32_t sys_cfg(bool write, unsigned function, unsigned site, unsigned device,
			uint32_t *data)
{
	fake_wr32(VEXPRESS_SYSREG_BASE + 0xa0, write ? *data : 0xdeadbeef);
	fake_wr32(VEXPRESS_SYSREG_BASE + 0xa8, 0);
	fake_wr32(VEXPRESS_SYSREG_BASE + 0xa4, (1u << 31) | (write ? 1u << 30 : 0) | function << 20 |
						      site << 16 | device);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SYSREG_BASE + 0xa4) >> 31, 0);
	if (!write)
		*data = fake_rd32(VEXPRESS_SYSREG_BASE + 0xa0);
	return fake_rd32(VEXPRESS_SYSREG_BASE + 0xa8);
}

START_TEST(test_v2m_sys_cfg)
{
	uint32_t data;

	ck_assert_uint_eq(sys_cfg(false, 1, 0, 2, &data), 1);
	ck_assert_uint_eq(data, 24000000);
	ck_assert_uint_eq(sys_cfg(false, 1, 1, 0, &data), 1);
	ck_assert_uint_eq(data, 45000000);
	data = 30000000;
	ck_assert_uint_eq(sys_cfg(true, 1, 0, 1, &data), 1);
	ck_assert_uint_eq(sys_cfg(false, 1, 0, 1, &data), 1);
	ck_assert_uint_eq(data, 30000000);
	ck_assert_uint_eq(sys_cfg(false, 2, 0, 0, &data), 1);
	ck_assert_uint_eq(data, 3300000);
	/* No such oscillator, no such function: complete with error. */
	ck_assert_uint_eq(sys_cfg(false, 1, 0, 6, &data), 3);
	ck_assert_uint_eq(sys_cfg(false, 4, 0, 0, &data), 3);
	ck_assert_int_eq(fake_host.power, 0);

	data = 0;
	ck_assert_uint_eq(sys_cfg(true, 9, 0, 0, &data), 1);
	ck_assert_int_eq(fake_host.power, MACHINE_REBOOT);
	ck_assert_uint_eq(sys_cfg(true, 8, 1, 0, &data), 3);
	ck_assert_int_eq(fake_host.power, MACHINE_REBOOT);
	ck_assert_uint_eq(sys_cfg(true, 8, 0, 0, &data), 1);
	ck_assert_int_eq(fake_host.power, MACHINE_POWER_OFF);
}
END_TEST

START_TEST(test_v2m_registers)
{
	uint32_t b;

	fake_wr32(VEXPRESS_SYSREG_BASE + 0x30, 0x81);
	fake_wr32(VEXPRESS_SYSREG_BASE + 0x30, 0x02);
	fake_wr32(VEXPRESS_SYSREG_BASE + 0x34, 0x01);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SYSREG_BASE + 0x30), 0x82);
	fake_wr32(VEXPRESS_SYSREG_BASE + 0x08, 0x1a5);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SYSREG_BASE + 0x08), 0xa5);
	ck_assert_int_eq(machine_access(fake_machine, VEXPRESS_SYSREG_BASE + 2, 1, &b, false), 0);
	ck_assert_uint_eq(b, 0x90);	/* byte 2 of SYS_ID */

	ck_assert_uint_eq(fake_rd32(VEXPRESS_SYSREG_BASE + 0x24), 0);
	fake_host.now += 1000000000u;
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SYSREG_BASE + 0x24), 100);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SYS_24MHZ), 24000000);
}
END_TEST

START_TEST(test_fast_read_matches_device)
{
	struct captive_fast_read fr[CAPTIVE_MAX_FAST_READS];
	uint64_t deltas[] = { 0, 1, 41, 42, 12345678, 178956970666ull, 3600ull * 1000000000u };

	memset(fr, 0, sizeof(fr));
	ck_assert_uint_eq(fake_machine->board->fast_reads(fake_machine, fr, 0), 0);
	ck_assert_uint_eq(fake_machine->board->fast_reads(fake_machine, fr, CAPTIVE_MAX_FAST_READS), 1);
	ck_assert_uint_eq(fr[0].pa, 0x1000005cu);
	ck_assert_uint_eq(fr[0].kind, CAPTIVE_FAST_COUNTER_24MHZ);
	ck_assert_uint_eq(fr[0].size, 4);
	ck_assert_uint_eq(fr[0].param, 5000000000ull);
	for (unsigned i = 0; i < CAPTIVE_ARRAY_SIZE(deltas); i++) {
		uint64_t mono = fr[0].param + deltas[i];

		fake_host.now = mono;
		/* The engine's formula, from abi.h. */
		ck_assert_uint_eq(fake_rd32(VEXPRESS_SYS_24MHZ), (uint32_t)((mono - fr[0].param) * 24 / 1000));
	}
}
END_TEST

START_TEST(test_sp810_scu)
{
	/* Timers clocked from TIMCLK (1 MHz), mode NORMAL. */
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SP810_BASE) & 0x2a8000u, 0x2a8000u);
	ck_assert_uint_eq((fake_rd32(VEXPRESS_SP810_BASE) >> 3) & 0xf, 4);
	fake_wr32(VEXPRESS_SP810_BASE, 0);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SP810_BASE), 4u << 3);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SP810_BASE + 0xfe0), 0x10);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SP810_BASE + 0xffc), 0xb1);

	ck_assert_uint_eq(fake_rd32(VEXPRESS_SCU_BASE + 4) & 3, 0);	/* one CPU */
	fake_wr32(VEXPRESS_SCU_BASE + 4, 0xffffffff);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SCU_BASE + 4), 0x10);
	fake_wr32(VEXPRESS_SCU_BASE, 1);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_SCU_BASE), 1);
}
END_TEST

START_TEST(test_pl031)
{
	const uint64_t s = 1000000000u;
	uint32_t t0 = fake_rd32(VEXPRESS_RTC_BASE);
	uint32_t spi_word = VEXPRESS_GIC_DIST_BASE + 0x200 + 4;

	/* Started from the host's wall clock: some time after 2020. */
	ck_assert_uint_gt(t0, 1577836800u);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_RTC_BASE + 0x0c), 1);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_RTC_BASE + 0xfe0), 0x31);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_RTC_BASE + 0xfe8), 0x14);

	fake_wr32(VEXPRESS_RTC_BASE + 0x08, 1000);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_RTC_BASE), 1000);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_RTC_BASE + 0x08), 1000);
	fake_host.now += s - 1;
	ck_assert_uint_eq(fake_rd32(VEXPRESS_RTC_BASE), 1000);
	fake_host.now += 1;
	ck_assert_uint_eq(fake_rd32(VEXPRESS_RTC_BASE), 1001);

	/* Match 3 s from now; the interrupt line is IMSC-gated. */
	fake_wr32(VEXPRESS_RTC_BASE + 0x04, 1004);
	fake_wr32(VEXPRESS_RTC_BASE + 0x10, 1);
	fake_run_timers_at(fake_host.now + 3 * s - 1);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_RTC_BASE + 0x14), 0);
	fake_run_timers_at(fake_host.now + 1);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_RTC_BASE), 1004);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_RTC_BASE + 0x14), 1);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_RTC_BASE + 0x18), 1);
	ck_assert_uint_eq(fake_rd32(spi_word) & (1u << 4), 1u << 4);	/* GIC input 36 */
	fake_wr32(VEXPRESS_RTC_BASE + 0x1c, 1);
	ck_assert_uint_eq(fake_rd32(VEXPRESS_RTC_BASE + 0x14), 0);
	ck_assert_uint_eq(fake_rd32(spi_word) & (1u << 4), 0);
}
END_TEST

static Suite *machine_suite(void)
{
	Suite *s = suite_create("machine");
	TCase *bus = tcase_create("bus");
	TCase *timers = tcase_create("timers");
	TCase *board = tcase_create("vexpress-a9");

	tcase_add_checked_fixture(bus, setup, fake_board_teardown);
	tcase_add_test(bus, test_board_registry);
	tcase_add_test(bus, test_device_lookup);
	tcase_add_test(bus, test_add_device);
	tcase_add_test(bus, test_unmapped_raz_wi);
	tcase_add_test(bus, test_strict_bus);
	tcase_add_test(bus, test_console_input_and_reset);
	suite_add_tcase(s, bus);

	tcase_add_checked_fixture(timers, setup, fake_board_teardown);
	tcase_add_test(timers, test_timers_fake_clock);
	tcase_add_test(timers, test_timer_rearm_in_past_does_not_spin);
	tcase_add_test(timers, test_timer_thread);
	tcase_set_timeout(timers, 20);
	suite_add_tcase(s, timers);

	tcase_add_checked_fixture(board, setup, fake_board_teardown);
	tcase_add_test(board, test_v2m_sys_cfg);
	tcase_add_test(board, test_v2m_registers);
	tcase_add_test(board, test_fast_read_matches_device);
	tcase_add_test(board, test_sp810_scu);
	tcase_add_test(board, test_pl031);
	suite_add_tcase(s, board);
	return s;
}

int main(void)
{
	return check_run_suite(machine_suite());
}
