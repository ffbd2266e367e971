# libFuzzer harnesses (tests/fuzz/<name>.c) built with clang, AddressSanitizer
# and UndefinedBehaviorSanitizer into build/fuzz/<name>. Not part of `all`,
# so plain `make` and `make test` need no clang:
#
#   make fuzz [FUZZ_S=60] [FUZZ=decode]   install clang if missing, build, run
#                                         each harness FUZZ_S seconds
#   make fuzz-build                       build only (the regression replay,
#                                         tests/integration/fuzz_regress.sh)
#   make fuzz-plants [PLANT_S=300] [PLANTS="config dtb"]
#                                         apply each bug planted on purpose
#                                         (tests/fuzz/plants/) to a worktree
#                                         of HEAD, show its harness finds it
#
# The project's sources are compiled again here, with coverage
# instrumentation and the sanitizers, under build/fuzz/obj/ (never build/obj/,
# whose objects the unit tests link).

FUZZ_CC ?= clang
FUZZ_S ?= 60
FUZZ ?= $(FUZZ_HARNESSES)
FUZZ_HARNESSES := config loader dtb virtio devices decode
PLANT_S ?= 300
PLANTS ?= $(FUZZ_HARNESSES)
FUZZ_DIR := $(B)/fuzz
FUZZ_BINS := $(FUZZ_HARNESSES:%=$(FUZZ_DIR)/%)

# UBSan findings abort like ASan's, so libFuzzer keeps them as crashes.
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -g -O1 -std=gnu11 $(WARN) -MMD -MP -Iinclude $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_HOST_CFLAGS := $(FUZZ_CFLAGS) -D_GNU_SOURCE -pthread -Iframework -Iplatforms/include \
	-Itests/fuzz/support
# The decoders as the engine builds them, but hosted (libc's memset behind
# rt.h) and without -mcmodel.
FUZZ_ENGINE_CFLAGS := $(FUZZ_CFLAGS) -ffreestanding -fno-strict-aliasing -Iengine/include \
	-Iengine/arch -DENGINE_HOSTED=1

fobj = $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(1))

FUZZ_SUPPORT_OBJ := $(call fobj,tests/fuzz/support/fuzz_support.c)
FUZZ_BOARD_OBJ := $(call fobj,tests/fuzz/support/fuzz_board.c $(PLATFORM_SRC))
FUZZ_DECODE_SRC := $(addprefix engine/arch/arm/,decode_a32.c decode_t32.c decode_vfp.c vfp.c)

# What each harness links besides its own object and fuzz_support.o.
fuzz_objs_config := $(call fobj,framework/config.c)
fuzz_objs_loader := $(call fobj,framework/loader.c framework/dtb.c) $(FUZZ_BOARD_OBJ)
fuzz_objs_dtb := $(call fobj,framework/dtb.c) $(FUZZ_BOARD_OBJ)
fuzz_objs_virtio := $(FUZZ_BOARD_OBJ)
fuzz_objs_devices := $(FUZZ_BOARD_OBJ)
fuzz_objs_decode := $(call fobj,$(FUZZ_DECODE_SRC))

FUZZ_ALL_OBJ := $(sort $(FUZZ_SUPPORT_OBJ) $(call fobj,$(FUZZ_HARNESSES:%=tests/fuzz/%.c)) \
	$(foreach h,$(FUZZ_HARNESSES),$(fuzz_objs_$(h))))

.PHONY: fuzz fuzz-build fuzz-deps fuzz-plants

fuzz-deps:
	$(Q)scripts/setup-deps.sh fuzz

fuzz: fuzz-deps
	$(Q)$(MAKE) --no-print-directory fuzz-build
	$(Q)BUILD=$(B) FUZZ_S=$(FUZZ_S) tests/fuzz/run.sh $(FUZZ)

fuzz-build: $(FUZZ_BINS)

# Builds in its own worktree (build/fuzz/plant-wt/), not from this tree's
# objects: the plants must not leak into build/fuzz/.
fuzz-plants: fuzz-deps
	$(Q)PLANT_S=$(PLANT_S) tests/fuzz/plants.sh $(PLANTS)

$(FUZZ_DIR)/obj/engine/%.o: engine/%.c
	$(call say,FUZZCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_ENGINE_CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/obj/tests/fuzz/decode.o: FUZZ_HOST_CFLAGS += -Iengine/include -Iengine/arch
$(FUZZ_DIR)/obj/%.o: %.c
	$(call say,FUZZCC,$<)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_HOST_CFLAGS) -c -o $@ $<

define fuzz_link_rule
$(FUZZ_DIR)/$(1): $(call fobj,tests/fuzz/$(1).c) $(FUZZ_SUPPORT_OBJ) $(fuzz_objs_$(1))
	$$(call say,FUZZLD,$$@)
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -pthread -o $$@ $$^ -linih -lfdt
endef
$(foreach h,$(FUZZ_HARNESSES),$(eval $(call fuzz_link_rule,$(h))))

-include $(FUZZ_ALL_OBJ:.o=.d)
