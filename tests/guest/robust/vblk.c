/* The robustness programs' virtio-blk driver (see vblk.h). */
#include "vblk.h"

#define VIO_MAGIC_VALUE 0x74726976u
#define SYS_24MHZ (RT_SYSREG_BASE + 0x5cu)
#define VBLK_WAIT_TICKS 24000000u	/* 1 s: QEMU completes asynchronously */

struct vblk_rings vblk_rings;
static struct vblk_hdr vblk_hdr;
static volatile uint8_t vblk_status;

uint32_t vblk_find(void)
{
	for (uint32_t i = 0; i < VIO_COUNT; i++) {
		uint32_t b = VIO_BASE + i * VIO_STRIDE;
		if (rt_read32(b + VIO_MAGIC) == VIO_MAGIC_VALUE && rt_read32(b + VIO_VERSION) == 2 &&
		    rt_read32(b + VIO_DEVICE_ID) == 2)
			return b;
	}
	return 0;
}

uint32_t vblk_negotiate(struct vblk *v, uint32_t base, uint64_t want)
{
	v->base = base;
	vio_wr(v, VIO_STATUS, 0);
	vio_wr(v, VIO_STATUS, VIO_S_ACK);
	vio_wr(v, VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER);
	vio_wr(v, VIO_DEV_FEATURES_SEL, 0);
	v->offered = vio_rd(v, VIO_DEV_FEATURES);
	vio_wr(v, VIO_DEV_FEATURES_SEL, 1);
	v->offered |= (uint64_t)vio_rd(v, VIO_DEV_FEATURES) << 32;
	uint64_t take = (want | VIO_F_VERSION_1) & v->offered;
	vio_wr(v, VIO_DRV_FEATURES_SEL, 0);
	vio_wr(v, VIO_DRV_FEATURES, (uint32_t)take);
	vio_wr(v, VIO_DRV_FEATURES_SEL, 1);
	vio_wr(v, VIO_DRV_FEATURES, (uint32_t)(take >> 32));
	vio_wr(v, VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER | VIO_S_FEATURES_OK);
	return vio_rd(v, VIO_STATUS);
}

static void vblk_set64(struct vblk *v, uint32_t lo, uint64_t val)
{
	vio_wr(v, lo, (uint32_t)val);
	vio_wr(v, lo + 4, (uint32_t)(val >> 32));
}

uint32_t vblk_setup_queue(struct vblk *v, uint32_t num, uint64_t desc, uint64_t avail,
			  uint64_t used)
{
	memset(&vblk_rings, 0, sizeof(vblk_rings));
	v->desc = vblk_rings.desc;
	v->avail = vblk_rings.avail;
	v->used = vblk_rings.used;
	/* Point the driver's views at the rings the device was given, when
	 * they are program memory the driver can write. */
	if (desc >= 0x60000000u && desc < 0x80000000u)
		v->desc = (struct vdesc *)(uintptr_t)desc;
	if (avail >= 0x60000000u && avail < 0x80000000u)
		v->avail = (volatile uint16_t *)(uintptr_t)avail;
	if (used >= 0x60000000u && used < 0x80000000u)
		v->used = (volatile uint32_t *)(uintptr_t)used;
	v->num = num;
	v->avail_idx = 0;
	v->used_seen = 0;
	vio_wr(v, VIO_QUEUE_SEL, 0);
	vio_wr(v, VIO_QUEUE_NUM, num);
	vblk_set64(v, VIO_DESC_LO, desc);
	vblk_set64(v, VIO_AVAIL_LO, avail);
	vblk_set64(v, VIO_USED_LO, used);
	vio_mb();
	vio_wr(v, VIO_QUEUE_READY, 1);
	return vio_rd(v, VIO_STATUS);
}

uint32_t vblk_driver_ok(struct vblk *v)
{
	vio_wr(v, VIO_STATUS, vio_rd(v, VIO_STATUS) | VIO_S_DRIVER_OK);
	return vio_rd(v, VIO_STATUS);
}

int vblk_init(struct vblk *v, uint64_t want)
{
	uint32_t base = vblk_find();
	if (!base) {
		rt_puts("vblk: no virtio-blk device\n");
		return -1;
	}
	uint32_t st = vblk_negotiate(v, base, want);
	if (!(st & VIO_S_FEATURES_OK)) {
		rt_printf("vblk: features refused, status %x\n", (unsigned)st);
		return -1;
	}
	st = vblk_setup_queue(v, VBLK_QSIZE, vblk_pa(vblk_rings.desc), vblk_pa(vblk_rings.avail),
			      vblk_pa(vblk_rings.used));
	st = vblk_driver_ok(v);
	if (st & VIO_S_NEEDS_RESET || !vio_rd(v, VIO_QUEUE_READY)) {
		rt_printf("vblk: queue set-up failed, status %x\n", (unsigned)st);
		return -1;
	}
	return 0;
}

void vblk_kick(struct vblk *v, uint16_t head)
{
	uint32_t slot = v->avail_idx % (v->num ? v->num : 1);
	v->avail[2 + slot] = head;
	vio_mb();
	v->avail_idx++;
	v->avail[1] = v->avail_idx;
	vio_mb();
	vio_wr(v, VIO_QUEUE_NOTIFY, 0);
}

int vblk_wait(struct vblk *v)
{
	uint32_t t0 = rt_read32(SYS_24MHZ);
	for (;;) {
		vio_mb();
		uint16_t idx = (uint16_t)(v->used[0] >> 16);
		if (idx != v->used_seen) {
			uint32_t slot = v->used_seen % (v->num ? v->num : 1);
			v->used_seen++;
			vio_mb();
			return (int)v->used[1 + 2 * slot + 1];
		}
		if (vio_rd(v, VIO_STATUS) & VIO_S_NEEDS_RESET)
			return -2;
		if (rt_read32(SYS_24MHZ) - t0 > VBLK_WAIT_TICKS)
			return -1;
	}
}

int vblk_request(struct vblk *v, uint32_t type, uint64_t sector, void *buf, uint32_t len)
{
	struct vdesc *d = v->desc;
	unsigned n = 0;
	vblk_hdr.type = type;
	vblk_hdr.reserved = 0;
	vblk_hdr.sector = sector;
	vblk_status = VBLK_S_NONE;
	d[n] = (struct vdesc){ vblk_pa(&vblk_hdr), sizeof(vblk_hdr), VD_NEXT, 1 };
	n++;
	if (len) {
		d[n] = (struct vdesc){ vblk_pa(buf), len,
				       (uint16_t)(VD_NEXT | (type == VBLK_T_IN ? VD_WRITE : 0)),
				       (uint16_t)(n + 1) };
		n++;
	}
	d[n] = (struct vdesc){ vblk_pa(&vblk_status), 1, VD_WRITE, 0 };
	vblk_kick(v, 0);
	int r = vblk_wait(v);
	return r < 0 ? r : vblk_status;
}
