/*
 * The watchdog's judgement (framework/vm.c's ticker samples the engine once
 * a second): an engine that shows no sign of life for stuck_s is stuck in a
 * loop of its own (a bug, never a guest's doing); with --watchdog N, a guest
 * that makes no progress for N s is stopped too.
 */
#ifndef CAPTIVE_WATCHDOG_H
#define CAPTIVE_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

/* An engine that has not shown life for this long is stopped even without
 * --watchdog (every exec strategy reaches a safe point within a bounded
 * number of instructions). */
#define WATCHDOG_ENGINE_STUCK_S 30u

struct watchdog_sample {
	uint64_t progress;	/* guest progress: device accesses, fast reads, exceptions, WFIs */
	uint64_t heartbeat;	/* the engine's safe points */
	uint64_t io;		/* device accesses the engine made through its io strategy */
	bool idle;		/* in WFI, held by a debugger or inside a device access now */
};

struct watchdog {
	uint64_t progress_s;	/* --watchdog N (0: no guest-progress limit) */
	uint64_t stuck_s;	/* WATCHDOG_ENGINE_STUCK_S, or N if shorter */
	uint64_t last_progress_ns, last_life_ns;
	struct watchdog_sample last;
};

enum watchdog_verdict {
	WATCHDOG_FINE,
	WATCHDOG_ENGINE_STUCK,	/* no safe point, device access or idling for stuck_s */
	WATCHDOG_NO_PROGRESS,	/* no guest progress for progress_s */
};

void watchdog_init(struct watchdog *w, uint64_t progress_s, uint64_t now_ns);
enum watchdog_verdict watchdog_check(struct watchdog *w, const struct watchdog_sample *s,
				     uint64_t now_ns);

#endif
