#!/usr/bin/env python3
"""Seed inputs for the fuzz harnesses, in each harness's input format.

  mkseeds.py hand DIR    the small hand-made seeds committed under
                         tests/fuzz/corpus/<name>/ (rerun after changing a
                         harness's format; needs dtc)
  mkseeds.py built DIR   seeds made at fuzz time from build artifacts and
                         sources that are not worth committing as binaries:
                         the guest test programs (tests/guest/build/*.elf,
                         when built) and the board's device tree (dtc)

The formats are documented at the top of each tests/fuzz/<name>.c.
"""
import glob
import os
import struct
import subprocess
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RAM = 0x60000000


def dtc(source):
    return subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "-", "-"],
                          input=source.encode(), stdout=subprocess.PIPE, check=True).stdout


def dtc_file(path):
    return subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", "-", path],
                          stdout=subprocess.PIPE, check=True).stdout


SMALL_DTS = """/dts-v1/;
/ {
	compatible = "arm,vexpress,v2p-ca9";
	#address-cells = <%(cells)d>;
	#size-cells = <%(cells)d>;
	interrupt-parent = <&gic>;
	chosen { stdout-path = "serial0:38400n8"; %(chosen)s };
	memory@60000000 { device_type = "memory"; reg = <%(reg)s>; };
	gic: interrupt-controller@1e001000 { compatible = "arm,cortex-a9-gic"; };
};
"""


def small_dtb(cells=1, chosen=""):
    reg = "0x60000000 0x20000000" if cells == 1 else "0 0x60000000 0 0x20000000"
    return dtc(SMALL_DTS % {"cells": cells, "chosen": chosen, "reg": reg})


# ---- loader: u8 ram, u8 flags, u16 dtb_len, u16 initrd_len, u8 cmd_len, u8 ram_hi ----
def loader_input(kernel, mib=1, flags=0, dtb=b"", initrd=b"", cmdline=b""):
    pages = mib * 256 - 1
    return struct.pack("<BBHHBB", pages & 0xff, flags, len(dtb), len(initrd), len(cmdline),
                       pages >> 8) + dtb + initrd + cmdline + kernel


def tiny_elf(paddr=RAM + 0x10000, code=b"\xfe\xff\xff\xea", memsz=64):
    ehdr = struct.pack("<16sHHIIIIIHHHHHH", b"\x7fELF\x01\x01\x01" + bytes(9), 2, 40, 1,
                       paddr, 52, 0, 0x5000000, 52, 32, 1, 40, 0, 0)
    phdr = struct.pack("<IIIIIIII", 1, 84, paddr, paddr, len(code), memsz, 7, 4)
    return ehdr + phdr + code


def tiny_zimage(endian=0x04030201, length=128):
    img = bytearray((i * 13 + 1) & 0xff for i in range(length))
    img[0x24:0x28] = struct.pack("<I", 0x016F2818)
    img[0x30:0x34] = struct.pack("<I", endian)
    return bytes(img)


# ---- dtb: u8 flags, u32 ram_size, u64 initrd_start, u32 initrd_len, u8 args_len, u32 0 ----
def dtb_input(blob, flags=3, ram_size=0x20000000, initrd=RAM + 0x8000000, initrd_len=0x100000,
              bootargs=b"console=ttyAMA0"):
    return struct.pack("<BIQIBI", flags, ram_size, initrd, initrd_len, len(bootargs), 0) + \
        bootargs + blob


# ---- virtio: u8 sectors, u8 flags, then operations ----
def v_up(qsize=8, features=0x1f):
    return bytes([8, qsize, features])


def v_req(kind, sector=0, segs=1, length=512):
    return bytes([11, kind]) + struct.pack("<IBH", sector, segs, length)


def v_desc(index, offset, length, flags, nxt):
    return bytes([4, index]) + struct.pack("<HIHH", offset, length, flags, nxt)


def v_avail(head):
    return bytes([6]) + struct.pack("<H", head)


V_NOTIFY0 = bytes([7, 0, 0, 0, 0])


# ---- devices: u8 flags, then operations ----
def d_dev(device, offset, value=0, size=4, write=True):
    return bytes([1 if write else 0, device]) + struct.pack("<HBI", offset, size, value)


def d_tick(amount, scale):
    return bytes([4]) + struct.pack("<HB", amount, scale)


SYSREG, SP810, UART, TIMER01, TIMER23, RTC, SCU, GICC, GICD, VIRTIO = range(10)


def hand(out):
    seeds = {}
    seeds["loader"] = {
        "elf": loader_input(tiny_elf()),
        "elf-bss": loader_input(tiny_elf(memsz=0x10000), mib=1),
        "zimage": loader_input(tiny_zimage(), mib=4, flags=0x0f, dtb=small_dtb(),
                               initrd=bytes(range(100)), cmdline=b"console=ttyAMA0"),
        "zimage-no-initrd": loader_input(tiny_zimage(), mib=1, flags=0x05, dtb=small_dtb(),
                                         cmdline=b"root=/dev/vda"),
        "zimage-be": loader_input(tiny_zimage(endian=0x01020304), flags=0x01, dtb=small_dtb()),
    }
    seeds["dtb"] = {
        "small": dtb_input(small_dtb()),
        "two-cells": dtb_input(small_dtb(cells=2), flags=7),
        "stale-initrd": dtb_input(small_dtb(chosen='linux,initrd-start = <0x61000000>; '
                                            'linux,initrd-end = <0x61100000>;'), flags=0),
    }
    seeds["virtio"] = {
        "rw": bytes([16, 0]) + v_up() + v_req(0, 1) + v_req(1, 2, 2) + v_req(4, 0, 0, 0) +
        v_req(8, 0, 1, 20),
        "readonly": bytes([16, 1]) + v_up(features=0x1f) + v_req(1, 0, 1, 512) + v_req(0, 15),
        "indirect": bytes([8, 0]) + v_up(4) + bytes([3]) + struct.pack("<HB", 0x5000, 32) +
        struct.pack("<QIHH", RAM + 0x4000, 16, 1, 1) + struct.pack("<QIHH", RAM + 0x4080, 1, 2, 0) +
        v_desc(0, 0x5000, 32, 4, 0) + v_avail(0) + V_NOTIFY0,
        "broken": bytes([4, 2]) + v_up(2) + v_desc(0, 0x4000, 16, 1, 0) + v_avail(0) + V_NOTIFY0 +
        v_avail(7) + V_NOTIFY0,
    }
    seeds["devices"] = {
        "uart": bytes([0]) + d_dev(UART, 0x30, 0x301) + d_dev(UART, 0, ord("h")) +
        d_dev(UART, 0, ord("i"), size=1) + bytes([5, ord("x")]) + d_dev(UART, 0, write=False) +
        d_dev(UART, 0x18, write=False),
        "gic-timer": bytes([0]) + d_dev(GICD, 0, 1) + d_dev(GICC, 0, 1) + d_dev(GICC, 4, 0xf0) +
        d_dev(GICD, 0x104, 0xffffffff) + d_dev(TIMER01, 0, 1000) + d_dev(TIMER01, 8, 0xe2) +
        d_tick(2000, 10) + d_dev(GICC, 0x0c, write=False) + d_dev(TIMER01, 0x0c, 1) +
        d_dev(GICC, 0x10, 34),
        "sysreg": bytes([1]) + d_dev(SYSREG, 0xa0, 0) + d_dev(SYSREG, 0xa4, 0x80110001) +
        d_dev(SYSREG, 0xa8, write=False) + d_dev(SYSREG, 0x5c, write=False) +
        d_dev(SYSREG, 0xa4, 0xc0800000),
        "rtc": bytes([0]) + d_dev(RTC, 0x10, 1) + d_dev(RTC, 0x04, 3) + d_tick(3, 30) +
        d_dev(RTC, 0x14, write=False) + bytes([7]) + d_dev(SP810, 0, 0x8000) +
        d_dev(SCU, 4, write=False),
    }
    words = [0xe1a00000, 0xe0910002, 0xe5912004, 0xe8bd8010, 0xeb000000, 0xf57ff06f,
             0xee300a01, 0xed910b02, 0xec510b10, 0xeef10a10, 0xe6bf0071, 0xe7df0011,
             0x4770bf00, 0xf8d1b002, 0xe92d4ff0, 0xbf08d001, 0xee300b01, 0xfb00f002]
    seeds["decode"] = {"mix": b"".join(struct.pack("<I", w) for w in words)}
    write(out, seeds)


def built(out):
    seeds = {"loader": {}, "dtb": {}}
    board = sorted(glob.glob(os.path.join(ROOT, "platforms", "*", "*.dts")))
    for dts in board:
        name = os.path.splitext(os.path.basename(dts))[0]
        blob = dtc_file(dts)
        seeds["dtb"][name] = dtb_input(blob)
        seeds["loader"]["zimage-" + name] = loader_input(tiny_zimage(4096), mib=16, flags=0x0d,
                                                         dtb=blob, cmdline=b"console=ttyAMA0")
    for elf in sorted(glob.glob(os.path.join(ROOT, "tests", "guest", "build", "*.elf"))):
        with open(elf, "rb") as f:
            seeds["loader"]["elf-" + os.path.basename(elf)] = loader_input(f.read(), mib=16)
    write(out, seeds)


def write(out, seeds):
    for harness, files in seeds.items():
        d = os.path.join(out, harness)
        os.makedirs(d, exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("hand", "built"):
        sys.exit(__doc__)
    {"hand": hand, "built": built}[sys.argv[1]](sys.argv[2])
