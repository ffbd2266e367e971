/*
 * Stores over all of guest RAM outside the program itself: the first 64 KiB
 * (where QEMU keeps its boot stub), the device tree the loader placed, and
 * everything up to the end of RAM. It is guest RAM: every word must read
 * back as written, and the board must go on working (the disk still reads).
 *
 * Booted as a Linux zImage (objcopy'd to build/robust/ramstomp.bin, loaded at
 * RAM + 0x10000 with --dtb) so that the loader really places a DTB and
 * enters with r0 = 0, r1 = machine id, r2 = DTB. Run with -m 16.
 */
#include "vblk.h"

#define RAM_BASE 0x60000000u
#define RAM_END 0x61000000u	/* -m 16 */
#define FDT_MAGIC_LE 0xedfe0dd0u	/* 0xd00dfeed, big-endian */

/*
 * The zImage header: the first instruction saves the boot registers and
 * jumps to the runtime's start; the magic at 0x24 and the little-endian
 * flag at 0x30 are what a loader checks. It links before the runtime's
 * vectors (this object comes first), which VBAR points at wherever they are.
 */
__asm__(".pushsection .vectors, \"ax\"\n"
	".arm\n"
	"zimage_head:\n"
	"	ldr	r3, 1f\n"
	"	str	r0, [r3]\n"
	"	str	r1, [r3, #4]\n"
	"	str	r2, [r3, #8]\n"
	"	b	_start\n"
	"	.balign	32\n"
	"1:	.word	boot_regs\n"
	"	.word	0x016f2818\n"	/* 0x24: zImage magic */
	"	.word	0\n"		/* 0x28: position independent */
	"	.word	0\n"		/* 0x2c: end (unused) */
	"	.word	0x04030201\n"	/* 0x30: little-endian */
	"	.balign	32\n"
	".popsection\n");

/* In .data, not .bss: the start-up code clears .bss after the header wrote it. */
uint32_t boot_regs[3] __attribute__((section(".data")));

extern char __image_end[];

static uint8_t sec[VBLK_SECTOR] __attribute__((aligned(16)));

static uint32_t pattern(uint32_t a, uint32_t salt)
{
	return (a * 2654435761u) ^ salt;
}

static void fill(uint32_t lo, uint32_t hi, uint32_t salt)
{
	for (uint32_t a = lo; a < hi; a += 4)
		*(volatile uint32_t *)a = pattern(a, salt);
}

static uint32_t wrong(uint32_t lo, uint32_t hi, uint32_t salt)
{
	uint32_t bad = 0;
	for (uint32_t a = lo; a < hi; a += 4)
		bad += *(volatile uint32_t *)a != pattern(a, salt);
	return bad;
}

int main(void)
{
	uint32_t dtb = boot_regs[2];
	rt_check("r0", boot_regs[0], 0);
	rt_check("r1 (machine id)", boot_regs[1], 0x8e0);
	rt_check("DTB in RAM", dtb >= RAM_BASE && dtb < RAM_END, 1);
	rt_check("DTB magic", dtb >= RAM_BASE && dtb < RAM_END ? rt_read32(dtb) : 0, FDT_MAGIC_LE);
	rt_printf("ramstomp: DTB at RAM+0x%x\n", (unsigned)(dtb - RAM_BASE));

	struct vblk v;
	if (vblk_init(&v, 0))
		return 1;
	rt_check("read sector 0", (uint32_t)vblk_request(&v, VBLK_T_IN, 0, sec, VBLK_SECTOR),
		 VBLK_S_OK);
	uint32_t first = sec[0] | sec[1] << 8 | sec[2] << 16 | (uint32_t)sec[3] << 24;
	vio_wr(&v, VIO_STATUS, 0);

	uint32_t low_end = 0x60010000u;
	uint32_t high = ((uint32_t)(uintptr_t)__image_end + 0xfffu) & ~0xfffu;
	for (uint32_t salt = 0x5a5aa5a5u, pass = 0; pass < 2; pass++, salt = ~salt) {
		fill(RAM_BASE, low_end, salt);
		fill(high, RAM_END, salt);
		rt_check("below the program, words wrong", wrong(RAM_BASE, low_end, salt), 0);
		rt_check("above the program, words wrong", wrong(high, RAM_END, salt), 0);
	}
	rt_check("DTB overwritten", rt_read32(dtb) != FDT_MAGIC_LE, 1);

	/* The device keeps nothing in guest RAM: set up afresh, it reads. */
	memset(sec, 0, sizeof(sec));
	if (vblk_init(&v, 0))
		return 1;
	rt_check("read sector 0 again", (uint32_t)vblk_request(&v, VBLK_T_IN, 0, sec, VBLK_SECTOR),
		 VBLK_S_OK);
	rt_check("same bytes", sec[0] | sec[1] << 8 | sec[2] << 16 | (uint32_t)sec[3] << 24, first);
	vio_wr(&v, VIO_STATUS, 0);
	rt_printf("ramstomp: %u failures\n", rt_failures);
	return 0;
}
