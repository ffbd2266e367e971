#!/usr/bin/env python3
"""Write a directory tree as a cpio archive in the "newc" format the Linux
initramfs loader reads, to stdout.

Usage: mkcpio.py DIR [--node PATH:TYPE:MAJOR:MINOR:MODE ...] > out.cpio

Everything is owned by root and stamped with mtime 0, and entries come in
sorted order, so the same tree always gives the same bytes (the image cache
and the golden outputs rely on reproducible images). --node adds a device
node (TYPE c or b) that the tree cannot hold without root: the kernel needs
/dev/console before /init runs, when devtmpfs is not mounted yet.
"""
import argparse
import os
import stat
import sys

NEWC_MAGIC = b"070701"


def pad4(n):
    return (4 - n % 4) % 4


class CpioWriter:
    def __init__(self, out):
        self.out = out
        self.ino = 1

    def entry(self, name, mode, data=b"", rdev=(0, 0), nlink=1):
        encoded = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(encoded), 0]
        self.ino += 1
        header = NEWC_MAGIC + b"".join(b"%08X" % f for f in fields)
        self.out.write(header + encoded + b"\0" * pad4(len(header) + len(encoded)))
        self.out.write(data + b"\0" * pad4(len(data)))

    def trailer(self):
        self.ino = 0
        self.entry("TRAILER!!!", 0)


def walk_sorted(root):
    """Yield paths relative to root, each directory before its contents."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        rel = os.path.relpath(dirpath, root)
        names = sorted(filenames + [d for d in dirnames
                                    if os.path.islink(os.path.join(dirpath, d))])
        if rel != ".":
            yield rel
        for name in names:
            yield os.path.normpath(os.path.join(rel, name))


def parse_node(spec):
    parts = spec.split(":")
    if len(parts) != 5 or parts[1] not in ("c", "b"):
        raise argparse.ArgumentTypeError(
            f"--node {spec!r}: expected PATH:c|b:MAJOR:MINOR:OCTAL_MODE")
    path, kind, major, minor, mode = parts
    fmt = stat.S_IFCHR if kind == "c" else stat.S_IFBLK
    return path.strip("/"), fmt | int(mode, 8), (int(major), int(minor))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root")
    ap.add_argument("--node", action="append", type=parse_node, default=[])
    args = ap.parse_args()
    if not os.path.isdir(args.root):
        print(f"mkcpio: {args.root}: not a directory", file=sys.stderr)
        return 1

    out = sys.stdout.buffer
    writer = CpioWriter(out)
    seen = set()
    for rel in walk_sorted(args.root):
        path = os.path.join(args.root, rel)
        st = os.lstat(path)
        perm = stat.S_IMODE(st.st_mode)
        if stat.S_ISLNK(st.st_mode):
            writer.entry(rel, stat.S_IFLNK | 0o777, os.readlink(path).encode())
        elif stat.S_ISDIR(st.st_mode):
            writer.entry(rel, stat.S_IFDIR | perm, nlink=2)
        elif stat.S_ISREG(st.st_mode):
            with open(path, "rb") as f:
                writer.entry(rel, stat.S_IFREG | perm, f.read())
        else:
            print(f"mkcpio: {path}: not a file, directory or symlink", file=sys.stderr)
            return 1
        seen.add(rel)
    for path, mode, rdev in args.node:
        if path in seen:
            print(f"mkcpio: --node {path}: already in the tree", file=sys.stderr)
            return 1
        if os.path.dirname(path) and os.path.dirname(path) not in seen:
            print(f"mkcpio: --node {path}: parent directory not in the tree",
                  file=sys.stderr)
            return 1
        writer.entry(path, mode, rdev=rdev)
    writer.trailer()
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
