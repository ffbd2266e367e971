/*
 * The guest's console on the host's standard input: keyboard bytes go to the
 * console UART. Interactive when stdin is a terminal in the foreground: raw
 * mode as QEMU's stdio console sets it (no echo, no line editing, Ctrl-C and
 * Ctrl-Z go to the guest, output post-processing kept), and a Ctrl-A escape:
 *   Ctrl-A x       quit (the guest is stopped, the disk flushed, exit 0)
 *   Ctrl-A Ctrl-A  send a literal Ctrl-A
 *   Ctrl-A h       list these keys
 * Otherwise (a pipe, a file, /dev/null) bytes are forwarded as they come and
 * end of input simply ends the forwarding.
 */
#ifndef FRAMEWORK_CONSOLE_H
#define FRAMEWORK_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

struct vm;

/* What one input byte means to the escape logic. */
enum console_action {
	CONSOLE_NOTHING,	/* swallowed (the escape key, an unknown escape) */
	CONSOLE_SEND,		/* give *out to the guest */
	CONSOLE_QUIT,		/* Ctrl-A x */
	CONSOLE_HELP,		/* Ctrl-A h */
};

#define CONSOLE_ESCAPE 0x01u /* Ctrl-A */

/*
 * The Ctrl-A state machine: feed each typed byte with the same *escaped
 * state (false initially); returns what to do, and the byte to send in *out.
 */
enum console_action console_key(bool *escaped, uint8_t byte, uint8_t *out);

/*
 * Start the input thread for `vm` (detached: it may stay blocked in read()
 * until the process exits, but touches the vm only until console_stop()),
 * entering raw mode first when interactive; the terminal is then restored
 * at exit (atexit) or by console_restore(). While the UART's receive FIFO is
 * full the thread waits, so no byte is dropped. 0 or -errno (reported).
 */
int console_start(struct vm *vm);

/* Detach the input thread from the vm (call before the vm and its machine
 * go away) and restore the terminal. */
void console_stop(void);

/* Put the terminal back as it was before console_start. Idempotent and
 * async-signal-safe; a no-op when raw mode was never entered. */
void console_restore(void);

#endif
