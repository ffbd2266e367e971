/*
 * Host plugin ABI. A strategy's host half is a shared object exporting exactly
 * two symbols: `captive_plugin_abi` (a uint32_t, checked first) and
 * `captive_plugin` (struct captive_plugin). Plugins are found in
 * $CAPTIVE_PLUGIN_PATH (colon-separated folders), then in plugins/ next to the
 * captive executable, as <axis>-<name>.so.
 */
#ifndef FRAMEWORK_PLUGIN_H
#define FRAMEWORK_PLUGIN_H

#include <stdint.h>
#include "captive/abi.h"

#define CAPTIVE_PLUGIN_ABI 1u
#define CAPTIVE_PLUGIN_EXPORT __attribute__((visibility("default")))

enum captive_axis { CAPTIVE_AXIS_MMU = 0, CAPTIVE_AXIS_EXEC = 1, CAPTIVE_AXIS_IO = 2 };

/* What the framework gives an io strategy's host half. */
struct io_host_env {
	struct captive_shared *sh;
	void *vm;
	/* Perform a device access on the board: 0 done, 1 external abort. */
	int (*mmio)(void *vm, uint64_t pa, unsigned size, uint32_t *val, bool write);
	/* Count a barrier event: 0 request served, 1 service thread parked. */
	void (*count)(void *vm, int event);
	/* How long the service thread spins after a request before parking, ns. */
	uint64_t spin_ns;
};

/*
 * The host half of an io strategy, if it needs one (barrier: the service
 * thread). All members may be NULL.
 *   start  called once the board exists, before the engine runs; returns 0 or
 *          -errno (reason printed by the plugin to stderr).
 *   wake   a doorbell CAPTIVE_DB_WAKE_SERVICE arrived: the service thread parked.
 *   stop   after the engine finished; join threads, free priv.
 */
struct io_host_ops {
	int (*start)(const struct io_host_env *env, void **priv);
	void (*wake)(void *priv);
	void (*stop)(void *priv);
};

struct captive_plugin {
	uint32_t axis;			/* enum captive_axis */
	const char *name;		/* the config value, e.g. "softtlb" */
	const char *description;	/* one line for --list-plugins */
	const struct io_host_ops *io_host; /* io axis only; NULL if none */
};

#endif
