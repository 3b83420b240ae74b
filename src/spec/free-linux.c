/* Releases a struct spec_linux's contents; split from free.c to mirror the parsers. */
#include <stdlib.h>

#include "parse-internal.h"

static void resources_free(struct spec_resources *r)
{
    struct spec_block_io *b = &r->block_io;

    for (size_t i = 0; i < r->devices_count; i++) {
        free(r->devices[i].type);
        free(r->devices[i].access);
    }
    free(r->devices);
    free(r->cpu.cpus);
    free(r->cpu.mems);
    free(b->weight_device);
    free(b->throttle_read_bps);
    free(b->throttle_write_bps);
    free(b->throttle_read_iops);
    free(b->throttle_write_iops);
    for (size_t i = 0; i < r->hugepage_limits_count; i++)
        free(r->hugepage_limits[i].page_size);
    free(r->hugepage_limits);
    for (size_t i = 0; i < r->net_priorities_count; i++)
        free(r->net_priorities[i].name);
    free(r->net_priorities);
    for (size_t i = 0; i < r->rdma_count; i++)
        free(r->rdma[i].device);
    free(r->rdma);
    spec_free_strmap(&r->unified);
}

static void seccomp_free(struct spec_seccomp *s)
{
    free(s->default_action);
    spec_free_strv(s->architectures, s->architectures_count);
    spec_free_strv(s->flags, s->flags_count);
    free(s->listener_path);
    free(s->listener_metadata);
    for (size_t i = 0; i < s->syscalls_count; i++) {
        struct spec_syscall *sc = &s->syscalls[i];
        spec_free_strv(sc->names, sc->names_count);
        free(sc->action);
        for (size_t j = 0; j < sc->args_count; j++)
            free(sc->args[j].op);
        free(sc->args);
    }
    free(s->syscalls);
}

void spec_free_linux(struct spec_linux *l)
{
    for (size_t i = 0; i < l->namespaces_count; i++)
        free(l->namespaces[i].path);
    free(l->namespaces);
    free(l->uid_mappings);
    free(l->gid_mappings);
    for (size_t i = 0; i < l->devices_count; i++) {
        free(l->devices[i].type);
        free(l->devices[i].path);
    }
    free(l->devices);
    for (size_t i = 0; i < l->net_devices_count; i++) {
        free(l->net_devices[i].host_name);
        free(l->net_devices[i].name);
    }
    free(l->net_devices);
    free(l->cgroups_path);
    resources_free(&l->resources);
    free(l->rootfs_propagation);
    seccomp_free(&l->seccomp);
    spec_free_strmap(&l->sysctl);
    spec_free_strv(l->masked_paths, l->masked_paths_count);
    spec_free_strv(l->readonly_paths, l->readonly_paths_count);
    free(l->mount_label);
    free(l->intel_rdt.clos_id);
    spec_free_strv(l->intel_rdt.schemata, l->intel_rdt.schemata_count);
    free(l->intel_rdt.l3_cache_schema);
    free(l->intel_rdt.mem_bw_schema);
    free(l->memory_policy.mode);
    free(l->memory_policy.nodes);
    spec_free_strv(l->memory_policy.flags, l->memory_policy.flags_count);
    free(l->personality.domain);
    spec_free_strv(l->personality.flags, l->personality.flags_count);
}
