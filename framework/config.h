/* The run configuration: INI file, then --set overrides, then CLI flags. */
#ifndef FRAMEWORK_CONFIG_H
#define FRAMEWORK_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_VALUE_MAX 4096

enum config_type { CONFIG_ENUM, CONFIG_STR, CONFIG_PATH, CONFIG_SIZE, CONFIG_UINT, CONFIG_BOOL };

#define CONFIG_FIELD_ENUM(n) char n[64];
#define CONFIG_FIELD_STR(n) char n[CONFIG_VALUE_MAX];
#define CONFIG_FIELD_PATH(n) char n[CONFIG_VALUE_MAX];
#define CONFIG_FIELD_SIZE(n) uint64_t n;
#define CONFIG_FIELD_UINT(n) uint64_t n;
#define CONFIG_FIELD_BOOL(n) bool n;

struct captive_config {
#define CONFIG_KEY(section, key, type, def, allowed, help) CONFIG_FIELD_##type(section##_##key)
#include "config_keys.def"
#undef CONFIG_KEY
};

struct config_key {
	const char *section;
	const char *key;
	enum config_type type;
	const char *def;
	const char *allowed;
	const char *help;
	size_t offset;
};

extern const struct config_key config_keys[];
extern const unsigned config_nkeys;

/* A strategy.* key: besides its `allowed` values it takes "auto", resolved
 * before the run by auto_resolve() (auto.h). */
bool config_is_strategy(const struct config_key *k);

/* Fill every key with its default. */
void config_defaults(struct captive_config *cfg);

/*
 * Set one key from text. `where` names the origin for errors ("file.ini:12",
 * "--set"). Returns 0, or -EINVAL after printing an error that names the
 * origin, the key and the allowed values.
 */
int config_set(struct captive_config *cfg, const char *where, const char *section,
	       const char *key, const char *value);

/* Parse "section.key=value" (the --set form). */
int config_set_assignment(struct captive_config *cfg, const char *assignment);

/* Load an INI file; errors name file and line. Returns 0 or -errno. */
int config_load_file(struct captive_config *cfg, const char *path);

/* Print the configuration as an INI file. */
void config_dump(const struct captive_config *cfg, FILE *out);

/* Parse a size: a bare number is MiB (QEMU's -m), or a suffix B, K, M or G
 * (KiB/MB... accepted). Returns 0 or -EINVAL. */
int config_parse_size(const char *text, uint64_t *out);

#endif
