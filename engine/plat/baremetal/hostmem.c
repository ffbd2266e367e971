/*
 * The bare-metal engine's address-space services (engine/plat.h) for an mmu
 * strategy that maps guest RAM at guest virtual addresses (hwmirror): the
 * native VM's own page tables, edited at CPL3.
 *
 * - Memory. The engine slot after the image is handed out by one bump
 *   allocator (slot pages are fresh anonymous memory, so zero): exec=jit's
 *   code cache, bookkeeping (plat_hostmem_alloc) and page-table pages.
 * - Reservations are whole L4 slots (512 GiB each) from slot 1 up: slot 0
 *   stays empty so that a null pointer in the engine still faults, and slot
 *   256 is unusable on our nested host (layout.h). Each gets a PDPT at once;
 *   page directories and page tables come when a mapping needs them, and a
 *   page table is returned to a free list when its last entry goes.
 * - A mapping is a 4 KiB PTE: native-physical = ARM-physical for guest RAM
 *   (layout.h), so the entry is the guest physical address itself, user
 *   (the engine runs at CPL3), never executable, accessed and (if writable)
 *   dirty already so that the CPU never writes the entry back.
 * - Invalidation. Present -> not present or a permission change needs the
 *   TLB told, which only CPL0 can do: one trip through bm_cpl0_flush (a #UD,
 *   fault.S) per call, INVLPG for a few pages, else a CR3 reload (window
 *   pages are not global; the engine's own are, and stay). Making a page
 *   present needs nothing: the TLB holds no not-present entries, and a
 *   shadow-paging host finds the new entry when the access misses.
 * - Faults. plat_fault_route() routes #PF at CPL3 inside the reserved range
 *   to bm_upcall_dispatch() at CPL3 (fault.S); a handler that declines
 *   unroutes, so the retried access takes the crash path with the CPU
 *   state as it was.
 */
#include <errno.h>

#include "engine/engine.h"
#include "engine/plat.h"
#include "engine/rt.h"
#include "layout.h"

#define BM_PG 4096ull
#define BM_PTE_P 0x1ull
#define BM_PTE_RW 0x2ull
#define BM_PTE_US 0x4ull
#define BM_PTE_A 0x20ull
#define BM_PTE_D 0x40ull
#define BM_PTE_NX (1ull << 63)
#define BM_PTE_ADDR 0x000ffffffffff000ull
#define BM_TABLE (BM_PTE_P | BM_PTE_RW | BM_PTE_US | BM_PTE_A)
#define BM_L4_RESV_FIRST 1u
#define BM_L4_RESV_END 256u /* exclusive: the lower canonical half */
#define BM_SLOT_PAGES (BM_SLOT_SIZE / BM_PG)
/* Up to this many pages INVLPG each (~0.35 us at CPL0 on the nested host,
 * ~1.2 us a loop iteration); beyond, one CR3 reload (~0.3 us there; on
 * bare metal it costs the refills of every non-global translation). */
#define BM_INVLPG_MAX 8u

/* fault.S */
extern void bm_cpl0_flush(uintptr_t addr, uint64_t pages);
uint64_t bm_route_lo, bm_route_len;
uint64_t bm_upcall_busy, bm_upcall_rax, bm_upcall_cr2, bm_upcall_err, bm_upcall_rip;
void bm_upcall_dispatch(void);

static struct {
	uintptr_t next;		   /* bump pointer in the engine slot */
	unsigned l4_next;	   /* next free L4 slot for reservations */
	uint64_t *free_tables;	   /* page-table pages, linked through entry 0 */
	uint16_t *count;	   /* present entries of each page table, by slot page */
	bool (*fault_fn)(struct plat_fault *f);
	uintptr_t flush_lo, flush_hi; /* pages changed since the last flush */
	uint64_t *pending;	   /* tables unlinked, free after the flush */
	unsigned batch;		   /* plat_hostmem_batch_begin() depth */
	uint64_t *n_trips;	   /* named counter cpl0_flushes */
} bm;

static uint64_t *bm_pml4(void)
{
	return (uint64_t *)(BM_ENGINE_VBASE + BM_OFF_PML4);
}

static uint64_t bm_phys(const void *p)
{
	return (uintptr_t)p - BM_ENGINE_VBASE + BM_ENGINE_PBASE;
}

static uint64_t *bm_virt(uint64_t entry)
{
	return (uint64_t *)((entry & BM_PTE_ADDR) - BM_ENGINE_PBASE + BM_ENGINE_VBASE);
}

static uint64_t bm_slot_page(const void *p)
{
	return ((uintptr_t)p - BM_ENGINE_VBASE) / BM_PG;
}

/* len bytes of the engine slot, align-aligned, zero; NULL when it is full. */
static void *bm_slot_alloc(uint64_t len, uint64_t align)
{
	extern char __engine_end[];
	if (!bm.next)
		bm.next = (uintptr_t)__engine_end;
	uintptr_t p = (bm.next + align - 1) & ~(align - 1);
	if (p < bm.next || len > BM_ENGINE_VBASE + BM_SLOT_SIZE - p)
		return NULL;
	bm.next = p + len;
	return (void *)p;
}

/*
 * exec=jit's code cache, 2 MiB aligned. Mapped user, writable and executable
 * like the image itself (layout.h), so translated code runs at CPL3 and
 * reaches every engine helper with a rel32 call. Not W^X as on process:
 * nothing but the engine ever runs in the native VM, and a second,
 * executable alias would cost a page-table edit and a CPL0 trip per change.
 */
void *plat_code_alloc(size_t size)
{
	return bm_slot_alloc(size, 2ull << 20);
}

int plat_hostmem_alloc(uint64_t len, void **out)
{
	void *p = bm_slot_alloc((len + BM_PG - 1) & ~(BM_PG - 1), BM_PG);
	if (!p)
		return -ENOMEM;
	*out = p;
	return 0;
}

/* A zeroed page-table page, or NULL. */
static uint64_t *bm_table_new(void)
{
	uint64_t *t = bm.free_tables;
	if (t) {
		bm.free_tables = (uint64_t *)t[0];
		memset(t, 0, BM_PG);
		return t;
	}
	if (!bm.count && plat_hostmem_alloc(BM_SLOT_PAGES * sizeof(uint16_t), (void **)&bm.count))
		return NULL;
	return bm_slot_alloc(BM_PG, BM_PG);
}

int plat_hostmem_reserve(uint64_t len, uintptr_t *base)
{
	const uint64_t l4_span = 1ull << 39;
	uint64_t n = (len + l4_span - 1) / l4_span;
	if (!bm.l4_next)
		bm.l4_next = BM_L4_RESV_FIRST;
	if (!n || n > BM_L4_RESV_END - bm.l4_next)
		return -ENOMEM;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t *pdpt = bm_table_new();
		if (!pdpt)
			return -ENOMEM;
		/* A new PML4 entry: nothing to invalidate. */
		bm_pml4()[bm.l4_next + i] = bm_phys(pdpt) | BM_TABLE;
	}
	*base = (uintptr_t)bm.l4_next * l4_span;
	bm.l4_next += (unsigned)n;
	return 0;
}

static bool bm_reserved(uintptr_t addr, uint64_t len)
{
	uintptr_t lo = (uintptr_t)BM_L4_RESV_FIRST << 39, hi = (uintptr_t)bm.l4_next << 39;
	return bm.l4_next && addr >= lo && addr <= hi && len <= hi - addr && !(addr & (BM_PG - 1)) &&
	       !(len & (BM_PG - 1));
}

/* The entry of the next level under *e, created if asked; NULL if absent. */
static uint64_t *bm_down(uint64_t *e, bool create)
{
	if (!(*e & BM_PTE_P)) {
		uint64_t *t = create ? bm_table_new() : NULL;
		if (!t)
			return NULL;
		*e = bm_phys(t) | BM_TABLE;
	}
	return bm_virt(*e);
}

/* The page directory entry for addr (reserved, so its PDPT exists). */
static uint64_t *bm_pde(uintptr_t addr, bool create)
{
	uint64_t *pdpt = bm_virt(bm_pml4()[(addr >> 39) & 511]);
	uint64_t *pd = bm_down(&pdpt[(addr >> 30) & 511], create);
	return pd ? &pd[(addr >> 21) & 511] : NULL;
}

static void bm_changed(uintptr_t addr)
{
	if (bm.flush_lo == bm.flush_hi) {
		bm.flush_lo = addr;
		bm.flush_hi = addr + BM_PG;
		return;
	}
	if (addr < bm.flush_lo)
		bm.flush_lo = addr;
	if (addr + BM_PG > bm.flush_hi)
		bm.flush_hi = addr + BM_PG;
}

/* Tell the TLB about every change since the last flush, then recycle the
 * page tables unlinked meanwhile (the paging-structure caches may hold
 * them until now). */
static void bm_flush(void)
{
	if (bm.batch)
		return;
	if (bm.flush_lo != bm.flush_hi) {
		uint64_t pages = (bm.flush_hi - bm.flush_lo) / BM_PG;
		bm_cpl0_flush(bm.flush_lo, pages <= BM_INVLPG_MAX ? pages : 0);
		bm.flush_lo = bm.flush_hi = 0;
		if (!bm.n_trips)
			bm.n_trips = engine_counter("cpl0_flushes");
		++*bm.n_trips;
	}
	while (bm.pending) {
		uint64_t *t = bm.pending;
		bm.pending = (uint64_t *)t[0];
		t[0] = (uint64_t)bm.free_tables;
		bm.free_tables = t;
	}
}

/* Unlink the page table under pde, which maps the 2 MiB at addr (its
 * entries go with it, so the whole range is flushed). */
static void bm_unlink(uint64_t *pde, uintptr_t addr)
{
	uint64_t *pt = bm_virt(*pde);
	uintptr_t lo = addr & ~((2ull << 20) - 1);
	*pde = 0;
	bm.count[bm_slot_page(pt)] = 0;
	pt[0] = (uint64_t)bm.pending;
	bm.pending = pt;
	bm_changed(lo);
	bm_changed(lo + (2ull << 20) - BM_PG);
}

int plat_hostmem_map_ram(uintptr_t addr, gpa_t pa, uint64_t len, bool writable)
{
	if (!bm_reserved(addr, len) || pa < eng.ram_base || pa + len > eng.ram_end ||
	    (pa & (BM_PG - 1)))
		return -EINVAL;
	uint64_t bits = BM_PTE_P | BM_PTE_US | BM_PTE_A | BM_PTE_NX |
			(writable ? BM_PTE_RW | BM_PTE_D : 0);
	int rc = 0;
	for (uint64_t off = 0; off < len;) {
		uintptr_t a = addr + off;
		uint64_t *pde = bm_pde(a, true);
		uint64_t *pt = pde ? bm_down(pde, true) : NULL;
		if (!pt) {
			rc = -ENOMEM;
			break;
		}
		uint16_t *count = &bm.count[bm_slot_page(pt)];
		for (unsigned i = (a >> 12) & 511; i < 512 && off < len; i++, off += BM_PG) {
			if (pt[i] & BM_PTE_P)
				bm_changed(addr + off);
			else
				++*count;
			pt[i] = (pa + off) | bits;
		}
	}
	bm_flush();
	return rc;
}

int plat_hostmem_unmap(uintptr_t addr, uint64_t len)
{
	if (!bm_reserved(addr, len))
		return -EINVAL;
	for (uint64_t off = 0; off < len;) {
		uintptr_t a = addr + off;
		uint64_t *pde = bm_pde(a, false);
		uint64_t step = (2ull << 20) - (a & ((2ull << 20) - 1));
		if (!pde) {
			step = (1ull << 30) - (a & ((1ull << 30) - 1)); /* no directory */
		} else if (*pde & BM_PTE_P) {
			uint64_t *pt = bm_virt(*pde);
			uint16_t *count = &bm.count[bm_slot_page(pt)];
			if (step == 2ull << 20 && len - off >= step) {
				bm_unlink(pde, a);
			} else {
				for (uint64_t i = (a >> 12) & 511, o = 0; o < step && off + o < len;
				     i++, o += BM_PG)
					if (pt[i] & BM_PTE_P) {
						pt[i] = 0;
						--*count;
						bm_changed(a + o);
					}
				if (!*count)
					bm_unlink(pde, a);
			}
		}
		off += step;
	}
	bm_flush();
	return 0;
}

int plat_hostmem_protect(uintptr_t addr, uint64_t len, bool writable)
{
	if (!bm_reserved(addr, len))
		return -EINVAL;
	for (uint64_t off = 0; off < len; off += BM_PG) {
		uint64_t *pde = bm_pde(addr + off, false);
		uint64_t *pt = pde && (*pde & BM_PTE_P) ? bm_virt(*pde) : NULL;
		uint64_t *e = pt ? &pt[((addr + off) >> 12) & 511] : NULL;
		if (!e || !(*e & BM_PTE_P))
			return -ENOMEM; /* as mprotect says of an unmapped page */
		*e = writable ? *e | BM_PTE_RW | BM_PTE_D : *e & ~(BM_PTE_RW | BM_PTE_D);
		bm_changed(addr + off);
	}
	bm_flush();
	return 0;
}

void plat_hostmem_batch_begin(void)
{
	bm.batch++;
}

void plat_hostmem_batch_end(void)
{
	ENGINE_ASSERT(bm.batch);
	if (!--bm.batch)
		bm_flush();
}

/* No per-process mapping limit in the native VM: the slot's room for page
 * tables is what binds, and map_ram says so with -ENOMEM. */
uint64_t plat_hostmem_max_mappings(void)
{
	return 1ull << 32;
}

/* A PTE write at CPL3: nothing next to the ~60 us of a fault delivered
 * through CPL0 on a nested host, or the exception on bare metal. */
bool plat_hostmem_map_is_cheap(void)
{
	return true;
}

int plat_fault_route(bool (*fn)(struct plat_fault *f))
{
	if (!bm.l4_next)
		return -EINVAL; /* nothing reserved: no fault can be ours */
	bm.fault_fn = fn;
	bm_route_lo = (uint64_t)BM_L4_RESV_FIRST << 39;
	bm_route_len = (uint64_t)(bm.l4_next - BM_L4_RESV_FIRST) << 39;
	return 0;
}

/* The engine's VM is discarded after its run: nothing to give back. */
void plat_hostmem_release(void)
{
	bm_route_len = 0;
	bm.fault_fn = NULL;
}

void bm_upcall_dispatch(void)
{
	struct plat_fault f = {
		.pc = bm_upcall_rip,
		.addr = bm_upcall_cr2,
		.write = bm_upcall_err & 2,
	};
	if (bm.fault_fn && bm.fault_fn(&f)) {
		bm_upcall_rip = f.pc;
		return;
	}
	bm_route_len = 0; /* not ours: the retry takes fault.S's crash path */
}
