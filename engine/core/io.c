/* Device accesses leaving the engine: clock fast path, counting, strategy. */
#include "engine/engine.h"
#include "engine/exec.h"
#include "engine/io.h"

static const struct io_ops *io_strategy;

int io_init(void)
{
	switch (eng.sh->config.io_strategy) {
	case CAPTIVE_IO_MMIO_EXIT:
		io_strategy = &io_mmio_exit_ops;
		break;
	case CAPTIVE_IO_BARRIER:
		io_strategy = &io_barrier_ops;
		break;
	default:
		return -1;
	}
	if (io_strategy->init)
		io_strategy->init();
	return 0;
}

/* Serve a side-effect-free clock register from the clock page. */
static bool io_fast_read(gpa_t pa, unsigned size, uint32_t *val)
{
	const struct captive_shared *sh = eng.sh;
	for (unsigned i = 0; i < CAPTIVE_MAX_FAST_READS; i++) {
		const struct captive_fast_read *f = &sh->fast_reads[i];
		if (f->kind == CAPTIVE_FAST_NONE || f->pa != pa || f->size != size)
			continue;
		uint64_t now = __atomic_load_n(&sh->clock.mono_ns, __ATOMIC_ACQUIRE);
		switch (f->kind) {
		case CAPTIVE_FAST_COUNTER_24MHZ:
			*val = (uint32_t)((now - f->param) * 24 / 1000);
			return true;
		case CAPTIVE_FAST_RTC_SECONDS:
			*val = (uint32_t)(f->param + now / 1000000000u);
			return true;
		}
	}
	return false;
}

void io_drain_dirty(void)
{
	struct captive_dirty *d = &eng.sh->dirty;
	/* A plain load first: this runs at every block end, and an atomic
	 * exchange there cost a fifth of the interpreter's time. */
	if (!__atomic_load_n(&d->pending, __ATOMIC_RELAXED) ||
	    !__atomic_exchange_n(&d->pending, 0, __ATOMIC_ACQ_REL))
		return;
	for (unsigned w = 0; w < CAPTIVE_DIRTY_WORDS; w++) {
		if (!__atomic_load_n(&d->bits[w], __ATOMIC_RELAXED))
			continue;
		uint64_t bits = __atomic_exchange_n(&d->bits[w], 0, __ATOMIC_ACQ_REL);
		for (; bits; bits &= bits - 1) {
			gpa_t chunk = eng.ram_base +
				      ((gpa_t)(w * 64 + __builtin_ctzll(bits)) << CAPTIVE_DIRTY_CHUNK_SHIFT);
			for (gpa_t pa = chunk; pa < chunk + (1u << CAPTIVE_DIRTY_CHUNK_SHIFT); pa += 4096)
				if (exec_page_has_code(pa))
					exec_invalidate_page(pa);
		}
	}
}

int io_access(gpa_t pa, unsigned size, uint32_t *val, bool write)
{
	struct captive_shared *sh = eng.sh;
	if (!write && sh->config.fast_clock && io_fast_read(pa, size, val)) {
		sh->stats.fast_reads++;
		return 0;
	}
	sh->stats.io_accesses++;
	int status = io_strategy->access(pa, size, val, write);
	/* A device may have written guest RAM (DMA) while serving this access. */
	io_drain_dirty();
	return status;
}
