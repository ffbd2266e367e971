/*
 * The bare-metal engine image: an x86-64 ELF executable linked at a fixed
 * address. Loading copies its PT_LOAD segments into the memory that backs the
 * engine's addresses; the symbol table stays in the hypervisor to name engine
 * addresses in crash reports and to find the entry points the hypervisor
 * wires up (the IDT stubs).
 */
#ifndef FRAMEWORK_ENGINE_ELF_H
#define FRAMEWORK_ENGINE_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct engine_sym {
	uint64_t addr;
	uint64_t size;
	const char *name;	/* points into engine_elf.strtab */
	bool func;		/* STT_FUNC */
};

struct engine_elf {
	uint64_t entry;
	uint64_t image_end;	/* highest p_vaddr + p_memsz */
	struct engine_sym *syms;	/* sorted by address */
	size_t nsyms;
	char *strtab;
	char err[256];		/* why the last call failed */
};

/*
 * Load the image at path into mem, which backs engine virtual addresses
 * [vbase, vbase + size) and must already be zero-filled (only file bytes are
 * copied, so a large .bss costs nothing). Every PT_LOAD segment must fit in
 * that range. Reads the symbol table if there is one. Returns 0, or -errno
 * with elf->err naming the file and what was wrong (not an x86-64 ELF
 * executable, a segment outside the range, truncated). engine_elf_free() is
 * safe after a failure.
 */
int engine_elf_load(struct engine_elf *elf, const char *path, uint8_t *mem, uint64_t vbase,
		    uint64_t size);

void engine_elf_free(struct engine_elf *elf);

/* The symbol whose [addr, addr+size) holds addr (or the nearest one below
 * it when sizes are missing); NULL when none. */
const struct engine_sym *engine_elf_find(const struct engine_elf *elf, uint64_t addr);

/* Write "name+0xoff" for addr into buf (or just the hex address). Returns buf. */
const char *engine_elf_symbolize(const struct engine_elf *elf, uint64_t addr, char *buf,
				 size_t len);

/* Address of the symbol called name: 0 and *addr, or -ENOENT. */
int engine_elf_lookup(const struct engine_elf *elf, const char *name, uint64_t *addr,
		      uint64_t *size);

#endif
