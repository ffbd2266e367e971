/* captive: command line. Errors are reported here, once, at the top. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auto.h"
#include "config.h"
#include "plugins.h"
#include "probe.h"
#include "vm.h"

#define CAPTIVE_VERSION "0.1.0"

/* Exit statuses decided here; vm_run decides the rest (see usage()). */
#define EXIT_USAGE 2
#define EXIT_ENGINE 3

static void usage(FILE *out)
{
	fprintf(out,
		"usage: captive [-c FILE] [--set section.key=value]... [options]\n"
		"\n"
		"Runs an ARMv7-A guest on this x86-64 host (see README.md).\n"
		"\n"
		"  -c, --config FILE     INI configuration (configs/*.ini)\n"
		"      --set S.K=V       override one config key; repeatable, applied in order\n"
		"      --kernel PATH     guest image (ARM ELF or zImage)  = --set guest.kernel=PATH\n"
		"      --dtb PATH        device tree blob                 = --set guest.dtb=PATH\n"
		"      --initrd PATH     initial ramdisk                  = --set guest.initrd=PATH\n"
		"      --append STR      kernel command line              = --set guest.cmdline=STR\n"
		"  -m, --memory SIZE     guest RAM: MiB (512) or 512M, 1G (max 1024M) = --set guest.memory=SIZE\n"
		"      --disk PATH[,readonly]\n"
		"                        virtio-blk disk, a raw image     = --set disk.file=PATH\n"
		"                        (,readonly: offered read-only      --set disk.readonly=true)\n"
		"      --timeout SECS    stop after SECS seconds, exit 4  = --set run.timeout=SECS\n"
		"      --watchdog SECS   guest-progress limit, 0 off (default) = --set run.watchdog=SECS\n"
		"      --strict-bus      unmapped accesses abort          = --set run.strict_bus=true\n"
		"      --gdb [HOST:]PORT gdb remote stub (QEMU's -gdb tcp::PORT; HOST default\n"
		"                        127.0.0.1)                       = --set debug.gdb=[HOST:]PORT\n"
		"      --gdb-wait        hold the guest before its first instruction until gdb\n"
		"                        resumes it (QEMU's -S)           = --set debug.gdb_wait=true\n"
		"      --stats-json FILE write the run's statistics as JSON (with --probe:\n"
		"                        the probe's measurements)\n"
		"      --dump-config     print the effective configuration and exit\n"
		"  -v, --verbose         engine log messages          = --set run.verbose=true\n"
		"      --list-plugins    list installed strategies and engine builds\n"
		"      --probe           measure this host's VM exit, fault and CR3 costs\n"
		"\n"
		"Every strategy.* key also takes 'auto': captive picks from what this host can\n"
		"do and what --probe measures (cached per host), and says why on stderr.\n"
		"  -h, --help            this text\n"
		"      --version         version\n"
		"\n"
		"Precedence: config file, then --set in order, then the flags above.\n"
		"Exit status: 0 guest powered off; 2 bad usage, config or input file;\n"
		"3 the engine stopped on something it cannot handle (unimplemented\n"
		"instruction, engine panic); 4 watchdog, stuck guest or --timeout;\n"
		"130 interrupted (SIGINT/SIGTERM).\n"
		"\n"
		"Console: when stdin is a terminal it is put in raw mode; Ctrl-A x quits,\n"
		"Ctrl-A Ctrl-A sends Ctrl-A, Ctrl-A h lists the keys.\n");
}

enum {
	OPT_SET = 256,
	OPT_KERNEL,
	OPT_DTB,
	OPT_INITRD,
	OPT_APPEND,
	OPT_DISK,
	OPT_TIMEOUT,
	OPT_WATCHDOG,
	OPT_STRICT_BUS,
	OPT_GDB,
	OPT_GDB_WAIT,
	OPT_STATS_JSON,
	OPT_DUMP_CONFIG,
	OPT_LIST_PLUGINS,
	OPT_PROBE,
	OPT_VERSION,
};

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "set", required_argument, NULL, OPT_SET },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "memory", required_argument, NULL, 'm' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "watchdog", required_argument, NULL, OPT_WATCHDOG },
	{ "strict-bus", no_argument, NULL, OPT_STRICT_BUS },
	{ "gdb", required_argument, NULL, OPT_GDB },
	{ "gdb-wait", no_argument, NULL, OPT_GDB_WAIT },
	{ "stats-json", required_argument, NULL, OPT_STATS_JSON },
	{ "dump-config", no_argument, NULL, OPT_DUMP_CONFIG },
	{ "verbose", no_argument, NULL, 'v' },
	{ "list-plugins", no_argument, NULL, OPT_LIST_PLUGINS },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* A QEMU-style flag, applied after the file and the --set overrides. */
struct flag_override {
	const char *section;
	const char *key;
	const char *value;
};

int main(int argc, char **argv)
{
	const char *config_path = NULL, *stats_json = NULL;
	const char **sets = calloc((size_t)argc, sizeof(*sets));
	/* two per argument: --disk sets two keys */
	struct flag_override *flags = calloc(2 * (size_t)argc, sizeof(*flags));
	struct captive_config *cfg = malloc(sizeof(*cfg));
	unsigned nsets = 0, nflags = 0;
	bool dump = false, list = false, probe = false;
	int opt, status = EXIT_USAGE;
	if (!sets || !flags || !cfg)
		goto out;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:m:vh", long_opts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case OPT_SET: sets[nsets++] = optarg; break;
		case OPT_KERNEL: flags[nflags++] = (struct flag_override){ "guest", "kernel", optarg }; break;
		case OPT_DTB: flags[nflags++] = (struct flag_override){ "guest", "dtb", optarg }; break;
		case OPT_INITRD: flags[nflags++] = (struct flag_override){ "guest", "initrd", optarg }; break;
		case OPT_APPEND: flags[nflags++] = (struct flag_override){ "guest", "cmdline", optarg }; break;
		case 'm': flags[nflags++] = (struct flag_override){ "guest", "memory", optarg }; break;
		case OPT_DISK: {
			/* PATH or PATH,readonly (QEMU's spelling of the option) */
			char *comma = strrchr(optarg, ',');
			bool ro = comma && !strcmp(comma + 1, "readonly");
			if (ro)
				*comma = '\0';
			flags[nflags++] = (struct flag_override){ "disk", "file", optarg };
			flags[nflags++] = (struct flag_override){ "disk", "readonly", ro ? "true" : "false" };
			break;
		}
		case OPT_TIMEOUT: flags[nflags++] = (struct flag_override){ "run", "timeout", optarg }; break;
		case OPT_WATCHDOG: flags[nflags++] = (struct flag_override){ "run", "watchdog", optarg }; break;
		case OPT_STRICT_BUS: flags[nflags++] = (struct flag_override){ "run", "strict_bus", "true" }; break;
		case OPT_GDB: flags[nflags++] = (struct flag_override){ "debug", "gdb", optarg }; break;
		case OPT_GDB_WAIT: flags[nflags++] = (struct flag_override){ "debug", "gdb_wait", "true" }; break;
		case OPT_STATS_JSON: stats_json = optarg; break;
		case OPT_DUMP_CONFIG: dump = true; break;
		case 'v': flags[nflags++] = (struct flag_override){ "run", "verbose", "true" }; break;
		case OPT_LIST_PLUGINS: list = true; break;
		case OPT_PROBE: probe = true; break;
		case 'h':
			usage(stdout);
			status = 0;
			goto out;
		case OPT_VERSION:
			printf("captive %s (plugin ABI %u, engine ABI %u)\n", CAPTIVE_VERSION, CAPTIVE_PLUGIN_ABI, CAPTIVE_ABI_VERSION);
			status = 0;
			goto out;
		case ':':
			fprintf(stderr, "captive: option '%s' needs a value\n", argv[optind - 1]);
			goto out;
		default:
			fprintf(stderr, "captive: unknown option '%s'; see captive --help\n", argv[optind - 1]);
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "captive: unexpected argument '%s'; see captive --help\n", argv[optind]);
		goto out;
	}
	if (list) {
		plugins_list(stdout);
		status = 0;
		goto out;
	}
	if (probe) {
		status = probe_run(stdout, stats_json) ? EXIT_ENGINE : 0;
		goto out;
	}

	config_defaults(cfg);
	if (config_path && config_load_file(cfg, config_path))
		goto out;
	for (unsigned i = 0; i < nsets; i++)
		if (config_set_assignment(cfg, sets[i]))
			goto out;
	for (unsigned i = 0; i < nflags; i++)
		if (config_set(cfg, "command line", flags[i].section, flags[i].key, flags[i].value))
			goto out;
	if (dump) {
		config_dump(cfg, stdout);
		status = 0;
		goto out;
	}
	struct auto_report autos;
	if (auto_resolve(cfg, &autos))
		goto out;
	status = vm_run(cfg, stats_json, &autos);
out:
	free(cfg);
	free(sets);
	free(flags);
	return status;
}
