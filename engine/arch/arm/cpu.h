/*
 * The guest CPU: an ARMv7-A core as the engine models it. Owned by the ARM
 * core (engine/arch/arm/); other engine parts use only the members documented
 * for them here (the mmu strategies read `cp15` only).
 */
#ifndef ARM_CPU_H
#define ARM_CPU_H

#include "captive/types.h"
#include "arm/cp15.h"

struct arm_cpu {
	uint32_t r[16];		/* current-mode view of r0..r15 */
	uint32_t cpsr;
	struct arm_cp15 cp15;	/* read by the mmu strategies */
};

#endif
