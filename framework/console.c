/* The guest's console on the host terminal (see console.h). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "console.h"
#include "vm.h"

static struct termios console_saved;
static volatile sig_atomic_t console_raw;

/* The input thread outlives the vm it serves (it may sit in read() until the
 * process exits): console_stop() closes the door under this lock, and the
 * thread touches the vm only through it. */
static pthread_mutex_t console_lock = PTHREAD_MUTEX_INITIALIZER;
static bool console_closed;

void console_restore(void)
{
	if (console_raw) {
		tcsetattr(STDIN_FILENO, TCSANOW, &console_saved);
		console_raw = 0;
	}
}

/* Raw mode when stdin is a terminal we own (not a background job's). */
static bool console_enter_raw(void)
{
	if (!isatty(STDIN_FILENO) || tcgetpgrp(STDIN_FILENO) != getpgrp() ||
	    tcgetattr(STDIN_FILENO, &console_saved))
		return false;
	struct termios t = console_saved;
	t.c_iflag &= ~(tcflag_t)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	t.c_oflag |= OPOST; /* captive's own messages keep their line ends */
	t.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t))
		return false;
	console_raw = 1;
	static bool registered;
	if (!registered && !atexit(console_restore))
		registered = true;
	return true;
}

enum console_action console_key(bool *escaped, uint8_t byte, uint8_t *out)
{
	if (!*escaped) {
		if (byte == CONSOLE_ESCAPE) {
			*escaped = true;
			return CONSOLE_NOTHING;
		}
		*out = byte;
		return CONSOLE_SEND;
	}
	*escaped = false;
	switch (byte) {
	case 'x':
	case 'X':
		return CONSOLE_QUIT;
	case CONSOLE_ESCAPE:
		*out = byte;
		return CONSOLE_SEND;
	case 'h':
	case 'H':
	case '?':
		return CONSOLE_HELP;
	}
	return CONSOLE_NOTHING;
}

struct console {
	struct vm *vm;
	bool interactive;
};

/* Hand one byte to the UART, waiting while its receive FIFO is full.
 * False once the console is closed or the guest stopping. */
static bool console_send(struct vm *vm, uint8_t c)
{
	struct timespec backoff = { 0, 1000000 };
	for (;;) {
		pthread_mutex_lock(&console_lock);
		bool open = !console_closed && !atomic_load(&vm->stop);
		int rc = open ? machine_console_input(vm->machine, c) : 0;
		pthread_mutex_unlock(&console_lock);
		if (!open)
			return false;
		if (rc != -EAGAIN)
			return true;
		nanosleep(&backoff, NULL);
	}
}

static void console_quit(struct vm *vm)
{
	pthread_mutex_lock(&console_lock);
	if (!console_closed) {
		fprintf(stderr, "\ncaptive: Ctrl-A x: stopping the guest\n");
		vm_request_stop(vm, VM_STOP_QUIT);
	}
	pthread_mutex_unlock(&console_lock);
}

static void *console_main(void *arg)
{
	struct console con = *(struct console *)arg;
	bool escaped = false;
	uint8_t c, out;
	free(arg);

	while (read(STDIN_FILENO, &c, 1) == 1) {
		if (!con.interactive) {
			if (!console_send(con.vm, c))
				break;
			continue;
		}
		switch (console_key(&escaped, c, &out)) {
		case CONSOLE_SEND:
			if (!console_send(con.vm, out))
				return NULL;
			break;
		case CONSOLE_QUIT:
			console_quit(con.vm);
			return NULL;
		case CONSOLE_HELP:
			fprintf(stderr, "\ncaptive console keys:\n"
					"  Ctrl-A x       quit\n"
					"  Ctrl-A Ctrl-A  send Ctrl-A to the guest\n"
					"  Ctrl-A h       this help\n");
			break;
		case CONSOLE_NOTHING:
			break;
		}
	}
	return NULL;
}

int console_start(struct vm *vm)
{
	struct console *con = malloc(sizeof(*con));
	if (!con)
		return -ENOMEM;
	con->vm = vm;
	con->interactive = console_enter_raw();
	pthread_mutex_lock(&console_lock);
	console_closed = false;
	pthread_mutex_unlock(&console_lock);

	/* Process-directed signals (the kvm backend's kicks, SIGINT) belong to
	 * other threads; this one only reads. */
	sigset_t all, old;
	pthread_t thread;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int rc = pthread_create(&thread, NULL, console_main, con);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc) {
		free(con);
		console_restore();
		fprintf(stderr, "captive: cannot start the console input thread: %s\n", strerror(rc));
		return -rc;
	}
	pthread_setname_np(thread, "captive-console");
	pthread_detach(thread);
	return 0;
}

void console_stop(void)
{
	pthread_mutex_lock(&console_lock);
	console_closed = true;
	pthread_mutex_unlock(&console_lock);
	console_restore();
}
