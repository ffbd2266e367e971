/* Short-descriptor page-table entries for the MMU suites; ap3 is AP[2]:AP[1:0]. */
#ifndef TESTS_UNIT_SUPPORT_PTDESC_H
#define TESTS_UNIT_SUPPORT_PTDESC_H

#include <stdint.h>

/* First level: a 1 MiB section. */
static inline uint32_t sect(uint32_t pa, unsigned ap3, unsigned domain, uint32_t extra)
{
	return (pa & 0xfff00000u) | ((ap3 & 4u) ? 1u << 15 : 0) | (ap3 & 3u) << 10 |
	       domain << 5 | 2u | extra;
}

/* First level: a pointer to a coarse second-level table. */
static inline uint32_t table(uint32_t l2, unsigned domain)
{
	return (l2 & 0xfffffc00u) | domain << 5 | 1u;
}

/* Second level: a 4 KiB small page. */
static inline uint32_t small(uint32_t pa, unsigned ap3, uint32_t extra)
{
	return (pa & 0xfffff000u) | ((ap3 & 4u) ? 1u << 9 : 0) | (ap3 & 3u) << 4 | 2u | extra;
}

/* Second level: a 64 KiB large page. */
static inline uint32_t large(uint32_t pa, unsigned ap3, uint32_t extra)
{
	return (pa & 0xffff0000u) | ((ap3 & 4u) ? 1u << 9 : 0) | (ap3 & 3u) << 4 | 1u | extra;
}

#endif
