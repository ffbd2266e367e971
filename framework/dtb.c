/* Device tree fix-ups at load time (see dtb.h). */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtb.h"

/* Room for what the fix-ups add beyond the bootargs: four virtio nodes,
 * /chosen and /memory properties and their names in the strings block. */
#define DTB_FIXUP_SLACK 4096u
#define DTB_VIRTIO_SIZE 0x200u

static int dtb_fail(const char *name, const char *what, int fdt_err)
{
	fprintf(stderr, "captive: dtb '%s': %s: %s\n", name, what, fdt_strerror(fdt_err));
	return fdt_err == -FDT_ERR_NOSPACE ? -ENOMEM : -EINVAL;
}

/* A property of `cells` (1 or 2) cells per value, values in order. */
static int dtb_set_cells(void *fdt, int node, const char *prop, int acells, uint64_t a,
			 int scells, uint64_t s, bool has_size)
{
	fdt32_t v[4];
	int n = 0;
	if (acells == 2)
		v[n++] = cpu_to_fdt32((uint32_t)(a >> 32));
	v[n++] = cpu_to_fdt32((uint32_t)a);
	if (has_size) {
		if (scells == 2)
			v[n++] = cpu_to_fdt32((uint32_t)(s >> 32));
		v[n++] = cpu_to_fdt32((uint32_t)s);
	}
	return fdt_setprop(fdt, node, prop, v, (int)(n * sizeof(v[0])));
}

static int dtb_add_virtio(const char *name, void *fdt, const struct board *b, int acells,
			  int scells)
{
	int off = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio");
	if (off >= 0) {
		char path[256];
		if (fdt_get_path(fdt, off, path, sizeof(path)))
			snprintf(path, sizeof(path), "?");
		fprintf(stderr, "captive: dtb '%s' already has virtio-mmio nodes (%s); captive adds them itself at load time, as QEMU does: remove them from the device tree source\n",
			name, path);
		return -EINVAL;
	}
	int intc = fdt_node_offset_by_compatible(fdt, -1, b->dt_intc_compatible);
	uint32_t phandle = intc >= 0 ? fdt_get_phandle(fdt, intc) : 0;
	/* fdt_get_phandle() hands back any value, 0xffffffff included, which
	 * no interrupt-parent can point at. */
	if (!phandle || phandle > FDT_MAX_PHANDLE) {
		fprintf(stderr, "captive: dtb '%s' has no interrupt controller compatible with \"%s\"%s, so the virtio-mmio interrupts cannot be wired; is this a %s device tree?\n",
			name, b->dt_intc_compatible, intc >= 0 ? " with a phandle" : "", b->name);
		return -EINVAL;
	}
	for (unsigned i = b->virtio_count; i-- > 0;) {
		gpa_t addr = b->virtio_base + (gpa_t)i * b->virtio_stride;
		char node_name[64];
		snprintf(node_name, sizeof(node_name), "virtio_mmio@%llx", (unsigned long long)addr);
		int node = fdt_add_subnode(fdt, 0, node_name);
		if (node < 0)
			return dtb_fail(name, "cannot add a virtio-mmio node", node);
		const fdt32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(b->virtio_spi + i),
					 cpu_to_fdt32(1) /* edge, rising */ };
		int err = fdt_setprop_string(fdt, node, "compatible", "virtio,mmio");
		if (!err)
			err = dtb_set_cells(fdt, node, "reg", acells, addr, scells, DTB_VIRTIO_SIZE, true);
		if (!err)
			err = fdt_setprop_u32(fdt, node, "interrupt-parent", phandle);
		if (!err)
			err = fdt_setprop(fdt, node, "interrupts", irq, sizeof(irq));
		if (!err)
			err = fdt_setprop_empty(fdt, node, "dma-coherent");
		if (err)
			return dtb_fail(name, "cannot describe a virtio-mmio transport", err);
	}
	return 0;
}

static int dtb_set_chosen(const char *name, void *fdt, const struct dtb_fixup_params *p,
			  int acells)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen == -FDT_ERR_NOTFOUND)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	if (chosen < 0)
		return dtb_fail(name, "cannot find or add /chosen", chosen);
	int err = 0;
	if (p->bootargs && *p->bootargs)
		err = fdt_setprop_string(fdt, chosen, "bootargs", p->bootargs);
	if (err)
		return dtb_fail(name, "cannot set /chosen/bootargs", err);
	if (p->initrd_end > p->initrd_start) {
		err = dtb_set_cells(fdt, chosen, "linux,initrd-start", acells, p->initrd_start, 0, 0,
				    false);
		if (!err)
			err = dtb_set_cells(fdt, chosen, "linux,initrd-end", acells, p->initrd_end, 0,
					    0, false);
		if (err)
			return dtb_fail(name, "cannot set the initrd range in /chosen", err);
		return 0;
	}
	/* No initrd: a stale range left in the blob would point the kernel at
	 * whatever RAM holds there. */
	static const char *const stale[] = { "linux,initrd-start", "linux,initrd-end" };
	for (unsigned i = 0; i < 2; i++) {
		/* Every copy: fdt_check_full() lets duplicate names through. */
		do
			err = fdt_delprop(fdt, chosen, stale[i]);
		while (!err);
		if (err != -FDT_ERR_NOTFOUND)
			return dtb_fail(name, "cannot remove a stale initrd range from /chosen", err);
	}
	return 0;
}

static int dtb_set_memory(const char *name, void *fdt, const struct dtb_fixup_params *p,
			  int acells, int scells)
{
	/* Replace whatever memory nodes the blob has with one for -m, as QEMU
	 * does (so both give the guest the same tree). */
	int mem;
	while ((mem = fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory",
						    sizeof("memory"))) >= 0) {
		int err = fdt_del_node(fdt, mem);
		if (err)
			return dtb_fail(name, "cannot remove the old /memory", err);
	}
	if (mem != -FDT_ERR_NOTFOUND)
		return dtb_fail(name, "cannot look for /memory", mem);
	char node_name[64];
	snprintf(node_name, sizeof(node_name), "memory@%llx", (unsigned long long)p->ram_base);
	mem = fdt_add_subnode(fdt, 0, node_name);
	if (mem < 0)
		return dtb_fail(name, "cannot add /memory", mem);
	int err = fdt_setprop_string(fdt, mem, "device_type", "memory");
	if (!err)
		err = dtb_set_cells(fdt, mem, "reg", acells, p->ram_base, scells, p->ram_size, true);
	return err ? dtb_fail(name, "cannot describe /memory", err) : 0;
}

/*
 * The structure block's tags, walked with every property's length checked
 * against what follows it. libfdt 1.6.1's fdt_next_tag() does not: a length
 * of 0xfffffff4 steps its offset back onto the same tag, and
 * fdt_check_full() loops forever on such a blob (found by the dtb and
 * loader fuzzers). Call after fdt_check_header().
 */
static int dtb_check_tags(const void *blob)
{
	const uint8_t *s = (const uint8_t *)blob + fdt_off_dt_struct(blob);
	uint32_t size = fdt_version(blob) >= 17 ? fdt_size_dt_struct(blob)
						: fdt_totalsize(blob) - fdt_off_dt_struct(blob);

	for (uint32_t off = 0; size - off >= 4;) {
		uint32_t tag = fdt32_ld((const fdt32_t *)(s + off));
		off += 4;
		if (tag == FDT_BEGIN_NODE) {
			const uint8_t *nul = memchr(s + off, 0, size - off);
			if (!nul)
				return -FDT_ERR_TRUNCATED;
			off += ((uint32_t)(nul - (s + off)) + 4) & ~3u;
		} else if (tag == FDT_PROP) {
			if (size - off < 8)
				return -FDT_ERR_TRUNCATED;
			uint32_t plen = fdt32_ld((const fdt32_t *)(s + off));
			if (plen > size - off - 8)
				return -FDT_ERR_BADSTRUCTURE;
			off += 8 + ((plen + 3) & ~3u);
		} else if (tag == FDT_END) {
			return 0;
		} else if (tag != FDT_END_NODE && tag != FDT_NOP) {
			return -FDT_ERR_BADSTRUCTURE;
		}
		if (off > size)
			return -FDT_ERR_TRUNCATED;
	}
	return -FDT_ERR_TRUNCATED;
}

int dtb_fixup(const char *name, const void *blob, size_t len, const struct dtb_fixup_params *p,
	      void **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	/* Blobs older than version 16 (node names are full paths there) are
	 * refused before fdt_check_full(): libfdt 1.6.1's dereferences the NULL
	 * that fdt_get_name() returns for a root node without a '/'. dtc has
	 * written version 17 since 2007. */
	int err = len < sizeof(struct fdt_header) ? -FDT_ERR_TRUNCATED
		  : fdt_version(blob) < 16	  ? -FDT_ERR_BADVERSION
						  : fdt_check_header(blob);
	if (!err && fdt_totalsize(blob) > len)
		err = -FDT_ERR_TRUNCATED;
	if (!err)
		err = dtb_check_tags(blob);
	if (!err)
		err = fdt_check_full(blob, len);
	if (err) {
		fprintf(stderr, "captive: dtb '%s' is not a valid flattened device tree blob (%s); compile the .dts with dtc -O dtb\n",
			name, fdt_strerror(err));
		return -EINVAL;
	}
	size_t bootargs_len = p->bootargs ? strlen(p->bootargs) + 1 : 0;
	size_t size = fdt_totalsize(blob) + bootargs_len + DTB_FIXUP_SLACK;
	if (size > INT32_MAX) {
		fprintf(stderr, "captive: dtb '%s' with the kernel command line is too large (%zu bytes)\n",
			name, size);
		return -EINVAL;
	}
	void *fdt = malloc(size);
	if (!fdt)
		return -ENOMEM;
	err = fdt_open_into(blob, fdt, (int)size);
	if (err) {
		err = dtb_fail(name, "cannot open the blob for editing", err);
		goto err_free;
	}
	int acells = fdt_address_cells(fdt, 0), scells = fdt_size_cells(fdt, 0);
	if (acells < 1 || acells > 2 || scells < 1 || scells > 2) {
		fprintf(stderr, "captive: dtb '%s': the root's #address-cells and #size-cells must be 1 or 2 (found %d and %d)\n",
			name, acells, scells);
		err = -EINVAL;
		goto err_free;
	}
	/* In QEMU's order, so that the nodes come out in the same order too. */
	err = dtb_set_memory(name, fdt, p, acells, scells);
	if (!err && p->board->virtio_count)
		err = dtb_add_virtio(name, fdt, p->board, acells, scells);
	if (!err)
		err = dtb_set_chosen(name, fdt, p, acells);
	if (err)
		goto err_free;
	err = fdt_pack(fdt);
	if (err) {
		err = dtb_fail(name, "cannot pack the fixed-up blob", err);
		goto err_free;
	}
	*out = fdt;
	*out_len = fdt_totalsize(fdt);
	return 0;

err_free:
	free(fdt);
	return err;
}
