/* Plugin registry: dlopen'ed host halves, checked before use. */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugins.h"

const char *const plugin_axis_names[3] = { "mmu", "exec", "io" };

const char *plugins_exe_dir(void)
{
	static char dir[PATH_MAX];
	if (!dir[0]) {
		char exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n <= 0)
			return ".";
		exe[n] = '\0';
		snprintf(dir, sizeof(dir), "%s", dirname(exe));
	}
	return dir;
}

/* $CAPTIVE_PLUGIN_PATH, then plugins/ next to the executable. */
static void plugins_search_path(char *dirs, size_t size)
{
	const char *env = getenv("CAPTIVE_PLUGIN_PATH");
	snprintf(dirs, size, "%s%s%s/plugins", env ? env : "", env ? ":" : "", plugins_exe_dir());
}

/* Try each folder of the search path; returns 0 and the path of the first hit. */
static int plugins_find(char *out, size_t size, const char *file)
{
	char dirs[8192];
	plugins_search_path(dirs, sizeof(dirs));
	char *save = NULL;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, size, "%s/%s", d, file);
		if (access(out, F_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

static void plugins_print_installed(FILE *out, int axis_filter)
{
	char dirs[8192];
	plugins_search_path(dirs, sizeof(dirs));
	char *save = NULL;
	bool any = false;
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		DIR *dir = opendir(d);
		if (!dir)
			continue;
		struct dirent *e;
		while ((e = readdir(dir))) {
			size_t n = strlen(e->d_name);
			if (n < 4 || strcmp(e->d_name + n - 3, ".so"))
				continue;
			for (int a = 0; a < 3; a++) {
				size_t al = strlen(plugin_axis_names[a]);
				if ((axis_filter >= 0 && a != axis_filter) ||
				    strncmp(e->d_name, plugin_axis_names[a], al) || e->d_name[al] != '-')
					continue;
				fprintf(out, "%s%.*s", any ? ", " : "", (int)(n - al - 4), e->d_name + al + 1);
				any = true;
			}
		}
		closedir(dir);
	}
	if (!any)
		fprintf(out, "(none installed)");
}

int plugin_load(struct plugin_handle *h, enum captive_axis axis, const char *name)
{
	char file[256];
	const char *axis_name = plugin_axis_names[axis];
	memset(h, 0, sizeof(*h));
	snprintf(file, sizeof(file), "%s-%s.so", axis_name, name);
	if (plugins_find(h->path, sizeof(h->path), file)) {
		fprintf(stderr, "captive: %s strategy '%s' is not installed (no %s in $CAPTIVE_PLUGIN_PATH or %s/plugins); installed %s strategies: ",
			axis_name, name, file, plugins_exe_dir(), axis_name);
		plugins_print_installed(stderr, axis);
		fprintf(stderr, "\n");
		return -ENOENT;
	}
	h->dl = dlopen(h->path, RTLD_NOW | RTLD_LOCAL);
	if (!h->dl) {
		fprintf(stderr, "captive: plugin %s cannot be loaded: %s\n", h->path, dlerror());
		return -EINVAL;
	}
	const uint32_t *abi = dlsym(h->dl, "captive_plugin_abi");
	if (!abi || *abi != CAPTIVE_PLUGIN_ABI) {
		if (abi)
			fprintf(stderr, "captive: plugin %s has ABI version %u, captive needs %u; rebuild it\n",
				h->path, *abi, CAPTIVE_PLUGIN_ABI);
		else
			fprintf(stderr, "captive: %s is not a captive plugin (no captive_plugin_abi symbol)\n",
				h->path);
		goto err_close;
	}
	h->desc = dlsym(h->dl, "captive_plugin");
	if (!h->desc) {
		fprintf(stderr, "captive: plugin %s exports no captive_plugin descriptor\n", h->path);
		goto err_close;
	}
	if (h->desc->axis != (uint32_t)axis || !h->desc->name || strcmp(h->desc->name, name)) {
		fprintf(stderr, "captive: plugin %s describes itself as %s strategy '%s', expected %s strategy '%s'\n",
			h->path, h->desc->axis < 3 ? plugin_axis_names[h->desc->axis] : "unknown-axis",
			h->desc->name ? h->desc->name : "?", axis_name, name);
		goto err_close;
	}
	return 0;

err_close:
	dlclose(h->dl);
	h->dl = NULL;
	h->desc = NULL;
	return -EINVAL;
}

void plugin_unload(struct plugin_handle *h)
{
	if (h->dl)
		dlclose(h->dl);
	h->dl = NULL;
	h->desc = NULL;
}

void plugins_list(FILE *out)
{
	char dirs[8192];
	plugins_search_path(dirs, sizeof(dirs));
	fprintf(out, "Strategy plugins (search path %s):\n", dirs);
	for (int a = 0; a < 3; a++) {
		char names[1024];
		FILE *m = fmemopen(names, sizeof(names), "w");
		plugins_print_installed(m, a);
		fclose(m);
		char *save = NULL;
		for (char *n = strtok_r(names, ", ", &save); n; n = strtok_r(NULL, ", ", &save)) {
			struct plugin_handle h;
			if (!strcmp(n, "(none") || !strcmp(n, "installed)"))
				continue;
			if (plugin_load(&h, (enum captive_axis)a, n))
				continue;
			fprintf(out, "  %-5s %-10s %s\n", plugin_axis_names[a], n, h.desc->description);
			plugin_unload(&h);
		}
	}
	fprintf(out, "Engine builds (%s/engine):\n", plugins_exe_dir());
	const char *subdirs[] = { "kvm", "process" };
	for (int i = 0; i < 2; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/engine/%s", plugins_exe_dir(), subdirs[i]);
		DIR *dir = opendir(path);
		if (!dir)
			continue;
		struct dirent *e;
		while ((e = readdir(dir)))
			if (e->d_name[0] != '.' && strncmp(e->d_name, "lib", 3))
				fprintf(out, "  %-7s %s\n", subdirs[i], e->d_name);
		closedir(dir);
	}
}

int plugins_engine_path(char *buf, size_t size, const char *subdir, const char *mmu,
			const char *exec, const char *suffix)
{
	snprintf(buf, size, "%s/engine/%s/%s-%s%s", plugins_exe_dir(), subdir, mmu, exec, suffix);
	struct stat st;
	if (stat(buf, &st)) {
		fprintf(stderr, "captive: no engine build for mmu=%s exec=%s on this backend: %s is missing\n",
			mmu, exec, buf);
		return -ENOENT;
	}
	return 0;
}

bool plugins_installed(enum captive_axis axis, const char *name)
{
	char file[256], path[4096];
	snprintf(file, sizeof(file), "%s-%s.so", plugin_axis_names[axis], name);
	return plugins_find(path, sizeof(path), file) == 0;
}

bool plugins_engine_exists(const char *subdir, const char *mmu, const char *exec,
			   const char *suffix)
{
	char path[PATH_MAX];
	struct stat st;
	snprintf(path, sizeof(path), "%s/engine/%s/%s-%s%s", plugins_exe_dir(), subdir, mmu, exec,
		 suffix);
	return stat(path, &st) == 0;
}
