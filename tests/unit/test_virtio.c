/*
 * Check suite: the virtio-mmio transport and virtio-blk, driven through the
 * bus as a guest driver would, over a fake guest RAM and a temporary disk
 * file: identification, feature negotiation, queue set-up, read/write/flush/
 * get-id round trips, indirect descriptors, interrupts, and guest nonsense
 * (buffers outside RAM, bad indexes, loops, rings outside RAM, a read-only
 * disk) that must end in an error status or DEVICE_NEEDS_RESET, never in a
 * host crash.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/machine.h"
#include "platform/vexpress-a9.h"
#include "support/check_main.h"
#include "support/fake_board.h"

#define RAM_BASE 0x60000000ull
#define RAM_SIZE (1u << 20)
#define DISK_SECTORS 2048u
#define QSIZE 8u

/* Guest-physical layout of the fake driver's structures. */
#define DESC (RAM_BASE + 0x1000)
#define AVAIL (RAM_BASE + 0x2000)
#define USED (RAM_BASE + 0x3000)
#define HDR (RAM_BASE + 0x10000)
#define DATA (RAM_BASE + 0x20000)
#define DATA2 (RAM_BASE + 0x28000)
#define STATUS (RAM_BASE + 0x30000)
#define INDIRECT (RAM_BASE + 0x40000)

#define VT VEXPRESS_VIRTIO_BASE
#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_VENDOR 0x00c
#define R_DEV_FEATURES 0x010
#define R_DEV_FEATURES_SEL 0x014
#define R_DRV_FEATURES 0x020
#define R_DRV_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_ISR 0x060
#define R_ISR_ACK 0x064
#define R_STATUS 0x070
#define R_DESC_LO 0x080
#define R_DESC_HI 0x084
#define R_AVAIL_LO 0x090
#define R_AVAIL_HI 0x094
#define R_USED_LO 0x0a0
#define R_USED_HI 0x0a4
#define R_CONFIG 0x100

#define S_ACK 1u
#define S_DRIVER 2u
#define S_DRIVER_OK 4u
#define S_FEATURES_OK 8u
#define S_NEEDS_RESET 0x40u

#define F_SEG_MAX (1ull << 2)
#define F_RO (1ull << 5)
#define F_BLK_SIZE (1ull << 6)
#define F_FLUSH (1ull << 9)
#define F_INDIRECT (1ull << 28)
#define F_VERSION_1 (1ull << 32)

#define D_NEXT 1u
#define D_WRITE 2u
#define D_INDIRECT 4u

#define T_IN 0u
#define T_OUT 1u
#define T_FLUSH 4u
#define T_GET_ID 8u

static uint8_t *ram;
static char disk_path[64];
static struct board_disk disk;
static uint16_t avail_idx;
static uint16_t used_seen;
static uint64_t written_lo, written_hi;	/* span reported through ram_written */
static unsigned written_calls;

static void record_written(void *opaque, gpa_t pa, uint64_t len)
{
	written_calls++;
	if (pa < written_lo)
		written_lo = pa;
	if (pa + len > written_hi)
		written_hi = pa + len;
}

static uint8_t *at(uint64_t pa)
{
	ck_assert(pa >= RAM_BASE && pa < RAM_BASE + RAM_SIZE);
	return ram + (pa - RAM_BASE);
}

static void put16(uint64_t pa, uint16_t v) { memcpy(at(pa), &v, 2); }
static void put32(uint64_t pa, uint32_t v) { memcpy(at(pa), &v, 4); }
static void put64(uint64_t pa, uint64_t v) { memcpy(at(pa), &v, 8); }
static uint16_t get16(uint64_t pa) { uint16_t v; memcpy(&v, at(pa), 2); return v; }
static uint32_t get32(uint64_t pa) { uint32_t v; memcpy(&v, at(pa), 4); return v; }

static uint32_t reg(unsigned off) { return fake_rd32(VT + off); }
static void set_reg(unsigned off, uint32_t v) { fake_wr32(VT + off, v); }

/* A vexpress-a9 machine whose slot 0 carries a disk of DISK_SECTORS sectors
 * (sector n filled with byte n & 0xff). */
static void setup_disk(bool readonly)
{
	memset(&fake_host, 0, sizeof(fake_host));
	snprintf(disk_path, sizeof(disk_path), "/tmp/captive-virtio-XXXXXX");
	int fd = mkstemp(disk_path);
	ck_assert_int_ge(fd, 0);
	uint8_t sector[512];
	for (unsigned s = 0; s < DISK_SECTORS; s++) {
		memset(sector, (int)(s & 0xff), sizeof(sector));
		ck_assert_int_eq(pwrite(fd, sector, sizeof(sector), (off_t)s * 512), 512);
	}
	disk = (struct board_disk){ .path = disk_path, .fd = fd, .size = DISK_SECTORS * 512ull,
				    .readonly = readonly };
	ram = calloc(1, RAM_SIZE);
	ck_assert_ptr_nonnull(ram);

	struct machine_host mh = fake_board_host();
	mh.ram_written = record_written;
	const struct board_params p = { .ram_size = 256u << 20, .disk = &disk };
	ck_assert_int_eq(machine_create(&fake_machine, "vexpress-a9", &p, &mh), 0);
	fake_machine->ram = (struct machine_ram){ .base = RAM_BASE, .size = RAM_SIZE, .host = ram };
	avail_idx = 0;
	used_seen = 0;
	written_lo = ~0ull;
	written_hi = 0;
	written_calls = 0;
}

static void setup_rw(void)
{
	setup_disk(false);
}

static void setup_ro(void)
{
	setup_disk(true);
}

static void teardown_disk(void)
{
	fake_board_teardown();
	close(disk.fd);
	unlink(disk_path);
	free(ram);
}

static uint64_t device_features(void)
{
	set_reg(R_DEV_FEATURES_SEL, 0);
	uint64_t lo = reg(R_DEV_FEATURES);
	set_reg(R_DEV_FEATURES_SEL, 1);
	return lo | (uint64_t)reg(R_DEV_FEATURES) << 32;
}

/* The Linux driver's sequence up to FEATURES_OK; returns the status read back. */
static uint32_t negotiate(uint64_t features)
{
	set_reg(R_STATUS, 0);
	set_reg(R_STATUS, S_ACK);
	set_reg(R_STATUS, S_ACK | S_DRIVER);
	set_reg(R_DRV_FEATURES_SEL, 0);
	set_reg(R_DRV_FEATURES, (uint32_t)features);
	set_reg(R_DRV_FEATURES_SEL, 1);
	set_reg(R_DRV_FEATURES, (uint32_t)(features >> 32));
	set_reg(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
	return reg(R_STATUS);
}

static void setup_queue(uint64_t desc, uint64_t avail, uint64_t used)
{
	set_reg(R_QUEUE_SEL, 0);
	set_reg(R_QUEUE_NUM, QSIZE);
	set_reg(R_DESC_LO, (uint32_t)desc);
	set_reg(R_DESC_HI, (uint32_t)(desc >> 32));
	set_reg(R_AVAIL_LO, (uint32_t)avail);
	set_reg(R_AVAIL_HI, (uint32_t)(avail >> 32));
	set_reg(R_USED_LO, (uint32_t)used);
	set_reg(R_USED_HI, (uint32_t)(used >> 32));
	set_reg(R_QUEUE_READY, 1);
}

/* Negotiate everything offered and bring queue 0 up. */
static void driver_up(void)
{
	uint64_t f = device_features();
	ck_assert_uint_eq(negotiate(f) & S_FEATURES_OK, S_FEATURES_OK);
	setup_queue(DESC, AVAIL, USED);
	ck_assert_uint_eq(reg(R_QUEUE_READY), 1);
	set_reg(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	ck_assert_uint_eq(reg(R_STATUS), S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
}

static void desc_at(uint64_t table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
		    uint16_t next)
{
	uint64_t d = table + 16ull * i;
	put64(d, addr);
	put32(d + 8, len);
	put16(d + 12, flags);
	put16(d + 14, next);
}

static void header(uint32_t type, uint64_t sector)
{
	put32(HDR, type);
	put32(HDR + 4, 0);
	put64(HDR + 8, sector);
}

/* Offer chain `head` and kick; returns true when the device used it, with
 * the used length in *len. */
static bool kick(uint16_t head, uint32_t *len)
{
	put16(AVAIL + 4 + 2 * (avail_idx % QSIZE), head);
	avail_idx++;
	put16(AVAIL + 2, avail_idx);
	set_reg(R_QUEUE_NOTIFY, 0);
	if (get16(USED + 2) == used_seen)
		return false;
	uint64_t e = USED + 4 + 8ull * (used_seen % QSIZE);
	ck_assert_uint_eq(get32(e), head);
	if (len)
		*len = get32(e + 4);
	used_seen++;
	return true;
}

/* A three-descriptor request: header, data (device-writable for reads), status. */
static uint8_t request(uint32_t type, uint64_t sector, uint64_t data, uint32_t len,
		       uint32_t *used_len)
{
	header(type, sector);
	*at(STATUS) = 0xff;
	bool in = type == T_IN || type == T_GET_ID;
	desc_at(DESC, 0, HDR, 16, D_NEXT, 1);
	desc_at(DESC, 1, data, len, D_NEXT | (in ? D_WRITE : 0), 2);
	desc_at(DESC, 2, STATUS, 1, D_WRITE, 0);
	ck_assert(kick(0, used_len));
	return *at(STATUS);
}

START_TEST(test_identification)
{
	ck_assert_uint_eq(reg(R_MAGIC), 0x74726976u);
	ck_assert_uint_eq(reg(R_VERSION), 2);
	ck_assert_uint_eq(reg(R_DEVICE_ID), 2);
	ck_assert_uint_eq(reg(R_VENDOR), 0x554d4551u);
	for (unsigned i = 1; i < VEXPRESS_VIRTIO_COUNT; i++) {
		gpa_t slot = VT + i * VEXPRESS_VIRTIO_STRIDE;
		ck_assert_uint_eq(fake_rd32(slot + R_MAGIC), 0x74726976u);
		ck_assert_uint_eq(fake_rd32(slot + R_VERSION), 2);
		ck_assert_uint_eq(fake_rd32(slot + R_DEVICE_ID), 0);
		ck_assert_uint_eq(fake_rd32(slot + R_QUEUE_NUM_MAX), 0);
		fake_wr32(slot + R_STATUS, S_ACK);
		ck_assert_uint_eq(fake_rd32(slot + R_STATUS), 0);
	}
	/* config space: capacity, seg_max, blk_size, any access width */
	ck_assert_uint_eq(reg(R_CONFIG), DISK_SECTORS);
	ck_assert_uint_eq(reg(R_CONFIG + 4), 0);
	ck_assert_uint_eq(fake_read(VT + R_CONFIG + 1, 1), DISK_SECTORS >> 8);
	ck_assert_uint_eq(fake_read(VT + R_CONFIG, 2), DISK_SECTORS);
	ck_assert_uint_eq(reg(R_CONFIG + 12), 254);
	ck_assert_uint_eq(reg(R_CONFIG + 20), 512);
	ck_assert_uint_eq(fake_host.warnings, 0);
}
END_TEST

START_TEST(test_negotiation)
{
	uint64_t f = device_features();
	ck_assert(f & F_VERSION_1);
	ck_assert(f & F_FLUSH);
	ck_assert(f & F_SEG_MAX);
	ck_assert(f & F_BLK_SIZE);
	ck_assert(f & F_INDIRECT);
	ck_assert(!(f & F_RO));

	/* a legacy driver (no VERSION_1) is refused */
	ck_assert_uint_eq(negotiate(F_FLUSH) & S_FEATURES_OK, 0);
	/* so is a feature we did not offer */
	ck_assert_uint_eq(negotiate(F_VERSION_1 | (1ull << 40)) & S_FEATURES_OK, 0);
	/* a subset with VERSION_1 is accepted */
	ck_assert_uint_eq(negotiate(F_VERSION_1 | F_FLUSH), S_ACK | S_DRIVER | S_FEATURES_OK);

	set_reg(R_QUEUE_SEL, 0);
	ck_assert_uint_eq(reg(R_QUEUE_NUM_MAX), 256);
	set_reg(R_QUEUE_SEL, 1);
	ck_assert_uint_eq(reg(R_QUEUE_NUM_MAX), 0);
	setup_queue(DESC, AVAIL, USED);
	set_reg(R_QUEUE_SEL, 0);
	ck_assert_uint_eq(reg(R_QUEUE_READY), 1);
	ck_assert_uint_eq(reg(R_DESC_LO), (uint32_t)DESC);
	ck_assert_uint_eq(reg(R_USED_LO), (uint32_t)USED);

	/* writing 0 resets everything */
	set_reg(R_STATUS, 0);
	ck_assert_uint_eq(reg(R_STATUS), 0);
	ck_assert_uint_eq(reg(R_QUEUE_READY), 0);
	ck_assert_uint_eq(reg(R_DESC_LO), 0);
}
END_TEST

START_TEST(test_read_write_flush_round_trip)
{
	uint32_t used;
	driver_up();

	/* read sector 5, 2 sectors */
	memset(at(DATA), 0xee, 1024);
	ck_assert_uint_eq(request(T_IN, 5, DATA, 1024, &used), 0);
	ck_assert_uint_eq(used, 1025);
	ck_assert_uint_eq(at(DATA)[0], 5);
	ck_assert_uint_eq(at(DATA)[1023], 6);
	/* the DMA was reported, within the data and used ring */
	ck_assert_uint_le(written_lo, DATA);
	ck_assert_uint_ge(written_hi, DATA + 1024);

	/* the interrupt: ISR bit 0 until acknowledged */
	ck_assert_uint_eq(reg(R_ISR), 1);
	set_reg(R_ISR_ACK, 1);
	ck_assert_uint_eq(reg(R_ISR), 0);

	/* write sector 100 with a pattern; it reaches the file */
	for (unsigned i = 0; i < 512; i++)
		at(DATA2)[i] = (uint8_t)(i * 7);
	ck_assert_uint_eq(request(T_OUT, 100, DATA2, 512, &used), 0);
	ck_assert_uint_eq(used, 1);
	uint8_t back[512];
	ck_assert_int_eq(pread(disk.fd, back, 512, 100 * 512), 512);
	ck_assert_mem_eq(back, at(DATA2), 512);

	/* read it back through the device */
	memset(at(DATA), 0, 512);
	ck_assert_uint_eq(request(T_IN, 100, DATA, 512, &used), 0);
	ck_assert_mem_eq(at(DATA), at(DATA2), 512);

	/* flush */
	header(T_FLUSH, 0);
	*at(STATUS) = 0xff;
	desc_at(DESC, 3, HDR, 16, D_NEXT, 4);
	desc_at(DESC, 4, STATUS, 1, D_WRITE, 0);
	ck_assert(kick(3, &used));
	ck_assert_uint_eq(*at(STATUS), 0);
	ck_assert_uint_eq(used, 1);

	/* get-id: 20 bytes of (empty) serial */
	memset(at(DATA), 0xaa, 20);
	ck_assert_uint_eq(request(T_GET_ID, 0, DATA, 20, &used), 0);
	ck_assert_uint_eq(used, 21);
	ck_assert_uint_eq(at(DATA)[0], 0);
	ck_assert_uint_eq(at(DATA)[19], 0);

	/* an unknown request type */
	ck_assert_uint_eq(request(77, 0, DATA, 512, &used), 2);
	ck_assert_uint_eq(reg(R_STATUS) & S_NEEDS_RESET, 0);
}
END_TEST

START_TEST(test_indirect_and_scattered)
{
	uint32_t used;
	driver_up();

	/* header, two data pieces of 512 and 1024 bytes, status, all indirect */
	header(T_IN, 7);
	*at(STATUS) = 0xff;
	desc_at(INDIRECT, 0, HDR, 16, D_NEXT, 1);
	desc_at(INDIRECT, 1, DATA, 512, D_NEXT | D_WRITE, 2);
	desc_at(INDIRECT, 2, DATA2, 1024, D_NEXT | D_WRITE, 3);
	desc_at(INDIRECT, 3, STATUS, 1, D_WRITE, 0);
	desc_at(DESC, 5, INDIRECT, 4 * 16, D_INDIRECT, 0);
	ck_assert(kick(5, &used));
	ck_assert_uint_eq(*at(STATUS), 0);
	ck_assert_uint_eq(used, 1537);
	ck_assert_uint_eq(at(DATA)[0], 7);
	ck_assert_uint_eq(at(DATA2)[0], 8);
	ck_assert_uint_eq(at(DATA2)[1023], 9);

	/* data and status in one writable buffer: the status is its last byte */
	header(T_IN, 9);
	desc_at(DESC, 0, HDR, 16, D_NEXT, 1);
	desc_at(DESC, 1, DATA, 513, D_WRITE, 0);
	at(DATA)[512] = 0xff;
	ck_assert(kick(0, &used));
	ck_assert_uint_eq(used, 513);
	ck_assert_uint_eq(at(DATA)[0], 9);
	ck_assert_uint_eq(at(DATA)[512], 0);
}
END_TEST

START_TEST(test_bad_buffers_fail_the_request)
{
	uint32_t used;
	driver_up();

	/* data buffer outside guest RAM */
	ck_assert_uint_eq(request(T_IN, 0, RAM_BASE + RAM_SIZE - 256, 512, &used), 1);
	ck_assert_uint_eq(used, 1);
	ck_assert_uint_eq(request(T_OUT, 0, 0x10000000, 512, &used), 1);
	ck_assert_uint_eq(request(T_IN, 0, ~0ull - 100, 512, &used), 1);
	/* beyond the end of the disk, and straddling it */
	ck_assert_uint_eq(request(T_IN, DISK_SECTORS, DATA, 512, &used), 1);
	ck_assert_uint_eq(request(T_IN, DISK_SECTORS - 1, DATA, 1024, &used), 1);
	ck_assert_uint_eq(request(T_IN, ~0ull / 2, DATA, 512, &used), 1);
	/* not a whole number of sectors */
	ck_assert_uint_eq(request(T_OUT, 0, DATA, 100, &used), 1);
	/* a header too short to hold a request */
	desc_at(DESC, 0, HDR, 8, D_NEXT, 1);
	desc_at(DESC, 1, STATUS, 1, D_WRITE, 0);
	*at(STATUS) = 0xff;
	ck_assert(kick(0, &used));
	ck_assert_uint_eq(*at(STATUS), 1);
	/* no status byte at all: used, nothing written */
	desc_at(DESC, 0, HDR, 16, 0, 0);
	header(T_IN, 0);
	ck_assert(kick(0, &used));
	ck_assert_uint_eq(used, 0);

	/* the device is still healthy */
	ck_assert_uint_eq(reg(R_STATUS) & S_NEEDS_RESET, 0);
	ck_assert_uint_eq(request(T_IN, 1, DATA, 512, &used), 0);
	ck_assert_uint_eq(at(DATA)[0], 1);
}
END_TEST

/* Expect the device to give up on the ring: NEEDS_RESET, a config interrupt,
 * no used entry, and nothing processed until the driver resets it. */
static void expect_needs_reset(uint16_t head)
{
	ck_assert(!kick(head, NULL));
	ck_assert_uint_eq(reg(R_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
	ck_assert_uint_eq(reg(R_ISR) & 2, 2);
	set_reg(R_STATUS, 0);
	ck_assert_uint_eq(reg(R_STATUS), 0);
	ck_assert_uint_eq(reg(R_ISR), 0);
	memset(ram, 0, 0x4000);
	avail_idx = 0;
	used_seen = 0;
	driver_up();
}

START_TEST(test_broken_rings_need_reset)
{
	driver_up();
	/* head index past the queue */
	expect_needs_reset(QSIZE + 3);
	/* a chain that loops */
	desc_at(DESC, 0, HDR, 16, D_NEXT, 1);
	desc_at(DESC, 1, DATA, 512, D_NEXT | D_WRITE, 0);
	expect_needs_reset(0);
	/* next past the queue */
	desc_at(DESC, 0, HDR, 16, D_NEXT, 200);
	expect_needs_reset(0);
	/* a readable buffer after a writable one */
	desc_at(DESC, 0, DATA, 512, D_NEXT | D_WRITE, 1);
	desc_at(DESC, 1, HDR, 16, 0, 0);
	expect_needs_reset(0);
	/* indirect table outside RAM, of a bad size, nested, or with NEXT */
	desc_at(DESC, 0, 0x20000000, 64, D_INDIRECT, 0);
	expect_needs_reset(0);
	desc_at(DESC, 0, INDIRECT, 24, D_INDIRECT, 0);
	expect_needs_reset(0);
	desc_at(INDIRECT, 0, INDIRECT, 16, D_INDIRECT, 0);
	desc_at(DESC, 0, INDIRECT, 16, D_INDIRECT, 0);
	expect_needs_reset(0);
	desc_at(DESC, 0, INDIRECT, 16, D_INDIRECT | D_NEXT, 1);
	expect_needs_reset(0);
	/* an indirect chain that loops */
	desc_at(INDIRECT, 0, HDR, 16, D_NEXT, 1);
	desc_at(INDIRECT, 1, HDR, 16, D_NEXT, 0);
	desc_at(DESC, 0, INDIRECT, 32, D_INDIRECT, 0);
	expect_needs_reset(0);

	/* the avail index running more than a queue ahead */
	put16(AVAIL + 2, QSIZE + 5);
	set_reg(R_QUEUE_NOTIFY, 0);
	ck_assert_uint_eq(reg(R_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);
	ck_assert_uint_eq(get16(USED + 2), 0);
}
END_TEST

START_TEST(test_rings_outside_ram)
{
	uint64_t f = device_features();
	ck_assert_uint_eq(negotiate(f) & S_FEATURES_OK, S_FEATURES_OK);
	setup_queue(RAM_BASE + RAM_SIZE - 16, AVAIL, USED);
	ck_assert_uint_eq(reg(R_QUEUE_READY), 0);
	ck_assert_uint_eq(reg(R_STATUS) & S_NEEDS_RESET, S_NEEDS_RESET);

	set_reg(R_STATUS, 0);
	ck_assert_uint_eq(negotiate(f) & S_FEATURES_OK, S_FEATURES_OK);
	setup_queue(DESC, AVAIL, 0x1ull << 40);
	ck_assert_uint_eq(reg(R_QUEUE_READY), 0);

	/* a queue larger than offered */
	set_reg(R_STATUS, 0);
	ck_assert_uint_eq(negotiate(f) & S_FEATURES_OK, S_FEATURES_OK);
	set_reg(R_QUEUE_NUM, 4096);
	set_reg(R_QUEUE_READY, 1);
	ck_assert_uint_eq(reg(R_QUEUE_READY), 0);

	/* notifying a queue that is not ready, or that does not exist, is ignored */
	set_reg(R_QUEUE_NOTIFY, 0);
	set_reg(R_QUEUE_NOTIFY, 9);
	ck_assert_uint_eq(reg(R_ISR), 0);
}
END_TEST

START_TEST(test_no_ram_at_all)
{
	fake_machine->ram.host = NULL;
	uint64_t f = device_features();
	ck_assert_uint_eq(negotiate(f) & S_FEATURES_OK, S_FEATURES_OK);
	setup_queue(DESC, AVAIL, USED);
	ck_assert_uint_eq(reg(R_QUEUE_READY), 0);
}
END_TEST

START_TEST(test_read_only_disk)
{
	uint32_t used;
	ck_assert(device_features() & F_RO);
	driver_up();

	memset(at(DATA2), 0x5a, 512);
	ck_assert_uint_eq(request(T_OUT, 3, DATA2, 512, &used), 1);
	uint8_t back[512];
	ck_assert_int_eq(pread(disk.fd, back, 512, 3 * 512), 512);
	ck_assert_uint_eq(back[0], 3);
	ck_assert_uint_eq(back[511], 3);

	ck_assert_uint_eq(request(T_IN, 3, DATA, 512, &used), 0);
	ck_assert_uint_eq(at(DATA)[0], 3);
	header(T_FLUSH, 0);
	desc_at(DESC, 3, HDR, 16, D_NEXT, 4);
	desc_at(DESC, 4, STATUS, 1, D_WRITE, 0);
	ck_assert(kick(3, &used));
	ck_assert_uint_eq(*at(STATUS), 0);
}
END_TEST

START_TEST(test_machine_reset_resets_transport)
{
	driver_up();
	uint32_t used;
	ck_assert_uint_eq(request(T_IN, 0, DATA, 512, &used), 0);
	ck_assert_uint_eq(reg(R_ISR), 1);
	machine_reset(fake_machine);
	ck_assert_uint_eq(reg(R_ISR), 0);
	ck_assert_uint_eq(reg(R_STATUS), 0);
	ck_assert_uint_eq(reg(R_QUEUE_READY), 0);
}
END_TEST

static Suite *virtio_suite(void)
{
	Suite *s = suite_create("virtio");
	TCase *rw = tcase_create("virtio-blk");
	TCase *ro = tcase_create("read-only");

	tcase_add_checked_fixture(rw, setup_rw, teardown_disk);
	tcase_add_test(rw, test_identification);
	tcase_add_test(rw, test_negotiation);
	tcase_add_test(rw, test_read_write_flush_round_trip);
	tcase_add_test(rw, test_indirect_and_scattered);
	tcase_add_test(rw, test_bad_buffers_fail_the_request);
	tcase_add_test(rw, test_broken_rings_need_reset);
	tcase_add_test(rw, test_rings_outside_ram);
	tcase_add_test(rw, test_no_ram_at_all);
	tcase_add_test(rw, test_machine_reset_resets_transport);
	suite_add_tcase(s, rw);

	tcase_add_checked_fixture(ro, setup_ro, teardown_disk);
	tcase_add_test(ro, test_read_only_disk);
	suite_add_tcase(s, ro);
	return s;
}

int main(void)
{
	return check_run_suite(virtio_suite());
}
