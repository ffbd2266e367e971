/* tlbi-all: remap a page and invalidate the whole TLB (TLBIALL), then use it. */
#define MECH_NAME "tlbi-all"
#define TLBI_ALL 1
#define TLBI_DEFAULT_ITERS 280000
#include "tlbi.c.inc"
