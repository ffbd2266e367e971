/*
 * ARM PrimeCell PL011 UART (r1p4, 16-entry FIFOs).
 *
 * Transmit: a byte written to UARTDR goes straight to the host console, so
 * the transmit FIFO is always empty (TXFE set, BUSY and TXFF clear) and each
 * write is a pass of the FIFO through its trigger level: TXRIS is set, as on
 * QEMU's model. Whatever UARTCR says, bytes are sent (bare-metal programs
 * often never enable the UART; QEMU sends them too); in loopback (LBE) they
 * are also received.
 *
 * Receive: bytes from machine_console_input enter the receive FIFO (one
 * entry deep while LCR_H.FEN is clear). A full FIFO refuses the byte
 * (-EAGAIN) and the host offers it again later, so input is never lost and
 * overrun never happens. RXRIS is set when the fill level reaches the IFLS
 * trigger and clears when reads take it below; RTRIS (receive timeout) is set
 * when data has sat in the FIFO for 32 bit periods at the programmed baud
 * rate, and clears when the FIFO empties. The interrupt line is
 * (RIS & IMSC) != 0.
 */
#include <errno.h>
#include <stdlib.h>

#include "platform/machine.h"
#include "platform/mmio.h"
#include "platform/vexpress-a9.h"

#define PL011_FIFO_DEPTH 16u

#define UARTDR 0x000
#define UARTRSR 0x004
#define UARTFR 0x018
#define UARTILPR 0x020
#define UARTIBRD 0x024
#define UARTFBRD 0x028
#define UARTLCR_H 0x02c
#define UARTCR 0x030
#define UARTIFLS 0x034
#define UARTIMSC 0x038
#define UARTRIS 0x03c
#define UARTMIS 0x040
#define UARTICR 0x044
#define UARTDMACR 0x048

#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)

#define LCR_H_FEN (1u << 4)
#define CR_LBE (1u << 7)

#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)
#define INT_ALL 0x7ffu

/* 32 bit periods, at the fastest and slowest rates worth modelling. */
#define PL011_TIMEOUT_MIN_NS 20000u
#define PL011_TIMEOUT_MAX_NS 50000000u

static const uint8_t pl011_periph_id[4] = { 0x11, 0x10, 0x14, 0x00 };

struct pl011 {
	struct device dev;
	unsigned irq;
	bool line;
	uint8_t rx[PL011_FIFO_DEPTH];
	unsigned rx_head;
	unsigned rx_count;
	uint32_t ilpr;
	uint32_t ibrd;
	uint32_t fbrd;
	uint32_t lcr_h;
	uint32_t cr;
	uint32_t ifls;
	uint32_t imsc;
	uint32_t ris;
	uint32_t dmacr;
	struct machine_timer rx_timeout;
};

static void pl011_update(struct pl011 *u)
{
	bool line = (u->ris & u->imsc) != 0;

	if (line != u->line) {
		u->line = line;
		machine_set_irq(u->dev.machine, u->irq, line);
	}
}

static unsigned pl011_depth(const struct pl011 *u)
{
	return (u->lcr_h & LCR_H_FEN) ? PL011_FIFO_DEPTH : 1;
}

/* Fill level at which RXRIS asserts: IFLS RXIFLSEL, 1/8 to 7/8 full. */
static unsigned pl011_rx_trigger(const struct pl011 *u)
{
	static const unsigned eighths[8] = { 1, 2, 4, 6, 7, 4, 4, 4 };

	if (!(u->lcr_h & LCR_H_FEN))
		return 1;
	return PL011_FIFO_DEPTH * eighths[(u->ifls >> 3) & 7] / 8;
}

/* 32 bit periods at the baud rate IBRD/FBRD give from the 24 MHz UARTCLK. */
static uint64_t pl011_timeout_ns(const struct pl011 *u)
{
	/* bit time = 16 * (IBRD + FBRD/64) / UARTCLK */
	uint64_t divisor64 = (uint64_t)u->ibrd * 64 + u->fbrd;
	uint64_t ns;

	if (divisor64 == 0)
		return PL011_TIMEOUT_MIN_NS;
	ns = 32 * 16 * divisor64 * 1000000000ull / (64ull * PL011_UARTCLK_HZ);
	if (ns < PL011_TIMEOUT_MIN_NS)
		return PL011_TIMEOUT_MIN_NS;
	return ns > PL011_TIMEOUT_MAX_NS ? PL011_TIMEOUT_MAX_NS : ns;
}

static void pl011_rx_timeout_fire(struct machine_timer *t)
{
	struct pl011 *u = mmio_container(t, struct pl011, rx_timeout);

	if (u->rx_count > 0) {
		u->ris |= INT_RT;
		pl011_update(u);
	}
}

static void pl011_arm_timeout(struct pl011 *u)
{
	struct machine *m = u->dev.machine;

	machine_timer_arm(m, &u->rx_timeout, machine_now_ns(m) + pl011_timeout_ns(u));
}

static void pl011_rx_flush(struct pl011 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
	u->ris &= ~(INT_RX | INT_RT);
	machine_timer_cancel(u->dev.machine, &u->rx_timeout);
}

static int pl011_rx_push(struct pl011 *u, uint8_t byte)
{
	if (u->rx_count >= pl011_depth(u))
		return -EAGAIN;
	u->rx[(u->rx_head + u->rx_count) % PL011_FIFO_DEPTH] = byte;
	u->rx_count++;
	if (u->rx_count >= pl011_rx_trigger(u))
		u->ris |= INT_RX;
	pl011_arm_timeout(u);
	pl011_update(u);
	return 0;
}

static uint32_t pl011_rx_pop(struct pl011 *u)
{
	uint32_t byte;

	if (u->rx_count == 0)
		return 0;
	byte = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % PL011_FIFO_DEPTH;
	u->rx_count--;
	if (u->rx_count < pl011_rx_trigger(u))
		u->ris &= ~INT_RX;
	if (u->rx_count == 0) {
		u->ris &= ~INT_RT;
		machine_timer_cancel(u->dev.machine, &u->rx_timeout);
	} else if (!u->rx_timeout.deadline_ns) {
		pl011_arm_timeout(u);
	}
	pl011_update(u);
	return byte;
}

static int pl011_console_input(struct machine *m, uint8_t byte)
{
	return pl011_rx_push(m->console_dev, byte);
}

static void pl011_transmit(struct pl011 *u, uint8_t byte)
{
	struct machine *m = u->dev.machine;

	m->host.console_write(m->host.opaque, &byte, 1);
	if (u->cr & CR_LBE)
		pl011_rx_push(u, byte);
	u->ris |= INT_TX;
	pl011_update(u);
}

static uint32_t pl011_read_word(struct pl011 *u, uint32_t offset)
{
	uint32_t v;

	if (mmio_primecell_id(pl011_periph_id, offset, &v))
		return v;
	switch (offset) {
	case UARTDR:
		return pl011_rx_pop(u);
	case UARTRSR:
		return 0;	/* no framing, parity, break or overrun errors */
	case UARTFR:
		v = FR_TXFE;
		if (u->rx_count == 0)
			v |= FR_RXFE;
		if (u->rx_count >= pl011_depth(u))
			v |= FR_RXFF;
		return v;
	case UARTILPR:
		return u->ilpr;
	case UARTIBRD:
		return u->ibrd;
	case UARTFBRD:
		return u->fbrd;
	case UARTLCR_H:
		return u->lcr_h;
	case UARTCR:
		return u->cr;
	case UARTIFLS:
		return u->ifls;
	case UARTIMSC:
		return u->imsc;
	case UARTRIS:
		return u->ris;
	case UARTMIS:
		return u->ris & u->imsc;
	case UARTDMACR:
		return u->dmacr;
	default:
		return 0;
	}
}

static void pl011_write_word(struct pl011 *u, uint32_t offset, uint32_t value, uint32_t lanes)
{
	switch (offset) {
	case UARTDR:
		pl011_transmit(u, (uint8_t)value);
		break;
	case UARTRSR:
		break;	/* clears the error bits, of which there are none */
	case UARTILPR:
		u->ilpr = mmio_merge(u->ilpr, value, lanes) & 0xff;
		break;
	case UARTIBRD:
		u->ibrd = mmio_merge(u->ibrd, value, lanes) & 0xffff;
		break;
	case UARTFBRD:
		u->fbrd = mmio_merge(u->fbrd, value, lanes) & 0x3f;
		break;
	case UARTLCR_H: {
		uint32_t old = u->lcr_h;

		u->lcr_h = mmio_merge(u->lcr_h, value, lanes) & 0xff;
		/* Switching the FIFOs on or off empties them. */
		if ((old ^ u->lcr_h) & LCR_H_FEN)
			pl011_rx_flush(u);
		break;
	}
	case UARTCR:
		u->cr = mmio_merge(u->cr, value, lanes) & 0xff87;
		break;
	case UARTIFLS:
		u->ifls = mmio_merge(u->ifls, value, lanes) & 0x3f;
		break;
	case UARTIMSC:
		u->imsc = mmio_merge(u->imsc, value, lanes) & INT_ALL;
		break;
	case UARTICR:
		u->ris &= ~(value & lanes & INT_ALL);
		break;
	case UARTDMACR:
		u->dmacr = mmio_merge(u->dmacr, value, lanes) & 7;
		break;
	default:
		break;
	}
	pl011_update(u);
}

static int pl011_read(struct device *dev, uint32_t offset, unsigned size, uint32_t *value)
{
	struct pl011 *u = mmio_container(dev, struct pl011, dev);

	if (!mmio_access_ok(offset, size))
		return -1;
	*value = mmio_extract(pl011_read_word(u, offset & ~3u), offset, size);
	return 0;
}

static int pl011_write(struct device *dev, uint32_t offset, unsigned size, uint32_t value)
{
	struct pl011 *u = mmio_container(dev, struct pl011, dev);

	if (!mmio_access_ok(offset, size))
		return -1;
	pl011_write_word(u, offset & ~3u, mmio_place(value, offset, size), mmio_lanes(offset, size));
	return 0;
}

static void pl011_reset(struct device *dev)
{
	struct pl011 *u = mmio_container(dev, struct pl011, dev);

	pl011_rx_flush(u);
	u->ilpr = 0;
	u->ibrd = 0;
	u->fbrd = 0;
	u->lcr_h = 0;
	u->cr = 0x300;	/* TXE | RXE */
	u->ifls = 0x12;	/* both triggers at 1/2 */
	u->imsc = 0;
	u->ris = 0;
	u->dmacr = 0;
	pl011_update(u);
}

static void pl011_destroy(struct device *dev)
{
	free(mmio_container(dev, struct pl011, dev));
}

static const struct device_ops pl011_ops = {
	.read = pl011_read,
	.write = pl011_write,
	.reset = pl011_reset,
	.destroy = pl011_destroy,
};

int pl011_create(struct machine *m, const char *name, gpa_t base, unsigned irq)
{
	struct pl011 *u = calloc(1, sizeof(*u));
	int rc;

	if (!u)
		return -ENOMEM;
	u->dev = (struct device){ .name = name, .ops = &pl011_ops, .base = base, .size = 0x1000 };
	u->irq = irq;
	u->rx_timeout.fire = pl011_rx_timeout_fire;
	rc = machine_add_device(m, &u->dev);
	if (rc) {
		free(u);
		return rc;
	}
	pl011_reset(&u->dev);
	m->console_dev = u;
	m->console_input = pl011_console_input;
	return 0;
}
