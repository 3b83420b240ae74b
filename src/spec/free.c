/* spec_free(): releases everything spec_parse() built, including half-built trees. */
#include <stdlib.h>

#include "parse-internal.h"

void spec_free_strv(char **strv, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(strv[i]);
    free(strv);
}

void spec_free_strmap(struct spec_strmap *map)
{
    spec_free_strv(map->keys, map->count);
    spec_free_strv(map->values, map->count);
}

static void hook_list_free(struct spec_hook *hooks, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(hooks[i].path);
        spec_free_strv(hooks[i].args, hooks[i].args_count);
        spec_free_strv(hooks[i].env, hooks[i].env_count);
    }
    free(hooks);
}

static void hooks_free(struct spec_hooks *h)
{
    hook_list_free(h->prestart, h->prestart_count);
    hook_list_free(h->create_runtime, h->create_runtime_count);
    hook_list_free(h->create_container, h->create_container_count);
    hook_list_free(h->start_container, h->start_container_count);
    hook_list_free(h->poststart, h->poststart_count);
    hook_list_free(h->poststop, h->poststop_count);
}

static void mounts_free(struct spec_mount *mounts, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free(mounts[i].destination);
        free(mounts[i].source);
        free(mounts[i].type);
        spec_free_strv(mounts[i].options, mounts[i].options_count);
        free(mounts[i].uid_mappings);
        free(mounts[i].gid_mappings);
    }
    free(mounts);
}

static void process_free(struct spec_process *p)
{
    struct spec_capabilities *caps = &p->capabilities;

    free(p->user.additional_gids);
    free(p->user.username);
    spec_free_strv(p->args, p->args_count);
    free(p->command_line);
    spec_free_strv(p->env, p->env_count);
    free(p->cwd);
    spec_free_strv(caps->bounding, caps->bounding_count);
    spec_free_strv(caps->effective, caps->effective_count);
    spec_free_strv(caps->inheritable, caps->inheritable_count);
    spec_free_strv(caps->permitted, caps->permitted_count);
    spec_free_strv(caps->ambient, caps->ambient_count);
    for (size_t i = 0; i < p->rlimits_count; i++)
        free(p->rlimits[i].type);
    free(p->rlimits);
    free(p->apparmor_profile);
    free(p->selinux_label);
    free(p->scheduler.policy);
    spec_free_strv(p->scheduler.flags, p->scheduler.flags_count);
    free(p->io_priority_class);
    free(p->exec_cpu_affinity_initial);
    free(p->exec_cpu_affinity_final);
}

void spec_free(struct spec *spec)
{
    if (!spec)
        return;
    free(spec->oci_version);
    free(spec->root_path);
    process_free(&spec->process);
    free(spec->hostname);
    free(spec->domainname);
    mounts_free(spec->mounts, spec->mounts_count);
    hooks_free(&spec->hooks);
    spec_free_strmap(&spec->annotations);
    spec_free_linux(&spec->linux_);
    free(spec);
}
