/* Loading and symbolizing the bare-metal engine image (see engine_elf.h). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine_elf.h"

__attribute__((format(printf, 3, 4))) static int elf_fail(struct engine_elf *elf, int err,
							  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(elf->err, sizeof(elf->err), fmt, ap);
	va_end(ap);
	return -err;
}

static bool elf_range_ok(uint64_t off, uint64_t len, uint64_t total)
{
	return off <= total && len <= total - off;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct engine_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

/* Symbols are optional (a stripped engine still runs, reports just get
 * hex addresses), so a malformed table is ignored rather than fatal. */
static void elf_read_symbols(struct engine_elf *elf, const uint8_t *file, size_t fsize,
			     const Elf64_Ehdr *eh)
{
	if (eh->e_shoff == 0 || eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !elf_range_ok(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr), fsize))
		return;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)(file + eh->e_shoff);

	for (unsigned i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum)
			continue;
		const Elf64_Shdr *st = &sh[sh[i].sh_link];
		if (!elf_range_ok(sh[i].sh_offset, sh[i].sh_size, fsize) ||
		    !elf_range_ok(st->sh_offset, st->sh_size, fsize) || st->sh_size == 0)
			return;
		elf->strtab = malloc(st->sh_size + 1);
		size_t n = sh[i].sh_size / sizeof(Elf64_Sym);
		elf->syms = calloc(n ? n : 1, sizeof(*elf->syms));
		if (!elf->strtab || !elf->syms)
			return;
		memcpy(elf->strtab, file + st->sh_offset, st->sh_size);
		elf->strtab[st->sh_size] = '\0';

		const Elf64_Sym *sym = (const Elf64_Sym *)(file + sh[i].sh_offset);
		for (size_t k = 0; k < n; k++) {
			unsigned type = ELF64_ST_TYPE(sym[k].st_info);
			if ((type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE) ||
			    sym[k].st_shndx == SHN_UNDEF || sym[k].st_shndx == SHN_ABS ||
			    sym[k].st_name == 0 || sym[k].st_name >= st->sh_size)
				continue;
			elf->syms[elf->nsyms++] = (struct engine_sym){
				.addr = sym[k].st_value,
				.size = sym[k].st_size,
				.name = elf->strtab + sym[k].st_name,
				.func = type == STT_FUNC,
			};
		}
		qsort(elf->syms, elf->nsyms, sizeof(*elf->syms), sym_cmp);
		return;
	}
}

static int elf_load_segments(struct engine_elf *elf, const char *path, const uint8_t *file,
			     size_t fsize, const Elf64_Ehdr *eh, uint8_t *mem, uint64_t vbase,
			     uint64_t size)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(file + eh->e_phoff);
	unsigned loaded = 0;

	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		if (ph[i].p_filesz > ph[i].p_memsz ||
		    !elf_range_ok(ph[i].p_offset, ph[i].p_filesz, fsize))
			return elf_fail(elf, EINVAL, "%s: segment %u is truncated or corrupt", path,
					i);
		if (ph[i].p_vaddr < vbase ||
		    !elf_range_ok(ph[i].p_vaddr - vbase, ph[i].p_memsz, size))
			return elf_fail(elf, EINVAL,
					"%s: segment %u at 0x%llx+0x%llx lies outside the engine "
					"region 0x%llx+0x%llx (built with another engine.ld?)",
					path, i, (unsigned long long)ph[i].p_vaddr,
					(unsigned long long)ph[i].p_memsz,
					(unsigned long long)vbase, (unsigned long long)size);
		memcpy(mem + (ph[i].p_vaddr - vbase), file + ph[i].p_offset, ph[i].p_filesz);
		if (ph[i].p_vaddr + ph[i].p_memsz > elf->image_end)
			elf->image_end = ph[i].p_vaddr + ph[i].p_memsz;
		loaded++;
	}
	if (!loaded)
		return elf_fail(elf, EINVAL, "%s: no loadable segment", path);
	if (eh->e_entry < vbase || eh->e_entry >= elf->image_end)
		return elf_fail(elf, EINVAL, "%s: entry point 0x%llx is outside the image", path,
				(unsigned long long)eh->e_entry);
	return 0;
}

static int elf_check_header(struct engine_elf *elf, const char *path, const uint8_t *file,
			    size_t fsize)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;

	if (fsize < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return elf_fail(elf, ENOEXEC, "%s: not an ELF file (expected the x86-64 "
				"bare-metal engine image)", path);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64)
		return elf_fail(elf, ENOEXEC, "%s: not an x86-64 ELF (machine %u, class %u); "
				"expected the x86-64 bare-metal engine image", path,
				eh->e_machine, eh->e_ident[EI_CLASS]);
	if (eh->e_type != ET_EXEC)
		return elf_fail(elf, ENOEXEC, "%s: ELF type %u, expected a static executable "
				"(ET_EXEC)", path, eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !elf_range_ok(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), fsize))
		return elf_fail(elf, EINVAL, "%s: program headers truncated or corrupt", path);
	return 0;
}

int engine_elf_load(struct engine_elf *elf, const char *path, uint8_t *mem, uint64_t vbase,
		    uint64_t size)
{
	struct stat st;
	uint8_t *file;
	int fd, ret;

	memset(elf, 0, sizeof(*elf));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return elf_fail(elf, errno, "cannot open engine image %s: %s", path,
				strerror(errno));
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		ret = elf_fail(elf, ENOEXEC, "%s: empty or unreadable engine image", path);
		goto err_close;
	}
	file = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (file == MAP_FAILED) {
		ret = elf_fail(elf, errno, "cannot map %s: %s", path, strerror(errno));
		goto err_close;
	}
	ret = elf_check_header(elf, path, file, st.st_size);
	if (ret)
		goto err_unmap;
	ret = elf_load_segments(elf, path, file, st.st_size, (const Elf64_Ehdr *)file, mem, vbase,
				size);
	if (ret)
		goto err_unmap;
	elf->entry = ((const Elf64_Ehdr *)file)->e_entry;
	elf_read_symbols(elf, file, st.st_size, (const Elf64_Ehdr *)file);
	munmap(file, st.st_size);
	close(fd);
	return 0;

err_unmap:
	munmap(file, st.st_size);
err_close:
	close(fd);
	return ret;
}

void engine_elf_free(struct engine_elf *elf)
{
	free(elf->syms);
	free(elf->strtab);
	elf->syms = NULL;
	elf->strtab = NULL;
	elf->nsyms = 0;
}

const struct engine_sym *engine_elf_find(const struct engine_elf *elf, uint64_t addr)
{
	size_t lo = 0, hi = elf->nsyms;

	if (addr >= elf->image_end)
		return NULL;
	/* lo = number of symbols at or below addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (elf->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	/* among symbols at the same address, prefer a sized one covering addr */
	uint64_t at = elf->syms[lo - 1].addr;
	for (size_t i = lo; i-- > 0 && elf->syms[i].addr == at;)
		if (elf->syms[i].size && addr - at < elf->syms[i].size)
			return &elf->syms[i];
	return &elf->syms[lo - 1];
}

const char *engine_elf_symbolize(const struct engine_elf *elf, uint64_t addr, char *buf,
				 size_t len)
{
	const struct engine_sym *s = engine_elf_find(elf, addr);

	if (s && addr != s->addr)
		snprintf(buf, len, "0x%016llx <%s+0x%llx>", (unsigned long long)addr, s->name,
			 (unsigned long long)(addr - s->addr));
	else if (s)
		snprintf(buf, len, "0x%016llx <%s>", (unsigned long long)addr, s->name);
	else
		snprintf(buf, len, "0x%016llx", (unsigned long long)addr);
	return buf;
}

int engine_elf_lookup(const struct engine_elf *elf, const char *name, uint64_t *addr,
		      uint64_t *size)
{
	for (size_t i = 0; i < elf->nsyms; i++) {
		if (strcmp(elf->syms[i].name, name) == 0) {
			*addr = elf->syms[i].addr;
			if (size)
				*size = elf->syms[i].size;
			return 0;
		}
	}
	return -ENOENT;
}
