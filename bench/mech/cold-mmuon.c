/* cold-mmuon: cold memory with the MMU on, small pages. */
#define MECH_NAME "cold-mmuon"
#define MECH_MMU 1
#define COLD_DEFAULT_ITERS 5000000
#include "cold.c.inc"
