/*
 * A hostile virtio driver: rings and buffers outside RAM, in device space,
 * past 4 GiB or wrapping 2^64; descriptor chains that loop; enormous
 * lengths; buffers over the rings themselves; registers written out of
 * turn. Run with -m 64 (RAM 0x6000_0000-0x6400_0000) and a disk of 1 MiB.
 *
 * The oracle is the virtio 1.1 spec, so the checks (PASS/FAIL lines) are
 * what it requires of any device: VIRTIO_BLK_S_IOERR for a request beyond
 * capacity or not in whole sectors (5.2.6), VIRTIO_BLK_S_UNSUPP for an
 * unknown type, no buffer used before DRIVER_OK (3.1.1), QueueNumMax 0 for
 * a queue that is not there (4.2.2), a device that answers a broken chain
 * (completes it or sets DEVICE_NEEDS_RESET, 2.1.1) rather than leaving the
 * driver waiting, and one that works again after a reset. Where the spec
 * leaves the device a choice - a driver breaking one of its MUSTs, a buffer
 * in device space, which a platform may or may not let a device reach -
 * the program prints what happened ("   device: ...") without judging;
 * tests/integration/hostile_guests.sh holds captive to its documented
 * choice (platforms/vexpress-a9/virtio.h: anything outside RAM, and any
 * broken ring, puts the device in DEVICE_NEEDS_RESET or fails the request;
 * the device never reaches outside guest RAM).
 */
#include "vblk.h"

#define RAM_END 0x64000000ull	/* -m 64 */
#define SCRATCH 0x62000000u	/* free RAM far above the program */
#define SCRATCH_LEN (32u << 20)
#define UART_DR 0x10009000ull
#define GICD 0x1e001000ull
#define DISK_BYTES (1u << 20)

static struct vblk v;
static struct vblk_hdr hdr;
static volatile uint8_t st;
static uint8_t sec[VBLK_SECTOR] __attribute__((aligned(16)));
static struct vdesc itab[8] __attribute__((aligned(16)));
static uint8_t sec0[VBLK_SECTOR];
static uint32_t ref;		/* digest of sector 0 */
static unsigned cases;

static uint32_t digest(const volatile uint8_t *p, uint32_t n)
{
	uint32_t h = 2166136261u;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void fresh(void)
{
	if (vblk_init(&v, VIO_F_INDIRECT)) {
		rt_puts("vhostile: cannot (re)initialise the device\n");
		rt_poweroff();
	}
}

static void begin(const char *name)
{
	cases++;
	rt_printf("-- %s\n", name);
	fresh();
}

static uint32_t needs_reset(void)
{
	return (vio_rd(&v, VIO_STATUS) & VIO_S_NEEDS_RESET) != 0;
}

/* After a reset the device serves a plain read of sector 0 again. */
static void recovers(void)
{
	fresh();
	memset(sec, 0, sizeof(sec));
	int s = vblk_request(&v, VBLK_T_IN, 0, sec, VBLK_SECTOR);
	rt_check("recovers after reset", s == VBLK_S_OK && digest(sec, VBLK_SECTOR) == ref, 1);
}

static void set_hdr(uint32_t type, uint64_t sector)
{
	hdr.type = type;
	hdr.reserved = 0;
	hdr.sector = sector;
}

static void desc(unsigned i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	v.desc[i] = (struct vdesc){ addr, len, flags, next };
}

/* Publish chain `head`, notify, wait for the outcome. */
static int submit(uint16_t head)
{
	st = VBLK_S_NONE;
	vblk_kick(&v, head);
	return vblk_wait(&v);
}

/* Print what the device did with a request the driver had no right to make. */
static void report(int r)
{
	if (r == -2)
		rt_puts("   device: DEVICE_NEEDS_RESET\n");
	else if (r == -1)
		rt_puts("   device: no completion\n");
	else
		rt_printf("   device: completed, used len %d, status %u\n", r, (unsigned)st);
}

/* ---- rings where they cannot be ------------------------------------------ */

static void bad_rings(const char *name, uint32_t num, uint64_t d, uint64_t a, uint64_t u)
{
	begin(name);
	vblk_negotiate(&v, vblk_find(), VIO_F_INDIRECT);
	vblk_setup_queue(&v, num, d, a, u);
	vblk_driver_ok(&v);
	/* A read request in the driver's views of the rings, so that a device
	 * that accepted the rings has something to do with them. */
	set_hdr(VBLK_T_IN, 2);
	v.desc[0] = (struct vdesc){ vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 1 };
	v.desc[1] = (struct vdesc){ vblk_pa(sec), VBLK_SECTOR, VD_NEXT | VD_WRITE, 2 };
	v.desc[2] = (struct vdesc){ vblk_pa(&st), 1, VD_WRITE, 0 };
	report(submit(0));
	recovers();
}

static void ring_cases(void)
{
	uint64_t d = vblk_pa(vblk_rings.desc), a = vblk_pa(vblk_rings.avail),
		 u = vblk_pa(vblk_rings.used);

	bad_rings("descriptor table at physical 0 (no memory)", VBLK_QSIZE, 0, a, u);
	bad_rings("descriptor table in the UART", VBLK_QSIZE, UART_DR, a, u);
	bad_rings("avail ring in the GIC distributor", VBLK_QSIZE, d, GICD, u);
	bad_rings("used ring on the UART data register", VBLK_QSIZE, d, a, UART_DR);
	bad_rings("descriptor table above 4 GiB", VBLK_QSIZE, (1ull << 32) | d, a, u);
	bad_rings("descriptor table wrapping 2^64", VBLK_QSIZE, 0xffffffffffffffc0ull, a, u);
	bad_rings("avail ring wrapping 2^64", VBLK_QSIZE, d, 0xfffffffffffffffeull, u);
	bad_rings("used ring wrapping 2^64", VBLK_QSIZE, d, a, 0xfffffffffffffffcull);
	bad_rings("used ring straddling the end of RAM", VBLK_QSIZE, d, a, RAM_END - 8);
	bad_rings("descriptor table misaligned", VBLK_QSIZE, d + 8, a, u);
	bad_rings("queue of 0 entries", 0, d, a, u);
	bad_rings("queue of 65535 entries (over QueueNumMax)", 65535, d, a, u);
}

/* ---- broken descriptor chains ---------------------------------------------- */

/* A chain the spec forbids the driver to make: the device may fail it or
 * set DEVICE_NEEDS_RESET, but it should answer (2.1.1). */
static void broken_chain(uint16_t head)
{
	int r = submit(head);
	report(r);
	rt_check("answered", r != -1, 1);
	recovers();
}

static void chain_cases(void)
{
	set_hdr(VBLK_T_IN, 0);

	begin("descriptor chained to itself");
	desc(0, vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 0);
	broken_chain(0);

	begin("two descriptors chained in a cycle");
	desc(0, vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 1);
	desc(1, vblk_pa(sec), VBLK_SECTOR, VD_NEXT | VD_WRITE, 0);
	broken_chain(0);

	begin("next index past the queue");
	desc(0, vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 200);
	broken_chain(0);

	begin("head index past the queue");
	desc(0, vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 1);
	desc(1, vblk_pa(&st), 1, VD_WRITE, 0);
	broken_chain(9);

	begin("avail index leaping 1000 entries ahead");
	desc(0, vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 1);
	desc(1, vblk_pa(&st), 1, VD_WRITE, 0);
	v.avail_idx += 1000;
	broken_chain(0);

	begin("device-readable descriptor after a writable one");
	desc(0, vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 1);
	desc(1, vblk_pa(sec), VBLK_SECTOR, VD_NEXT | VD_WRITE, 2);
	desc(2, vblk_pa(sec), 16, VD_NEXT, 3);
	desc(3, vblk_pa(&st), 1, VD_WRITE, 0);
	broken_chain(0);

	begin("indirect table in the UART");
	desc(0, UART_DR, 3 * sizeof(struct vdesc), VD_INDIRECT, 0);
	broken_chain(0);

	begin("indirect table wrapping 2^64");
	desc(0, 0xfffffffffffffff0ull, 3 * sizeof(struct vdesc), VD_INDIRECT, 0);
	broken_chain(0);

	begin("indirect table whose chain loops");
	itab[0] = (struct vdesc){ vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 1 };
	itab[1] = (struct vdesc){ vblk_pa(sec), VBLK_SECTOR, VD_NEXT | VD_WRITE, 0 };
	desc(0, vblk_pa(itab), 2 * sizeof(struct vdesc), VD_INDIRECT, 0);
	broken_chain(0);

	begin("indirect table inside an indirect table");
	itab[0] = (struct vdesc){ vblk_pa(itab), 2 * sizeof(struct vdesc), VD_INDIRECT, 0 };
	desc(0, vblk_pa(itab), sizeof(struct vdesc), VD_INDIRECT, 0);
	broken_chain(0);

	begin("indirect descriptor that also has NEXT");
	itab[0] = (struct vdesc){ vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 1 };
	itab[1] = (struct vdesc){ vblk_pa(&st), 1, VD_WRITE, 0 };
	desc(0, vblk_pa(itab), 2 * sizeof(struct vdesc), VD_INDIRECT | VD_NEXT, 1);
	desc(1, vblk_pa(&st), 1, VD_WRITE, 0);
	broken_chain(0);

	begin("indirect table length not a multiple of 16");
	desc(0, vblk_pa(itab), 40, VD_INDIRECT, 0);
	broken_chain(0);

	begin("indirect table of 4096 entries (over any seg_max)");
	{
		struct vdesc *big = (struct vdesc *)SCRATCH;
		for (unsigned i = 0; i < 4096; i++)
			big[i] = (struct vdesc){ vblk_pa(sec), 16, VD_NEXT, (uint16_t)(i + 1) };
		big[0] = (struct vdesc){ vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 1 };
		big[4095] = (struct vdesc){ vblk_pa(&st), 1, VD_WRITE, 0 };
		desc(0, SCRATCH, 4096 * sizeof(struct vdesc), VD_INDIRECT, 0);
	}
	broken_chain(0);
}

/* ---- requests that must fail, the device carrying on ------------------------ */

/* Header, one data buffer, status: the data buffer is the driver's to ruin. */
static int request(uint32_t type, uint64_t sector, uint64_t addr, uint32_t len, uint16_t dflags)
{
	set_hdr(type, sector);
	desc(0, vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 1);
	desc(1, addr, len, (uint16_t)(VD_NEXT | dflags), 2);
	desc(2, vblk_pa(&st), 1, VD_WRITE, 0);
	return submit(0);
}

/* A request whose buffer the device cannot or may not reach: answered. */
static void expect_answer(int r)
{
	report(r);
	rt_check("answered", r != -1, 1);
}

static void expect_status(int r, unsigned want)
{
	rt_check("completed", r >= 0, 1);
	rt_check("status", st, want);
	rt_check("no DEVICE_NEEDS_RESET", needs_reset(), 0);
}

static void request_cases(void)
{
	volatile uint32_t *scratch = (volatile uint32_t *)SCRATCH;

	begin("read into physical 0 (no RAM; flash on the real board)");
	expect_answer(request(VBLK_T_IN, 0, 0, VBLK_SECTOR, VD_WRITE));
	recovers();

	begin("read into the UART data register");
	expect_answer(request(VBLK_T_IN, 0, UART_DR, VBLK_SECTOR, VD_WRITE));
	recovers();

	begin("write of sector 1 from the GIC distributor");
	expect_answer(request(VBLK_T_OUT, 1, GICD, VBLK_SECTOR, 0));
	recovers();

	begin("read into a buffer of 4 GiB - 1 bytes");
	expect_answer(request(VBLK_T_IN, 0, SCRATCH, 0xffffffffu, VD_WRITE));
	recovers();

	begin("read into a buffer wrapping 2^64");
	expect_answer(request(VBLK_T_IN, 0, 0xfffffffffffffe00ull, 0x400, VD_WRITE));
	recovers();

	begin("read of 32 MiB of RAM, past the end of the disk");
	scratch[0] = 0x5a5a5a5au;
	scratch[SCRATCH_LEN / 4 - 1] = 0xa5a5a5a5u;
	expect_status(request(VBLK_T_IN, 0, SCRATCH, SCRATCH_LEN, VD_WRITE), VBLK_S_IOERR);
	rt_check("RAM untouched", scratch[0] == 0x5a5a5a5au &&
				  scratch[SCRATCH_LEN / 4 - 1] == 0xa5a5a5a5u, 1);
	recovers();

	begin("write at sector 2^63");
	expect_status(request(VBLK_T_OUT, 1ull << 63, vblk_pa(sec), VBLK_SECTOR, 0), VBLK_S_IOERR);
	recovers();

	begin("write at a sector whose byte offset wraps 2^64 to sector 1");
	expect_status(request(VBLK_T_OUT, (1ull << 55) + 1, vblk_pa(sec), VBLK_SECTOR, 0),
		      VBLK_S_IOERR);
	recovers();

	begin("write of the last sector and one past it");
	expect_status(request(VBLK_T_OUT, DISK_BYTES / VBLK_SECTOR - 1, SCRATCH, 2 * VBLK_SECTOR, 0),
		      VBLK_S_IOERR);
	recovers();

	begin("write of 100 bytes (not whole sectors)");
	expect_status(request(VBLK_T_OUT, 0, vblk_pa(sec), 100, 0), VBLK_S_IOERR);
	recovers();

	begin("unknown request type");
	expect_status(request(0x7777u, 0, vblk_pa(sec), VBLK_SECTOR, VD_WRITE), VBLK_S_UNSUPP);
	recovers();

	begin("header of 8 bytes");
	set_hdr(VBLK_T_IN, 0);
	desc(0, vblk_pa(&hdr), 8, VD_NEXT, 1);
	desc(1, vblk_pa(&st), 1, VD_WRITE, 0);
	broken_chain(0);

	begin("no status byte (no writable descriptor)");
	set_hdr(VBLK_T_IN, 0);
	desc(0, vblk_pa(&hdr), sizeof(hdr), 0, 0);
	{
		int r = submit(0);
		report(r);
		rt_check("status untouched", st, VBLK_S_NONE);
	}
	recovers();
}

/* ---- buffers over the rings themselves ------------------------------------- */

static void overlap_cases(void)
{
	uint64_t d = vblk_pa(vblk_rings.desc);

	/* The device reads the chain before it moves data: the request is
	 * well formed, only its destination is unusual. The used ring lies
	 * past the sector read, so the driver can tell when it completed. */
	begin("read into the descriptor table and the avail ring");
	vblk_negotiate(&v, vblk_find(), VIO_F_INDIRECT);
	vblk_setup_queue(&v, VBLK_QSIZE, d, d + sizeof(vblk_rings.desc), d + 2048);
	vblk_driver_ok(&v);
	int r = request(VBLK_T_IN, 0, d, VBLK_SECTOR, VD_WRITE);
	rt_check("completed", r >= 0, 1);
	rt_check("status", st, VBLK_S_OK);
	rt_check("the table holds sector 0",
		 !memcmp(vblk_rings.desc, sec0, sizeof(vblk_rings.desc)), 1);
	recovers();

	begin("descriptor table, avail and used ring at one address");
	vblk_negotiate(&v, vblk_find(), VIO_F_INDIRECT);
	vblk_setup_queue(&v, VBLK_QSIZE, d, d, d);
	vblk_driver_ok(&v);
	report(vblk_request(&v, VBLK_T_IN, 0, sec, VBLK_SECTOR));
	recovers();

	begin("status byte inside the descriptor being served");
	set_hdr(VBLK_T_IN, 0);
	desc(0, vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 1);
	desc(1, vblk_pa(sec), VBLK_SECTOR, VD_NEXT | VD_WRITE, 2);
	desc(2, vblk_pa(&v.desc[2]), 1, VD_WRITE, 0);
	report(submit(0));
	recovers();
}

/* ---- registers out of turn ---------------------------------------------------- */

static void register_cases(void)
{
	begin("notify of queues 1, 7 and 0xffffffff");
	set_hdr(VBLK_T_IN, 0);
	desc(0, vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 1);
	desc(1, vblk_pa(sec), VBLK_SECTOR, VD_NEXT | VD_WRITE, 2);
	desc(2, vblk_pa(&st), 1, VD_WRITE, 0);
	st = VBLK_S_NONE;
	v.avail[2] = 0;
	v.avail_idx = 1;
	vio_mb();
	v.avail[1] = 1;
	vio_mb();
	vio_wr(&v, VIO_QUEUE_NOTIFY, 1);
	vio_wr(&v, VIO_QUEUE_NOTIFY, 7);
	vio_wr(&v, VIO_QUEUE_NOTIFY, 0xffffffffu);
	rt_check("nothing used", (uint32_t)(v.used[0] >> 16), 0);
	vio_wr(&v, VIO_QUEUE_NOTIFY, 0);
	rt_check("queue 0's notify serves it", vblk_wait(&v) >= 0 && st == VBLK_S_OK, 1);
	recovers();

	begin("notify before DRIVER_OK");
	vblk_negotiate(&v, vblk_find(), VIO_F_INDIRECT);
	vblk_setup_queue(&v, VBLK_QSIZE, vblk_pa(vblk_rings.desc), vblk_pa(vblk_rings.avail),
			 vblk_pa(vblk_rings.used));
	set_hdr(VBLK_T_IN, 0);
	desc(0, vblk_pa(&hdr), sizeof(hdr), VD_NEXT, 1);
	desc(1, vblk_pa(sec), VBLK_SECTOR, VD_NEXT | VD_WRITE, 2);
	desc(2, vblk_pa(&st), 1, VD_WRITE, 0);
	st = VBLK_S_NONE;
	vblk_kick(&v, 0);
	rt_check("nothing used before DRIVER_OK", (uint32_t)(v.used[0] >> 16), 0);
	vblk_driver_ok(&v);
	vio_wr(&v, VIO_QUEUE_NOTIFY, 0);
	rt_check("served after DRIVER_OK", vblk_wait(&v) >= 0 && st == VBLK_S_OK, 1);
	recovers();

	begin("queue addresses rewritten while the queue is live");
	uint32_t was = vio_rd(&v, VIO_DESC_LO);
	vio_wr(&v, VIO_DESC_LO, (uint32_t)UART_DR);
	vio_wr(&v, VIO_USED_HI, 0xffffffffu);
	rt_printf("   device: %s\n", vio_rd(&v, VIO_DESC_LO) == was && vio_rd(&v, VIO_USED_HI) == 0
					? "addresses kept"
					: "addresses changed");
	rt_check("read works", (uint32_t)vblk_request(&v, VBLK_T_IN, 0, sec, VBLK_SECTOR), VBLK_S_OK);
	recovers();

	begin("features rewritten after FEATURES_OK");
	vio_wr(&v, VIO_DRV_FEATURES_SEL, 0);
	vio_wr(&v, VIO_DRV_FEATURES, 0xffffffffu);
	vio_wr(&v, VIO_DRV_FEATURES_SEL, 1);
	vio_wr(&v, VIO_DRV_FEATURES, 0xffffffffu);
	rt_check("read works", (uint32_t)vblk_request(&v, VBLK_T_IN, 0, sec, VBLK_SECTOR), VBLK_S_OK);
	recovers();

	begin("DEVICE_NEEDS_RESET and FAILED written by the driver");
	vio_wr(&v, VIO_STATUS, vio_rd(&v, VIO_STATUS) | VIO_S_NEEDS_RESET | VIO_S_FAILED);
	rt_printf("   device: status reads %02x\n", (unsigned)vio_rd(&v, VIO_STATUS));
	recovers();

	begin("config space written, queue select out of range");
	uint32_t cap = vio_rd(&v, VIO_CONFIG);
	for (uint32_t off = 0; off < 0x100; off += 4)
		vio_wr(&v, VIO_CONFIG + off, 0xffffffffu);
	rt_check("capacity unchanged", vio_rd(&v, VIO_CONFIG), cap);
	vio_wr(&v, VIO_QUEUE_SEL, 7);
	rt_check("QueueNumMax of queue 7", vio_rd(&v, VIO_QUEUE_NUM_MAX), 0);
	vio_wr(&v, VIO_QUEUE_READY, 1);
	rt_printf("   device: queue 7 QueueReady reads %u\n", (unsigned)vio_rd(&v, VIO_QUEUE_READY));
	vio_wr(&v, VIO_QUEUE_SEL, 0);
	rt_check("read works", (uint32_t)vblk_request(&v, VBLK_T_IN, 0, sec, VBLK_SECTOR), VBLK_S_OK);
	recovers();
}

/* ---- enormous, and legal ------------------------------------------------------- */

static void legal_cases(void)
{
	begin("the whole disk in one 1 MiB descriptor");
	memset(sec, 0, sizeof(sec));
	rt_check("last sector", (uint32_t)vblk_request(&v, VBLK_T_IN,
						       DISK_BYTES / VBLK_SECTOR - 1, sec,
						       VBLK_SECTOR),
		 VBLK_S_OK);
	uint32_t last = digest(sec, VBLK_SECTOR);
	rt_check("whole disk", (uint32_t)vblk_request(&v, VBLK_T_IN, 0, (void *)SCRATCH, DISK_BYTES),
		 VBLK_S_OK);
	rt_check("its first sector",
		 digest((const volatile uint8_t *)SCRATCH, VBLK_SECTOR), ref);
	rt_check("its last sector",
		 digest((const volatile uint8_t *)(SCRATCH + DISK_BYTES - VBLK_SECTOR), VBLK_SECTOR),
		 last);
}

int main(void)
{
	fresh();
	rt_check("read sector 0", (uint32_t)vblk_request(&v, VBLK_T_IN, 0, sec, VBLK_SECTOR),
		 VBLK_S_OK);
	ref = digest(sec, VBLK_SECTOR);
	memcpy(sec0, sec, sizeof(sec0));
	ring_cases();
	chain_cases();
	request_cases();
	overlap_cases();
	register_cases();
	legal_cases();
	vio_wr(&v, VIO_STATUS, 0);
	rt_printf("vhostile: %u cases, %u failures\n", cases, rt_failures);
	return 0;
}
