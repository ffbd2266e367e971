/*
 * The host <-> engine ABI: one shared page (struct captive_shared) that both
 * sides read and write, plus a doorbell.
 *
 * Under the kvm backend the engine runs bare-metal in the native VM and rings
 * the doorbell with `out` to CAPTIVE_DOORBELL_PORT (a KVM_EXIT_IO); under the
 * process backend the same engine sources run hosted and ring it by calling
 * the function whose address the framework stored in `host_doorbell`. Either
 * way the engine writes the arguments into the shared page first and reads the
 * results back afterwards, so everything crossing the boundary is a
 * fixed-width field of this header.
 *
 * Who writes what:
 *   host  -> engine : magic/abi, config, boot, fast_reads, clock, irq_line,
 *                     stop_request, io.status/value (replies)
 *   engine -> host  : heartbeat, in_wfi, stats, counters, log, exit, state,
 *                     io requests, jit_block
 */
#ifndef CAPTIVE_ABI_H
#define CAPTIVE_ABI_H

#include "captive/types.h"

#define CAPTIVE_ABI_VERSION 7u
#define CAPTIVE_SHARED_MAGIC 0x43505456u /* "CPTV" */

/* x86 I/O port the bare-metal engine writes a doorbell code to (32-bit out). */
#define CAPTIVE_DOORBELL_PORT 0x0ca0u

enum captive_doorbell {
	CAPTIVE_DB_LOG = 1,	 /* text in log.buf[0..log.len) */
	CAPTIVE_DB_MMIO = 2,	 /* device access in `io` (process backend's mmio-exit) */
	CAPTIVE_DB_WFI = 3,	 /* guest idles: return when irq_line != 0 or stop_request */
	CAPTIVE_DB_WAKE_SERVICE = 4, /* barrier service thread parked: wake it */
	CAPTIVE_DB_EXIT = 5,	 /* engine finished: `exit` and `state` are valid */
	CAPTIVE_DB_PANIC = 6,	 /* engine bug: message in exit.msg, state valid */
	CAPTIVE_DB_CLOCK = 7,	 /* refresh clock.mono_ns now */
	CAPTIVE_DB_DEBUG = 8,	 /* debugger: stopped, or a `debug` command done */
	CAPTIVE_DB_JIT_BLOCK = 9, /* a block was translated: `jit_block` (config.jit_notify only) */
};

/* Why the engine stopped (exit.reason). */
enum captive_stop {
	CAPTIVE_STOP_NONE = 0,
	CAPTIVE_STOP_REQUESTED = 1,	/* host set stop_request (power-off, quit, timeout) */
	CAPTIVE_STOP_UNIMPLEMENTED = 2, /* valid instruction we do not implement yet */
	CAPTIVE_STOP_PANIC = 3,		/* engine invariant broken */
	CAPTIVE_STOP_HUNG = 4,		/* guest provably stuck (loop with IRQ+FIQ masked) */
	CAPTIVE_STOP_INSN_LIMIT = 5,	/* config.insn_limit instructions executed */
	CAPTIVE_STOP_BUS_ABORT = 6,	/* unrecoverable bus error outside guest control */
};

enum captive_io_strategy { CAPTIVE_IO_MMIO_EXIT = 0, CAPTIVE_IO_BARRIER = 1 };
enum captive_irq_strategy { CAPTIVE_IRQ_PER_INSN = 0, CAPTIVE_IRQ_PER_BLOCK = 1 };

/* Side-effect-free device registers the engine may serve from the clock page. */
enum captive_fast_read_kind {
	CAPTIVE_FAST_NONE = 0,
	CAPTIVE_FAST_COUNTER_24MHZ = 1, /* (clock.mono_ns - param) * 24 / 1000, low 32 bits */
	CAPTIVE_FAST_RTC_SECONDS = 2,	/* param + clock.mono_ns / 1e9 (param pre-biased by host) */
};

#define CAPTIVE_MAX_FAST_READS 4
#define CAPTIVE_LOG_BYTES 1024
#define CAPTIVE_MSG_BYTES 256

struct captive_engine_config {
	uint32_t io_strategy;	/* enum captive_io_strategy */
	uint32_t irq_strategy;	/* enum captive_irq_strategy */
	uint32_t fast_clock;	/* 1: serve fast_reads in the engine */
	uint32_t verbose;
	uint64_t phys_window;	/* engine address at which guest physical 0 lives */
	uint64_t ram_base;	/* guest physical base of RAM */
	uint64_t ram_size;
	uint64_t insn_limit;	/* 0: unlimited */
	/* 1: an exec strategy that translates code rings CAPTIVE_DB_JIT_BLOCK
	 * for every block it translates (run.jit_log, run.perf_map); 0 costs
	 * one branch per translation. */
	uint32_t jit_notify;
	uint32_t pad;
};

/* Guest entry state (boot protocol), written by the host before start. */
struct captive_boot {
	uint32_t r[16];	/* r0..r15 (r15: entry PC; bit 0 set: Thumb) */
	uint32_t cpsr;	/* mode and mask bits; T is taken from r15 bit 0 or cpsr.T */
	uint32_t pad;
	/* Floating point at entry; all zero is the architectural reset state
	 * (VFP disabled by CPACR and FPEXC). d[] holds D0..D31 (S2n in the low
	 * word of Dn). */
	uint32_t fpscr;
	uint32_t fpexc;
	uint32_t cpacr;
	uint32_t pad1;
	uint64_t d[32];
};

struct captive_fast_read {
	uint64_t pa;
	uint32_t kind;	/* enum captive_fast_read_kind */
	uint32_t size;	/* access size it answers (4) */
	uint64_t param;
};

/* Clock page: host CLOCK_MONOTONIC in ns, refreshed by the host's timer thread
 * and on every doorbell. Engine reads never need RDTSC. */
struct captive_clock {
	uint64_t mono_ns;
	uint64_t pad;
};

/* One device access. status: 0 done; 1 external abort (strict bus). */
struct captive_io_req {
	uint64_t pa;
	uint64_t value;
	uint32_t size;	/* 1, 2 or 4 */
	uint32_t write;
	int32_t status;
	uint32_t pad;
};

/*
 * Barrier I/O: the engine fills `req`, then bumps req_seq (release). The
 * service thread spins on req_seq, claims the request by moving `claimed`
 * from req_seq - 1 to req_seq (compare-and-swap), performs the access, fills
 * req.value and req.status, then stores resp_seq = req_seq (release).
 * An engine that has waited too long for a thread the host has not scheduled
 * takes its request back by winning that same compare-and-swap, and makes the
 * access through an MMIO exit instead. `parked`: CAPTIVE_BARRIER_PARKED_IDLE
 * when the thread sleeps because the guest is idle (if the engine sees it
 * after publishing, it rings CAPTIVE_DB_WAKE_SERVICE); ..._BEHIND when it
 * sleeps because the engine took a request back (it is not getting a core in
 * time): the engine then makes its accesses through MMIO exits without
 * publishing them, and the thread tries again after its bounded sleep.
 */
enum captive_barrier_parked {
	CAPTIVE_BARRIER_RUNNING = 0,
	CAPTIVE_BARRIER_PARKED_IDLE = 1,
	CAPTIVE_BARRIER_PARKED_BEHIND = 2,
};

struct captive_barrier {
	uint32_t req_seq;
	uint32_t pad0[15];	/* own cache line */
	uint32_t resp_seq;
	uint32_t parked;
	uint32_t claimed;
	uint32_t pad1[13];
	struct captive_io_req req;
};

/* Counters the engine keeps (counted, never estimated). */
struct captive_engine_stats {
	uint64_t insns;
	uint64_t blocks;
	uint64_t tlb_hits;
	uint64_t tlb_misses;
	uint64_t tlb_flushes;
	uint64_t page_walks;
	uint64_t irqs_taken;
	uint64_t exceptions;	/* all exception entries incl. IRQ */
	uint64_t undef_insns;	/* UNDEFINED encodings delivered to the guest */
	uint64_t data_aborts;
	uint64_t prefetch_aborts;
	uint64_t svcs;
	uint64_t io_accesses;	/* device accesses leaving the engine */
	uint64_t fast_reads;	/* device reads served from the clock page */
	uint64_t wfis;
	uint64_t decode_cache_misses;
	uint64_t code_invalidations;
	uint64_t code_flushes;		/* whole code cache dropped (full) */
	uint64_t icache_maintenance;	/* ICIALLU/BPIALL an exec kept coherent without */
	/* mmu=hwmirror (zero under softtlb). Host faults by cause: */
	uint64_t hwm_fault_fill;	/* a miss mapped in the handler, access retried */
	uint64_t hwm_fault_abort;	/* the guest's own abort (translation, domain, permission) */
	uint64_t hwm_fault_device;	/* a device or unmapped physical page: the io path */
	uint64_t hwm_fault_code;	/* a store to a page holding decoded code */
	uint64_t hwm_fault_other;	/* page-crossing, wrap at 2^32, budget: the slow path */
	uint64_t hwm_window_switches;	/* the current view changed (DACR, ASID, MMU on/off) */
	uint64_t hwm_views_evicted;	/* LRU evictions and resets of whole windows */
	uint64_t hwm_pages_mapped;
	uint64_t hwm_pages_unmapped;
	uint64_t hwm_calls_tlbi_mva;	/* host mmap/mprotect calls made by TLBIMVA(A) */
	uint64_t hwm_calls_tlbi_asid;	/* ... by TLBIASID */
	uint64_t hwm_calls_tlbi_all;	/* ... by TLBIALL and context changes that flush */
	uint64_t hwm_io_direct;		/* device accesses sent straight to the io path
					 * by a remembered instruction, without a fault */
};

/* ARM architectural state, published on exit/panic (and read by tests). */
struct captive_arm_state {
	uint32_t r[16];
	uint32_t cpsr;
	uint32_t spsr;
	/* banked: index 0 usr/sys, 1 fiq, 2 irq, 3 svc, 4 abt, 5 und */
	uint32_t banked_sp[6];
	uint32_t banked_lr[6];
	uint32_t banked_spsr[6];
	uint32_t fiq_r8_12[5];
	uint32_t usr_r8_12[5];
	uint32_t sctlr, ttbr0, ttbr1, ttbcr, dacr, contextidr, vbar, pad0;
	uint32_t dfsr, dfar, ifsr, ifar;
	/* Ring of recent exceptions: vector offset and the PC it was taken at;
	 * head = total taken, the newest entry is (head - 1) % 8. */
	uint32_t last_exceptions[8];
	uint32_t last_exception_pcs[8];
	uint32_t last_exception_head;
	uint32_t pad1;
	uint32_t fpscr;
	uint32_t fpexc;
	uint32_t cpacr;
	uint32_t pad2;
	uint64_t d[32];	/* D0..D31 */
};

struct captive_exit_info {
	uint32_t reason;	/* enum captive_stop */
	uint32_t insn;		/* encoding for UNIMPLEMENTED */
	uint32_t pc;		/* guest PC of the stop */
	uint32_t thumb;
	char msg[CAPTIVE_MSG_BYTES];
};

/*
 * The block an exec strategy has just translated, for the host's jit log and
 * perf map (CAPTIVE_DB_JIT_BLOCK). host_code is an engine address: the host
 * can read it only where the engine shares its address space (process). The
 * guest bytes of a cached block are guest RAM at [guest_pa, guest_pa +
 * guest_bytes), within one guest page; a one-off translation (code outside
 * RAM, or a T32 instruction straddling a page end) covers one instruction,
 * whose encoding is in `raw` because its bytes may be in neither.
 */
struct captive_jit_block {
	uint64_t host_code;	/* engine address of the block's first host instruction */
	uint64_t guest_pa;	/* guest physical address of its first instruction */
	uint32_t host_len;	/* bytes of host code from host_code */
	uint32_t guest_va;	/* guest virtual address of its first instruction */
	uint32_t guest_bytes;	/* guest code bytes it covers */
	uint32_t ninsn;		/* guest instructions */
	uint32_t thumb;		/* 1: T32, 0: A32 */
	uint32_t itstate;	/* T32: ITSTATE at entry */
	uint32_t one_off;	/* 1: run once, never cached; see `raw` */
	uint32_t raw;		/* one_off: the encoding (T32: first halfword in bits 31:16) */
	uint64_t cold_code;	/* engine address of its slow paths, out of line */
	uint32_t cold_len;	/* bytes of them (0: none) */
	uint32_t pad;
};

struct captive_log {
	uint32_t len;
	uint32_t pad;
	char buf[CAPTIVE_LOG_BYTES];
};

/*
 * The debugger (the hypervisor's gdb stub). Breakpoints live here, in the
 * engine's hands, never as BKPT in guest RAM.
 *
 * Host -> engine, at any time: break_request (stop at the next instruction
 * boundary, as for gdb's Ctrl-C), then armed = 1. While armed is zero the
 * engine never looks at the rest, so an undebugged guest pays one load per
 * safe point.
 *
 * The engine stops at an instruction boundary (the instruction at state.r[15]
 * not yet executed) when armed and either break_request is set, a breakpoint
 * address equals the PC, or one instruction has executed since a STEP. It
 * publishes `state`, writes stop_why, and rings CAPTIVE_DB_DEBUG. When the
 * doorbell returns it performs `cmd`: READ_MEM / WRITE_MEM / WRITE_STATE,
 * then rings CAPTIVE_DB_DEBUG again with status (0, or -1: not RAM through
 * the current translation); CONTINUE / STEP resume the guest. The host
 * changes bps[] and nbps only while the engine is stopped.
 */
#define CAPTIVE_DEBUG_MAX_BPS 64
#define CAPTIVE_DEBUG_BUF 1024

enum captive_debug_cmd {
	CAPTIVE_DBG_CONTINUE = 1,
	CAPTIVE_DBG_STEP = 2,		/* one instruction, interrupts held off */
	CAPTIVE_DBG_READ_MEM = 3,	/* [addr, addr+len) -> buf, guest virtual */
	CAPTIVE_DBG_WRITE_MEM = 4,	/* buf -> [addr, addr+len) */
	CAPTIVE_DBG_WRITE_STATE = 5,	/* state.r[], cpsr, d[], fpscr -> the CPU */
};

enum captive_debug_why {
	CAPTIVE_DBG_WHY_REQUEST = 1,	/* break_request */
	CAPTIVE_DBG_WHY_BREAKPOINT = 2,
	CAPTIVE_DBG_WHY_STEP = 3,
};

struct captive_debug {
	uint32_t armed;
	uint32_t break_request;
	uint32_t nbps;
	uint32_t stop_why;	/* enum captive_debug_why */
	uint32_t bps[CAPTIVE_DEBUG_MAX_BPS];
	uint32_t cmd;		/* enum captive_debug_cmd */
	uint32_t addr;
	uint32_t len;		/* at most CAPTIVE_DEBUG_BUF */
	int32_t status;
	uint8_t buf[CAPTIVE_DEBUG_BUF];
};

/*
 * Guest RAM the host wrote behind the CPU's back (virtio DMA, the loader),
 * whose decoded or translated code the engine must drop before it next
 * executes from it (DESIGN.md, "Code invalidation"). A bitmap over the RAM
 * window at 64 KiB granularity - fixed size whatever the traffic, and setting
 * a bit twice costs nothing - so a burst of scattered DMA never overflows
 * anything; the price is that a code page sharing a chunk with a DMA buffer
 * is decoded again. Bit n of bits[] (bit n % 64 of word n / 64) stands for
 * guest physical [config.ram_base + n * 64 KiB, + 64 KiB).
 *
 * Host: atomically ORs the bits in, then stores pending = 1 (release).
 * Engine, at safe points - after each device access it makes (DMA is
 * synchronous with the queue-notify write) and whenever it polls
 * stop_request: if an atomic exchange of `pending` with 0 returns non-zero,
 * it atomically exchanges each non-zero word with 0 and calls
 * exec_invalidate_page() for every 4 KiB page of every chunk that was set.
 */
#define CAPTIVE_DIRTY_CHUNK_SHIFT 16u
#define CAPTIVE_DIRTY_WORDS 256u /* 256 * 64 chunks * 64 KiB = 1 GiB */

struct captive_dirty {
	uint32_t pending;
	uint32_t pad;
	uint64_t bits[CAPTIVE_DIRTY_WORDS];
};

/*
 * Counters a strategy keeps beyond struct captive_engine_stats (which has no
 * room left): the engine names a slot at start (engine_counter()) and counts
 * in it; the host prints every named slot with the stats and in the JSON.
 * A name is [a-z0-9_], NUL-padded. A name ending in _tsc counts the host
 * CPU's time-stamp counter ticks (rdtsc; engine_tsc()): the host prints it
 * as nanoseconds, under the name with _ns for _tsc, at the rate it saw the
 * counter run over the whole run.
 */
#define CAPTIVE_NAMED_COUNTERS 24
#define CAPTIVE_COUNTER_NAME 24

struct captive_named_counter {
	char name[CAPTIVE_COUNTER_NAME];
	uint64_t value;
};

struct captive_shared {
	uint32_t magic;
	uint32_t abi_version;
	/* Process backend: address of `void fn(struct captive_shared *, uint32_t code)`. */
	uint64_t host_doorbell;

	struct captive_engine_config config;
	struct captive_boot boot;
	struct captive_fast_read fast_reads[CAPTIVE_MAX_FAST_READS];
	struct captive_clock clock;

	/* Host -> engine signals, polled by the engine at the irq granularity. */
	uint32_t irq_line;	/* bit 0: IRQ asserted, bit 1: FIQ asserted */
	uint32_t stop_request;	/* non-zero: stop at the next safe point */

	/* Engine -> host liveness: bumped while executing, in_wfi while idle. */
	uint64_t heartbeat;
	uint32_t in_wfi;
	/* Process backend: a descriptor of the guest RAM memfd (offset 0 is
	 * config.ram_base), which mmu=hwmirror maps at guest virtual addresses;
	 * -1 under kvm. */
	int32_t ram_fd;

	struct captive_io_req io;	/* mmio-exit under the process backend */
	struct captive_barrier barrier;
	struct captive_engine_stats stats;
	struct captive_arm_state state;
	struct captive_exit_info exit;
	struct captive_log log;
	struct captive_dirty dirty;
	struct captive_debug debug;
	struct captive_jit_block jit_block;
	struct captive_named_counter counters[CAPTIVE_NAMED_COUNTERS];
};

_Static_assert(sizeof(struct captive_engine_config) == 56, "config layout");
_Static_assert(sizeof(struct captive_boot) == 344, "boot layout");
_Static_assert(offsetof(struct captive_boot, d) % 8 == 0, "boot d[] aligned");
_Static_assert(offsetof(struct captive_arm_state, d) % 8 == 0, "state d[] aligned");
_Static_assert(sizeof(struct captive_fast_read) == 24, "fast_read layout");
_Static_assert(sizeof(struct captive_io_req) == 32, "io_req layout");
_Static_assert(offsetof(struct captive_barrier, resp_seq) == 64, "barrier lines");
_Static_assert(sizeof(struct captive_engine_stats) == 32 * 8, "stats layout");
_Static_assert(offsetof(struct captive_shared, config) == 16, "shared layout");
_Static_assert(sizeof(struct captive_dirty) == 8 + 8 * CAPTIVE_DIRTY_WORDS, "dirty bitmap layout");
_Static_assert(offsetof(struct captive_shared, dirty) % 8 == 0, "dirty bitmap aligned");
_Static_assert(sizeof(struct captive_debug) == 16 + 4 * CAPTIVE_DEBUG_MAX_BPS + 16 + CAPTIVE_DEBUG_BUF,
	       "debug layout");
_Static_assert(sizeof(struct captive_jit_block) == 64, "jit_block layout");
_Static_assert(offsetof(struct captive_shared, jit_block) % 8 == 0, "jit_block aligned");
_Static_assert(sizeof(struct captive_named_counter) == 32, "counter layout");
_Static_assert(offsetof(struct captive_shared, counters) % 8 == 0, "counters aligned");
_Static_assert(sizeof(struct captive_shared) <= 8192, "shared area fits two pages");

/*
 * An x86 exception inside the bare-metal engine (kvm backend), recorded by its
 * CPL0 fault layer before it rings CAPTIVE_DB_PANIC. It lives in the shared
 * area at CAPTIVE_CRASH_OFFSET, after struct captive_shared; the process
 * backend never uses it. gpr[] is in x86 register-number order (rax, rcx, rdx,
 * rbx, rsp, rbp, rsi, rdi, r8..r15); gpr[4] is the interrupted rsp.
 */
#define CAPTIVE_CRASH_OFFSET 0x1c00u

struct captive_x86_crash {
	uint64_t valid;		/* written last: non-zero when the rest is set */
	uint64_t nested;	/* exceptions taken while already handling one */
	uint64_t vector;
	uint64_t error_code;	/* 0 for vectors that push none */
	uint64_t rip;
	uint64_t cs;
	uint64_t rflags;
	uint64_t ss;
	uint64_t cr2;
	uint64_t cr3;
	uint64_t gpr[16];
};

_Static_assert(sizeof(struct captive_x86_crash) == 26 * 8, "crash layout");
_Static_assert(sizeof(struct captive_shared) <= CAPTIVE_CRASH_OFFSET, "crash after shared");
_Static_assert(CAPTIVE_CRASH_OFFSET + sizeof(struct captive_x86_crash) <= 8192,
	       "crash area fits the shared area");

#endif
