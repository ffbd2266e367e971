/*
 * Versatile Express V2M-P1 motherboard system registers, as QEMU's vexpress-a9
 * presents them: board and CPU identification, LEDs, flags, the 100 Hz and
 * 24 MHz counters, and the SYS_CFG configuration bus through which Linux
 * reads and sets oscillators, reads voltages, and powers off or reboots.
 *
 * SYS_CFG: the guest puts data in SYS_CFGDATA, clears SYS_CFGSTAT, and writes
 * SYS_CFGCTRL with START, WRITE, the function, site and device. The
 * transaction completes at once: SYS_CFGSTAT reads COMPLETE, plus ERROR for a
 * function, site or device the board does not have. Supported: oscillators
 * (function 1) on the motherboard (site 0) and daughterboard (site 1), read
 * and write; voltages (2), read; MUXFPGA (7) and DVIMODE (11), accepted and
 * ignored; SHUTDOWN (8) and REBOOT (9) on the motherboard, passed to the host.
 *
 * SYS_24MHZ counts from the moment the board was created; the engine may
 * serve it from the clock page with the same formula (fast read).
 */
#include <errno.h>
#include <stdlib.h>

#include "platform/machine.h"
#include "platform/mmio.h"
#include "platform/vexpress-a9.h"

#define SYS_ID 0x00
#define SYS_SW 0x04
#define SYS_LED 0x08
#define SYS_LOCK 0x20
#define SYS_100HZ 0x24
#define SYS_FLAGS 0x30	/* read: flags; write: set */
#define SYS_FLAGSCLR 0x34
#define SYS_NVFLAGS 0x38	/* read: flags; write: set */
#define SYS_NVFLAGSCLR 0x3c
#define SYS_MCI 0x48
#define SYS_FLASH 0x4c
#define SYS_CFGSW 0x58
#define SYS_24MHZ 0x5c
#define SYS_MISC 0x60
#define SYS_PROCID0 0x84
#define SYS_PROCID1 0x88
#define SYS_CFGDATA 0xa0
#define SYS_CFGCTRL 0xa4
#define SYS_CFGSTAT 0xa8

#define SYS_ID_VALUE 0x1190f500u	/* V2M-P1, HBI 0x190, as QEMU's vexpress-a9 */
#define SYS_PROCID0_VALUE 0x0c000191u	/* CoreTile V2P-CA9 in site 1 */
#define SYS_PROCID1_VALUE 0xff000000u	/* nothing in site 2 */
#define SYS_LOCK_KEY 0xa05fu

#define CFGCTRL_START (1u << 31)
#define CFGCTRL_WRITE (1u << 30)
#define CFGSTAT_COMPLETE 1u
#define CFGSTAT_ERROR 2u

enum v2m_cfg_function {
	CFG_OSC = 1,
	CFG_VOLT = 2,
	CFG_MUXFPGA = 7,
	CFG_SHUTDOWN = 8,
	CFG_REBOOT = 9,
	CFG_DVIMODE = 11,
};

enum v2m_cfg_site { SITE_MB = 0, SITE_DB1 = 1 };

/* Power-on oscillator frequencies in Hz. */
static const uint32_t v2m_mb_osc_reset[6] = {
	50000000,	/* OSC0: static memory */
	23750000,	/* OSC1: CLCD */
	24000000,	/* OSC2: IO FPGA peripherals (the UARTs' UARTCLK) */
	24000000,	/* OSC3: reserved */
	24000000,	/* OSC4: system bus */
	24000000,	/* OSC5: reserved */
};
static const uint32_t v2m_db_osc_reset[3] = {
	45000000,	/* AXI ACLK */
	23750000,	/* daughterboard CLCD */
	66670000,	/* test chip reference */
};

/* Daughterboard supply voltages in microvolts. */
static const uint32_t v2m_db_volt[6] = { 1000000, 1000000, 1000000, 1800000, 900000, 3300000 };
#define V2M_MB_VIO_UV 3300000u

struct v2m_sysreg {
	struct device dev;
	uint64_t epoch_ns;
	uint32_t leds;
	uint32_t lock;
	uint32_t flags;
	uint32_t nvflags;
	uint32_t flash;
	uint32_t cfgsw;
	uint32_t cfgdata;
	uint32_t cfgctrl;
	uint32_t cfgstat;
	uint32_t mb_osc[CAPTIVE_ARRAY_SIZE(v2m_mb_osc_reset)];
	uint32_t db_osc[CAPTIVE_ARRAY_SIZE(v2m_db_osc_reset)];
};

uint64_t v2m_sysreg_counter_epoch(const struct device *sysreg)
{
	return mmio_container(sysreg, const struct v2m_sysreg, dev)->epoch_ns;
}

/* 0 and the value, or -1: no such function/site/device. */
static int v2m_cfg_read(struct v2m_sysreg *s, unsigned function, unsigned site, unsigned device,
			uint32_t *value)
{
	switch (function) {
	case CFG_OSC:
		if (site == SITE_MB && device < CAPTIVE_ARRAY_SIZE(s->mb_osc)) {
			*value = s->mb_osc[device];
			return 0;
		}
		if (site == SITE_DB1 && device < CAPTIVE_ARRAY_SIZE(s->db_osc)) {
			*value = s->db_osc[device];
			return 0;
		}
		return -1;
	case CFG_VOLT:
		if (site == SITE_MB && device == 0) {
			*value = V2M_MB_VIO_UV;
			return 0;
		}
		if (site == SITE_DB1 && device < CAPTIVE_ARRAY_SIZE(v2m_db_volt)) {
			*value = v2m_db_volt[device];
			return 0;
		}
		return -1;
	default:
		return -1;
	}
}

static int v2m_cfg_write(struct v2m_sysreg *s, unsigned function, unsigned site, unsigned device,
			 uint32_t value)
{
	struct machine *m = s->dev.machine;

	switch (function) {
	case CFG_OSC:
		if (site == SITE_MB && device < CAPTIVE_ARRAY_SIZE(s->mb_osc)) {
			s->mb_osc[device] = value;
			return 0;
		}
		if (site == SITE_DB1 && device < CAPTIVE_ARRAY_SIZE(s->db_osc)) {
			s->db_osc[device] = value;
			return 0;
		}
		return -1;
	case CFG_MUXFPGA:
	case CFG_DVIMODE:
		/* Video output selection: there is no video output. */
		return site == SITE_MB && device == 0 ? 0 : -1;
	case CFG_SHUTDOWN:
		if (site != SITE_MB || device != 0)
			return -1;
		m->host.power(m->host.opaque, MACHINE_POWER_OFF);
		return 0;
	case CFG_REBOOT:
		if (site != SITE_MB || device != 0)
			return -1;
		m->host.power(m->host.opaque, MACHINE_REBOOT);
		return 0;
	default:
		return -1;
	}
}

static void v2m_cfg_transaction(struct v2m_sysreg *s, uint32_t ctrl)
{
	unsigned dcc = (ctrl >> 26) & 0xf;
	unsigned function = (ctrl >> 20) & 0x3f;
	unsigned site = (ctrl >> 16) & 0x3;
	unsigned position = (ctrl >> 12) & 0xf;
	unsigned device = ctrl & 0xfff;
	int rc = -1;

	/* Bits [19:18] are undefined and START always reads as zero. */
	s->cfgctrl = ctrl & ~(CFGCTRL_START | (3u << 18));
	if (!(ctrl & CFGCTRL_START))
		return;
	if (dcc == 0 && position == 0) {
		if (ctrl & CFGCTRL_WRITE)
			rc = v2m_cfg_write(s, function, site, device, s->cfgdata);
		else
			rc = v2m_cfg_read(s, function, site, device, &s->cfgdata);
	}
	s->cfgstat = CFGSTAT_COMPLETE | (rc ? CFGSTAT_ERROR : 0);
}

static uint32_t v2m_sysreg_read_word(struct v2m_sysreg *s, uint32_t offset)
{
	uint64_t elapsed = machine_now_ns(s->dev.machine) - s->epoch_ns;

	switch (offset) {
	case SYS_ID:
		return SYS_ID_VALUE;
	case SYS_LED:
		return s->leds;
	case SYS_LOCK:
		return s->lock;
	case SYS_100HZ:
		return (uint32_t)(elapsed / 10000000u);
	case SYS_FLAGS:
		return s->flags;
	case SYS_NVFLAGS:
		return s->nvflags;
	case SYS_FLASH:
		return s->flash;
	case SYS_CFGSW:
		return s->cfgsw;
	case SYS_24MHZ:
		/* Exactly CAPTIVE_FAST_COUNTER_24MHZ's formula, so both paths agree. */
		return (uint32_t)(elapsed * 24 / 1000);
	case SYS_PROCID0:
		return SYS_PROCID0_VALUE;
	case SYS_PROCID1:
		return SYS_PROCID1_VALUE;
	case SYS_CFGDATA:
		return s->cfgdata;
	case SYS_CFGCTRL:
		return s->cfgctrl;
	case SYS_CFGSTAT:
		return s->cfgstat;
	default:
		/* SYS_SW, SYS_MCI (no card), SYS_MISC (master site 1), reserved */
		return 0;
	}
}

static void v2m_sysreg_write_word(struct v2m_sysreg *s, uint32_t offset, uint32_t value)
{
	switch (offset) {
	case SYS_LED:
		s->leds = value & 0xff;
		break;
	case SYS_LOCK:
		s->lock = value == SYS_LOCK_KEY ? value : value & 0x7fff;
		break;
	case SYS_FLAGS:
		s->flags |= value;
		break;
	case SYS_FLAGSCLR:
		s->flags &= ~value;
		break;
	case SYS_NVFLAGS:
		s->nvflags |= value;
		break;
	case SYS_NVFLAGSCLR:
		s->nvflags &= ~value;
		break;
	case SYS_FLASH:
		s->flash = value & 1;
		break;
	case SYS_CFGSW:
		s->cfgsw = value & 0xff;
		break;
	case SYS_CFGDATA:
		s->cfgdata = value;
		break;
	case SYS_CFGCTRL:
		v2m_cfg_transaction(s, value);
		break;
	case SYS_CFGSTAT:
		s->cfgstat = value & 3;
		break;
	default:
		break;	/* read-only or reserved */
	}
}

static int v2m_sysreg_read(struct device *dev, uint32_t offset, unsigned size, uint32_t *value)
{
	struct v2m_sysreg *s = mmio_container(dev, struct v2m_sysreg, dev);

	if (!mmio_access_ok(offset, size))
		return -1;
	*value = mmio_extract(v2m_sysreg_read_word(s, offset & ~3u), offset, size);
	return 0;
}

/* Narrow stores write the register with their value zero-extended, except to
 * plain storage registers, which keep their other lanes. */
static int v2m_sysreg_write(struct device *dev, uint32_t offset, unsigned size, uint32_t value)
{
	struct v2m_sysreg *s = mmio_container(dev, struct v2m_sysreg, dev);
	uint32_t reg = offset & ~3u;
	uint32_t placed;

	if (!mmio_access_ok(offset, size))
		return -1;
	placed = mmio_place(value, offset, size);
	if (size < 4 && (reg == SYS_LED || reg == SYS_CFGDATA || reg == SYS_CFGSW))
		placed = mmio_merge(v2m_sysreg_read_word(s, reg), placed, mmio_lanes(offset, size));
	v2m_sysreg_write_word(s, reg, placed);
	return 0;
}

static void v2m_sysreg_reset(struct device *dev)
{
	struct v2m_sysreg *s = mmio_container(dev, struct v2m_sysreg, dev);

	/* The counters and the non-volatile flags survive a reboot. */
	s->leds = 0;
	s->lock = 0;
	s->flags = 0;
	s->flash = 0;
	s->cfgsw = 0;
	s->cfgdata = 0;
	s->cfgctrl = 0;
	s->cfgstat = 0;
	for (unsigned i = 0; i < CAPTIVE_ARRAY_SIZE(s->mb_osc); i++)
		s->mb_osc[i] = v2m_mb_osc_reset[i];
	for (unsigned i = 0; i < CAPTIVE_ARRAY_SIZE(s->db_osc); i++)
		s->db_osc[i] = v2m_db_osc_reset[i];
}

static void v2m_sysreg_destroy(struct device *dev)
{
	free(mmio_container(dev, struct v2m_sysreg, dev));
}

static const struct device_ops v2m_sysreg_ops = {
	.read = v2m_sysreg_read,
	.write = v2m_sysreg_write,
	.reset = v2m_sysreg_reset,
	.destroy = v2m_sysreg_destroy,
};

int v2m_sysreg_create(struct machine *m, gpa_t base)
{
	struct v2m_sysreg *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->dev = (struct device){
		.name = "v2m-sysreg", .ops = &v2m_sysreg_ops, .base = base, .size = 0x1000,
	};
	rc = machine_add_device(m, &s->dev);
	if (rc) {
		free(s);
		return rc;
	}
	s->epoch_ns = machine_now_ns(m);
	v2m_sysreg_reset(&s->dev);
	return 0;
}
