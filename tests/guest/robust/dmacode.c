/*
 * DMA over code: a function runs (so the engine has decoded it), the disk
 * then reads new instructions over it, the program does what the ARM
 * architecture asks after code is written behind the instruction stream
 * (DSB, ICIALLU, BPIALL, DSB, ISB) and calls it again: the new code must
 * run. Writes sector 3 of its disk first (with a flush); give it a scratch
 * disk.
 */
#include "vblk.h"

#define CODE_SECTOR 3u

/* mov r0, #7; bx lr - then the rest of the sector. In .data: RAM the
 * program may overwrite, and execute (the MMU is off). */
static uint32_t code[VBLK_SECTOR / 4] __attribute__((aligned(64), section(".data"))) = {
	0xe3a00007u,	/* mov r0, #7 */
	0xe12fff1eu,	/* bx lr */
};
static uint32_t newcode[VBLK_SECTOR / 4] __attribute__((aligned(16)));

static uint32_t call(void)
{
	uint32_t (*fn)(void) = (uint32_t (*)(void))(uintptr_t)code;
	return fn();
}

static void sync_icache(void)
{
	__asm__ volatile("dsb\n\t"
			 "mcr p15, 0, %0, c7, c5, 0\n\t"	/* ICIALLU */
			 "mcr p15, 0, %0, c7, c5, 6\n\t"	/* BPIALL */
			 "dsb\n\t"
			 "isb" ::"r"(0)
			 : "memory");
}

int main(void)
{
	struct vblk v;
	if (vblk_init(&v, VIO_F_FLUSH))
		return 1;
	sync_icache();
	rt_check("old code", call(), 7);
	rt_check("old code again", call(), 7);

	newcode[0] = 0xe3a0002au;	/* mov r0, #42 */
	newcode[1] = 0xe12fff1eu;	/* bx lr */
	rt_check("write the new code to the disk",
		 (uint32_t)vblk_request(&v, VBLK_T_OUT, CODE_SECTOR, newcode, VBLK_SECTOR), VBLK_S_OK);
	rt_check("read it over the old", (uint32_t)vblk_request(&v, VBLK_T_IN, CODE_SECTOR, code,
								   VBLK_SECTOR),
		 VBLK_S_OK);
	sync_icache();
	rt_check("new code runs", call(), 42);
	rt_printf("dmacode: %u failures\n", rt_failures);
	return 0;
}
