/*
 * mmu-hwmirror, engine half: guest mappings mirrored into the host's own page
 * tables, so that a guest load or store is one host instruction at
 *     window base + 32-bit guest virtual address
 * and a miss arrives as a host fault (the ESPT/HSPT scheme, papers/001).
 *
 * Windows. A reserved host range holds HWM_WINDOWS windows of 4 GiB, each
 * followed by a 4 GiB guard that is never mapped, so no guest address plus
 * any access size reaches another window or anything of the engine. A
 * window belongs to one view: (ASID, user or privileged, DACR value), or the
 * flat view of MMU-off accesses. Guest RAM (the memfd, sh->ram_fd) is mapped
 * into a window at guest virtual addresses with the permissions the guest's
 * own walk gives in that view, so no permission check runs on a hit. A
 * DACR, ASID or MMU on/off change selects the windows of the new view
 * (hwm.base[0] privileged, hwm.base[1] user: LDRT/STRT and User mode): no
 * host call. Views live in an LRU of HWM_WINDOWS; evicting one is one mmap
 * of PROT_NONE over its 4 GiB.
 *
 * Misses. The accessors below are single x86 instructions listed in an
 * exception table (section hwm_extable). A fault on one of them reaches
 * hwm_on_fault() (a SIGSEGV handler under the process backend): it walks the
 * guest tables for the view of the faulting window and maps the page -- a
 * whole section (1 MiB), large page or MMU-off MiB at once when they are RAM
 * and that part of the window is empty -- and the access is retried; or it
 * moves the host PC to the accessor's fixup, which reports failure, and the
 * access is redone on the slow path in normal context, which delivers the
 * guest abort precisely, performs device accesses through io_access(),
 * stores to code pages, and accesses that cross a page or wrap at 2^32. A
 * fault at a host PC not in the table is not ours: it crashes as it would
 * have without us. No siglongjmp.
 *
 * Coherence comes only from the guest's TLB maintenance, as on hardware (a
 * window is a TLB that never forgets): guest page tables are never
 * write-protected. Per window a two-level table records every page mapped
 * (its physical page, writability, global bit and the size of the guest
 * mapping it is a piece of), so TLBIMVA of an address never mapped costs no
 * host call; TLBIMVA(A) visits every live window (global entries live in
 * every ASID's windows); TLBIASID drops the non-global pages of its ASID's windows (global
 * ones stay, as in the architecture's TLB); TLBIALL resets whole windows.
 *
 * Code. A RAM page the exec strategy decodes code from (mmu_code_page_added,
 * and every fetch translation) is mapped read-only in every window through a
 * reverse map (physical page -> window pages), so a store to it faults; the
 * slow path performs it, drops the page's code (exec_invalidate_page) and
 * the page is mapped writable again on its next write fault.
 *
 * Budget. Every isolated run of pages is a host VMA (two, with the reserved
 * gap after it), and vm.max_map_count is 65530 by default: runs are counted
 * exactly as the kernel merges them (adjacent pages of the same file offset
 * run and protection), and when a mapping would pass half the host's limit,
 * or the page or table pools run out, the least recently used windows are
 * evicted (the current ones last).
 *
 * Instruction fetches do not use the windows: mmu_translate_fetch() walks
 * through a small fetch TLB, as the exec caches decoded code per page anyway.
 */
#include <errno.h>

#include "engine/engine.h"
#include "engine/exec.h"
#include "engine/io.h"
#include "engine/mmu.h"
#include "engine/plat.h"
#include "engine/rt.h"
#include "arm/cpu.h"
#include "arm/ptw.h"

#define HWM_PAGE_SHIFT 12
#define HWM_PAGE_SIZE (1u << HWM_PAGE_SHIFT)
#define HWM_PAGE_MASK (~(HWM_PAGE_SIZE - 1u))
#define HWM_WINDOW_SIZE (1ull << 32)
#define HWM_STRIDE (2 * HWM_WINDOW_SIZE) /* window + guard */
#define HWM_WINDOWS 64
#define HWM_LEAF_SHIFT 20		/* one leaf table per guest MiB */
#define HWM_LEAF_PAGES (1u << (HWM_LEAF_SHIFT - HWM_PAGE_SHIFT))
#define HWM_LEAVES_PER_WINDOW (1u << (32 - HWM_LEAF_SHIFT))
#define HWM_MAX_LEAVES 32768u		/* 32 GiB of guest address space over all windows */
#define HWM_MAX_PAGES (1u << 20)	/* 4 GiB of mappings over all windows */
#define HWM_MAX_RAM (1ull << 30)
#define HWM_RAM_PAGES (HWM_MAX_RAM >> HWM_PAGE_SHIFT)
#define HWM_FTLB 256u
#define HWM_STICKY 4u			/* code/data rounds before a page stays code */
#define HWM_NONE 0u			/* index 0 of the leaf and rmap pools: none */

/* A window entry (uint32_t): physical page number above HWE_PFN_SHIFT. */
#define HWE_VALID 1u
#define HWE_WRITE 2u
#define HWE_GLOBAL 4u
#define HWE_CLASS_SHIFT 3u /* size class (size_log2 - 12) / 4: 4K, 64K, 1M, 16M */
#define HWE_CLASS_MASK (3u << HWE_CLASS_SHIFT)
#define HWE_PFN_SHIFT 12u

struct hwm_leaf {
	uint32_t e[HWM_LEAF_PAGES];
	uint32_t rnode[HWM_LEAF_PAGES]; /* the page's reverse-map node */
	uint32_t count;			/* valid entries */
	uint32_t classes;		/* bit c: entries of size class c may be present */
	uint32_t next_free;
	uint32_t pad;
};

/* Reverse map: the window pages mapping one physical page, a doubly linked
 * list from hwm.rhead[RAM page]. */
struct hwm_rnode {
	uint32_t next, prev;
	uint32_t win;
	uint32_t vpage;
};

struct hwm_window {
	uintptr_t base;
	uint64_t used; /* LRU clock */
	uint32_t asid, dacr;
	bool live, user, flat;
	uint32_t runs;	  /* host VMAs of RAM in the window */
	uint32_t pages;
	uint32_t classes; /* bit c: some leaf holds entries of size class c */
	uint32_t leaf[HWM_LEAVES_PER_WINDOW];
};

struct hwm_ftlb {
	uint32_t vpage; /* va page; bit 0: valid */
	uint32_t asid;
	struct ptw_result r; /* r.pa is the page's base */
};

/* The exception table: each entry names an accessor instruction and the
 * fixup it continues at when the fault cannot be served. */
struct hwm_extable {
	int32_t insn;
	int32_t fixup;
};
/* Optional in an exec strategy (exec.h). */
extern void exec_note_slow_access(bool again) __attribute__((weak));
extern bool exec_fault_pc(uintptr_t host_pc, uintptr_t *recovery) __attribute__((weak));

extern const struct hwm_extable __start_hwm_extable[] __attribute__((visibility("hidden")));
extern const struct hwm_extable __stop_hwm_extable[] __attribute__((visibility("hidden")));

static struct {
	uintptr_t base[2]; /* current windows: [0] privileged, [1] user */
	struct hwm_window *cur[2];
	struct arm_cpu *cpu;
	struct hwm_window *win;
	struct hwm_leaf *leaves;
	struct hwm_rnode *rnodes;
	uint32_t *rhead;
	uint64_t *code; /* RAM pages mapped read-only for code */
	uint8_t *rounds; /* per RAM page: times it lost its code to a store */
	uint32_t leaf_free, leaf_top, leaves_freed;
	uint32_t rnode_free, rnode_top;
	uintptr_t resv;
	uint64_t clock;
	uint64_t pages;
	uint64_t runs;
	uint64_t run_budget;
	uint64_t *n_recycled; /* named counter hwm_views_recycled */
	uint64_t *n_ahead;    /* named counter hwm_pages_ahead */
	uint32_t sctlr_mode, ttbcr;
	struct hwm_ftlb ftlb[HWM_FTLB];
	unsigned fetch_span;	/* mmu_fetch_span_log2() */
	bool fetch_global;	/* mmu_fetch_global() */
	/* where the fetch TLB may hold pages bigger than 4 KiB (one of a
	 * section's pages answers a TLBIMVA anywhere in it): one bit per guest
	 * MiB, and per 16 MiB for supersections; cleared by a full flush only */
	uint64_t ftlb_big[4096 / 64], ftlb_super[256 / 64];
	/* per guest MiB, the windows with a leaf there; and the windows that
	 * may hold a 16 MiB supersection's pages: the only windows a TLBIMVA
	 * can concern (hwm_flush_va) */
	uint64_t mib_win[HWM_LEAVES_PER_WINDOW];
	uint64_t super_win;
} hwm;

_Static_assert(HWM_WINDOWS <= 64, "one bit per window in hwm.mib_win");

/* Bit n of a bitmap of uint64_t words. */
static inline bool hwm_bit(const uint64_t *map, uint32_t n)
{
	return (map[n >> 6] >> (n & 63u)) & 1u;
}

static inline void hwm_bit_set(uint64_t *map, uint32_t n)
{
	map[n >> 6] |= 1ull << (n & 63u);
}

/* ---- the accessors: one host instruction each, listed in hwm_extable ---- */

#define HWM_FIXUP(insn_label, done_label, fixup_code)                                  \
	".pushsection .text.hwm_fixup,\"ax\",@progbits\n"                              \
	"3: " fixup_code "\n"                                                          \
	"	jmp " done_label "\n"                                                  \
	".popsection\n"                                                                \
	".pushsection hwm_extable,\"a\",@progbits\n"                                   \
	"	.balign 4\n"                                                           \
	"	.long " insn_label " - ., 3b - .\n"                                    \
	".popsection\n"

#define HWM_LOAD(insn, a, v, ok)                                                      \
	__asm__ volatile("1: " insn "\n2:\n" HWM_FIXUP("1b", "2b", "xorl %[ok], %[ok]") \
			 : [v] "=r"(v), [ok] "+r"(ok)                                 \
			 : [a] "r"(a)                                                 \
			 : "memory")

#define HWM_STORE(insn, a, v, ok)                                                     \
	__asm__ volatile("1: " insn "\n2:\n" HWM_FIXUP("1b", "2b", "xorl %[ok], %[ok]") \
			 : [ok] "+r"(ok)                                              \
			 : [a] "r"(a), [v] "r"(v)                                     \
			 : "memory")

static inline bool hwm_load(uintptr_t a, unsigned size, uint32_t *out)
{
	uint32_t v, ok = 1;
	switch (size) {
	case 1:
		HWM_LOAD("movzbl (%[a]), %[v]", a, v, ok);
		break;
	case 2:
		HWM_LOAD("movzwl (%[a]), %[v]", a, v, ok);
		break;
	default:
		HWM_LOAD("movl (%[a]), %[v]", a, v, ok);
		break;
	}
	*out = v;
	return ok;
}

static inline bool hwm_store(uintptr_t a, unsigned size, uint32_t v)
{
	uint32_t ok = 1;
	switch (size) {
	case 1:
		HWM_STORE("movb %b[v], (%[a])", a, v, ok);
		break;
	case 2:
		HWM_STORE("movw %w[v], (%[a])", a, v, ok);
		break;
	default:
		HWM_STORE("movl %[v], (%[a])", a, v, ok);
		break;
	}
	return ok;
}

/* Whether a load (write: a store) at a would succeed; a store-probe rewrites
 * the byte it finds, which no one else can change meanwhile (the engine's
 * thread is the only writer of guest RAM while an instruction runs). */
static inline bool hwm_touch(uintptr_t a, bool write)
{
	uint32_t v = 0, ok = 1;
	if (write)
		HWM_STORE("orb $0, (%[a])", a, v, ok);
	else
		HWM_LOAD("movzbl (%[a]), %[v]", a, v, ok);
	return ok;
}

/* ---- bookkeeping: window tables, reverse map, code pages ---------------- */

static inline uint64_t hwm_ram_index(gpa_t pa)
{
	return (pa - eng.ram_base) >> HWM_PAGE_SHIFT;
}

static bool hwm_page_is_ram(gpa_t page)
{
	return engine_pa_is_ram(page) && engine_pa_is_ram(page + HWM_PAGE_SIZE - 1u);
}

static bool hwm_is_code(gpa_t pa)
{
	uint64_t i = hwm_ram_index(pa);
	return (hwm.code[i >> 6] >> (i & 63u)) & 1u;
}

static inline uint32_t hwm_entry(const struct hwm_window *w, uint32_t vpage)
{
	uint32_t l = w->leaf[vpage >> (HWM_LEAF_SHIFT - HWM_PAGE_SHIFT)];
	return l ? hwm.leaves[l].e[vpage & (HWM_LEAF_PAGES - 1u)] : 0;
}

static inline uint32_t hwm_class(unsigned size_log2)
{
	return (size_log2 - HWM_PAGE_SHIFT) / 4u;
}

/* Whether the host merges the mapping of page a with that of the page after it. */
static inline bool hwm_joined(uint32_t a, uint32_t b)
{
	return (a & b & HWE_VALID) && !((a ^ b) & HWE_WRITE) &&
	       (b >> HWE_PFN_SHIFT) == (a >> HWE_PFN_SHIFT) + 1u;
}

static int hwm_run_delta(const struct hwm_window *w, uint32_t vpage, uint32_t e)
{
	uint32_t left = vpage ? hwm_entry(w, vpage - 1u) : 0;
	uint32_t right = vpage != 0xfffffu ? hwm_entry(w, vpage + 1u) : 0;
	return 1 - (int)hwm_joined(left, e) - (int)hwm_joined(e, right);
}

static inline uint32_t hwm_win_index(const struct hwm_window *w)
{
	return (uint32_t)(w - hwm.win);
}

/* Record page vpage of w (empty) as mapped with entry e. The pools must have
 * room (hwm_make_room). */
static void hwm_set_page(struct hwm_window *w, uint32_t vpage, uint32_t e)
{
	uint32_t li = vpage >> (HWM_LEAF_SHIFT - HWM_PAGE_SHIFT);
	uint32_t l = w->leaf[li];
	if (!l) {
		if (hwm.leaf_free) {
			l = hwm.leaf_free;
			hwm.leaf_free = hwm.leaves[l].next_free;
			hwm.leaves_freed--;
		} else {
			l = hwm.leaf_top++;
		}
		memset(&hwm.leaves[l], 0, sizeof(hwm.leaves[l]));
		w->leaf[li] = l;
		hwm.mib_win[li] |= 1ull << hwm_win_index(w);
	}
	int d = hwm_run_delta(w, vpage, e);
	w->runs += (uint32_t)d;
	hwm.runs += (uint64_t)(int64_t)d;

	struct hwm_leaf *leaf = &hwm.leaves[l];
	uint32_t slot = vpage & (HWM_LEAF_PAGES - 1u);
	uint32_t c = (e & HWE_CLASS_MASK) >> HWE_CLASS_SHIFT;
	leaf->e[slot] = e;
	leaf->count++;
	leaf->classes |= 1u << c;
	w->classes |= 1u << c;
	if (c == 3)
		hwm.super_win |= 1ull << hwm_win_index(w);
	w->pages++;
	hwm.pages++;

	uint32_t n = hwm.rnode_free;
	if (n)
		hwm.rnode_free = hwm.rnodes[n].next;
	else
		n = hwm.rnode_top++;
	uint64_t ri = (e >> HWE_PFN_SHIFT) - (eng.ram_base >> HWM_PAGE_SHIFT);
	struct hwm_rnode *rn = &hwm.rnodes[n];
	rn->win = hwm_win_index(w);
	rn->vpage = vpage;
	rn->prev = HWM_NONE;
	rn->next = hwm.rhead[ri];
	if (rn->next)
		hwm.rnodes[rn->next].prev = n;
	hwm.rhead[ri] = n;
	leaf->rnode[slot] = n;
	eng.sh->stats.hwm_pages_mapped++;
}

/* Forget page vpage of w (bookkeeping only; the caller makes the host call). */
static void hwm_clear_page(struct hwm_window *w, uint32_t vpage)
{
	uint32_t li = vpage >> (HWM_LEAF_SHIFT - HWM_PAGE_SHIFT);
	uint32_t l = w->leaf[li];
	if (!l)
		return;
	struct hwm_leaf *leaf = &hwm.leaves[l];
	uint32_t slot = vpage & (HWM_LEAF_PAGES - 1u);
	uint32_t e = leaf->e[slot];
	if (!(e & HWE_VALID))
		return;
	int d = hwm_run_delta(w, vpage, e);
	w->runs -= (uint32_t)d;
	hwm.runs -= (uint64_t)(int64_t)d;

	uint32_t n = leaf->rnode[slot];
	struct hwm_rnode *rn = &hwm.rnodes[n];
	uint64_t ri = (e >> HWE_PFN_SHIFT) - (eng.ram_base >> HWM_PAGE_SHIFT);
	if (rn->prev)
		hwm.rnodes[rn->prev].next = rn->next;
	else
		hwm.rhead[ri] = rn->next;
	if (rn->next)
		hwm.rnodes[rn->next].prev = rn->prev;
	rn->next = hwm.rnode_free;
	hwm.rnode_free = n;

	leaf->e[slot] = 0;
	w->pages--;
	hwm.pages--;
	if (--leaf->count == 0) {
		leaf->next_free = hwm.leaf_free;
		hwm.leaf_free = l;
		hwm.leaves_freed++;
		w->leaf[li] = 0;
		hwm.mib_win[li] &= ~(1ull << hwm_win_index(w));
	}
	eng.sh->stats.hwm_pages_unmapped++;
}

/* w maps no page any more: no size class, no supersection. */
static void hwm_window_emptied(struct hwm_window *w)
{
	w->classes = 0;
	hwm.super_win &= ~(1ull << hwm_win_index(w));
}

/* Change the writability of one mapped page; returns the host calls made. */
static unsigned hwm_set_write(struct hwm_window *w, uint32_t vpage, bool writable)
{
	uint32_t e = hwm_entry(w, vpage);
	if (!(e & HWE_VALID) || !!(e & HWE_WRITE) == writable)
		return 0;
	hwm_clear_page(w, vpage);
	hwm_set_page(w, vpage, writable ? e | HWE_WRITE : e & ~HWE_WRITE);
	if (plat_hostmem_protect(w->base + ((uintptr_t)vpage << HWM_PAGE_SHIFT), HWM_PAGE_SIZE,
				 writable))
		engine_panic("hwmirror: mprotect of a window page failed");
	return 1;
}

/* Empty a whole window: one host call per cluster of populated MiBs (an
 * unmap of all 4 GiB costs the host ~100 us even when little is mapped), or
 * one for the whole window when they are many. Returns the host calls. */
static unsigned hwm_window_reset(struct hwm_window *w)
{
	enum { MAX_CLUSTERS = 16 };
	uint32_t lo[MAX_CLUSTERS], hi[MAX_CLUSTERS], n = 0;
	bool whole = false;
	if (!w->pages)
		return 0;
	for (uint32_t li = 0; li < HWM_LEAVES_PER_WINDOW && w->pages; li++) {
		if (!w->leaf[li])
			continue;
		if (n && hi[n - 1] == li)
			hi[n - 1] = li + 1;
		else if (n < MAX_CLUSTERS) {
			lo[n] = li;
			hi[n] = li + 1;
			n++;
		} else {
			whole = true;
		}
		for (uint32_t s = 0; s < HWM_LEAF_PAGES && w->leaf[li]; s++)
			if (hwm.leaves[w->leaf[li]].e[s] & HWE_VALID)
				hwm_clear_page(w, li << (HWM_LEAF_SHIFT - HWM_PAGE_SHIFT) | s);
	}
	ENGINE_ASSERT(w->pages == 0 && w->runs == 0);
	hwm_window_emptied(w);
	eng.sh->stats.hwm_views_evicted++;
	if (whole) {
		if (plat_hostmem_unmap(w->base, HWM_WINDOW_SIZE))
			engine_panic("hwmirror: cannot reset a window");
		return 1;
	}
	for (uint32_t c = 0; c < n; c++)
		if (plat_hostmem_unmap(w->base + ((uintptr_t)lo[c] << HWM_LEAF_SHIFT),
				       (uint64_t)(hi[c] - lo[c]) << HWM_LEAF_SHIFT))
			engine_panic("hwmirror: cannot reset a window");
	return n;
}

static bool hwm_is_current(const struct hwm_window *w)
{
	return w == hwm.cur[0] || w == hwm.cur[1];
}

/* The least recently used live window other than keep and the current ones. */
static struct hwm_window *hwm_lru(const struct hwm_window *keep, bool need_pages)
{
	struct hwm_window *best = NULL;
	for (unsigned i = 0; i < HWM_WINDOWS; i++) {
		struct hwm_window *w = &hwm.win[i];
		if (!w->live || w == keep || hwm_is_current(w) || (need_pages && !w->pages))
			continue;
		if (!best || w->used < best->used)
			best = w;
	}
	return best;
}

/* The least recently used window of another ASID with the given privilege
 * and DACR, not a current one; NULL if none. */
static struct hwm_window *hwm_lru_view(bool user, uint32_t dacr)
{
	struct hwm_window *best = NULL;
	for (unsigned i = 0; i < HWM_WINDOWS; i++) {
		struct hwm_window *w = &hwm.win[i];
		if (!w->live || w->flat || w->user != user || w->dacr != dacr || hwm_is_current(w))
			continue;
		if (!best || w->used < best->used)
			best = w;
	}
	return best;
}

static bool hwm_fits(uint32_t pages, uint32_t runs)
{
	uint32_t leaves_left = HWM_MAX_LEAVES - hwm.leaf_top + hwm.leaves_freed;
	return hwm.pages + pages < HWM_MAX_PAGES && hwm.runs + runs <= hwm.run_budget &&
	       leaves_left >= pages / HWM_LEAF_PAGES + 2u;
}

/* Make room for pages more pages in up to runs new host runs, evicting
 * other windows; false if even that is not enough. */
static bool hwm_make_room(const struct hwm_window *keep, uint32_t pages, uint32_t runs)
{
	while (!hwm_fits(pages, runs)) {
		struct hwm_window *victim = hwm_lru(keep, true);
		if (!victim)
			return false;
		hwm_window_reset(victim);
	}
	return true;
}

/* Write-protect every mapping of RAM page pa (its code must see stores). */
static void hwm_mark_code(gpa_t pa)
{
	uint64_t i = hwm_ram_index(pa);
	if ((hwm.code[i >> 6] >> (i & 63u)) & 1u)
		return;
	hwm.code[i >> 6] |= 1ull << (i & 63u);
	plat_hostmem_batch_begin();
	for (uint32_t n = hwm.rhead[i]; n;) {
		struct hwm_rnode *rn = &hwm.rnodes[n];
		n = rn->next; /* hwm_set_write re-links the node it changes */
		hwm_set_write(&hwm.win[rn->win], rn->vpage, false);
	}
	plat_hostmem_batch_end();
}

static void hwm_unmark_code(gpa_t pa)
{
	uint64_t i = hwm_ram_index(pa);
	hwm.code[i >> 6] &= ~(1ull << (i & 63u));
}

static unsigned hwm_window_drop_local(struct hwm_window *w);

/* ---- views --------------------------------------------------------------- */

static struct hwm_window *hwm_view(bool flat, uint32_t asid, uint32_t dacr, bool user)
{
	struct hwm_window *free_w = NULL;
	for (unsigned i = 0; i < HWM_WINDOWS; i++) {
		struct hwm_window *w = &hwm.win[i];
		if (!w->live) {
			if (!free_w)
				free_w = w;
			continue;
		}
		if (w->flat == flat && (flat || (w->asid == asid && w->dacr == dacr && w->user == user)))
			return w;
	}
	struct hwm_window *w = free_w;
	if (!w && !flat && (w = hwm_lru_view(user, dacr))) {
		/* Another ASID's window of the same privilege and DACR: its
		 * global pages (the kernel's) hold in this view too, as a TLB's
		 * global entries match every ASID; only its own go. Without
		 * this, every new process refaulted the kernel in each view. */
		hwm_window_drop_local(w);
		++*hwm.n_recycled;
	} else if (!w) {
		w = hwm_lru(NULL, false);
		ENGINE_ASSERT(w);
		hwm_window_reset(w);
	}
	w->live = true;
	w->flat = flat;
	w->asid = asid;
	w->dacr = dacr;
	w->user = user;
	return w;
}

/* Point hwm.base[] at the windows of the current view. */
static void hwm_select(const struct arm_cpu *cpu)
{
	bool flat = !(cpu->cp15.sctlr & SCTLR_M);
	uint32_t asid = cpu->cp15.contextidr & 0xffu;
	struct hwm_window *old0 = hwm.cur[0], *old1 = hwm.cur[1];

	/* The old windows stay protected from eviction while the new ones are
	 * chosen only through cur[], which is rebuilt here. */
	hwm.cur[0] = hwm.cur[1] = NULL;
	plat_hostmem_batch_begin();
	struct hwm_window *p = hwm_view(flat, asid, cpu->cp15.dacr, false);
	hwm.cur[0] = p;
	struct hwm_window *u = flat ? p : hwm_view(false, asid, cpu->cp15.dacr, true);
	hwm.cur[1] = u;
	plat_hostmem_batch_end();
	p->used = u->used = ++hwm.clock;
	hwm.base[0] = p->base;
	hwm.base[1] = u->base;
	if (p != old0 || u != old1)
		eng.sh->stats.hwm_window_switches++;
}

/* ---- filling a window from the fault handler ---------------------------- */

/* Map n pages of w from vstart to RAM from pstart, entry bits e (no pfn, no
 * write), writable where allowed and the page holds no code: one host call
 * per run of equal protection. Returns false if a host call failed. */
static bool hwm_map(struct hwm_window *w, uint32_t vstart, gpa_t pstart, uint32_t n, uint32_t bits,
		    bool writable)
{
	uint32_t i = 0;
	while (i < n) {
		bool wr = writable && !hwm_is_code(pstart + ((gpa_t)i << HWM_PAGE_SHIFT));
		uint32_t j = i + 1;
		while (j < n && (writable && !hwm_is_code(pstart + ((gpa_t)j << HWM_PAGE_SHIFT))) == wr)
			j++;
		if (plat_hostmem_map_ram(w->base + ((uintptr_t)(vstart + i) << HWM_PAGE_SHIFT),
					 pstart + ((gpa_t)i << HWM_PAGE_SHIFT),
					 (uint64_t)(j - i) << HWM_PAGE_SHIFT, wr))
			return false;
		for (uint32_t k = i; k < j; k++) {
			uint32_t pfn = (uint32_t)((pstart >> HWM_PAGE_SHIFT) + k);
			hwm_set_page(w, vstart + k,
				     bits | HWE_VALID | (wr ? HWE_WRITE : 0) | pfn << HWE_PFN_SHIFT);
		}
		i = j;
	}
	return true;
}

static bool hwm_range_empty(const struct hwm_window *w, uint32_t vstart, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (hwm_entry(w, vstart + i) & HWE_VALID)
			return false;
	return true;
}

/*
 * Where mapping is cheap (plat_hostmem_map_is_cheap: kvm), map the valid
 * neighbours of a page just filled -- every RAM page of the same guest
 * second-level table (1 MiB) that this view may read and w does not hold --
 * as a TLB may load any valid translation at any time; they go with the
 * guest's maintenance like any other. Linux maps a process's file pages
 * 64 KiB around each fault, so one miss often serves the next fifteen.
 */
static void hwm_fill_around(struct hwm_window *w, uint32_t vpage)
{
	const struct arm_cp15 *cp15 = &hwm.cpu->cp15;
	unsigned user = w->user ? MMU_USER : 0u;
	uint32_t first = vpage & ~(HWM_LEAF_PAGES - 1u);
	for (uint32_t vp = first; vp < first + HWM_LEAF_PAGES; vp++) {
		gva_t va = vp << HWM_PAGE_SHIFT;
		struct ptw_result r;
		struct arm_fault f;
		if (vp == vpage || (hwm_entry(w, vp) & HWE_VALID) ||
		    ptw_walk(cp15, va, MMU_READ | user, &r, &f) ||
		    ptw_check(&r, cp15->dacr, va, MMU_READ | user, &f) || r.level == PTW_FLAT ||
		    r.size_log2 >= 20)
			continue;
		gpa_t pa = r.pa & ~(gpa_t)(HWM_PAGE_SIZE - 1u);
		if (!hwm_page_is_ram(pa))
			continue;
		if (!hwm_fits(1, 1))
			return;
		bool writable = !ptw_check(&r, cp15->dacr, va, MMU_WRITE | user, &f);
		uint32_t bits = (r.global ? HWE_GLOBAL : 0u) | hwm_class(r.size_log2) << HWE_CLASS_SHIFT;
		if (!hwm_map(w, vp, pa, 1, bits, writable))
			return;
		++*hwm.n_ahead;
	}
}

/*
 * Serve a miss (or a store to a page mapped read-only) at va of w, which is
 * a current window. true: mapped, retry the access. false: the slow path
 * must do it (and tells the guest about its abort).
 */
static bool hwm_fill(struct hwm_window *w, gva_t va, bool write)
{
	struct captive_engine_stats *st = &eng.sh->stats;
	const struct arm_cp15 *cp15 = &hwm.cpu->cp15;
	unsigned flags = (write ? MMU_WRITE : MMU_READ) | (w->user ? MMU_USER : 0u);
	uint32_t vpage = va >> HWM_PAGE_SHIFT;
	struct ptw_result r;
	struct arm_fault f;

	if (ptw_walk(cp15, va, flags, &r, &f) || ptw_check(&r, cp15->dacr, va, flags, &f)) {
		st->hwm_fault_abort++;
		return false;
	}
	gpa_t pa = r.pa & ~(gpa_t)(HWM_PAGE_SIZE - 1u);
	if (!hwm_page_is_ram(pa)) {
		st->hwm_fault_device++;
		return false;
	}
	if (write && hwm_is_code(pa)) {
		st->hwm_fault_code++;
		return false;
	}
	uint32_t e = hwm_entry(w, vpage);
	if (e & HWE_VALID) {
		if (!write || (e & HWE_WRITE)) {
			st->hwm_fault_other++; /* the host mapping says otherwise */
			return false;
		}
		/* Read-only for code that has gone since: writable again. */
		if ((e >> HWE_PFN_SHIFT) == (uint32_t)(pa >> HWM_PAGE_SHIFT)) {
			hwm_set_write(w, vpage, true);
			st->hwm_fault_fill++;
			return true;
		}
		/* The tables changed without TLB maintenance: take the new
		 * translation, as a TLB that had dropped the old one would. */
		hwm_clear_page(w, vpage);
		if (plat_hostmem_unmap(w->base + ((uintptr_t)vpage << HWM_PAGE_SHIFT), HWM_PAGE_SIZE))
			return false;
	}

	struct arm_fault wf;
	bool writable = r.level == PTW_FLAT ||
			!ptw_check(&r, cp15->dacr, va, MMU_WRITE | (w->user ? MMU_USER : 0u), &wf);
	/* A whole section, large page or MMU-off MiB at once when it is all RAM
	 * and that part of the window is empty. */
	uint32_t vstart = vpage, n = 1;
	gpa_t pstart = pa;
	if (r.level == PTW_FLAT) {
		gpa_t lo = pa & ~(gpa_t)((1u << 20) - 1u), hi = lo + (1u << 20);
		if (lo < eng.ram_base)
			lo = eng.ram_base;
		if (hi > eng.ram_end)
			hi = eng.ram_end & ~(gpa_t)(HWM_PAGE_SIZE - 1u);
		pstart = lo;
		vstart = (uint32_t)(lo >> HWM_PAGE_SHIFT);
		n = (uint32_t)((hi - lo) >> HWM_PAGE_SHIFT);
	} else if (r.size_log2 > HWM_PAGE_SHIFT) {
		unsigned log2 = r.size_log2 > 20 ? 20 : r.size_log2;
		uint32_t off = va & ((1u << log2) - 1u) & HWM_PAGE_MASK;
		if (pa >= off && hwm_page_is_ram(pa - off) &&
		    hwm_page_is_ram(pa - off + (1u << log2) - HWM_PAGE_SIZE)) {
			pstart = pa - off;
			vstart = (va - off) >> HWM_PAGE_SHIFT;
			n = 1u << (log2 - HWM_PAGE_SHIFT);
		}
	}
	if (n > 1 && !hwm_range_empty(w, vstart, n)) {
		vstart = vpage;
		pstart = pa;
		n = 1;
	}

	uint32_t bits = (r.level != PTW_FLAT && r.global ? HWE_GLOBAL : 0u) |
			(r.level == PTW_FLAT ? 2u : hwm_class(r.size_log2)) << HWE_CLASS_SHIFT;
	/* Runs: at most one per code page boundary, and the range itself. */
	uint32_t runs = n == 1 ? 1 : 8;
	if (!hwm_make_room(w, n, runs)) {
		/* Everything else is empty: start this view afresh. */
		hwm_window_reset(w);
		if (!hwm_make_room(w, n, runs)) {
			st->hwm_fault_other++;
			return false;
		}
	}
	if (!hwm_map(w, vstart, pstart, n, bits, writable)) {
		/* The host refused (its mapping limit): drop this view. */
		hwm_window_reset(w);
		st->hwm_fault_other++;
		return false;
	}
	st->hwm_fault_fill++;
	st->tlb_misses++;
	if (n == 1 && r.level != PTW_FLAT && r.size_log2 < 20 && plat_hostmem_map_is_cheap())
		hwm_fill_around(w, vpage);
	return true;
}

static bool hwm_on_fault(struct plat_fault *f)
{
	/* Ours (the accessors above), or translated code's (the exec's side
	 * table); anything else is not a guest access and crashes as usual. */
	uintptr_t recovery = 0;
	const struct hwm_extable *x;
	for (x = __start_hwm_extable; x < __stop_hwm_extable; x++)
		if ((uintptr_t)&x->insn + (intptr_t)x->insn == f->pc) {
			recovery = (uintptr_t)&x->fixup + (intptr_t)x->fixup;
			break;
		}
	if (!recovery && !(exec_fault_pc && exec_fault_pc(f->pc, &recovery)))
		return false;

	uintptr_t off = f->addr - hwm.resv;
	struct hwm_window *w = NULL;
	if (f->addr >= hwm.resv && off < (uintptr_t)HWM_WINDOWS * HWM_STRIDE &&
	    off % HWM_STRIDE < HWM_WINDOW_SIZE)
		w = &hwm.win[off / HWM_STRIDE];
	if (w && hwm_is_current(w)) {
		plat_hostmem_batch_begin();
		bool filled = hwm_fill(w, (gva_t)(off % HWM_STRIDE), f->write);
		plat_hostmem_batch_end();
		if (filled)
			return true;
	}
	if (!w || !hwm_is_current(w))
		eng.sh->stats.hwm_fault_other++; /* the guard: wrapped at 2^32 */
	f->pc = recovery;
	return true;
}

/* ---- the slow path: normal context, every case the windows do not serve - */

static inline int hwm_resolve(struct arm_cpu *cpu, gva_t va, unsigned flags,
			      struct ptw_result *r, struct arm_fault *fault)
{
	return ptw_translate(&cpu->cp15, va, flags, r, fault);
}

/* A store reached RAM at pa (len bytes within one page) behind the windows. */
/*
 * A store reached RAM at pa (len bytes within one page) behind the windows.
 * A code page loses its code and becomes writable again (at its mappings'
 * next write fault) -- unless that has happened HWM_STICKY times already: a
 * page that mixes code and written data then stays code, its stores drop
 * only the code they overlap, and true is returned (the store will take the
 * slow path again, so its instruction may be remembered).
 */
static bool hwm_after_store(gpa_t pa, unsigned len)
{
	uint64_t i = hwm_ram_index(pa);
	bool code = hwm_is_code(pa);
	if (code && hwm.rounds[i] >= HWM_STICKY) {
		if (exec_page_has_code(pa))
			exec_invalidate_range(pa, len);
		return true;
	}
	if (exec_page_has_code(pa))
		exec_invalidate_page(pa);
	if (code) {
		hwm_unmark_code(pa);
		hwm.rounds[i]++;
	}
	return false;
}

/* One byte through a resolved page. */
static int hwm_byte(gpa_t pa, uint8_t *b, bool write, gva_t va, unsigned flags,
		    struct arm_fault *fault)
{
	if (hwm_page_is_ram(pa & ~(gpa_t)(HWM_PAGE_SIZE - 1u))) {
		uint8_t *p = engine_ram_ptr(pa);
		if (write)
			*p = *b;
		else
			*b = *p;
		return 0;
	}
	uint32_t v = *b;
	int rc = ptw_device_access(pa, 1, &v, write, va, flags, fault);
	*b = (uint8_t)v;
	return rc;
}

static __attribute__((noinline)) int hwm_slow(struct arm_cpu *cpu, gva_t va, unsigned size,
					      uint32_t *val, unsigned flags,
					      struct arm_fault *fault)
{
	bool write = (flags & MMU_KIND_MASK) == MMU_WRITE;
	bool hinted = flags & MMU_SLOW, data = (flags & MMU_KIND_MASK) != MMU_FETCH;
	unsigned first = HWM_PAGE_SIZE - (va & ~HWM_PAGE_MASK);
	struct ptw_result r1, r2;
	flags &= MMU_KIND_MASK | MMU_USER;
	int rc = hwm_resolve(cpu, va, flags, &r1, fault);
	if (rc) {
		/* The guest's abort: remembered too, so that a guest that aborts
		 * in a loop (a probe of absent memory) pays no host fault. */
		if (!hinted && data && exec_note_slow_access)
			exec_note_slow_access(true);
		return rc;
	}
	if (first >= size) {
		gpa_t pa = r1.pa;
		/* In-place adaptation: the exec remembers an instruction whose
		 * access faulted into the io path (or the guest's abort, or a
		 * sticky code page), and its next accesses skip the fault; one
		 * that then lands in plain RAM is forgotten. */
		if (!hwm_page_is_ram(pa & ~(gpa_t)(HWM_PAGE_SIZE - 1u))) {
			if (hinted)
				eng.sh->stats.hwm_io_direct++;
			else if (data && exec_note_slow_access)
				exec_note_slow_access(true);
			return ptw_device_access(pa, size, val, write, va, flags, fault);
		}
		void *p = engine_ram_ptr(pa);
		bool again = false;
		if (write) {
			memcpy(p, val, size);
			again = hwm_after_store(pa, size);
		} else {
			uint32_t v = 0;
			memcpy(&v, p, size);
			*val = v;
		}
		if (hinted != again && data && exec_note_slow_access)
			exec_note_slow_access(again);
		return 0;
	}
	/* Crossing into the next page (wrapping at 2^32): both pages are
	 * checked before any byte moves; the second's fault reports its first
	 * byte, as QEMU does. */
	gva_t va2 = va + first;
	rc = hwm_resolve(cpu, va2, flags, &r2, fault);
	if (rc)
		return rc;
	uint32_t v = write ? *val : 0;
	for (unsigned i = 0; i < size; i++) {
		uint8_t b = (uint8_t)(v >> (8 * i));
		gpa_t pa = i < first ? r1.pa + i : r2.pa + (i - first);
		rc = hwm_byte(pa, &b, write, va + i, flags, fault);
		if (rc)
			return rc;
		if (!write)
			v |= (uint32_t)b << (8 * i);
	}
	bool ram1 = hwm_page_is_ram(r1.pa & ~(gpa_t)(HWM_PAGE_SIZE - 1u));
	bool ram2 = hwm_page_is_ram(r2.pa & ~(gpa_t)(HWM_PAGE_SIZE - 1u));
	if (write) {
		if (ram1)
			hwm_after_store(r1.pa, first);
		if (ram2)
			hwm_after_store(r2.pa, size - first);
	} else {
		*val = v;
	}
	/* A hinted access that found RAM on both sides: the exec may forget it. */
	if (hinted && ram1 && ram2 && data && exec_note_slow_access)
		exec_note_slow_access(false);
	return 0;
}

/* ---- the fetch TLB ------------------------------------------------------- */

static void hwm_ftlb_flush(void)
{
	for (unsigned i = 0; i < HWM_FTLB; i++)
		hwm.ftlb[i].vpage = 0;
	memset(hwm.ftlb_big, 0, sizeof(hwm.ftlb_big));
	memset(hwm.ftlb_super, 0, sizeof(hwm.ftlb_super));
}

static void hwm_ftlb_flush_entry(struct hwm_ftlb *t, gva_t va, uint32_t asid, bool all_asids)
{
	if (!(t->vpage & 1u) || ((t->vpage ^ va) >> t->r.size_log2))
		return;
	if (all_asids || t->r.global || t->asid == asid)
		t->vpage = 0;
}

/* Only the entry of va's own page, unless an entry of a bigger page may
 * cover va: Linux's ~1 M TLBIMVAs per boot are mostly of user pages (4 KiB),
 * and scanning all 256 entries each time was ~6% of a boot + spawn. */
static void hwm_ftlb_flush_va(gva_t va, uint32_t asid, bool all_asids)
{
	if (!hwm_bit(hwm.ftlb_big, va >> 20) && !hwm_bit(hwm.ftlb_super, va >> 24)) {
		hwm_ftlb_flush_entry(&hwm.ftlb[(va >> HWM_PAGE_SHIFT) % HWM_FTLB], va, asid, all_asids);
		return;
	}
	for (unsigned i = 0; i < HWM_FTLB; i++)
		hwm_ftlb_flush_entry(&hwm.ftlb[i], va, asid, all_asids);
}

/* ---- the contract -------------------------------------------------------- */

int mmu_init(struct arm_cpu *cpu)
{
	if (eng.ram_end < eng.ram_base || eng.ram_end - eng.ram_base > HWM_MAX_RAM ||
	    ((eng.ram_base | eng.ram_end) & (HWM_PAGE_SIZE - 1u)))
		return -EINVAL;

	uintptr_t resv;
	int rc = plat_hostmem_reserve((uint64_t)HWM_WINDOWS * HWM_STRIDE, &resv);
	if (rc)
		return rc;

	/* All bookkeeping in one allocation, committed as it is touched. */
	uint64_t sz_win = HWM_WINDOWS * sizeof(struct hwm_window);
	uint64_t sz_leaves = (uint64_t)HWM_MAX_LEAVES * sizeof(struct hwm_leaf);
	uint64_t sz_rnodes = (uint64_t)HWM_MAX_PAGES * sizeof(struct hwm_rnode);
	uint64_t sz_rhead = HWM_RAM_PAGES * sizeof(uint32_t);
	uint64_t sz_code = HWM_RAM_PAGES / 8;
	uint64_t sz_rounds = HWM_RAM_PAGES;
	void *mem;
	rc = plat_hostmem_alloc(sz_win + sz_leaves + sz_rnodes + sz_rhead + sz_code + sz_rounds,
				&mem);
	if (rc)
		return rc;

	memset(&hwm, 0, sizeof(hwm));
	hwm.cpu = cpu;
	hwm.resv = resv;
	uint8_t *m = mem;
	hwm.win = (struct hwm_window *)m;
	hwm.leaves = (struct hwm_leaf *)(m += sz_win);
	hwm.rnodes = (struct hwm_rnode *)(m += sz_leaves);
	hwm.rhead = (uint32_t *)(m += sz_rnodes);
	hwm.code = (uint64_t *)(m += sz_rhead);
	hwm.rounds = m + sz_code;
	hwm.leaf_top = hwm.rnode_top = 1; /* index 0 is "none" */
	hwm.n_recycled = engine_counter("hwm_views_recycled");
	hwm.n_ahead = engine_counter("hwm_pages_ahead");
	for (unsigned i = 0; i < HWM_WINDOWS; i++)
		hwm.win[i].base = resv + (uintptr_t)i * HWM_STRIDE;

	/* Half the host's mapping limit for our runs (each run and the gap
	 * after it are two mappings): the rest of the process needs some. */
	uint64_t max = plat_hostmem_max_mappings();
	hwm.run_budget = (max ? max : 65530) / 4;

	hwm.sctlr_mode = cpu->cp15.sctlr & (SCTLR_M | SCTLR_AFE);
	hwm.ttbcr = cpu->cp15.ttbcr;
	hwm_select(cpu);
	return plat_fault_route(hwm_on_fault);
}

int mmu_read(struct arm_cpu *cpu, gva_t va, unsigned size, uint32_t *val, unsigned flags,
	     struct arm_fault *fault)
{
	if (__builtin_expect(!(flags & (MMU_FETCH | MMU_SLOW)), 1)) {
		uint32_t v;
		if (__builtin_expect(hwm_load(hwm.base[(flags & MMU_USER) >> 2] + va, size, &v), 1)) {
			*val = v;
			eng.sh->stats.tlb_hits++;
			return 0;
		}
	}
	return hwm_slow(cpu, va, size, val, flags & (MMU_USER | MMU_FETCH | MMU_SLOW), fault);
}

int mmu_write(struct arm_cpu *cpu, gva_t va, unsigned size, uint32_t val, unsigned flags,
	      struct arm_fault *fault)
{
	if (__builtin_expect(!(flags & MMU_SLOW), 1) &&
	    __builtin_expect(hwm_store(hwm.base[(flags & MMU_USER) >> 2] + va, size, val), 1)) {
		eng.sh->stats.tlb_hits++;
		return 0;
	}
	return hwm_slow(cpu, va, size, &val, (flags & (MMU_USER | MMU_SLOW)) | MMU_WRITE, fault);
}

int mmu_probe(struct arm_cpu *cpu, gva_t va, uint32_t len, unsigned flags,
	      struct arm_fault *fault)
{
	/* Fast: touch each page through the window (STM and PUSH probe before
	 * every store, so walking here would cost a walk per PUSH). */
	gva_t last = va + len - 1u;
	bool hinted = flags & MMU_SLOW;
	flags &= MMU_KIND_MASK | MMU_USER;
	if (len && last >= va && !hinted && (flags & MMU_KIND_MASK) != MMU_FETCH) {
		uintptr_t base = hwm.base[(flags & MMU_USER) >> 2];
		bool write = (flags & MMU_KIND_MASK) == MMU_WRITE;
		gva_t a = va;
		for (;;) {
			if (!hwm_touch(base + a, write))
				break;
			gva_t next = (a & HWM_PAGE_MASK) + HWM_PAGE_SIZE;
			if (!next || next > last)
				return 0;
			a = next;
		}
	}
	/* Slow: walk every page the range touches (the first at va itself, so
	 * that its fault names va). */
	uint64_t pages = ((uint64_t)(va & ~HWM_PAGE_MASK) + len + HWM_PAGE_SIZE - 1u) >> HWM_PAGE_SHIFT;
	for (uint64_t i = 0; i < pages; i++) {
		struct ptw_result r;
		gva_t a = i ? (gva_t)((va & HWM_PAGE_MASK) + (i << HWM_PAGE_SHIFT)) : va;
		int rc = hwm_resolve(cpu, a, flags, &r, fault);
		if (rc)
			return rc;
	}
	return 0;
}

int mmu_translate_fetch(struct arm_cpu *cpu, gva_t va, unsigned flags, gpa_t *pa,
			const uint8_t **host, struct arm_fault *fault)
{
	flags = (flags & MMU_USER) | MMU_FETCH;
	uint32_t asid = cpu->cp15.contextidr & 0xffu;
	struct hwm_ftlb *t = &hwm.ftlb[(va >> HWM_PAGE_SHIFT) % HWM_FTLB];
	if (!(t->vpage & 1u) || ((t->vpage ^ va) & HWM_PAGE_MASK) ||
	    (!t->r.global && t->asid != asid)) {
		int rc = ptw_walk(&cpu->cp15, va, flags, &t->r, fault);
		if (rc) {
			t->vpage = 0;
			return rc;
		}
		t->r.pa &= ~(gpa_t)(HWM_PAGE_SIZE - 1u);
		t->vpage = (va & HWM_PAGE_MASK) | 1u;
		t->asid = asid;
		if (t->r.size_log2 > 20)
			hwm_bit_set(hwm.ftlb_super, va >> 24);
		else if (t->r.size_log2 > HWM_PAGE_SHIFT)
			hwm_bit_set(hwm.ftlb_big, va >> 20);
	} else {
		eng.sh->stats.tlb_hits++;
	}
	int rc = ptw_check(&t->r, cpu->cp15.dacr, va, flags, fault);
	if (rc)
		return rc;
	*pa = t->r.pa | (va & ~HWM_PAGE_MASK);
	hwm.fetch_span = t->r.size_log2;
	hwm.fetch_global = t->r.global;
	if (hwm_page_is_ram(t->r.pa)) {
		hwm_mark_code(t->r.pa);
		*host = engine_ram_ptr(*pa);
	} else {
		*host = NULL;
	}
	return 0;
}

unsigned mmu_fetch_span_log2(void)
{
	return hwm.fetch_span;
}

bool mmu_fetch_global(void)
{
	return hwm.fetch_global;
}

void mmu_code_page_added(gpa_t pa)
{
	gpa_t page = pa & ~(gpa_t)(HWM_PAGE_SIZE - 1u);
	if (hwm_page_is_ram(page))
		hwm_mark_code(page);
}

/* hwmirror takes a page's code mark away itself, at the first store that
 * drops its code (hwm_after_store); a page whose code went another way
 * stays read-only until that store, one fault later. */
void mmu_code_page_removed(gpa_t pa)
{
	(void)pa;
}

int mmu_translate(struct arm_cpu *cpu, gva_t va, unsigned flags, gpa_t *pa,
		  struct arm_fault *fault)
{
	struct ptw_result r;
	int rc = hwm_resolve(cpu, va, flags, &r, fault);
	if (!rc)
		*pa = r.pa;
	return rc;
}

static unsigned hwm_reset_all(void)
{
	unsigned calls = 0;
	for (unsigned i = 0; i < HWM_WINDOWS; i++)
		if (hwm.win[i].live && !hwm.win[i].flat)
			calls += hwm_window_reset(&hwm.win[i]);
	return calls;
}

void mmu_context_changed(struct arm_cpu *cpu)
{
	/* As softtlb: a new ASID or TTBR needs no flush (views are keyed by
	 * ASID; a TTBR write under one ASID is the guest's to follow with
	 * maintenance); MMU on/off, the AP model and TTBCR change everything. */
	uint32_t mode = cpu->cp15.sctlr & (SCTLR_M | SCTLR_AFE);
	if (mode != hwm.sctlr_mode || cpu->cp15.ttbcr != hwm.ttbcr) {
		hwm.sctlr_mode = mode;
		hwm.ttbcr = cpu->cp15.ttbcr;
		mmu_flush_all(cpu);
	}
	hwm_select(cpu);
}

void mmu_dacr_changed(struct arm_cpu *cpu)
{
	hwm_select(cpu);
}

void mmu_flush_all(struct arm_cpu *cpu)
{
	plat_hostmem_batch_begin();
	eng.sh->stats.hwm_calls_tlbi_all += hwm_reset_all();
	plat_hostmem_batch_end();
	hwm_ftlb_flush();
	eng.sh->stats.tlb_flushes++;
}

/* Unmap n pages of w from page vp on; one host call. */
static unsigned hwm_unmap_pages(struct hwm_window *w, uint32_t vp, uint32_t n)
{
	if (plat_hostmem_unmap(w->base + ((uintptr_t)vp << HWM_PAGE_SHIFT),
			       (uint64_t)n << HWM_PAGE_SHIFT))
		engine_panic("hwmirror: cannot unmap window pages");
	return 1;
}

/*
 * Drop from w the translation of va (every piece of the guest mapping that
 * contains it) if the ASID selects it; one host call per run of pages.
 */
static unsigned hwm_flush_va_window(struct hwm_window *w, gva_t va, uint32_t asid, bool all_asids)
{
	unsigned calls = 0;
	if (!w->live || w->flat || !w->pages)
		return 0;
	for (uint32_t c = 0; c < 4; c++) {
		if (!(w->classes & (1u << c)))
			continue;
		uint32_t size = 1u << (HWM_PAGE_SHIFT + 4 * c);
		uint32_t first = (va & ~(size - 1u)) >> HWM_PAGE_SHIFT;
		uint32_t n = size >> HWM_PAGE_SHIFT;
		uint32_t run = 0, run_len = 0;
		for (uint32_t i = 0; i < n; i++) {
			uint32_t vp = first + i;
			uint32_t li = vp >> (HWM_LEAF_SHIFT - HWM_PAGE_SHIFT);
			uint32_t l = w->leaf[li];
			if (!l || !(hwm.leaves[l].classes & (1u << c))) {
				/* skip the rest of this leaf */
				uint32_t skip = HWM_LEAF_PAGES - 1u - (vp & (HWM_LEAF_PAGES - 1u));
				i += skip < n - i ? skip : n - i;
				continue;
			}
			uint32_t e = hwm.leaves[l].e[vp & (HWM_LEAF_PAGES - 1u)];
			bool drop = (e & HWE_VALID) && ((e & HWE_CLASS_MASK) >> HWE_CLASS_SHIFT) == c &&
				    (all_asids || w->asid == asid || (e & HWE_GLOBAL));
			if (!drop)
				continue;
			hwm_clear_page(w, vp);
			if (run_len && run + run_len == vp) {
				run_len++;
				continue;
			}
			if (run_len)
				calls += hwm_unmap_pages(w, run, run_len);
			run = vp;
			run_len = 1;
		}
		if (run_len)
			calls += hwm_unmap_pages(w, run, run_len);
	}
	return calls;
}

static void hwm_flush_va(gva_t va, uint32_t asid, bool all_asids)
{
	unsigned calls = 0;
	/* only the windows that can hold a piece of the mapping of va */
	plat_hostmem_batch_begin();
	for (uint64_t m = hwm.mib_win[va >> HWM_LEAF_SHIFT] | hwm.super_win; m; m &= m - 1)
		calls += hwm_flush_va_window(&hwm.win[__builtin_ctzll(m)], va, asid, all_asids);
	plat_hostmem_batch_end();
	hwm_ftlb_flush_va(va, asid, all_asids);
	eng.sh->stats.hwm_calls_tlbi_mva += calls;
	eng.sh->stats.tlb_flushes++;
}

void mmu_flush_va(struct arm_cpu *cpu, uint32_t mva_asid)
{
	hwm_flush_va(mva_asid & HWM_PAGE_MASK, mva_asid & 0xffu, false);
}

void mmu_flush_va_all_asids(struct arm_cpu *cpu, gva_t va)
{
	hwm_flush_va(va & HWM_PAGE_MASK, 0, true);
}

/*
 * Drop from w every page of a non-global guest mapping (TLBIASID: global
 * entries stay, as in the architecture's TLB, so the kernel's own mappings
 * need not fault back in after every fork and exit). One host call per run
 * of dropped pages, a run ending at a global page or an empty MiB.
 */
static unsigned hwm_window_drop_local(struct hwm_window *w)
{
	unsigned calls = 0;
	uint32_t lo = 0, hi = 0; /* the pending run of pages [lo, hi) */
	for (uint32_t li = 0; li < HWM_LEAVES_PER_WINDOW && w->pages; li++) {
		if (!w->leaf[li] && hi != lo) {
			calls += hwm_unmap_pages(w, lo, hi - lo);
			lo = hi;
		}
		for (uint32_t s = 0; s < HWM_LEAF_PAGES && w->leaf[li]; s++) {
			uint32_t vp = li << (HWM_LEAF_SHIFT - HWM_PAGE_SHIFT) | s;
			uint32_t e = hwm.leaves[w->leaf[li]].e[s];
			if (!(e & HWE_VALID))
				continue;
			if (!(e & HWE_GLOBAL)) {
				hwm_clear_page(w, vp);
				if (hi == lo)
					lo = vp;
				hi = vp + 1;
				continue;
			}
			if (hi != lo) {
				calls += hwm_unmap_pages(w, lo, hi - lo);
				lo = hi;
			}
		}
	}
	if (hi != lo)
		calls += hwm_unmap_pages(w, lo, hi - lo);
	if (!w->pages)
		hwm_window_emptied(w);
	return calls;
}

void mmu_flush_asid(struct arm_cpu *cpu, uint32_t asid)
{
	unsigned calls = 0;
	plat_hostmem_batch_begin();
	for (unsigned i = 0; i < HWM_WINDOWS; i++) {
		struct hwm_window *w = &hwm.win[i];
		if (w->live && !w->flat && w->asid == (asid & 0xffu))
			calls += hwm_window_drop_local(w);
	}
	plat_hostmem_batch_end();
	hwm_ftlb_flush();
	eng.sh->stats.hwm_calls_tlbi_asid += calls;
	eng.sh->stats.tlb_flushes++;
}

/* No TLB for a JIT to inline: its accesses go through the windows. */
bool mmu_jit_tlb(struct mmu_jit_tlb *d)
{
	(void)d;
	return false;
}

bool mmu_jit_window(struct mmu_jit_window *d)
{
	d->base = hwm.base;
	return true;
}
