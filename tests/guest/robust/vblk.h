/*
 * A minimal virtio-blk driver for the robustness programs: virtio-mmio
 * version 2 (virtio 1.1 section 4.2.3), one split virtqueue (section 2.6),
 * polled. It drives the device the way the spec says a driver must, and
 * exposes the raw pieces (descriptor table, rings, registers) so a hostile
 * program can break every rule on purpose.
 *
 * Under QEMU the transports must be modern: -global virtio-mmio.force-legacy=false.
 */
#ifndef GUEST_ROBUST_VBLK_H
#define GUEST_ROBUST_VBLK_H

#include <stdint.h>

#include "rt.h"

#define VIO_BASE 0x10013000u
#define VIO_STRIDE 0x200u
#define VIO_COUNT 4u

/* virtio-mmio registers. */
#define VIO_MAGIC 0x000u
#define VIO_VERSION 0x004u
#define VIO_DEVICE_ID 0x008u
#define VIO_DEV_FEATURES 0x010u
#define VIO_DEV_FEATURES_SEL 0x014u
#define VIO_DRV_FEATURES 0x020u
#define VIO_DRV_FEATURES_SEL 0x024u
#define VIO_QUEUE_SEL 0x030u
#define VIO_QUEUE_NUM_MAX 0x034u
#define VIO_QUEUE_NUM 0x038u
#define VIO_QUEUE_READY 0x044u
#define VIO_QUEUE_NOTIFY 0x050u
#define VIO_ISR 0x060u
#define VIO_ISR_ACK 0x064u
#define VIO_STATUS 0x070u
#define VIO_DESC_LO 0x080u
#define VIO_DESC_HI 0x084u
#define VIO_AVAIL_LO 0x090u
#define VIO_AVAIL_HI 0x094u
#define VIO_USED_LO 0x0a0u
#define VIO_USED_HI 0x0a4u
#define VIO_CONFIG 0x100u

#define VIO_S_ACK 0x01u
#define VIO_S_DRIVER 0x02u
#define VIO_S_DRIVER_OK 0x04u
#define VIO_S_FEATURES_OK 0x08u
#define VIO_S_NEEDS_RESET 0x40u
#define VIO_S_FAILED 0x80u

#define VIO_F_RO (1ull << 5)
#define VIO_F_FLUSH (1ull << 9)
#define VIO_F_INDIRECT (1ull << 28)
#define VIO_F_VERSION_1 (1ull << 32)

#define VD_NEXT 1u
#define VD_WRITE 2u
#define VD_INDIRECT 4u

#define VBLK_T_IN 0u
#define VBLK_T_OUT 1u
#define VBLK_T_FLUSH 4u
#define VBLK_S_OK 0u
#define VBLK_S_IOERR 1u
#define VBLK_S_UNSUPP 2u
/* What the status byte holds before the device answers. */
#define VBLK_S_NONE 0xeeu

#define VBLK_SECTOR 512u
#define VBLK_QSIZE 8u

struct vdesc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vblk_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

/* The driver's own queue memory: descriptor table, avail and used rings. */
struct vblk_rings {
	struct vdesc desc[VBLK_QSIZE];
	uint16_t avail[2 + VBLK_QSIZE + 1];	/* flags, idx, ring, used_event */
	uint16_t pad;
	uint32_t used[1 + 2 * VBLK_QSIZE + 1];	/* flags|idx, ring (id, len), avail_event */
} __attribute__((aligned(4096)));

struct vblk {
	uint32_t base;		/* transport registers */
	uint64_t offered;	/* device features */
	struct vdesc *desc;	/* where the driver writes descriptors */
	volatile uint16_t *avail;
	volatile uint32_t *used;
	uint32_t num;
	uint16_t avail_idx;
	uint16_t used_seen;
};

/* The first transport with a block device, or 0. */
uint32_t vblk_find(void);

static inline uint32_t vio_rd(const struct vblk *v, uint32_t reg)
{
	return rt_read32(v->base + reg);
}

static inline void vio_wr(const struct vblk *v, uint32_t reg, uint32_t val)
{
	rt_write32(v->base + reg, val);
}

static inline void vio_mb(void)
{
	__asm__ volatile("dmb" ::: "memory");
}

/* Reset, acknowledge and negotiate `want & offered` (plus VERSION_1).
 * Returns the status register afterwards (FEATURES_OK set on success). */
uint32_t vblk_negotiate(struct vblk *v, uint32_t base, uint64_t want);

/* Set up queue 0 with `num` entries at the given guest-physical addresses
 * and set QueueReady (not DRIVER_OK: vblk_driver_ok). The driver writes
 * descriptors and reads rings through v->desc, avail, used: the addresses
 * given when they lie in RAM, else its own zeroed vblk_rings. Returns the
 * status register. */
uint32_t vblk_setup_queue(struct vblk *v, uint32_t num, uint64_t desc, uint64_t avail,
			  uint64_t used);

/* Set DRIVER_OK; returns the status register. */
uint32_t vblk_driver_ok(struct vblk *v);

/* The driver's own queue memory. */
extern struct vblk_rings vblk_rings;

/* The well-behaved whole: negotiate, then queue 0 on the driver's own rings.
 * 0, or -1 with a message. */
int vblk_init(struct vblk *v, uint64_t want);

/* Publish descriptor chain `head` and notify. */
void vblk_kick(struct vblk *v, uint16_t head);

/* Wait (at most 1 s of SYS_24MHZ) for the used index to move; returns the
 * used element's len, -2 when the device set DEVICE_NEEDS_RESET instead, or
 * -1 when nothing happened. */
int vblk_wait(struct vblk *v);

/* A header + data + status request through descriptors 0, 1, 2 (data
 * omitted when len is 0). Returns the status byte, VBLK_S_NONE if the
 * device wrote none, or vblk_wait's -1 or -2. */
int vblk_request(struct vblk *v, uint32_t type, uint64_t sector, void *buf, uint32_t len);

/* The guest-physical address of a program object (the MMU is off). */
static inline uint64_t vblk_pa(const volatile void *p)
{
	return (uint32_t)(uintptr_t)p;
}

#endif
