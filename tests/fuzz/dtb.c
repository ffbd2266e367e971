/*
 * Fuzz harness: the load-time device tree fix-ups (framework/dtb.c, libfdt)
 * on hostile blobs, with the vexpress-a9 board's virtio-mmio transports.
 *
 * Input: a 22-byte header
 *   u8 flags        bit 0: bootargs given, bit 1: an initrd range,
 *                   bit 2: RAM above 4 GiB (needs two address cells)
 *   u32 ram_size, u64 initrd_start, u32 initrd_len
 *   u8 bootargs_len, u32 unused
 * then the bootargs bytes and the blob: the rest.
 *
 * Invariants checked beyond the sanitizers, after a fix-up that succeeded
 * (dtb.h's promises): the result is a whole, valid blob of the size
 * returned; it has exactly one memory node, with reg = <ram_base ram_size>
 * in the root's cells; one virtio-mmio node per transport of the board, at
 * its address, wired to a phandle; /chosen/bootargs as given; the initrd
 * range in /chosen exactly when there is one.
 */
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include "dtb.h"
#include "fuzz_support.h"

#define HEADER 22u

static const struct board *board;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	board = board_find("vexpress-a9");
	FUZZ_CHECK(board);
	return 0;
}

/* A value of `cells` cells at p (1 or 2). */
static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = fdt32_to_cpu(p[0]);

	return cells == 2 ? v << 32 | fdt32_to_cpu(p[1]) : v;
}

static uint64_t truncate_cells(uint64_t v, int cells)
{
	return cells == 2 ? v : (uint32_t)v;
}

static void check_fixed(const void *fdt, size_t len, const struct dtb_fixup_params *p)
{
	int acells, scells, node, plen, count;
	const fdt32_t *reg;

	FUZZ_CHECK(len == fdt_totalsize(fdt));
	FUZZ_CHECK(fdt_check_full(fdt, len) == 0);
	acells = fdt_address_cells(fdt, 0);
	scells = fdt_size_cells(fdt, 0);
	FUZZ_CHECK(acells >= 1 && acells <= 2 && scells >= 1 && scells <= 2);

	count = 0;
	for (node = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7); node >= 0;
	     node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory", 7)) {
		count++;
		reg = fdt_getprop(fdt, node, "reg", &plen);
		FUZZ_CHECK(reg && plen == 4 * (acells + scells));
		FUZZ_CHECK(read_cells(reg, acells) == truncate_cells(p->ram_base, acells));
		FUZZ_CHECK(read_cells(reg + acells, scells) == truncate_cells(p->ram_size, scells));
	}
	FUZZ_CHECK(count == 1);

	count = 0;
	for (node = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) {
		gpa_t addr = board->virtio_base + (gpa_t)count * board->virtio_stride;

		FUZZ_CHECK((unsigned)count < board->virtio_count);
		reg = fdt_getprop(fdt, node, "reg", &plen);
		FUZZ_CHECK(reg && plen == 4 * (acells + scells));
		FUZZ_CHECK(read_cells(reg, acells) == truncate_cells(addr, acells));
		const fdt32_t *parent = fdt_getprop(fdt, node, "interrupt-parent", &plen);
		FUZZ_CHECK(parent && plen == 4);
		FUZZ_CHECK(fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(*parent)) >= 0);
		count++;
	}
	FUZZ_CHECK((unsigned)count == board->virtio_count);

	node = fdt_path_offset(fdt, "/chosen");
	FUZZ_CHECK(node >= 0);
	if (p->bootargs && *p->bootargs) {
		const char *args = fdt_getprop(fdt, node, "bootargs", &plen);
		FUZZ_CHECK(args && (size_t)plen == strlen(p->bootargs) + 1 &&
			   !memcmp(args, p->bootargs, (size_t)plen));
	}
	const fdt32_t *start = fdt_getprop(fdt, node, "linux,initrd-start", &plen);
	if (p->initrd_end > p->initrd_start) {
		FUZZ_CHECK(start && plen == 4 * acells);
		FUZZ_CHECK(read_cells(start, acells) == truncate_cells(p->initrd_start, acells));
		const fdt32_t *end = fdt_getprop(fdt, node, "linux,initrd-end", &plen);
		FUZZ_CHECK(end && plen == 4 * acells);
		FUZZ_CHECK(read_cells(end, acells) == truncate_cells(p->initrd_end, acells));
	} else {
		FUZZ_CHECK(!start && !fdt_getprop(fdt, node, "linux,initrd-end", &plen));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	char bootargs[256];
	size_t args_len, blob_len;
	void *out = NULL;
	size_t out_len = 0;

	if (size < HEADER)
		return -1;
	uint8_t flags = fuzz_u8(&in);
	uint32_t ram_size = fuzz_u32(&in);
	uint64_t initrd_start = fuzz_u64(&in);
	uint32_t initrd_len = fuzz_u32(&in);
	uint8_t want_args = fuzz_u8(&in);
	fuzz_u32(&in);
	const uint8_t *args = fuzz_bytes(&in, want_args, &args_len);
	const uint8_t *blob = fuzz_bytes(&in, in.n, &blob_len);

	memcpy(bootargs, args, args_len);
	bootargs[args_len] = '\0';
	/* A copy of exactly blob_len bytes, so ASan sees any read past it. */
	void *copy = malloc(blob_len ? blob_len : 1);
	FUZZ_CHECK(copy);
	memcpy(copy, blob, blob_len);

	const struct dtb_fixup_params p = {
		.ram_base = (flags & 4) ? 0x880000000ull : board->ram_base,
		.ram_size = ram_size,
		.bootargs = (flags & 1) ? bootargs : NULL,
		.initrd_start = initrd_start,
		.initrd_end = (flags & 2) ? initrd_start + initrd_len : initrd_start,
		.board = board,
	};
	if (dtb_fixup("fuzz.dtb", copy, blob_len, &p, &out, &out_len) == 0)
		check_fixed(out, out_len, &p);
	else
		FUZZ_CHECK(!out && !out_len);
	free(out);
	free(copy);
	return 0;
}
