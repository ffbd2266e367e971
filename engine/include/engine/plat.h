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

/*
 * The host's address space, for an mmu strategy that maps guest RAM at guest
 * virtual addresses (hwmirror). process: mmap/mprotect of the guest RAM memfd
 * (sh->ram_fd) into reservations of the engine's own, a SIGSEGV handler for
 * the faults; everything is released when the engine returns. kvm: the
 * native VM's page tables, edited at CPL3 (engine/plat/baremetal/hostmem.c),
 * #PF routed back to CPL3, INVLPG or a CR3 reload at CPL0 for whatever an
 * unmap or protection change leaves in the TLB. All return 0 or a negative
 * errno.
 */

/* Reserve len bytes (a multiple of 4 KiB) of inaccessible address space. */
int plat_hostmem_reserve(uint64_t len, uintptr_t *base);
/* Zeroed read-write memory for bookkeeping, committed only when touched. */
int plat_hostmem_alloc(uint64_t len, void **out);
/* Map guest RAM [pa, pa + len) at addr (inside a reservation), read-only or
 * read-write; replaces whatever was there. */
int plat_hostmem_map_ram(uintptr_t addr, gpa_t pa, uint64_t len, bool writable);
/* Make [addr, addr + len) of a reservation inaccessible again. */
int plat_hostmem_unmap(uintptr_t addr, uint64_t len);
/* Change a RAM mapping made by plat_hostmem_map_ram. */
int plat_hostmem_protect(uintptr_t addr, uint64_t len, bool writable);
/* The host's limit on mappings per process (vm.max_map_count), or 0. */
uint64_t plat_hostmem_max_mappings(void);
/* Between these, unmap and protect may leave old translations usable until
 * the batch ends, so that an operation touching many pages or windows pays
 * one TLB flush (kvm: one CPL0 trip instead of one per call); the caller
 * does not access the addresses it changes meanwhile. Batches nest.
 * process: nothing to do (the host kernel flushes in each call). */
void plat_hostmem_batch_begin(void);
void plat_hostmem_batch_end(void);
/* Whether mapping a page costs next to nothing beside its first touch, so
 * that mapping a miss's valid neighbours ahead pays. kvm: yes (a PTE
 * written at CPL3, against a fault delivered through CPL0); process: no (an
 * mmap per page, measured not to pay: plugins/mmu-hwmirror/README.md). */
bool plat_hostmem_map_is_cheap(void);

/* A host fault taken by the engine's own code. */
struct plat_fault {
	uintptr_t pc;	/* host instruction that faulted; the handler may move it */
	uintptr_t addr; /* host address it touched */
	bool write;
};

/*
 * Route host faults to fn, which runs in the fault's context (a signal
 * handler on the engine's thread under process) and returns true when it has
 * dealt with the fault: execution resumes at f->pc (unchanged: the access is
 * retried). false: the fault is not the engine's, and crashes as it would
 * have without fn. One fn at a time; removed when the engine returns.
 */
int plat_fault_route(bool (*fn)(struct plat_fault *f));

/* process: undo everything of the above (captive_engine_main calls it on its
 * way out; a test that drives the mmu directly calls it in its teardown). */
void plat_hostmem_release(void);

/* Called after the final EXIT/PANIC doorbell: never returns to the engine.
 * hosted: unwinds to engine_main's caller; bare-metal: the host stops the vCPU. */
_Noreturn void plat_finish(int reason);

#endif
