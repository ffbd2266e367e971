/* mmu-hwmirror, host half: the descriptor; the strategy lives in the engine. */
#include "plugin.h"

CAPTIVE_PLUGIN_EXPORT const uint32_t captive_plugin_abi = CAPTIVE_PLUGIN_ABI;
CAPTIVE_PLUGIN_EXPORT const struct captive_plugin captive_plugin = {
	.axis = CAPTIVE_AXIS_MMU,
	.name = "hwmirror",
	.description = "guest mappings mirrored into host page tables, misses as host faults "
		       "(ESPT-style; process backend only for now)",
};
