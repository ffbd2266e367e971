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
#include "support/check_main.h"
#include "support/fake_board.h"

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

static void setup(void)
{
	fake_board_setup(256u << 20, 3000000000ull);
}

static bool uart_line(void)
{
	return (fake_rd32(VEXPRESS_GIC_DIST_BASE + 0x204) >> (VEXPRESS_IRQ_UART0 - 32)) & 1;
}

static void advance_and_run(uint64_t ns)
{
	fake_run_timers_at(fake_host.now + ns);
}

START_TEST(test_transmit)
{
	uint32_t b = 'i';

	ck_assert_uint_eq(fake_rd32(U + FR), FR_TXFE | FR_RXFE);
	ck_assert_uint_eq(fake_rd32(U + RIS), 0);
	fake_wr32(U + DR, 'h');
	ck_assert_int_eq(machine_access(fake_machine, U + DR, 1, &b, true), 0);
	fake_wr32(U + DR, 0x100 | '!');	/* only the data bits go out */
	ck_assert_uint_eq(fake_host.out_len, 3);
	ck_assert_int_eq(memcmp(fake_host.out, "hi!", 3), 0);
	/* Sent at once: the FIFO is empty, never busy or full. */
	ck_assert_uint_eq(fake_rd32(U + FR) & (FR_TXFE | FR_BUSY | FR_TXFF), FR_TXFE);

	/* Each byte passes the TX FIFO through its level: TXRIS. */
	ck_assert_uint_eq(fake_rd32(U + RIS), INT_TX);
	ck_assert_uint_eq(fake_rd32(U + MIS), 0);
	ck_assert(!uart_line());
	fake_wr32(U + IMSC, INT_TX);
	ck_assert_uint_eq(fake_rd32(U + MIS), INT_TX);
	ck_assert(uart_line());
	fake_wr32(U + ICR, INT_TX);
	ck_assert_uint_eq(fake_rd32(U + RIS), 0);
	ck_assert(!uart_line());
	fake_wr32(U + DR, '.');
	ck_assert(uart_line());
}
END_TEST

START_TEST(test_receive_fifo)
{
	ck_assert_int_eq(machine_console_input(fake_machine, 'a'), 0);
	ck_assert_uint_eq(fake_rd32(U + FR) & (FR_RXFE | FR_RXFF), FR_RXFF);	/* FIFO off: one deep */
	ck_assert_int_eq(machine_console_input(fake_machine, 'b'), -EAGAIN);
	ck_assert_uint_eq(fake_rd32(U + DR), 'a');
	ck_assert_uint_eq(fake_rd32(U + FR) & FR_RXFE, FR_RXFE);
	ck_assert_uint_eq(fake_rd32(U + RSR), 0);

	fake_wr32(U + LCR_H, 0x60 | FEN);
	ck_assert_uint_eq(fake_rd32(U + LCR_H), 0x70);
	for (unsigned i = 0; i < 16; i++)
		ck_assert_int_eq(machine_console_input(fake_machine, (uint8_t)('A' + i)), 0);
	ck_assert_uint_eq(fake_rd32(U + FR) & FR_RXFF, FR_RXFF);
	/* Full: refused, not dropped. */
	ck_assert_int_eq(machine_console_input(fake_machine, 'Q'), -EAGAIN);
	for (unsigned i = 0; i < 16; i++)
		ck_assert_uint_eq(fake_rd32(U + DR), 'A' + i);
	ck_assert_uint_eq(fake_rd32(U + FR) & (FR_RXFE | FR_RXFF), FR_RXFE);
	ck_assert_int_eq(machine_console_input(fake_machine, 'Q'), 0);
	ck_assert_uint_eq(fake_rd32(U + DR), 'Q');

	/* Switching the FIFOs off and on empties them. */
	ck_assert_int_eq(machine_console_input(fake_machine, 'z'), 0);
	fake_wr32(U + LCR_H, 0x60);
	ck_assert_uint_eq(fake_rd32(U + FR) & FR_RXFE, FR_RXFE);
}
END_TEST

START_TEST(test_receive_interrupt_level)
{
	fake_wr32(U + LCR_H, 0x60 | FEN);
	fake_wr32(U + IMSC, INT_RX);
	/* Default IFLS: RX at half full, 8 of 16. */
	ck_assert_uint_eq(fake_rd32(U + IFLS), 0x12);
	for (unsigned i = 0; i < 7; i++)
		machine_console_input(fake_machine, 'x');
	ck_assert_uint_eq(fake_rd32(U + RIS) & INT_RX, 0);
	ck_assert(!uart_line());
	machine_console_input(fake_machine, 'x');
	ck_assert_uint_eq(fake_rd32(U + RIS) & INT_RX, INT_RX);
	ck_assert_uint_eq(fake_rd32(U + MIS), INT_RX);
	ck_assert(uart_line());
	fake_rd32(U + DR);
	ck_assert_uint_eq(fake_rd32(U + RIS) & INT_RX, 0);
	ck_assert(!uart_line());

	/* 1/8 full: two bytes. */
	fake_wr32(U + IFLS, 0);
	while (!(fake_rd32(U + FR) & FR_RXFE))
		fake_rd32(U + DR);
	machine_console_input(fake_machine, 'y');
	ck_assert(!uart_line());
	machine_console_input(fake_machine, 'y');
	ck_assert(uart_line());
	fake_wr32(U + ICR, INT_RX);
	ck_assert(!uart_line());
}
END_TEST

START_TEST(test_receive_timeout)
{
	fake_wr32(U + LCR_H, 0x60 | FEN);
	fake_wr32(U + IBRD, 13);	/* 115200 baud from 24 MHz: 13 + 1/64 */
	fake_wr32(U + FBRD, 1);
	ck_assert_uint_eq(fake_rd32(U + IBRD), 13);
	ck_assert_uint_eq(fake_rd32(U + FBRD), 1);
	fake_wr32(U + IMSC, INT_RX | INT_RT);

	/* One byte: below the trigger, so only the timeout reports it, after
	 * 32 bit periods (about 278 us at 115200 baud). */
	machine_console_input(fake_machine, 'k');
	ck_assert(!uart_line());
	advance_and_run(200000);
	ck_assert(!uart_line());
	advance_and_run(100000);
	ck_assert_uint_eq(fake_rd32(U + RIS) & INT_RT, INT_RT);
	ck_assert(uart_line());
	ck_assert_uint_eq(fake_rd32(U + DR), 'k');
	ck_assert_uint_eq(fake_rd32(U + RIS) & INT_RT, 0);
	ck_assert(!uart_line());

	/* Emptied before the timeout: no interrupt at all. */
	machine_console_input(fake_machine, 'l');
	fake_rd32(U + DR);
	advance_and_run(1000000);
	ck_assert_uint_eq(fake_rd32(U + RIS), 0);
}
END_TEST

START_TEST(test_loopback)
{
	fake_wr32(U + CR, 0x301 | 0x80);
	ck_assert_uint_eq(fake_rd32(U + CR), 0x381);
	fake_wr32(U + DR, 'L');
	ck_assert_uint_eq(fake_host.out_len, 1);
	ck_assert_uint_eq(fake_rd32(U + FR) & FR_RXFE, 0);
	ck_assert_uint_eq(fake_rd32(U + DR), 'L');
	fake_wr32(U + CR, 0x301);
	fake_wr32(U + DR, 'M');
	ck_assert_uint_eq(fake_rd32(U + FR) & FR_RXFE, FR_RXFE);
}
END_TEST

START_TEST(test_registers_and_ids)
{
	static const uint8_t id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	uint32_t v;

	for (unsigned i = 0; i < 8; i++)
		ck_assert_uint_eq(fake_rd32(U + 0xfe0 + 4 * i), id[i]);
	ck_assert_uint_eq(fake_rd32(U + CR), 0x300);
	fake_wr32(U + IBRD, 0x12345);
	ck_assert_uint_eq(fake_rd32(U + IBRD), 0x2345);
	fake_wr32(U + FBRD, 0xff);
	ck_assert_uint_eq(fake_rd32(U + FBRD), 0x3f);
	fake_wr32(U + IMSC, 0xffffffff);
	ck_assert_uint_eq(fake_rd32(U + IMSC), 0x7ff);
	/* A byte store to CR's high byte keeps its low byte. */
	fake_wr32(U + CR, 0x301);
	v = 0x00;
	ck_assert_int_eq(machine_access(fake_machine, U + CR + 1, 1, &v, true), 0);
	ck_assert_uint_eq(fake_rd32(U + CR), 0x001);
	/* Halfword read of the flags. */
	ck_assert_int_eq(machine_access(fake_machine, U + FR, 2, &v, false), 0);
	ck_assert_uint_eq(v, FR_TXFE | FR_RXFE);

	machine_console_input(fake_machine, 'r');
	fake_wr32(U + IMSC, INT_TX);
	fake_wr32(U + DR, 't');
	ck_assert(uart_line());
	machine_reset(fake_machine);
	ck_assert(!uart_line());
	ck_assert_uint_eq(fake_rd32(U + CR), 0x300);
	ck_assert_uint_eq(fake_rd32(U + IMSC), 0);
	ck_assert_uint_eq(fake_rd32(U + IBRD), 0);
	ck_assert_uint_eq(fake_rd32(U + FR), FR_TXFE | FR_RXFE);
}
END_TEST

static Suite *pl011_suite(void)
{
	Suite *s = suite_create("pl011");
	TCase *tc = tcase_create("pl011");

	tcase_add_checked_fixture(tc, setup, fake_board_teardown);
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
	return check_run_suite(pl011_suite());
}
