/*
 * The PL011 UART: transmit to the host console, the receive FIFO fed by
 * console input (with back-pressure instead of overrun), flags, the RX, RX
 * timeout and TX interrupts and their line to the GIC, loopback, register
 * masks, PrimeCell IDs and reset.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "platform/machine.h"
#include "platform/vexpress-a9.h"

#define U VEXPRESS_UART0_BASE

#define DR 0x000
#define RSR 0x004
#define FR 0x018
#define IBRD 0x024
#define FBRD 0x028
#define LCR_H 0x02c
#define CR 0x030
#define IFLS 0x034
#define IMSC 0x038
#define RIS 0x03c
#define MIS 0x040
#define ICR 0x044

#define FR_BUSY 0x08u
#define FR_RXFE 0x10u
#define FR_TXFF 0x20u
#define FR_RXFF 0x40u
#define FR_TXFE 0x80u
#define FEN 0x10u
#define INT_RX 0x10u
#define INT_TX 0x20u
#define INT_RT 0x40u

struct fake_host {
	uint64_t now;
	char out[256];
	size_t out_len;
};

static uint64_t fake_now(void *o)
{
	return ((struct fake_host *)o)->now;
}

static void fake_cpu_lines(void *o, bool irq, bool fiq)
{
}

static void fake_console_write(void *o, const uint8_t *buf, size_t len)
{
	struct fake_host *h = o;

	for (size_t i = 0; i < len && h->out_len + 1 < sizeof(h->out); i++)
		h->out[h->out_len++] = (char)buf[i];
}

static void fake_power(void *o, enum machine_power req)
{
}

static void fake_warn(void *o, const char *msg)
{
}

static struct fake_host host;
static struct machine *m;

static void setup(void)
{
	const struct machine_host mh = {
		.opaque = &host,
		.now_ns = fake_now,
		.cpu_lines = fake_cpu_lines,
		.console_write = fake_console_write,
		.power = fake_power,
		.warn = fake_warn,
	};
	const struct board_params p = { .ram_size = 256u << 20 };

	memset(&host, 0, sizeof(host));
	host.now = 3000000000ull;
	ck_assert_int_eq(machine_create(&m, "vexpress-a9", &p, &mh), 0);
}

static void teardown(void)
{
	machine_destroy(m);
}

static uint32_t rd(gpa_t pa)
{
	uint32_t v = 0xdeadbeef;

	ck_assert_int_eq(machine_access(m, pa, 4, &v, false), 0);
	return v;
}

static void wr(gpa_t pa, uint32_t v)
{
	ck_assert_int_eq(machine_access(m, pa, 4, &v, true), 0);
}

static bool uart_line(void)
{
	return (rd(VEXPRESS_GIC_DIST_BASE + 0x204) >> (VEXPRESS_IRQ_UART0 - 32)) & 1;
}

static void advance_and_run(uint64_t ns)
{
	pthread_mutex_lock(&m->lock);
	host.now += ns;
	machine_run_timers(m);
	pthread_mutex_unlock(&m->lock);
}

START_TEST(test_transmit)
{
	uint32_t b = 'i';

	ck_assert_uint_eq(rd(U + FR), FR_TXFE | FR_RXFE);
	ck_assert_uint_eq(rd(U + RIS), 0);
	wr(U + DR, 'h');
	ck_assert_int_eq(machine_access(m, U + DR, 1, &b, true), 0);
	wr(U + DR, 0x100 | '!');	/* only the data bits go out */
	ck_assert_uint_eq(host.out_len, 3);
	ck_assert_int_eq(memcmp(host.out, "hi!", 3), 0);
	/* Sent at once: the FIFO is empty, never busy or full. */
	ck_assert_uint_eq(rd(U + FR) & (FR_TXFE | FR_BUSY | FR_TXFF), FR_TXFE);

	/* Each byte passes the TX FIFO through its level: TXRIS. */
	ck_assert_uint_eq(rd(U + RIS), INT_TX);
	ck_assert_uint_eq(rd(U + MIS), 0);
	ck_assert(!uart_line());
	wr(U + IMSC, INT_TX);
	ck_assert_uint_eq(rd(U + MIS), INT_TX);
	ck_assert(uart_line());
	wr(U + ICR, INT_TX);
	ck_assert_uint_eq(rd(U + RIS), 0);
	ck_assert(!uart_line());
	wr(U + DR, '.');
	ck_assert(uart_line());
}
END_TEST

START_TEST(test_receive_fifo)
{
	ck_assert_int_eq(machine_console_input(m, 'a'), 0);
	ck_assert_uint_eq(rd(U + FR) & (FR_RXFE | FR_RXFF), FR_RXFF);	/* FIFO off: one deep */
	ck_assert_int_eq(machine_console_input(m, 'b'), -EAGAIN);
	ck_assert_uint_eq(rd(U + DR), 'a');
	ck_assert_uint_eq(rd(U + FR) & FR_RXFE, FR_RXFE);
	ck_assert_uint_eq(rd(U + RSR), 0);

	wr(U + LCR_H, 0x60 | FEN);
	ck_assert_uint_eq(rd(U + LCR_H), 0x70);
	for (unsigned i = 0; i < 16; i++)
		ck_assert_int_eq(machine_console_input(m, (uint8_t)('A' + i)), 0);
	ck_assert_uint_eq(rd(U + FR) & FR_RXFF, FR_RXFF);
	/* Full: refused, not dropped. */
	ck_assert_int_eq(machine_console_input(m, 'Q'), -EAGAIN);
	for (unsigned i = 0; i < 16; i++)
		ck_assert_uint_eq(rd(U + DR), 'A' + i);
	ck_assert_uint_eq(rd(U + FR) & (FR_RXFE | FR_RXFF), FR_RXFE);
	ck_assert_int_eq(machine_console_input(m, 'Q'), 0);
	ck_assert_uint_eq(rd(U + DR), 'Q');

	/* Switching the FIFOs off and on empties them. */
	ck_assert_int_eq(machine_console_input(m, 'z'), 0);
	wr(U + LCR_H, 0x60);
	ck_assert_uint_eq(rd(U + FR) & FR_RXFE, FR_RXFE);
}
END_TEST

START_TEST(test_receive_interrupt_level)
{
	wr(U + LCR_H, 0x60 | FEN);
	wr(U + IMSC, INT_RX);
	/* Default IFLS: RX at half full, 8 of 16. */
	ck_assert_uint_eq(rd(U + IFLS), 0x12);
	for (unsigned i = 0; i < 7; i++)
		machine_console_input(m, 'x');
	ck_assert_uint_eq(rd(U + RIS) & INT_RX, 0);
	ck_assert(!uart_line());
	machine_console_input(m, 'x');
	ck_assert_uint_eq(rd(U + RIS) & INT_RX, INT_RX);
	ck_assert_uint_eq(rd(U + MIS), INT_RX);
	ck_assert(uart_line());
	rd(U + DR);
	ck_assert_uint_eq(rd(U + RIS) & INT_RX, 0);
	ck_assert(!uart_line());

	/* 1/8 full: two bytes. */
	wr(U + IFLS, 0);
	while (!(rd(U + FR) & FR_RXFE))
		rd(U + DR);
	machine_console_input(m, 'y');
	ck_assert(!uart_line());
	machine_console_input(m, 'y');
	ck_assert(uart_line());
	wr(U + ICR, INT_RX);
	ck_assert(!uart_line());
}
END_TEST

START_TEST(test_receive_timeout)
{
	wr(U + LCR_H, 0x60 | FEN);
	wr(U + IBRD, 13);	/* 115200 baud from 24 MHz: 13 + 1/64 */
	wr(U + FBRD, 1);
	ck_assert_uint_eq(rd(U + IBRD), 13);
	ck_assert_uint_eq(rd(U + FBRD), 1);
	wr(U + IMSC, INT_RX | INT_RT);

	/* One byte: below the trigger, so only the timeout reports it, after
	 * 32 bit periods (about 278 us at 115200 baud). */
	machine_console_input(m, 'k');
	ck_assert(!uart_line());
	advance_and_run(200000);
	ck_assert(!uart_line());
	advance_and_run(100000);
	ck_assert_uint_eq(rd(U + RIS) & INT_RT, INT_RT);
	ck_assert(uart_line());
	ck_assert_uint_eq(rd(U + DR), 'k');
	ck_assert_uint_eq(rd(U + RIS) & INT_RT, 0);
	ck_assert(!uart_line());

	/* Emptied before the timeout: no interrupt at all. */
	machine_console_input(m, 'l');
	rd(U + DR);
	advance_and_run(1000000);
	ck_assert_uint_eq(rd(U + RIS), 0);
}
END_TEST

START_TEST(test_loopback)
{
	wr(U + CR, 0x301 | 0x80);
	ck_assert_uint_eq(rd(U + CR), 0x381);
	wr(U + DR, 'L');
	ck_assert_uint_eq(host.out_len, 1);
	ck_assert_uint_eq(rd(U + FR) & FR_RXFE, 0);
	ck_assert_uint_eq(rd(U + DR), 'L');
	wr(U + CR, 0x301);
	wr(U + DR, 'M');
	ck_assert_uint_eq(rd(U + FR) & FR_RXFE, FR_RXFE);
}
END_TEST

START_TEST(test_registers_and_ids)
{
	static const uint8_t id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	uint32_t v;

	for (unsigned i = 0; i < 8; i++)
		ck_assert_uint_eq(rd(U + 0xfe0 + 4 * i), id[i]);
	ck_assert_uint_eq(rd(U + CR), 0x300);
	wr(U + IBRD, 0x12345);
	ck_assert_uint_eq(rd(U + IBRD), 0x2345);
	wr(U + FBRD, 0xff);
	ck_assert_uint_eq(rd(U + FBRD), 0x3f);
	wr(U + IMSC, 0xffffffff);
	ck_assert_uint_eq(rd(U + IMSC), 0x7ff);
	/* A byte store to CR's high byte keeps its low byte. */
	wr(U + CR, 0x301);
	v = 0x00;
	ck_assert_int_eq(machine_access(m, U + CR + 1, 1, &v, true), 0);
	ck_assert_uint_eq(rd(U + CR), 0x001);
	/* Halfword read of the flags. */
	ck_assert_int_eq(machine_access(m, U + FR, 2, &v, false), 0);
	ck_assert_uint_eq(v, FR_TXFE | FR_RXFE);

	machine_console_input(m, 'r');
	wr(U + IMSC, INT_TX);
	wr(U + DR, 't');
	ck_assert(uart_line());
	machine_reset(m);
	ck_assert(!uart_line());
	ck_assert_uint_eq(rd(U + CR), 0x300);
	ck_assert_uint_eq(rd(U + IMSC), 0);
	ck_assert_uint_eq(rd(U + IBRD), 0);
	ck_assert_uint_eq(rd(U + FR), FR_TXFE | FR_RXFE);
}
END_TEST

static Suite *pl011_suite(void)
{
	Suite *s = suite_create("pl011");
	TCase *tc = tcase_create("pl011");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_transmit);
	tcase_add_test(tc, test_receive_fifo);
	tcase_add_test(tc, test_receive_interrupt_level);
	tcase_add_test(tc, test_receive_timeout);
	tcase_add_test(tc, test_loopback);
	tcase_add_test(tc, test_registers_and_ids);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(pl011_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
