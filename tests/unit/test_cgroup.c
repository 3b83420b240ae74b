/* Unit tests of the cgroup code's pure conversions: runc's v1 -> v2 mappings (shares ->
 * cpu.weight, blkio weight -> io.weight, quota/period -> cpu.max, memory+swap -> swap.max),
 * hugepage size names, path cleaning and runc's memory units. No root, no cgroup files. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linux/cgroup.h"
#include "testlib.h"
#include "util.h"

static void check_u64(const char *name, uint64_t expected, uint64_t actual)
{
    if (expected == actual)
        test_pass(name);
    else
        test_fail(name, "expected %" PRIu64 ", got %" PRIu64, expected, actual);
}

/* Takes ownership of actual. */
static void check_str(const char *name, const char *expected, char *actual)
{
    if ((!expected && !actual) || (expected && actual && strcmp(expected, actual) == 0))
        test_pass(name);
    else
        test_fail(name, "expected '%s', got '%s'", expected ? expected : "(null)",
                  actual ? actual : "(null)");
    free(actual);
}

static void test_shares_to_weight(void)
{
    /* runc 1.1: 1 + ((shares - 2) * 9999) / 262142 */
    check_u64("shares_to_weight/unset", 0, cgroup_shares_to_weight(0));
    check_u64("shares_to_weight/min", 1, cgroup_shares_to_weight(2));
    check_u64("shares_to_weight/below_min", 1, cgroup_shares_to_weight(1));
    check_u64("shares_to_weight/512", 20, cgroup_shares_to_weight(512));
    check_u64("shares_to_weight/default_1024", 39, cgroup_shares_to_weight(1024));
    check_u64("shares_to_weight/max", 10000, cgroup_shares_to_weight(262144));
    check_u64("shares_to_weight/above_max", 10000, cgroup_shares_to_weight(1000000));
}

static void test_blkio_weight(void)
{
    /* runc: 1 + (weight - 10) * 9999 / 990 */
    check_u64("io_weight/unset", 0, cgroup_blkio_weight_to_io_weight(0));
    check_u64("io_weight/min", 1, cgroup_blkio_weight_to_io_weight(10));
    check_u64("io_weight/300", 2930, cgroup_blkio_weight_to_io_weight(300));
    check_u64("io_weight/500", 4950, cgroup_blkio_weight_to_io_weight(500));
    check_u64("io_weight/max", 10000, cgroup_blkio_weight_to_io_weight(1000));
}

static void test_cpu_max(void)
{
    check_str("cpu_max/quota_and_period", "50000 100000", cgroup_cpu_max(50000, 100000));
    check_str("cpu_max/quota_default_period", "20000 100000", cgroup_cpu_max(20000, 0));
    check_str("cpu_max/no_quota", "max 100000", cgroup_cpu_max(0, 0));
    check_str("cpu_max/unlimited_quota", "max 25000", cgroup_cpu_max(-1, 25000));
}

static void check_swap(const char *name, int64_t swap, int64_t memory, int64_t expected,
                       const char *expected_error)
{
    struct error err;
    int64_t out = 12345;
    int rc;

    error_clear(&err);
    rc = cgroup_memory_swap_to_v2(swap, memory, &out, &err);
    if (expected_error) {
        if (rc == 0)
            test_fail(name, "expected error '%s', got %" PRId64, expected_error, out);
        else if (strcmp(err.msg, expected_error) != 0)
            test_fail(name, "expected error '%s', got '%s'", expected_error, err.msg);
        else
            test_pass(name);
        return;
    }
    if (rc < 0)
        test_fail(name, "unexpected error: %s", err.msg);
    else if (out != expected)
        test_fail(name, "expected %" PRId64 ", got %" PRId64, expected, out);
    else
        test_pass(name);
}

static void test_memory_swap(void)
{
    check_swap("swap/unset", 0, 1000, 0, NULL);
    check_swap("swap/unlimited", -1, 1000, -1, NULL);
    check_swap("swap/unlimited_memory_implies_unlimited_swap", 0, -1, -1, NULL);
    check_swap("swap/memsw_minus_memory", 3000, 1000, 2000, NULL);
    check_swap("swap/equal_means_no_swap", 1000, 1000, 0, NULL);
    check_swap("swap/below_memory", 500, 1000, 0, "memory+swap limit should be >= memory limit");
    check_swap("swap/without_memory", 500, 0, 0, "unable to set swap limit without memory limit");
    check_swap("swap/with_unlimited_memory", 500, -1, 0,
               "unable to set swap limit without memory limit");
    check_swap("swap/negative_memory", 500, -5, 0, "invalid memory value: -5");
    check_str("v2_limit/max", "max", cgroup_v2_limit_string(-1));
    check_str("v2_limit/value", "67108864", cgroup_v2_limit_string(67108864));
}

static void test_hugepage_names(void)
{
    check_str("hugepage/2MB", "2MB", cgroup_hugepage_size_name("2MB"));
    check_str("hugepage/2048KB", "2MB", cgroup_hugepage_size_name("2048KB"));
    check_str("hugepage/kernel_kB", "2MB", cgroup_hugepage_size_name("2048kB"));
    check_str("hugepage/1GB", "1GB", cgroup_hugepage_size_name("1GB"));
    check_str("hugepage/1048576KB", "1GB", cgroup_hugepage_size_name("1048576KB"));
    check_str("hugepage/64KB", "64KB", cgroup_hugepage_size_name("64KB"));
    check_str("hugepage/bytes", "2MB", cgroup_hugepage_size_name("2097152B"));
    check_str("hugepage/fraction", "1.5MB", cgroup_hugepage_size_name("1536KB"));
    check_str("hugepage/bad_unit", NULL, cgroup_hugepage_size_name("2XB"));
    check_str("hugepage/no_unit", NULL, cgroup_hugepage_size_name("2M"));
    check_str("hugepage/zero", NULL, cgroup_hugepage_size_name("0MB"));
    check_str("hugepage/empty", NULL, cgroup_hugepage_size_name(""));
}

static void test_clean_path(void)
{
    check_str("clean/plain", "/runc-go-test/a", cgroup_clean_path("/runc-go-test/a"));
    check_str("clean/slashes_dots", "/a/b", cgroup_clean_path("//a//./b/"));
    check_str("clean/dotdot", "/b", cgroup_clean_path("/a/../b"));
    check_str("clean/dotdot_above_root", "/b", cgroup_clean_path("/a/../../../b"));
    check_str("clean/root", "/", cgroup_clean_path("/.."));
    check_str("clean/relative", "/a/b", cgroup_clean_path("a/b"));
}

static void check_ram(const char *name, const char *input, int64_t expected, bool ok)
{
    int64_t out = 0;
    int rc = cgroup_parse_ram_bytes(input, &out);

    if (!ok && rc == 0)
        test_fail(name, "'%s' parsed as %" PRId64 ", expected an error", input, out);
    else if (ok && rc < 0)
        test_fail(name, "'%s' refused", input);
    else if (ok && out != expected)
        test_fail(name, "'%s': expected %" PRId64 ", got %" PRId64, input, expected, out);
    else
        test_pass(name);
}

static void test_ram_bytes(void)
{
    check_ram("ram/bytes", "100", 100, true);
    check_ram("ram/k", "1k", 1024, true);
    check_ram("ram/kb", "1kb", 1024, true);
    check_ram("ram/m", "64m", 64 << 20, true);
    check_ram("ram/M", "64M", 64 << 20, true);
    check_ram("ram/g", "1g", 1 << 30, true);
    check_ram("ram/GiB_fraction", "1.5GiB", 3LL << 29, true);
    check_ram("ram/space", "10 k", 10240, true);
    check_ram("ram/b_suffix", "512b", 512, true);
    check_ram("ram/t", "2t", 2LL << 40, true);
    check_ram("ram/bad_suffix", "1x", 0, false);
    check_ram("ram/empty", "", 0, false);
    check_ram("ram/no_digits", "m", 0, false);
    check_ram("ram/negative", "-1", 0, false);
    check_ram("ram/two_dots", "1.2.3", 0, false);
    check_ram("ram/trailing", "1mb2", 0, false);
}

int main(void)
{
    test_shares_to_weight();
    test_blkio_weight();
    test_cpu_max();
    test_memory_swap();
    test_hugepage_names();
    test_clean_path();
    test_ram_bytes();
    return test_exit_code();
}
