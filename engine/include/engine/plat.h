/*
 * The platform layer: the only part of the engine that differs between the
 * bare-metal (kvm) and hosted (process) builds.
 */
#ifndef ENGINE_PLAT_H
#define ENGINE_PLAT_H

#include "captive/types.h"

/* Ring the host (enum captive_doorbell); returns when the host has handled it.
 * kvm: `out` to CAPTIVE_DOORBELL_PORT from CPL3. process: a direct call. */
void plat_doorbell(uint32_t code);

/*
 * Perform a device access the expensive way (the io-mmio-exit strategy).
 * kvm: a real load/store at eng.phys + pa, which is unbacked in the native VM
 * and so becomes a KVM MMIO exit; the host leaves the status in sh->io.status.
 * process: fills sh->io and rings CAPTIVE_DB_MMIO.
 * Returns 0 or 1 (external abort).
 */
int plat_mmio(gpa_t pa, unsigned size, uint32_t *val, bool write);

/* size bytes of zeroed memory the engine may write and execute (a JIT's
 * code cache), or NULL where the platform has none. */
void *plat_code_alloc(size_t size);

/* Called after the final EXIT/PANIC doorbell: never returns to the engine.
 * hosted: unwinds to engine_main's caller; bare-metal: the host stops the vCPU. */
_Noreturn void plat_finish(int reason);

#endif
