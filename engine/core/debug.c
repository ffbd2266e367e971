/* The debugger's half in the engine: see engine/debug.h and abi.h. */
#include "engine/debug.h"
#include "engine/exec.h"
#include "engine/mmu.h"
#include "engine/plat.h"
#include "engine/rt.h"
#include "arm/cpu.h"
#include "arm/vfp.h"

#define DEBUG_PAGE 4096u

enum debug_step { DEBUG_STEP_NONE, DEBUG_STEP_GO, DEBUG_STEP_DONE };

static struct {
	enum debug_step step;
	bool skip;		/* resumed at skip_pc: its breakpoint is behind us */
	uint32_t skip_pc;
} dbg;

bool engine_debug_stepping(void)
{
	return dbg.step != DEBUG_STEP_NONE;
}

static bool debug_bp_at(const struct captive_debug *d, uint32_t pc)
{
	uint32_t n = d->nbps < CAPTIVE_DEBUG_MAX_BPS ? d->nbps : CAPTIVE_DEBUG_MAX_BPS;
	for (uint32_t k = 0; k < n; k++)
		if (d->bps[k] == pc)
			return true;
	return false;
}

/*
 * Guest memory as the CPU sees it now, privileged, RAM only: a device or
 * unmapped address is an error, with no access made. Every page is
 * translated before any byte moves, so a failed write writes nothing.
 */
static int debug_mem(struct arm_cpu *cpu, struct captive_debug *d, bool write)
{
	gpa_t pa[2];
	uint32_t len = d->len, first = DEBUG_PAGE - (d->addr & (DEBUG_PAGE - 1));
	_Static_assert(CAPTIVE_DEBUG_BUF <= DEBUG_PAGE, "a transfer spans at most two pages");

	if (len == 0 || len > CAPTIVE_DEBUG_BUF)
		return -1;
	if (first > len)
		first = len;
	for (unsigned k = 0; k < (first < len ? 2u : 1u); k++) {
		struct arm_fault f;
		gva_t va = k ? d->addr + first : d->addr;
		uint32_t n = k ? len - first : first;
		if (mmu_translate(cpu, va, MMU_READ, &pa[k], &f) || !engine_pa_is_ram(pa[k]) ||
		    !engine_pa_is_ram(pa[k] + n - 1))
			return -1;
	}
	for (unsigned k = 0; k < (first < len ? 2u : 1u); k++) {
		uint8_t *host = engine_ram_ptr(pa[k]);
		uint8_t *buf = d->buf + (k ? first : 0);
		uint32_t n = k ? len - first : first;
		if (!write) {
			memcpy(buf, host, n);
			continue;
		}
		memcpy(host, buf, n);
		if (exec_page_has_code(pa[k]))
			exec_invalidate_page(pa[k]);
	}
	return 0;
}

/* gdb's register set: r0-r15, CPSR (mode switch included), D0-D31, FPSCR. */
static void debug_load_state(struct arm_cpu *cpu, const struct captive_arm_state *st)
{
	arm_cpsr_write(cpu, st->cpsr, 0xffffffffu);
	memcpy(cpu->r, st->r, sizeof(cpu->r));
	cpu->r[15] &= (arm_cpsr_read(cpu) & CPSR_T) ? ~1u : ~3u;
	memcpy(cpu->vfp.d, st->d, sizeof(cpu->vfp.d));
	cpu->vfp.fpscr = st->fpscr & FPSCR_WRITABLE;
}

/* Stopped: serve commands until the debugger resumes. */
static bool debug_stop(struct arm_cpu *cpu, uint32_t why)
{
	struct captive_shared *sh = eng.sh;
	struct captive_debug *d = &sh->debug;

	d->stop_why = why;
	dbg.step = DEBUG_STEP_NONE;
	for (;;) {
		arm_cpu_publish(cpu, &sh->state);
		plat_doorbell(CAPTIVE_DB_DEBUG);
		if (__atomic_load_n(&sh->stop_request, __ATOMIC_ACQUIRE))
			return true;
		switch (d->cmd) {
		case CAPTIVE_DBG_CONTINUE:
			dbg.skip = true;
			dbg.skip_pc = cpu->r[15];
			return false;
		case CAPTIVE_DBG_STEP:
			dbg.step = DEBUG_STEP_GO;
			return false;
		case CAPTIVE_DBG_READ_MEM:
		case CAPTIVE_DBG_WRITE_MEM:
			d->status = debug_mem(cpu, d, d->cmd == CAPTIVE_DBG_WRITE_MEM);
			break;
		case CAPTIVE_DBG_WRITE_STATE:
			debug_load_state(cpu, &sh->state);
			d->status = 0;
			break;
		default:
			d->status = -1;
			break;
		}
	}
}

bool engine_debug_check(struct arm_cpu *cpu)
{
	struct captive_debug *d = &eng.sh->debug;

	for (;;) {
		uint32_t pc = cpu->r[15], why = 0;
		if (__atomic_exchange_n(&d->break_request, 0, __ATOMIC_ACQ_REL))
			why = CAPTIVE_DBG_WHY_REQUEST;
		else if (dbg.step == DEBUG_STEP_DONE)
			why = CAPTIVE_DBG_WHY_STEP;
		else if (dbg.step == DEBUG_STEP_GO)
			dbg.step = DEBUG_STEP_DONE;
		else if (debug_bp_at(d, pc) && !(dbg.skip && dbg.skip_pc == pc))
			why = CAPTIVE_DBG_WHY_BREAKPOINT;
		dbg.skip = false;
		if (!why)
			return false;
		if (debug_stop(cpu, why))
			return true;
	}
}
