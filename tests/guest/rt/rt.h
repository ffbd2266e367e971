/*
 * Tiny bare-metal runtime for the vexpress-a9 guest test programs: start-up,
 * PL011 console output, a small printf, exception dispatch and power-off.
 *
 * Everything a program prints is its result: the same program run under QEMU
 * and under captive must produce the same bytes, so nothing printed may depend
 * on timing or on memory the program did not initialise.
 */
#ifndef GUEST_RT_H
#define GUEST_RT_H

#include <stddef.h>
#include <stdint.h>

/* Board addresses (vexpress-a9, legacy motherboard map). */
#define RT_UART0_BASE 0x10009000u
#define RT_SYSREG_BASE 0x10000000u
#define RT_SP804_0_BASE 0x10011000u
#define RT_GICD_BASE 0x1E001000u
#define RT_GICC_BASE 0x1E000100u

/* CPSR fields the programs' handlers change. */
#define RT_MODE_SVC 0x13u
#define RT_PSR_MODE_MASK 0x1Fu
#define RT_PSR_F (1u << 6)
#define RT_PSR_I (1u << 7)

/* Exception kinds: the vector number (offset / 4) of each exception. */
enum rt_exc {
	RT_EXC_UND = 1,
	RT_EXC_SVC = 2,
	RT_EXC_PABT = 3,
	RT_EXC_DABT = 4,
	RT_EXC_IRQ = 6,
	RT_EXC_FIQ = 7,
	RT_EXC_COUNT = 8,
};

/*
 * The interrupted context as the exception stubs save it. pc is the address
 * of the instruction that took the exception (UND, SVC, prefetch and data
 * abort) or of the instruction to resume (IRQ, FIQ): a handler that wants to
 * skip the faulting instruction adds 4. Handlers may change any field; the
 * stub restores all of them, spsr included, on return.
 */
struct rt_frame {
	uint32_t pad;
	uint32_t spsr;
	uint32_t r[13];
	uint32_t pc;
};

/*
 * Install fn for exceptions of kind kind; NULL restores the default handler,
 * which prints the exception and powers the board off so that an unexpected
 * exception still ends the run with a visible diff.
 */
void rt_set_handler(enum rt_exc kind, void (*fn)(struct rt_frame *frame));

/* Entry point of the program proper, in SVC mode with IRQ and FIQ masked. */
int main(void);

/* Console: bytes go to UART0 unchanged (no \n to \r\n translation). */
void rt_putc(char c);
void rt_puts(const char *s);

/*
 * printf subset: %c %s %d %i %u %x %X %p %%, flags '0', '-' and '+', a field
 * width, and the length modifiers l and ll.
 */
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Power the board off through the V2M SYS_CFGCTRL shutdown function; never returns. */
__attribute__((noreturn)) void rt_poweroff(void);

/* Reporting helpers: one line per check, so a wrong value shows in a diff. */
void rt_check(const char *what, uint32_t got, uint32_t want);
/* Number of rt_check calls whose value differed from the expectation. */
extern unsigned int rt_failures;

/* MMIO accessors: volatile so that the compiler keeps every access. */
static inline uint32_t rt_read32(uint32_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void rt_write32(uint32_t addr, uint32_t val)
{
	*(volatile uint32_t *)addr = val;
}

static inline uint32_t rt_get_cpsr(void)
{
	uint32_t v;

	__asm__ volatile("mrs %0, cpsr" : "=r"(v));
	return v;
}

/* The vector table the runtime installs in VBAR at start-up. */
extern const uint32_t rt_vectors[];

/* Freestanding string functions (the compiler may call them implicitly). */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
