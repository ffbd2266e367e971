/* hot-mmuon: hot memory with the MMU on (one section, always a TLB hit). */
#define MECH_NAME "hot-mmuon"
#define MECH_MMU 1
#include "hot.c.inc"
