/*
 * Fuzz harness: every device model of the vexpress-a9 board through the bus
 * (platforms/machine.c and platforms/vexpress-a9/: GIC, SP804 x2, PL011,
 * V2M system registers, SP810, PL031, SCU, the virtio-mmio transports with
 * no RAM behind them), with a fake clock that only the script moves, so a
 * run is deterministic (the PL031's wall-clock start is overwritten after
 * every reset).
 *
 * Input: a 1-byte header (bit 0: strict bus), then a script of operations,
 * each an opcode byte and its operands:
 *   0/1 DEV    u8 device, u16 offset, u8 size, u32 value: read (0) or
 *              write (1) at offset (modulo the window plus 8 bytes, so the
 *              accesses that straddle its end happen too) of one device
 *   2/3 ANY    u32 address, u8 size, u32 value: read or write anywhere
 *   4 TICK     u16 amount, u8 scale: the clock moves amount << scale ns and
 *              due timers fire, as the timer thread would fire them
 *   5 CONSOLE  u8 byte: typed into the UART
 *   6 IRQ      u8 line, u8 level: an interrupt input changes (as a device
 *              would drive it)
 *   7 RESET    machine_reset
 *
 * Invariants checked beyond the sanitizers (machine.h's promises): the bus
 * answers 0 (or 1, an external abort, under the strict bus only), an
 * unmapped read returns zero outside strict mode; the timer list stays in deadline order with every
 * listed timer armed; machine_run_timers returns the first deadline.
 */
#include <string.h>

#include "fuzz_support.h"
#include "platform/vexpress-a9.h"

static struct fuzz_host host;
static struct machine *m;
static bool strict;

static const struct {
	gpa_t base;
	uint32_t size;
} windows[] = {
	{ VEXPRESS_SYSREG_BASE, 0x1000 },	{ VEXPRESS_SP810_BASE, 0x1000 },
	{ VEXPRESS_UART0_BASE, 0x1000 },	{ VEXPRESS_TIMER01_BASE, 0x1000 },
	{ VEXPRESS_TIMER23_BASE, 0x1000 },	{ VEXPRESS_RTC_BASE, 0x1000 },
	{ VEXPRESS_SCU_BASE, 0x100 },		{ VEXPRESS_GIC_CPU_BASE, 0x100 },
	{ VEXPRESS_GIC_DIST_BASE, 0x1000 },
	{ VEXPRESS_VIRTIO_BASE, VEXPRESS_VIRTIO_STRIDE * VEXPRESS_VIRTIO_COUNT },
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return 0;
}

static void bus(gpa_t pa, unsigned size, uint32_t value, bool write)
{
	uint32_t v = write ? value : 0x5a5a5a5au;
	int rc = machine_access(m, pa, size, &v, write);

	FUZZ_CHECK(rc == 0 || (strict && rc == 1));
	if (!write && !rc && !machine_find_device(m, pa))
		FUZZ_CHECK(v == 0);
}

/* RTCLR = 0: the RTC no longer depends on the time of day (its reset
 * reads CLOCK_REALTIME). */
static void rtc_fixed(void)
{
	uint32_t zero = 0;

	machine_access(m, VEXPRESS_RTC_BASE + 0x08, 4, &zero, true);
}

static void check_timers(void)
{
	uint64_t last = 0;

	for (const struct machine_timer *t = m->timers; t; t = t->next) {
		FUZZ_CHECK(t->deadline_ns != 0 && t->deadline_ns >= last);
		last = t->deadline_ns;
	}
}

static void tick(uint64_t ns)
{
	/* CLOCK_MONOTONIC never wraps: stop well short of 2^64. */
	const uint64_t limit = 1ull << 62;

	host.now = ns > limit - host.now ? limit : host.now + ns;
	pthread_mutex_lock(&m->lock);
	uint64_t next = machine_run_timers(m);
	FUZZ_CHECK(next == (m->timers ? m->timers->deadline_ns : 0));
	pthread_mutex_unlock(&m->lock);
}

static void run(struct fuzz_in *in)
{
	for (unsigned steps = 0; fuzz_left(in) && steps < 1024; steps++) {
		uint8_t op = fuzz_u8(in) % 8;

		switch (op) {
		case 0:
		case 1: {
			unsigned d = fuzz_u8(in) % CAPTIVE_ARRAY_SIZE(windows);
			uint32_t off = fuzz_u16(in) % (windows[d].size + 8);
			unsigned size = fuzz_u8(in) % 9;
			bus(windows[d].base + off, size, fuzz_u32(in), op == 1);
			break;
		}
		case 2:
		case 3: {
			gpa_t pa = fuzz_u32(in);
			unsigned size = fuzz_u8(in) % 9;
			bus(pa, size, fuzz_u32(in), op == 3);
			break;
		}
		case 4: {
			uint64_t amount = fuzz_u16(in);
			tick(amount << (fuzz_u8(in) % 48));
			break;
		}
		case 5:
			machine_console_input(m, fuzz_u8(in));
			break;
		case 6: {
			unsigned irq = fuzz_u8(in);
			bool level = fuzz_u8(in) & 1;
			pthread_mutex_lock(&m->lock);
			machine_set_irq(m, irq, level);
			pthread_mutex_unlock(&m->lock);
			break;
		}
		default:
			machine_reset(m);
			rtc_fixed();
			break;
		}
		check_timers();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	strict = fuzz_u8(&in) & 1;
	memset(&host, 0, sizeof(host));
	host.now = 5000000000ull;
	m = fuzz_machine_create(&host, 256u << 20, NULL, strict);
	rtc_fixed();
	run(&in);
	machine_destroy(m);
	m = NULL;
	return 0;
}
