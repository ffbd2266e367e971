/*
 * The debugger's half in the engine (struct captive_debug in captive/abi.h):
 * breakpoints, single step and stops on request, served at instruction
 * boundaries. Every exec strategy honours it the same way:
 *
 *   while engine_debug_armed(), before executing each instruction, with the
 *   CPU architecturally complete (r[15] the instruction's address, flags
 *   readable through arm_cpsr_read) and after delivering any interrupt it is
 *   going to deliver there, call engine_debug_check(); execute exactly one
 *   instruction between two checks (a condition-failed one counts; an
 *   instruction inside an IT block is one instruction); deliver no interrupt
 *   while engine_debug_stepping().
 *
 * A JIT does this by running single instructions while armed, so that what
 * gdb sees never depends on the exec strategy.
 */
#ifndef ENGINE_DEBUG_H
#define ENGINE_DEBUG_H

#include "engine/engine.h"

struct arm_cpu;

/* One load: is a debugger asking for anything? */
static inline bool engine_debug_armed(void)
{
	return __atomic_load_n(&eng.sh->debug.armed, __ATOMIC_ACQUIRE) != 0;
}

/*
 * Stop here if a break was requested, a breakpoint is at cpu->r[15] (not the
 * one the guest was just resumed from), or a single step has completed; then
 * serve the debugger's commands until it resumes the guest (the CPU state may
 * have been rewritten). Returns true when the host wants the run to end
 * instead (sh->stop_request): the caller goes to its safe point at once.
 */
bool engine_debug_check(struct arm_cpu *cpu);

/* True from a STEP command until the step has stopped: hold interrupts off,
 * as a hardware single step with interrupts masked (QEMU's default) does. */
bool engine_debug_stepping(void);

#endif
