/* CP15 system-control state of the guest CPU that the MMU strategies read. */
#ifndef ARM_CP15_H
#define ARM_CP15_H

#include "captive/types.h"

#define SCTLR_M (1u << 0)
#define SCTLR_A (1u << 1)
#define SCTLR_C (1u << 2)
#define SCTLR_Z (1u << 11)
#define SCTLR_I (1u << 12)
#define SCTLR_V (1u << 13)
#define SCTLR_TRE (1u << 28)
#define SCTLR_AFE (1u << 29)
#define SCTLR_TE (1u << 30)

struct arm_cp15 {
	uint32_t sctlr;
	uint32_t actlr;
	uint32_t cpacr;
	uint32_t ttbr0;
	uint32_t ttbr1;
	uint32_t ttbcr;
	uint32_t dacr;
	uint32_t dfsr;
	uint32_t ifsr;
	uint32_t dfar;
	uint32_t ifar;
	uint32_t par;
	uint32_t prrr;
	uint32_t nmrr;
	uint32_t vbar;
	uint32_t contextidr;	/* ASID in bits [7:0] */
	uint32_t tpidrurw;
	uint32_t tpidruro;
	uint32_t tpidrprw;
	uint32_t csselr;
	uint32_t a9_pwrctl;	/* Cortex-A9 power control (c15, 0, c0, 0) */
	uint32_t a9_diag;	/* Cortex-A9 diagnostic (c15, 0, c0, 1): errata workarounds */
};

/* A synchronous abort as the MMU reports it: short-descriptor FSR encoding
 * (FS[3:0] in bits 3:0, FS[4] in bit 10, domain in 7:4, WnR in bit 11,
 * ExT in bit 12) and the faulting virtual address. */
struct arm_fault {
	uint32_t fsr;
	gva_t addr;
};

/* Fault status codes (FS[4:0]). */
#define FSR_ALIGNMENT 0x01u
#define FSR_TRANS_SECTION 0x05u
#define FSR_TRANS_PAGE 0x07u
#define FSR_DOMAIN_SECTION 0x09u
#define FSR_DOMAIN_PAGE 0x0bu
#define FSR_PERM_SECTION 0x0du
#define FSR_PERM_PAGE 0x0fu
#define FSR_ACCESS_SECTION 0x03u
#define FSR_ACCESS_PAGE 0x06u
#define FSR_SYNC_EXTERNAL 0x08u
#define FSR_WNR (1u << 11)

#endif
