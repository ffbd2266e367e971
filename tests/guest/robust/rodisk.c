/*
 * A read-only disk (,readonly): the device offers VIRTIO_BLK_F_RO, reads
 * work, a write fails with VIRTIO_BLK_S_IOERR (virtio 1.1 5.2.6.1: a device
 * offering VIRTIO_BLK_F_RO fails writes) and changes nothing, a flush
 * succeeds. Then it idles, so tests/integration/disk_readonly.sh can look at
 * how the file is open before it stops the run.
 */
#include "vblk.h"

static uint8_t buf[2 * VBLK_SECTOR] __attribute__((aligned(16)));

/* FNV-1a over the first two sectors: what the program saw of the disk. */
static uint32_t digest(void)
{
	uint32_t h = 2166136261u;
	for (unsigned i = 0; i < sizeof(buf); i++)
		h = (h ^ buf[i]) * 16777619u;
	return h;
}

int main(void)
{
	struct vblk v;
	if (vblk_init(&v, VIO_F_FLUSH | VIO_F_RO))
		return 1;
	rt_check("VIRTIO_BLK_F_RO offered", (v.offered & VIO_F_RO) != 0, 1);
	rt_check("read sectors 0-1", (uint32_t)vblk_request(&v, VBLK_T_IN, 0, buf, sizeof(buf)),
		 VBLK_S_OK);
	uint32_t before = digest();
	rt_printf("rodisk: sectors 0-1 digest %08x\n", (unsigned)before);

	memset(buf, 0xa5, sizeof(buf));
	rt_check("write sector 0 fails", (uint32_t)vblk_request(&v, VBLK_T_OUT, 0, buf, VBLK_SECTOR),
		 VBLK_S_IOERR);
	rt_check("write sectors 0-1 fails",
		 (uint32_t)vblk_request(&v, VBLK_T_OUT, 0, buf, sizeof(buf)), VBLK_S_IOERR);
	rt_check("flush", (uint32_t)vblk_request(&v, VBLK_T_FLUSH, 0, 0, 0), VBLK_S_OK);

	memset(buf, 0, sizeof(buf));
	rt_check("read again", (uint32_t)vblk_request(&v, VBLK_T_IN, 0, buf, sizeof(buf)), VBLK_S_OK);
	rt_check("disk unchanged", digest(), before);
	rt_printf("rodisk: done, %u failures\n", rt_failures);
	for (;;)
		__asm__ volatile("wfi");
}
