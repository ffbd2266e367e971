# Debian ARM Linux guest images and the Linux side-by-side harness; included
# by the top-level Makefile (uses its B, Q and V).
#
#   make images          build/images/: zImage, initramfs.cpio.gz, disk.ext4 and
#                        the package manifest, from Debian's armhf packages
#                        (scripts/mkimages.sh; cached, rebuilt when inputs change)
#   make images-refresh  the same, asking apt for the current package versions
#   make bench-linux     the Linux workloads side by side (bench/linux/run.py):
#                        LINUX_SIDES="qemu captive-full baseline" LINUX_RUNS=3
#   make golden-linux    rewrite guest/golden/*.out from the reference QEMU

LINUX_SIDES ?= qemu
LINUX_RUNS ?= 3
LINUX_BENCH_FLAGS ?=

.PHONY: images images-refresh bench-linux golden-linux

images:
	$(Q)scripts/mkimages.sh

images-refresh:
	$(Q)IMAGES_REFRESH=1 scripts/mkimages.sh

bench-linux: images $(B)/vexpress-a9.dtb
	$(Q)bench/linux/run.py --runs $(LINUX_RUNS) --out $(B)/bench $(LINUX_BENCH_FLAGS) $(LINUX_SIDES)

golden-linux: images $(B)/vexpress-a9.dtb
	$(Q)bench/linux/run.py --runs 1 --update-golden --out $(B)/bench $(LINUX_BENCH_FLAGS) qemu
