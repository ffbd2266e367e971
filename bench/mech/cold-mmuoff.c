/* cold-mmuoff: cold memory with the MMU off. */
#define MECH_NAME "cold-mmuoff"
#define MECH_MMU 0
#define COLD_DEFAULT_ITERS 7000000
#include "cold.c.inc"
