/*
 * Helpers for device models whose registers are 32-bit words.
 *
 * An APB peripheral sees a narrow (byte or halfword) access as an access to
 * the word that holds it, with only the addressed byte lanes driven. These
 * helpers turn any naturally aligned access of 1, 2 or 4 bytes into that
 * word access, so a model implements whole-word registers once and byte
 * stores to a data register (common in bare-metal code) still work.
 */
#ifndef PLATFORM_MMIO_H
#define PLATFORM_MMIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The device state that embeds `ptr` as its `member`. */
#define mmio_container(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))

/* True for 1, 2 or 4 bytes at a naturally aligned offset. */
static inline bool mmio_access_ok(uint32_t offset, unsigned size)
{
	return (size == 1 || size == 2 || size == 4) && (offset & (size - 1)) == 0;
}

/* The byte lanes an access drives, within its word. */
static inline uint32_t mmio_lanes(uint32_t offset, unsigned size)
{
	uint32_t bits = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;

	return bits << ((offset & 3) * 8);
}

/* The part of a word register's value that a narrow read returns. */
static inline uint32_t mmio_extract(uint32_t word, uint32_t offset, unsigned size)
{
	return (word & mmio_lanes(offset, size)) >> ((offset & 3) * 8);
}

/* A narrow write's value moved to its lanes in the word. */
static inline uint32_t mmio_place(uint32_t value, uint32_t offset, unsigned size)
{
	return (value << ((offset & 3) * 8)) & mmio_lanes(offset, size);
}

/* A plain read/write register after a write that drives only `lanes`. */
static inline uint32_t mmio_merge(uint32_t old, uint32_t placed, uint32_t lanes)
{
	return (old & ~lanes) | (placed & lanes);
}

/*
 * The PrimeCell identification block at 0xFE0-0xFFC: four peripheral ID
 * bytes then the four component ID bytes 0x0D 0xF0 0x05 0xB1, one per word.
 * Returns true and sets *value when offset (word aligned) falls in it.
 */
static inline bool mmio_primecell_id(const uint8_t periph_id[4], uint32_t offset, uint32_t *value)
{
	static const uint8_t cell_id[4] = { 0x0d, 0xf0, 0x05, 0xb1 };

	if (offset < 0xfe0 || offset > 0xffc)
		return false;
	unsigned i = (offset - 0xfe0) / 4;
	*value = i < 4 ? periph_id[i] : cell_id[i - 4];
	return true;
}

#endif
