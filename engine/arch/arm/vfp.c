/*
 * VFPv3 arithmetic as integer soft-float, following the ARM ARM pseudocode
 * (DDI 0406C, A2.7 and appendix "Pseudocode definitions": FPUnpack,
 * FPProcessNaNs, FPRound, FPAdd ... FPToFixed). Each operation computes its
 * exact result as mant * 2^exp plus a sticky bit for anything below mant,
 * and hands it to the one rounding function, so tininess is detected before
 * rounding and flush-to-zero looks at the unrounded exponent, as ARM does.
 * The common case of normal operands and results takes an exact SSE fast
 * path (fp_fast below).
 */
#include "engine/rt.h"
#include "arm/vfp.h"

struct vfp_fmt {
	unsigned ebits, fbits;
	int bias;
};

static const struct vfp_fmt fmt16 = { 5, 10, 15 };
static const struct vfp_fmt fmt32 = { 8, 23, 127 };
static const struct vfp_fmt fmt64 = { 11, 52, 1023 };

enum fp_type { FP_ZERO, FP_NONZERO, FP_INF, FP_QNAN, FP_SNAN };

/* An unpacked operand: value = (-1)^sign * mant * 2^exp when FP_NONZERO. */
struct fp_num {
	enum fp_type type;
	bool sign;
	int exp;
	uint64_t mant;
};

/* The FPSCR an operation runs under (rounding mode possibly overridden) and
 * the exception flags it raises, or-ed into the real FPSCR at the end. */
struct fp_ctx {
	uint32_t fpscr;
	uint32_t flags;
};

static uint64_t fmt_emax(const struct vfp_fmt *f)
{
	return (1ull << f->ebits) - 1;
}

static uint64_t fp_sign_bit(bool sign, const struct vfp_fmt *f)
{
	return (uint64_t)sign << (f->ebits + f->fbits);
}

static uint64_t fp_zero(bool sign, const struct vfp_fmt *f)
{
	return fp_sign_bit(sign, f);
}

static uint64_t fp_inf(bool sign, const struct vfp_fmt *f)
{
	return fp_sign_bit(sign, f) | (fmt_emax(f) << f->fbits);
}

static uint64_t fp_max_normal(bool sign, const struct vfp_fmt *f)
{
	return fp_sign_bit(sign, f) | ((fmt_emax(f) - 1) << f->fbits) | ((1ull << f->fbits) - 1);
}

static uint64_t fp_default_nan(const struct vfp_fmt *f)
{
	return (fmt_emax(f) << f->fbits) | (1ull << (f->fbits - 1));
}

static bool fp_is_nan(const struct fp_num *x)
{
	return x->type == FP_QNAN || x->type == FP_SNAN;
}

static enum vfp_rmode ctx_rmode(const struct fp_ctx *c)
{
	return (enum vfp_rmode)((c->fpscr >> FPSCR_RMODE_SHIFT) & 3);
}

static void ctx_set_rmode(struct fp_ctx *c, enum vfp_rmode m)
{
	c->fpscr = (c->fpscr & ~(3u << FPSCR_RMODE_SHIFT)) | ((uint32_t)m << FPSCR_RMODE_SHIFT);
}

/* FPUnpack: input denormals flush to zero under FZ (IDC), except halves;
 * halves under AHP have no infinities or NaNs. */
static struct fp_num fp_unpack(struct fp_ctx *c, uint64_t bits, const struct vfp_fmt *f)
{
	struct fp_num x = { .sign = (bits >> (f->ebits + f->fbits)) & 1 };
	uint64_t exp = (bits >> f->fbits) & fmt_emax(f);
	uint64_t frac = bits & ((1ull << f->fbits) - 1);
	bool half = f == &fmt16;

	if (exp == 0) {
		if (frac == 0 || (!half && (c->fpscr & FPSCR_FZ))) {
			x.type = FP_ZERO;
			if (frac)
				c->flags |= FPSCR_IDC;
		} else {
			x.type = FP_NONZERO;
			x.mant = frac;
			x.exp = 1 - f->bias - (int)f->fbits;
		}
	} else if (exp == fmt_emax(f) && !(half && (c->fpscr & FPSCR_AHP))) {
		if (frac == 0)
			x.type = FP_INF;
		else
			x.type = (frac >> (f->fbits - 1)) & 1 ? FP_QNAN : FP_SNAN;
	} else {
		x.type = FP_NONZERO;
		x.mant = frac | (1ull << f->fbits);
		x.exp = (int)exp - f->bias - (int)f->fbits;
	}
	return x;
}

/* FPProcessNaN: quiet a signalling NaN (IOC), or the default NaN under DN. */
static uint64_t fp_process_nan(struct fp_ctx *c, const struct fp_num *x, uint64_t bits,
			       const struct vfp_fmt *f)
{
	if (x->type == FP_SNAN) {
		c->flags |= FPSCR_IOC;
		bits |= 1ull << (f->fbits - 1);
	}
	return (c->fpscr & FPSCR_DN) ? fp_default_nan(f) : bits;
}

/* FPProcessNaNs: signalling NaNs first, then quiet ones, operand order. */
static bool fp_process_nans(struct fp_ctx *c, const struct fp_num *x, uint64_t a,
			    const struct fp_num *y, uint64_t b, const struct vfp_fmt *f,
			    uint64_t *out)
{
	if (x->type == FP_SNAN)
		*out = fp_process_nan(c, x, a, f);
	else if (y->type == FP_SNAN)
		*out = fp_process_nan(c, y, b, f);
	else if (x->type == FP_QNAN)
		*out = fp_process_nan(c, x, a, f);
	else if (y->type == FP_QNAN)
		*out = fp_process_nan(c, y, b, f);
	else
		return false;
	return true;
}

/*
 * FPRound of the exact value (-1)^sign * (mant + s) * 2^exp, mant != 0,
 * 0 <= s < 1 and s != 0 iff sticky.
 */
static uint64_t fp_round(struct fp_ctx *c, bool sign, int exp, uint64_t mant, bool sticky,
			 const struct vfp_fmt *f)
{
	int lz = __builtin_clzll(mant);
	int min_exp = 1 - f->bias;
	unsigned F = f->fbits;
	enum vfp_rmode rm = ctx_rmode(c);

	mant <<= lz;
	exp -= lz;
	/* Now value = 1.fff * 2^e with the leading one in bit 63. */
	int e = exp + 63;
	if ((c->fpscr & FPSCR_FZ) && f != &fmt16 && e < min_exp) {
		c->flags |= FPSCR_UFC;
		return fp_zero(sign, f);
	}

	int biased = e - min_exp + 1;
	unsigned shift = 63 - F;
	if (biased <= 0) {
		shift += (unsigned)(min_exp - e);
		biased = 0;
	}
	uint64_t int_mant;
	bool half, lower;
	if (shift >= 64) {
		int_mant = 0;
		half = shift == 64 && (mant >> 63);
		lower = (shift == 64 ? (mant << 1) != 0 : true) || sticky;
	} else {
		int_mant = mant >> shift;
		half = (mant >> (shift - 1)) & 1;
		lower = (mant & ((1ull << (shift - 1)) - 1)) != 0 || sticky;
	}
	bool inexact = half || lower;
	if (biased == 0 && inexact)
		c->flags |= FPSCR_UFC;

	bool up, overflow_to_inf;
	switch (rm) {
	case VFP_RN:
		up = half && (lower || (int_mant & 1));
		overflow_to_inf = true;
		break;
	case VFP_RP:
		up = inexact && !sign;
		overflow_to_inf = !sign;
		break;
	case VFP_RM:
		up = inexact && sign;
		overflow_to_inf = sign;
		break;
	default:
		up = false;
		overflow_to_inf = false;
		break;
	}
	if (up) {
		int_mant++;
		if (int_mant == (1ull << F)) /* a denormal rounded up to the smallest normal */
			biased = 1;
		if (int_mant == (2ull << F)) {
			biased++;
			int_mant >>= 1;
		}
	}

	uint64_t r;
	if (f != &fmt16 || !(c->fpscr & FPSCR_AHP)) {
		if ((uint64_t)biased >= fmt_emax(f)) {
			r = overflow_to_inf ? fp_inf(sign, f) : fp_max_normal(sign, f);
			c->flags |= FPSCR_OFC;
			inexact = true;
		} else {
			r = fp_sign_bit(sign, f) | ((uint64_t)biased << F) | (int_mant & ((1ull << F) - 1));
		}
	} else if ((uint64_t)biased > fmt_emax(f)) { /* alternative half precision */
		r = fp_sign_bit(sign, f) | 0x7fffu;
		c->flags |= FPSCR_IOC;
		inexact = false;
	} else {
		r = fp_sign_bit(sign, f) | ((uint64_t)biased << F) | (int_mant & ((1ull << F) - 1));
	}
	if (inexact)
		c->flags |= FPSCR_IXC;
	return r;
}

/* Shift m right by n, folding what falls off into *sticky. */
static uint64_t shr_sticky(uint64_t m, unsigned n, bool *sticky)
{
	if (n == 0)
		return m;
	if (n >= 64) {
		*sticky |= m != 0;
		return 0;
	}
	*sticky |= (m & ((1ull << n) - 1)) != 0;
	return m >> n;
}

/* The exact sum of two finite values (mantissa 0 for a zero), rounded. */
static uint64_t fp_add_finite(struct fp_ctx *c, const struct fp_num *x, const struct fp_num *y,
			      bool ysign, const struct vfp_fmt *f)
{
	struct fp_num a = *x, b = *y;
	bool sticky = false, sign;
	uint64_t m;

	b.sign = ysign;
	if (a.type == FP_ZERO && b.type == FP_ZERO) {
		if (a.sign == b.sign)
			return fp_zero(a.sign, f);
		return fp_zero(ctx_rmode(c) == VFP_RM, f);
	}
	if (a.type == FP_ZERO)
		return fp_round(c, b.sign, b.exp, b.mant, false, f);
	if (b.type == FP_ZERO)
		return fp_round(c, a.sign, a.exp, a.mant, false, f);

	/* Leading ones at bit 61: room for the carry of the sum. */
	int la = __builtin_clzll(a.mant) - 2, lb = __builtin_clzll(b.mant) - 2;
	a.mant <<= la;
	a.exp -= la;
	b.mant <<= lb;
	b.exp -= lb;
	if (b.exp > a.exp || (b.exp == a.exp && b.mant > a.mant)) {
		struct fp_num t = a;
		a = b;
		b = t;
	}
	b.mant = shr_sticky(b.mant, (unsigned)(a.exp - b.exp), &sticky);
	sign = a.sign;
	if (a.sign == b.sign) {
		m = a.mant + b.mant;
	} else {
		/* a > b + sticky here, so this borrows at most into a's bits. */
		m = a.mant - b.mant - (sticky ? 1 : 0);
		if (m == 0 && !sticky)
			return fp_zero(ctx_rmode(c) == VFP_RM, f);
	}
	return fp_round(c, sign, a.exp, m, sticky, f);
}

/*
 * Fast path. Where the operands are normal numbers and the result is a
 * normal number above the smallest binade, the host's IEEE arithmetic gives
 * ARM's result bit for bit (no NaN, no flushing, no tininess question), and
 * the only exception either side can raise is Inexact. So when FPSCR says
 * round-to-nearest and IXC is already set (cumulative: almost always, once a
 * program has done any inexact arithmetic), SSE computes the result and there
 * is no flag to find out. The engine runs with the host's default MXCSR
 * (round to nearest, exceptions masked, no FTZ/DAZ): the kvm backend loads
 * exactly that, the hosted engine thread inherits it. Anything else takes the
 * soft-float path.
 */
enum sse_op { SSE_ADD, SSE_SUB, SSE_MUL, SSE_DIV, SSE_SQRT };

static bool fast_operand(uint64_t bits, const struct vfp_fmt *f)
{
	uint64_t e = (bits >> f->fbits) & fmt_emax(f);
	return e != 0 && e != fmt_emax(f);
}

static bool fast_result(uint64_t bits, const struct vfp_fmt *f)
{
	uint64_t e = (bits >> f->fbits) & fmt_emax(f);
	return e > 1 && e != fmt_emax(f);
}

static uint64_t sse_arith(enum sse_op op, bool dp, uint64_t a, uint64_t b)
{
	if (dp) {
		double x, y;
		uint64_t r;
		__builtin_memcpy(&x, &a, 8);
		__builtin_memcpy(&y, &b, 8);
		switch (op) {
		case SSE_ADD: __asm__("addsd %1, %0" : "+x"(x) : "x"(y)); break;
		case SSE_SUB: __asm__("subsd %1, %0" : "+x"(x) : "x"(y)); break;
		case SSE_MUL: __asm__("mulsd %1, %0" : "+x"(x) : "x"(y)); break;
		case SSE_DIV: __asm__("divsd %1, %0" : "+x"(x) : "x"(y)); break;
		default: __asm__("sqrtsd %0, %0" : "+x"(x)); break;
		}
		__builtin_memcpy(&r, &x, 8);
		return r;
	}
	float x, y;
	uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b, r32;
	__builtin_memcpy(&x, &a32, 4);
	__builtin_memcpy(&y, &b32, 4);
	switch (op) {
	case SSE_ADD: __asm__("addss %1, %0" : "+x"(x) : "x"(y)); break;
	case SSE_SUB: __asm__("subss %1, %0" : "+x"(x) : "x"(y)); break;
	case SSE_MUL: __asm__("mulss %1, %0" : "+x"(x) : "x"(y)); break;
	case SSE_DIV: __asm__("divss %1, %0" : "+x"(x) : "x"(y)); break;
	default: __asm__("sqrtss %0, %0" : "+x"(x)); break;
	}
	__builtin_memcpy(&r32, &x, 4);
	return r32;
}

/* Try the fast path; true with *out set when it applies. */
static bool fp_fast(const struct fp_ctx *c, enum sse_op op, uint64_t a, uint64_t b,
		    const struct vfp_fmt *f, uint64_t *out)
{
	const uint32_t mode = (3u << FPSCR_RMODE_SHIFT) | FPSCR_IXC;

	if ((c->fpscr & mode) != (((uint32_t)VFP_RN << FPSCR_RMODE_SHIFT) | FPSCR_IXC) ||
	    !fast_operand(a, f) || (op != SSE_SQRT && !fast_operand(b, f)))
		return false;
	*out = sse_arith(op, f == &fmt64, a, b);
	return fast_result(*out, f);
}

static uint64_t fp_add(struct fp_ctx *c, uint64_t a, uint64_t b, bool negate_b,
		       const struct vfp_fmt *f)
{
	uint64_t r;

	if (fp_fast(c, negate_b ? SSE_SUB : SSE_ADD, a, b, f, &r))
		return r;

	struct fp_num x = fp_unpack(c, a, f), y = fp_unpack(c, b, f);
	bool ysign = y.sign ^ negate_b;

	if (fp_process_nans(c, &x, a, &y, b, f, &r))
		return r;
	bool inf1 = x.type == FP_INF, inf2 = y.type == FP_INF;
	if (inf1 && inf2 && x.sign != ysign) {
		c->flags |= FPSCR_IOC;
		return fp_default_nan(f);
	}
	if (inf1)
		return fp_inf(x.sign, f);
	if (inf2)
		return fp_inf(ysign, f);
	return fp_add_finite(c, &x, &y, ysign, f);
}

static uint64_t fp_mul(struct fp_ctx *c, uint64_t a, uint64_t b, const struct vfp_fmt *f)
{
	uint64_t r;

	if (fp_fast(c, SSE_MUL, a, b, f, &r))
		return r;

	struct fp_num x = fp_unpack(c, a, f), y = fp_unpack(c, b, f);
	bool sign = x.sign ^ y.sign, sticky = false;

	if (fp_process_nans(c, &x, a, &y, b, f, &r))
		return r;
	if ((x.type == FP_INF && y.type == FP_ZERO) || (x.type == FP_ZERO && y.type == FP_INF)) {
		c->flags |= FPSCR_IOC;
		return fp_default_nan(f);
	}
	if (x.type == FP_INF || y.type == FP_INF)
		return fp_inf(sign, f);
	if (x.type == FP_ZERO || y.type == FP_ZERO)
		return fp_zero(sign, f);

	unsigned __int128 p = (unsigned __int128)x.mant * y.mant;
	uint64_t hi = (uint64_t)(p >> 64), lo = (uint64_t)p;
	int exp = x.exp + y.exp;
	if (hi) {
		unsigned s = 64 - (unsigned)__builtin_clzll(hi);
		if (s == 64) {
			sticky = lo != 0;
			lo = hi;
		} else {
			sticky = (lo & ((1ull << s) - 1)) != 0;
			lo = (lo >> s) | (hi << (64 - s));
		}
		exp += (int)s;
	}
	return fp_round(c, sign, exp, lo, sticky, f);
}

/* (hi:lo) / d with hi < d: quotient and remainder (x86-64 divq). */
static uint64_t div128(uint64_t hi, uint64_t lo, uint64_t d, uint64_t *rem)
{
	uint64_t q, r;

	__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(lo), "d"(hi), "rm"(d) : "cc");
	*rem = r;
	return q;
}

static uint64_t fp_div(struct fp_ctx *c, uint64_t a, uint64_t b, const struct vfp_fmt *f)
{
	uint64_t r, rem;

	if (fp_fast(c, SSE_DIV, a, b, f, &r))
		return r;

	struct fp_num x = fp_unpack(c, a, f), y = fp_unpack(c, b, f);
	bool sign = x.sign ^ y.sign;

	if (fp_process_nans(c, &x, a, &y, b, f, &r))
		return r;
	if ((x.type == FP_INF && y.type == FP_INF) || (x.type == FP_ZERO && y.type == FP_ZERO)) {
		c->flags |= FPSCR_IOC;
		return fp_default_nan(f);
	}
	if (x.type == FP_INF || y.type == FP_ZERO) {
		if (x.type != FP_INF)
			c->flags |= FPSCR_DZC;
		return fp_inf(sign, f);
	}
	if (x.type == FP_ZERO || y.type == FP_INF)
		return fp_zero(sign, f);

	/* Dividend's leading one at bit 62, divisor's at 63: the quotient of
	 * dividend * 2^64 fits 64 bits and has at least 63 significant ones. */
	int la = __builtin_clzll(x.mant) - 1, lb = __builtin_clzll(y.mant);
	uint64_t q = div128(x.mant << la, 0, y.mant << lb, &rem);
	return fp_round(c, sign, x.exp - la - (y.exp - lb) - 64, q, rem != 0, f);
}

static uint64_t fp_sqrt(struct fp_ctx *c, uint64_t a, const struct vfp_fmt *f)
{
	uint64_t r;

	if (!(a >> (f->ebits + f->fbits)) && fp_fast(c, SSE_SQRT, a, 0, f, &r))
		return r;

	struct fp_num x = fp_unpack(c, a, f);

	if (fp_is_nan(&x))
		return fp_process_nan(c, &x, a, f);
	if (x.type == FP_ZERO)
		return fp_zero(x.sign, f);
	if (x.type == FP_INF && !x.sign)
		return fp_inf(false, f);
	if (x.sign) {
		c->flags |= FPSCR_IOC;
		return fp_default_nan(f);
	}

	int lz = __builtin_clzll(x.mant);
	uint64_t m = x.mant << lz;
	int exp = x.exp - lz;
	if (exp & 1) { /* the low bits are zero: nothing is lost */
		m >>= 1;
		exp++;
	}
	/* Integer square root of m * 2^64, digit by digit. */
	unsigned __int128 rad = (unsigned __int128)m << 64, root = 0;
	unsigned __int128 bit = (unsigned __int128)1 << 126;
	while (bit > rad)
		bit >>= 2;
	while (bit) {
		if (rad >= root + bit) {
			rad -= root + bit;
			root = (root >> 1) + bit;
		} else {
			root >>= 1;
		}
		bit >>= 2;
	}
	return fp_round(c, false, (exp - 64) / 2, (uint64_t)root, rad != 0, f);
}

/* FPCompare: NZCV in bits 31:28. */
static uint32_t fp_compare(struct fp_ctx *c, uint64_t a, uint64_t b, bool quiet_nan_exc,
			   const struct vfp_fmt *f)
{
	struct fp_num x = fp_unpack(c, a, f), y = fp_unpack(c, b, f);

	if (fp_is_nan(&x) || fp_is_nan(&y)) {
		if (x.type == FP_SNAN || y.type == FP_SNAN || quiet_nan_exc)
			c->flags |= FPSCR_IOC;
		return 0x30000000u;
	}
	/* Order the encodings after flushing: sign-magnitude compare. */
	int sx = x.type == FP_ZERO ? 0 : x.sign ? -1 : 1;
	int sy = y.type == FP_ZERO ? 0 : y.sign ? -1 : 1;
	int cmp;
	if (sx != sy) {
		cmp = sx < sy ? -1 : 1;
	} else if (sx == 0) {
		cmp = 0;
	} else {
		/* Same sign, both non-zero: magnitudes (infinity is largest). */
		uint64_t ma = a & ~fp_sign_bit(true, f), mb = b & ~fp_sign_bit(true, f);
		if (x.type == FP_INF)
			ma = ~0ull;
		if (y.type == FP_INF)
			mb = ~0ull;
		cmp = ma == mb ? 0 : ma < mb ? -1 : 1;
		if (sx < 0)
			cmp = -cmp;
	}
	return cmp == 0 ? 0x60000000u : cmp < 0 ? 0x80000000u : 0x20000000u;
}

/* FPToFixed: value * 2^fbits to a size-bit integer, saturating (IOC). */
static uint64_t fp_to_fixed(struct fp_ctx *c, uint64_t a, unsigned fbits, unsigned size,
			    bool is_unsigned, const struct vfp_fmt *f)
{
	struct fp_num x = fp_unpack(c, a, f);
	uint64_t mag = 0;
	bool half = false, lower = false, overflow = false;

	if (fp_is_nan(&x))
		c->flags |= FPSCR_IOC;
	if (x.type == FP_INF) {
		overflow = true;
	} else if (x.type == FP_NONZERO) {
		int e = x.exp + (int)fbits;
		if (e >= 0) {
			if (64 - __builtin_clzll(x.mant) + e > 62)
				overflow = true;
			else
				mag = x.mant << e;
		} else {
			unsigned s = (unsigned)-e;
			mag = s < 64 ? x.mant >> s : 0;
			half = s - 1 < 64 && ((x.mant >> (s - 1)) & 1);
			lower = s - 1 >= 64 ? x.mant != 0 : (x.mant & ((1ull << (s - 1)) - 1)) != 0;
		}
	}
	bool inexact = half || lower;
	if (!overflow) {
		bool up;
		switch (ctx_rmode(c)) {
		case VFP_RN: up = half && (lower || (mag & 1)); break;
		case VFP_RP: up = inexact && !x.sign; break;
		case VFP_RM: up = inexact && x.sign; break;
		default: up = false; break;
		}
		mag += up;
	}

	int64_t lo = is_unsigned ? 0 : -((int64_t)1 << (size - 1));
	int64_t hi = is_unsigned ? (int64_t)((1ull << size) - 1) : ((int64_t)1 << (size - 1)) - 1;
	int64_t v;
	if (overflow) {
		v = x.sign ? lo : hi;
	} else {
		v = x.sign ? -(int64_t)mag : (int64_t)mag;
		if (v < lo) {
			v = lo;
			overflow = true;
		} else if (v > hi) {
			v = hi;
			overflow = true;
		}
	}
	if (overflow)
		c->flags |= FPSCR_IOC;
	else if (inexact)
		c->flags |= FPSCR_IXC;
	return (uint64_t)v;
}

/* FixedToFP: an integer (already extended to 64 bits) / 2^fbits. */
static uint64_t fp_from_fixed(struct fp_ctx *c, int64_t v, bool is_unsigned, unsigned fbits,
			      const struct vfp_fmt *f)
{
	uint64_t mag;
	bool sign = false;

	if (v == 0)
		return fp_zero(false, f);
	if (!is_unsigned && v < 0) {
		sign = true;
		mag = (uint64_t)-v;
	} else {
		mag = (uint64_t)v;
	}
	return fp_round(c, sign, -(int)fbits, mag, false, f);
}

/* FPSingleToDouble, FPDoubleToSingle, FPHalfToSingle, FPSingleToHalf. */
static uint64_t fp_convert(struct fp_ctx *c, uint64_t a, const struct vfp_fmt *from,
			   const struct vfp_fmt *to)
{
	struct fp_num x = fp_unpack(c, a, from);
	bool ahp = to == &fmt16 && (c->fpscr & FPSCR_AHP);

	if (fp_is_nan(&x)) {
		uint64_t r;
		if (ahp) {
			r = fp_zero(x.sign, to);
		} else if (c->fpscr & FPSCR_DN) {
			r = fp_default_nan(to);
		} else {
			/* Sign, quiet, and the top of the payload. */
			uint64_t payload = a & ((1ull << (from->fbits - 1)) - 1);
			if (from->fbits > to->fbits)
				payload >>= from->fbits - to->fbits;
			else
				payload <<= to->fbits - from->fbits;
			r = fp_inf(x.sign, to) | (1ull << (to->fbits - 1)) | payload;
		}
		if (x.type == FP_SNAN || ahp)
			c->flags |= FPSCR_IOC;
		return r;
	}
	if (x.type == FP_INF) {
		if (ahp) {
			c->flags |= FPSCR_IOC;
			return fp_sign_bit(x.sign, to) | 0x7fffu;
		}
		return fp_inf(x.sign, to);
	}
	if (x.type == FP_ZERO)
		return fp_zero(x.sign, to);
	return fp_round(c, x.sign, x.exp, x.mant, false, to);
}

static uint64_t fp_neg(uint64_t a, const struct vfp_fmt *f)
{
	return a ^ fp_sign_bit(true, f);
}

uint64_t vfp_fop(struct arm_vfp *v, unsigned op, uint64_t a, uint64_t b, uint64_t cc)
{
	struct fp_ctx c = { .fpscr = v->fpscr, .flags = 0 };
	const struct vfp_fmt *f = (op & VFP_OP_DP) ? &fmt64 : &fmt32;
	uint64_t mask = (op & VFP_OP_DP) ? ~0ull : 0xffffffffull, r;

	a &= mask;
	b &= mask;
	cc &= mask;
	switch (op & ~VFP_OP_DP) {
	case VFP_ADD: r = fp_add(&c, a, b, false, f); break;
	case VFP_SUB: r = fp_add(&c, a, b, true, f); break;
	case VFP_MUL: r = fp_mul(&c, a, b, f); break;
	case VFP_NMUL: r = fp_neg(fp_mul(&c, a, b, f), f); break;
	case VFP_DIV: r = fp_div(&c, a, b, f); break;
	case VFP_MLA: r = fp_add(&c, cc, fp_mul(&c, a, b, f), false, f); break;
	case VFP_MLS: r = fp_add(&c, cc, fp_neg(fp_mul(&c, a, b, f), f), false, f); break;
	case VFP_NMLA:
		r = fp_add(&c, fp_neg(cc, f), fp_neg(fp_mul(&c, a, b, f), f), false, f);
		break;
	case VFP_NMLS: r = fp_add(&c, fp_neg(cc, f), fp_mul(&c, a, b, f), false, f); break;
	case VFP_SQRT: r = fp_sqrt(&c, a, f); break;
	case VFP_ABS: r = a & ~fp_sign_bit(true, f); break;
	case VFP_NEG: r = fp_neg(a, f); break;
	case VFP_CMP:
	case VFP_CMPE: {
		uint32_t nzcv = fp_compare(&c, a, b, (op & ~VFP_OP_DP) == VFP_CMPE, f);
		v->fpscr = (v->fpscr & ~FPSCR_NZCV) | nzcv;
		r = nzcv;
		break;
	}
	case VFP_CVT_FD:
		r = (op & VFP_OP_DP) ? fp_convert(&c, a, &fmt64, &fmt32) : fp_convert(&c, a, &fmt32, &fmt64);
		break;
	case VFP_TO_SINT: r = (uint32_t)fp_to_fixed(&c, a, 0, 32, false, f); break;
	case VFP_TO_UINT: r = (uint32_t)fp_to_fixed(&c, a, 0, 32, true, f); break;
	case VFP_TO_SINT_Z:
		ctx_set_rmode(&c, VFP_RZ);
		r = (uint32_t)fp_to_fixed(&c, a, 0, 32, false, f);
		break;
	case VFP_TO_UINT_Z:
		ctx_set_rmode(&c, VFP_RZ);
		r = (uint32_t)fp_to_fixed(&c, a, 0, 32, true, f);
		break;
	case VFP_FROM_SINT: r = fp_from_fixed(&c, (int32_t)a, false, 0, f); break;
	case VFP_FROM_UINT: r = fp_from_fixed(&c, (int64_t)(uint32_t)a, true, 0, f); break;
	case VFP_TO_SFIX:
	case VFP_TO_UFIX:
		ctx_set_rmode(&c, VFP_RZ);
		r = fp_to_fixed(&c, a, (unsigned)b, (unsigned)cc, (op & ~VFP_OP_DP) == VFP_TO_UFIX, f) & mask;
		break;
	case VFP_FROM_SFIX: {
		unsigned size = (unsigned)cc;
		int64_t val = size == 16 ? (int16_t)a : (int32_t)a;
		ctx_set_rmode(&c, VFP_RN);
		r = fp_from_fixed(&c, val, false, (unsigned)b, f);
		break;
	}
	case VFP_FROM_UFIX: {
		unsigned size = (unsigned)cc;
		int64_t val = size == 16 ? (int64_t)(uint16_t)a : (int64_t)(uint32_t)a;
		ctx_set_rmode(&c, VFP_RN);
		r = fp_from_fixed(&c, val, true, (unsigned)b, f);
		break;
	}
	case VFP_H_TO_S: r = fp_convert(&c, a & 0xffff, &fmt16, &fmt32); break;
	case VFP_S_TO_H: r = fp_convert(&c, a, &fmt32, &fmt16); break;
	default:
		r = 0;
		break;
	}
	v->fpscr |= c.flags;
	return r;
}

uint32_t vfp_expand_imm(unsigned imm8, bool dp)
{
	uint32_t sign = (imm8 >> 7) & 1, b6 = (imm8 >> 6) & 1;

	if (dp) /* sign, NOT(b6), b6 x 8, imm8<5:0>, zeros: high word only */
		return (sign << 31) | ((b6 ^ 1) << 30) | ((b6 ? 0xffu : 0) << 22) | ((imm8 & 0x3fu) << 16);
	return (sign << 31) | ((b6 ^ 1) << 30) | ((b6 ? 0x1fu : 0) << 25) | ((imm8 & 0x3fu) << 19);
}

static uint64_t vec_read(const struct arm_vfp *v, unsigned r, bool dp)
{
	return dp ? v->d[r] : vfp_s_read(v, r);
}

static void vec_write(struct arm_vfp *v, unsigned r, bool dp, uint64_t val)
{
	if (dp)
		v->d[r] = val;
	else
		vfp_s_write(v, r, (uint32_t)val);
}

/* Next register of a short vector: wraps within the bank. */
static unsigned vec_next(unsigned r, unsigned stride, bool dp)
{
	unsigned m = dp ? 3 : 7;
	return (r & ~m) | ((r + stride) & m);
}

void vfp_short_vector(struct arm_vfp *v, unsigned op, unsigned d, unsigned n, unsigned m,
		      uint32_t imm)
{
	bool dp = op & VFP_OP_DP;
	unsigned kind = op & ~VFP_OP_DP, bank = dp ? 0xcu : 0x18u;
	unsigned len = ((v->fpscr & FPSCR_LEN) >> 16) + 1;
	/* Stride 0b11 is 2; 0b00 is 1 (0b01 and 0b10 are UNPREDICTABLE: 1). */
	unsigned stride = (v->fpscr & FPSCR_STRIDE) == FPSCR_STRIDE ? 2 : 1;
	bool m_vector = (m & bank) != 0;
	uint64_t immv = dp ? (uint64_t)imm << 32 : imm;

	if ((d & bank) == 0)
		len = 1;
	for (unsigned k = 0; k < len; k++) {
		uint64_t r;
		switch (kind) {
		case VFP_MOV_IMM: r = immv; break;
		case VFP_MOV: r = vec_read(v, m, dp); break;
		case VFP_SQRT:
		case VFP_ABS:
		case VFP_NEG: r = vfp_fop(v, op, vec_read(v, m, dp), 0, 0); break;
		default:
			r = vfp_fop(v, op, vec_read(v, n, dp), vec_read(v, m, dp), vec_read(v, d, dp));
			break;
		}
		vec_write(v, d, dp, r);
		d = vec_next(d, stride, dp);
		n = vec_next(n, stride, dp);
		if (m_vector)
			m = vec_next(m, stride, dp);
	}
}
