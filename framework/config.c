/* Configuration: one table of keys (config_keys.def) drives everything. */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"

/* The longest line the INI reader takes: inih's buffer less the newline and
 * the NUL. */
#define CONFIG_LINE_MAX (INI_MAX_LINE - 2)

const struct config_key config_keys[] = {
#define CONFIG_KEY(s, k, type, def, allowed, help) \
	{ #s, #k, CONFIG_##type, def, allowed, help, offsetof(struct captive_config, s##_##k) },
#include "config_keys.def"
#undef CONFIG_KEY
};
const unsigned config_nkeys = sizeof(config_keys) / sizeof(config_keys[0]);

static const struct config_key *config_find(const char *section, const char *key)
{
	for (unsigned i = 0; i < config_nkeys; i++)
		if (!strcmp(config_keys[i].section, section) && !strcmp(config_keys[i].key, key))
			return &config_keys[i];
	return NULL;
}

int config_parse_size(const char *text, uint64_t *out)
{
	char *end;
	/* A digit first: strtoull() would also skip blanks and take a sign,
	 * negating the value (" -4B" would be 2^64 - 4 bytes). */
	if (!isdigit((unsigned char)text[0]))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || end == text)
		return -EINVAL;
	/* A bare number is MiB, as QEMU's -m reads it; B means bytes. */
	uint64_t mul = 1ull << 20;
	bool unit = true;
	switch (*end) {
	case 'b': case 'B': mul = 1; unit = false; break;
	case 'k': case 'K': mul = 1ull << 10; break;
	case 'm': case 'M': break;
	case 'g': case 'G': mul = 1ull << 30; break;
	case '\0': unit = false; end--; break;
	default: return -EINVAL;
	}
	end++;
	if (unit && (*end == 'i' || *end == 'B'))	/* 3M, 3MB, 3MiB */
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end != '\0' || v > UINT64_MAX / mul)
		return -EINVAL;
	*out = v * mul;
	return 0;
}

static int config_parse_range(const char *allowed, uint64_t *lo, uint64_t *hi, bool size)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", allowed);
	char *dash = strchr(buf, '-');
	if (!dash)
		return -EINVAL;
	*dash = '\0';
	if (size)
		return config_parse_size(buf, lo) ?: config_parse_size(dash + 1, hi);
	*lo = strtoull(buf, NULL, 10);
	*hi = strtoull(dash + 1, NULL, 10);
	return 0;
}

static bool config_enum_allows(const char *allowed, const char *value)
{
	size_t n = strlen(value);
	for (const char *p = allowed; *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && !strncmp(p, value, n))
			return true;
		if (!bar)
			break;
		p = bar + 1;
	}
	return false;
}

bool config_is_strategy(const struct config_key *k)
{
	return k->type == CONFIG_ENUM && !strcmp(k->section, "strategy");
}

int config_set(struct captive_config *cfg, const char *where, const char *section,
	       const char *key, const char *value)
{
	const struct config_key *k = config_find(section, key);
	if (!k) {
		fprintf(stderr, "captive: %s: unknown key '%s.%s'; valid keys:", where, section, key);
		for (unsigned i = 0; i < config_nkeys; i++)
			fprintf(stderr, " %s.%s", config_keys[i].section, config_keys[i].key);
		fprintf(stderr, "\n");
		return -EINVAL;
	}
	char *field = (char *)cfg + k->offset;
	uint64_t v, lo = 0, hi = UINT64_MAX; /* config_parse_range() may leave them */
	switch (k->type) {
	case CONFIG_ENUM:
		/* every strategy axis may be left to captive (framework/auto.c) */
		if (!config_enum_allows(k->allowed, value) &&
		    !(config_is_strategy(k) && !strcmp(value, "auto"))) {
			fprintf(stderr, "captive: %s: %s.%s = '%s' is not valid; allowed: %s%s\n", where,
				section, key, value, k->allowed, config_is_strategy(k) ? "|auto" : "");
			return -EINVAL;
		}
		snprintf(field, 64, "%s", value);
		return 0;
	case CONFIG_STR:
	case CONFIG_PATH:
		if (strlen(value) >= CONFIG_VALUE_MAX) {
			fprintf(stderr, "captive: %s: %s.%s is longer than %d bytes\n", where, section,
				key, CONFIG_VALUE_MAX - 1);
			return -EINVAL;
		}
		snprintf(field, CONFIG_VALUE_MAX, "%s", value);
		return 0;
	case CONFIG_SIZE:
	case CONFIG_UINT: {
		bool size = k->type == CONFIG_SIZE;
		int err = size ? config_parse_size(value, &v) : -EINVAL;
		if (!size) {
			char *end;
			errno = 0;
			v = strtoull(value, &end, 10);
			err = (errno || end == value || *end || !isdigit((unsigned char)value[0]))
				      ? -EINVAL
				      : 0;
		}
		config_parse_range(k->allowed, &lo, &hi, size);
		if (err || v < lo || v > hi) {
			fprintf(stderr,
				"captive: %s: %s.%s = '%s' is not valid; expected %s in %s%s\n",
				where, section, key, value, size ? "a size" : "a whole number",
				k->allowed, size ? " (MiB, or a number with suffix B, K, M or G)" : "");
			return -EINVAL;
		}
		*(uint64_t *)field = v;
		return 0;
	}
	case CONFIG_BOOL:
		if (!strcasecmp(value, "true") || !strcasecmp(value, "yes") ||
		    !strcasecmp(value, "on") || !strcmp(value, "1"))
			*(bool *)field = true;
		else if (!strcasecmp(value, "false") || !strcasecmp(value, "no") ||
			 !strcasecmp(value, "off") || !strcmp(value, "0"))
			*(bool *)field = false;
		else {
			fprintf(stderr,
				"captive: %s: %s.%s = '%s' is not valid; allowed: true|false\n",
				where, section, key, value);
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

void config_defaults(struct captive_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	for (unsigned i = 0; i < config_nkeys; i++) {
		int err = config_set(cfg, "default", config_keys[i].section, config_keys[i].key,
				     config_keys[i].def);
		if (err)
			abort(); /* the key table itself is wrong: a build-time bug */
	}
}

int config_set_assignment(struct captive_config *cfg, const char *assignment)
{
	char section[64], key[64];
	const char *dot = strchr(assignment, '.');
	const char *eq = strchr(assignment, '=');
	if (!dot || !eq || dot > eq || dot == assignment || eq == dot + 1 ||
	    (size_t)(dot - assignment) >= sizeof(section) || (size_t)(eq - dot - 1) >= sizeof(key)) {
		fprintf(stderr, "captive: --set '%s': expected section.key=value\n", assignment);
		return -EINVAL;
	}
	snprintf(section, sizeof(section), "%.*s", (int)(dot - assignment), assignment);
	snprintf(key, sizeof(key), "%.*s", (int)(eq - dot - 1), dot + 1);
	return config_set(cfg, "--set", section, key, eq + 1);
}

struct config_load_ctx {
	struct captive_config *cfg;
	const char *path;
	FILE *file;
	int line;	/* lines read so far: inih hands each line over before the next read */
	int err;
};

/* inih reader that counts lines, so errors can name them, and refuses a
 * line longer than inih's buffer (which would reach it in pieces: the first
 * a truncated value, the rest a "malformed line" one line off). */
static char *config_ini_reader(char *buf, int size, void *stream)
{
	struct config_load_ctx *ctx = stream;
	char *r = fgets(buf, size, ctx->file);
	if (!r)
		return NULL;
	ctx->line++;
	size_t n = strlen(r);
	if (n == (size_t)size - 1 && r[n - 1] != '\n' && !feof(ctx->file)) {
		fprintf(stderr, "captive: %s:%d: line longer than %d characters, the config reader's limit; give a long value with --set or its flag\n",
			ctx->path, ctx->line, size - 2);
		ctx->err = -EINVAL;
		return NULL;
	}
	return r;
}

static int config_ini_handler(void *user, const char *section, const char *name,
			      const char *value)
{
	struct config_load_ctx *ctx = user;
	char where[4200];
	snprintf(where, sizeof(where), "%s:%d", ctx->path, ctx->line);
	if (!name) /* a section header with no keys yet: validated with its keys */
		return 1;
	if (!*section) {
		fprintf(stderr, "captive: %s: key '%s' outside any [section]\n", where, name);
		ctx->err = -EINVAL;
		return 0;
	}
	if (config_set(ctx->cfg, where, section, name, value)) {
		ctx->err = -EINVAL;
		return 0;
	}
	return 1;
}

int config_load_file(struct captive_config *cfg, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int err = errno;
		fprintf(stderr, "captive: config file '%s': %s\n", path, strerror(err));
		return -err;
	}
	struct config_load_ctx ctx = { .cfg = cfg, .path = path, .file = f };
	int line = ini_parse_stream(config_ini_reader, &ctx, config_ini_handler, &ctx);
	fclose(f);
	if (ctx.err)
		return ctx.err;
	if (line != 0) {
		fprintf(stderr, "captive: %s:%d: malformed line; expected [section] or key = value\n",
			path, line);
		return -EINVAL;
	}
	return 0;
}

void config_dump(const struct captive_config *cfg, FILE *out)
{
	const char *section = "";
	for (unsigned i = 0; i < config_nkeys; i++) {
		const struct config_key *k = &config_keys[i];
		const char *field = (const char *)cfg + k->offset;
		if (strcmp(section, k->section)) {
			fprintf(out, "%s[%s]\n", i ? "\n" : "", k->section);
			section = k->section;
		}
		char val[CONFIG_VALUE_MAX + 32];
		switch (k->type) {
		case CONFIG_ENUM:
		case CONFIG_STR:
		case CONFIG_PATH:
			snprintf(val, sizeof(val), "%s", field);
			break;
		case CONFIG_SIZE: {
			uint64_t v = *(const uint64_t *)field;
			if (v && !(v & ((1u << 20) - 1)))
				snprintf(val, sizeof(val), "%lluM", (unsigned long long)(v >> 20));
			else
				snprintf(val, sizeof(val), "%lluB", (unsigned long long)v);
			break;
		}
		case CONFIG_UINT:
			snprintf(val, sizeof(val), "%llu", (unsigned long long)*(const uint64_t *)field);
			break;
		case CONFIG_BOOL:
			snprintf(val, sizeof(val), "%s", *(const bool *)field ? "true" : "false");
			break;
		}
		/* "key = value" unless it would not read back: after a space a
		 * leading ';' starts a comment, and a line longer than the
		 * reader's buffer is refused. "key=value" is the shortest form,
		 * which any value read from a file fits. */
		bool tight = val[0] == ';' || strlen(k->key) + 3 + strlen(val) > CONFIG_LINE_MAX;
		fprintf(out, "; %s\n%s%s%s\n", k->help, k->key, tight ? "=" : " = ", val);
	}
}
