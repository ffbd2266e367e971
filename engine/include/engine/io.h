/*
 * The io axis inside the engine. Device accesses are detected by the mmu
 * strategy's slow path and handed to io_access(), which serves side-effect-free
 * clock reads from the clock page when allowed, counts, and passes the rest to
 * the io strategy chosen at run time (sh->config.io_strategy).
 */
#ifndef ENGINE_IO_H
#define ENGINE_IO_H

#include "captive/types.h"

struct io_ops {
	const char *name;
	/* Optional: set up at engine start (named counters). */
	void (*init)(void);
	/* Perform one device access of size 1, 2 or 4 at guest physical pa.
	 * Returns 0, or 1 when the bus answers with an external abort. */
	int (*access)(gpa_t pa, unsigned size, uint32_t *val, bool write);
};

extern const struct io_ops io_mmio_exit_ops __attribute__((visibility("hidden")));
extern const struct io_ops io_barrier_ops __attribute__((visibility("hidden")));

/* Select the strategy from sh->config. Returns 0 or -1 (unknown strategy). */
int io_init(void);

/* Invalidate decoded code on guest RAM the host wrote behind the CPU's back
 * (sh->dirty: the loader, virtio DMA). Called after every device access and
 * at every safe point; cheap when nothing is pending. */
void io_drain_dirty(void);

/* The one entry point for device accesses from the mmu strategies.
 * Returns 0, or 1 for an external abort. */
int io_access(gpa_t pa, unsigned size, uint32_t *val, bool write);

#endif
