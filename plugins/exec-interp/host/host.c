/* exec-interp, host half: the descriptor; the interpreter lives in the engine. */
#include "plugin.h"

CAPTIVE_PLUGIN_EXPORT const uint32_t captive_plugin_abi = CAPTIVE_PLUGIN_ABI;
CAPTIVE_PLUGIN_EXPORT const struct captive_plugin captive_plugin = {
	.axis = CAPTIVE_AXIS_EXEC,
	.name = "interp",
	.description = "decode-and-dispatch interpreter with a decoded-instruction cache by guest physical page",
};
