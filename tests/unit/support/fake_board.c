/* The fake vexpress-a9 host for unit tests (see fake_board.h). */
#include "fake_board.h"

#include <check.h>
#include <string.h>
#include <time.h>

struct fake_host fake_host;
struct machine *fake_machine;

uint64_t fake_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t fake_now(void *o)
{
	struct fake_host *h = o;

	return h->real_clock ? fake_mono_ns() : h->now;
}

static void fake_cpu_lines(void *o, bool irq, bool fiq)
{
	struct fake_host *h = o;

	h->irq = irq;
	h->fiq = fiq;
	h->line_changes++;
}

static void fake_console_write(void *o, const uint8_t *buf, size_t len)
{
	struct fake_host *h = o;

	for (size_t i = 0; i < len && h->out_len + 1 < sizeof(h->out); i++)
		h->out[h->out_len++] = (char)buf[i];
}

static void fake_power(void *o, enum machine_power req)
{
	((struct fake_host *)o)->power = req;
}

static void fake_warn(void *o, const char *msg)
{
	struct fake_host *h = o;

	h->warnings++;
	strncpy(h->last_warning, msg, sizeof(h->last_warning) - 1);
}

struct machine_host fake_board_host(void)
{
	return (struct machine_host){
		.opaque = &fake_host,
		.now_ns = fake_now,
		.cpu_lines = fake_cpu_lines,
		.console_write = fake_console_write,
		.power = fake_power,
		.warn = fake_warn,
	};
}

struct machine *fake_board_create(uint64_t ram_size, bool strict_bus)
{
	const struct machine_host mh = fake_board_host();
	const struct board_params p = { .ram_size = ram_size, .strict_bus = strict_bus };
	struct machine *m = NULL;

	ck_assert_int_eq(machine_create(&m, "vexpress-a9", &p, &mh), 0);
	ck_assert_ptr_nonnull(m);
	return m;
}

void fake_board_setup(uint64_t ram_size, uint64_t now_ns)
{
	memset(&fake_host, 0, sizeof(fake_host));
	fake_host.now = now_ns;
	fake_machine = fake_board_create(ram_size, false);
}

void fake_board_teardown(void)
{
	machine_destroy(fake_machine);
	fake_machine = NULL;
}

uint32_t fake_read(gpa_t pa, unsigned size)
{
	uint32_t v = 0xdeadbeef;

	ck_assert_int_eq(machine_access(fake_machine, pa, size, &v, false), 0);
	return v;
}

void fake_write(gpa_t pa, unsigned size, uint32_t value)
{
	ck_assert_int_eq(machine_access(fake_machine, pa, size, &value, true), 0);
}

uint64_t fake_run_timers_at(uint64_t now_ns)
{
	uint64_t next;

	pthread_mutex_lock(&fake_machine->lock);
	fake_host.now = now_ns;
	next = machine_run_timers(fake_machine);
	pthread_mutex_unlock(&fake_machine->lock);
	return next;
}
