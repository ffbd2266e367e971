/* The watchdog's judgement: see watchdog.h. */
#include "watchdog.h"

void watchdog_init(struct watchdog *w, uint64_t progress_s, uint64_t now_ns)
{
	*w = (struct watchdog){
		.progress_s = progress_s,
		.stuck_s = progress_s && progress_s < WATCHDOG_ENGINE_STUCK_S ? progress_s
									    : WATCHDOG_ENGINE_STUCK_S,
		.last_progress_ns = now_ns,
		.last_life_ns = now_ns,
	};
}

enum watchdog_verdict watchdog_check(struct watchdog *w, const struct watchdog_sample *s,
				     uint64_t now_ns)
{
	/* Waiting for an interrupt, a debugger or a device (a guest's disk
	 * flush can take seconds) is neither stuck nor a lack of progress. */
	if (s->progress != w->last.progress || s->idle)
		w->last_progress_ns = now_ns;
	/* A device access since the last sample is the engine waiting on the
	 * host too: translated code may run a loop of them for seconds
	 * between safe points (its budget counts instructions, and a barrier
	 * access on an oversubscribed host takes ~100 us). */
	if (s->heartbeat != w->last.heartbeat || s->io != w->last.io || s->idle)
		w->last_life_ns = now_ns;
	w->last = *s;
	if (now_ns - w->last_life_ns >= w->stuck_s * 1000000000ull)
		return WATCHDOG_ENGINE_STUCK;
	if (w->progress_s && now_ns - w->last_progress_ns >= w->progress_s * 1000000000ull)
		return WATCHDOG_NO_PROGRESS;
	return WATCHDOG_FINE;
}
