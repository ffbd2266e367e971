/*
 * Fuzz harness: the guest image loader (framework/loader.c) - ELF and zImage
 * detection, ELF program headers, the zImage boot protocol with its DTB
 * (framework/dtb.c) and initrd - into a fake guest RAM with a PROT_NONE page
 * on each side, so a stray write faults even where ASan does not look.
 *
 * Input: an 8-byte header
 *   u8 ram      guest RAM is (ram + 256 * ram_hi) % 4096 + 1 pages of 4 KiB
 *               (up to 16 MiB; pages, so that images can end right at
 *               the end of RAM)
 *   u8 flags    bit 0: give the DTB, 1: give the initrd, 2: give the command
 *               line, 3: stamp the zImage magic into the kernel
 *   u16 dtb_len, u16 initrd_len, u8 cmdline_len, u8 ram_hi
 * then the DTB, initrd and command line bytes, and the kernel: the rest.
 * The files reach the loader as memfds, by their /proc paths.
 *
 * Invariants checked beyond the sanitizers, after a load that succeeded
 * (loader.h's promises): the kernel, initrd and DTB lie in RAM; an ELF is
 * entered at its entry point in reset state; a zImage lies at RAM + 64 KiB
 * byte for byte, the initrd on a page boundary, the DTB on a 4 KiB one right
 * after it, the entry registers r0 = 0, r1 = the machine id, r2 = the DTB,
 * and the DTB in RAM is a valid blob.
 */
#include <libfdt.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_support.h"
#include "loader.h"

#define PAGE 4096u
#define HEADER 8u

static struct fuzz_host host;
static struct vm vm;
static int kernel_fd, dtb_fd, initrd_fd;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	kernel_fd = fuzz_memfd("fuzz-kernel");
	dtb_fd = fuzz_memfd("fuzz-dtb");
	initrd_fd = fuzz_memfd("fuzz-initrd");
	vm.machine = fuzz_machine_create(&host, 16u << 20, NULL, false);
	vm.sh = aligned_alloc(PAGE, (sizeof(*vm.sh) + PAGE - 1) / PAGE * PAGE);
	FUZZ_CHECK(vm.sh);
	vm.disk.fd = -1;
	return 0;
}

/* ram_size bytes of RAM between two inaccessible pages; *map, *map_len for
 * munmap. */
static uint8_t *ram_map(uint64_t ram_size, void **map, size_t *map_len)
{
	*map_len = ram_size + 2 * PAGE;
	*map = mmap(NULL, *map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	FUZZ_CHECK(*map != MAP_FAILED);
	FUZZ_CHECK(mprotect((uint8_t *)*map + PAGE, ram_size, PROT_READ | PROT_WRITE) == 0);
	return (uint8_t *)*map + PAGE;
}

static bool in_ram(gpa_t pa, uint64_t len)
{
	return pa >= vm.ram_base && len <= vm.ram_size && pa - vm.ram_base <= vm.ram_size - len;
}

static void check_layout(const struct loader_layout *lay, const uint8_t *kernel, size_t kernel_len,
			 size_t initrd_len)
{
	const struct captive_boot *b = &vm.sh->boot;

	FUZZ_CHECK(lay->kernel_size > 0 && in_ram(lay->kernel, lay->kernel_size));
	FUZZ_CHECK(b->r[15] == (uint32_t)lay->entry);
	FUZZ_CHECK(b->cpsr == 0x1d3);
	if (!lay->linux_boot) {
		for (unsigned i = 3; i < 15; i++)
			FUZZ_CHECK(b->r[i] == 0);
		return;
	}
	FUZZ_CHECK(lay->kernel == vm.ram_base + LOADER_ZIMAGE_LOAD_OFFSET);
	FUZZ_CHECK(lay->entry == lay->kernel && lay->kernel_size == kernel_len);
	FUZZ_CHECK(!memcmp(vm.ram + LOADER_ZIMAGE_LOAD_OFFSET, kernel, kernel_len));
	FUZZ_CHECK(lay->initrd_size == initrd_len);
	if (initrd_len)
		FUZZ_CHECK(lay->initrd % PAGE == 0 && in_ram(lay->initrd, initrd_len) &&
			   lay->initrd >= lay->kernel + lay->kernel_size);
	FUZZ_CHECK(lay->dtb % 4096 == 0 && in_ram(lay->dtb, lay->dtb_size));
	FUZZ_CHECK(lay->dtb >= lay->kernel + lay->kernel_size &&
		   lay->dtb >= lay->initrd + lay->initrd_size);
	FUZZ_CHECK(b->r[0] == 0 && b->r[1] == vm.machine->board->linux_machine_id &&
		   b->r[2] == (uint32_t)lay->dtb);
	const void *fdt = vm.ram + (lay->dtb - vm.ram_base);
	FUZZ_CHECK(fdt_totalsize(fdt) == lay->dtb_size);
	FUZZ_CHECK(fdt_check_full(fdt, lay->dtb_size) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	char kpath[64], dpath[64], ipath[64];
	char cmdline[256];
	size_t dtb_len, initrd_len, cmd_len, kernel_len;

	if (size < HEADER)
		return -1; /* not worth keeping */
	unsigned ram = fuzz_u8(&in);
	uint8_t flags = fuzz_u8(&in);
	uint16_t want_dtb = fuzz_u16(&in), want_initrd = fuzz_u16(&in);
	uint8_t want_cmd = fuzz_u8(&in);
	ram |= (unsigned)fuzz_u8(&in) << 8;
	uint64_t ram_size = (uint64_t)(ram % 4096 + 1) * PAGE;
	const uint8_t *dtb = fuzz_bytes(&in, want_dtb, &dtb_len);
	const uint8_t *initrd = fuzz_bytes(&in, want_initrd, &initrd_len);
	const uint8_t *cmd = fuzz_bytes(&in, want_cmd, &cmd_len);
	const uint8_t *kernel = fuzz_bytes(&in, in.n, &kernel_len);

	/* The magic is a 32-bit compare the fuzzer finds slowly on its own. */
	uint8_t *kcopy = NULL;
	if ((flags & 8) && kernel_len >= LOADER_ZIMAGE_MAGIC_OFFSET + 4) {
		const uint32_t magic = LOADER_ZIMAGE_MAGIC;
		kcopy = malloc(kernel_len);
		FUZZ_CHECK(kcopy);
		memcpy(kcopy, kernel, kernel_len);
		memcpy(kcopy + LOADER_ZIMAGE_MAGIC_OFFSET, &magic, sizeof(magic));
		kernel = kcopy;
	}
	fuzz_memfd_set(kernel_fd, kernel, kernel_len);
	fuzz_memfd_set(dtb_fd, dtb, dtb_len);
	fuzz_memfd_set(initrd_fd, initrd, initrd_len);
	memcpy(cmdline, cmd, cmd_len);
	cmdline[cmd_len] = '\0';

	void *map;
	size_t map_len;
	vm.ram_base = vm.machine->board->ram_base;
	vm.ram_size = ram_size;
	vm.ram = ram_map(ram_size, &map, &map_len);
	memset(vm.sh, 0, sizeof(*vm.sh));

	const struct loader_guest g = {
		.kernel = fuzz_fd_path(kernel_fd, kpath, sizeof(kpath)),
		.dtb = (flags & 1) ? fuzz_fd_path(dtb_fd, dpath, sizeof(dpath)) : NULL,
		.initrd = (flags & 2) ? fuzz_fd_path(initrd_fd, ipath, sizeof(ipath)) : NULL,
		.cmdline = (flags & 4) ? cmdline : NULL,
	};
	struct loader_layout lay;
	if (loader_load_guest(&vm, &g, &lay) == 0)
		check_layout(&lay, kernel, kernel_len, (flags & 2) ? initrd_len : 0);

	munmap(map, map_len);
	free(kcopy);
	return 0;
}
