/* io-mmio-exit, host half: nothing runs on the host side but the exit handler. */
#include "plugin.h"

CAPTIVE_PLUGIN_EXPORT const uint32_t captive_plugin_abi = CAPTIVE_PLUGIN_ABI;
CAPTIVE_PLUGIN_EXPORT const struct captive_plugin captive_plugin = {
	.axis = CAPTIVE_AXIS_IO,
	.name = "mmio-exit",
	.description = "device accesses leave the engine as VM exits (process: a direct call)",
	.io_host = NULL,
};
