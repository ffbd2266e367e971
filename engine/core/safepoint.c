/* The block-boundary safe point every exec strategy runs (engine.h). */
#include "engine/debug.h"
#include "engine/engine.h"
#include "arm/cpu.h"

int engine_safe_point(struct arm_cpu *cpu, uint64_t done, uint64_t limit, bool hung, bool *debug)
{
	struct captive_shared *sh = eng.sh;
	int stop = engine_poll_stop();

	if (stop)
		return stop;
	if (done >= limit) {
		engine_set_exit(CAPTIVE_STOP_INSN_LIMIT, cpu->r[15], 0, false, "instruction limit reached");
		return CAPTIVE_STOP_INSN_LIMIT;
	}
	if (hung) {
		engine_set_exit(CAPTIVE_STOP_HUNG, cpu->r[15], 0, false,
				"guest branches to itself with IRQ and FIQ masked");
		return CAPTIVE_STOP_HUNG;
	}
	uint32_t pending = __atomic_load_n(&sh->irq_line, __ATOMIC_ACQUIRE) & cpu->irq_enable;
	/* A debugger: one instruction per block, each checked first. */
	*debug = engine_debug_armed();
	if (__builtin_expect(*debug, 0) && engine_debug_stepping())
		pending = 0;
	if (pending & 2)
		arm_take_exception(cpu, ARM_EXC_FIQ, cpu->r[15]);
	else if (pending & 1)
		arm_take_exception(cpu, ARM_EXC_IRQ, cpu->r[15]);
	if (__builtin_expect(*debug, 0) && engine_debug_check(cpu))
		return ENGINE_SAFE_POINT_AGAIN;
	return 0;
}
