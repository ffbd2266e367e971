/* Check suite: plugin discovery and every way loading one can fail. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugins.h"
#include "support/check_main.h"

static char dir[64];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/captive-plugins-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("CAPTIVE_PLUGIN_PATH", dir, 1);
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void install(const char *from, const char *as)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "cp %s %s/%s", from, dir, as);
	ck_assert_int_eq(system(cmd), 0);
}

/* A file of the build under test (check_build_dir). */
static const char *built(const char *rel)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", check_build_dir(), rel);
	return path;
}

START_TEST(loads_each_built_plugin)
{
	setenv("CAPTIVE_PLUGIN_PATH", built("plugins"), 1);
	struct plugin_handle h;
	ck_assert_int_eq(plugin_load(&h, CAPTIVE_AXIS_MMU, "softtlb"), 0);
	ck_assert_str_eq(h.desc->name, "softtlb");
	ck_assert_ptr_null(h.desc->io_host);
	plugin_unload(&h);
	ck_assert_int_eq(plugin_load(&h, CAPTIVE_AXIS_EXEC, "interp"), 0);
	plugin_unload(&h);
	ck_assert_int_eq(plugin_load(&h, CAPTIVE_AXIS_IO, "barrier"), 0);
	ck_assert_ptr_nonnull(h.desc->io_host);
	ck_assert_ptr_nonnull(h.desc->io_host->start);
	plugin_unload(&h);
	ck_assert_int_eq(plugin_load(&h, CAPTIVE_AXIS_IO, "mmio-exit"), 0);
	ck_assert_ptr_null(h.desc->io_host);
	plugin_unload(&h);
}
END_TEST

START_TEST(missing_plugin)
{
	struct plugin_handle h;
	ck_assert_int_eq(plugin_load(&h, CAPTIVE_AXIS_MMU, "nonesuch"), -ENOENT);
	ck_assert_ptr_null(h.desc);
}
END_TEST

START_TEST(search_path_order)
{
	install(built("plugins/io-barrier.so"), "io-barrier.so");
	struct plugin_handle h;
	ck_assert_int_eq(plugin_load(&h, CAPTIVE_AXIS_IO, "barrier"), 0);
	ck_assert_ptr_nonnull(strstr(h.path, dir));
	plugin_unload(&h);
}
END_TEST

START_TEST(wrong_identity)
{
	install(built("plugins/io-barrier.so"), "mmu-softtlb.so");
	struct plugin_handle h;
	ck_assert_int_eq(plugin_load(&h, CAPTIVE_AXIS_MMU, "softtlb"), -EINVAL);
	ck_assert_ptr_null(h.desc);
}
END_TEST

START_TEST(not_a_shared_object)
{
	install("/bin/true", "exec-interp.so");
	struct plugin_handle h;
	ck_assert_int_eq(plugin_load(&h, CAPTIVE_AXIS_EXEC, "interp"), -EINVAL);
}
END_TEST

START_TEST(shared_object_without_abi)
{
	install(built("engine/process/softtlb-interp.so"), "exec-interp.so");
	struct plugin_handle h;
	ck_assert_int_eq(plugin_load(&h, CAPTIVE_AXIS_EXEC, "interp"), -EINVAL);
}
END_TEST

START_TEST(wrong_abi_version)
{
	char src[128], cmd[512];
	snprintf(src, sizeof(src), "%s/old.c", dir);
	FILE *f = fopen(src, "w");
	ck_assert_ptr_nonnull(f);
	fputs("const unsigned captive_plugin_abi = 999;\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cc -shared -fPIC -o %s/mmu-softtlb.so %s", dir, src);
	ck_assert_int_eq(system(cmd), 0);
	struct plugin_handle h;
	ck_assert_int_eq(plugin_load(&h, CAPTIVE_AXIS_MMU, "softtlb"), -EINVAL);
	ck_assert_ptr_null(h.desc);
}
END_TEST

static Suite *plugins_suite(void)
{
	Suite *s = suite_create("plugins");
	TCase *tc = tcase_create("load");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, loads_each_built_plugin);
	tcase_add_test(tc, missing_plugin);
	tcase_add_test(tc, search_path_order);
	tcase_add_test(tc, wrong_identity);
	tcase_add_test(tc, not_a_shared_object);
	tcase_add_test(tc, shared_object_without_abi);
	tcase_add_test(tc, wrong_abi_version);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run_suite(plugins_suite());
}
