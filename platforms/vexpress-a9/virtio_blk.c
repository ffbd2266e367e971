/*
 * virtio-blk (virtio 1.1 section 5.2) over a host file: one request queue;
 * read, write, flush and get-id; 512-byte sectors. Writes go to the file
 * with pwrite and are made durable on the guest's FLUSH (fdatasync) - the
 * framework also flushes on every exit path - or, for a driver that did not
 * negotiate VIRTIO_BLK_F_FLUSH and so has a write-through disk, before each
 * write completes. A read-only disk is offered with VIRTIO_BLK_F_RO and its
 * writes fail with VIRTIO_BLK_S_IOERR.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/mmio.h"
#include "platform/vexpress-a9.h"
#include "virtio.h"

#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

#define VIRTIO_BLK_T_IN 0u
#define VIRTIO_BLK_T_OUT 1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_T_GET_ID 8u

#define VIRTIO_BLK_S_OK 0u
#define VIRTIO_BLK_S_IOERR 1u
#define VIRTIO_BLK_S_UNSUPP 2u

#define VIRTIO_BLK_SECTOR 512u
#define VIRTIO_BLK_ID_BYTES 20u
#define VIRTIO_BLK_HDR_BYTES 16u
/* Data descriptors per request: the chain limit less header and status. */
#define VIRTIO_BLK_SEG_MAX (VIRTQ_MAX_SEGS - 2)

/* struct virtio_blk_config up to blk_size, as offered. */
#define VIRTIO_BLK_CFG_CAPACITY 0u
#define VIRTIO_BLK_CFG_SEG_MAX 12u
#define VIRTIO_BLK_CFG_BLK_SIZE 20u
#define VIRTIO_BLK_CFG_BYTES 24u

struct virtio_blk {
	const struct board_disk *disk;
	uint64_t sectors;
	uint8_t config[VIRTIO_BLK_CFG_BYTES];
	struct virtq_chain chain;	/* the request being served (too big for the stack) */
};

static uint64_t virtio_blk_features(void *dev)
{
	struct virtio_blk *b = dev;
	return 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE |
	       1ull << VIRTIO_BLK_F_FLUSH | (b->disk->readonly ? 1ull << VIRTIO_BLK_F_RO : 0);
}

static void virtio_blk_config_read(void *dev, uint32_t offset, unsigned size, uint32_t *value)
{
	struct virtio_blk *b = dev;
	uint8_t bytes[4] = { 0 };
	for (unsigned i = 0; i < size; i++)
		if (offset + i < VIRTIO_BLK_CFG_BYTES)
			bytes[i] = b->config[offset + i];
	*value = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
		 (uint32_t)bytes[3] << 24;
}

/* Is [sector, sector + bytes / 512) on the disk, in whole sectors? */
static bool virtio_blk_in_range(const struct virtio_blk *b, uint64_t sector, uint64_t bytes)
{
	return bytes % VIRTIO_BLK_SECTOR == 0 && sector <= b->sectors &&
	       bytes / VIRTIO_BLK_SECTOR <= b->sectors - sector;
}

/* Read the disk into the writable buffers, the first `bytes` of them. */
static uint8_t virtio_blk_read(struct virtio_blk *b, struct virtio_mmio *t, uint64_t sector,
			       uint64_t bytes)
{
	uint64_t pos = sector * VIRTIO_BLK_SECTOR;
	const struct virtq_chain *c = &b->chain;
	for (unsigned i = 0; i < c->nsegs && bytes; i++) {
		const struct virtq_seg *s = &c->seg[i];
		if (!s->write)
			continue;
		uint64_t n = s->len < bytes ? s->len : bytes;
		for (uint64_t done = 0; done < n;) {
			ssize_t r = pread(b->disk->fd, s->host + done, n - done, (off_t)(pos + done));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				virtio_ram_written(t, s->pa, done);
				return VIRTIO_BLK_S_IOERR;
			}
			done += (uint64_t)r;
		}
		virtio_ram_written(t, s->pa, n);
		pos += n;
		bytes -= n;
	}
	return VIRTIO_BLK_S_OK;
}

/* Write the readable bytes after the header to the disk. */
static uint8_t virtio_blk_write(struct virtio_blk *b, uint64_t sector, uint64_t bytes)
{
	uint64_t pos = sector * VIRTIO_BLK_SECTOR, skip = VIRTIO_BLK_HDR_BYTES;
	const struct virtq_chain *c = &b->chain;
	for (unsigned i = 0; i < c->nsegs && bytes; i++) {
		const struct virtq_seg *s = &c->seg[i];
		if (s->write)
			break;
		if (skip >= s->len) {
			skip -= s->len;
			continue;
		}
		uint64_t n = s->len - skip < bytes ? s->len - skip : bytes;
		for (uint64_t done = 0; done < n;) {
			ssize_t r = pwrite(b->disk->fd, s->host + skip + done, n - done,
					   (off_t)(pos + done));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return VIRTIO_BLK_S_IOERR;
			done += (uint64_t)r;
		}
		pos += n;
		bytes -= n;
		skip = 0;
	}
	return VIRTIO_BLK_S_OK;
}

/* Serve the request in b->chain; returns the bytes written into its
 * writable buffers (data and status). */
static uint32_t virtio_blk_serve(struct virtio_blk *b, struct virtio_mmio *t)
{
	const struct virtq_chain *c = &b->chain;
	uint8_t hdr[VIRTIO_BLK_HDR_BYTES];
	uint8_t status;
	uint64_t data = 0;

	/* Without a status byte there is nothing to answer with. */
	if (!c->writable)
		return 0;
	uint64_t status_off = c->writable - 1;
	uint32_t type;
	uint64_t sector;
	if (c->bad_buffer || virtq_chain_read(c, 0, hdr, sizeof(hdr))) {
		status = VIRTIO_BLK_S_IOERR;
		goto done;
	}
	memcpy(&type, hdr, sizeof(type));
	memcpy(&sector, hdr + 8, sizeof(sector));

	switch (type) {
	case VIRTIO_BLK_T_IN:
		data = status_off;
		status = virtio_blk_in_range(b, sector, data) ? virtio_blk_read(b, t, sector, data)
							      : VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_OUT: {
		uint64_t bytes = c->readable - VIRTIO_BLK_HDR_BYTES;
		status = !b->disk->readonly && virtio_blk_in_range(b, sector, bytes)
				 ? virtio_blk_write(b, sector, bytes)
				 : VIRTIO_BLK_S_IOERR;
		/* Without FLUSH negotiated the cache is write-through (virtio
		 * 1.1 5.2.5): the write is durable before it completes. */
		if (status == VIRTIO_BLK_S_OK && !virtio_negotiated(t, VIRTIO_BLK_F_FLUSH) &&
		    fdatasync(b->disk->fd))
			status = VIRTIO_BLK_S_IOERR;
		break;
	}
	case VIRTIO_BLK_T_FLUSH:
		status = b->disk->readonly || !fdatasync(b->disk->fd) ? VIRTIO_BLK_S_OK
								      : VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID: {
		/* An empty serial, as QEMU reports without serial=. */
		uint8_t id[VIRTIO_BLK_ID_BYTES] = { 0 };
		data = status_off < sizeof(id) ? status_off : sizeof(id);
		status = virtq_chain_write(t, c, 0, id, data) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
		break;
	}
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
done:
	if (virtq_chain_write(t, c, status_off, &status, 1))
		return 0;
	return (uint32_t)(status == VIRTIO_BLK_S_OK ? data + 1 : 1);
}

static void virtio_blk_notify(void *dev, struct virtio_mmio *t, unsigned q)
{
	struct virtio_blk *b = dev;
	while (virtq_pop(t, q, &b->chain) > 0)
		virtq_push(t, q, b->chain.head, virtio_blk_serve(b, t));
}

static void virtio_blk_reset(void *dev)
{
	struct virtio_blk *b = dev;
	uint32_t seg_max = VIRTIO_BLK_SEG_MAX, blk_size = VIRTIO_BLK_SECTOR;
	memset(b->config, 0, sizeof(b->config));
	memcpy(b->config + VIRTIO_BLK_CFG_CAPACITY, &b->sectors, sizeof(b->sectors));
	memcpy(b->config + VIRTIO_BLK_CFG_SEG_MAX, &seg_max, sizeof(seg_max));
	memcpy(b->config + VIRTIO_BLK_CFG_BLK_SIZE, &blk_size, sizeof(blk_size));
}

static void virtio_blk_destroy(void *dev)
{
	free(dev);
}

static const struct virtio_dev_ops virtio_blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.num_queues = 1,
	.features = virtio_blk_features,
	.config_read = virtio_blk_config_read,
	.notify = virtio_blk_notify,
	.reset = virtio_blk_reset,
	.destroy = virtio_blk_destroy,
};

int virtio_blk_create(struct machine *m, const char *name, gpa_t base, unsigned irq,
		      const struct board_disk *disk)
{
	if (!disk || disk->fd < 0)
		return -EINVAL;
	struct virtio_blk *b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->disk = disk;
	b->sectors = disk->size / VIRTIO_BLK_SECTOR;
	virtio_blk_reset(b);
	int rc = virtio_mmio_create(m, name, base, irq, &virtio_blk_ops, b);
	if (rc)
		free(b);
	return rc;
}
