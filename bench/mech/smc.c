/*
 * smc: self-modifying code. Each iteration writes a new instruction (ADD r0,
 * r0, #imm) into a code buffer, makes it visible to instruction fetch as the
 * ARM ARM requires (DCCMVAU, DSB, ICIMVAU, BPIALL, DSB, ISB) and calls it, so
 * a translator must notice the write and drop its stale translation.
 */
#include "mech.h"

#define INSN_ADD_R0_IMM 0xE2800000u
#define INSN_BX_LR 0xE12FFF1Eu

static uint32_t code[1024] __attribute__((aligned(4096)));

static void sync_icache(const void *p)
{
	__asm__ volatile("mcr p15, 0, %0, c7, c11, 1\n\t" /* DCCMVAU */
			 "dsb\n\t"
			 "mcr p15, 0, %0, c7, c5, 1\n\t" /* ICIMVAU */
			 "mcr p15, 0, %1, c7, c5, 6\n\t" /* BPIALL */
			 "dsb\n\t"
			 "isb"
			 :
			 : "r"(p), "r"(0)
			 : "memory");
}

int main(void)
{
	uint32_t (*fn)(uint32_t) = (uint32_t(*)(uint32_t))(uintptr_t)code;
	uint32_t n = MECH_N(100000), sum = 0, i;

	code[1] = INSN_BX_LR;
	mech_start("smc");
	for (i = 0; i < n; i++) {
		code[0] = INSN_ADD_R0_IMM | ((i * 7u + 1u) & 0xFFu);
		sync_icache(code);
		sum = fn((sum << 1) | (sum >> 31));
	}
	mech_end("smc", n, sum);
	return 0;
}
