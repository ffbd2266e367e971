/* Finding and loading strategy plugins (host halves) and engine images. */
#ifndef FRAMEWORK_PLUGINS_H
#define FRAMEWORK_PLUGINS_H

#include <stdbool.h>
#include <stdio.h>
#include "plugin.h"

struct plugin_handle {
	void *dl;
	const struct captive_plugin *desc;
	char path[4096];
};

extern const char *const plugin_axis_names[3];

/* Folder holding the captive executable (for plugins/ and engine/). */
const char *plugins_exe_dir(void);

/*
 * Load the plugin <axis>-<name>.so from $CAPTIVE_PLUGIN_PATH or the plugins/
 * folder next to the executable; check its ABI, axis and name. Returns 0 or
 * -errno after one error message naming the file and the valid choices.
 */
int plugin_load(struct plugin_handle *h, enum captive_axis axis, const char *name);
void plugin_unload(struct plugin_handle *h);

/* --list-plugins: every installed plugin with its description, and the engine builds. */
void plugins_list(FILE *out);

/* Path of the engine image for a backend's subdir/suffix and an mmu x exec pair. */
int plugins_engine_path(char *buf, size_t size, const char *subdir, const char *mmu,
			const char *exec, const char *suffix);

/* Whether <axis>-<name>.so is on the search path (nothing printed). */
bool plugins_installed(enum captive_axis axis, const char *name);

/* Whether the engine image for subdir/suffix and mmu x exec exists (nothing printed). */
bool plugins_engine_exists(const char *subdir, const char *mmu, const char *exec,
			   const char *suffix);

#endif
