/* tlbi-mva: remap a page and invalidate its one TLB entry (TLBIMVA), then use it. */
#define MECH_NAME "tlbi-mva"
#define TLBI_ALL 0
#define TLBI_DEFAULT_ITERS 800000
#include "tlbi.c.inc"
