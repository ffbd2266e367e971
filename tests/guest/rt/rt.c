/*
 * Guest runtime: console, printf, exception dispatch, power-off, and the
 * string functions the compiler may call on its own.
 */
#include <stdarg.h>

#include "rt.h"

#define UART_DR 0x00u
#define UART_FR 0x18u
#define UART_FR_TXFF (1u << 5)

#define SYS_CFGDATA 0xA0u
#define SYS_CFGCTRL 0xA4u
/* start | write | function 8 (shutdown), site 0 (motherboard), device 0 */
#define SYS_CFGCTRL_SHUTDOWN 0xC0800000u

unsigned int rt_failures;

static void (*rt_handlers[RT_EXC_COUNT])(struct rt_frame *frame);

void rt_putc(char c)
{
	while (rt_read32(RT_UART0_BASE + UART_FR) & UART_FR_TXFF)
		;
	rt_write32(RT_UART0_BASE + UART_DR, (uint8_t)c);
}

void rt_puts(const char *s)
{
	while (*s)
		rt_putc(*s++);
}

struct fmt_spec {
	int width;
	int left;
	int plus;
	char pad;
};

static int emit_field(const struct fmt_spec *spec, const char *s, int len)
{
	int fill = spec->width > len ? spec->width - len : 0;
	int i;

	if (!spec->left)
		for (i = 0; i < fill; i++)
			rt_putc(spec->pad);
	for (i = 0; i < len; i++)
		rt_putc(s[i]);
	if (spec->left)
		for (i = 0; i < fill; i++)
			rt_putc(' ');
	return len + fill;
}

static int emit_number(const struct fmt_spec *spec, uint64_t v, unsigned int base, int upper,
		       int negative)
{
	char sign = negative ? '-' : spec->plus ? '+' : 0;
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int n = sizeof(buf);
	int out = 0;
	struct fmt_spec rest = *spec;

	do {
		buf[--n] = digits[v % base];
		v /= base;
	} while (v);
	if (sign) {
		/* The sign goes before zero padding, after space padding. */
		if (spec->pad == '0') {
			rt_putc(sign);
			out = 1;
			if (rest.width > 0)
				rest.width--;
		} else {
			buf[--n] = sign;
		}
	}
	return out + emit_field(&rest, buf + n, (int)sizeof(buf) - n);
}

static int rt_vprintf(const char *fmt, va_list ap)
{
	int count = 0;

	for (; *fmt; fmt++) {
		struct fmt_spec spec = { .width = 0, .left = 0, .plus = 0, .pad = ' ' };
		int longs = 0;
		uint64_t u;
		int64_t s;

		if (*fmt != '%') {
			rt_putc(*fmt);
			count++;
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				spec.pad = '0';
			else if (*fmt == '-')
				spec.left = 1;
			else if (*fmt == '+')
				spec.plus = 1;
			else
				break;
		}
		while (*fmt >= '0' && *fmt <= '9')
			spec.width = spec.width * 10 + (*fmt++ - '0');
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		if (spec.left)
			spec.pad = ' ';

		switch (*fmt) {
		case 'c': {
			char c = (char)va_arg(ap, int);

			count += emit_field(&spec, &c, 1);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);

			if (!str)
				str = "(null)";
			count += emit_field(&spec, str, (int)strlen(str));
			break;
		}
		case 'd':
		case 'i':
			if (longs >= 2)
				s = va_arg(ap, long long);
			else if (longs == 1)
				s = va_arg(ap, long);
			else
				s = va_arg(ap, int);
			u = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
			count += emit_number(&spec, u, 10, 0, s < 0);
			break;
		case 'u':
		case 'x':
		case 'X':
			if (longs >= 2)
				u = va_arg(ap, unsigned long long);
			else if (longs == 1)
				u = va_arg(ap, unsigned long);
			else
				u = va_arg(ap, unsigned int);
			count += emit_number(&spec, u, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0);
			break;
		case 'p':
			spec.width = 8;
			spec.pad = '0';
			count += emit_number(&spec, (uintptr_t)va_arg(ap, void *), 16, 0, 0);
			break;
		case '%':
			rt_putc('%');
			count++;
			break;
		case '\0':
			return count;
		default:
			/* Show the bad conversion rather than silently dropping it. */
			rt_putc('%');
			rt_putc(*fmt);
			count += 2;
			break;
		}
	}
	return count;
}

int rt_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void rt_check(const char *what, uint32_t got, uint32_t want)
{
	if (got == want) {
		rt_printf("PASS %s = %08x\n", what, (unsigned int)got);
	} else {
		rt_printf("FAIL %s = %08x, expected %08x\n", what, (unsigned int)got,
			  (unsigned int)want);
		rt_failures++;
	}
}

void rt_poweroff(void)
{
	rt_write32(RT_SYSREG_BASE + SYS_CFGDATA, 0);
	rt_write32(RT_SYSREG_BASE + SYS_CFGCTRL, SYS_CFGCTRL_SHUTDOWN);
	/* The shutdown request completes asynchronously; idle until it does. */
	for (;;)
		__asm__ volatile("cpsid if\n\twfi" ::: "memory");
}

void rt_set_handler(enum rt_exc kind, void (*fn)(struct rt_frame *frame))
{
	if ((unsigned int)kind < RT_EXC_COUNT)
		rt_handlers[kind] = fn;
}

static const char *const rt_exc_names[RT_EXC_COUNT] = {
	[0] = "reset",	       [RT_EXC_UND] = "undefined", [RT_EXC_SVC] = "svc",
	[RT_EXC_PABT] = "prefetch abort", [RT_EXC_DABT] = "data abort", [5] = "reserved",
	[RT_EXC_IRQ] = "irq",  [RT_EXC_FIQ] = "fiq",
};

/* Called by the exception stubs in start.S. */
void rt_exception_dispatch(uint32_t kind, struct rt_frame *frame);

void rt_exception_dispatch(uint32_t kind, struct rt_frame *frame)
{
	if (kind < RT_EXC_COUNT && rt_handlers[kind]) {
		rt_handlers[kind](frame);
		return;
	}
	rt_printf("UNEXPECTED %s exception at pc=%08x spsr=%08x\n",
		  kind < RT_EXC_COUNT ? rt_exc_names[kind] : "unknown", (unsigned int)frame->pc,
		  (unsigned int)frame->spsr);
	rt_poweroff();
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d < s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}
