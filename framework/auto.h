/*
 * strategy.<axis> = auto: each such key is resolved once, before the run,
 * from what this host can do (/dev/kvm, the installed plugins and engine
 * builds) and what `captive --probe` measures here (cached per host). The
 * choice and its reason are printed on stderr and kept for the stats JSON.
 */
#ifndef FRAMEWORK_AUTO_H
#define FRAMEWORK_AUTO_H

#include "config.h"

#define AUTO_MAX 5
#define AUTO_REASON_MAX 512

struct auto_choice {
	const char *key;		/* "backend", "mmu", ... */
	char value[32];			/* what auto became */
	char reason[AUTO_REASON_MAX];
};

struct auto_report {
	unsigned n;
	struct auto_choice rows[AUTO_MAX];
	char probe_cache[4096];		/* the cached probe used ("" if none) */
};

/* True if any strategy key is "auto". */
bool auto_wanted(const struct captive_config *cfg);

/*
 * Replace every strategy.* = auto in cfg by a concrete choice, recording
 * each in r and printing "captive: auto: strategy.K = V (why)" on stderr.
 * Returns 0, or -errno after one error (no installed choice fits).
 */
int auto_resolve(struct captive_config *cfg, struct auto_report *r);

/* The per-host probe cache: $CAPTIVE_PROBE_CACHE, else
 * $XDG_CACHE_HOME/captive/probe-HOST.json, else ~/.cache/captive/... */
void auto_probe_cache_path(char *buf, size_t size);

#endif
