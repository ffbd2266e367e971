/*
 * Guest image loading: ARM ELF32 executables (bare-metal programs) and Linux
 * zImages with their DTB and initrd (the boot protocol of Linux's
 * Documentation/arch/arm/booting.rst, with QEMU's placement); the disk file;
 * the host write path into guest RAM.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dtb.h"
#include "loader.h"

#define ARM_CPSR_RESET 0x1d3u /* SVC mode, A/I/F masked */

/* zImage header words after the magic: load address (0: position
 * independent), end address, and - since Linux 3.17 - an endianness flag,
 * 0x04030201 for little-endian kernels (older ones leave it out). */
#define ZIMAGE_ENDIAN_OFFSET 0x30u
#define ZIMAGE_ENDIAN_BE 0x01020304u

/* QEMU puts the initrd at min(RAM / 2, 128 MiB) from the start of RAM: high
 * enough that the decompressed kernel (at RAM + 32 KiB, a few MiB) never
 * reaches it, low enough to stay in the kernel's lowmem. */
#define LOADER_INITRD_MAX_OFFSET (128ull << 20)
#define LOADER_PAGE 4096ull
#define LOADER_DTB_ALIGN 4096ull

static uint64_t loader_align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool loader_given(const char *s)
{
	return s && *s;
}

/* ---- the host write path into guest RAM --------------------------------- */

void vm_ram_mark_written(struct vm *vm, gpa_t pa, uint64_t len)
{
	if (!vm->sh || !len)
		return;
	gpa_t lo = pa < vm->ram_base ? vm->ram_base : pa;
	gpa_t end = pa + len < pa ? ~(gpa_t)0 : pa + len;
	gpa_t ram_end = vm->ram_base + vm->ram_size;
	if (end > ram_end)
		end = ram_end;
	if (lo >= end)
		return;
	struct captive_dirty *d = &vm->sh->dirty;
	uint64_t first = (lo - vm->ram_base) >> CAPTIVE_DIRTY_CHUNK_SHIFT;
	uint64_t last = (end - 1 - vm->ram_base) >> CAPTIVE_DIRTY_CHUNK_SHIFT;
	if (last >= CAPTIVE_DIRTY_WORDS * 64ull)
		last = CAPTIVE_DIRTY_WORDS * 64ull - 1;
	for (uint64_t c = first; c <= last;) {
		uint64_t w = c / 64, bit = c % 64;
		uint64_t n = last - c + 1 < 64 - bit ? last - c + 1 : 64 - bit;
		uint64_t mask = (n == 64 ? ~0ull : ((1ull << n) - 1)) << bit;
		__atomic_fetch_or(&d->bits[w], mask, __ATOMIC_RELAXED);
		c += n;
	}
	__atomic_store_n(&d->pending, 1, __ATOMIC_RELEASE);
}

/* Is [pa, pa + len) all guest RAM? */
static bool vm_ram_holds(const struct vm *vm, gpa_t pa, uint64_t len)
{
	return pa >= vm->ram_base && len <= vm->ram_size && pa - vm->ram_base <= vm->ram_size - len;
}

int vm_ram_write(struct vm *vm, gpa_t pa, const void *data, uint64_t len)
{
	if (!vm_ram_holds(vm, pa, len))
		return -EFAULT;
	memcpy(vm->ram + (pa - vm->ram_base), data, len);
	vm_ram_mark_written(vm, pa, len);
	return 0;
}

/* ---- files --------------------------------------------------------------- */

static int loader_read_file(const char *what, const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		int err = errno;
		fprintf(stderr, "captive: %s '%s': %s\n", what, path, strerror(err));
		return -err;
	}
	struct stat st;
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "captive: %s '%s' is not a regular file\n", what, path);
		fclose(f);
		return -EINVAL;
	}
	*len = (size_t)st.st_size;
	*data = malloc(*len ? *len : 1);
	if (!*data || fread(*data, 1, *len, f) != *len) {
		fprintf(stderr, "captive: %s '%s': read failed\n", what, path);
		free(*data);
		*data = NULL;
		fclose(f);
		return -EIO;
	}
	fclose(f);
	return 0;
}

static uint32_t loader_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void loader_boot_reset(struct vm *vm, gpa_t entry)
{
	struct captive_boot *boot = &vm->sh->boot;
	memset(boot, 0, sizeof(*boot));
	boot->r[15] = (uint32_t)entry;
	boot->cpsr = ARM_CPSR_RESET;
}

/* ---- ELF ------------------------------------------------------------------ */

static int loader_elf(struct vm *vm, const char *path, const uint8_t *img, size_t len,
		      struct loader_layout *lay)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)img;
	if (len < sizeof(*eh) || eh->e_ident[EI_CLASS] != ELFCLASS32 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_ARM) {
		fprintf(stderr, "captive: kernel '%s' is an ELF file but not a 32-bit little-endian ARM one\n",
			path);
		return -EINVAL;
	}
	if (eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(Elf32_Phdr) ||
	    eh->e_phoff > len || (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > len - eh->e_phoff) {
		fprintf(stderr, "captive: kernel '%s': corrupt or non-executable ELF (bad program headers)\n",
			path);
		return -EINVAL;
	}
	const uint8_t *phdrs = img + eh->e_phoff;
	unsigned loaded = 0;
	gpa_t lo = ~(gpa_t)0, hi = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		/* Copied, not cast: nothing makes e_phoff a multiple of 4. */
		Elf32_Phdr ph;
		memcpy(&ph, phdrs + (size_t)i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (ph.p_filesz > ph.p_memsz || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset) {
			fprintf(stderr, "captive: kernel '%s': segment %u lies outside the file\n", path, i);
			return -EINVAL;
		}
		gpa_t pa = ph.p_paddr;
		/* Before allocating: p_memsz may say anything up to 4 GiB. */
		if (!vm_ram_holds(vm, pa, ph.p_memsz)) {
			fprintf(stderr, "captive: kernel '%s': segment %u at 0x%llx+0x%x is outside guest RAM 0x%llx-0x%llx\n",
				path, i, (unsigned long long)pa, ph.p_memsz,
				(unsigned long long)vm->ram_base,
				(unsigned long long)(vm->ram_base + vm->ram_size - 1));
			return -EFAULT;
		}
		uint8_t *zero = calloc(1, ph.p_memsz);
		if (!zero)
			return -ENOMEM;
		memcpy(zero, img + ph.p_offset, ph.p_filesz);
		vm_ram_write(vm, pa, zero, ph.p_memsz); /* cannot fail: checked above */
		free(zero);
		if (pa < lo)
			lo = pa;
		if (pa + ph.p_memsz > hi)
			hi = pa + ph.p_memsz;
		loaded++;
	}
	if (!loaded) {
		fprintf(stderr, "captive: kernel '%s' has no loadable segments\n", path);
		return -EINVAL;
	}
	loader_boot_reset(vm, eh->e_entry);
	lay->kernel = lo;
	lay->kernel_size = hi - lo;
	lay->entry = eh->e_entry;
	return 0;
}

/* ---- Linux zImage ---------------------------------------------------------- */

static int loader_zimage(struct vm *vm, const struct loader_guest *g, const uint8_t *img,
			 size_t len, struct loader_layout *lay)
{
	const struct board *board = vm->machine->board;
	gpa_t ram_end = vm->ram_base + vm->ram_size;
	uint8_t *initrd = NULL, *dtb = NULL;
	void *fixed = NULL;
	size_t initrd_len = 0, dtb_len = 0, fixed_len = 0;
	int err;

	if (len >= ZIMAGE_ENDIAN_OFFSET + 4 &&
	    loader_le32(img + ZIMAGE_ENDIAN_OFFSET) == ZIMAGE_ENDIAN_BE) {
		fprintf(stderr, "captive: kernel '%s' is a big-endian zImage; the guest CPU runs little-endian\n",
			g->kernel);
		return -EINVAL;
	}
	if (!loader_given(g->dtb)) {
		fprintf(stderr, "captive: kernel '%s' is a Linux zImage and needs a device tree: give --dtb (for this board: --dtb build/%s.dtb)\n",
			g->kernel, board->name);
		return -EINVAL;
	}

	gpa_t kernel = vm->ram_base + LOADER_ZIMAGE_LOAD_OFFSET;
	if (len > ram_end - kernel) {
		fprintf(stderr, "captive: kernel '%s' (%zu bytes) does not fit in %llu MiB of guest RAM at 0x%llx\n",
			g->kernel, len, (unsigned long long)(vm->ram_size >> 20), (unsigned long long)kernel);
		return -EFBIG;
	}

	uint64_t initrd_off = vm->ram_size / 2 < LOADER_INITRD_MAX_OFFSET ? vm->ram_size / 2
									   : LOADER_INITRD_MAX_OFFSET;
	gpa_t initrd_at = vm->ram_base + initrd_off;
	if (initrd_at < kernel + len)
		initrd_at = kernel + len;
	initrd_at = loader_align_up(initrd_at, LOADER_PAGE);
	if (loader_given(g->initrd)) {
		err = loader_read_file("initrd", g->initrd, &initrd, &initrd_len);
		if (err)
			goto out;
		if (initrd_at > ram_end || initrd_len > ram_end - initrd_at) {
			fprintf(stderr, "captive: initrd '%s' (%zu bytes) is too large for guest RAM: it goes at 0x%llx, which leaves %llu bytes of the %llu MiB; give more memory (-m) or a smaller initrd\n",
				g->initrd, initrd_len, (unsigned long long)initrd_at,
				(unsigned long long)(initrd_at < ram_end ? ram_end - initrd_at : 0),
				(unsigned long long)(vm->ram_size >> 20));
			err = -EFBIG;
			goto out;
		}
	}

	err = loader_read_file("dtb", g->dtb, &dtb, &dtb_len);
	if (err)
		goto out;
	struct dtb_fixup_params fp = {
		.ram_base = vm->ram_base,
		.ram_size = vm->ram_size,
		.bootargs = g->cmdline,
		.initrd_start = initrd_at,
		.initrd_end = initrd_at + initrd_len,
		.board = board,
	};
	err = dtb_fixup(g->dtb, dtb, dtb_len, &fp, &fixed, &fixed_len);
	if (err)
		goto out;
	gpa_t dtb_at = loader_align_up(initrd_at + initrd_len, LOADER_DTB_ALIGN);
	if (dtb_at > ram_end || fixed_len > ram_end - dtb_at) {
		fprintf(stderr, "captive: dtb '%s' (%zu bytes after fix-ups) does not fit in guest RAM after the initrd (at 0x%llx, RAM ends at 0x%llx); give more memory (-m) or a smaller initrd\n",
			g->dtb, fixed_len, (unsigned long long)dtb_at, (unsigned long long)ram_end);
		err = -EFBIG;
		goto out;
	}

	/* All three fit: none of these writes can fail. */
	vm_ram_write(vm, kernel, img, len);
	if (initrd_len)
		vm_ram_write(vm, initrd_at, initrd, initrd_len);
	vm_ram_write(vm, dtb_at, fixed, fixed_len);

	/* QEMU passes the board's machine number in r1 even when booting with
	 * a DTB; Linux ignores r1 once r2 points at a valid DTB. */
	loader_boot_reset(vm, kernel);
	vm->sh->boot.r[0] = 0;
	vm->sh->boot.r[1] = board->linux_machine_id;
	vm->sh->boot.r[2] = (uint32_t)dtb_at;

	lay->linux_boot = true;
	lay->kernel = kernel;
	lay->kernel_size = len;
	lay->entry = kernel;
	lay->initrd = initrd_len ? initrd_at : 0;
	lay->initrd_size = initrd_len;
	lay->dtb = dtb_at;
	lay->dtb_size = fixed_len;
out:
	free(fixed);
	free(dtb);
	free(initrd);
	return err;
}

int loader_load_guest(struct vm *vm, const struct loader_guest *g, struct loader_layout *out)
{
	struct loader_layout lay = { 0 };
	uint8_t *img = NULL;
	size_t len = 0;
	int err;

	if (!loader_given(g->kernel)) {
		fprintf(stderr, "captive: no guest kernel: give --kernel PATH or [guest] kernel = PATH\n");
		return -EINVAL;
	}
	err = loader_read_file("kernel", g->kernel, &img, &len);
	if (err)
		return err;
	if (len >= SELFMAG && !memcmp(img, ELFMAG, SELFMAG)) {
		err = loader_elf(vm, g->kernel, img, len, &lay);
		if (!err && (loader_given(g->dtb) || loader_given(g->initrd)))
			fprintf(stderr, "captive: warning: kernel '%s' is an ELF program, not a Linux zImage: --dtb and --initrd are ignored\n",
				g->kernel);
	} else if (len >= LOADER_ZIMAGE_MAGIC_OFFSET + 4 &&
		   loader_le32(img + LOADER_ZIMAGE_MAGIC_OFFSET) == LOADER_ZIMAGE_MAGIC) {
		err = loader_zimage(vm, g, img, len, &lay);
	} else {
		fprintf(stderr, "captive: kernel '%s' is not an ARM ELF executable or a Linux zImage (expected the ELF magic, or the zImage magic 0x%08x at offset 0x%x)\n",
			g->kernel, LOADER_ZIMAGE_MAGIC, LOADER_ZIMAGE_MAGIC_OFFSET);
		err = -EINVAL;
	}
	free(img);
	if (!err && out)
		*out = lay;
	return err;
}

/* ---- the disk file ---------------------------------------------------------- */

static int loader_disk_readonly(const char *path, const char *why)
{
	fprintf(stderr, "captive: disk '%s' is read-only (%s): give --disk %s,readonly or [disk] readonly = true\n",
		path, why, path);
	return -EACCES;
}

/*
 * An advisory lock over the whole file, as QEMU locks its images: exclusive
 * for a writable disk, shared for a read-only one, so two read-only users
 * may share an image but nobody writes one somebody else has open. An OFD
 * lock belongs to this open file description: it is not lost when another
 * descriptor of the file in this process closes (as a POSIX lock would be),
 * is not inherited by exec (O_CLOEXEC), and goes away with the process,
 * however it dies. QEMU locks single bytes of the same file with OFD locks
 * too, so a whole-file lock conflicts with a running QEMU's as well.
 */
static int loader_lock_disk(const char *path, int fd, bool readonly)
{
	struct flock fl = {
		.l_type = readonly ? F_RDLCK : F_WRLCK,
		.l_whence = SEEK_SET,
		.l_start = 0,
		.l_len = 0,
	};
	if (!fcntl(fd, F_OFD_SETLK, &fl))
		return 0;
	int err = errno;
	if (err == EAGAIN || err == EACCES) {
		fprintf(stderr, "captive: disk '%s' is in use: another process holds a lock on it (another captive or QEMU?); a disk can have one writer, or any number of users that all give ,readonly\n",
			path);
		return -EBUSY;
	}
	/* A file system without locks (some network ones): say so and go on,
	 * as QEMU does when its locks are unsupported. */
	if (err == ENOLCK || err == EOPNOTSUPP || err == EINVAL) {
		fprintf(stderr, "captive: warning: disk '%s' cannot be locked (%s): nothing stops a second user from opening it\n",
			path, strerror(err));
		return 0;
	}
	fprintf(stderr, "captive: disk '%s': cannot lock it: %s\n", path, strerror(err));
	return -err;
}

int loader_open_disk(const char *path, bool readonly, struct board_disk *out)
{
	out->fd = -1;
	/* O_NONBLOCK until we know it is a regular file: a FIFO opened
	 * read-only would otherwise wait for a writer forever (O_NOCTTY: nor
	 * may a terminal given by mistake become ours). */
	int fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		int err = errno;
		if (!readonly && (err == EACCES || err == EROFS) && access(path, R_OK) == 0)
			return loader_disk_readonly(path, strerror(err));
		if (err == EISDIR)
			goto err_not_regular;
		fprintf(stderr, "captive: disk '%s': %s\n", path, strerror(err));
		return -err;
	}
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, 0)) {
		close(fd);
		goto err_not_regular;
	}
	/* Root may open a file nobody may write: its mode still says read-only. */
	if (!readonly && !(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH))) {
		close(fd);
		return loader_disk_readonly(path, "no write permission in its mode");
	}
	int err = loader_lock_disk(path, fd, readonly);
	if (err) {
		close(fd);
		return err;
	}
	if (st.st_size < 512)
		fprintf(stderr, "captive: warning: disk '%s' is smaller than one 512-byte sector; the guest sees an empty disk\n",
			path);
	else if (st.st_size % 512)
		fprintf(stderr, "captive: warning: disk '%s' is not a whole number of 512-byte sectors; the last %lld bytes are not visible to the guest\n",
			path, (long long)(st.st_size % 512));
	*out = (struct board_disk){
		.path = path,
		.fd = fd,
		.size = (uint64_t)st.st_size,
		.readonly = readonly,
	};
	return 0;

err_not_regular:
	fprintf(stderr, "captive: disk '%s' is not a regular file (a raw disk image was expected)\n",
		path);
	return -EINVAL;
}

int loader_flush_disk(const struct board_disk *d)
{
	if (d->fd < 0 || d->readonly)
		return 0;
	return fdatasync(d->fd) ? -errno : 0;
}

int loader_close_disk(struct board_disk *d)
{
	if (d->fd < 0)
		return 0;
	int err = loader_flush_disk(d);
	if (err)
		fprintf(stderr, "captive: disk '%s': flushing the guest's writes failed: %s\n", d->path,
			strerror(-err));
	close(d->fd);
	d->fd = -1;
	return err;
}
