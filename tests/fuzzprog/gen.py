#!/usr/bin/env python3
"""Random bare-metal ARMv7-A programs for the vexpress-a9 board.

    tests/fuzzprog/gen.py SEED [-o prog.S]

Writes one program (GNU assembler, unified syntax) from SEED; the same seed
always gives the same program. It is linked with the runtime of this folder
(rt.S, fprt.c, fuzzprog.ld), which dumps the architectural state over the
UART at every exception entry and at the end; run.py runs the programs under
QEMU and under every captive engine build and compares the transcripts.

What a program is made of (each program draws its own proportions):
  - straight-line A32 and T32 code: data processing with every operand form,
    multiplies, bit-field, saturating, packing and SIMD-in-GPR instructions,
    APSR moves, loads and stores of every size and addressing mode over a
    scratch buffer, LDM/STM, PUSH/POP, SWP, LDREX/STREX pairs, hints,
    barriers and SETEND; A32 conditional execution, T32 IT blocks;
  - forward branches (B<c>, CBZ/CBNZ, IT-conditional branches), bounded
    loops (backward branches), calls and returns between A32 and T32
    functions (BL, BLX immediate and register, BX LR, MOV PC, LR, POP {pc},
    LDR pc, [sp], #4, LDM), jump tables through LDR pc, state changes by BX;
  - exceptions: UDF, absent coprocessors, VFP while it is disabled,
    privileged CP15 from User mode, SVC, alignment faults (SCTLR.A),
    translation, permission (read-only, privileged-only, LDRT/STRT) and
    domain faults, prefetch aborts by calling unmapped and execute-never
    addresses;
  - the MMU on or off for a whole program, or toggled; SCTLR.A toggled;
    DACR toggled; an alias remapped with TLB maintenance;
  - self-modifying code: a new instruction stored over one that may already
    have run, then the cache maintenance the architecture requires (inline
    in System mode, by an SVC service in User mode), then executed.

Only architecturally defined behaviour is generated, so that the oracle
(QEMU) and every correct implementation must agree. The rules kept for that,
with the ARM ARM (DDI 0406C) reason:
  - no LDM with writeback and the base in the list, no STM with writeback
    and the base in the list, no load/store writeback with Rn == Rt, no
    LDRD writeback onto Rt/Rt2 (UNPREDICTABLE, A8.8.58 LDM, A8.8.199 STM,
    A8.8.62 LDR, A8.8.72 LDRD);
  - no SP or PC where the instruction's page makes it UNPREDICTABLE (most
    T32 data processing, register-shifted registers, multiplies, RdHi ==
    RdLo in long multiplies: A8.8.*);
  - no unaligned access while the MMU is off (memory is Strongly-ordered
    then, and an unaligned access to it is UNPREDICTABLE, A3.5.6 / B3.2.1),
    none with the MMU state unknown, and never for LDRD/LDM/STM/exclusives;
  - LDREX/STREX in matched, unconditional pairs of one size and address
    with no store between (whether a mismatched STREX succeeds is
    IMPLEMENTATION DEFINED, A3.4.5);
  - no SETEND, exclusives, barriers or faulting instructions inside IT
    blocks (SETEND there is UNPREDICTABLE, A8.8.156; and a fault in an IT
    block would need the handler to advance ITSTATE);
  - no YIELD/WFE and no ISB inside IT blocks (tests/unicorn-deviations.md
    U1, U2: the Unicorn test avoids them for QEMU's sake, and QEMU is the
    oracle here too);
  - SETEND BE never outlives the piece of code that set it, so returns and
    the runtime's stack frames are little-endian (a design choice).
"""
import argparse
import random
import sys

# The memory map of fprt.h.
SCRATCH_A = 0x60100000
R7_VALUE = SCRATCH_A + 0x800
STACK_RESET_OFF = 0xC00  # from r7: FP_STACK_RESET
VA_ALIAS = 0x70000000
VA_RO = 0x70100000
VA_PRIV = 0x70200000
VA_DOM1 = 0x70300000
VA_NONE = 0x70400000
VA_XN = 0x70500000
VA_PAGES = 0x70600000
VA_EXEC = 0x70700000
EXEC_DELTA = VA_EXEC - 0x60000000
SVC_SMC, SVC_ALIGN, SVC_DACR, SVC_REMAP, SVC_REMAPA, SVC_MMU, SVC_END = (
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0xFF)

# Registers. r6 is a small index (a multiple of 4 below 0x40), r7 points at
# the middle of the scratch buffer, r10 counts loops, r11 is the pointer that
# writeback forms move (reset at the start of each piece that moves it), r12
# is also the address temporary of the address-building sequences.
DST = [0, 1, 2, 3, 4, 5, 8, 9, 12]
SRC = list(range(13))
LOW_D = [0, 1, 2, 3, 4, 5]
LOW_S = list(range(8))
CONDS = ["eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le"]
INVERSE = {c: CONDS[i ^ 1] for i, c in enumerate(CONDS)}
PAR_PREFIX = ["s", "q", "sh", "u", "uq", "uh"]
PAR_OPS = ["add16", "asx", "sax", "sub16", "add8", "sub8"]


def reg(n):
    return {13: "sp", 14: "lr", 15: "pc"}.get(n, f"r{n}")


def reglist(regs):
    return "{" + ", ".join(reg(r) for r in sorted(regs)) + "}"


class Func:
    def __init__(self, index, thumb, leaf):
        self.index = index
        self.thumb = thumb
        self.leaf = leaf
        self.name = f"f{index}"


class Gen:
    def __init__(self, seed):
        self.seed = seed
        self.R = random.Random(seed)
        self.lines = []
        self.nlabel = 0
        self.thumb = False
        self.ctx = "top"          # top, loop or func
        self.func = None
        # What is known statically here: True, False or None (unknown).
        self.mmu = False
        self.align = False

    # ---- helpers ------------------------------------------------------
    def chance(self, p):
        return self.R.random() < p

    def pick(self, seq):
        return self.R.choice(seq)

    def rint(self, lo, hi):
        return self.R.randint(lo, hi)

    def label(self):
        self.nlabel += 1
        return f".L{self.nlabel}"

    def emit(self, s):
        self.lines.append("\t" + s)

    def put_label(self, lbl):
        self.lines.append(lbl + ":")

    def interesting(self):
        if self.chance(0.7):
            return self.R.getrandbits(32)
        return self.pick([0, 1, 0x80000000, 0xFFFFFFFF, 0x7FFFFFFF, 0x8000, 0x7FFF8000,
                          0x80808080, 0x7F7F7F7F, 0xFFFF, 0x10000, 31, 32, 33])

    def movconst(self, r, v):
        self.emit(f"movw {reg(r)}, #0x{v & 0xFFFF:x}")
        if v >> 16 or self.chance(0.5):
            self.emit(f"movt {reg(r)}, #0x{(v >> 16) & 0xFFFF:x}")

    def cond(self, p=0.25):
        """An A32 condition suffix: usually none."""
        return self.pick(CONDS) if not self.thumb and self.chance(p) else ""

    def unaligned_ok(self):
        # Normal memory only: the MMU must be known to be on, SCTLR.A off.
        return self.mmu is True and self.align is False

    def mem_off(self, size, maxoff):
        off = self.rint(0, maxoff)
        if size > 1 and not (self.unaligned_ok() and self.chance(0.3)):
            off &= ~(size - 1)
        return off

    # ---- operands -----------------------------------------------------
    def a32_imm(self):
        v = self.R.getrandbits(8)
        rot = self.rint(0, 15) * 2
        return ((v >> rot) | (v << (32 - rot))) & 0xFFFFFFFF if rot else v

    def t32_imm(self):
        v = self.R.getrandbits(8)
        kind = self.rint(0, 4)
        if kind == 0:
            return v
        if kind == 1:
            return v | v << 16
        if kind == 2:
            return (v | v << 16) << 8
        if kind == 3:
            return v * 0x01010101
        rot = self.rint(8, 31)
        u = 0x80 | (v & 0x7F)
        return ((u >> rot) | (u << (32 - rot))) & 0xFFFFFFFF

    def imm(self):
        return self.t32_imm() if self.thumb else self.a32_imm()

    def shift_imm(self):
        k = self.rint(0, 4)
        if k == 0:
            return f", lsl #{self.rint(1, 31)}"
        if k == 1:
            return f", lsr #{self.rint(1, 32)}"
        if k == 2:
            return f", asr #{self.rint(1, 32)}"
        if k == 3:
            return f", ror #{self.rint(1, 31)}"
        return ", rrx"

    def op2(self):
        k = self.rint(0, 9)
        if k < 4:
            return f"#0x{self.imm():x}"
        rm = reg(self.pick(SRC))
        if k < 6:
            return rm
        if k < 8 or self.thumb:
            return rm + self.shift_imm()
        return f"{rm}, {self.pick(['lsl', 'lsr', 'asr', 'ror'])} {reg(self.pick(SRC))}"

    # ---- data processing ------------------------------------------------
    def dp(self, in_it=False, c=""):
        ops = ["and", "eor", "sub", "rsb", "add", "adc", "sbc", "orr", "bic", "mov", "mvn",
               "tst", "teq", "cmp", "cmn"]
        ops += ["orn"] if self.thumb else ["rsc"]
        op = self.pick(ops)
        s = "s" if self.chance(0.5) else ""
        # (MOV/MVN with a shifted register have no .w form in gas)
        w = ".w" if self.thumb and op not in ("mov", "mvn") and self.chance(0.2) else ""
        if op in ("tst", "teq", "cmp", "cmn"):
            return f"{op}{c}{w} {reg(self.pick(SRC))}, {self.op2()}"
        if op in ("mov", "mvn"):
            return f"{op}{s}{c}{w} {reg(self.pick(DST))}, {self.op2()}"
        return f"{op}{s}{c}{w} {reg(self.pick(DST))}, {reg(self.pick(SRC))}, {self.op2()}"

    def t16_dp(self, in_it, c):
        """Forms with 16-bit encodings (flag-setting outside IT blocks only)."""
        s = "" if in_it else "s"
        d, n, m = self.pick(LOW_D), self.pick(LOW_S), self.pick(LOW_S)
        k = self.rint(0, 9)
        if k == 0:
            return f"{self.pick(['lsl', 'lsr', 'asr'])}{s}{c} {reg(d)}, {reg(m)}, #{self.rint(1, 31)}"
        if k == 1:
            return f"{self.pick(['add', 'sub'])}{s}{c} {reg(d)}, {reg(n)}, {reg(m)}"
        if k == 2:
            return f"{self.pick(['add', 'sub'])}{s}{c} {reg(d)}, {reg(n)}, #{self.rint(0, 7)}"
        if k == 3:
            op = self.pick(["mov", "add", "sub"])
            if op == "mov":
                return f"mov{s}{c} {reg(d)}, #{self.rint(0, 255)}"
            return f"{op}{s}{c} {reg(d)}, #{self.rint(0, 255)}"
        if k == 4:
            return f"cmp{c} {reg(n)}, #{self.rint(0, 255)}"
        if k == 5:
            op = self.pick(["and", "eor", "lsl", "lsr", "asr", "adc", "sbc", "ror", "orr",
                            "bic", "mvn", "mul"])
            if op == "mvn":
                return f"mvn{s}{c} {reg(d)}, {reg(m)}"
            return f"{op}{s}{c} {reg(d)}, {reg(d)}, {reg(m)}"
        if k == 6:
            op = self.pick(["tst", "cmp", "cmn"])
            return f"{op}{c} {reg(n)}, {reg(m)}"
        if k == 7:
            d = self.pick(DST)
            if self.chance(0.5):
                return f"add{c} {reg(d)}, {reg(self.pick(SRC))}"
            return f"mov{c} {reg(d)}, {reg(self.pick(SRC + [14]))}"
        if k == 8:
            op = self.pick(["sxth", "sxtb", "uxth", "uxtb", "rev", "rev16", "revsh"])
            return f"{op}{c} {reg(d)}, {reg(m)}"
        return f"rsb{s}{c} {reg(d)}, {reg(n)}, #0"

    # Multiplies: mnemonic templates ({s} flag-setting where A32 has it,
    # {xy} {y} {x} {r} the halves, exchange and rounding variants) and their
    # operands: d destination, n m sources, a accumulator, L H a long result.
    MUL_FORMS = [
        (["mul{s}"], "dnm"), (["mla{s}"], "dnma"), (["mls"], "dnma"),
        (["umull{s}", "umlal{s}", "smull{s}", "smlal{s}"], "LHnm"), (["umaal"], "LHnm"),
        (["smul{xy}"], "dnm"), (["smla{xy}"], "dnma"), (["smulw{y}"], "dnm"),
        (["smlaw{y}"], "dnma"), (["smlal{xy}"], "LHnm"), (["smuad{x}", "smusd{x}"], "dnm"),
        (["smlad{x}", "smlsd{x}"], "dnma"), (["smlald{x}", "smlsld{x}"], "LHnm"),
        (["smmul{r}"], "dnm"), (["smmla{r}", "smmls{r}"], "dnma"), (["usad8"], "dnm"),
        (["usada8"], "dnma"),
    ]

    def mul(self, c=""):
        names, operands = self.pick(self.MUL_FORMS)
        lo = self.pick(DST)
        regs = {"d": self.pick(DST), "n": self.pick(SRC), "m": self.pick(SRC),
                "a": self.pick(SRC), "L": lo, "H": self.pick([r for r in DST if r != lo])}
        op = self.pick(names).format(
            s="s" if not self.thumb and self.chance(0.4) else "",
            xy=self.pick(["bb", "bt", "tb", "tt"]), y=self.pick(["b", "t"]),
            x=self.pick(["", "x"]), r=self.pick(["", "r"]))
        return f"{op}{c} " + ", ".join(reg(regs[k]) for k in operands)

    def misc(self, c=""):
        d, n, m = self.pick(DST), self.pick(SRC), self.pick(SRC)
        k = self.rint(0, 14)
        if k == 0:
            return f"clz{c} {reg(d)}, {reg(m)}"
        if k == 1:
            return f"{self.pick(['rev', 'rev16', 'revsh', 'rbit'])}{c} {reg(d)}, {reg(m)}"
        if k == 2:
            op = self.pick(["sxtb", "sxth", "uxtb", "uxth", "sxtb16", "uxtb16"])
            rot = self.pick(["", ", ror #8", ", ror #16", ", ror #24"])
            if self.chance(0.5):
                return f"{op}{c} {reg(d)}, {reg(m)}{rot}"
            op = op[:3] + "a" + op[3:]
            return f"{op}{c} {reg(d)}, {reg(n)}, {reg(m)}{rot}"
        if k == 3:
            lsb = self.rint(0, 31)
            return f"{self.pick(['ubfx', 'sbfx'])}{c} {reg(d)}, {reg(m)}, #{lsb}, #{self.rint(1, 32 - lsb)}"
        if k == 4:
            lsb = self.rint(0, 31)
            wid = self.rint(1, 32 - lsb)
            if self.chance(0.3):
                return f"bfc{c} {reg(d)}, #{lsb}, #{wid}"
            return f"bfi{c} {reg(d)}, {reg(m)}, #{lsb}, #{wid}"
        if k == 5:
            return f"{self.pick(['movw', 'movt'])}{c} {reg(d)}, #0x{self.R.getrandbits(16):x}"
        if k == 6:
            sh = self.pick(["", f", lsl #{self.rint(1, 31)}", f", asr #{self.rint(1, 31)}"])
            if self.chance(0.5):
                return f"ssat{c} {reg(d)}, #{self.rint(1, 32)}, {reg(m)}{sh}"
            return f"usat{c} {reg(d)}, #{self.rint(0, 31)}, {reg(m)}{sh}"
        if k == 7:
            if self.chance(0.5):
                return f"ssat16{c} {reg(d)}, #{self.rint(1, 16)}, {reg(m)}"
            return f"usat16{c} {reg(d)}, #{self.rint(0, 15)}, {reg(m)}"
        if k == 8:
            return f"{self.pick(['qadd', 'qsub', 'qdadd', 'qdsub'])}{c} {reg(d)}, {reg(m)}, {reg(n)}"
        if k in (9, 10):
            return f"{self.pick(PAR_PREFIX)}{self.pick(PAR_OPS)}{c} {reg(d)}, {reg(n)}, {reg(m)}"
        if k == 11:
            if self.chance(0.4):
                return f"sel{c} {reg(d)}, {reg(n)}, {reg(m)}"
            if self.chance(0.5):
                return f"pkhbt{c} {reg(d)}, {reg(n)}, {reg(m)}, lsl #{self.rint(0, 31)}"
            return f"pkhtb{c} {reg(d)}, {reg(n)}, {reg(m)}, asr #{self.rint(1, 32)}"
        if k == 12:
            return f"mrs{c} {reg(d)}, apsr"
        if k == 13:
            fields = self.pick(["nzcvq", "g", "nzcvqg"])
            if self.thumb or self.chance(0.5):
                return f"msr{c} apsr_{fields}, {reg(m)}"
            v = self.pick([0xF8000000, 0x50000000, 0xA0000000, 0x08000000, 0x000F0000,
                           0x00050000])
            if fields == "nzcvq":
                v &= 0xF8000000
            if fields == "g":
                v &= 0x000F0000
            return f"msr{c} apsr_{fields}, #0x{v:x}"
        return self.dp(c=c)

    # ---- memory ---------------------------------------------------------
    def mem(self, c="", in_it=False, sp_ok=False):
        """A load or store inside the scratch buffer; sets self.piece_wb /
        self.piece_sp when it moves r11 or uses SP."""
        load = self.chance(0.5)
        t = self.pick(DST) if load else self.pick(SRC)
        k = self.rint(0, 9)
        if sp_ok and k == 9:
            self.piece_sp = True
            if self.chance(0.5):
                regs = set(self.R.sample(DST if load else SRC + [14], self.rint(1, 4)))
                return f"{'pop' if load else 'push'}{c} {reglist(regs)}"
            op = "ldr" if load else "str"
            if self.thumb:
                t = self.pick(LOW_D if load else LOW_S)
            return f"{op}{c} {reg(t)}, [sp, #{4 * self.rint(0, 255)}]"
        if k <= 2:
            size = self.pick([1, 4])
            op = ("ldr" if load else "str") + ("b" if size == 1 else "")
            if self.thumb and self.chance(0.4):
                # 16-bit forms: low registers, small positive offsets
                t = self.pick(LOW_D if load else LOW_S)
                return f"{op}{c} {reg(t)}, [r7, #{self.rint(0, 31) * size}]"
            off = self.mem_off(size, 0x7F0)
            if self.thumb and self.chance(0.3):
                # T32's negative offsets are 8 bits; keep the alignment
                return f"{op}{c} {reg(t)}, [r7, #-{off % 256 if off % size else min(off, 252)}]"
            sign = "-" if not self.thumb and self.chance(0.4) else ""
            return f"{op}{c} {reg(t)}, [r7, #{sign}{off}]"
        if k == 3:
            size = self.pick([1, 2, 4])
            ops = {1: ["ldrb", "strb", "ldrsb"], 2: ["ldrh", "strh", "ldrsh"], 4: ["ldr", "str"]}
            op = self.pick([o for o in ops[size] if o.startswith("ld") == load])
            if self.thumb:
                if self.chance(0.5):
                    t = self.pick(LOW_D if load else LOW_S)
                    return f"{op}{c} {reg(t)}, [r7, r6]"
                return f"{op}{c}.w {reg(t)}, [r7, r6, lsl #{self.rint(0, 3)}]"
            if op in ("ldr", "str", "ldrb", "strb"):
                # only these have a shifted register offset in A32
                sign = self.pick(["", "-"])
                return f"{op}{c} {reg(t)}, [r7, {sign}r6, lsl #{self.rint(0, 2)}]"
            return f"{op}{c} {reg(t)}, [r7, {self.pick(['', '-'])}r6]"
        if k == 4:
            size = self.pick([2, 1])
            op = self.pick({1: ["ldrsb", "ldrb", "strb"], 2: ["ldrh", "strh", "ldrsh"]}[size])
            load = op.startswith("ld")
            t = self.pick(DST) if load else self.pick(SRC)
            off = self.mem_off(size, 0xFE)
            if self.thumb and self.chance(0.4) and not op.startswith("ldrs"):
                t = self.pick(LOW_D if load else LOW_S)
                return f"{op}{c} {reg(t)}, [r7, #{self.rint(0, 31) * size}]"
            return f"{op}{c} {reg(t)}, [r7, #{self.pick(['', '-'])}{off}]"
        if k == 5:
            # writeback on r11, word steps
            self.piece_wb = True
            t = self.pick([r for r in (DST if load else SRC) if r != 11])
            size = self.pick([1, 2, 4])
            op = {1: "b", 2: "h", 4: ""}[size]
            op = ("ldr" if load else "str") + op
            step = f"#{self.pick(['', '-'])}{4 * self.rint(0, 7)}"
            if self.chance(0.15):
                # unprivileged: post-indexed only in A32
                op = "ldrt" if load else "strt"
                if self.thumb:
                    return f"{op}{c} {reg(t)}, [r7, #{4 * self.rint(0, 60)}]"
                return f"{op}{c} {reg(t)}, [r11], {step}"
            if self.chance(0.5):
                return f"{op}{c} {reg(t)}, [r11, {step}]!"
            return f"{op}{c} {reg(t)}, [r11], {step}"
        if k == 6:
            # LDRD/STRD: A32 needs an even Rt (not r14) and Rt2 = Rt + 1
            if self.thumb:
                pool = DST if load else SRC
                t = self.pick(pool)
                t2 = self.pick([r for r in pool if r != t])
            else:
                t = self.pick([0, 2, 4, 8] if load else [0, 2, 4, 6, 8, 10])
                t2 = t + 1
            op = "ldrd" if load else "strd"
            off = 4 * self.rint(0, 63 if self.thumb else 63)
            sign = self.pick(["", "-"])
            if self.chance(0.3) and 11 not in (t, t2):
                self.piece_wb = True
                if self.chance(0.5):
                    return f"{op}{c} {reg(t)}, {reg(t2)}, [r11, #{sign}{off & 0x1C}]!"
                return f"{op}{c} {reg(t)}, {reg(t2)}, [r11], #{sign}{off & 0x1C}"
            if not self.thumb:
                off &= 0xFC
            return f"{op}{c} {reg(t)}, {reg(t2)}, [r7, #{sign}{off}]"
        if k == 7:
            # LDM/STM: the loaded registers never include a pointer
            pool = DST if load else SRC + [14]
            wb = self.chance(0.5)
            if wb:
                pool = [r for r in pool if r != 11]
            nregs = self.rint(2, 5)
            regs = set(self.R.sample(pool, nregs))
            modes = ["ia", "db"] if self.thumb else ["ia", "ib", "da", "db"]
            op = ("ldm" if load else "stm") + self.pick(modes)
            if wb:
                self.piece_wb = True
                return f"{op}{c} r11!, {reglist(regs)}"
            return f"{op}{c} r7, {reglist(regs)}"
        # k == 8 (or 9 without SP): a plain word access
        off = self.mem_off(4, 0x7F0)
        return f"{'ldr' if load else 'str'}{c} {reg(t)}, [r7, #{off}]"

    def sys_insns(self):
        """Instructions that stand alone (never in IT blocks): a list."""
        k = self.rint(0, 6)
        if k == 0 and not self.thumb:
            t = self.pick(DST)
            t2 = self.pick([r for r in SRC if r != 7])
            return [f"{self.pick(['swp', 'swpb'])}{self.cond()} {reg(t)}, {reg(t2)}, [r7]"]
        if k <= 1:
            size = self.pick(["", "b", "h", "d"])
            if size == "d":
                if self.thumb:
                    t = self.pick(DST)
                    t2 = self.pick([r for r in DST if r != t])
                else:
                    t = self.pick([0, 2, 4, 8])
                    t2 = t + 1
                rs = self.pick([r for r in DST if r not in (t, t2)])
                out = [f"ldrexd {reg(t)}, {reg(t2)}, [r7]"]
                st = f"strexd {reg(rs)}, {reg(t)}, {reg(t2)}, [r7]"
            else:
                t = self.pick(DST)
                rs = self.pick([r for r in DST if r != t])
                out = [f"ldrex{size} {reg(t)}, [r7]"]
                st = f"strex{size} {reg(rs)}, {reg(t)}, [r7]"
            if self.chance(0.2):
                out = []  # a STREX without a reservation fails
            if self.chance(0.3):
                out.append(self.dp())
            if self.chance(0.1):
                out.append("clrex")
            out.append(st)
            return out
        if k == 2:
            op = self.pick(["pld", "pldw", "pli"])
            return [f"{op} [r7, #{self.rint(0, 0x7F0)}]"]
        if k == 3:
            return [self.pick(["dmb sy", "dsb sy", "isb sy", "dmb ish", "nop"])]
        # SETEND BE around a few loads and stores, always back to LE
        out = ["setend be"]
        for _ in range(self.rint(1, 4)):
            out.append(self.mem() if self.chance(0.7) else self.dp())
        out.append("setend le")
        return out

    # ---- pieces of straight-line code -------------------------------
    def one_insn(self, in_it=False, c="", sp_ok=False):
        if self.thumb:
            k = self.rint(0, 9)
            if k <= 2:
                return self.t16_dp(in_it, c)
            if k <= 4:
                return self.dp(in_it, c)
            if k == 5:
                return self.mul(c)
            if k == 6:
                return self.misc(c)
            return self.mem(c, in_it, sp_ok)
        k = self.rint(0, 9)
        c = self.cond()
        if k <= 2:
            return self.dp(c=c)
        if k == 3:
            return self.mul(c)
        if k <= 5:
            return self.misc(c)
        return self.mem(c, sp_ok=sp_ok)

    def it_block(self, sp_ok):
        """An IT block; sometimes one of its instructions takes an exception
        (an SVC, an alignment fault, an access through an alias), which
        the handler returns from with ITSTATE advanced as the hardware
        would have."""
        c = self.pick(CONDS)
        n = self.rint(1, 4)
        pattern = "".join(self.pick("te") for _ in range(n - 1))
        out = []
        conds = [c] + [c if p == "t" else INVERSE[c] for p in pattern]
        slot, kind = -1, None
        if self.chance(0.3):
            kind = self.pick(["svc"] + (["align"] if self.align is True else [])
                             + (["mmu"] if self.mmu is True else []))
            slot = 0 if kind == "mmu" else self.rint(0, n - 1)
        if kind == "mmu":
            # r12 is set before the block and used by its first instruction
            va = self.pick([VA_ALIAS, VA_RO, VA_DOM1, VA_NONE])
            out.append(f"movw r12, #0x{va & 0xFFFF:x}")
            out.append(f"movt r12, #0x{va >> 16:x}")
        out.append(f"it{pattern} {c}")
        for i, cc in enumerate(conds):
            if i != slot:
                out.append(self.one_insn(in_it=True, c=cc, sp_ok=sp_ok))
            elif kind == "svc":
                out.append(f"svc{cc} #{self.rint(0, 15)}")
            elif kind == "align":
                out.append(f"{self.pick(['ldr', 'str'])}{cc}.w {reg(self.pick(LOW_D))}, "
                           f"[r7, #{4 * self.rint(0, 60) + self.rint(1, 3)}]")
            else:
                t = self.pick([r for r in DST if r != 12])
                out.append(f"{self.pick(['ldr', 'str'])}{cc} {reg(t)}, [r12, #{4 * self.rint(0, 255)}]")
        return out

    def piece(self, n=None, sp_ok=None, simple=False):
        """Straight-line code; returns its lines (not yet emitted). simple:
        single instructions only (no IT blocks or sequences)."""
        if n is None:
            n = self.rint(2, 10)
        if sp_ok is None:
            sp_ok = self.ctx != "func"
        self.piece_wb = False
        self.piece_sp = False
        out = []
        while len(out) < n:
            if simple:
                out.append(self.one_insn(sp_ok=sp_ok))
            elif self.thumb and self.chance(0.15):
                out += self.it_block(sp_ok)
            elif self.chance(0.08):
                out += self.sys_insns()
            else:
                out.append(self.one_insn(sp_ok=sp_ok))
        head = []
        if self.piece_wb:
            head.append("mov r11, r7")
        if self.piece_sp:
            head.append("mov sp, r7")
            head.append(f"add sp, sp, #0x{STACK_RESET_OFF:x}")
        return head + out

    def emit_piece(self, n=None):
        for s in self.piece(n):
            self.emit(s)

    # ---- control flow ---------------------------------------------------
    def chunk_forward(self):
        skip = self.label()
        if self.thumb:
            k = self.rint(0, 2)
            if k == 0:
                self.emit(f"b{self.pick(CONDS)} {skip}")
            elif k == 1:
                self.emit(f"{self.pick(['cbz', 'cbnz'])} {reg(self.pick(LOW_S))}, {skip}")
                # CBZ reaches 126 bytes forward at most
                for s in self.piece(self.rint(1, 5), simple=True):
                    self.emit(s)
                self.put_label(skip)
                return
            else:
                c = self.pick(CONDS)
                n = self.rint(0, 2)
                pattern = "".join(self.pick("te") for _ in range(n))
                self.emit(f"it{pattern} {c}")
                conds = [c] + [c if p == "t" else INVERSE[c] for p in pattern]
                for cc in conds[:-1]:
                    self.emit(self.one_insn(in_it=True, c=cc, sp_ok=False))
                self.emit(f"b{conds[-1]} {skip}")
        else:
            self.emit(f"b{self.pick(CONDS + [''])} {skip}")
        self.emit_piece()
        self.put_label(skip)

    def chunk_loop(self):
        self.ctx = "loop"
        head = self.label()
        self.emit(f"mov r10, #{self.rint(1, 8)}")
        self.put_label(head)
        for _ in range(self.rint(1, 4)):
            self.chunk(in_loop=True)
        self.emit("subs r10, r10, #1")
        self.emit(f"bne{'.w' if self.thumb else ''} {head}")
        self.ctx = "top"

    def chunk_call(self, funcs):
        f = self.pick(funcs)
        k = self.rint(0, 3)
        if k == 0 and self.mmu is True and self.chance(0.5):
            # the same physical code through the executable alias (REL
            # relocations keep MOVW/MOVT addends in 16 bits: add it after)
            self.emit(f"movw r12, #:lower16:{f.name}")
            self.emit(f"movt r12, #:upper16:{f.name}")
            self.emit(f"add r12, r12, #0x{EXEC_DELTA & 0xF0000000:x}")
            self.emit(f"add r12, r12, #0x{EXEC_DELTA & 0x0FFFFFFF:x}")
            self.emit("blx r12")
        elif k == 0:
            self.emit(f"movw r12, #:lower16:{f.name}")
            self.emit(f"movt r12, #:upper16:{f.name}")
            self.emit("blx r12")
        elif f.thumb == self.thumb:
            self.emit(f"bl{self.cond(0.3)} {f.name}")
        else:
            self.emit(f"blx {f.name}")

    def chunk_jumptable(self):
        idx = self.pick([r for r in DST if r != 12])
        tbl, join = self.label(), self.label()
        cases = [self.label() for _ in range(4)]
        self.emit(f"and {reg(idx)}, {reg(self.pick(SRC))}, #3")
        if self.thumb:
            self.emit(f"adr.w r12, {tbl}")
            self.emit(f"ldr.w pc, [r12, {reg(idx)}, lsl #2]")
            self.emit(".balign 4")
        elif self.chance(0.5):
            self.emit(f"ldr pc, [pc, {reg(idx)}, lsl #2]")
            self.emit("nop")
        else:
            self.emit(f"adr r12, {tbl}")
            self.emit(f"ldr pc, [r12, {reg(idx)}, lsl #2]")
        self.put_label(tbl)
        for cl in cases:
            self.emit(f".word {cl}{'+1' if self.thumb else ''}")
        for i, cl in enumerate(cases):
            self.put_label(cl)
            self.emit_piece(self.rint(1, 4))
            if i < 3:
                self.emit(f"b{'.w' if self.thumb else ''} {join}")
        self.put_label(join)

    def switch_state(self):
        lbl = self.label()
        if self.thumb:
            self.emit(f"adr.w r12, {lbl}")
            self.emit("bx r12")
            self.emit(".balign 4")
            self.emit(".arm")
        else:
            self.emit(f"adr r12, {lbl}")
            self.emit("orr r12, r12, #1")
            self.emit("bx r12")
            self.emit(".thumb")
        self.thumb = not self.thumb
        self.put_label(lbl)

    # ---- exceptions -----------------------------------------------------
    def chunk_undef(self):
        k = self.rint(0, 4)
        if k <= 1:
            if self.thumb:
                if self.chance(0.5):
                    self.emit(f"udf.n #{self.rint(0, 255)}")
                else:
                    self.emit(f"udf.w #{self.rint(0, 0xFFFF)}")
            else:
                self.emit(f"udf #{self.rint(0, 0xFFFF)}")
        elif k == 2:
            # a coprocessor the A9 does not have
            cp = self.rint(0, 7)
            if self.chance(0.5):
                self.emit(f"mrc p{cp}, {self.rint(0, 7)}, {reg(self.pick(DST))}, c{self.rint(0, 15)}, "
                          f"c{self.rint(0, 15)}, {self.rint(0, 7)}")
            else:
                self.emit(f"mcr p{cp}, {self.rint(0, 7)}, {reg(self.pick(SRC))}, c{self.rint(0, 15)}, "
                          f"c{self.rint(0, 15)}, {self.rint(0, 7)}")
        elif k == 3:
            # VFP while CPACR gives no access: UNDEFINED
            self.emit(self.pick([f"vmov s{self.rint(0, 31)}, {reg(self.pick(SRC))}",
                                 "vadd.f32 s0, s1, s2", "vmrs r0, fpscr",
                                 f"vldr d{self.rint(0, 15)}, [r7]"]))
        else:
            self.chunk_cp15()

    def chunk_cp15(self):
        """CP15 accesses: defined in System mode, UNDEFINED in User mode
        except the user thread registers. Not ID_PFR0: captive does not
        implement ThumbEE and says so there (engine/arch/arm/cp15.c), where
        QEMU's A9 claims it (README, deliberate differences)."""
        d, s = self.pick(DST), self.pick(SRC)
        regs = [("c0", 0, "c0", 0), ("c0", 0, "c0", 5), ("c0", 0, "c0", 1), ("c1", 0, "c0", 0),
                ("c2", 0, "c0", 0), ("c2", 0, "c0", 2), ("c3", 0, "c0", 0), ("c13", 0, "c0", 1),
                ("c13", 0, "c0", 2), ("c13", 0, "c0", 3), ("c13", 0, "c0", 4),
                ("c0", 0, "c1", 1), ("c0", 0, "c2", 0), ("c0", 0, "c2", 1)]
        crn, op1, crm, op2 = self.pick(regs)
        if crn == "c13" and op2 in (2, 3, 4) and self.chance(0.5):
            self.emit(f"mcr p15, {op1}, {reg(s)}, {crn}, {crm}, {op2}")
        self.emit(f"mrc p15, {op1}, {reg(d)}, {crn}, {crm}, {op2}")

    def chunk_svc(self):
        self.emit(f"svc{self.cond(0.3)} #{self.rint(0, 15)}")

    def addr_r12(self, va):
        self.movconst(12, va)

    def chunk_mmu(self):
        """Accesses through the aliases (the MMU is known to be on): each
        either works or takes a translation, permission or domain fault,
        depending on the alias, the mode, DACR and where VA_ALIAS points."""
        t = self.pick([r for r in DST if r != 12])
        s = self.pick([r for r in SRC if r != 12])  # STRT writes r12 back
        va = self.pick([VA_ALIAS, VA_ALIAS, VA_RO, VA_PRIV, VA_DOM1, VA_DOM1, VA_NONE,
                        VA_PAGES + 0x1000 * self.rint(0, 3)])
        self.addr_r12(va)
        for _ in range(self.rint(1, 3)):
            size = self.pick([1, 2, 4])
            # A32 halfword offsets are 8 bits
            off = self.mem_off(size, 0xFE if size == 2 and not self.thumb else 0xFF0)
            suffix = {1: "b", 2: "h", 4: ""}[size]
            c = self.cond()
            if self.chance(0.15) and off < 256:
                # unprivileged accesses (A32: post-indexed, #0 keeps r12)
                load = self.chance(0.5)
                acc = ("ldr" if load else "str") + suffix + "t"
                r = t if load else s
                if self.thumb:
                    self.emit(f"{acc}{c} {reg(r)}, [r12, #{off}]")
                else:
                    self.emit(f"{acc}{c} {reg(r)}, [r12], #0")
            elif self.chance(0.5):
                self.emit(f"ldr{suffix}{c} {reg(t)}, [r12, #{off}]")
            else:
                self.emit(f"str{suffix}{c} {reg(s)}, [r12, #{off}]")

    def chunk_align_fault(self):
        """Alignment faults: defined, MMU on or off, once SCTLR.A is set."""
        t = self.pick(DST)
        s = self.pick(SRC)
        size = self.pick([2, 4])
        off = self.rint(0, 0xF0 if size == 2 else 0x3F0) | self.pick([1, 2, 3] if size == 4 else [1])
        op = self.pick(["ldr", "str"]) + ("h" if size == 2 else "")
        r = t if op.startswith("ld") else s
        self.emit(f"{op}{self.cond()} {reg(r)}, [r7, #{off}]")

    def chunk_pabt(self):
        if self.mmu is not True:
            return self.chunk_svc()
        if self.chance(0.5):
            target = VA_NONE + 4 * self.rint(0, 0x3FFF)
        else:
            target = VA_XN + 0x10000 + 4 * self.rint(0, 0x3FFF)
        if self.chance(0.3):
            target |= 1  # a Thumb target
        self.addr_r12(target)
        self.emit("blx r12")

    def chunk_exception(self):
        k = self.rint(0, 9)
        if k <= 3:
            self.chunk_undef()
        elif k <= 5:
            self.chunk_svc()
        elif k <= 7 and self.align is True:
            self.chunk_align_fault()
        elif k <= 7 and self.mmu is True:
            self.chunk_mmu()
        elif k > 7 and (self.ctx != "func" or not self.func.leaf):
            self.chunk_pabt()
        else:
            self.chunk_svc()

    def chunk_service(self):
        """SVC services. Toggling the MMU or SCTLR.A changes what the
        generator must know, so only straight-line top-level code does it;
        DACR and the remap change only outcomes, which may be anything."""
        k = self.rint(0, 5)
        toggles_ok = self.ctx == "top"
        if k == 0 and toggles_ok and self.mmu_mode == "toggle":
            self.emit(f"svc #0x{SVC_MMU:x}")
            self.mmu = not self.mmu
        elif k == 1 and toggles_ok and self.align_mode == "toggle":
            self.emit(f"svc #0x{SVC_ALIGN:x}")
            self.align = not self.align
        elif k == 2:
            self.emit(f"svc #0x{SVC_DACR:x}")
        elif k == 3:
            self.emit(f"svc #0x{self.pick([SVC_REMAP, SVC_REMAPA]):x}")
        else:
            self.chunk_svc()

    def chunk_straddle(self):
        """Call fp_straddle: at its own address it runs across the page end;
        through VA_PAGES page 4 the next page is unmapped, so the fetch
        there takes a prefetch abort (T32: in the middle of a 32-bit
        instruction), and the handler returns to the caller."""
        if self.mmu is True and self.chance(0.6):
            self.addr_r12(VA_PAGES + 0x5000 - self.straddle_len | self.straddle_thumb)
            self.emit("blx r12")
        elif self.straddle_thumb == self.thumb:
            self.emit("bl fp_straddle")
        else:
            self.emit("blx fp_straddle")

    def t16_narrow(self):
        """One instruction that is certainly 16 bits (outside IT blocks)."""
        d, n, m = self.pick(LOW_D), self.pick(LOW_S), self.pick(LOW_S)
        return self.pick([
            f"adds.n {reg(d)}, {reg(n)}, {reg(m)}", f"subs.n {reg(d)}, {reg(n)}, #{self.rint(0, 7)}",
            f"movs.n {reg(d)}, #{self.rint(0, 255)}", f"adds.n {reg(d)}, #{self.rint(0, 255)}",
            f"cmp.n {reg(n)}, #{self.rint(0, 255)}",
            f"{self.pick(['ands', 'eors', 'orrs', 'bics', 'adcs', 'sbcs'])}.n {reg(d)}, {reg(m)}",
            f"{self.pick(['lsls', 'lsrs', 'asrs'])}.n {reg(d)}, {reg(m)}, #{self.rint(1, 31)}",
            f"mov.n {reg(self.pick(DST))}, {reg(self.pick(SRC))}"])

    def straddle_function(self):
        self.ctx = "func"
        self.func = Func(99, self.straddle_thumb, True)
        self.thumb = self.straddle_thumb
        n = self.straddle_before
        self.lines.append("")
        self.emit(".balign 4096")
        self.emit(f".space {4096 - self.straddle_len}")
        self.emit(".thumb" if self.thumb else ".arm")
        self.emit(".global fp_straddle")
        self.emit(".type fp_straddle, %function")
        if self.thumb:
            self.emit(".thumb_func")
        self.put_label("fp_straddle")
        if self.thumb:
            for _ in range(n):
                self.emit(self.t16_narrow())
            op = self.pick(["and", "eor", "add", "sub", "orr", "bic", "adc", "sbc", "rsb"])
            self.emit(f"{op}s.w {reg(self.pick(DST))}, {reg(self.pick(SRC))}, {self.op2()}")
        else:
            for _ in range(n):
                self.emit(self.pick([self.dp, self.mul, self.misc])())
        self.emit_piece(self.rint(1, 4))
        self.emit("bx lr")
        self.emit(".size fp_straddle, . - fp_straddle")

    # ---- self-modifying code --------------------------------------------
    def chunk_smc(self):
        slot = self.label()
        t = self.pick([r for r in DST if r != 12])
        d = self.pick([r for r in DST if r != t])
        if self.thumb:
            # 16-bit ADDS/SUBS/MOVS Rd, #imm8 over a 16-bit slot
            base = self.pick([0x3000, 0x3800, 0x2000]) | self.pick(LOW_D) << 8
            self.movconst(t, base | self.rint(0, 255))
            if self.ctx == "loop":
                self.emit(f"bfi {reg(t)}, r10, #{self.rint(0, 5)}, #3")
            self.emit(f"adr.w r12, {slot}")
            self.emit(f"strh {reg(t)}, [r12]")
        else:
            # A32 data processing with an immediate over a word slot
            opc = self.pick([0x0, 0x1, 0x2, 0x4, 0xC, 0xD, 0xE, 0xF])
            s = self.rint(0, 1)
            rn = 0 if opc in (0xD, 0xF) else self.pick(SRC)
            enc = 0xE2000000 | opc << 21 | s << 20 | rn << 16 | d << 12 | self.R.getrandbits(12)
            self.movconst(t, enc)
            if self.ctx == "loop":
                # the immediate or its rotation, never the opcode or Rd
                self.emit(f"bfi {reg(t)}, r10, #{self.pick([0, 8])}, #3")
            self.emit(f"adr r12, {slot}")
            self.emit(f"str {reg(t)}, [r12]")
        if self.mode == "usr":
            self.emit(f"svc #0x{SVC_SMC:x}")
        else:
            self.emit("mcr p15, 0, r12, c7, c11, 1")  # DCCMVAU
            self.emit("dsb sy")
            self.emit("mcr p15, 0, r12, c7, c5, 1")   # ICIMVAU
            self.emit("mcr p15, 0, r12, c7, c5, 6")   # BPIALL
            self.emit("dsb sy")
            self.emit("isb sy")
        self.put_label(slot)
        if self.thumb:
            self.emit(f"adds {reg(self.pick(LOW_D))}, #1")
        else:
            self.emit(f"add {reg(d)}, {reg(d)}, #1")

    # ---- structure ------------------------------------------------------
    def chunk(self, in_loop=False):
        w = [("piece", 30), ("forward", 12), ("exception", 16), ("jumptable", 4),
             ("service", 6)]
        if self.mmu is True:
            w.append(("mmu", 16))
        if self.callable():
            w.append(("call", 10))
        if self.straddle_len and (self.ctx != "func" or not self.func.leaf):
            w.append(("straddle", 4))
        if self.ctx != "func":
            w += [("smc", 5)]
            if not in_loop:
                w += [("loop", 10), ("cp15", 2)]
        total = sum(x for _, x in w)
        r = self.R.uniform(0, total)
        for name, x in w:
            r -= x
            if r <= 0:
                break
        if name == "call":
            self.chunk_call(self.callable())
        else:
            getattr(self, {"piece": "emit_piece"}.get(name, "chunk_" + name))()

    def callable(self):
        if self.ctx == "func":
            if self.func.leaf:
                return []
            return [f for f in self.funcs if f.index > self.func.index]
        return self.funcs

    def function(self, f):
        self.ctx = "func"
        self.func = f
        self.thumb = f.thumb
        self.mmu = True if self.mmu_mode == "on" else False if self.mmu_mode == "off" else None
        self.align = True if self.align_mode == "on" else False if self.align_mode == "off" else None
        self.lines.append("")
        self.emit(".balign 4")
        self.emit(".thumb" if f.thumb else ".arm")
        self.emit(f".type {f.name}, %function")
        if f.thumb:
            self.emit(".thumb_func")
        self.put_label(f.name)
        saved = set()
        style = self.rint(0, 3)
        if not f.leaf:
            if style == 1:
                self.emit("str lr, [sp, #-4]!")
            else:
                saved = set(self.R.sample(DST, self.rint(0, 2)))
                self.emit(f"push {reglist(saved | {14})}")
        for _ in range(self.rint(1, 4)):
            self.chunk()
        if f.leaf:
            if not f.thumb and style == 0:
                self.emit("mov pc, lr")
            else:
                self.emit("bx lr")
        elif style == 1:
            self.emit("ldr pc, [sp], #4")
        elif style == 2:
            self.emit(f"pop {reglist(saved | {14})}")
            self.emit("bx lr")
        elif style == 3 and not f.thumb:
            self.emit(f"ldmfd sp!, {reglist(saved | {15})}")
        else:
            self.emit(f"pop {reglist(saved | {15})}")
        self.emit(f".size {f.name}, . - {f.name}")

    def prologue(self):
        R = self.R
        self.emit(".balign 4")
        self.emit(".arm")
        self.emit(".global prog_main")
        self.emit(".type prog_main, %function")
        self.put_label("prog_main")
        if self.mmu:
            bits = R.choice([0, 1 << 2, 1 << 12, 1 << 2 | 1 << 12 | 1 << 11])
            if self.align:
                bits |= 2
            self.emit(f"movw r0, #0x{bits:x}")
            self.emit("bl fp_mmu_on")
        elif self.align:
            self.emit("mrc p15, 0, r0, c1, c0, 0")
            self.emit("orr r0, r0, #2")
            self.emit("mcr p15, 0, r0, c1, c0, 0")
            self.emit("isb")
        self.emit(self.pick(["cpsid a", "cpsie a"]))
        self.emit("msr cpsr_c, #0xdf")  # System mode, IRQ and FIQ masked
        self.movconst(0, R.getrandbits(32) & 0xF80F0000)
        self.emit("msr apsr_nzcvqg, r0")
        for r in DST + [14]:
            self.movconst(r, self.interesting())
        self.emit(f"mov r6, #{4 * R.randint(0, 15)}")
        self.movconst(7, R7_VALUE)
        self.emit("mov r10, #0")
        self.emit("mov r11, r7")
        self.emit("mov sp, r7")
        self.emit(f"add sp, sp, #0x{STACK_RESET_OFF:x}")
        if self.mode == "usr":
            self.emit("cps #0x10")

    def program(self):
        R = self.R
        self.mode = R.choice(["usr", "sys"])
        self.mmu_mode = R.choice(["off", "on", "on", "toggle"])
        self.align_mode = R.choice(["off", "off", "on", "toggle"])
        self.mmu = self.mmu_mode == "on" or (self.mmu_mode == "toggle" and R.random() < 0.5)
        self.align = self.align_mode == "on" or (self.align_mode == "toggle" and R.random() < 0.5)
        thumb_share = R.choice([0.0, 0.3, 0.5, 0.8])
        nfuncs = R.randint(0, 6)
        self.funcs = [Func(i, R.random() < thumb_share, R.random() < 0.4) for i in range(nfuncs)]
        nchunks = R.randint(10, 40)
        self.straddle_len = 0
        if R.random() < 0.4:
            self.straddle_thumb = int(R.random() < 0.5)
            self.straddle_before = R.randint(0, 6)
            self.straddle_len = (2 + 2 * self.straddle_before if self.straddle_thumb
                                 else 4 * self.straddle_before)

        self.lines += [
            f"/* tests/fuzzprog/gen.py {self.seed}: mode={self.mode} mmu={self.mmu_mode} "
            f"align={self.align_mode} thumb={thumb_share} functions={nfuncs} chunks={nchunks} */",
            "\t.syntax unified", "\t.arch armv7-a", "\t.arch_extension mp", "\t.fpu vfpv3", "\t.text"]
        self.prologue()
        for _ in range(nchunks):
            if R.random() < thumb_share * 0.5 or (self.thumb and R.random() < 0.3):
                if (R.random() < thumb_share) != self.thumb:
                    self.switch_state()
            self.chunk()
        self.emit(f"svc #0x{SVC_END:x}")
        self.emit("b .")
        self.emit(".size prog_main, . - prog_main")
        for f in self.funcs:
            self.function(f)
        if self.straddle_len:
            self.straddle_function()
        self.lines += ["", "\t.section .rodata", "\t.balign 4", "\t.global fp_seed",
                       f"fp_seed:\n\t.word {self.seed & 0xFFFFFFFF}", ""]
        return "\n".join(self.lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("seed", type=int)
    ap.add_argument("-o", "--output", help="write here instead of stdout")
    args = ap.parse_args()
    text = Gen(args.seed).program()
    if args.output:
        with open(args.output, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
