/* run.jit_log and run.perf_map (see jitlog.h). */
#include <capstone/capstone.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "config.h"
#include "jitlog.h"

/* A cached block never leaves its guest page. */
#define JITLOG_GUEST_MAX 4096u
/* Far more host code than one translation gets (exec-jit keeps 64 KiB free
 * for each): a longer length is shown cut to this. */
#define JITLOG_HOST_MAX (256u << 10)

struct jitlog {
	FILE *log;		/* run.jit_log, or NULL */
	char *log_path;
	FILE *map;		/* the perf map, or NULL */
	char map_path[64];
	bool blocks;		/* blocks are asked of the engine */
	bool cs_open;		/* the three handles below are open */
	csh cs_a32, cs_t32, cs_x86;
	cs_insn *insn;
	uint8_t guest[JITLOG_GUEST_MAX];
	uint8_t *host;		/* JITLOG_HOST_MAX bytes */
	uint64_t nblocks;
};

/* Why exec=jit blocks cannot be logged (map: mapped for perf) in this
 * configuration, or NULL. */
static const char *jitlog_nothing_why(const struct captive_config *cfg, bool map)
{
	if (strcmp(cfg->strategy_exec, "jit"))
		return "this exec strategy translates no code";
	if (map && strcmp(cfg->strategy_backend, "process"))
		return "translated code runs inside the native VM, where host perf takes no samples";
	return NULL;
}

static int jitlog_open_capstone(struct jitlog *jl)
{
	cs_err e = cs_open(CS_ARCH_ARM, CS_MODE_ARM, &jl->cs_a32);
	if (e == CS_ERR_OK) {
		e = cs_open(CS_ARCH_ARM, CS_MODE_THUMB, &jl->cs_t32);
		if (e != CS_ERR_OK)
			cs_close(&jl->cs_a32);
	}
	if (e == CS_ERR_OK) {
		e = cs_open(CS_ARCH_X86, CS_MODE_64, &jl->cs_x86);
		if (e != CS_ERR_OK) {
			cs_close(&jl->cs_a32);
			cs_close(&jl->cs_t32);
		}
	}
	if (e != CS_ERR_OK) {
		fprintf(stderr, "captive: run.jit_log: Capstone cannot disassemble ARM and x86-64: %s\n",
			cs_strerror(e));
		return -ENOSYS;
	}
	jl->cs_open = true;
	/* Detail is off, so one instruction record serves all three handles. */
	jl->insn = cs_malloc(jl->cs_x86);
	jl->host = malloc(JITLOG_HOST_MAX);
	if (!jl->insn || !jl->host) {
		fprintf(stderr, "captive: run.jit_log: out of memory\n");
		return -ENOMEM;
	}
	return 0;
}

static int jitlog_open_map(struct jitlog *jl)
{
	snprintf(jl->map_path, sizeof(jl->map_path), "/tmp/perf-%d.map", (int)getpid());
	/* A shared directory: never follow a link someone left under our name. */
	int fd = open(jl->map_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0) {
		jl->map = fdopen(fd, "w");
		if (!jl->map)
			close(fd);
	}
	if (!jl->map) {
		int err = errno;
		fprintf(stderr, "captive: run.perf_map: cannot write '%s': %s\n", jl->map_path,
			strerror(err));
		return -err;
	}
	return 0;
}

int jitlog_open(struct jitlog **out, const struct captive_config *cfg)
{
	const char *why = jitlog_nothing_why(cfg, false);
	const char *map_why = jitlog_nothing_why(cfg, true);
	int err;

	*out = NULL;
	if (!cfg->run_jit_log[0] && !cfg->run_perf_map)
		return 0;
	struct jitlog *jl = calloc(1, sizeof(*jl));
	if (!jl)
		return -ENOMEM;
	jl->blocks = (cfg->run_jit_log[0] && !why) || (cfg->run_perf_map && !map_why);
	if (cfg->run_jit_log[0]) {
		jl->log_path = strdup(cfg->run_jit_log);
		jl->log = jl->log_path ? fopen(cfg->run_jit_log, "w") : NULL;
		if (!jl->log) {
			err = jl->log_path ? -errno : -ENOMEM;
			fprintf(stderr, "captive: run.jit_log: cannot write '%s': %s\n", cfg->run_jit_log,
				strerror(-err));
			goto err_free;
		}
		if (why) {
			fprintf(jl->log, "# captive jit log: no blocks follow: strategy.exec=%s, "
					 "strategy.backend=%s: %s\n",
				cfg->strategy_exec, cfg->strategy_backend, why);
			fprintf(stderr, "captive: warning: run.jit_log: %s; '%s' holds only a note\n",
				why, cfg->run_jit_log);
		} else {
			fprintf(jl->log, "# captive jit log: every block exec=jit translates, in order: its "
					 "guest code, then its host code\n\n");
			err = jitlog_open_capstone(jl);
			if (err)
				goto err_free;
		}
	}
	if (cfg->run_perf_map) {
		if (map_why) {
			fprintf(stderr, "captive: warning: run.perf_map: %s; no perf map is written\n",
				map_why);
		} else {
			err = jitlog_open_map(jl);
			if (err)
				goto err_free;
		}
	}
	*out = jl;
	return 0;

err_free:
	jitlog_close(jl);
	return err;
}

bool jitlog_wants_blocks(const struct jitlog *jl)
{
	return jl && jl->blocks;
}

/*
 * Read len bytes of engine memory at addr: from code's view of the engine
 * (kvm), else this process's memory through the kernel, which fails on an
 * unmapped address where a load would fault. Returns the bytes read (fewer
 * where the range runs out of mapped memory) or -errno.
 */
static ssize_t jitlog_read_code(void *dst, uint64_t addr, size_t len,
				const struct jitlog_code *code)
{
	if (code->mem) {
		if (addr < code->base || addr - code->base >= code->size)
			return -EFAULT;
		uint64_t off = addr - code->base;
		size_t n = len < code->size - off ? len : (size_t)(code->size - off);
		memcpy(dst, code->mem + off, n);
		return (ssize_t)n;
	}
	struct iovec local = { dst, len }, remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (n >= 0)
		return n;
	if (errno != ENOSYS && errno != EPERM)
		return -errno;
	/* a kernel or a seccomp filter without process_vm_readv */
	int fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = addr > INT64_MAX ? -1 : pread(fd, dst, len, (off_t)addr);
	int err = n < 0 ? (addr > INT64_MAX ? EFAULT : errno) : 0;
	close(fd);
	return n < 0 ? -err : n;
}

/* One guest instruction line: address, encoding (A32 a word, T32 one or two
 * halfwords, as the ARM ARM writes them), text. */
static void jitlog_guest_line(FILE *f, uint32_t addr, const uint8_t *b, size_t n, bool thumb,
			      const char *mnemonic, const char *ops)
{
	char enc[24];

	if (!thumb && n == 4)
		snprintf(enc, sizeof(enc), "%08x", b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24);
	else if (thumb && n == 2)
		snprintf(enc, sizeof(enc), "%04x", b[0] | b[1] << 8);
	else if (thumb && n == 4)
		snprintf(enc, sizeof(enc), "%04x %04x", b[0] | b[1] << 8, b[2] | b[3] << 8);
	else {
		size_t k = 0;
		for (size_t i = 0; i < n && k + 3 < sizeof(enc); i++)
			k += (size_t)snprintf(enc + k, sizeof(enc) - k, "%02x", b[i]);
		enc[k] = '\0';
	}
	if (*ops)
		fprintf(f, "    0x%08x:  %-11s  %-8s %s\n", addr, enc, mnemonic, ops);
	else
		fprintf(f, "    0x%08x:  %-11s  %s\n", addr, enc, mnemonic);
}

static void jitlog_guest(struct jitlog *jl, const struct captive_jit_block *b, const uint8_t *ram,
			 gpa_t ram_base, uint64_t ram_size)
{
	FILE *f = jl->log;
	bool thumb = b->thumb != 0;
	size_t len = b->guest_bytes;

	fprintf(f, "  guest (%s):\n", thumb ? "T32" : "A32");
	if (b->one_off) {
		/* its encoding, in memory order (T32: first halfword first) */
		uint32_t w = thumb ? ((b->raw >> 16) | (b->raw << 16)) : b->raw;
		if (len != 4 && !(thumb && len == 2)) {
			fprintf(f, "    (a one-off translation of %zu guest bytes: not an instruction's length)\n",
				len);
			return;
		}
		memcpy(jl->guest, &w, 4);
	} else {
		uint64_t off = b->guest_pa - ram_base;
		if (!len || len > JITLOG_GUEST_MAX || b->guest_pa < ram_base || off > ram_size ||
		    len > ram_size - off) {
			fprintf(f, "    (guest bytes at pa 0x%" PRIx64 " + %zu are not within one page of "
				   "guest RAM: not shown)\n",
				b->guest_pa, len);
			return;
		}
		/* a snapshot: a device thread's DMA may write guest RAM meanwhile */
		memcpy(jl->guest, ram + off, len);
	}
	csh cs = thumb ? jl->cs_t32 : jl->cs_a32;
	const uint8_t *p = jl->guest;
	uint64_t addr = b->guest_va;
	while (len) {
		const uint8_t *at = p;
		uint32_t a0 = (uint32_t)addr;
		if (cs_disasm_iter(cs, &p, &len, &addr, jl->insn)) {
			jitlog_guest_line(f, a0, jl->insn->bytes, jl->insn->size, thumb,
					  jl->insn->mnemonic, jl->insn->op_str);
			continue;
		}
		/* The first halfword of a 32-bit T32 encoding has 0b111 and a
		 * non-zero op1 in its top five bits. */
		size_t n = !thumb || (len >= 4 && (at[1] & 0xf8) >= 0xe8) ? 4 : 2;
		if (n > len)
			n = len;
		jitlog_guest_line(f, a0, at, n, thumb, "(not known to Capstone)", "");
		p += n;
		len -= n;
		addr += n;
	}
}

/* len bytes of host code at start, disassembled under the heading what. */
static void jitlog_host(struct jitlog *jl, const char *what, uint64_t start, size_t len,
			const struct jitlog_code *code)
{
	FILE *f = jl->log;

	fprintf(f, "  %s (x86-64, %zu bytes):\n", what, len);
	if (len > JITLOG_HOST_MAX) {
		fprintf(f, "    (longer than any block can be: only the first %u bytes follow)\n",
			JITLOG_HOST_MAX);
		len = JITLOG_HOST_MAX;
	}
	ssize_t n = jitlog_read_code(jl->host, start, len, code);
	if (n < 0) {
		fprintf(f, "    (cannot read host code at 0x%" PRIx64 ": %s)\n", start,
			strerror((int)-n));
		return;
	}
	if ((size_t)n < len)
		fprintf(f, "    (only %zd of the %zu bytes at 0x%" PRIx64 " are mapped)\n", n, len,
			start);
	len = (size_t)n;
	const uint8_t *p = jl->host;
	uint64_t addr = start;
	while (len) {
		const uint8_t *at = p;
		uint64_t a0 = addr;
		const char *mnemonic = "(not known to Capstone)", *ops = "";
		size_t size = 1;
		if (cs_disasm_iter(jl->cs_x86, &p, &len, &addr, jl->insn)) {
			mnemonic = jl->insn->mnemonic;
			ops = jl->insn->op_str;
			size = jl->insn->size;
		} else {
			p++;
			len--;
			addr++;
		}
		char hex[48];
		size_t k = 0;
		for (size_t i = 0; i < size && k + 4 < sizeof(hex); i++)
			k += (size_t)snprintf(hex + k, sizeof(hex) - k, "%s%02x", i ? " " : "", at[i]);
		hex[k] = '\0';
		if (*ops)
			fprintf(f, "    0x%012" PRIx64 ":  %-30s  %-8s %s\n", a0, hex, mnemonic, ops);
		else
			fprintf(f, "    0x%012" PRIx64 ":  %-30s  %s\n", a0, hex, mnemonic);
	}
}

void jitlog_block(struct jitlog *jl, const struct captive_jit_block *blk, const uint8_t *ram,
		  gpa_t ram_base, uint64_t ram_size, const struct jitlog_code *code)
{
	/* One copy: every field is read once, then checked. */
	const struct captive_jit_block b = *blk;
	const char *set = b.thumb ? "T32" : "A32";

	if (!jl->blocks)
		return;
	jl->nblocks++;
	if (jl->map) {
		fprintf(jl->map, "%" PRIx64 " %x guest_%08x_%s\n", b.host_code, b.host_len,
			b.guest_va, set);
		if (b.cold_len)
			fprintf(jl->map, "%" PRIx64 " %x guest_%08x_%s_slow\n", b.cold_code,
				b.cold_len, b.guest_va, set);
		/* perf top reads the map while captive runs */
		fflush(jl->map);
	}
	if (!jl->log)
		return;
	fprintf(jl->log, "block %" PRIu64 ": va 0x%08x pa 0x%08" PRIx64 " %s insns %u guest bytes %u "
			 "host 0x%" PRIx64 " len %u",
		jl->nblocks, b.guest_va, b.guest_pa, set, b.ninsn, b.guest_bytes, b.host_code,
		b.host_len);
	if (b.thumb && b.itstate)
		fprintf(jl->log, " itstate 0x%02x", b.itstate & 0xff);
	if (b.one_off)
		fprintf(jl->log, " one-off");
	fputc('\n', jl->log);
	jitlog_guest(jl, &b, ram, ram_base, ram_size);
	fprintf(jl->log, "  ir: none (exec=jit emits x86-64 straight from the semantics, "
			 "arm/sem.c.inc over jit_builder.h; it has no intermediate representation)\n");
	jitlog_host(jl, "host", b.host_code, b.host_len, code);
	if (b.cold_len)
		jitlog_host(jl, "host, out of line (slow paths)", b.cold_code, b.cold_len, code);
	fputc('\n', jl->log);
	/* what was translated last is what matters when the run ends badly */
	fflush(jl->log);
}

/* Close f, reporting a write that failed; 0 or -errno. */
static int jitlog_fclose(FILE *f, const char *key, const char *path)
{
	if (!f)
		return 0;
	errno = 0;
	bool bad = ferror(f);
	if (fclose(f))
		bad = true;
	if (!bad)
		return 0;
	int err = errno ? errno : EIO;
	fprintf(stderr, "captive: %s: writing '%s' failed: %s\n", key, path, strerror(err));
	return -err;
}

int jitlog_close(struct jitlog *jl)
{
	if (!jl)
		return 0;
	int err = jitlog_fclose(jl->log, "run.jit_log", jl->log_path);
	int err2 = jitlog_fclose(jl->map, "run.perf_map", jl->map_path);
	if (jl->insn)
		cs_free(jl->insn, 1);
	if (jl->cs_open) {
		cs_close(&jl->cs_a32);
		cs_close(&jl->cs_t32);
		cs_close(&jl->cs_x86);
	}
	free(jl->host);
	free(jl->log_path);
	free(jl);
	return err ?: err2;
}
