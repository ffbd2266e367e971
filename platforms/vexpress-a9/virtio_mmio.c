/*
 * The virtio-mmio transport, version 2 ("modern", virtio 1.x).
 *
 * Version 2 rather than the legacy version 1 QEMU's vexpress defaults to
 * (virtio-mmio.force-legacy=true there): Linux 6.1 drives both, and v2 is
 * the specified one - the driver gives the three ring addresses directly
 * instead of a page frame number and an alignment the device must share, and
 * VERSION_1 fixes every ring field to little-endian. The guest sees the same
 * virtio-blk disk either way.
 *
 * Queue notifications are handled synchronously, on the thread that made
 * the QueueNotify write (the vCPU's MMIO exit or the barrier service
 * thread), with the machine lock held - so a request's file I/O holds up
 * the board's timers for as long as it takes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "platform/mmio.h"
#include "platform/vexpress-a9.h"
#include "virtio.h"

#define VIRTIO_MMIO_SIZE 0x200u
#define VIRTIO_MMIO_MAGIC 0x74726976u	/* "virt" */
#define VIRTIO_MMIO_VERSION 2u
#define VIRTIO_MMIO_VENDOR 0x554d4551u	/* "QEMU", what QEMU's transports report */
#define VIRTIO_MAX_QUEUES 2u

enum virtio_mmio_reg {
	VIRTIO_MMIO_MAGIC_VALUE = 0x000,
	VIRTIO_MMIO_VERSION_REG = 0x004,
	VIRTIO_MMIO_DEVICE_ID = 0x008,
	VIRTIO_MMIO_VENDOR_ID = 0x00c,
	VIRTIO_MMIO_DEVICE_FEATURES = 0x010,
	VIRTIO_MMIO_DEVICE_FEATURES_SEL = 0x014,
	VIRTIO_MMIO_DRIVER_FEATURES = 0x020,
	VIRTIO_MMIO_DRIVER_FEATURES_SEL = 0x024,
	VIRTIO_MMIO_QUEUE_SEL = 0x030,
	VIRTIO_MMIO_QUEUE_NUM_MAX = 0x034,
	VIRTIO_MMIO_QUEUE_NUM = 0x038,
	VIRTIO_MMIO_QUEUE_READY = 0x044,
	VIRTIO_MMIO_QUEUE_NOTIFY = 0x050,
	VIRTIO_MMIO_INTERRUPT_STATUS = 0x060,
	VIRTIO_MMIO_INTERRUPT_ACK = 0x064,
	VIRTIO_MMIO_STATUS = 0x070,
	VIRTIO_MMIO_QUEUE_DESC_LOW = 0x080,
	VIRTIO_MMIO_QUEUE_DESC_HIGH = 0x084,
	VIRTIO_MMIO_QUEUE_AVAIL_LOW = 0x090,
	VIRTIO_MMIO_QUEUE_AVAIL_HIGH = 0x094,
	VIRTIO_MMIO_QUEUE_USED_LOW = 0x0a0,
	VIRTIO_MMIO_QUEUE_USED_HIGH = 0x0a4,
	VIRTIO_MMIO_SHM_SEL = 0x0ac,
	VIRTIO_MMIO_SHM_LEN_LOW = 0x0b0,
	VIRTIO_MMIO_SHM_LEN_HIGH = 0x0b4,
	VIRTIO_MMIO_SHM_BASE_LOW = 0x0b8,
	VIRTIO_MMIO_SHM_BASE_HIGH = 0x0bc,
	VIRTIO_MMIO_CONFIG_GENERATION = 0x0fc,
	VIRTIO_MMIO_CONFIG = 0x100,
};

/* Split virtqueue layout. */
#define VIRTQ_DESC_SIZE 16u
#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u

struct virtq {
	uint32_t num;
	bool ready;
	uint64_t desc_pa, avail_pa, used_pa;
	/* Host views of the rings, valid while ready (checked against RAM when
	 * the driver set QueueReady). */
	uint8_t *desc, *avail, *used;
	uint16_t last_avail;
	uint16_t used_idx;
};

struct virtio_mmio {
	struct device dev;
	unsigned irq;
	const struct virtio_dev_ops *ops;	/* NULL: empty slot */
	void *priv;
	uint64_t driver_features;
	uint32_t device_features_sel;
	uint32_t driver_features_sel;
	uint32_t queue_sel;
	uint32_t status;
	uint32_t isr;
	bool completed;		/* virtq_push since the notify began */
	struct virtq q[VIRTIO_MAX_QUEUES];
};

static struct virtio_mmio *virtio_of(struct device *dev)
{
	return mmio_container(dev, struct virtio_mmio, dev);
}

struct machine *virtio_machine(struct virtio_mmio *t)
{
	return t->dev.machine;
}

/* ---- guest RAM ----------------------------------------------------------- */

/* The host address of guest RAM [pa, pa + len), or NULL if not all RAM. */
static uint8_t *virtio_ram(struct virtio_mmio *t, gpa_t pa, uint64_t len)
{
	const struct machine_ram *r = &t->dev.machine->ram;
	if (!r->host || pa < r->base || len > r->size || pa - r->base > r->size - len)
		return NULL;
	return r->host + (pa - r->base);
}

void virtio_ram_written(struct virtio_mmio *t, gpa_t pa, uint64_t len)
{
	struct machine *m = t->dev.machine;
	if (len && m->host.ram_written)
		m->host.ram_written(m->host.opaque, pa, len);
}

static uint16_t virtio_le16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t virtio_le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t virtio_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* ---- status and interrupts ----------------------------------------------- */

static void virtio_update_irq(struct virtio_mmio *t)
{
	/* A level that stays up while any cause is unacknowledged, as QEMU's
	 * transport drives it; the GIC turns its rising edge into the edge the
	 * device tree declares. */
	machine_set_irq(t->dev.machine, t->irq, t->isr != 0);
}

static void virtio_set_needs_reset(struct virtio_mmio *t)
{
	if (t->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	t->status |= VIRTIO_STATUS_NEEDS_RESET;
	if (t->status & VIRTIO_STATUS_DRIVER_OK) {
		t->isr |= VIRTIO_ISR_CONFIG;
		virtio_update_irq(t);
	}
}

static uint64_t virtio_device_features(const struct virtio_mmio *t)
{
	return t->ops->features(t->priv) | 1ull << VIRTIO_F_VERSION_1 |
	       1ull << VIRTIO_F_RING_INDIRECT_DESC;
}

bool virtio_negotiated(const struct virtio_mmio *t, unsigned bit)
{
	return bit < 64 && (t->driver_features >> bit) & 1;
}

static void virtio_reset(struct virtio_mmio *t)
{
	t->driver_features = 0;
	t->device_features_sel = 0;
	t->driver_features_sel = 0;
	t->queue_sel = 0;
	t->status = 0;
	t->isr = 0;
	t->completed = false;
	memset(t->q, 0, sizeof(t->q));
	if (t->ops && t->ops->reset)
		t->ops->reset(t->priv);
	virtio_update_irq(t);
}

/* ---- the split virtqueue --------------------------------------------------- */

/* Ring sizes in bytes for `num` entries (flags, idx, ring, event word). */
static uint64_t virtq_avail_bytes(uint32_t num)
{
	return 6 + 2ull * num;
}

static uint64_t virtq_used_bytes(uint32_t num)
{
	return 6 + 8ull * num;
}

static void virtq_enable(struct virtio_mmio *t, struct virtq *vq)
{
	vq->desc = virtio_ram(t, vq->desc_pa, (uint64_t)VIRTQ_DESC_SIZE * vq->num);
	vq->avail = virtio_ram(t, vq->avail_pa, virtq_avail_bytes(vq->num));
	vq->used = virtio_ram(t, vq->used_pa, virtq_used_bytes(vq->num));
	if (!vq->num || vq->num > VIRTQ_MAX_SIZE || !vq->desc || !vq->avail || !vq->used ||
	    vq->desc_pa % 16 || vq->avail_pa % 2 || vq->used_pa % 4) {
		virtio_set_needs_reset(t);
		return;
	}
	vq->ready = true;
	vq->last_avail = 0;
	vq->used_idx = 0;
}

/* Append one descriptor's buffer to the chain; -1 when the chain is malformed. */
static int virtq_add_seg(struct virtio_mmio *t, struct virtq_chain *c, const uint8_t *d)
{
	uint64_t addr = virtio_le64(d);
	uint32_t len = virtio_le32(d + 8);
	bool write = virtio_le16(d + 12) & VIRTQ_DESC_F_WRITE;

	if (c->nsegs >= VIRTQ_MAX_SEGS)
		return -1;
	/* Readable buffers first, then writable ones (virtio 1.1, 2.6.4.2). */
	if (!write && c->writable)
		return -1;
	struct virtq_seg *s = &c->seg[c->nsegs++];
	s->pa = addr;
	s->len = len;
	s->write = write;
	s->host = virtio_ram(t, addr, len);
	if (!s->host && len)
		c->bad_buffer = true;
	if (write)
		c->writable += len;
	else
		c->readable += len;
	return 0;
}

/* Walk an indirect table; -1 when malformed. */
static int virtq_walk_indirect(struct virtio_mmio *t, struct virtq_chain *c, const uint8_t *d)
{
	uint64_t addr = virtio_le64(d);
	uint32_t len = virtio_le32(d + 8);
	uint32_t count = len / VIRTQ_DESC_SIZE;
	const uint8_t *table = virtio_ram(t, addr, len);

	if (!virtio_negotiated(t, VIRTIO_F_RING_INDIRECT_DESC) || !table || !len ||
	    len % VIRTQ_DESC_SIZE || count > VIRTQ_MAX_SEGS)
		return -1;
	uint32_t i = 0;
	for (uint32_t steps = 0;; steps++) {
		if (i >= count || steps >= count)
			return -1;
		const uint8_t *e = table + (uint64_t)i * VIRTQ_DESC_SIZE;
		uint16_t flags = virtio_le16(e + 12);
		if (flags & VIRTQ_DESC_F_INDIRECT || virtq_add_seg(t, c, e))
			return -1;
		if (!(flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = virtio_le16(e + 14);
	}
}

int virtq_pop(struct virtio_mmio *t, unsigned q, struct virtq_chain *c)
{
	struct virtq *vq = &t->q[q];
	if (!vq->ready || t->status & VIRTIO_STATUS_NEEDS_RESET)
		return -1;
	uint16_t avail_idx = __atomic_load_n((const uint16_t *)(vq->avail + 2), __ATOMIC_ACQUIRE);
	uint16_t pending = (uint16_t)(avail_idx - vq->last_avail);
	if (!pending)
		return 0;
	if (pending > vq->num)
		goto broken;

	uint16_t head = virtio_le16(vq->avail + 4 + 2u * (vq->last_avail % vq->num));
	if (head >= vq->num)
		goto broken;
	c->head = head;
	c->nsegs = 0;
	c->bad_buffer = false;
	c->readable = 0;
	c->writable = 0;
	uint32_t i = head;
	for (uint32_t steps = 0;; steps++) {
		if (i >= vq->num || steps >= vq->num)
			goto broken;
		const uint8_t *d = vq->desc + (uint64_t)i * VIRTQ_DESC_SIZE;
		uint16_t flags = virtio_le16(d + 12);
		if (flags & VIRTQ_DESC_F_INDIRECT) {
			if (flags & VIRTQ_DESC_F_NEXT || virtq_walk_indirect(t, c, d))
				goto broken;
			break;
		}
		if (virtq_add_seg(t, c, d))
			goto broken;
		if (!(flags & VIRTQ_DESC_F_NEXT))
			break;
		i = virtio_le16(d + 14);
	}
	vq->last_avail++;
	return 1;

broken:
	virtio_set_needs_reset(t);
	return -1;
}

void virtq_push(struct virtio_mmio *t, unsigned q, uint16_t head, uint32_t written)
{
	struct virtq *vq = &t->q[q];
	uint64_t slot = 4 + 8ull * (vq->used_idx % vq->num);
	uint32_t elem[2] = { head, written };
	memcpy(vq->used + slot, elem, sizeof(elem));
	vq->used_idx++;
	/* The element before the index that publishes it. */
	__atomic_store_n((uint16_t *)(vq->used + 2), vq->used_idx, __ATOMIC_RELEASE);
	virtio_ram_written(t, vq->used_pa + slot, sizeof(elem));
	virtio_ram_written(t, vq->used_pa + 2, 2);
	t->completed = true;
}

int virtq_chain_read(const struct virtq_chain *c, uint64_t off, void *buf, uint64_t len)
{
	uint8_t *out = buf;
	for (unsigned i = 0; i < c->nsegs && len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		if (s->write)
			break;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		if (!s->host)
			return -1;
		uint64_t n = s->len - off < len ? s->len - off : len;
		memcpy(out, s->host + off, n);
		out += n;
		len -= n;
		off = 0;
	}
	return len ? -1 : 0;
}

int virtq_chain_write(struct virtio_mmio *t, const struct virtq_chain *c, uint64_t off,
		      const void *buf, uint64_t len)
{
	const uint8_t *in = buf;
	for (unsigned i = 0; i < c->nsegs && len; i++) {
		const struct virtq_seg *s = &c->seg[i];
		if (!s->write)
			continue;
		if (off >= s->len) {
			off -= s->len;
			continue;
		}
		if (!s->host)
			return -1;
		uint64_t n = s->len - off < len ? s->len - off : len;
		memcpy(s->host + off, in, n);
		virtio_ram_written(t, s->pa + off, n);
		in += n;
		len -= n;
		off = 0;
	}
	return len ? -1 : 0;
}

static void virtio_notify(struct virtio_mmio *t, uint32_t q)
{
	if (!t->ops || q >= t->ops->num_queues || !t->q[q].ready ||
	    !(t->status & VIRTIO_STATUS_DRIVER_OK) || t->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	t->completed = false;
	t->ops->notify(t->priv, t, q);
	if (!t->completed || t->status & VIRTIO_STATUS_NEEDS_RESET || !t->q[q].ready)
		return;
	uint16_t flags = virtio_le16(t->q[q].avail);
	if (!(flags & VIRTQ_AVAIL_F_NO_INTERRUPT)) {
		t->isr |= VIRTIO_ISR_QUEUE;
		virtio_update_irq(t);
	}
}

/* ---- registers --------------------------------------------------------------- */

static void virtio_write_status(struct virtio_mmio *t, uint32_t value)
{
	if (!value) {
		virtio_reset(t);
		return;
	}
	uint32_t old = t->status;
	/* NEEDS_RESET is the device's to set; only a reset clears it. */
	t->status = (value & 0xffu & ~VIRTIO_STATUS_NEEDS_RESET) | (old & VIRTIO_STATUS_NEEDS_RESET);
	if (value & VIRTIO_STATUS_FEATURES_OK && !(old & VIRTIO_STATUS_FEATURES_OK)) {
		/* Refuse (leave FEATURES_OK clear for the driver to read back) a
		 * set we did not offer, or a legacy driver on a modern device. */
		if (t->driver_features & ~virtio_device_features(t) ||
		    !virtio_negotiated(t, VIRTIO_F_VERSION_1))
			t->status &= ~VIRTIO_STATUS_FEATURES_OK;
	}
}

static struct virtq *virtio_cur_queue(struct virtio_mmio *t)
{
	return t->queue_sel < t->ops->num_queues ? &t->q[t->queue_sel] : NULL;
}

static int virtio_read(struct device *dev, uint32_t offset, unsigned size, uint32_t *value)
{
	struct virtio_mmio *t = virtio_of(dev);

	if (offset >= VIRTIO_MMIO_CONFIG) {
		if (!mmio_access_ok(offset, size))
			return -1;
		*value = 0;
		if (t->ops)
			t->ops->config_read(t->priv, offset - VIRTIO_MMIO_CONFIG, size, value);
		return 0;
	}
	if (size != 4 || offset & 3)
		return -1;
	switch (offset) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		*value = VIRTIO_MMIO_MAGIC;
		return 0;
	case VIRTIO_MMIO_VERSION_REG:
		*value = VIRTIO_MMIO_VERSION;
		return 0;
	case VIRTIO_MMIO_DEVICE_ID:
		*value = t->ops ? t->ops->device_id : 0;
		return 0;
	case VIRTIO_MMIO_VENDOR_ID:
		*value = VIRTIO_MMIO_VENDOR;
		return 0;
	}
	*value = 0;
	if (!t->ops)
		return 0; /* an empty slot: everything else reads as zero, as in QEMU */

	struct virtq *vq = virtio_cur_queue(t);
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES:
		if (t->device_features_sel < 2)
			*value = (uint32_t)(virtio_device_features(t) >> (32 * t->device_features_sel));
		return 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		*value = vq ? VIRTQ_MAX_SIZE : 0;
		return 0;
	case VIRTIO_MMIO_QUEUE_NUM:
		*value = vq ? vq->num : 0;
		return 0;
	case VIRTIO_MMIO_QUEUE_READY:
		*value = vq && vq->ready;
		return 0;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		*value = vq ? (uint32_t)(vq->desc_pa >> (offset & 4 ? 32 : 0)) : 0;
		return 0;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		*value = vq ? (uint32_t)(vq->avail_pa >> (offset & 4 ? 32 : 0)) : 0;
		return 0;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		*value = vq ? (uint32_t)(vq->used_pa >> (offset & 4 ? 32 : 0)) : 0;
		return 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		*value = t->isr;
		return 0;
	case VIRTIO_MMIO_STATUS:
		*value = t->status;
		return 0;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		*value = 0xffffffffu; /* no shared memory regions: length -1 */
		return 0;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return 0; /* the config space never changes under the driver */
	}
	return -1;
}

/* The queue address registers take effect only while the queue is off. */
static void virtio_set_half(uint64_t *reg, uint32_t offset, uint32_t value)
{
	if (offset & 4)
		*reg = (*reg & 0xffffffffull) | (uint64_t)value << 32;
	else
		*reg = (*reg & ~0xffffffffull) | value;
}

static int virtio_write(struct device *dev, uint32_t offset, unsigned size, uint32_t value)
{
	struct virtio_mmio *t = virtio_of(dev);

	if (offset >= VIRTIO_MMIO_CONFIG)
		return mmio_access_ok(offset, size) ? 0 : -1; /* no writable config fields */
	if (size != 4 || offset & 3)
		return -1;
	if (!t->ops)
		return 0;

	struct virtq *vq = virtio_cur_queue(t);
	switch (offset) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->device_features_sel = value;
		return 0;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (t->driver_features_sel < 2 && !(t->status & VIRTIO_STATUS_FEATURES_OK))
			virtio_set_half(&t->driver_features, t->driver_features_sel ? 4 : 0, value);
		return 0;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->driver_features_sel = value;
		return 0;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = value;
		return 0;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (vq && !vq->ready)
			vq->num = value;
		return 0;
	case VIRTIO_MMIO_QUEUE_READY:
		if (!vq)
			return 0;
		if (value && !vq->ready)
			virtq_enable(t, vq);
		else if (!value)
			vq->ready = false;
		return 0;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (vq && !vq->ready)
			virtio_set_half(&vq->desc_pa, offset, value);
		return 0;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		if (vq && !vq->ready)
			virtio_set_half(&vq->avail_pa, offset, value);
		return 0;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (vq && !vq->ready)
			virtio_set_half(&vq->used_pa, offset, value);
		return 0;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		virtio_notify(t, value);
		return 0;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->isr &= ~value;
		virtio_update_irq(t);
		return 0;
	case VIRTIO_MMIO_STATUS:
		virtio_write_status(t, value);
		return 0;
	case VIRTIO_MMIO_SHM_SEL:
		return 0;
	}
	return -1;
}

static void virtio_dev_reset(struct device *dev)
{
	virtio_reset(virtio_of(dev));
}

static void virtio_destroy(struct device *dev)
{
	struct virtio_mmio *t = virtio_of(dev);
	if (t->ops && t->ops->destroy)
		t->ops->destroy(t->priv);
	free(t);
}

static const struct device_ops virtio_mmio_ops = {
	.read = virtio_read,
	.write = virtio_write,
	.reset = virtio_dev_reset,
	.destroy = virtio_destroy,
};

int virtio_mmio_create(struct machine *m, const char *name, gpa_t base, unsigned irq,
		       const struct virtio_dev_ops *ops, void *dev)
{
	if (ops && (!ops->device_id || ops->num_queues > VIRTIO_MAX_QUEUES))
		return -EINVAL;
	struct virtio_mmio *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->dev = (struct device){
		.name = name,
		.ops = &virtio_mmio_ops,
		.base = base,
		.size = VIRTIO_MMIO_SIZE,
	};
	t->irq = irq;
	t->ops = ops;
	t->priv = dev;
	int rc = machine_add_device(m, &t->dev);
	if (rc) {
		free(t);
		return rc;
	}
	virtio_reset(t);
	return 0;
}

int virtio_mmio_create_empty(struct machine *m, const char *name, gpa_t base, unsigned irq)
{
	return virtio_mmio_create(m, name, base, irq, NULL, NULL);
}
