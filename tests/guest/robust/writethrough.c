/*
 * A driver that does not negotiate VIRTIO_BLK_F_FLUSH gets a write-through
 * disk (virtio 1.1 5.2.5: the cache is in writeback mode after reset if and
 * only if VIRTIO_BLK_F_FLUSH is negotiated): a write is durable when it
 * completes. This one writes sector A without ever flushing - it has no
 * way to - says so and idles; tests/integration/disk_durable.sh kills
 * captive with SIGKILL then and requires A in the file.
 */
#include "vblk.h"

#define SECTOR_A 8u

static uint8_t buf[VBLK_SECTOR] __attribute__((aligned(16)));

int main(void)
{
	struct vblk v;
	if (vblk_init(&v, 0))
		return 1;
	rt_check("FLUSH offered (and not taken)", (v.offered & VIO_F_FLUSH) != 0, 1);
	for (unsigned i = 0; i < VBLK_SECTOR; i++)
		buf[i] = (uint8_t)"DURABLE-A/"[i % 10];
	rt_check("write A", (uint32_t)vblk_request(&v, VBLK_T_OUT, SECTOR_A, buf, VBLK_SECTOR),
		 VBLK_S_OK);
	rt_printf("durable: ready to be killed (%u failures)\n", rt_failures);
	for (;;)
		__asm__ volatile("wfi");
}
