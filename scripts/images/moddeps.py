#!/usr/bin/env python3
"""Print the kernel modules to load for the named ones, dependencies first.

Usage: moddeps.py MODULES_DIR NAME...

MODULES_DIR is an unpacked lib/modules/<version>. Debian's kernel package
ships no modules.dep (depmod runs at install time), and the host may have no
kmod, so the dependencies are read from each module's own .modinfo section
(its "depends=" list). Soft dependencies ("softdep=pre: X") must be met by a
module among those printed, by name or alias; otherwise this fails and names
what is missing, since a module loaded without them fails only later, in the
guest (ext4 needs a crc32c provider to mount); name providers first.

Output: one path per line, relative to MODULES_DIR, in load order.
"""
import os
import struct
import sys


def modinfo(path):
    """The key=value strings of the ELF32 module's .modinfo section."""
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 1 or elf[5] != 1:
        raise ValueError(f"{path}: not a little-endian ELF32 file")
    shoff, = struct.unpack_from("<I", elf, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", elf, 0x2E)

    def section(i):
        name, _type, _flags, _addr, off, size = struct.unpack_from(
            "<IIIIII", elf, shoff + i * shentsize)
        return name, off, size

    _, stroff, _ = section(shstrndx)
    for i in range(shnum):
        name, off, size = section(i)
        end = elf.index(b"\0", stroff + name)
        if elf[stroff + name:end] == b".modinfo":
            return [s.decode() for s in elf[off:off + size].split(b"\0") if s]
    raise ValueError(f"{path}: no .modinfo section")


def canonical(name):
    return name.replace("-", "_")


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    root, wanted = sys.argv[1], sys.argv[2:]

    paths = {}
    for dirpath, _dirs, files in os.walk(os.path.join(root, "kernel")):
        for f in files:
            if f.endswith(".ko"):
                paths[canonical(f[:-3])] = os.path.join(dirpath, f)

    order, info, visiting = [], {}, set()

    def visit(name, wanted_by):
        name = canonical(name)
        if name in info:
            return
        if name in visiting:
            raise ValueError(f"module dependency cycle through {name}")
        if name not in paths:
            raise ValueError(f"module {name} (wanted by {wanted_by}) not found "
                             f"under {root}/kernel (built in, or misspelt?)")
        visiting.add(name)
        fields = modinfo(paths[name])
        for field in fields:
            if field.startswith("depends="):
                for dep in filter(None, field[len("depends="):].split(",")):
                    visit(dep, name)
        visiting.discard(name)
        info[name] = fields
        order.append(name)

    try:
        for name in wanted:
            visit(name, "the command line")
    except ValueError as e:
        print(f"moddeps: {e}", file=sys.stderr)
        return 1

    # a "pre" soft dependency must be met by a module loaded earlier
    provided, missing = set(), []
    for name in order:
        for field in info[name]:
            if not field.startswith("softdep="):
                continue
            pre = False
            for w in field[len("softdep="):].split():
                if w in ("pre:", "post:"):
                    pre = w == "pre:"
                elif pre and canonical(w) not in provided:
                    missing.append(f"{name} needs {w} loaded first")
        provided.add(name)
        provided.update(canonical(f[len("alias="):]) for f in info[name]
                        if f.startswith("alias="))
    if missing:
        print("moddeps: soft dependencies not met: " + "; ".join(missing) +
              " (name a module that provides them, before the one that needs them)", file=sys.stderr)
        return 1

    for name in order:
        print(os.path.relpath(paths[name], root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
