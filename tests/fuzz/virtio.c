/*
 * Fuzz harness: the virtio-mmio transport and virtio-blk
 * (platforms/vexpress-a9/virtio_mmio.c, virtio_blk.c), driven as a guest
 * driver would drive them - and as a hostile one would - over a 64 KiB guest
 * RAM between two PROT_NONE pages and a disk backed by a memfd.
 *
 * Input: a 2-byte header (u8 disk sectors, u8 flags: bit 0 read-only disk,
 * bit 1 a disk with a partial last sector), then a script of operations,
 * each an opcode byte and its operands:
 *   0 REG     u8 word, u32 value: write register (word * 4) & 0x1fc of slot 0
 *   1 READ    u16 offset, u8 size: read anywhere in the four transports
 *   2 ACCESS  u16 offset, u8 size, u32 value: write anywhere in them
 *   3 RAM     u16 offset, u8 len, bytes: guest stores into RAM
 *   4 DESC    u8 index, u16 offset, u32 len, u16 flags, u16 next: a descriptor
 *             in the table at DESC (its buffer at RAM + offset)
 *   5 DESCX   u8 index, u64 addr, u32 len, u16 flags, u16 next: the same with
 *             any address (outside RAM, wrapping)
 *   6 AVAIL   u16 head: append a head to the avail ring at AVAIL, publish it
 *   7 NOTIFY  u32 queue: the doorbell
 *   8 UP      u8 queue size, u8 features: the Linux driver's set-up of queue 0
 *             (rings at DESC/AVAIL/USED) up to DRIVER_OK
 *   9 IDX     u16: store the avail index as is
 *  10 RESET   machine_reset
 *  11 REQ     u8 type, u32 sector, u8 data descriptors, u16 data len:
 *             a whole virtio-blk request (header, data, status) at head 0
 *
 * Invariants checked beyond the sanitizers:
 *   - every byte of guest RAM that a doorbell changed was reported
 *     through machine_host.ram_written (the engine's code caches depend on
 *     it), and every report lies in guest RAM;
 *   - the disk file keeps its size, and a read-only disk its contents.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_support.h"
#include "platform/vexpress-a9.h"

#define RAM_BASE 0x60000000ull
#define RAM_SIZE (64u << 10)
#define PAGE 4096u
#define DESC 0x1000u
#define AVAIL 0x2000u
#define USED 0x3000u
#define DATA 0x4000u
#define NQ 256u
#define MAX_DISK (256u * 512u + 511u)

#define VT VEXPRESS_VIRTIO_BASE
#define WINDOW (VEXPRESS_VIRTIO_STRIDE * VEXPRESS_VIRTIO_COUNT)
#define R_DRV_FEATURES 0x020
#define R_DRV_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_STATUS 0x070
#define R_DESC_LO 0x080
#define R_AVAIL_LO 0x090
#define R_USED_LO 0x0a0

static struct fuzz_host host;
static struct machine *m;
static uint8_t *ram, *shadow;
static bool reported[RAM_SIZE];
static int disk_fd = -1;
static uint8_t disk_image[MAX_DISK], disk_after[MAX_DISK];
static uint16_t avail_idx;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every DMA report: in RAM, and marked for the check after the access. */
static void record_written(void *opaque, gpa_t pa, uint64_t len)
{
	FUZZ_CHECK(pa >= RAM_BASE && len <= RAM_SIZE && pa - RAM_BASE <= RAM_SIZE - len);
	memset(reported + (pa - RAM_BASE), 1, len);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	uint8_t *map = mmap(NULL, RAM_SIZE + 2 * PAGE, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	FUZZ_CHECK(map != MAP_FAILED);
	ram = map + PAGE;
	FUZZ_CHECK(mprotect(ram, RAM_SIZE, PROT_READ | PROT_WRITE) == 0);
	shadow = malloc(RAM_SIZE);
	FUZZ_CHECK(shadow);
	disk_fd = fuzz_memfd("fuzz-disk");
	for (size_t i = 0; i < MAX_DISK; i++)
		disk_image[i] = (uint8_t)(i / 512 * 7 + i);
	return 0;
}

/* A bus access. Only the doorbell moves data; around it, every byte of RAM
 * that changed must have been reported. */
static void bus(gpa_t pa, unsigned size, uint32_t value, bool write)
{
	bool doorbell = write && ((pa - VT) & 0x1fc) == R_QUEUE_NOTIFY;

	if (!doorbell) {
		machine_access(m, pa, size, &value, write);
		return;
	}
	memcpy(shadow, ram, RAM_SIZE);
	memset(reported, 0, sizeof(reported));
	machine_access(m, pa, size, &value, true);
	if (!memcmp(shadow, ram, RAM_SIZE))
		return;
	for (size_t i = 0; i < RAM_SIZE; i++)
		if (ram[i] != shadow[i])
			FUZZ_CHECK(reported[i]);
}

static void reg(unsigned offset, uint32_t value)
{
	bus(VT + offset, 4, value, true);
}

static void put(uint32_t off, const void *v, size_t len)
{
	if (off < RAM_SIZE && len <= RAM_SIZE - off)
		memcpy(ram + off, v, len);
}

static void put16(uint32_t off, uint16_t v)
{
	put(off, &v, sizeof(v));
}

static void desc(unsigned index, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t d[16];

	memcpy(d, &addr, 8);
	memcpy(d + 8, &len, 4);
	memcpy(d + 12, &flags, 2);
	memcpy(d + 14, &next, 2);
	put(DESC + (index % NQ) * 16u, d, sizeof(d));
}

static void avail_push(uint16_t head)
{
	put16(AVAIL + 4 + 2u * (avail_idx % NQ), head);
	avail_idx++;
	put16(AVAIL + 2, avail_idx);
}

static void driver_up(unsigned qsize, uint8_t features)
{
	reg(R_STATUS, 0);
	reg(R_STATUS, 1);
	reg(R_STATUS, 3);
	reg(R_DRV_FEATURES_SEL, 0);
	/* bit 0: SEG_MAX, 1: BLK_SIZE, 2: FLUSH, 3: RO, 4: INDIRECT_DESC */
	reg(R_DRV_FEATURES, ((features & 1u) << 2) | ((features & 2u) << 5) |
				    ((features & 4u) << 7) | ((features & 8u) << 2) |
				    ((features & 16u) << 24));
	reg(R_DRV_FEATURES_SEL, 1);
	reg(R_DRV_FEATURES, 1); /* VERSION_1 */
	reg(R_STATUS, 0xb);
	reg(R_QUEUE_SEL, 0);
	reg(R_QUEUE_NUM, qsize);
	reg(R_DESC_LO, (uint32_t)(RAM_BASE + DESC));
	reg(R_AVAIL_LO, (uint32_t)(RAM_BASE + AVAIL));
	reg(R_USED_LO, (uint32_t)(RAM_BASE + USED));
	reg(R_QUEUE_READY, 1);
	reg(R_STATUS, 0xf);
	avail_idx = 0;
}

/* A whole request at head 0: header, `segs` data descriptors of `len`
 * bytes each, status; then published and notified. */
static void request(uint8_t type, uint32_t sector, unsigned segs, uint16_t len)
{
	uint8_t hdr[16] = { 0 };
	bool in = type == 0 || type == 8;
	uint16_t data_flags = in ? 2 : 0;
	unsigned i = 0;

	memcpy(hdr, &(uint32_t){ type }, 4);
	memcpy(hdr + 8, &(uint64_t){ sector }, 8);
	put(DATA, hdr, sizeof(hdr));
	desc(i, RAM_BASE + DATA, 16, 1, (uint16_t)(i + 1));
	for (i = 1; i <= segs % 8; i++)
		desc(i, RAM_BASE + DATA + 0x100 + (uint64_t)(i - 1) * len, len, data_flags | 1,
		     (uint16_t)(i + 1));
	desc(i, RAM_BASE + DATA + 0x80, 1, 2, 0);
	avail_push(0);
	reg(R_QUEUE_NOTIFY, 0);
}

static void run(struct fuzz_in *in)
{
	for (unsigned steps = 0; fuzz_left(in) && steps < 512; steps++) {
		switch (fuzz_u8(in) % 12) {
		case 0: {
			unsigned word = fuzz_u8(in);
			reg((word * 4) & 0x1fc, fuzz_u32(in));
			break;
		}
		case 1: {
			unsigned off = fuzz_u16(in) % WINDOW;
			bus(VT + off, fuzz_u8(in) % 9, 0, false);
			break;
		}
		case 2: {
			unsigned off = fuzz_u16(in) % WINDOW, size = fuzz_u8(in) % 9;
			bus(VT + off, size, fuzz_u32(in), true);
			break;
		}
		case 3: {
			uint16_t off = fuzz_u16(in);
			size_t len;
			const uint8_t *b = fuzz_bytes(in, fuzz_u8(in), &len);
			put(off % RAM_SIZE, b, len);
			break;
		}
		case 4: {
			unsigned index = fuzz_u8(in);
			uint64_t addr = RAM_BASE + (fuzz_u16(in) % RAM_SIZE);
			uint32_t len = fuzz_u32(in);
			uint16_t flags = fuzz_u16(in);
			desc(index, addr, len, flags, fuzz_u16(in));
			break;
		}
		case 5: {
			unsigned index = fuzz_u8(in);
			uint64_t addr = fuzz_u64(in);
			uint32_t len = fuzz_u32(in);
			uint16_t flags = fuzz_u16(in);
			desc(index, addr, len, flags, fuzz_u16(in));
			break;
		}
		case 6:
			avail_push(fuzz_u16(in));
			break;
		case 7:
			reg(R_QUEUE_NOTIFY, fuzz_u32(in));
			break;
		case 8: {
			unsigned qsize = fuzz_u8(in);
			driver_up(qsize ? qsize : NQ, fuzz_u8(in));
			break;
		}
		case 9:
			avail_idx = fuzz_u16(in);
			put16(AVAIL + 2, avail_idx);
			break;
		case 10:
			machine_reset(m);
			break;
		default: {
			uint8_t type = fuzz_u8(in);
			uint32_t sector = fuzz_u32(in);
			unsigned segs = fuzz_u8(in);
			request(type, sector, segs, fuzz_u16(in) % 0x1000);
			break;
		}
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	size_t disk_size = (size_t)fuzz_u8(&in) * 512;
	uint8_t flags = fuzz_u8(&in);
	struct stat st;

	if (flags & 2)
		disk_size += 1 + (size_t)(flags >> 2) % 511;
	fuzz_memfd_set(disk_fd, disk_image, disk_size);
	const struct board_disk disk = {
		.path = "fuzz-disk", .fd = disk_fd, .size = disk_size, .readonly = flags & 1,
	};
	memset(ram, 0, RAM_SIZE);
	memset(&host, 0, sizeof(host));
	avail_idx = 0;
	m = fuzz_machine_create(&host, 256u << 20, &disk, false);
	m->host.ram_written = record_written;
	m->ram = (struct machine_ram){ .base = RAM_BASE, .size = RAM_SIZE, .host = ram };

	run(&in);

	machine_destroy(m);
	m = NULL;
	FUZZ_CHECK(fstat(disk_fd, &st) == 0 && (size_t)st.st_size == disk_size);
	if (flags & 1) {
		FUZZ_CHECK(pread(disk_fd, disk_after, disk_size, 0) == (ssize_t)disk_size);
		FUZZ_CHECK(!memcmp(disk_after, disk_image, disk_size));
	}
	return 0;
}
