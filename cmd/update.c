#include "../src/container/container.h"
#include "cmd.h"

static int run_update(const struct global_options *global, int argc, char **argv);

const struct command command_update = {"update", "[command options] <container-id>",
                                       "update container resource constraints", run_update};

static int run_update(const struct global_options *global, int argc, char **argv)
{
    struct update_options o = {.root = global->root};
    const struct option_def defs[] = {
        {"resources", 'r', OPTION_STRING, &o.resources,
         "path to the file containing the resources to update or '-' to read from the standard "
         "input"},
        {"blkio-weight", 0, OPTION_STRING, &o.blkio_weight,
         "Specifies per cgroup weight, range is from 10 to 1000 (default: 0)"},
        {"cpu-period", 0, OPTION_STRING, &o.cpu_period,
         "CPU CFS period to be used for hardcapping (in usecs). 0 to use system default"},
        {"cpu-quota", 0, OPTION_STRING, &o.cpu_quota,
         "CPU CFS hardcap limit (in usecs). Allowed cpu time in a given period"},
        {"cpu-burst", 0, OPTION_STRING, &o.cpu_burst,
         "CPU CFS hardcap burst limit (in usecs). Allowed accumulated cpu time additionally for "
         "burst a given period"},
        {"cpu-share", 0, OPTION_STRING, &o.cpu_share,
         "CPU shares (relative weight vs. other containers)"},
        {"cpu-rt-period", 0, OPTION_STRING, &o.cpu_rt_period,
         "CPU realtime period to be used for hardcapping (in usecs). 0 to use system default"},
        {"cpu-rt-runtime", 0, OPTION_STRING, &o.cpu_rt_runtime,
         "CPU realtime hardcap limit (in usecs). Allowed cpu time in a given period"},
        {"cpu-idle", 0, OPTION_STRING, &o.cpu_idle,
         "set cgroup SCHED_IDLE or not, 0: default behavior, 1: SCHED_IDLE"},
        {"cpuset-cpus", 0, OPTION_STRING, &o.cpuset_cpus, "CPU(s) to use"},
        {"cpuset-mems", 0, OPTION_STRING, &o.cpuset_mems, "Memory node(s) to use"},
        {"kernel-memory", 0, OPTION_STRING, &o.kernel_memory, "(obsoleted; do not use)"},
        {"kernel-memory-tcp", 0, OPTION_STRING, &o.kernel_memory_tcp, "(obsoleted; do not use)"},
        {"memory", 0, OPTION_STRING, &o.memory, "Memory limit (in bytes)"},
        {"memory-reservation", 0, OPTION_STRING, &o.memory_reservation,
         "Memory reservation or soft_limit (in bytes)"},
        {"memory-swap", 0, OPTION_STRING, &o.memory_swap,
         "Total memory usage (memory + swap); set '-1' to enable unlimited swap"},
        {"pids-limit", 0, OPTION_STRING, &o.pids_limit,
         "Maximum number of pids allowed in the container (default: 0)"},
        {"l3-cache-schema", 0, OPTION_STRING, &o.l3_cache_schema,
         "The string of Intel RDT/CAT L3 cache schema"},
        {"mem-bw-schema", 0, OPTION_STRING, &o.mem_bw_schema,
         "The string of Intel RDT/MBA memory bandwidth schema"},
        {NULL, 0, 0, NULL, NULL},
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
