/* seccomp_load_config() against the real kernel: each case loads a filter in a forked child,
 * which then makes the calls under test and exits with a code the parent checks (0: all as
 * expected, else the number of the first check that failed). Config errors are checked the
 * same way, so a bug that loads a filter never affects the test program itself. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/seccomp.h"
#include "testlib.h"
#include "util.h"

/* The kernel's notification ABI (linux/seccomp.h). Neither that header nor libseccomp's
 * <seccomp.h> can be included here: with -Isrc, <linux/seccomp.h> finds src/linux/seccomp.h. */
struct notif {
    uint64_t id;
    uint32_t pid;
    uint32_t flags;
    struct {
        int nr;
        uint32_t arch;
        uint64_t instruction_pointer;
        uint64_t args[6];
    } data;
};
struct notif_resp {
    uint64_t id;
    int64_t val;
    int32_t error;
    uint32_t flags;
};
#define NOTIF_RECV _IOWR('!', 0, struct notif)
#define NOTIF_SEND _IOWR('!', 1, struct notif_resp)

#define NAMES(...)                                                                                 \
    .names = (char *[]){__VA_ARGS__}, .names_count = ARRAY_SIZE(((char *[]){__VA_ARGS__}))
#define RULES(...)                                                                                 \
    .syscalls = (struct spec_syscall[]){__VA_ARGS__},                                              \
    .syscalls_count = ARRAY_SIZE(((struct spec_syscall[]){__VA_ARGS__}))
#define ARGS(...)                                                                                  \
    .args = (struct spec_seccomp_arg[]){__VA_ARGS__},                                              \
    .args_count = ARRAY_SIZE(((struct spec_seccomp_arg[]){__VA_ARGS__}))
#define LIST(field, ...)                                                                           \
    .field = (char *[]){__VA_ARGS__}, .field##_count = ARRAY_SIZE(((char *[]){__VA_ARGS__}))

/* Set before a fork, read by the child's body. */
static int want_errno;
static bool set_nnp = true;
#define AGENT_TEST_STATE                                                                           \
    "{\"ociVersion\":\"" SPEC_VERSION "\",\"id\":\"c1\",\"status\":\"creating\"}"
static int (*before_load)(void); /* runs in the child before the load when set */

struct outcome {
    int status;              /* waitpid status */
    bool load_failed;        /* seccomp_load_config() returned -1 */
    char msg[ERROR_MSG_MAX]; /* its message */
};

static void report_load_error(int fd, const struct error *err)
{
    (void)!write(fd, err->msg, strlen(err->msg));
    _exit(100);
}

struct pending {
    pid_t pid;
    int msg_fd; /* read end: the load error, if any */
};

/* Starts body under the filter of s in a child. no_new_privs is set first (as with
 * process.noNewPrivileges) unless set_nnp is false, so the test also runs unprivileged. */
static void start_filtered(const struct spec_seccomp *s, int (*body)(void), struct pending *child)
{
    int pipe_fds[2];

    if (pipe2(pipe_fds, O_CLOEXEC) < 0)
        abort();
    fflush(stdout);
    child->pid = fork();
    if (child->pid < 0)
        abort();
    if (child->pid == 0) {
        struct rlimit no_core = {0, 0};
        struct error err = {0};
        int notify_fd;

        close(pipe_fds[0]);
        setrlimit(RLIMIT_CORE, &no_core);
        alarm(20);
        if (set_nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
            _exit(101);
        if (before_load && before_load() < 0)
            _exit(102);
        if (seccomp_load_config(s, &notify_fd, &err) < 0)
            report_load_error(pipe_fds[1], &err);
        /* What the runtime does with the fd the init passes it (here in one process). */
        if (notify_fd >= 0 &&
            seccomp_send_to_agent(s, notify_fd, getpid(), AGENT_TEST_STATE, &err) < 0)
            report_load_error(pipe_fds[1], &err);
        if (notify_fd >= 0)
            close(notify_fd);
        /* Not _exit(): under sanitizers its interceptor runs a leak check that needs calls
         * (mmap, sigaltstack...) an allowlist filter denies. */
        syscall(SYS_exit_group, body());
        _exit(127);
    }
    close(pipe_fds[1]);
    child->msg_fd = pipe_fds[0];
}

static void finish_filtered(struct pending *child, struct outcome *out)
{
    ssize_t n;

    memset(out, 0, sizeof *out);
    n = read(child->msg_fd, out->msg, sizeof out->msg - 1);
    out->msg[n > 0 ? n : 0] = '\0';
    close(child->msg_fd);
    while (waitpid(child->pid, &out->status, 0) < 0 && errno == EINTR)
        ;
    out->load_failed = WIFEXITED(out->status) && WEXITSTATUS(out->status) == 100;
}

static void run_filtered(const struct spec_seccomp *s, int (*body)(void), struct outcome *out)
{
    struct pending child;

    start_filtered(s, body, &child);
    finish_filtered(&child, out);
}

/* PASS when the child exited 0, else FAIL with what happened. */
static void expect_exit0(const char *name, const struct outcome *out)
{
    if (out->load_failed)
        test_fail(name, "load failed: %s", out->msg);
    else if (WIFSIGNALED(out->status))
        test_fail(name, "child killed by signal %d", WTERMSIG(out->status));
    else if (WEXITSTATUS(out->status) != 0)
        test_fail(name, "check %d in the child failed", WEXITSTATUS(out->status));
    else
        test_pass(name);
}

static void expect_signal(const char *name, const struct outcome *out, int sig)
{
    if (out->load_failed)
        test_fail(name, "load failed: %s", out->msg);
    else if (!WIFSIGNALED(out->status) || WTERMSIG(out->status) != sig)
        test_fail(name, "expected death by signal %d, got status 0x%x", sig, out->status);
    else
        test_pass(name);
}

static void expect_load_error(const char *name, const struct outcome *out, const char *want)
{
    if (!out->load_failed)
        test_fail(name, "expected a load error, child status 0x%x", out->status);
    else if (!strstr(out->msg, want))
        test_fail(name, "expected '%s' in the error, got: %s", want, out->msg);
    else
        test_pass(name);
}

/* ------------------------------------------------------------------ child bodies */

static int body_getcwd_fails(void)
{
    char buf[256];
    if (syscall(SYS_getcwd, buf, sizeof buf) != -1)
        return 1;
    return errno == want_errno ? 0 : 2;
}

static int body_getcwd_works(void)
{
    char buf[256];
    return syscall(SYS_getcwd, buf, sizeof buf) > 0 ? 0 : 1;
}

static int body_getppid(void)
{
    syscall(SYS_getppid);
    return 0;
}

/* Default ERRNO with an allowlist: the listed getppid works, the rest gets defaultErrnoRet. */
static int body_allowlist(void)
{
    char buf[256];
    if (syscall(SYS_getppid) <= 0)
        return 1;
    if (syscall(SYS_getcwd, buf, sizeof buf) != -1 || errno != want_errno)
        return 2;
    return 0;
}

static int body_not_filtered(void)
{
    return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 0 ? 0 : 1;
}

static int body_nnp_untouched(void)
{
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) != 2)
        return 1;
    return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0 ? 0 : 2;
}

/* personality(2) as the probe for argument comparisons: any value is accepted by the
 * kernel, so a failure with EPERM can only come from the filter. */
struct call {
    unsigned long arg0, arg1;
};
static struct call blocked[4], allowed[4];
static size_t blocked_count, allowed_count;

static int body_personality(void)
{
    for (size_t i = 0; i < blocked_count; i++) {
        if (syscall(SYS_personality, blocked[i].arg0, blocked[i].arg1) != -1 || errno != EPERM)
            return (int)(10 + i);
    }
    for (size_t i = 0; i < allowed_count; i++) {
        if (syscall(SYS_personality, allowed[i].arg0, allowed[i].arg1) == -1)
            return (int)(20 + i);
    }
    return 0;
}

/* ------------------------------------------------------------------ cases */

static void test_errno_actions(void)
{
    struct outcome out;

    struct spec_seccomp eperm = {.present = true,
                                 .default_action = "SCMP_ACT_ALLOW",
                                 RULES({NAMES("getcwd"), .action = "SCMP_ACT_ERRNO"})};
    want_errno = EPERM;
    run_filtered(&eperm, body_getcwd_fails, &out);
    expect_exit0("errno_default_eperm", &out);

    struct spec_seccomp ret38 = {.present = true,
                                 .default_action = "SCMP_ACT_ALLOW",
                                 RULES({NAMES("getcwd"), .action = "SCMP_ACT_ERRNO",
                                        .has_errno_ret = true, .errno_ret = 38})};
    want_errno = 38;
    run_filtered(&ret38, body_getcwd_fails, &out);
    expect_exit0("errno_ret_38", &out);

    /* Without a tracer the kernel fails a SCMP_ACT_TRACE call with ENOSYS. */
    struct spec_seccomp trace = {.present = true,
                                 .default_action = "SCMP_ACT_ALLOW",
                                 RULES({NAMES("getcwd"), .action = "SCMP_ACT_TRACE"})};
    want_errno = ENOSYS;
    run_filtered(&trace, body_getcwd_fails, &out);
    expect_exit0("trace_without_tracer_enosys", &out);

    struct spec_seccomp log = {.present = true,
                               .default_action = "SCMP_ACT_ALLOW",
                               RULES({NAMES("getcwd"), .action = "SCMP_ACT_LOG"})};
    run_filtered(&log, body_getcwd_works, &out);
    expect_exit0("log_allows", &out);
}

static void test_default_errno_allowlist(void)
{
    struct outcome out;
    struct spec_seccomp s = {
        .present = true,
        .default_action = "SCMP_ACT_ERRNO",
        .has_default_errno_ret = true,
        .default_errno_ret = EACCES,
        RULES({NAMES("exit_group", "exit", "getppid"), .action = "SCMP_ACT_ALLOW"})};

    want_errno = EACCES;
    run_filtered(&s, body_allowlist, &out);
    expect_exit0("default_errno_with_allowlist", &out);
}

/* A thread of the child makes the filtered call. */
static void *thread_getppid(void *arg)
{
    (void)arg;
    syscall(SYS_getppid);
    return NULL;
}

/* Threads of this process, from /proc/self/status. */
static int thread_count(void)
{
    char line[256];
    int threads = -1;
    FILE *f = fopen("/proc/self/status", "re");

    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &threads) == 1)
            break;
    if (f)
        fclose(f);
    return threads;
}

/* Exits 0 once the thread is gone and the process still runs. Not pthread_join: musl's
 * waits for the thread's own exit path, which a thread the kernel killed never takes. */
static int body_thread_getppid(void)
{
    pthread_t thread;

    if (pthread_create(&thread, NULL, thread_getppid, NULL) != 0)
        return 1;
    for (int i = 0; i < 400; i++) {
        if (thread_count() == 1)
            return 0;
        usleep(5000);
    }
    return 2;
}

static void test_kill_actions(void)
{
    static const char *const actions[] = {"SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL",
                                          "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP"};
    struct outcome out;

    for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
        char name[64];
        struct spec_seccomp s = {.present = true,
                                 .default_action = "SCMP_ACT_ALLOW",
                                 RULES({NAMES("getppid"), .action = (char *)actions[i]})};
        snprintf(name, sizeof name, "sigsys_%s", actions[i] + strlen("SCMP_ACT_"));
        run_filtered(&s, body_getppid, &out);
        expect_signal(name, &out, SIGSYS);
    }

    /* SCMP_ACT_KILL (runc: kill thread) spares the rest of the process; KILL_PROCESS not */
    struct spec_seccomp thread = {.present = true,
                                  .default_action = "SCMP_ACT_ALLOW",
                                  RULES({NAMES("getppid"), .action = "SCMP_ACT_KILL"})};
    run_filtered(&thread, body_thread_getppid, &out);
    expect_exit0("kill_thread_spares_process", &out);
    struct spec_seccomp process = {.present = true,
                                   .default_action = "SCMP_ACT_ALLOW",
                                   RULES({NAMES("getppid"), .action = "SCMP_ACT_KILL_PROCESS"})};
    run_filtered(&process, body_thread_getppid, &out);
    expect_signal("kill_process_from_a_thread", &out, SIGSYS);
}

struct op_case {
    const char *name;
    struct spec_seccomp_arg args[2];
    size_t args_count;
    struct call blocked[4], allowed[4];
    size_t blocked_count, allowed_count;
};

static const struct op_case op_cases[] = {
    {"arg_eq", {{0, 8, 0, "SCMP_CMP_EQ"}}, 1, {{8, 0}}, {{0, 0}, {9, 0}}, 1, 2},
    {"arg_ne", {{0, 8, 0, "SCMP_CMP_NE"}}, 1, {{0, 0}, {9, 0}}, {{8, 0}}, 2, 1},
    {"arg_lt", {{0, 8, 0, "SCMP_CMP_LT"}}, 1, {{0, 0}, {7, 0}}, {{8, 0}, {9, 0}}, 2, 2},
    {"arg_le", {{0, 8, 0, "SCMP_CMP_LE"}}, 1, {{7, 0}, {8, 0}}, {{9, 0}}, 2, 1},
    {"arg_ge", {{0, 8, 0, "SCMP_CMP_GE"}}, 1, {{8, 0}, {9, 0}}, {{7, 0}}, 2, 1},
    {"arg_gt", {{0, 8, 0, "SCMP_CMP_GT"}}, 1, {{9, 0}}, {{7, 0}, {8, 0}}, 1, 2},
    /* value is the mask, valueTwo what the masked argument must equal */
    {"arg_masked_eq",
     {{0, 0x0040008, 0x0040000, "SCMP_CMP_MASKED_EQ"}},
     1,
     {{0x0040000, 0}, {0x0040001, 0}},
     {{0x0040008, 0}, {0, 0}, {8, 0}},
     2,
     3},
    /* two arguments: ANDed in one rule */
    {"args_distinct_and",
     {{0, 5, 0, "SCMP_CMP_EQ"}, {1, 6, 0, "SCMP_CMP_EQ"}},
     2,
     {{5, 6}},
     {{5, 0}, {0, 6}},
     1,
     2},
    /* the same argument twice: one rule each, so either matches (runc's behaviour) */
    {"args_same_index_split",
     {{0, 5, 0, "SCMP_CMP_EQ"}, {0, 6, 0, "SCMP_CMP_EQ"}},
     2,
     {{5, 0}, {6, 0}},
     {{7, 0}},
     2,
     1},
};

static void test_arg_operators(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(op_cases); i++) {
        const struct op_case *c = &op_cases[i];
        struct spec_syscall rule = {NAMES("personality"), .action = "SCMP_ACT_ERRNO",
                                    .args = (struct spec_seccomp_arg *)c->args,
                                    .args_count = c->args_count};
        struct spec_seccomp s = {.present = true,
                                 .default_action = "SCMP_ACT_ALLOW",
                                 .syscalls = &rule,
                                 .syscalls_count = 1};
        struct outcome out;

        memcpy(blocked, c->blocked, sizeof blocked);
        memcpy(allowed, c->allowed, sizeof allowed);
        blocked_count = c->blocked_count;
        allowed_count = c->allowed_count;
        run_filtered(&s, body_personality, &out);
        expect_exit0(c->name, &out);
    }
}

static void test_skips(void)
{
    struct outcome out;

    struct spec_seccomp unknown = {
        .present = true,
        .default_action = "SCMP_ACT_ALLOW",
        RULES({NAMES("rgo_no_such_syscall", "getcwd"), .action = "SCMP_ACT_ERRNO"})};
    want_errno = EPERM;
    run_filtered(&unknown, body_getcwd_fails, &out);
    expect_exit0("unknown_syscall_name_skipped", &out);

    /* libseccomp refuses a rule with the default action (EACCES): it must be skipped. */
    struct spec_seccomp same = {
        .present = true,
        .default_action = "SCMP_ACT_ERRNO",
        RULES({NAMES("getcwd"), .action = "SCMP_ACT_ERRNO"},
              {NAMES("exit_group", "getppid"), .action = "SCMP_ACT_ALLOW"})};
    want_errno = EPERM;
    run_filtered(&same, body_allowlist, &out);
    expect_exit0("rule_with_default_action_skipped", &out);

    /* socketcall has no number on x86_64: libseccomp handles the pseudo-syscall itself */
    struct spec_seccomp pseudo = {
        .present = true,
        .default_action = "SCMP_ACT_ALLOW",
        RULES({NAMES("socketcall", "getcwd"), .action = "SCMP_ACT_ERRNO"})};
    run_filtered(&pseudo, body_getcwd_fails, &out);
    expect_exit0("syscall_of_other_arch_accepted", &out);

    struct spec_seccomp absent = {.present = false};
    run_filtered(&absent, body_not_filtered, &out);
    expect_exit0("no_seccomp_section_no_filter", &out);
}

static void test_arches_and_flags(void)
{
    struct outcome out;

    struct spec_seccomp arches = {
        .present = true,
        .default_action = "SCMP_ACT_ALLOW",
        LIST(architectures, "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
        RULES({NAMES("getcwd"), .action = "SCMP_ACT_ERRNO"})};
#if defined(__x86_64__)
    want_errno = EPERM;
    run_filtered(&arches, body_getcwd_fails, &out);
    expect_exit0("architectures_x86_family", &out);
#else
    (void)arches;
    test_skip("architectures_x86_family", "not an x86_64 host");
#endif

    struct spec_seccomp flags = {.present = true,
                                 .default_action = "SCMP_ACT_ALLOW",
                                 LIST(flags, "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                      "SECCOMP_FILTER_FLAG_SPEC_ALLOW"),
                                 RULES({NAMES("getcwd"), .action = "SCMP_ACT_ERRNO"})};
    want_errno = EPERM;
    run_filtered(&flags, body_getcwd_fails, &out);
    expect_exit0("flags_tsync_log_spec_allow", &out);

    struct spec_seccomp waitkill = {.present = true,
                                    .default_action = "SCMP_ACT_ALLOW",
                                    LIST(flags, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")};
    /* libseccomp 2.6 has the attribute, 2.5 must refuse the flag by name */
    run_filtered(&waitkill, body_getcwd_works, &out);
    if (out.load_failed)
        expect_load_error("flag_wait_killable_recv", &out,
                          "config.json: linux.seccomp.flags[0]: "
                          "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs libseccomp 2.6.0");
    else
        expect_exit0("flag_wait_killable_recv", &out);
}

struct error_case {
    const char *name;
    struct spec_seccomp config;
    const char *want;
};

static const struct error_case error_cases[] = {
    {"error_unknown_default_action",
     {.present = true, .default_action = "SCMP_ACT_BOGUS"},
     "config.json: linux.seccomp.defaultAction: unknown action \"SCMP_ACT_BOGUS\""},
    {"error_unknown_rule_action",
     {.present = true,
      .default_action = "SCMP_ACT_ALLOW",
      RULES({NAMES("getcwd"), .action = "SCMP_ACT_ERRNO"},
            {NAMES("getppid"), .action = "SCMP_ACT_NOPE"})},
     "config.json: linux.seccomp.syscalls[1].action: unknown action \"SCMP_ACT_NOPE\""},
    {"error_unknown_arch",
     {.present = true,
      .default_action = "SCMP_ACT_ALLOW",
      LIST(architectures, "SCMP_ARCH_X86_64", "SCMP_ARCH_VAX")},
     "config.json: linux.seccomp.architectures[1]: unknown architecture \"SCMP_ARCH_VAX\""},
    {"error_unknown_flag",
     {.present = true, .default_action = "SCMP_ACT_ALLOW", LIST(flags, "SECCOMP_FILTER_FLAG_X")},
     "config.json: linux.seccomp.flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_X\""},
    {"error_unknown_operator",
     {.present = true,
      .default_action = "SCMP_ACT_ALLOW",
      RULES({NAMES("personality"), .action = "SCMP_ACT_ERRNO",
             ARGS({0, 1, 0, "SCMP_CMP_EQ"}, {1, 1, 0, "SCMP_CMP_ABOUT"})})},
     "config.json: linux.seccomp.syscalls[0].args[1].op: unknown operator \"SCMP_CMP_ABOUT\""},
    {"error_arg_index_out_of_range",
     {.present = true,
      .default_action = "SCMP_ACT_ALLOW",
      RULES({NAMES("personality"), .action = "SCMP_ACT_ERRNO", ARGS({6, 1, 0, "SCMP_CMP_EQ"})})},
     "config.json: linux.seccomp.syscalls[0].args[0].index: expected 0 to 5, got 6"},
    {"error_notify_on_sendmsg",
     {.present = true,
      .default_action = "SCMP_ACT_ALLOW",
      .listener_path = "/nonexistent",
      RULES({NAMES("getppid", "sendmsg"), .action = "SCMP_ACT_NOTIFY"})},
     "config.json: linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for "
     "sendmsg"},
};

static void test_config_errors(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(error_cases); i++) {
        struct outcome out;
        run_filtered(&error_cases[i].config, body_getcwd_works, &out);
        expect_load_error(error_cases[i].name, &out, error_cases[i].want);
    }
}

/* ------------------------------------------------------------------ privileges */

static bool has_cap_sys_admin(void)
{
    char line[256];
    unsigned long long eff = 0;
    FILE *f = fopen("/proc/self/status", "re");

    if (!f)
        return false;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "CapEff: %llx", &eff) == 1)
            break;
    }
    fclose(f);
    return eff & (1ULL << 21); /* CAP_SYS_ADMIN */
}

static int drop_to_nobody(void)
{
    return setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0 ? -1 : 0;
}

/* Without process.noNewPrivileges the init loads while privileged: the filter must not set
 * no_new_privs behind its back (libseccomp does by default), and without the privilege the
 * kernel's refusal must reach the message. */
static void test_privilege_cases(void)
{
    struct spec_seccomp s = {.present = true,
                             .default_action = "SCMP_ACT_ALLOW",
                             RULES({NAMES("getcwd"), .action = "SCMP_ACT_ERRNO"})};
    struct outcome out;

    if (!has_cap_sys_admin()) {
        test_skip("privileged_load_leaves_no_new_privs_unset", "needs CAP_SYS_ADMIN");
        test_skip("unprivileged_load_without_no_new_privs_fails", "needs CAP_SYS_ADMIN");
        return;
    }
    set_nnp = false;
    run_filtered(&s, body_nnp_untouched, &out);
    expect_exit0("privileged_load_leaves_no_new_privs_unset", &out);
    if (geteuid() == 0) {
        before_load = drop_to_nobody;
        run_filtered(&s, body_getcwd_works, &out);
        expect_load_error("unprivileged_load_without_no_new_privs_fails", &out,
                          "load seccomp filter: permission denied");
        before_load = NULL;
    } else {
        test_skip("unprivileged_load_without_no_new_privs_fails", "needs root to drop to nobody");
    }
    set_nnp = true;
}

/* ------------------------------------------------------------------ notify */

#define AGENT_ANSWER 4242

static int body_notified_getppid(void)
{
    return syscall(SYS_getppid) == AGENT_ANSWER ? 0 : 1;
}

static int agent_listen(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 1) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static bool wait_readable(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    return poll(&pfd, 1, 10000) == 1;
}

/* One connection of the agent: the state JSON (read to EOF) and the fd of SCM_RIGHTS. */
static const char *agent_receive(int listen_fd, char *json, size_t size, int *notify_fd)
{
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = json, .iov_len = size - 1};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    cleanup_close int conn = -1;
    struct cmsghdr *cmsg;
    size_t len;
    ssize_t n;

    if (!wait_readable(listen_fd) || (conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
        return "no connection to the listener";
    n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
    if (n <= 0)
        return "nothing received";
    cmsg = CMSG_FIRSTHDR(&msg);
    if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS || cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
        return "no SCM_RIGHTS fd with the first message";
    memcpy(notify_fd, CMSG_DATA(cmsg), sizeof(int));
    for (len = (size_t)n; len < size - 1 && (n = read(conn, json + len, size - 1 - len)) > 0;)
        len += (size_t)n;
    json[len] = '\0';
    return n == 0 ? NULL : "the connection was not closed after the state";
}

/* Answers the one notification expected: getppid() returns AGENT_ANSWER. */
static const char *agent_answer(int notify_fd)
{
    struct notif req = {0};
    struct notif_resp resp = {0};

    if (!wait_readable(notify_fd))
        return "no notification within 10 s";
    if (ioctl(notify_fd, NOTIF_RECV, &req) < 0)
        return "SECCOMP_IOCTL_NOTIF_RECV failed";
    if (req.data.nr != SYS_getppid)
        return "notified of another syscall than getppid";
    resp.id = req.id;
    resp.val = AGENT_ANSWER;
    if (ioctl(notify_fd, NOTIF_SEND, &resp) < 0)
        return "SECCOMP_IOCTL_NOTIF_SEND failed";
    return NULL;
}

static const char *check_state(const char *json)
{
    static const char *const want[] = {
        "\"ociVersion\":\"" SPEC_VERSION "\"",
        "\"fds\":[\"seccompFd\"]",
        "\"metadata\":\"rgo-meta=1\"",
        "\"status\":\"creating\"",
        "\"pid\":",
    };
    for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
        if (!strstr(json, want[i]))
            return want[i];
    }
    return NULL;
}

/* The whole SCMP_ACT_NOTIFY path: a listener like an agent's, the state and fd it gets, and
 * the filtered call in the child answered through that fd. */
static void test_notify_agent(void)
{
    const char *name = "notify_listener_gets_fd_and_state";
    char dir[] = "/tmp/rgo-test-seccomp.XXXXXX", path[64], json[4096];
    struct outcome out;
    struct pending child;
    int listen_fd, notify_fd = -1;
    const char *why, *missing = NULL;

    if (!mkdtemp(dir)) {
        test_fail(name, "mkdtemp: %s", strerror(errno));
        return;
    }
    snprintf(path, sizeof path, "%s/agent.sock", dir);
    listen_fd = agent_listen(path);
    if (listen_fd < 0) {
        test_fail(name, "listen on %s: %s", path, strerror(errno));
        rmdir(dir);
        return;
    }
    struct spec_seccomp s = {.present = true,
                             .default_action = "SCMP_ACT_ALLOW",
                             .listener_path = path,
                             .listener_metadata = "rgo-meta=1",
                             RULES({NAMES("getppid"), .action = "SCMP_ACT_NOTIFY"})};
    start_filtered(&s, body_notified_getppid, &child);
    why = agent_receive(listen_fd, json, sizeof json, &notify_fd);
    if (!why && (missing = check_state(json)) != NULL)
        why = "state JSON incomplete";
    if (!why)
        why = agent_answer(notify_fd);
    if (why)
        kill(child.pid, SIGKILL);
    finish_filtered(&child, &out);
    if (notify_fd >= 0)
        close(notify_fd);
    close(listen_fd);
    unlink(path);
    rmdir(dir);
    if (why)
        test_fail(name, "%s%s%s (child: %s)", why, missing ? ": no " : "", missing ? missing : "",
                  out.load_failed ? out.msg : "loaded");
    else
        expect_exit0(name, &out);
}

static void test_agent_payload(void)
{
    const char *want = "{\"ociVersion\":\"" SPEC_VERSION "\",\"fds\":[\"seccompFd\"],\"pid\":42,"
                       "\"metadata\":\"a\\\"b\",\"state\":{\"id\":\"c1\"}}";
    struct spec_seccomp s = {.present = true, .listener_path = "/x", .listener_metadata = "a\"b"};
    cleanup_free char *json = seccomp_agent_payload(&s, 42, "{\"id\":\"c1\"}");
    cleanup_free char *bare = NULL;

    if (strcmp(json, want) != 0)
        test_fail("agent_payload", "expected %s, got %s", want, json);
    else
        test_pass("agent_payload");
    s.listener_metadata = NULL;
    bare = seccomp_agent_payload(&s, 42, "{}");
    if (strstr(bare, "metadata"))
        test_fail("agent_payload_without_metadata", "metadata key present: %s", bare);
    else
        test_pass("agent_payload_without_metadata");
}

static void test_agent_unreachable(void)
{
    struct spec_seccomp s = {.present = true, .listener_path = "/nonexistent/rgo-agent.sock"};
    const char *want = "config.json: linux.seccomp.listenerPath: connect to "
                       "/nonexistent/rgo-agent.sock: no such file or directory";
    struct error err = {0};
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

    if (seccomp_send_to_agent(&s, fd, 1, "{}", &err) == 0)
        test_fail("agent_unreachable", "sent to a path that does not exist");
    else if (strcmp(err.msg, want) != 0)
        test_fail("agent_unreachable", "expected \"%s\", got \"%s\"", want, err.msg);
    else
        test_pass("agent_unreachable");
    close(fd);
}

int main(void)
{
    test_errno_actions();
    test_default_errno_allowlist();
    test_kill_actions();
    test_arg_operators();
    test_skips();
    test_arches_and_flags();
    test_config_errors();
    test_privilege_cases();
    test_notify_agent();
    test_agent_payload();
    test_agent_unreachable();
    return test_exit_code();
}
