/*
 * The in-process engine API: load a hosted engine build (a .so), give it guest
 * RAM, set the CPU state, run N instructions, read the state back. The process
 * backend runs whole guests through it; the unit, conformance and differential
 * tests drive every exec and mmu strategy through it.
 */
#ifndef FRAMEWORK_ENGINE_API_H
#define FRAMEWORK_ENGINE_API_H

#include "captive/abi.h"

struct engine_inst;

/* Device accesses (anything outside RAM) during engine_api_run: 0 or 1 (abort). */
typedef int (*engine_api_mmio_fn)(void *opaque, gpa_t pa, unsigned size, uint32_t *val,
				  bool write);
/* Any other doorbell (LOG, WFI, WAKE_SERVICE, CLOCK, EXIT, PANIC). */
typedef void (*engine_api_doorbell_fn)(void *opaque, struct captive_shared *sh, uint32_t code);

/*
 * Open a hosted engine image. Reserves a 4 GiB window for guest physical space
 * and maps RAM at ram_base inside it, from ram_fd if >= 0 (shared with the
 * caller's own mapping) or from a new memfd. Returns 0 or -errno; errors are
 * printed naming the file.
 */
int engine_api_open(struct engine_inst **out, const char *so_path, gpa_t ram_base,
		    uint64_t ram_size, int ram_fd);
void engine_api_close(struct engine_inst *ei);

struct captive_shared *engine_api_shared(struct engine_inst *ei);
/* Host pointer to guest physical ram_base. */
uint8_t *engine_api_ram(struct engine_inst *ei);
/* Engine address of guest physical 0. */
uint64_t engine_api_phys_window(struct engine_inst *ei);

/* Handlers; default: MMIO reads as zero, writes ignored; other doorbells ignored
 * except LOG, printed to stderr. */
void engine_api_set_handlers(struct engine_inst *ei, engine_api_mmio_fn mmio,
			     engine_api_doorbell_fn doorbell, void *opaque);

/*
 * Run the engine from sh->boot (which the caller fills, with the rest of the
 * shared page: this function sets only magic, ABI, phys window, RAM and
 * config.insn_limit = n) for at most n guest instructions (0: until it
 * stops). The CPU is reset at the start of every run. Returns the enum
 * captive_stop reason; the final state is in sh->state, counters in sh->stats.
 */
int engine_api_run(struct engine_inst *ei, uint64_t n);

#endif
