/* engine_main: the one entry point of both engine builds. */

#include "engine/engine.h"
#include "engine/exec.h"
#include "engine/io.h"
#include "engine/mmu.h"
#include "engine/plat.h"
#include "engine/rt.h"
#include "arm/cpu.h"

struct engine eng;
static struct arm_cpu cpu;

void engine_set_exit(uint32_t reason, uint32_t pc, uint32_t insn, bool thumb, const char *msg)
{
	struct captive_exit_info *e = &eng.sh->exit;
	e->reason = reason;
	e->pc = pc;
	e->insn = insn;
	e->thumb = thumb;
	rt_snprintf(e->msg, sizeof(e->msg), "%s", msg ? msg : "");
}

uint64_t *engine_counter(const char *name)
{
	struct captive_named_counter *c = eng.sh->counters;
	unsigned len = 0;

	while (name[len])
		len++;
	if (len >= CAPTIVE_COUNTER_NAME)
		engine_panic("counter name '%s' too long", name);
	for (unsigned k = 0; k < CAPTIVE_NAMED_COUNTERS; k++) {
		bool same = true;
		for (unsigned j = 0; j <= len && same; j++)
			same = c[k].name[j] == name[j];
		if (!c[k].name[0] || same) {
			for (unsigned j = 0; j < CAPTIVE_COUNTER_NAME; j++)
				c[k].name[j] = j < len ? name[j] : '\0';
			c[k].value = 0;
			return &c[k].value;
		}
	}
	engine_panic("no free named counter for '%s' (CAPTIVE_NAMED_COUNTERS)", name);
}

int engine_poll_stop(void)
{
	struct captive_shared *sh = eng.sh;
	sh->heartbeat++;
	io_drain_dirty();
	if (__atomic_load_n(&sh->stop_request, __ATOMIC_ACQUIRE)) {
		engine_set_exit(CAPTIVE_STOP_REQUESTED, cpu.r[15], 0, false, "stop requested by host");
		return CAPTIVE_STOP_REQUESTED;
	}
	return CAPTIVE_STOP_NONE;
}

_Noreturn void engine_panic(const char *fmt, ...)
{
	struct captive_exit_info *e = &eng.sh->exit;
	va_list ap;
	va_start(ap, fmt);
	rt_vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->reason = CAPTIVE_STOP_PANIC;
	e->pc = cpu.r[15];
	arm_cpu_publish(&cpu, &eng.sh->state);
	plat_doorbell(CAPTIVE_DB_PANIC);
	plat_finish(CAPTIVE_STOP_PANIC);
}

_Noreturn void engine_stop_now(uint32_t reason, const char *msg)
{
	engine_set_exit(reason, cpu.r[15], 0, false, msg);
	arm_cpu_publish(&cpu, &eng.sh->state);
	plat_doorbell(CAPTIVE_DB_EXIT);
	plat_finish((int)reason);
}

static int engine_fail_init(const char *what)
{
	engine_set_exit(CAPTIVE_STOP_PANIC, 0, 0, false, what);
	plat_doorbell(CAPTIVE_DB_PANIC);
	return CAPTIVE_STOP_PANIC;
}

int engine_main(struct captive_shared *sh)
{
	eng.sh = sh;
	if (sh->magic != CAPTIVE_SHARED_MAGIC || sh->abi_version != CAPTIVE_ABI_VERSION)
		return engine_fail_init("shared page magic or ABI version mismatch");
	eng.phys = (uint8_t *)(uintptr_t)sh->config.phys_window;
	eng.ram_base = sh->config.ram_base;
	eng.ram_end = sh->config.ram_base + sh->config.ram_size;
	sh->exit.reason = CAPTIVE_STOP_NONE;

	arm_cpu_reset(&cpu, &sh->boot);
	if (io_init())
		return engine_fail_init("unknown io strategy in shared page");
	if (mmu_init(&cpu))
		return engine_fail_init("mmu strategy failed to initialise");
	if (exec_init(&cpu))
		return engine_fail_init("exec strategy failed to initialise");

	int reason = exec_run(&cpu);
	if (sh->exit.reason == CAPTIVE_STOP_NONE)
		engine_set_exit(reason, cpu.r[15], 0, false, NULL);
	arm_cpu_publish(&cpu, &sh->state);
	plat_doorbell(CAPTIVE_DB_EXIT);
	return reason;
}
