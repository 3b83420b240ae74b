# report.awk: turn the raw records of bench/run.sh into the table (stdout) and the
# "rows" part of results.json (the file named by -v json=FILE). POSIX awk (mawk here).
#
# Input lines, one per measurement (written by bench/timer.c or run.sh):
#   PHASE RUNTIME ITER VALUE RSS_KIB STATUS CPU_NS
# VALUE is nanoseconds, or bytes for the cgmem phase. And one line per skipped runtime:
#   na RUNTIME PHASE REASON...
#   floor-STEP floor ITER NS RSS_KIB STATUS CPU_NS   (bench/floor.c, STEP fork|ns|netns|rootfs)
# Variables: n (BENCH_N), conc (containers per round), rounds, json (output file),
# wrapped (1 if crun ran through the nsenter wrapper), cgmode (v1, hybrid or v2).

function add_row(name, label, unit, src, field) {
	nrows++
	row_name[nrows] = name; row_label[nrows] = label; row_unit[nrows] = unit
	row_src[nrows] = src; row_field[nrows] = field
}

function note_iter(p, r, i) {
	if (!((p, r, i) in seen)) {
		seen[p, r, i] = 1
		count[p, r]++
		iter_at[p, r, count[p, r]] = i
	}
}

# Fill vals[1..k] for one row and runtime; return k, set nfailed.
function collect(row, r,    p, f, c, j, i, v, ok, parts, np, q) {
	p = row_src[row]; f = row_field[row]
	np = split(p, parts, "+")
	k = 0; nfailed = 0
	c = count[parts[1], r]
	for (j = 1; j <= c; j++) {
		i = iter_at[parts[1], r, j]
		ok = 1; v = 0
		for (q = 1; q <= np; q++) {
			if (!((parts[q], r, i) in seen) || ((parts[q], r, i) in bad)) { ok = 0; break }
			if (f == "rss") v += rss[parts[q], r, i]
			else if (f == "cpu") v += cpu[parts[q], r, i]
			else v += val[parts[q], r, i]
		}
		if (!ok) { nfailed++; continue }
		vals[++k] = v
	}
	return k
}

function sort_vals(k,    i, j, t) {
	for (i = 2; i <= k; i++) {
		t = vals[i]
		for (j = i - 1; j >= 1 && vals[j] > t; j--) vals[j + 1] = vals[j]
		vals[j + 1] = t
	}
}

function scale(unit) {
	if (unit == "ms") return 1e6
	if (unit == "MiB") return 1048576
	if (unit == "MiB-kib") return 1024
	return 1
}

function fmt(x) {
	if (x == "") return "n/a"
	if (x < 10) return sprintf("%.2f", x)
	if (x < 100) return sprintf("%.1f", x)
	return sprintf("%.0f", x)
}

function json_str(s) {
	gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\t/, " ", s)
	return "\"" s "\""
}

function json_num(x) { return x == "" ? "null" : sprintf("%.4f", x) }

# Compute stats of one row for runtime r into st_*; "" when nothing succeeded.
function stats(row, r,    k, i, sum, s, idx) {
	delete vals
	k = collect(row, r)
	st_n = k; st_failed = nfailed
	st_med = st_p90 = st_min = st_max = st_mean = ""
	if (k == 0) return
	sort_vals(k)
	s = scale(row_unit[row])
	for (i = 1; i <= k; i++) { vals[i] /= s; sum += vals[i] }
	st_med = (k % 2) ? vals[(k + 1) / 2] : (vals[k / 2] + vals[k / 2 + 1]) / 2
	idx = int(0.9 * k); if (idx < 0.9 * k) idx++
	st_p90 = vals[idx]; st_min = vals[1]; st_max = vals[k]; st_mean = sum / k
}

# The floor section of the table (bench/floor.c: the kernel work of `run true` without a
# runtime), and its JSON in floor_json. run_med[RUNTIME]: the run true medians.
function floor_section(    nfl, fl, j, row, first, floor_med, c, r, ratio, above, line1, line2) {
	nfl = split("fork ns netns rootfs", fl, " ")
	fl_label["fork"] = "fork+exec true"
	fl_label["ns"] = "+ mnt,pid,uts,ipc ns"
	fl_label["netns"] = "+ netns"
	fl_label["rootfs"] = "+ pivot_root, /proc"
	first = nrows + 1
	for (j = 1; j <= nfl; j++) add_row("floor_" fl[j], "floor: " fl_label[fl[j]], "ms", "floor-" fl[j], "time")
	printf "%s\n", "floor (ms): the same kernel work, no runtime (bench/floor.c; median / p90 / min)"
	floor_json = ",\n\"floor\": {\"rows\": {"
	floor_med = ""
	for (j = 1; j <= nfl; j++) {
		row = first + j - 1
		stats(row, "floor")
		printf "%-32s", "  " row_label[row]
		floor_json = floor_json sprintf("%s\n  %s: {\"label\": %s, \"unit\": \"ms\", ", (j > 1 ? "," : ""),
			json_str(fl[j]), json_str(row_label[row]))
		if (st_n == 0) {
			printf " %21s\n", "n/a"
			floor_json = floor_json sprintf("\"na\": \"all %d attempts failed (see bench.log)\"}", st_failed)
			notes = notes sprintf("  %s: n/a: all %d attempts failed (see bench.log)\n", row_label[row], st_failed)
			continue
		}
		printf " %7s%7s%7s\n", fmt(st_med), fmt(st_p90), fmt(st_min)
		if (st_failed > 0)
			notes = notes sprintf("  %s: %d of %d attempts failed (excluded; see bench.log)\n",
				row_label[row], st_failed, st_failed + st_n)
		floor_json = floor_json sprintf("\"n\": %d, \"failed\": %d, \"median\": %s, \"p90\": %s, \"min\": %s, \"max\": %s, \"mean\": %s}",
			st_n, st_failed, json_num(st_med), json_num(st_p90), json_num(st_min), json_num(st_max),
			json_num(st_mean))
		if (fl[j] == "rootfs") floor_med = st_med
	}
	# run true's median over the last floor row, under each runtime's median column
	floor_json = floor_json "},\n  \"run_true_over_floor\": {"
	line1 = sprintf("%-32s", "  run true / floor: + pivot_root")
	line2 = sprintf("%-32s", "  run true - floor: + pivot_root")
	for (c = 1; c <= nrt; c++) {
		r = rts[c]
		ratio = (run_med[r] != "" && floor_med != "" && floor_med > 0) ? run_med[r] / floor_med : ""
		above = (run_med[r] != "" && floor_med != "") ? run_med[r] - floor_med : ""
		line1 = line1 sprintf(" %7s%14s ", ratio == "" ? "n/a" : sprintf("%.2f", ratio), "")
		line2 = line2 sprintf(" %7s%14s ", above == "" ? "n/a" : fmt(above), "")
		floor_json = floor_json sprintf("%s%s: {\"ratio_median\": %s, \"above_floor_ms\": %s}", (c > 1 ? ", " : ""),
			json_str(r), json_num(ratio), json_num(above))
	}
	sub(/ +$/, "", line1); sub(/ +$/, "", line2)
	printf "%s\n%s\n", line1, line2
	floor_json = floor_json "}}"
}

$1 == "na" {
	reason = $0
	sub(/^na [^ ]+ [^ ]+ /, "", reason)
	na[$2, $3] = reason
	next
}
NF == 7 {
	p = $1; r = $2; i = $3
	note_iter(p, r, i)
	val[p, r, i] += $4
	if ($5 > rss[p, r, i]) rss[p, r, i] = $5
	cpu[p, r, i] += $7
	if ($6 != 0) bad[p, r, i] = 1
}

END {
	nrt = split("runc-go runc crun", rts, " ")
	add_row("run", "run true", "ms", "run", "time")
	add_row("create", "create", "ms", "create", "time")
	add_row("start", "start", "ms", "start", "time")
	add_row("wait", "wait: until state=stopped", "ms", "exit+state", "time")
	add_row("exit", "  process exit (pidfd)", "ms", "exit", "time")
	add_row("state", "  state call(s)", "ms", "state", "time")
	add_row("delete", "delete", "ms", "delete", "time")
	add_row("lifecycle", "create+start+wait+delete", "ms", "create+start+exit+state+delete", "time")
	add_row("exec", "exec true", "ms", "exec", "time")
	add_row("conc_wall", conc " x run -d parallel: wall", "ms", "conc", "time")
	add_row("conc_cpu", conc " x run -d: cpu user+sys", "ms", "conc", "cpu")
	add_row("conc_delete", conc " x delete -f parallel: wall", "ms", "concdel", "time")
	add_row("rss_run", "peak RSS: run", "MiB-kib", "run", "rss")
	add_row("rss_create", "peak RSS: create", "MiB-kib", "create", "rss")
	add_row("rss_start", "peak RSS: start", "MiB-kib", "start", "rss")
	add_row("rss_state", "peak RSS: state", "MiB-kib", "state", "rss")
	add_row("rss_delete", "peak RSS: delete", "MiB-kib", "delete", "rss")
	add_row("rss_exec", "peak RSS: exec", "MiB-kib", "exec", "rss")
	add_row("rss_conc", "peak RSS: run -d (max of " conc ")", "MiB-kib", "conc", "rss")
	add_row("cgroup_mem", "container cgroup memory peak", "MiB", "cgmem", "value")

	for (c = 1; c <= nrt; c++) shown[rts[c]] = rts[c]
	if (wrapped) shown["crun"] = "crun (via nsenter)"
	printf "%-32s", ""
	for (c = 1; c <= nrt; c++) {
		pad = int((21 - length(shown[rts[c]])) / 2)
		printf " %-21s ", sprintf("%" pad "s%s", "", shown[rts[c]])
	}
	printf " %13s\n", "runc-go /"
	printf "%-32s", "(median / p90 / min)"
	for (c = 1; c <= nrt; c++) printf " %7s%7s%7s ", "median", "p90", "min"
	printf " %6s %6s\n", "crun", "runc"
	notes = ""
	printf "{\"rows\": {" > json
	table_rows = nrows
	for (row = 1; row <= table_rows; row++) {
		u = row_unit[row]; shown_unit = (u == "MiB-kib") ? "MiB" : u
		if (row == 1) printf "%s\n", "time (ms)"
		if (row_name[row] == "rss_run") { floor_section(); printf "%s\n", "memory (MiB)" }
		printf "%-32s", "  " row_label[row]
		printf "%s\n  %s: {\"label\": %s, \"unit\": %s, \"runtimes\": {", (row > 1 ? "," : ""),
			json_str(row_name[row]), json_str(row_label[row]), json_str(shown_unit) > json
		for (c = 1; c <= nrt; c++) {
			r = rts[c]
			stats(row, r)
			med[r] = st_med
			split(row_src[row], first, "+")
			reason = na[r, first[1]]
			if (reason == "") reason = na[r, "all"]
			if (st_n == 0) {
				printf " %21s ", "n/a"
				if (reason == "" && st_failed > 0) reason = "all " st_failed " attempts failed (see bench.log)"
				if (reason == "") reason = "not measured"
				if (!((r, reason) in noted)) {
					noted[r, reason] = 1
					notes = notes sprintf("  %s, %s: n/a: %s\n", r, row_label[row], reason)
				}
				printf "%s%s: {\"na\": %s}", (c > 1 ? ", " : ""), json_str(r), json_str(reason) > json
				continue
			}
			printf " %7s%7s%7s ", fmt(st_med), fmt(st_p90), fmt(st_min)
			if (st_failed > 0)
				notes = notes sprintf("  %s, %s: %d of %d attempts failed (excluded; see bench.log)\n",
					r, row_label[row], st_failed, st_failed + st_n)
			printf "%s%s: {\"n\": %d, \"failed\": %d, \"median\": %s, \"p90\": %s, \"min\": %s, \"max\": %s, \"mean\": %s}",
				(c > 1 ? ", " : ""), json_str(r), st_n, st_failed, json_num(st_med), json_num(st_p90),
				json_num(st_min), json_num(st_max), json_num(st_mean) > json
		}
		if (row_name[row] == "run")
			for (c = 1; c <= nrt; c++) run_med[rts[c]] = med[rts[c]]
		rc = (med["runc-go"] != "" && med["crun"] != "" && med["crun"] > 0) ? med["runc-go"] / med["crun"] : ""
		rr = (med["runc-go"] != "" && med["runc"] != "" && med["runc"] > 0) ? med["runc-go"] / med["runc"] : ""
		printf " %6s %6s\n", rc == "" ? "n/a" : sprintf("%.2f", rc), rr == "" ? "n/a" : sprintf("%.2f", rr)
		printf "}, \"ratio_median\": {\"runc-go/crun\": %s, \"runc-go/runc\": %s}}", json_num(rc), json_num(rr) > json
	}
	# The nsenter wrapper that lets crun run on a hybrid host, measured on its own.
	add_row("wrapper", "nsenter --mount=NS true", "ms", "wrap", "time")
	add_row("bare", "true", "ms", "bare", "time")
	stats(nrows - 1, "crun"); w = st_med; wmin = st_min
	stats(nrows, "crun"); b = st_med
	over = (w != "" && b != "") ? w - b : ""
	printf "\n}%s,\n\"crun_wrapper\": {\"wrapped\": %s, \"nsenter_true_median_ms\": %s, \"nsenter_true_min_ms\": %s, \"true_median_ms\": %s, \"overhead_median_ms\": %s}\n}\n",
		floor_json, wrapped ? "true" : "false", json_num(w), json_num(wmin), json_num(b), json_num(over) > json
	if (wrapped && over != "")
		printf "\ncrun runs as `nsenter --mount=NS crun ...` (the hybrid-host workaround, see README).\n" \
			"`nsenter --mount=NS true` takes median %s ms, plain `true` %s ms: the wrapper adds about\n" \
			"%s ms to every crun call (one call per row and iteration; the parallel rows make %d\n" \
			"at once). Included in the crun numbers above, not subtracted.\n", fmt(w), fmt(b), fmt(over), conc
	else if (!wrapped)
		printf "\ncrun runs as is, without a wrapper (cgroup %s).\n", cgmode
	if (notes != "") printf "\nnotes:\n%s", notes
}
