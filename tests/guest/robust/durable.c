/*
 * Durability: write sector A and flush it, write sector B and do not, then
 * say so and idle. tests/integration/disk_durable.sh kills captive with
 * SIGKILL at that moment (under the powercut shim) and checks that A's new
 * bytes are in the file. B may or may not be: nothing promised it.
 */
#include "vblk.h"

#define SECTOR_A 8u
#define SECTOR_B 16u

static uint8_t buf[VBLK_SECTOR] __attribute__((aligned(16)));

static void fill(const char *tag)
{
	size_t n = strlen(tag);
	for (unsigned i = 0; i < VBLK_SECTOR; i++)
		buf[i] = (uint8_t)tag[i % n];
}

int main(void)
{
	struct vblk v;
	if (vblk_init(&v, VIO_F_FLUSH))
		return 1;
	if (!(v.offered & VIO_F_FLUSH)) {
		rt_puts("durable: the device does not offer VIRTIO_BLK_F_FLUSH\n");
		return 1;
	}
	fill("DURABLE-A/");
	rt_check("write A", (uint32_t)vblk_request(&v, VBLK_T_OUT, SECTOR_A, buf, VBLK_SECTOR),
		 VBLK_S_OK);
	rt_check("flush", (uint32_t)vblk_request(&v, VBLK_T_FLUSH, 0, 0, 0), VBLK_S_OK);
	fill("VOLATILE-B/");
	rt_check("write B", (uint32_t)vblk_request(&v, VBLK_T_OUT, SECTOR_B, buf, VBLK_SECTOR),
		 VBLK_S_OK);
	/* Read B back: the guest sees its own unflushed write. */
	memset(buf, 0, sizeof(buf));
	rt_check("read B", (uint32_t)vblk_request(&v, VBLK_T_IN, SECTOR_B, buf, VBLK_SECTOR),
		 VBLK_S_OK);
	rt_check("B reads back", buf[0] == 'V' && buf[VBLK_SECTOR - 1] == "VOLATILE-B/"[511 % 11], 1);
	rt_printf("durable: ready to be killed (%u failures)\n", rt_failures);
	for (;;)
		__asm__ volatile("wfi");
}
