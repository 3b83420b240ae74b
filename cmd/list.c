#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/container/container.h"
#include "../src/spec/json-out.h"
#include "cmd.h"

static int run_list(const struct global_options *global, int argc, char **argv);

const struct command command_list = {"list", "[command options]",
                                     "lists containers started by runc-go with the given root",
                                     run_list};

#define COLUMNS 6

/* Go's tabwriter as runc configures it: min width 12, padding 3; the last column unpadded. */
static void print_table(const struct container_summary *list, size_t count)
{
    static const char *const header[COLUMNS] = {"ID",     "PID",     "STATUS",
                                                "BUNDLE", "CREATED", "OWNER"};
    size_t rows = count + 1, width[COLUMNS] = {0};
    char ***cells = calloc(rows, sizeof *cells);

    for (size_t r = 0; r < rows; r++) {
        cells[r] = calloc(COLUMNS, sizeof **cells);
        for (int c = 0; c < COLUMNS; c++)
            cells[r][c] = r == 0 ? strdup(header[c]) : NULL;
        if (r > 0) {
            const struct container_summary *s = &list[r - 1];
            cells[r][0] = strdup(s->id);
            if (asprintf(&cells[r][1], "%d", s->pid) < 0)
                cells[r][1] = NULL;
            cells[r][2] = strdup(s->status);
            cells[r][3] = strdup(s->bundle);
            cells[r][4] = strdup(s->created);
            cells[r][5] = strdup(s->owner);
        }
        for (int c = 0; c < COLUMNS; c++) {
            size_t w = (cells[r][c] ? strlen(cells[r][c]) : 0) + 3;
            width[c] = w > width[c] ? w : width[c];
        }
    }
    for (size_t r = 0; r < rows; r++) {
        for (int c = 0; c < COLUMNS; c++) {
            const char *cell = cells[r][c] ? cells[r][c] : "";
            if (c == COLUMNS - 1)
                printf("%s\n", cell);
            else
                printf("%-*s", (int)(width[c] < 12 ? 12 : width[c]), cell);
            free(cells[r][c]);
        }
        free(cells[r]);
    }
    free(cells);
}

static void print_json(const struct container_summary *list, size_t count)
{
    struct json_out *out = json_out_new(NULL);
    char *json;

    if (count == 0) {
        puts("null");
        json_out_free(out);
        return;
    }
    json_out_array_open(out);
    for (size_t i = 0; i < count; i++) {
        json_out_map_open(out);
        json_out_kv_string(out, "ociVersion", list[i].oci_version);
        json_out_kv_string(out, "id", list[i].id);
        json_out_kv_int(out, "pid", list[i].pid);
        json_out_kv_string(out, "status", list[i].status);
        json_out_kv_string(out, "bundle", list[i].bundle);
        json_out_kv_string(out, "rootfs", list[i].rootfs);
        json_out_kv_string(out, "created", list[i].created);
        json_out_kv_string(out, "owner", list[i].owner);
        json_out_map_close(out);
    }
    json_out_array_close(out);
    json = json_out_finish(out);
    puts(json);
    free(json);
    json_out_free(out);
}

static int run_list(const struct global_options *global, int argc, char **argv)
{
    const char *format = "table";
    bool quiet = false;
    const struct option_def defs[] = {
        {"format", 'f', OPTION_STRING, &format,
         "select one of: table or json (default: \"table\")"},
        {"quiet", 'q', OPTION_BOOL, &quiet, "display only container IDs"},
        {NULL, 0, 0, NULL, NULL},
    };
    struct container_summary *list;
    struct error err;
    bool done;
    size_t count;
    int index, rc = cmd_parse(&command_list, defs, argc, argv, &index, &done);

    if (done)
        return rc;
    if (cmd_expect_args(&command_list, argc, index, 0, 0))
        return 1;
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
        error_set(&err, 0, "invalid format option");
        return cmd_fail(&err);
    }
    if (container_list(global->root, &list, &count, &err) < 0)
        return cmd_fail(&err);
    if (quiet)
        for (size_t i = 0; i < count; i++)
            puts(list[i].id);
    else if (strcmp(format, "json") == 0)
        print_json(list, count);
    else
        print_table(list, count);
    container_list_free(list, count);
    return 0;
}
