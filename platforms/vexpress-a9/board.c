/*
 * The vexpress-a9 board: its devices at the addresses platform/vexpress-a9.h
 * maps, what the framework needs to boot Linux on it, and the fast-read table the engine may serve from the clock page.
 */
#include "../boards.h"
#include "captive/abi.h"
#include "platform/machine.h"
#include "platform/vexpress-a9.h"

static int vexpress_a9_create(struct machine *m, const struct board_params *p)
{
	int rc;

	/* The GIC first: the other devices' reset lowers their lines into it. */
	rc = gic_create(m, VEXPRESS_GIC_DIST_BASE, VEXPRESS_GIC_CPU_BASE);
	if (!rc)
		rc = a9_scu_create(m, VEXPRESS_SCU_BASE);
	if (!rc)
		rc = v2m_sysreg_create(m, VEXPRESS_SYSREG_BASE);
	if (!rc)
		rc = sp810_create(m, VEXPRESS_SP810_BASE);
	if (!rc)
		rc = pl011_create(m, "uart0", VEXPRESS_UART0_BASE, VEXPRESS_IRQ_UART0);
	if (!rc)
		rc = sp804_create(m, "timer01", VEXPRESS_TIMER01_BASE, VEXPRESS_IRQ_TIMER01);
	if (!rc)
		rc = sp804_create(m, "timer23", VEXPRESS_TIMER23_BASE, VEXPRESS_IRQ_TIMER23);
	if (!rc)
		rc = pl031_create(m, "rtc", VEXPRESS_RTC_BASE, VEXPRESS_IRQ_RTC);
	for (unsigned i = 0; !rc && i < VEXPRESS_VIRTIO_COUNT; i++) {
		static const char *const names[VEXPRESS_VIRTIO_COUNT] = { "virtio0", "virtio1",
									  "virtio2", "virtio3" };
		gpa_t base = VEXPRESS_VIRTIO_BASE + i * VEXPRESS_VIRTIO_STRIDE;

		if (i == 0 && p->disk)
			rc = virtio_blk_create(m, names[i], base, VEXPRESS_IRQ_VIRTIO(i), p->disk);
		else
			rc = virtio_mmio_create_empty(m, names[i], base, VEXPRESS_IRQ_VIRTIO(i));
	}
	/* machine_create tears down whatever was added if this failed. */
	return rc;
}

static unsigned vexpress_a9_fast_reads(struct machine *m, void *out_fast_reads, unsigned max)
{
	struct captive_fast_read *fr = out_fast_reads;
	const struct device *sysreg = machine_find_device(m, VEXPRESS_SYSREG_BASE);

	if (max < 1 || !sysreg)
		return 0;
	fr[0] = (struct captive_fast_read){
		.pa = VEXPRESS_SYS_24MHZ,
		.kind = CAPTIVE_FAST_COUNTER_24MHZ,
		.size = 4,
		.param = v2m_sysreg_counter_epoch(sysreg),
	};
	return 1;
}

const struct board board_vexpress_a9 = {
	.name = "vexpress-a9",
	.description = "ARM Versatile Express V2P-CA9: Cortex-A9, GIC, PL011, SP804, PL031, virtio-mmio",
	.ram_base = VEXPRESS_RAM_BASE,
	.ram_max = VEXPRESS_RAM_MAX,
	.create = vexpress_a9_create,
	.fast_reads = vexpress_a9_fast_reads,
	.linux_machine_id = VEXPRESS_LINUX_MACHINE_ID,
	.dt_intc_compatible = "arm,cortex-a9-gic",
	.virtio_base = VEXPRESS_VIRTIO_BASE,
	.virtio_stride = VEXPRESS_VIRTIO_STRIDE,
	.virtio_count = VEXPRESS_VIRTIO_COUNT,
	.virtio_spi = VEXPRESS_VIRTIO_SPI,
};
