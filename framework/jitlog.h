/*
 * What exec=jit translated, for people (run.jit_log: each block's guest code
 * and host code, disassembled with Capstone) and for perf (run.perf_map:
 * /tmp/perf-<pid>.map naming each block's host code after its guest
 * address). The engine describes every block it translates in
 * sh->jit_block and rings CAPTIVE_DB_JIT_BLOCK, while sh->config.jit_notify
 * is set.
 */
#ifndef FRAMEWORK_JITLOG_H
#define FRAMEWORK_JITLOG_H

#include <stdbool.h>
#include "captive/abi.h"

struct captive_config;
struct jitlog;

/* The engine's memory as the host sees it: engine addresses [base, base +
 * size) at mem; mem NULL when the engine's addresses are this process's own
 * (the process backend). */
struct jitlog_code {
	const uint8_t *mem;
	uint64_t base, size;
};

/*
 * Open the files cfg asks for (run.jit_log truncated, run.perf_map created
 * for this pid). *out is NULL when neither key is set. A key that can log
 * nothing in this configuration (an exec strategy that translates nothing;
 * for the perf map, code in the native VM, which host perf cannot sample) gets one warning on stderr, and a
 * jit_log file then holds only a note saying so. Returns 0, or -errno after
 * one error naming the file.
 */
int jitlog_open(struct jitlog **out, const struct captive_config *cfg);

/* Whether the engine should ring CAPTIVE_DB_JIT_BLOCK (false for NULL). */
bool jitlog_wants_blocks(const struct jitlog *jl);

/*
 * One CAPTIVE_DB_JIT_BLOCK. blk is the engine's description; every field is
 * checked before use, so a wrong one gives a line saying so, never a host
 * crash. Guest bytes are read from guest RAM [ram_base, ram_base +
 * ram_size) mapped at ram; host code from code (kvm: the engine slot,
 * bounds checked), or through the kernel when code->mem is NULL (a bad
 * address fails the read instead of faulting).
 */
void jitlog_block(struct jitlog *jl, const struct captive_jit_block *blk, const uint8_t *ram,
		  gpa_t ram_base, uint64_t ram_size, const struct jitlog_code *code);

/* Flush and close; NULL does nothing. Returns 0, or -errno after an error
 * naming the file whose writes failed. */
int jitlog_close(struct jitlog *jl);

#endif
