/* Guest image loading: ARM ELF32 executables (bare-metal programs). */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "loader.h"

#define ARM_CPSR_RESET 0x1d3u /* SVC mode, A/I/F masked */

int vm_ram_write(struct vm *vm, gpa_t pa, const void *data, uint64_t len)
{
	if (pa < vm->ram_base || len > vm->ram_size || pa - vm->ram_base > vm->ram_size - len)
		return -EFAULT;
	memcpy(vm->ram + (pa - vm->ram_base), data, len);
	return 0;
}

static int loader_read_file(const char *what, const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		int err = errno;
		fprintf(stderr, "captive: %s '%s': %s\n", what, path, strerror(err));
		return -err;
	}
	struct stat st;
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "captive: %s '%s' is not a regular file\n", what, path);
		fclose(f);
		return -EINVAL;
	}
	*len = (size_t)st.st_size;
	*data = malloc(*len ? *len : 1);
	if (!*data || fread(*data, 1, *len, f) != *len) {
		fprintf(stderr, "captive: %s '%s': read failed\n", what, path);
		free(*data);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	return 0;
}

static int loader_elf(struct vm *vm, const char *path, const uint8_t *img, size_t len)
{
	const Elf32_Ehdr *eh = (const Elf32_Ehdr *)img;
	if (len < sizeof(*eh) || eh->e_ident[EI_CLASS] != ELFCLASS32 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_machine != EM_ARM) {
		fprintf(stderr, "captive: kernel '%s' is an ELF file but not a 32-bit little-endian ARM one\n",
			path);
		return -EINVAL;
	}
	if (eh->e_type != ET_EXEC || eh->e_phentsize != sizeof(Elf32_Phdr) ||
	    eh->e_phoff > len || (uint64_t)eh->e_phnum * sizeof(Elf32_Phdr) > len - eh->e_phoff) {
		fprintf(stderr, "captive: kernel '%s': corrupt or non-executable ELF (bad program headers)\n",
			path);
		return -EINVAL;
	}
	const Elf32_Phdr *ph = (const Elf32_Phdr *)(img + eh->e_phoff);
	unsigned loaded = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		if (ph[i].p_filesz > ph[i].p_memsz || ph[i].p_offset > len ||
		    ph[i].p_filesz > len - ph[i].p_offset) {
			fprintf(stderr, "captive: kernel '%s': segment %u lies outside the file\n", path, i);
			return -EINVAL;
		}
		gpa_t pa = ph[i].p_paddr;
		uint8_t *zero = calloc(1, ph[i].p_memsz);
		if (!zero)
			return -ENOMEM;
		memcpy(zero, img + ph[i].p_offset, ph[i].p_filesz);
		int err = vm_ram_write(vm, pa, zero, ph[i].p_memsz);
		free(zero);
		if (err) {
			fprintf(stderr, "captive: kernel '%s': segment %u at 0x%llx+0x%x is outside guest RAM 0x%llx-0x%llx\n",
				path, i, (unsigned long long)pa, ph[i].p_memsz,
				(unsigned long long)vm->ram_base,
				(unsigned long long)(vm->ram_base + vm->ram_size - 1));
			return err;
		}
		loaded++;
	}
	if (!loaded) {
		fprintf(stderr, "captive: kernel '%s' has no loadable segments\n", path);
		return -EINVAL;
	}
	struct captive_boot *boot = &vm->sh->boot;
	memset(boot, 0, sizeof(*boot));
	boot->r[15] = eh->e_entry;
	boot->cpsr = ARM_CPSR_RESET;
	return 0;
}

int loader_load_kernel(struct vm *vm, const char *path)
{
	uint8_t *img = NULL;
	size_t len = 0;
	int err = loader_read_file("kernel", path, &img, &len);
	if (err)
		return err;
	if (len >= 4 && !memcmp(img, ELFMAG, SELFMAG))
		err = loader_elf(vm, path, img, len);
	else {
		fprintf(stderr, "captive: kernel '%s' is not an ARM ELF executable (Linux zImage support comes with the vexpress Linux platform)\n",
			path);
		err = -EINVAL;
	}
	free(img);
	return err;
}
