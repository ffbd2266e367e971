/*
 * CP14 debug registers as the Cortex-A9 (v7 debug, memory-mapped variant)
 * shows them through the coprocessor interface, with the reference QEMU's
 * DBGDIDR. Linux reads DBGDIDR at boot to decide whether it can drive the
 * breakpoint unit; version 4 (v7 memory-mapped) makes it leave it alone.
 *
 * Breakpoint and watchpoint registers hold what is written but never fire:
 * hardware debug is not modelled, and the engine says so once when a guest
 * enables one.
 */
#include "engine/rt.h"
#include "arm/cpu.h"

#define A9_DBGDIDR 0x35141000u
#define A9_BRPS 6u /* DBGDIDR[27:24] + 1 */
#define A9_WRPS 4u /* DBGDIDR[31:28] + 1 */
#define DSCR_UDCCDIS (1u << 12)
#define DSCR_EXT_WRITABLE 0x0000fc00u /* UDCCdis ITRen HDBGen MDBGen ... */

#define CP14_KEY(crn, op1, crm, op2) (((crn) << 12) | ((op1) << 8) | ((crm) << 4) | (op2))

static struct {
	uint32_t dscr;
	uint32_t vcr;
	uint32_t wfar;
	uint32_t bvr[A9_BRPS], bcr[A9_BRPS];
	uint32_t wvr[A9_WRPS], wcr[A9_WRPS];
	bool warned;
} cp14;

void arm_cp14_reset(void)
{
	memset(&cp14, 0, sizeof(cp14));
}

static unsigned cp14_key(uint32_t raw)
{
	return CP14_KEY((raw >> 16) & 15u, (raw >> 21) & 7u, raw & 15u, (raw >> 5) & 7u);
}

/* Breakpoint/watchpoint register n of kind op2 (4 BVR, 5 BCR, 6 WVR, 7 WCR). */
static uint32_t *cp14_bpt(unsigned key)
{
	unsigned crm = (key >> 4) & 15u, op2 = key & 7u;
	if ((key & 0xff00) != CP14_KEY(0, 0, 0, 0) || op2 < 4)
		return NULL;
	if (op2 < 6)
		return crm < A9_BRPS ? (op2 == 4 ? &cp14.bvr[crm] : &cp14.bcr[crm]) : NULL;
	return crm < A9_WRPS ? (op2 == 6 ? &cp14.wvr[crm] : &cp14.wcr[crm]) : NULL;
}

int arm_cp14_read(struct arm_cpu *cpu, uint32_t raw, uint32_t *val)
{
	unsigned key = cp14_key(raw);
	if (cpu->mem_user) {
		/* Only the debug communications channel, unless UDCCdis. */
		if (cp14.dscr & DSCR_UDCCDIS)
			return -1;
		if (key == CP14_KEY(0, 0, 1, 0))
			*val = cp14.dscr;
		else if (key == CP14_KEY(0, 0, 5, 0))
			*val = 0;
		else
			return -1;
		return 0;
	}
	uint32_t *bpt = cp14_bpt(key);
	if (bpt) {
		*val = *bpt;
		return 0;
	}
	switch (key) {
	case CP14_KEY(0, 0, 0, 0): *val = A9_DBGDIDR; return 0;
	case CP14_KEY(1, 0, 0, 0): /* DBGDRAR, DBGDSAR: no memory-mapped view given */
	case CP14_KEY(2, 0, 0, 0):
		*val = 0;
		return 0;
	case CP14_KEY(0, 0, 1, 0): /* DBGDSCRint */
	case CP14_KEY(0, 0, 2, 2): /* DBGDSCRext */
		*val = cp14.dscr;
		return 0;
	case CP14_KEY(0, 0, 5, 0): *val = 0; return 0; /* DBGDTRRXint: nothing received */
	case CP14_KEY(0, 0, 6, 0): *val = cp14.wfar; return 0;
	case CP14_KEY(0, 0, 7, 0): *val = cp14.vcr; return 0;
	}
	return -1;
}

int arm_cp14_write(struct arm_cpu *cpu, uint32_t raw, uint32_t val)
{
	unsigned key = cp14_key(raw);
	if (cpu->mem_user)
		return (key == CP14_KEY(0, 0, 5, 0) && !(cp14.dscr & DSCR_UDCCDIS)) ? 0 : -1;
	uint32_t *bpt = cp14_bpt(key);
	if (bpt) {
		*bpt = val;
		/* BCR/WCR bit 0 enables the unit. */
		if ((key & 1) && (val & 1) && !cp14.warned) {
			cp14.warned = true;
			engine_log("guest enabled a hardware breakpoint/watchpoint: not modelled, it will never fire");
		}
		return 0;
	}
	switch (key) {
	case CP14_KEY(0, 0, 2, 2):
		cp14.dscr = (cp14.dscr & ~DSCR_EXT_WRITABLE) | (val & DSCR_EXT_WRITABLE);
		return 0;
	case CP14_KEY(0, 0, 5, 0): return 0; /* DBGDTRTXint: no debugger listens */
	case CP14_KEY(0, 0, 6, 0): cp14.wfar = val; return 0;
	case CP14_KEY(0, 0, 7, 0): cp14.vcr = val & 0xdeu; return 0;
	}
	return -1;
}
