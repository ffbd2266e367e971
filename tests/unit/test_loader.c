/*
 * Check suite: the guest loader and the boot protocol - zImage detection,
 * where the kernel, initrd and DTB land (QEMU's placement), the entry
 * registers, the DTB fix-ups read back with libfdt (virtio-mmio nodes,
 * bootargs, initrd range, memory size), the errors for bad input, the host
 * write path's bounds and dirty marking, and opening the disk file.
 */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader.h"
#include "platform/vexpress-a9.h"
#include "support/check_main.h"
#include "support/fake_board.h"

#define RAM_BASE VEXPRESS_RAM_BASE
#define GIC_PHANDLE 7u
#define MiB (1ull << 20)

static struct vm vm;
static char dir[64];
static char kernel[128], initrd[128], dtb[128];

static void setup_vm(uint64_t ram_size)
{
	memset(&vm, 0, sizeof(vm));
	memset(&fake_host, 0, sizeof(fake_host));
	vm.ram_base = RAM_BASE;
	vm.ram_size = ram_size;
	vm.ram = calloc(1, ram_size);
	ck_assert_ptr_nonnull(vm.ram);
	vm.sh = aligned_alloc(4096, 8192);
	ck_assert_ptr_nonnull(vm.sh);
	memset(vm.sh, 0, 8192);
	fake_machine = fake_board_create(ram_size, false);
	vm.machine = fake_machine;
	vm.disk.fd = -1;
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/captive-loader-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(kernel, sizeof(kernel), "%s/zImage", dir);
	snprintf(initrd, sizeof(initrd), "%s/initrd", dir);
	snprintf(dtb, sizeof(dtb), "%s/board.dtb", dir);
	setup_vm(256 * MiB);
}

static void teardown(void)
{
	fake_board_teardown();
	free(vm.ram);
	free(vm.sh);
	unlink(kernel);
	unlink(initrd);
	unlink(dtb);
	rmdir(dir);
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* A zImage-shaped file: `len` bytes of pattern with the magic at 0x24 and
 * the little-endian flag at 0x30. */
static void write_zimage(size_t len, uint32_t endian)
{
	uint8_t *img = malloc(len);
	for (size_t i = 0; i < len; i++)
		img[i] = (uint8_t)(i * 13 + 1);
	uint32_t magic = LOADER_ZIMAGE_MAGIC;
	memcpy(img + 0x24, &magic, 4);
	memcpy(img + 0x30, &endian, 4);
	write_file(kernel, img, len);
	free(img);
}

static void write_initrd(size_t len)
{
	uint8_t *d = malloc(len);
	for (size_t i = 0; i < len; i++)
		d[i] = (uint8_t)(i * 3 + 7);
	write_file(initrd, d, len);
	free(d);
}

enum dtb_shape { DTB_GOOD, DTB_NO_GIC, DTB_WITH_VIRTIO, DTB_STALE_INITRD };

/* A small vexpress-like device tree. */
static void write_dtb(enum dtb_shape shape)
{
	char buf[4096];
	ck_assert_int_eq(fdt_create(buf, sizeof(buf)), 0);
	ck_assert_int_eq(fdt_finish_reservemap(buf), 0);
	ck_assert_int_eq(fdt_begin_node(buf, ""), 0);
	fdt_property_string(buf, "compatible", "arm,vexpress,v2p-ca9");
	fdt_property_u32(buf, "#address-cells", 1);
	fdt_property_u32(buf, "#size-cells", 1);
	fdt_property_u32(buf, "interrupt-parent", GIC_PHANDLE);
	fdt_begin_node(buf, "chosen");
	fdt_property_string(buf, "stdout-path", "serial0:38400n8");
	if (shape == DTB_STALE_INITRD) {
		fdt_property_u32(buf, "linux,initrd-start", 0x61000000);
		fdt_property_u32(buf, "linux,initrd-end", 0x61100000);
	}
	fdt_end_node(buf);
	fdt_begin_node(buf, "memory@60000000");
	fdt_property_string(buf, "device_type", "memory");
	const fdt32_t reg[2] = { cpu_to_fdt32(0x60000000), cpu_to_fdt32(0x20000000) };
	fdt_property(buf, "reg", reg, sizeof(reg));
	fdt_end_node(buf);
	if (shape != DTB_NO_GIC) {
		fdt_begin_node(buf, "interrupt-controller@1e001000");
		fdt_property_string(buf, "compatible", "arm,cortex-a9-gic");
		fdt_property_u32(buf, "phandle", GIC_PHANDLE);
		fdt_end_node(buf);
	}
	if (shape == DTB_WITH_VIRTIO) {
		fdt_begin_node(buf, "virtio_mmio@10013000");
		fdt_property_string(buf, "compatible", "virtio,mmio");
		fdt_end_node(buf);
	}
	ck_assert_int_eq(fdt_end_node(buf), 0);
	ck_assert_int_eq(fdt_finish(buf), 0);
	write_file(dtb, buf, fdt_totalsize(buf));
}

static int load(const char *k, const char *d, const char *i, const char *cmdline,
		struct loader_layout *lay)
{
	const struct loader_guest g = { .kernel = k, .dtb = d, .initrd = i, .cmdline = cmdline };
	return loader_load_guest(&vm, &g, lay);
}

static uint8_t *ram_at(gpa_t pa)
{
	ck_assert(pa >= vm.ram_base && pa - vm.ram_base < vm.ram_size);
	return vm.ram + (pa - vm.ram_base);
}

static uint32_t prop_cell(const void *fdt, const char *path, const char *name, int idx)
{
	int node = fdt_path_offset(fdt, path);
	ck_assert_int_ge(node, 0);
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_gt(len, idx * 4);
	return fdt32_to_cpu(v[idx]);
}

static bool chunk_dirty(gpa_t pa)
{
	uint64_t c = (pa - RAM_BASE) >> CAPTIVE_DIRTY_CHUNK_SHIFT;
	return (vm.sh->dirty.bits[c / 64] >> (c % 64)) & 1;
}

START_TEST(test_zimage_boot_protocol)
{
	struct loader_layout lay;
	write_zimage(64 * 1024, 0x04030201);
	write_initrd(100000);
	write_dtb(DTB_GOOD);
	ck_assert_int_eq(load(kernel, dtb, initrd, "console=ttyAMA0 root=/dev/vda", &lay), 0);

	/* QEMU's placement for 256 MiB: kernel at +64 KiB, initrd at +128 MiB,
	 * the DTB on the next 4 KiB boundary after it */
	ck_assert(lay.linux_boot);
	ck_assert_uint_eq(lay.kernel, RAM_BASE + 0x10000);
	ck_assert_uint_eq(lay.initrd, RAM_BASE + 128 * MiB);
	ck_assert_uint_eq(lay.initrd_size, 100000);
	ck_assert_uint_eq(lay.dtb, 0x68019000);
	ck_assert_uint_eq(lay.dtb % 4096, 0);

	/* entry registers */
	const struct captive_boot *b = &vm.sh->boot;
	ck_assert_uint_eq(b->r[0], 0);
	ck_assert_uint_eq(b->r[1], VEXPRESS_LINUX_MACHINE_ID);
	ck_assert_uint_eq(b->r[2], lay.dtb);
	ck_assert_uint_eq(b->r[15], RAM_BASE + 0x10000);
	ck_assert_uint_eq(b->cpsr, 0x1d3);

	/* the bytes */
	ck_assert_uint_eq(ram_at(lay.kernel)[0], 1);
	ck_assert_uint_eq(ram_at(lay.kernel)[0x24], 0x18);
	ck_assert_uint_eq(ram_at(lay.kernel + 65535)[0], (uint8_t)(65535 * 13 + 1));
	ck_assert_uint_eq(ram_at(lay.initrd)[0], 7);
	ck_assert_uint_eq(ram_at(lay.initrd + 99999)[0], (uint8_t)(99999 * 3 + 7));

	/* the loader's writes are marked for the engine's code caches */
	ck_assert_uint_eq(vm.sh->dirty.pending, 1);
	ck_assert(chunk_dirty(lay.kernel));
	ck_assert(chunk_dirty(lay.initrd));
	ck_assert(chunk_dirty(lay.dtb));
	ck_assert(!chunk_dirty(RAM_BASE + 64 * MiB));
}
END_TEST

START_TEST(test_dtb_fixups)
{
	struct loader_layout lay;
	write_zimage(64 * 1024, 0x04030201);
	write_initrd(100000);
	write_dtb(DTB_GOOD);
	ck_assert_int_eq(load(kernel, dtb, initrd, "console=ttyAMA0 root=/dev/vda", &lay), 0);
	const void *fdt = ram_at(lay.dtb);
	ck_assert_int_eq(fdt_check_full(fdt, lay.dtb_size), 0);
	ck_assert_uint_eq(fdt_totalsize(fdt), lay.dtb_size);

	/* /chosen */
	int chosen = fdt_path_offset(fdt, "/chosen");
	ck_assert_int_ge(chosen, 0);
	ck_assert_str_eq(fdt_getprop(fdt, chosen, "bootargs", NULL), "console=ttyAMA0 root=/dev/vda");
	ck_assert_str_eq(fdt_getprop(fdt, chosen, "stdout-path", NULL), "serial0:38400n8");
	ck_assert_uint_eq(prop_cell(fdt, "/chosen", "linux,initrd-start", 0), 0x68000000);
	ck_assert_uint_eq(prop_cell(fdt, "/chosen", "linux,initrd-end", 0), 0x68000000 + 100000);

	/* /memory from -m */
	ck_assert_uint_eq(prop_cell(fdt, "/memory@60000000", "reg", 0), RAM_BASE);
	ck_assert_uint_eq(prop_cell(fdt, "/memory@60000000", "reg", 1), 256 * MiB);

	/* four virtio-mmio transports at the root, in address order */
	int first = fdt_first_subnode(fdt, 0);
	ck_assert_str_eq(fdt_get_name(fdt, first, NULL), "virtio_mmio@10013000");
	for (unsigned i = 0; i < 4; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/virtio_mmio@%x", 0x10013000 + i * 0x200);
		int node = fdt_path_offset(fdt, path);
		ck_assert_int_ge(node, 0);
		ck_assert_int_eq(fdt_node_check_compatible(fdt, node, "virtio,mmio"), 0);
		ck_assert_uint_eq(prop_cell(fdt, path, "reg", 0), 0x10013000 + i * 0x200);
		ck_assert_uint_eq(prop_cell(fdt, path, "reg", 1), 0x200);
		ck_assert_uint_eq(prop_cell(fdt, path, "interrupt-parent", 0), GIC_PHANDLE);
		ck_assert_uint_eq(prop_cell(fdt, path, "interrupts", 0), 0);
		ck_assert_uint_eq(prop_cell(fdt, path, "interrupts", 1), 40 + i);
		ck_assert_uint_eq(prop_cell(fdt, path, "interrupts", 2), 1);
		ck_assert_ptr_nonnull(fdt_getprop(fdt, node, "dma-coherent", NULL));
	}
	ck_assert_int_lt(fdt_path_offset(fdt, "/virtio_mmio@10013800"), 0);
}
END_TEST

START_TEST(test_small_ram_no_initrd)
{
	struct loader_layout lay;
	fake_board_teardown();
	free(vm.ram);
	free(vm.sh);
	setup_vm(64 * MiB);

	write_zimage(4096, 0);
	write_dtb(DTB_STALE_INITRD);
	ck_assert_int_eq(load(kernel, dtb, "", "", &lay), 0);
	/* no initrd: the DTB takes its place, at min(RAM / 2, 128 MiB) */
	ck_assert_uint_eq(lay.initrd_size, 0);
	ck_assert_uint_eq(lay.dtb, RAM_BASE + 32 * MiB);
	const void *fdt = ram_at(lay.dtb);
	int chosen = fdt_path_offset(fdt, "/chosen");
	ck_assert_ptr_null(fdt_getprop(fdt, chosen, "linux,initrd-start", NULL));
	ck_assert_ptr_null(fdt_getprop(fdt, chosen, "linux,initrd-end", NULL));
	/* an empty command line leaves bootargs alone (there were none) */
	ck_assert_ptr_null(fdt_getprop(fdt, chosen, "bootargs", NULL));
	ck_assert_uint_eq(prop_cell(fdt, "/memory@60000000", "reg", 1), 64 * MiB);
}
END_TEST

START_TEST(test_not_a_kernel)
{
	write_file(kernel, "this is not a kernel at all, not even close, really not", 56);
	ck_assert_int_eq(load(kernel, NULL, NULL, NULL, NULL), -EINVAL);
	write_file(kernel, "ab", 2);
	ck_assert_int_eq(load(kernel, NULL, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(load(NULL, NULL, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(load("/nonexistent/zImage", NULL, NULL, NULL, NULL), -ENOENT);
	/* a big-endian zImage */
	write_zimage(4096, 0x01020304);
	write_dtb(DTB_GOOD);
	ck_assert_int_eq(load(kernel, dtb, NULL, NULL, NULL), -EINVAL);
}
END_TEST

START_TEST(test_zimage_needs_a_good_dtb)
{
	write_zimage(4096, 0x04030201);
	ck_assert_int_eq(load(kernel, NULL, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(load(kernel, "", NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(load(kernel, "/nonexistent.dtb", NULL, NULL, NULL), -ENOENT);

	static const char junk[] = "\xd0\x0d\xfe\xed garbage after the magic";
	write_file(dtb, junk, sizeof(junk) - 1);
	ck_assert_int_eq(load(kernel, dtb, NULL, NULL, NULL), -EINVAL);
	write_file(dtb, "", 0);
	ck_assert_int_eq(load(kernel, dtb, NULL, NULL, NULL), -EINVAL);

	/* a valid blob cut short */
	write_dtb(DTB_GOOD);
	FILE *f = fopen(dtb, "rb");
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	write_file(dtb, buf, n / 2);
	ck_assert_int_eq(load(kernel, dtb, NULL, NULL, NULL), -EINVAL);

	write_dtb(DTB_WITH_VIRTIO);
	ck_assert_int_eq(load(kernel, dtb, NULL, NULL, NULL), -EINVAL);
	write_dtb(DTB_NO_GIC);
	ck_assert_int_eq(load(kernel, dtb, NULL, NULL, NULL), -EINVAL);

	write_dtb(DTB_GOOD);
	ck_assert_int_eq(load(kernel, dtb, NULL, NULL, NULL), 0);
}
END_TEST

START_TEST(test_initrd_too_large)
{
	struct loader_layout lay;
	fake_board_teardown();
	free(vm.ram);
	free(vm.sh);
	setup_vm(16 * MiB);
	write_zimage(4096, 0x04030201);
	write_dtb(DTB_GOOD);

	/* 16 MiB: the initrd goes at +8 MiB, so 8 MiB is left for it and the DTB */
	write_initrd(8 * MiB + 1);
	ck_assert_int_eq(load(kernel, dtb, initrd, NULL, NULL), -EFBIG);
	write_initrd(8 * MiB - 100);
	ck_assert_int_eq(load(kernel, dtb, initrd, NULL, NULL), -EFBIG); /* no room for the DTB */
	write_initrd(8 * MiB - 8192);
	ck_assert_int_eq(load(kernel, dtb, initrd, NULL, &lay), 0);
	ck_assert_uint_eq(lay.initrd, RAM_BASE + 8 * MiB);
	ck_assert_uint_le(lay.dtb + lay.dtb_size, RAM_BASE + 16 * MiB);

	/* a kernel larger than RAM */
	write_zimage(16 * MiB, 0x04030201);
	ck_assert_int_eq(load(kernel, dtb, NULL, NULL, NULL), -EFBIG);
}
END_TEST

START_TEST(test_elf_still_loads)
{
	struct {
		Elf32_Ehdr eh;
		Elf32_Phdr ph;
		uint32_t code[2];
	} img = { 0 };
	memcpy(img.eh.e_ident, ELFMAG, SELFMAG);
	img.eh.e_ident[EI_CLASS] = ELFCLASS32;
	img.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	img.eh.e_type = ET_EXEC;
	img.eh.e_machine = EM_ARM;
	img.eh.e_entry = RAM_BASE + 0x100;
	img.eh.e_phoff = offsetof(__typeof__(img), ph);
	img.eh.e_phentsize = sizeof(Elf32_Phdr);
	img.eh.e_phnum = 1;
	img.ph.p_type = PT_LOAD;
	img.ph.p_offset = offsetof(__typeof__(img), code);
	img.ph.p_paddr = RAM_BASE + 0x100;
	img.ph.p_filesz = 8;
	img.ph.p_memsz = 16;
	img.code[0] = 0xe3a00001;
	img.code[1] = 0xeafffffe;
	write_file(kernel, &img, sizeof(img));
	write_dtb(DTB_GOOD);

	struct loader_layout lay;
	ck_assert_int_eq(load(kernel, dtb, NULL, NULL, &lay), 0); /* the DTB is ignored */
	ck_assert(!lay.linux_boot);
	ck_assert_uint_eq(vm.sh->boot.r[15], RAM_BASE + 0x100);
	ck_assert_uint_eq(vm.sh->boot.r[2], 0);
	ck_assert_uint_eq(vm.sh->boot.cpsr, 0x1d3);
	uint32_t w;
	memcpy(&w, ram_at(RAM_BASE + 0x104), 4);
	ck_assert_uint_eq(w, 0xeafffffe);
}
END_TEST

START_TEST(test_ram_write_bounds)
{
	uint8_t b[16] = { 1 };
	ck_assert_int_eq(vm_ram_write(&vm, RAM_BASE - 1, b, 2), -EFAULT);
	ck_assert_int_eq(vm_ram_write(&vm, RAM_BASE + 256 * MiB - 8, b, 16), -EFAULT);
	ck_assert_int_eq(vm_ram_write(&vm, ~0ull - 4, b, 16), -EFAULT);
	ck_assert_int_eq(vm.sh->dirty.pending, 0);
	ck_assert_int_eq(vm_ram_write(&vm, RAM_BASE + 256 * MiB - 16, b, 16), 0);
	ck_assert_int_eq(vm.sh->dirty.pending, 1);
	ck_assert(chunk_dirty(RAM_BASE + 256 * MiB - 1));

	/* a range across chunk and word boundaries sets exactly its chunks */
	memset(&vm.sh->dirty, 0, sizeof(vm.sh->dirty));
	vm_ram_mark_written(&vm, RAM_BASE + 63 * 65536 + 5, 3 * 65536);
	for (unsigned c = 60; c < 70; c++)
		ck_assert_int_eq(chunk_dirty(RAM_BASE + c * 65536ull), c >= 63 && c <= 66);
	/* ranges partly or wholly outside RAM */
	memset(&vm.sh->dirty, 0, sizeof(vm.sh->dirty));
	vm_ram_mark_written(&vm, 0x10000000, 4096);
	ck_assert_int_eq(vm.sh->dirty.pending, 0);
	vm_ram_mark_written(&vm, RAM_BASE - 4096, 8192);
	ck_assert(chunk_dirty(RAM_BASE));
}
END_TEST

START_TEST(test_disk_open)
{
	struct board_disk d;
	ck_assert_int_eq(loader_open_disk("/nonexistent/disk.img", false, &d), -ENOENT);
	ck_assert_int_eq(d.fd, -1);
	ck_assert_int_eq(loader_open_disk("/tmp", true, &d), -EINVAL);
	/* A FIFO is refused, not waited on: read-only, open() would block
	 * until a writer came. */
	char fifo[128];
	snprintf(fifo, sizeof(fifo), "%s/fifo.img", dir);
	ck_assert_int_eq(mkfifo(fifo, 0644), 0);
	ck_assert_int_eq(loader_open_disk(fifo, true, &d), -EINVAL);
	ck_assert_int_eq(loader_open_disk(fifo, false, &d), -EINVAL);
	unlink(fifo);
	char path[128];
	snprintf(path, sizeof(path), "%s/disk.img", dir);
	char zeros[4096] = { 0 };
	write_file(path, zeros, sizeof(zeros));

	/* a read-only file needs readonly, whoever runs the test (root too) */
	ck_assert_int_eq(chmod(path, 0444), 0);
	ck_assert_int_eq(loader_open_disk(path, false, &d), -EACCES);
	ck_assert_int_eq(d.fd, -1);
	ck_assert_int_eq(loader_open_disk(path, true, &d), 0);
	ck_assert_int_eq(loader_close_disk(&d), 0);
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(loader_open_disk(path, false, &d), 0);
	ck_assert_int_ge(d.fd, 0);
	ck_assert_uint_eq(d.size, 4096);
	ck_assert(!d.readonly);
	ck_assert_int_eq(pwrite(d.fd, "x", 1, 0), 1);
	ck_assert_int_eq(loader_flush_disk(&d), 0);
	ck_assert_int_eq(loader_close_disk(&d), 0);
	ck_assert_int_eq(d.fd, -1);
	ck_assert_int_eq(loader_close_disk(&d), 0);

	ck_assert_int_eq(loader_open_disk(path, true, &d), 0);
	ck_assert(d.readonly);
	ck_assert_int_lt(pwrite(d.fd, "x", 1, 0), 0);
	ck_assert_int_eq(loader_close_disk(&d), 0);
	unlink(path);
}
END_TEST

/* One writer or any number of read-only users: OFD locks conflict between
 * open file descriptions even in one process, so two opens here behave as
 * two captives would. */
START_TEST(test_disk_lock)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/locked.img", dir);
	char zeros[4096] = { 0 };
	write_file(path, zeros, sizeof(zeros));
	struct board_disk a, b, c;

	ck_assert_int_eq(loader_open_disk(path, false, &a), 0);
	ck_assert_int_eq(loader_open_disk(path, false, &b), -EBUSY);
	ck_assert_int_eq(b.fd, -1);
	ck_assert_int_eq(loader_open_disk(path, true, &b), -EBUSY);
	ck_assert_int_eq(loader_close_disk(&a), 0);
	/* closing released it */
	ck_assert_int_eq(loader_open_disk(path, false, &a), 0);
	ck_assert_int_eq(loader_close_disk(&a), 0);

	ck_assert_int_eq(loader_open_disk(path, true, &a), 0);
	ck_assert_int_eq(loader_open_disk(path, true, &b), 0);
	ck_assert_int_eq(loader_open_disk(path, false, &c), -EBUSY);
	ck_assert_int_eq(loader_close_disk(&a), 0);
	ck_assert_int_eq(loader_open_disk(path, false, &c), -EBUSY);
	ck_assert_int_eq(loader_close_disk(&b), 0);
	ck_assert_int_eq(loader_open_disk(path, false, &c), 0);
	ck_assert_int_eq(loader_close_disk(&c), 0);
	unlink(path);
}
END_TEST

static Suite *loader_suite(void)
{
	Suite *s = suite_create("loader");
	TCase *boot = tcase_create("boot protocol");
	TCase *bad = tcase_create("bad input");
	TCase *host = tcase_create("host paths");

	tcase_add_checked_fixture(boot, setup, teardown);
	tcase_add_test(boot, test_zimage_boot_protocol);
	tcase_add_test(boot, test_dtb_fixups);
	tcase_add_test(boot, test_small_ram_no_initrd);
	tcase_add_test(boot, test_elf_still_loads);
	suite_add_tcase(s, boot);

	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test(bad, test_not_a_kernel);
	tcase_add_test(bad, test_zimage_needs_a_good_dtb);
	tcase_add_test(bad, test_initrd_too_large);
	suite_add_tcase(s, bad);

	tcase_add_checked_fixture(host, setup, teardown);
	tcase_add_test(host, test_ram_write_bounds);
	tcase_add_test(host, test_disk_open);
	tcase_add_test(host, test_disk_lock);
	suite_add_tcase(s, host);
	return s;
}

int main(void)
{
	return check_run_suite(loader_suite());
}
