/* hot-mmuoff: hot memory with the MMU off (flat physical addressing). */
#define MECH_NAME "hot-mmuoff"
#define MECH_MMU 0
#include "hot.c.inc"
