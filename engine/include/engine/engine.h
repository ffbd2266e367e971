/*
 * The engine: freestanding x86-64 code (no libc) that holds the guest CPU and
 * runs guest code. Built bare-metal for the kvm backend and hosted (a shared
 * object) for the process backend from the same sources; only engine/plat/
 * differs between the two.
 */
#ifndef ENGINE_ENGINE_H
#define ENGINE_ENGINE_H

#include "captive/abi.h"

#define ENGINE_HIDDEN __attribute__((visibility("hidden")))

struct engine {
	struct captive_shared *sh;
	uint8_t *phys;		/* engine address of guest physical 0 */
	gpa_t ram_base;
	gpa_t ram_end;		/* exclusive */
};

extern struct engine eng ENGINE_HIDDEN;

/* Guest physical address -> engine pointer, valid only for RAM. */
static inline void *engine_ram_ptr(gpa_t pa)
{
	return eng.phys + pa;
}

static inline bool engine_pa_is_ram(gpa_t pa)
{
	return pa >= eng.ram_base && pa < eng.ram_end;
}

/*
 * Entry point of both builds: validates the shared page, initialises the CPU
 * from sh->boot, runs the guest until it stops, publishes sh->exit and
 * sh->state and rings CAPTIVE_DB_EXIT. Returns the stop reason (hosted build).
 */
int engine_main(struct captive_shared *sh);

/*
 * The value of the named counter `name` (sh->counters, ABI), zeroed: a
 * strategy calls this at init and counts through the pointer. The name
 * must be [a-z0-9_] and shorter than CAPTIVE_COUNTER_NAME. Panics when the
 * table is full (a build-time mistake, not a guest's doing).
 */
uint64_t *engine_counter(const char *name);

/* The host CPU's time-stamp counter, for counters named *_tsc (abi.h). */
static inline uint64_t engine_tsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/*
 * Safe-point poll used by every exec strategy: handles stop_request and the
 * heartbeat. Returns a non-zero enum captive_stop when the engine must stop.
 */
int engine_poll_stop(void);

/*
 * The block-boundary safe point of every exec strategy, after it has
 * counted `done` instructions of at most `limit`: poll for a stop, stop at
 * the limit or when the last block was a provable hang, deliver a pending
 * interrupt (none while a debugger single-steps) and serve the debugger.
 * Returns a stop reason, ENGINE_SAFE_POINT_AGAIN when the debugger asks for
 * another safe point first, or 0 to run; *debug tells whether a debugger is
 * armed (then run one instruction).
 */
struct arm_cpu;
#define ENGINE_SAFE_POINT_AGAIN (-1)
int engine_safe_point(struct arm_cpu *cpu, uint64_t done, uint64_t limit, bool hung, bool *debug);

/* Stop from deep inside a strategy: publish exit and state, ring
 * CAPTIVE_DB_EXIT and never return (plat_finish). */
_Noreturn void engine_stop_now(uint32_t reason, const char *msg);

/* Report a stop. reason: enum captive_stop; msg may be NULL. */
void engine_set_exit(uint32_t reason, uint32_t pc, uint32_t insn, bool thumb, const char *msg);

#endif
