/* The safe resolver against a hostile tree: absolute symlinks, ".." escapes, loops, dangling
 * links pointing out. Every lookup and every creation must stay inside the root. Both the
 * openat2 resolver and the O_NOFOLLOW walk (its fallback) are checked. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "linux/path.h"
#include "util.h"

static char base[64];    /* temp dir holding root/ and outside/ */
static char root[96];    /* the rootfs under test */
static int root_fd = -1; /* O_PATH fd of root */
static char marker[64];  /* a name unique to this run, to check nothing appears on the host */

static int failed;

static void pass(const char *name)
{
    printf("PASS %s\n", name);
}

static void fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(const char *name, const char *fmt, ...)
{
    va_list ap;
    printf("FAIL %s: ", name);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    failed = 1;
}

static int at_root(const char *rel, char *buf, size_t size)
{
    return snprintf(buf, size, "%s/%s", root, rel) >= (int)size ? -1 : 0;
}

static int make_link(const char *target, const char *rel)
{
    char path[512];
    return at_root(rel, path, sizeof path) < 0 ? -1 : symlink(target, path);
}

static int make_tree(void)
{
    char path[512];
    FILE *f;

    snprintf(base, sizeof base, "/tmp/runc-go-test-path.XXXXXX");
    if (mkdtemp(base) == NULL)
        return -1;
    snprintf(root, sizeof root, "%s/root", base);
    snprintf(marker, sizeof marker, "runc-go-test-%d", (int)getpid());
    if (mkdir(root, 0755) < 0 || at_root("etc", path, sizeof path) < 0 || mkdir(path, 0755) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/outside", base);
    if (mkdir(path, 0755) < 0 || at_root("sub", path, sizeof path) < 0 || mkdir(path, 0755) < 0)
        return -1;
    at_root("etc/passwd", path, sizeof path);
    if ((f = fopen(path, "w")) == NULL)
        return -1;
    fputs("root:x:0:0:inside:/:/bin/sh\n", f);
    fclose(f);
    at_root("file", path, sizeof path);
    if ((f = fopen(path, "w")) == NULL)
        return -1;
    fclose(f);
    char made[128], outside[128];
    snprintf(made, sizeof made, "/%s/made/by/walk", marker);
    snprintf(outside, sizeof outside, "../../%s-outside", marker);
    if (make_link("/etc", "abs_etc") < 0 || make_link("../../../..", "dotdot") < 0 ||
        make_link("../../../../../etc", "sub/deep") < 0 || make_link("loop_b", "loop_a") < 0 ||
        make_link("loop_a", "loop_b") < 0 || make_link("self_loop", "self_loop") < 0 ||
        make_link("/proc/self/root", "magic") < 0 || make_link("/etc/passwd", "final_link") < 0 ||
        make_link(made, "dangling_abs") < 0 || make_link(outside, "dangling_rel") < 0 ||
        make_link("/tmp", "abs_tmp") < 0 || make_link("/etc", "sub/abs_etc") < 0)
        return -1;
    /* chain0 -> chain1 -> ... -> chain40 -> etc: from chain1 that is 40 symlinks, the
     * kernel's limit; from chain0 one too many. */
    for (int i = 0; i <= 40; i++) {
        char name[32], target[32];
        snprintf(name, sizeof name, "chain%d", i);
        if (i == 40)
            snprintf(target, sizeof target, "etc");
        else
            snprintf(target, sizeof target, "chain%d", i + 1);
        if (make_link(target, name) < 0)
            return -1;
    }
    root_fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    return root_fd < 0 ? -1 : 0;
}

static void remove_tree(void)
{
    char cmd[128];
    if (root_fd >= 0)
        close(root_fd);
    if (base[0] != '\0') {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
        if (system(cmd) != 0)
            fprintf(stderr, "warning: could not remove %s\n", base);
    }
}

/* The fd is the object at root/expected (lstat: a symlink stays a symlink). */
static int same_object(int fd, const char *expected, char *why, size_t why_size)
{
    struct stat got, want;
    char path[512];

    if (at_root(expected, path, sizeof path) < 0 || lstat(path, &want) < 0)
        return snprintf(why, why_size, "lstat %s: %s", path, strerror(errno)), 0;
    if (fstat(fd, &got) < 0)
        return snprintf(why, why_size, "fstat: %s", strerror(errno)), 0;
    if (got.st_dev != want.st_dev || got.st_ino != want.st_ino)
        return snprintf(why, why_size, "resolved to another object than root/%s", expected), 0;
    return 1;
}

struct lookup_case {
    const char *name;
    const char *path;
    int flags;
    int expect_errno;     /* 0: success */
    const char *expected; /* relative to root, "." for the root itself */
};

static const struct lookup_case lookup_cases[] = {
    {"plain", "etc/passwd", 0, 0, "etc/passwd"},
    {"absolute_symlink_to_etc", "abs_etc/passwd", 0, 0, "etc/passwd"},
    {"dotdot_symlink_escape", "dotdot/etc/passwd", 0, 0, "etc/passwd"},
    {"dotdot_in_path", "/../../../../etc/passwd", 0, 0, "etc/passwd"},
    {"nested_relative_escape", "sub/deep/passwd", 0, 0, "etc/passwd"},
    {"nested_absolute_symlink", "sub/abs_etc/passwd", 0, 0, "etc/passwd"},
    {"symlink_then_dotdot", "abs_etc/../etc/./passwd", 0, 0, "etc/passwd"},
    {"loop", "loop_a", 0, ELOOP, NULL},
    {"self_loop", "self_loop/x", 0, ELOOP, NULL},
    {"file_as_directory", "file/x", 0, ENOTDIR, NULL},
    {"magic_link_stays_inside", "magic/etc/passwd", 0, ENOENT, NULL},
    {"final_symlink_followed", "final_link", 0, 0, "etc/passwd"},
    {"final_symlink_nofollow", "final_link", O_NOFOLLOW, 0, "final_link"},
    {"root_itself", "/", 0, 0, "."},
    {"empty_is_missing", "", 0, ENOENT, NULL},
    {"dotdot_is_root", "..", O_DIRECTORY, 0, "."},
    {"not_a_directory", "etc/passwd", O_DIRECTORY, ENOTDIR, NULL},
    {"missing", "etc/missing", 0, ENOENT, NULL},
    {"chain_of_40_links", "chain1/passwd", 0, 0, "etc/passwd"},
    {"chain_of_41_links", "chain0/passwd", 0, ELOOP, NULL},
};

typedef int (*resolver_fn)(int root_fd, const char *path, int flags, struct error *err);

static int resolve_openat2(int fd, const char *path, int flags, struct error *err)
{
    return path_open_in_root(fd, path, flags, err);
}

static int resolve_walk(int fd, const char *path, int flags, struct error *err)
{
    return path_walk_in_root(fd, path, flags, PATH_CREATE_NONE, 0, 0, err);
}

static void run_lookup(const char *prefix, resolver_fn resolve, const struct lookup_case *c)
{
    struct error err = {0};
    char name[128], why[600];

    snprintf(name, sizeof name, "%s_%s", prefix, c->name);
    cleanup_close int fd = resolve(root_fd, c->path, c->flags, &err);
    if (c->expect_errno != 0) {
        if (fd >= 0)
            return fail(name, "resolved, want errno %d", c->expect_errno);
        if (err.errnum != c->expect_errno)
            return fail(name, "errno %d (%s), want %d", err.errnum, err.msg, c->expect_errno);
        return pass(name);
    }
    if (fd < 0)
        return fail(name, "%s", err.msg);
    if (!same_object(fd, c->expected, why, sizeof why))
        return fail(name, "%s", why);
    if ((fcntl(fd, F_GETFL) & O_PATH) == 0 || (fcntl(fd, F_GETFD) & FD_CLOEXEC) == 0)
        return fail(name, "fd is not O_PATH | O_CLOEXEC");
    pass(name);
}

static int host_absent(const char *name, const char *host_path)
{
    struct stat st;
    if (lstat(host_path, &st) == 0) {
        fail(name, "%s was created outside the root", host_path);
        return 0;
    }
    return 1;
}

static void test_create(const char *name, int (*create)(const char *, struct error *),
                        const char *path, const char *expected, int want_dir, const char *host)
{
    struct error err = {0};
    char why[600];
    struct stat st;

    cleanup_close int fd = create(path, &err);
    if (fd < 0)
        return fail(name, "%s", err.msg);
    if (!same_object(fd, expected, why, sizeof why))
        return fail(name, "%s", why);
    if (fstat(fd, &st) < 0 || (want_dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)))
        return fail(name, "created the wrong type");
    if (host != NULL && !host_absent(name, host))
        return;
    pass(name);
}

static int mkdir_all(const char *path, struct error *err)
{
    return path_mkdir_all_in_root(root_fd, path, 0755, err);
}

static int walk_mkdir(const char *path, struct error *err)
{
    return path_walk_in_root(root_fd, path, O_DIRECTORY, PATH_CREATE_DIR, 0755, 0, err);
}

static int create_file(const char *path, struct error *err)
{
    return path_create_file_in_root(root_fd, path, 0644, err);
}

static void test_creation(void)
{
    char path[256], expected[256], host[256];

    snprintf(expected, sizeof expected, "%s/made/by/walk/x", marker);
    snprintf(host, sizeof host, "/%s", marker);
    test_create("mkdir_through_dangling_absolute", mkdir_all, "dangling_abs/x", expected, 1, host);
    snprintf(path, sizeof path, "%s-outside", marker);
    snprintf(host, sizeof host, "%s/%s-outside", base, marker);
    snprintf(expected, sizeof expected, "%s-outside/y", marker);
    test_create("mkdir_through_dangling_escape", mkdir_all, "dangling_rel/y", expected, 1, host);
    snprintf(path, sizeof path, "abs_etc/%s", marker);
    snprintf(expected, sizeof expected, "etc/%s", marker);
    snprintf(host, sizeof host, "/etc/%s", marker);
    test_create("mkdir_through_absolute_symlink", mkdir_all, path, expected, 1, host);
    snprintf(path, sizeof path, "dotdot/tmp/%s-file", marker);
    snprintf(expected, sizeof expected, "tmp/%s-file", marker);
    snprintf(host, sizeof host, "/tmp/%s-file", marker);
    test_create("create_file_through_escape", create_file, path, expected, 0, host);
    snprintf(path, sizeof path, "abs_tmp/%s-walk/a/../b", marker);
    snprintf(expected, sizeof expected, "tmp/%s-walk/b", marker);
    snprintf(host, sizeof host, "/tmp/%s-walk", marker);
    test_create("walk_mkdir_with_dotdot", walk_mkdir, path, expected, 1, host);
    test_create("create_file_existing_dir", create_file, "etc", "etc", 1, NULL);
    test_create("mkdir_existing", mkdir_all, "abs_etc", "etc", 1, NULL);

    struct error err = {0};
    cleanup_close int fd = mkdir_all("file/sub", &err);
    if (fd >= 0 || err.errnum != ENOTDIR)
        fail("mkdir_under_file", "want ENOTDIR, got fd %d errno %d", fd, err.errnum);
    else
        pass("mkdir_under_file");
    cleanup_close int loop = mkdir_all("loop_a/sub", &err);
    if (loop >= 0 || err.errnum != ELOOP)
        fail("mkdir_through_loop", "want ELOOP, got fd %d errno %d", loop, err.errnum);
    else
        pass("mkdir_through_loop");
}

static void test_parent(void)
{
    struct error err = {0};
    char *name = NULL, why[600];

    cleanup_close int fd =
        path_open_parent_in_root(root_fd, "abs_etc/../newparent/node/", &name, &err);
    if (fd < 0)
        fail("parent_created_inside", "%s", err.msg);
    else if (strcmp(name, "node") != 0)
        fail("parent_created_inside", "name \"%s\", want \"node\"", name);
    else if (!same_object(fd, "newparent", why, sizeof why))
        fail("parent_created_inside", "%s", why);
    else
        pass("parent_created_inside");
    free(name);

    static const char *const bad[] = {"/", "a/..", "a/.", "", "//"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *n = NULL;
        int r = path_open_parent_in_root(root_fd, bad[i], &n, &err);
        if (r >= 0 || err.errnum != EINVAL) {
            fail("parent_rejects_no_name", "\"%s\" accepted", bad[i]);
            if (r >= 0)
                close(r);
            free(n);
            return;
        }
    }
    pass("parent_rejects_no_name");
}

static void test_clean(void)
{
    static const char *const cases[][2] = {
        {"/dev", "/dev"},
        {"dev", "/dev"},
        {"//dev//", "/dev"},
        {"/dev/./pts", "/dev/pts"},
        {"/../dev", "/dev"},
        {"/a/b/../c", "/a/c"},
        {"", "/"},
        {"/", "/"},
        {"..", "/"},
        {"/a/..", "/"},
        {"/a/../../b/", "/b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = path_clean(cases[i][0]);
        int ok = strcmp(got, cases[i][1]) == 0;
        if (!ok)
            fail("clean", "\"%s\" -> \"%s\", want \"%s\"", cases[i][0], got, cases[i][1]);
        free(got);
        if (!ok)
            return;
    }
    pass("clean");
}

static void test_fd_in_root(void)
{
    struct error err = {0};
    cleanup_close int fd = path_open_in_root(root_fd, "abs_etc", 0, &err);
    cleanup_free char *inside = fd >= 0 ? path_fd_in_root(fd, root, &err) : NULL;

    if (inside == NULL || strcmp(inside, "/etc") != 0)
        return fail("fd_in_root", "got %s (%s)", inside ? inside : "NULL", err.msg);
    cleanup_close int outside = open("/", O_PATH | O_CLOEXEC);
    cleanup_free char *none = path_fd_in_root(outside, root, &err);
    if (none != NULL || err.errnum != ERANGE)
        return fail("fd_in_root", "/ is not reported outside the root");
    pass("fd_in_root");
}

int main(void)
{
    if (make_tree() < 0) {
        printf("FAIL setup: %s\n", strerror(errno));
        remove_tree();
        return 1;
    }
    for (size_t i = 0; i < sizeof lookup_cases / sizeof lookup_cases[0]; i++) {
        run_lookup("openat2", resolve_openat2, &lookup_cases[i]);
        run_lookup("walk", resolve_walk, &lookup_cases[i]);
    }
    test_creation();
    test_parent();
    test_clean();
    test_fd_in_root();
    remove_tree();
    return failed ? 1 : 0;
}
