/*
 * A vexpress-a9 machine for the device and machine suites, driven by a fake
 * host: a clock the test sets, and a record of what the machine tells the
 * host (CPU interrupt lines, power requests, warnings, console output).
 * One machine and one host at a time, in globals: Check runs each test in
 * its own process, so a fixture's setup and teardown own them.
 */
#ifndef TESTS_UNIT_SUPPORT_FAKE_BOARD_H
#define TESTS_UNIT_SUPPORT_FAKE_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/machine.h"

struct fake_host {
	uint64_t now;		/* now_ns, unless real_clock */
	bool real_clock;	/* now_ns reads CLOCK_MONOTONIC instead */
	bool irq;		/* the CPU lines as last reported */
	bool fiq;
	unsigned line_changes;	/* cpu_lines calls */
	int power;		/* last enum machine_power request, 0 none */
	unsigned warnings;
	char last_warning[256];
	char out[256];		/* console output, truncated to fit, NUL-terminated */
	size_t out_len;
};

extern struct fake_host fake_host;
extern struct machine *fake_machine;

/* CLOCK_MONOTONIC in ns: what now_ns returns with real_clock set. */
uint64_t fake_mono_ns(void);

/* A machine_host whose callbacks record into fake_host. */
struct machine_host fake_board_host(void);

/* A vexpress-a9 machine with ram_size bytes of RAM against fake_host; fails
 * the test unless it is created. The caller destroys it. */
struct machine *fake_board_create(uint64_t ram_size, bool strict_bus);

/* Fixture halves: zero fake_host, start its clock at now_ns and create
 * fake_machine (bus not strict); destroy fake_machine if any, leaving NULL. */
void fake_board_setup(uint64_t ram_size, uint64_t now_ns);
void fake_board_teardown(void);

/* A bus access of 1, 2 or 4 bytes to fake_machine; fails the test unless the
 * bus completes it. A read's word starts as 0xdeadbeef, so bytes the bus
 * leaves alone show. */
uint32_t fake_read(gpa_t pa, unsigned size);
void fake_write(gpa_t pa, unsigned size, uint32_t value);

static inline uint32_t fake_rd32(gpa_t pa)
{
	return fake_read(pa, 4);
}

static inline void fake_wr32(gpa_t pa, uint32_t value)
{
	fake_write(pa, 4, value);
}

static inline void fake_wr8(gpa_t pa, uint8_t value)
{
	fake_write(pa, 1, value);
}

/* Move the clock to now_ns and fire fake_machine's due timers under its
 * lock, as the timer thread would; returns the next deadline, 0 if none. */
uint64_t fake_run_timers_at(uint64_t now_ns);

#endif
