/* Freestanding runtime of the engine: the few libc pieces it needs, written here. */
#ifndef ENGINE_RT_H
#define ENGINE_RT_H

#include <stdarg.h>
#include "captive/types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

/* Minimal vsnprintf: %d %u %x %lx %llx %s %c %p %%, width and 0-padding. */
int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Log a line to the host console (doorbell CAPTIVE_DB_LOG). */
void engine_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Engine bug: publish message + state, ring CAPTIVE_DB_PANIC, never return. */
_Noreturn void engine_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define ENGINE_ASSERT(c)                                                           \
	do {                                                                       \
		if (__builtin_expect(!(c), 0))                                     \
			engine_panic("assertion failed: %s (%s:%d)", #c, __FILE__, \
				     __LINE__);                                    \
	} while (0)

#endif
