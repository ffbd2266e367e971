# captive: the one build entry point.
#
#   make run     install missing Debian packages, build, run the demo guest
#   make test    install missing Debian packages, build, run every test
#   make         build only (assumes the packages are there)
#   make test SANITIZE=address,undefined
#                the same tests on a sanitizer build, in build/san/
#
# Quiet unless V=1. Everything generated lands under build/ (guest programs
# under tests/guest/build/).

V ?= 0
Q := $(if $(filter 1,$(V)),,@)
say = $(if $(filter 1,$(V)),,@printf '  %-7s %s\n' $(1) $(2);)

# SANITIZE=address,undefined (any -fsanitize= list): host side and hosted
# engines instrumented, the bare-metal engine with UBSan in trap mode; in a
# build directory of its own, so the normal build stays as it is.
SANITIZE ?=
B := $(if $(SANITIZE),build/san,build)
CC := gcc
ARCH_CC := arm-none-eabi-gcc

WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wpointer-arith -Wvla
OPT ?= -O2
COMMON_CFLAGS := $(OPT) -g -std=gnu11 $(WARN) -MMD -MP -Iinclude
SAN_FLAGS := $(if $(SANITIZE),-fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer)

# ---- host side: framework, platforms, plugin host halves -----------------
HOST_CFLAGS := $(COMMON_CFLAGS) $(SAN_FLAGS) -D_GNU_SOURCE -pthread -Iframework -Iplatforms/include
HOST_LIBS := $(SAN_FLAGS) -linih -lfdt -lunwind -lunwind-x86_64 -lcapstone -ldl -lpthread -lm

FRAMEWORK_SRC := $(wildcard framework/*.c)
PLATFORM_SRC := $(wildcard platforms/*.c platforms/*/*.c)
FRAMEWORK_OBJ := $(FRAMEWORK_SRC:%.c=$(B)/obj/host/%.o)
PLATFORM_OBJ := $(PLATFORM_SRC:%.c=$(B)/obj/host/%.o)
# everything but main(): linked into captive and into the unit tests
LIBHOST_OBJ := $(filter-out $(B)/obj/host/framework/main.o,$(FRAMEWORK_OBJ)) $(PLATFORM_OBJ)

PLUGIN_DIRS := $(sort $(patsubst plugins/%/host/,%,$(dir $(wildcard plugins/*/host/*.c))))
PLUGIN_SOS := $(PLUGIN_DIRS:%=$(B)/plugins/%.so)

# ---- engine: freestanding, built hosted (.so) and bare-metal (.elf) -------
ENGINE_CFLAGS := $(COMMON_CFLAGS) -ffreestanding -fno-stack-protector -fno-omit-frame-pointer \
	-fvisibility=hidden -fno-strict-aliasing -Iengine/include -Iengine/arch -mno-red-zone
HOSTED_CFLAGS := $(ENGINE_CFLAGS) $(SAN_FLAGS) -fPIC -DENGINE_HOSTED=1
BARE_CFLAGS := $(ENGINE_CFLAGS) -fno-pic -fno-pie -mcmodel=kernel -DENGINE_BAREMETAL=1 \
	-fno-asynchronous-unwind-tables \
	$(if $(findstring undefined,$(SANITIZE)),-fsanitize=undefined -fsanitize-undefined-trap-on-error)
# A sanitized hosted engine takes the sanitizer runtime from the program
# that dlopens it, so its undefined symbols are resolved there.
HOSTED_LDFLAGS := $(if $(SANITIZE),,-Wl,--no-undefined)

MMUS := $(patsubst plugins/mmu-%/engine/,%,$(sort $(dir $(wildcard plugins/mmu-*/engine/*.c))))
EXECS := $(patsubst plugins/exec-%/engine/,%,$(sort $(dir $(wildcard plugins/exec-*/engine/*.c))))
PAIRS := $(foreach m,$(MMUS),$(foreach e,$(EXECS),$(m)-$(e)))

ENGINE_COMMON_SRC := $(wildcard engine/core/*.c engine/arch/arm/*.c plugins/io-*/engine/*.c)
HOSTED_PLAT_SRC := $(wildcard engine/plat/hosted/*.c)
BARE_PLAT_SRC := $(wildcard engine/plat/baremetal/*.c engine/plat/baremetal/*.S)
BARE_LDS := engine/plat/baremetal/engine.ld

hobj = $(patsubst %,$(B)/obj/hosted/%.o,$(basename $(1)))
bobj = $(patsubst %,$(B)/obj/bare/%.o,$(basename $(1)))
pair_src = $(ENGINE_COMMON_SRC) $(wildcard plugins/mmu-$(word 1,$(subst -, ,$(1)))/engine/*.c) \
	$(wildcard plugins/exec-$(word 2,$(subst -, ,$(1)))/engine/*.c)

HOSTED_ENGINES := $(PAIRS:%=$(B)/engine/process/%.so)
HOSTED_LIBS := $(PAIRS:%=$(B)/engine/process/lib%.a)
BARE_ENGINES := $(if $(BARE_PLAT_SRC),$(PAIRS:%=$(B)/engine/kvm/%.elf))

CAPTIVE := $(B)/captive

# `make` alone builds everything; mk/images.mk's targets are asked for by name.
.DEFAULT_GOAL := all
# Objects are made by pattern rules chained through .SECONDEXPANSION, which
# would make them intermediate files that make deletes after each run (so the
# next run compiles everything again): keep every target.
.SECONDARY:

include mk/images.mk
include mk/fuzz.mk

# ---- device trees: platforms/<board>/<board>.dts -> build/<board>.dtb ----
DTS_SRC := $(wildcard platforms/*/*.dts)
DTBS := $(patsubst %.dts,$(B)/%.dtb,$(notdir $(DTS_SRC)))
vpath %.dts $(sort $(dir $(DTS_SRC)))

.PHONY: all run test test-all deps guest bench bench-mech ablate clean fuzz-cpu fuzz-programs soak
all: $(CAPTIVE) $(PLUGIN_SOS) $(HOSTED_ENGINES) $(HOSTED_LIBS) $(BARE_ENGINES) unit-tests $(DTBS)

deps:
	$(Q)scripts/setup-deps.sh

$(CAPTIVE): $(FRAMEWORK_OBJ) $(PLATFORM_OBJ)
	$(call say,LINK,$@)
	$(Q)$(CC) -rdynamic -o $@ $^ $(HOST_LIBS)

$(B)/%.dtb: %.dts
	$(call say,DTC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)dtc -I dts -O dtb -o $@ $<

$(B)/obj/host/%.o: %.c
	$(call say,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(HOST_CFLAGS) -fPIC -c -o $@ $<

$(B)/plugins/%.so: $(B)/obj/host/plugins/%/host/host.o
	$(call say,PLUGIN,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -shared -fvisibility=hidden $(HOSTED_LDFLAGS) -o $@ $^ -lpthread

$(B)/obj/hosted/%.o: %.c
	$(call say,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(HOSTED_CFLAGS) -c -o $@ $<

$(B)/obj/bare/%.o: %.c
	$(call say,CC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(BARE_CFLAGS) -c -o $@ $<

$(B)/obj/bare/%.o: %.S
	$(call say,AS,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(BARE_CFLAGS) -c -o $@ $<

.SECONDEXPANSION:
$(B)/engine/process/%.so: $$(call hobj,$$(call pair_src,$$*) $(HOSTED_PLAT_SRC))
	$(call say,ENGINE,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -shared -nostdlib $(HOSTED_LDFLAGS) -Wl,-z,noexecstack -o $@ $^ -lgcc

$(B)/engine/process/lib%.a: $$(call hobj,$$(call pair_src,$$*) $(HOSTED_PLAT_SRC))
	$(call say,AR,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/engine/kvm/%.elf: $$(call bobj,$$(call pair_src,$$*) $(BARE_PLAT_SRC)) $(BARE_LDS)
	$(call say,ENGINE,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -nostdlib -static -no-pie -Wl,-T,$(BARE_LDS) -Wl,-z,noexecstack \
		-Wl,-z,max-page-size=4096 -o $@ $(filter %.o,$^) -lgcc

# ---- tests ---------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/test_*.c)
# test_engine_*.c suites run once per mmu x exec pair (the conformance suites)
UNIT_HOST_SRC := $(filter-out tests/unit/test_engine_%,$(UNIT_SRC))
UNIT_ENGINE_SRC := $(filter tests/unit/test_engine_%,$(UNIT_SRC))
UNIT_HOST_BINS := $(UNIT_HOST_SRC:tests/unit/%.c=$(B)/tests/%)
UNIT_ENGINE_BINS := $(foreach p,$(PAIRS),$(UNIT_ENGINE_SRC:tests/unit/%.c=$(B)/tests/%-$(p)))
# shared test scaffolding (fake board, Check main), linked into every unit test
UNIT_SUPPORT_OBJ := $(patsubst %.c,$(B)/obj/host/%.o,$(wildcard tests/unit/support/*.c))
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

.PHONY: unit-tests
unit-tests: $(UNIT_HOST_BINS) $(UNIT_ENGINE_BINS)

$(B)/tests/test_%: $(B)/obj/host/tests/unit/test_%.o $(UNIT_SUPPORT_OBJ) $(LIBHOST_OBJ)
	$(call say,LINK,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) -rdynamic -o $@ $^ $(CHECK_LIBS) $(HOST_LIBS)

$(B)/obj/host/tests/unit/test_engine_%.o: HOST_CFLAGS += -Iengine/include -Iengine/arch
$(B)/tests/test_diff_unicorn: HOST_LIBS += -lunicorn
$(B)/obj/host/tests/unit/test_x86_emit.o: HOST_CFLAGS += -Iplugins/exec-jit/engine
define engine_test_rule
$(B)/tests/test_engine_$(1)-$(2): $(B)/obj/host/tests/unit/test_engine_$(1).o $(UNIT_SUPPORT_OBJ) \
		$(B)/engine/process/lib$(2).a $(LIBHOST_OBJ)
	$$(call say,LINK,$$@)
	$(Q)mkdir -p $$(dir $$@)
	$(Q)$(CC) -o $$@ $$^ $(CHECK_LIBS) $(HOST_LIBS)
endef
$(foreach t,$(UNIT_ENGINE_SRC:tests/unit/test_engine_%.c=%),$(foreach p,$(PAIRS),$(eval $(call engine_test_rule,$(t),$(p)))))

guest:
	$(Q)$(MAKE) --no-print-directory -C tests/guest V=$(V)

test: deps
	$(Q)$(MAKE) --no-print-directory all guest images
	$(Q)BUILD=$(B) tests/run.sh

# make fuzz-cpu N=<sequences> [SEED=<n>] [GEN=a32|t32|vfp] [ENGINE=softtlb-jit]:
# the Unicorn differential test at any length (N sequences per generator and
# engine build), with a random seed unless one is given; the seed is printed
# for reproduction.
fuzz-cpu: N ?= 100000
fuzz-cpu: all
	$(Q)seed=$${SEED:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	echo "fuzz-cpu: N=$(N) SEED=$$seed$(if $(GEN), GEN=$(GEN))"; \
	BUILD=$(B) CK_FORK=no CAPTIVE_DIFF_SEQS=$(N) CAPTIVE_DIFF_SEED=$$seed CAPTIVE_DIFF_GEN=$(GEN) \
		CAPTIVE_DIFF_ENGINE=$(ENGINE) $(B)/tests/test_diff_unicorn

# make fuzz-programs [N=100] [SEED=<n>]: random bare-metal programs
# (tests/fuzzprog/) under QEMU and every hosted engine build, transcripts
# compared; the seed is printed, differing programs are kept in
# $(B)/fuzzprog/fail-<seed>/.
fuzz-programs: N ?= 100
fuzz-programs: all
	$(Q)tests/fuzzprog/run.py -n $(N) $(if $(SEED),--seed $(SEED)) --build $(B) \
		--out $(B)/fuzzprog

# make soak [N=3] [SOAK_ARGS="--workloads lua,xz ..."]: one Linux boot per
# configuration runs the workloads N times; outputs checked every pass, RSS
# and open descriptors sampled after each (tests/soak/soak.py, $(B)/soak/).
soak: N ?= 3
soak: deps
	$(Q)$(MAKE) --no-print-directory all images
	$(Q)tests/soak/soak.py -n $(N) --build $(B) $(SOAK_ARGS)

test-all: deps
	$(Q)$(MAKE) --no-print-directory all guest
	$(Q)BUILD=$(B) CAPTIVE_TEST_ALL=1 tests/run.sh

# make run [CONFIG=configs/x.ini] [KERNEL=bare-metal.elf] [APPEND="captive.workload=lua"]
CONFIG ?= configs/baseline.ini
KERNEL ?=
run: deps
	$(Q)$(MAKE) --no-print-directory all guest images
	$(Q)APPEND="$(APPEND)" scripts/run-demo.sh $(CONFIG) $(KERNEL)

bench: deps
	$(Q)$(MAKE) --no-print-directory all guest
	$(Q)$(MAKE) --no-print-directory -C bench V=$(V)
	$(Q)bench/run.sh

# make bench-mech [MECH_SIDES="baseline-process ..."] [MECH_RUNS=3] [MECH_SCALE=100]:
# the mechanism benchmarks side by side with QEMU (bench/mech/run.sh; its
# default sides when MECH_SIDES is empty), MECH_SCALE percent of each default
# iteration count.
MECH_SIDES ?=
MECH_RUNS ?= 3
MECH_SCALE ?= 100
bench-mech: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory -C bench mech V=$(V) MECH_SCALE=$(MECH_SCALE)
	$(Q)bench/mech/run.sh -n $(MECH_RUNS) $(MECH_SIDES)

# make ablate [ABLATE_ARGS="--budget 600 ..."]: the default ablation study
# (bench/ablate.py: captive-full, every configs/ablate-*.ini, the baseline
# family and auto.ini, against QEMU) into build/ablate/study; rerunning
# resumes it. The report is build/ablate/study/report.html.
ABLATE_ARGS ?=
ablate: deps
	$(Q)$(MAKE) --no-print-directory all guest images
	$(Q)$(MAKE) --no-print-directory -C bench all mech V=$(V)
	$(Q)bench/ablate.py $(ABLATE_ARGS)

clean:
	$(Q)rm -rf $(B) tests/guest/build bench/build

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)
