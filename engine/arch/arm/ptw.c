/*
 * ARMv7-A short-descriptor translation table walk (ARM ARM B3.5). See ptw.h
 * for the split between the walk and the per-access check.
 */
#include <errno.h>

#include "arm/ptw.h"
#include "engine/io.h"
#include "engine/engine.h"

#define TTBCR_N_MASK 7u
#define TTBCR_PD0 (1u << 4)
#define TTBCR_PD1 (1u << 5)

/* First-level descriptor fields. */
#define L1_TYPE_MASK 3u
#define L1_TYPE_TABLE 1u
#define L1_TYPE_SECTION 2u
#define L1_SUPERSECTION (1u << 18)
#define L1_NG (1u << 17)
#define L1_S (1u << 16)
#define L1_APX (1u << 15)
#define L1_AP_SHIFT 10
#define L1_TEX_SHIFT 12
#define L1_DOMAIN_SHIFT 5
#define L1_XN (1u << 4)

/* Second-level descriptor fields. */
#define L2_TYPE_MASK 3u
#define L2_TYPE_LARGE 1u
#define L2_SMALL (1u << 1)
#define L2_NG (1u << 11)
#define L2_S (1u << 10)
#define L2_APX (1u << 9)
#define L2_AP_SHIFT 4
#define L2_SMALL_TEX_SHIFT 6
#define L2_LARGE_TEX_SHIFT 12
#define L2_SMALL_XN (1u << 0)
#define L2_LARGE_XN (1u << 15)

#define PRIV_R PTW_PERM(MMU_READ)
#define PRIV_W PTW_PERM(MMU_WRITE)
#define USER_R PTW_PERM(MMU_READ | MMU_USER)
#define USER_W PTW_PERM(MMU_WRITE | MMU_USER)
#define ANY_X (PTW_PERM(MMU_FETCH) | PTW_PERM(MMU_FETCH | MMU_USER))

/* Read permissions imply fetch permissions (cleared again by XN). */
#define R_TO_X(p) ((uint8_t)((p) | (((p) & (PRIV_R | USER_R)) << 2)))

/* AP[2:0] in the full model (SCTLR.AFE clear). 0b100 is reserved: no access. */
static const uint8_t ptw_ap_full[8] = {
	[0] = 0,
	[1] = R_TO_X(PRIV_R | PRIV_W),
	[2] = R_TO_X(PRIV_R | PRIV_W | USER_R),
	[3] = R_TO_X(PRIV_R | PRIV_W | USER_R | USER_W),
	[4] = 0,
	[5] = R_TO_X(PRIV_R),
	[6] = R_TO_X(PRIV_R | USER_R),
	[7] = R_TO_X(PRIV_R | USER_R),
};

/* AP[2:1] in the simplified model (SCTLR.AFE set; AP[0] is the access flag). */
static const uint8_t ptw_ap_simple[4] = {
	[0] = R_TO_X(PRIV_R | PRIV_W),
	[1] = R_TO_X(PRIV_R | PRIV_W | USER_R | USER_W),
	[2] = R_TO_X(PRIV_R),
	[3] = R_TO_X(PRIV_R | USER_R),
};

static int ptw_fault(struct arm_fault *fault, uint32_t fs, unsigned domain, gva_t va,
		     unsigned flags)
{
	fault->fsr = ptw_fsr(fs, domain, flags);
	fault->addr = va;
	return -EFAULT;
}

/* Descriptors are little-endian words in guest RAM (SCTLR.EE is not modelled). */
static bool ptw_read_desc(gpa_t pa, uint32_t *desc)
{
	if (!engine_pa_is_ram(pa) || !engine_pa_is_ram(pa + 3))
		return false;
	*desc = *(const volatile uint32_t *)engine_ram_ptr(pa);
	return true;
}

/*
 * Permissions from AP[2] (apx), AP[1:0] (ap) and XN. Under the simplified
 * model AP[0] is the access flag, checked by the caller.
 */
static uint8_t ptw_perms(const struct arm_cp15 *cp15, bool apx, uint32_t ap, bool xn)
{
	uint8_t p;
	if (cp15->sctlr & SCTLR_AFE)
		p = ptw_ap_simple[(apx ? 2u : 0u) | (ap >> 1)];
	else
		p = ptw_ap_full[(apx ? 4u : 0u) | ap];
	if (xn)
		p &= (uint8_t)~ANY_X;
	return p;
}

/* The first-level descriptor address for va, or false when TTBCR.PDx forbids the walk. */
static bool ptw_l1_address(const struct arm_cp15 *cp15, gva_t va, gpa_t *pa)
{
	uint32_t n = cp15->ttbcr & TTBCR_N_MASK;
	if (n == 0 || (va >> (32 - n)) == 0) {
		if (cp15->ttbcr & TTBCR_PD0)
			return false;
		/* TTBR0's table shrinks to 16 KiB >> N, aligned to its size. */
		uint32_t base = cp15->ttbr0 & ~((0x4000u >> n) - 1u);
		*pa = base | ((va >> 18) & (0x3ffcu >> n));
		return true;
	}
	if (cp15->ttbcr & TTBCR_PD1)
		return false;
	*pa = (cp15->ttbr1 & 0xffffc000u) | ((va >> 18) & 0x3ffcu);
	return true;
}

static int ptw_section(const struct arm_cp15 *cp15, gva_t va, uint32_t desc, unsigned flags,
		       struct ptw_result *res, struct arm_fault *fault)
{
	uint32_t ap = (desc >> L1_AP_SHIFT) & 3u;
	if (desc & L1_SUPERSECTION) {
		/* Supersections are always domain 0; bits 23:20 and 8:5 extend the
		 * base to PA[35:32] and PA[39:36]. */
		res->pa = (gpa_t)(desc & 0xff000000u) | ((gpa_t)((desc >> 20) & 0xfu) << 32) |
			  ((gpa_t)((desc >> 5) & 0xfu) << 36) | (va & 0x00ffffffu);
		res->size_log2 = 24;
		res->domain = 0;
	} else {
		res->pa = (desc & 0xfff00000u) | (va & 0x000fffffu);
		res->size_log2 = 20;
		res->domain = (desc >> L1_DOMAIN_SHIFT) & 0xfu;
	}
	if ((cp15->sctlr & SCTLR_AFE) && !(ap & 1u))
		return ptw_fault(fault, FSR_ACCESS_SECTION, res->domain, va, flags);
	res->level = PTW_SECTION;
	res->perms = ptw_perms(cp15, desc & L1_APX, ap, desc & L1_XN);
	res->global = !(desc & L1_NG);
	res->tex = (desc >> L1_TEX_SHIFT) & 7u;
	res->cb = (desc >> 2) & 3u;
	res->shareable = desc & L1_S;
	return 0;
}

static int ptw_page(const struct arm_cp15 *cp15, gva_t va, uint32_t l1, unsigned flags,
		    struct ptw_result *res, struct arm_fault *fault)
{
	unsigned domain = (l1 >> L1_DOMAIN_SHIFT) & 0xfu;
	gpa_t l2_pa = (l1 & 0xfffffc00u) | ((va >> 10) & 0x3fcu);
	uint32_t desc;
	if (!ptw_read_desc(l2_pa, &desc))
		return ptw_fault(fault, FSR_WALK_EXTERNAL_L2, domain, va, flags);

	bool xn;
	if (desc & L2_SMALL) {
		res->pa = (desc & 0xfffff000u) | (va & 0xfffu);
		res->size_log2 = 12;
		res->tex = (desc >> L2_SMALL_TEX_SHIFT) & 7u;
		xn = desc & L2_SMALL_XN;
	} else if ((desc & L2_TYPE_MASK) == L2_TYPE_LARGE) {
		res->pa = (desc & 0xffff0000u) | (va & 0xffffu);
		res->size_log2 = 16;
		res->tex = (desc >> L2_LARGE_TEX_SHIFT) & 7u;
		xn = desc & L2_LARGE_XN;
	} else {
		return ptw_fault(fault, FSR_TRANS_PAGE, domain, va, flags);
	}

	uint32_t ap = (desc >> L2_AP_SHIFT) & 3u;
	if ((cp15->sctlr & SCTLR_AFE) && !(ap & 1u))
		return ptw_fault(fault, FSR_ACCESS_PAGE, domain, va, flags);
	res->level = PTW_PAGE;
	res->domain = (uint8_t)domain;
	res->perms = ptw_perms(cp15, desc & L2_APX, ap, xn);
	res->global = !(desc & L2_NG);
	res->cb = (desc >> 2) & 3u;
	res->shareable = desc & L2_S;
	return 0;
}

int ptw_walk(const struct arm_cp15 *cp15, gva_t va, unsigned flags, struct ptw_result *res,
	     struct arm_fault *fault)
{
	eng.sh->stats.page_walks++;
	if (!(cp15->sctlr & SCTLR_M)) {
		*res = (struct ptw_result){
			.pa = va,
			.size_log2 = 12,
			.level = PTW_FLAT,
			.perms = PTW_PERM_ALL,
			.global = true,
		};
		return 0;
	}

	gpa_t l1_pa;
	if (!ptw_l1_address(cp15, va, &l1_pa))
		return ptw_fault(fault, FSR_TRANS_SECTION, 0, va, flags);
	uint32_t desc;
	if (!ptw_read_desc(l1_pa, &desc))
		return ptw_fault(fault, FSR_WALK_EXTERNAL_L1, 0, va, flags);

	switch (desc & L1_TYPE_MASK) {
	case L1_TYPE_TABLE:
		return ptw_page(cp15, va, desc, flags, res, fault);
	case L1_TYPE_SECTION:
		return ptw_section(cp15, va, desc, flags, res, fault);
	default:
		/* 0b00 is invalid; 0b11 is the PXN form of a section, reserved
		 * (a translation fault) on a core without PXN such as the A9. */
		return ptw_fault(fault, FSR_TRANS_SECTION, 0, va, flags);
	}
}

int ptw_check(const struct ptw_result *res, uint32_t dacr, gva_t va, unsigned flags,
	      struct arm_fault *fault)
{
	if (res->level == PTW_FLAT)
		return 0;
	bool section = res->level == PTW_SECTION;
	switch ((dacr >> (2 * res->domain)) & 3u) {
	case 1: /* client */
		if (res->perms & PTW_PERM(flags))
			return 0;
		return ptw_fault(fault, section ? FSR_PERM_SECTION : FSR_PERM_PAGE, res->domain,
				 va, flags);
	case 3: /* manager */
		return 0;
	default: /* no access; 0b10 is reserved and behaves as no access */
		return ptw_fault(fault, section ? FSR_DOMAIN_SECTION : FSR_DOMAIN_PAGE,
				 res->domain, va, flags);
	}
}

int ptw_translate(const struct arm_cp15 *cp15, gva_t va, unsigned flags, struct ptw_result *res,
		  struct arm_fault *fault)
{
	int rc = ptw_walk(cp15, va, flags, res, fault);
	return rc ? rc : ptw_check(res, cp15->dacr, va, flags, fault);
}

int ptw_device_access(gpa_t pa, unsigned size, uint32_t *val, bool write, gva_t va,
		      unsigned flags, struct arm_fault *fault)
{
	uint32_t v = *val;
	if (!io_access(pa, size, &v, write)) {
		*val = v;
		return 0;
	}
	fault->fsr = ptw_fsr(FSR_SYNC_EXTERNAL, 0, flags);
	fault->addr = va;
	return -EFAULT;
}
