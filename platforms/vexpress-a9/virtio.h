/*
 * virtio over MMIO (virtio 1.1 section 4.2, version 2 "modern" register
 * layout) and the split virtqueue (section 2.6), shared by the transport
 * (virtio_mmio.c) and the devices behind it (virtio_blk.c). Private to the
 * board; the constructors are in platform/vexpress-a9.h.
 *
 * Guest-physical addresses from the guest are never trusted: every ring,
 * descriptor table and buffer is checked against guest RAM before the host
 * touches it. A broken ring (a bad index, a loop, a ring outside RAM) puts
 * the device in DEVICE_NEEDS_RESET; a buffer outside RAM only fails its
 * request.
 */
#ifndef VEXPRESS_VIRTIO_H
#define VEXPRESS_VIRTIO_H

#include "platform/machine.h"

/* Feature bits (device-independent). */
#define VIRTIO_F_RING_INDIRECT_DESC 28
#define VIRTIO_F_VERSION_1 32

/* Device status bits. */
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01u
#define VIRTIO_STATUS_DRIVER 0x02u
#define VIRTIO_STATUS_DRIVER_OK 0x04u
#define VIRTIO_STATUS_FEATURES_OK 0x08u
#define VIRTIO_STATUS_NEEDS_RESET 0x40u
#define VIRTIO_STATUS_FAILED 0x80u

/* Interrupt status bits. */
#define VIRTIO_ISR_QUEUE 0x1u
#define VIRTIO_ISR_CONFIG 0x2u

#define VIRTIO_ID_BLOCK 2u

/* The longest descriptor chain a device takes: virtio-blk's seg_max plus
 * its header and status descriptors. Longer is a broken ring. */
#define VIRTQ_MAX_SEGS 256u
#define VIRTQ_MAX_SIZE 256u	/* QueueNumMax */

struct virtio_mmio;

/* One buffer of a descriptor chain, in chain order. host is NULL when the
 * buffer is not all guest RAM (the request must fail). */
struct virtq_seg {
	uint8_t *host;
	gpa_t pa;
	uint32_t len;
	bool write;		/* device-writable */
};

/* A popped request: all device-readable buffers come before the writable ones. */
struct virtq_chain {
	uint16_t head;		/* what virtq_push() gives back */
	unsigned nsegs;
	bool bad_buffer;	/* some buffer lies outside RAM */
	uint64_t readable;	/* total bytes of the readable buffers */
	uint64_t writable;	/* total bytes of the writable buffers */
	struct virtq_seg seg[VIRTQ_MAX_SEGS];
};

/*
 * A device behind a transport. Every member runs with the machine lock held.
 *   device_id     virtio device type (non-zero)
 *   num_queues    queues the device has
 *   features      what the device offers (the transport adds VERSION_1
 *                 and RING_INDIRECT_DESC)
 *   config_read   read `size` (1, 2, 4) bytes of device config space at
 *                 `offset`; bytes past its end read as zero
 *   notify        the driver kicked queue q (ready, DRIVER_OK): pop and
 *                 complete requests with virtq_pop/virtq_push; the transport
 *                 raises the interrupt afterwards if anything completed
 *   reset         back to power-on state (the transport reset itself)
 *   destroy       free the device state
 */
struct virtio_dev_ops {
	uint32_t device_id;
	unsigned num_queues;
	uint64_t (*features)(void *dev);
	void (*config_read)(void *dev, uint32_t offset, unsigned size, uint32_t *value);
	void (*notify)(void *dev, struct virtio_mmio *t, unsigned q);
	void (*reset)(void *dev);
	void (*destroy)(void *dev);
};

/*
 * A transport at `base` (0x200 bytes) raising GIC interrupt `irq`, carrying
 * the device (ops, dev), or an empty slot answering DeviceID 0 when ops is
 * NULL. Registers it on m. On failure frees nothing of dev's. 0 or -errno.
 */
int virtio_mmio_create(struct machine *m, const char *name, gpa_t base, unsigned irq,
		       const struct virtio_dev_ops *ops, void *dev);

/*
 * Take the next available request of queue q into *c. Returns 1 (got one),
 * 0 (queue empty), or -1: the ring is broken; the device is now in
 * NEEDS_RESET and the caller must stop processing.
 */
int virtq_pop(struct virtio_mmio *t, unsigned q, struct virtq_chain *c);

/* Give request `head` back to the driver with `written` bytes written into
 * its writable buffers. */
void virtq_push(struct virtio_mmio *t, unsigned q, uint16_t head, uint32_t written);

/* True when the driver accepted feature `bit`. */
bool virtio_negotiated(const struct virtio_mmio *t, unsigned bit);

/* The machine the transport is on (for the device's guest RAM access). */
struct machine *virtio_machine(struct virtio_mmio *t);

/* Copy `len` bytes of the chain's readable bytes from offset `off`.
 * Returns 0, or -1 when they are not all there or lie outside RAM. */
int virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *buf, uint64_t len);

/* Copy into the chain's writable bytes at offset `off` (counted from the
 * first writable buffer), telling the framework RAM was written. 0 or -1. */
int virtq_chain_write(struct virtio_mmio *t, const struct virtq_chain *c, uint64_t off,
		      const void *buf, uint64_t len);

/* Report guest RAM [pa, pa + len) written by DMA (machine_host.ram_written). */
void virtio_ram_written(struct virtio_mmio *t, gpa_t pa, uint64_t len);

#endif
