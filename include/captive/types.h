/* Basic types shared by the host framework and the engine (which has no libc). */
#ifndef CAPTIVE_TYPES_H
#define CAPTIVE_TYPES_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* Guest virtual (ARM, 32-bit) and guest physical (64-bit) addresses: never mixed. */
typedef uint32_t gva_t;
typedef uint64_t gpa_t;

#define CAPTIVE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
