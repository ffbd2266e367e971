/*
 * Guest image loading and the boot protocol; the disk file; and the one host
 * write path into guest RAM.
 */
#ifndef FRAMEWORK_LOADER_H
#define FRAMEWORK_LOADER_H

#include "vm.h"

/* A Linux zImage: this magic at this offset, loaded at RAM + 0x10000 as QEMU
 * places it. */
#define LOADER_ZIMAGE_MAGIC_OFFSET 0x24u
#define LOADER_ZIMAGE_MAGIC 0x016f2818u
#define LOADER_ZIMAGE_LOAD_OFFSET 0x10000u

/* What to load; NULL or "" means not given. */
struct loader_guest {
	const char *kernel;
	const char *dtb;
	const char *initrd;
	const char *cmdline;
};

/* Where the images went (sizes 0: not loaded). */
struct loader_layout {
	bool linux_boot;	/* zImage: entered with r0 = 0, r1 = machine id, r2 = DTB */
	gpa_t kernel;
	uint64_t kernel_size;
	gpa_t entry;
	gpa_t initrd;
	uint64_t initrd_size;
	gpa_t dtb;
	uint64_t dtb_size;
};

/*
 * Load the guest into guest RAM and fill vm->sh->boot. Needs vm->ram,
 * vm->sh and vm->machine (its board describes the Linux machine id and the
 * virtio-mmio transports).
 *
 * An ARM ELF executable is loaded at its physical addresses and entered at
 * its entry point in reset state (SVC, A/I/F masked, r0-r14 zero), as QEMU
 * does; a DTB or initrd given with it is ignored with a warning.
 *
 * A Linux zImage goes to RAM + 0x10000; the initrd to RAM + min(RAM / 2,
 * 128 MiB) (above the kernel if the kernel reaches that far), page aligned;
 * the DTB, fixed up as dtb_fixup() describes, right after the initrd on a
 * 4 KiB boundary (at the initrd's place without one) - all as QEMU 7.2 does.
 * Entry: r0 = 0, r1 = the board's machine id, r2 = the DTB, CPSR 0x1D3 (SVC,
 * A/I/F masked), MMU off. A zImage needs a DTB.
 *
 * Returns 0 or -errno after one message naming the file and what was
 * expected (anything else as kernel, a DTB that does not parse, an initrd or
 * DTB that does not fit in RAM). `out` may be NULL.
 */
int loader_load_guest(struct vm *vm, const struct loader_guest *g, struct loader_layout *out);

/*
 * The one path for host writes into guest RAM: bounds-checked against
 * guest RAM, then the pages are marked dirty for the engine's code caches
 * (vm_ram_mark_written). 0, or -EFAULT when [pa, pa + len) is not all RAM.
 */
int vm_ram_write(struct vm *vm, gpa_t pa, const void *data, uint64_t len);

/*
 * Guest RAM [pa, pa + len) was written behind the CPU's back (by
 * vm_ram_write, or by a device's DMA straight into vm->ram): set its chunks
 * in vm->sh->dirty so the engine drops code decoded from it. Any thread;
 * lock-free. The part outside guest RAM is ignored.
 */
void vm_ram_mark_written(struct vm *vm, gpa_t pa, uint64_t len);

/*
 * Open the disk image `path` for the virtio-blk device: read-write, or
 * read-only when `readonly`, and lock it (an OFD lock on the whole file:
 * exclusive when writable, shared when read-only; released when the process
 * ends, however it ends). A missing file, a directory, a read-only file
 * without `readonly` (the message suggests ",readonly"), or a file another
 * process holds a conflicting lock on (-EBUSY) is -errno after one message.
 * On success fills *out (out->fd owned by the caller, closed by
 * loader_close_disk).
 */
int loader_open_disk(const char *path, bool readonly, struct board_disk *out);

/* Make the disk's writes durable (fdatasync). Async-signal-safe; a closed
 * or absent disk (fd < 0) is a no-op. 0 or -errno. */
int loader_flush_disk(const struct board_disk *d);

/* Flush and close the disk; afterwards d->fd is -1. Reports a failed flush
 * (the guest's writes may be lost) and returns -errno, else 0. */
int loader_close_disk(struct board_disk *d);

#endif
