/*
 * ARMv7 short-descriptor translation table entries (ARM ARM B3.5), for the
 * guest programs that build page tables (tests/guest/mmu.c, the random
 * programs' runtime tests/fuzzprog/fprt.c). SCTLR.AFE = 0 throughout, so the
 * access permissions are APX:AP[1:0].
 */
#ifndef GUEST_ARMV7_PT_H
#define GUEST_ARMV7_PT_H

#include <stdint.h>

/* First-level descriptors. */
#define L1_SECTION 0x2u
#define L1_COARSE 0x1u
#define L1_B (1u << 2)
#define L1_C (1u << 3)
#define L1_XN (1u << 4)
#define L1_DOMAIN(d) ((uint32_t)(d) << 5)
#define L1_AP(ap) ((((uint32_t)(ap)&3u) << 10) | ((((uint32_t)(ap) >> 2) & 1u) << 15))
#define L1_TEX(t) ((uint32_t)(t) << 12)
#define L1_NG (1u << 17)

/* Second-level descriptors. */
#define L2_SMALL 0x2u
#define L2_SMALL_XN 0x1u
#define L2_LARGE 0x1u
#define L2_B (1u << 2)
#define L2_C (1u << 3)
#define L2_AP(ap) ((((uint32_t)(ap)&3u) << 4) | ((((uint32_t)(ap) >> 2) & 1u) << 9))
#define L2_TEX(t) ((uint32_t)(t) << 6) /* small pages */
#define L2_NG (1u << 11)

/* APX:AP[1:0] values. */
#define AP_PRIV_RW 0x1u
#define AP_USER_RO 0x2u
#define AP_FULL 0x3u
#define AP_PRIV_RO 0x5u
#define AP_RO 0x7u /* read-only at every privilege */

#endif
