/* mmu-softtlb, host half: the descriptor; the strategy lives in the engine. */
#include "plugin.h"

CAPTIVE_PLUGIN_EXPORT const uint32_t captive_plugin_abi = CAPTIVE_PLUGIN_ABI;
CAPTIVE_PLUGIN_EXPORT const struct captive_plugin captive_plugin = {
	.axis = CAPTIVE_AXIS_MMU,
	.name = "softtlb",
	.description = "software TLB in front of a short-descriptor page-table walker (QEMU-style)",
};
