/* exec-jit, host half: the descriptor; the translator lives in the engine. */
#include "plugin.h"

CAPTIVE_PLUGIN_EXPORT const uint32_t captive_plugin_abi = CAPTIVE_PLUGIN_ABI;
CAPTIVE_PLUGIN_EXPORT const struct captive_plugin captive_plugin = {
	.axis = CAPTIVE_AXIS_EXEC,
	.name = "jit",
	.description = "block JIT to x86-64 from the one semantics source, code cache by guest physical page",
};
