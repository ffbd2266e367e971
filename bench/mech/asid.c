/*
 * asid: an address-space switch as Linux makes one (CONTEXTIDR, ISB, TTBR0,
 * ISB) between two translation tables whose non-global page at the same
 * address maps different physical pages, with a read and a write through it
 * after each switch. No TLB maintenance: ASID tagging must keep them apart.
 */
#include "mech.h"

#define WIN_VA 0x64100000u

static uint32_t l1_a[4096] __attribute__((aligned(16384)));
static uint32_t l1_b[4096] __attribute__((aligned(16384)));
static uint32_t l2_a[256] __attribute__((aligned(1024)));
static uint32_t l2_b[256] __attribute__((aligned(1024)));
static uint32_t page_a[1024] __attribute__((aligned(4096)));
static uint32_t page_b[1024] __attribute__((aligned(4096)));

int main(void)
{
	uint32_t n = MECH_N(280000), sum = 0, i;

	for (i = 0; i < 1024; i++) {
		page_a[i] = 0xA0000000u + i;
		page_b[i] = 0xB0000000u + i;
	}
	mech_l1_identity(l1_a);
	mech_l1_identity(l1_b);
	mech_l2_identity(l1_a, l2_a, WIN_VA, MECH_PAGE_RAM | MECH_L2_NG);
	mech_l2_identity(l1_b, l2_b, WIN_VA, MECH_PAGE_RAM | MECH_L2_NG);
	l2_a[0] = (uint32_t)page_a | MECH_PAGE_RAM | MECH_L2_NG;
	l2_b[0] = (uint32_t)page_b | MECH_PAGE_RAM | MECH_L2_NG;
	mech_mmu_on(l1_a, 1);

	mech_start("asid");
	for (i = 0; i < n; i++) {
		volatile uint32_t *p = (volatile uint32_t *)(WIN_VA + ((i * 4u) & 0xFFCu));
		uint32_t asid = 1u + (i & 1u), v;

		__asm__ volatile("mcr p15, 0, %0, c13, c0, 1\n\tisb" : : "r"(asid) : "memory");
		__asm__ volatile("mcr p15, 0, %0, c2, c0, 0\n\tisb"
				 :
				 : "r"((i & 1u) ? l1_b : l1_a)
				 : "memory");
		v = *p;
		*p = v + i;
		sum = mech_mix(sum, v);
	}
	mech_end("asid", n, sum);
	mech_mmu_off();
	return 0;
}
