/*
 * The vexpress-a9 board (Versatile Express V2P-CA9 subset, legacy memory map)
 * and the constructors of its device models.
 *
 *   0x1000_0000  V2M system registers     (SYS_ID, LEDs, 24 MHz counter, SYS_CFG)
 *   0x1000_1000  SP810 system controller  (timer clock selects)
 *   0x1000_9000  PL011 UART0              IRQ 32+5
 *   0x1001_1000  SP804 timers 0/1         IRQ 32+2
 *   0x1001_2000  SP804 timers 2/3         IRQ 32+3
 *   0x1001_3000  virtio-mmio x4, 0x200 apart (v2; slot 0: virtio-blk when a
 *                disk is configured; DT nodes added by the framework) IRQ 32+40+i
 *   0x1001_7000  PL031 RTC                IRQ 32+4
 *   0x1E00_0000  A9 MPCore SCU
 *   0x1E00_0100  GIC CPU interface
 *   0x1E00_0200  global timer             (not modelled)
 *   0x1E00_0600  private timer/watchdog   (not modelled)
 *   0x1E00_1000  GIC distributor
 *   0x6000_0000  RAM, up to 1 GiB
 *
 * Motherboard interrupt n is GIC interrupt 32+n. Anything else reads as zero
 * and ignores writes, with a warning (or aborts under --strict-bus).
 */
#ifndef PLATFORM_VEXPRESS_A9_H
#define PLATFORM_VEXPRESS_A9_H

#include "platform/machine.h"

#define VEXPRESS_SYSREG_BASE 0x10000000u
#define VEXPRESS_SP810_BASE 0x10001000u
#define VEXPRESS_UART0_BASE 0x10009000u
#define VEXPRESS_TIMER01_BASE 0x10011000u
#define VEXPRESS_TIMER23_BASE 0x10012000u
#define VEXPRESS_VIRTIO_BASE 0x10013000u
#define VEXPRESS_VIRTIO_STRIDE 0x200u
#define VEXPRESS_VIRTIO_COUNT 4u
#define VEXPRESS_RTC_BASE 0x10017000u
#define VEXPRESS_SCU_BASE 0x1e000000u
#define VEXPRESS_GIC_CPU_BASE 0x1e000100u
#define VEXPRESS_GIC_DIST_BASE 0x1e001000u
#define VEXPRESS_RAM_BASE 0x60000000u
#define VEXPRESS_RAM_MAX (1024ull << 20)

#define VEXPRESS_MB_IRQ(n) (32u + (n))
#define VEXPRESS_IRQ_TIMER01 VEXPRESS_MB_IRQ(2)
#define VEXPRESS_IRQ_TIMER23 VEXPRESS_MB_IRQ(3)
#define VEXPRESS_IRQ_RTC VEXPRESS_MB_IRQ(4)
#define VEXPRESS_IRQ_UART0 VEXPRESS_MB_IRQ(5)
#define VEXPRESS_VIRTIO_SPI 40u
#define VEXPRESS_IRQ_VIRTIO(i) VEXPRESS_MB_IRQ(VEXPRESS_VIRTIO_SPI + (i))

/* MACH_TYPE_VEXPRESS: what QEMU passes in r1 when booting Linux. */
#define VEXPRESS_LINUX_MACHINE_ID 0x8e0u

/* SYS_24MHZ, the counter the engine may serve from the clock page. */
#define VEXPRESS_SYS_24MHZ (VEXPRESS_SYSREG_BASE + 0x5cu)

/* SP804 and PL031 count from host time at these rates. */
#define SP804_TIMCLK_HZ 1000000u
#define PL011_UARTCLK_HZ 24000000u

/*
 * Device constructors: allocate the model, register it on m (machine_add_device)
 * and wire its interrupt. Called by the board's create with m->lock held.
 * Each returns 0 or -errno, and frees what it allocated on failure.
 */

/* GIC distributor and CPU interface (one CPU); becomes m->irq_set. */
int gic_create(struct machine *m, gpa_t dist_base, gpa_t cpu_base);
/* PL011 UART; becomes the console (m->console_input). */
int pl011_create(struct machine *m, const char *name, gpa_t base, unsigned irq);
/* SP804 dual timer, its two interrupts combined on one line. */
int sp804_create(struct machine *m, const char *name, gpa_t base, unsigned irq);
/* PL031 real-time clock, started from the host's wall clock. */
int pl031_create(struct machine *m, const char *name, gpa_t base, unsigned irq);
/* V2M motherboard system registers. */
int v2m_sysreg_create(struct machine *m, gpa_t base);
/* SP810 system controller. */
int sp810_create(struct machine *m, gpa_t base);
/* Cortex-A9 MPCore snoop control unit, reporting one CPU. */
int a9_scu_create(struct machine *m, gpa_t base);

/* virtio-mmio transport (version 2) with nothing behind it: DeviceID 0. */
int virtio_mmio_create_empty(struct machine *m, const char *name, gpa_t base, unsigned irq);
/* virtio-mmio transport carrying a virtio-blk device backed by `disk`
 * (which must outlive the machine; read-only disks are offered as such). */
int virtio_blk_create(struct machine *m, const char *name, gpa_t base, unsigned irq,
		      const struct board_disk *disk);

/* CLOCK_MONOTONIC ns at which the V2M SYS_24MHZ counter read zero. */
uint64_t v2m_sysreg_counter_epoch(const struct device *sysreg);

#endif
