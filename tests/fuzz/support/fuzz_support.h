/*
 * Shared scaffolding of the libFuzzer harnesses in tests/fuzz/: a reader
 * that turns the fuzzer's bytes into typed values (running dry yields
 * zeros, so every input is a complete script), memfd-backed files for the
 * parsers that take a path (fuzz_support.c), and a fake machine host with a
 * clock the harness moves, so nothing depends on the time of day
 * (fuzz_board.c).
 */
#ifndef TESTS_FUZZ_SUPPORT_H
#define TESTS_FUZZ_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "platform/machine.h"

/* A harness's own invariant: report it the way libFuzzer records crashes. */
#define FUZZ_CHECK(cond)                                                                  \
	do {                                                                              \
		if (!(cond))                                                              \
			fuzz_fail(__FILE__, __LINE__, #cond);                             \
	} while (0)

_Noreturn void fuzz_fail(const char *file, int line, const char *what);

/* The fuzzer's input, consumed front to back. */
struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

bool fuzz_left(const struct fuzz_in *in);
uint8_t fuzz_u8(struct fuzz_in *in);
uint16_t fuzz_u16(struct fuzz_in *in);
uint32_t fuzz_u32(struct fuzz_in *in);
uint64_t fuzz_u64(struct fuzz_in *in);
/* Up to max bytes (fewer when the input runs out); *len gets the count.
 * Points into the input: no copy. */
const uint8_t *fuzz_bytes(struct fuzz_in *in, size_t max, size_t *len);

/*
 * The project's messages go to stderr on every rejected input, which would
 * drown libFuzzer's status lines: point the stdio stream at /dev/null unless
 * FUZZ_VERBOSE is set. Sanitizer and libFuzzer reports write to the file
 * descriptor and are not affected. Call from LLVMFuzzerInitialize.
 */
void fuzz_quiet(void);

/* A memfd (aborts on failure: a harness set-up bug). */
int fuzz_memfd(const char *name);
/* Make fd's contents exactly data[0..len). */
void fuzz_memfd_set(int fd, const void *data, size_t len);
/* "/proc/self/fd/N", for functions that open a path. */
const char *fuzz_fd_path(int fd, char *buf, size_t size);

/* What the machine told its fake host. */
struct fuzz_host {
	uint64_t now;		/* now_ns: moved by the harness only */
	bool irq, fiq;
	unsigned power;
	unsigned warnings;
	uint64_t console_bytes;
	uint64_t ram_written;	/* bytes reported by DMA */
};

/* A machine_host whose callbacks record into h. */
struct machine_host fuzz_machine_host(struct fuzz_host *h);

/* A vexpress-a9 machine against h; aborts unless it is created. */
struct machine *fuzz_machine_create(struct fuzz_host *h, uint64_t ram_size,
				    const struct board_disk *disk, bool strict_bus);

#endif
