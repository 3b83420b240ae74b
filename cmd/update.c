#include "../src/container/container.h"
#include "cmd.h"

static int run_update(const struct global_options *global, int argc, char **argv);

const struct command command_update = {"update", "[command options] <container-id>",
                                       "update container resource constraints", run_update};

static int run_update(const struct global_options *global, int argc, char **argv)
{
    struct update_options o = {.root = global->root};
    const struct option_def defs[] = {
        {"resources", 'r', OPTION_STRING, &o.resources},
        {"blkio-weight", 0, OPTION_STRING, &o.blkio_weight},
        {"cpu-period", 0, OPTION_STRING, &o.cpu_period},
        {"cpu-quota", 0, OPTION_STRING, &o.cpu_quota},
        {"cpu-burst", 0, OPTION_STRING, &o.cpu_burst},
        {"cpu-share", 0, OPTION_STRING, &o.cpu_share},
        {"cpu-rt-period", 0, OPTION_STRING, &o.cpu_rt_period},
        {"cpu-rt-runtime", 0, OPTION_STRING, &o.cpu_rt_runtime},
        {"cpu-idle", 0, OPTION_STRING, &o.cpu_idle},
        {"cpuset-cpus", 0, OPTION_STRING, &o.cpuset_cpus},
        {"cpuset-mems", 0, OPTION_STRING, &o.cpuset_mems},
        {"kernel-memory", 0, OPTION_STRING, &o.kernel_memory},
        {"kernel-memory-tcp", 0, OPTION_STRING, &o.kernel_memory_tcp},
        {"memory", 0, OPTION_STRING, &o.memory},
        {"memory-reservation", 0, OPTION_STRING, &o.memory_reservation},
        {"memory-swap", 0, OPTION_STRING, &o.memory_swap},
        {"pids-limit", 0, OPTION_STRING, &o.pids_limit},
        {"l3-cache-schema", 0, OPTION_STRING, &o.l3_cache_schema},
        {"mem-bw-schema", 0, OPTION_STRING, &o.mem_bw_schema},
        {NULL, 0, 0, NULL},
    };
    struct error err;
    bool done;
    int index, rc = cmd_parse(&command_update, defs, argc, argv, &index, &done);

    if (done)
        return rc;
    if (cmd_expect_args(&command_update, argc, index, 1, 1))
        return 1;
    o.id = argv[index];
    if (container_update(&o, &err) < 0)
        return cmd_fail(&err);
    return 0;
}
