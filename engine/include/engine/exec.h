/*
 * The exec axis inside the engine: runs guest code. One implementation is
 * linked into each engine build (plugins/exec-<name>/engine/).
 */
#ifndef ENGINE_EXEC_H
#define ENGINE_EXEC_H

#include "captive/types.h"

struct arm_cpu;

int exec_init(struct arm_cpu *cpu);

/*
 * Run the guest until something stops it; returns an enum captive_stop.
 * Honours sh->config.irq_strategy: IRQs are sampled after every instruction
 * (per-insn) or only at block boundaries (per-block), where a block always
 * ends after anything that can unmask IRQs and at WFI. Calls
 * engine_poll_stop() at least as often as it samples IRQs. Honours a
 * debugger as engine/debug.h says (breakpoints, single step, stop requests).
 */
int exec_run(struct arm_cpu *cpu);

/* Code invalidation hooks (ICIALLU/BPIALL, ICIMVAU, RAM written behind the CPU). */
void exec_invalidate_all(void);
void exec_invalidate_page(gpa_t pa);

/* The guest stored to RAM [pa, pa + len), len 1..8 within one page of code
 * (the mmu's store path): drop only the code those bytes overlap, so data
 * that shares a page with code costs a few slots, not the page. */
void exec_invalidate_range(gpa_t pa, unsigned len);

/* Branch-predictor maintenance (BPIALL, BPIMVA): no architectural effect
 * on a CPU whose code caches are kept coherent with stores, but a strategy
 * that predicts (chains translated blocks) may need to drop its links. */
void exec_invalidate_predictors(void);

/* TLBIMVA or TLBIMVAA of va (after the mmu's own flush): fetches through
 * the mapping that held va may translate differently from now on. The
 * other TLB and context operations bump cpu->fetch_epoch instead. */
void exec_tlb_flushed_va(struct arm_cpu *cpu, uint32_t va);

/*
 * The mmu served the data access of the instruction being executed by its
 * slow path. again: it took a host fault into the slow path (a device page,
 * or the guest's own abort, under hwmirror) and would again; the exec may
 * remember the instruction and pass MMU_SLOW on its accesses from then on.
 * !again: an access carrying MMU_SLOW was served from RAM; the exec may
 * forget the instruction. Optional: an mmu calls it through a weak
 * reference, and softtlb never does.
 */
void exec_note_slow_access(bool again);

/*
 * A host fault at host_pc, taken in the exec's own generated code: true when
 * host_pc is a guest memory access of translated code (its side table), with
 * *recovery the host address that redoes the access through mmu_read/
 * mmu_write with MMU_SLOW, from the registers as they were at the fault
 * (and takes the guest's abort precisely if that fails). The mmu first tries to map the page and retry the access; it
 * continues at *recovery only when it cannot. Optional (a weak reference in
 * hwmirror); an interpreter has no generated code and need not define it.
 */
bool exec_fault_pc(uintptr_t host_pc, uintptr_t *recovery);

/* True when the page holding pa has decoded or translated code, so stores to
 * it must call exec_invalidate_page(). Cheap: a bitmap lookup. */
bool exec_page_has_code(gpa_t pa);

#endif
