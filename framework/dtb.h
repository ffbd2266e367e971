/*
 * Device tree fix-ups at load time (libfdt), as QEMU's vexpress does them.
 * (Named dtb.h, not fdt.h: libfdt's own <fdt.h> would be shadowed by a
 * framework/fdt.h on the include path.)
 */
#ifndef FRAMEWORK_DTB_H
#define FRAMEWORK_DTB_H

#include <stddef.h>
#include "captive/types.h"
#include "platform/machine.h"

struct dtb_fixup_params {
	gpa_t ram_base;
	uint64_t ram_size;
	const char *bootargs;		/* NULL or "": /chosen/bootargs left as it is */
	gpa_t initrd_start;		/* initrd_end == initrd_start: no initrd */
	gpa_t initrd_end;
	const struct board *board;	/* virtio-mmio transports, interrupt controller */
};

/*
 * Check that `blob` (len bytes) is a whole, well-formed flattened device
 * tree, then return a fixed-up copy in *out (malloc'd, packed; *out_len its
 * size):
 *   - one node per virtio-mmio transport of the board, at the root (where
 *     QEMU puts them), added last-first so they appear in address order:
 *     virtio_mmio@<addr> { compatible = "virtio,mmio"; reg = <addr 0x200>;
 *     interrupt-parent = <the board's GIC>; interrupts = <0 spi 1> (edge);
 *     dma-coherent; };
 *   - /chosen/bootargs (when bootargs is given), /chosen/linux,initrd-start
 *     and -end (removed when there is no initrd), creating /chosen if needed;
 *   - the blob's memory nodes replaced by one memory@<ram_base> with
 *     reg = <ram_base ram_size>.
 * Cells follow the root's #address-cells and #size-cells (1 or 2).
 *
 * A blob that does not parse, that already has virtio-mmio nodes (QEMU
 * refuses those too) or has no interrupt controller compatible with the
 * board's: -EINVAL after one message naming `name`. -ENOMEM.
 */
int dtb_fixup(const char *name, const void *blob, size_t len, const struct dtb_fixup_params *p,
	      void **out, size_t *out_len);

#endif
