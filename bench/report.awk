# report.awk: turn the raw records of bench/run.sh into the table (stdout) and the
# "rows" part of results.json (the file named by -v json=FILE). POSIX awk (mawk here).
#
# Input lines, one per measurement (written by bench/timer.c or run.sh):
#   PHASE RUNTIME ITER VALUE RSS_KIB STATUS CPU_NS
# VALUE is nanoseconds, or bytes for the cgmem phase. And one line per skipped runtime:
#   na RUNTIME PHASE REASON...
# Variables: n (BENCH_N), conc (containers per round), rounds, json (output file),
# wrapped (1 if crun ran through the nsenter wrapper).

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

	printf "%-32s", ""
	for (c = 1; c <= nrt; c++) {
		pad = int((21 - length(rts[c])) / 2)
		printf " %-21s ", sprintf("%" pad "s%s", "", rts[c])
	}
	printf " %13s\n", "runc-go /"
	printf "%-32s", "(median / p90 / min)"
	for (c = 1; c <= nrt; c++) printf " %7s%7s%7s ", "median", "p90", "min"
	printf " %6s %6s\n", "crun", "runc"
	notes = ""
	printf "{\"rows\": {" > json
	for (row = 1; row <= nrows; row++) {
		u = row_unit[row]; shown_unit = (u == "MiB-kib") ? "MiB" : u
		if (row == 1) printf "%s\n", "time (ms)"
		if (row_name[row] == "rss_run") printf "%s\n", "memory (MiB)"
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
	printf "\n},\n\"crun_wrapper\": {\"wrapped\": %s, \"nsenter_true_median_ms\": %s, \"nsenter_true_min_ms\": %s, \"true_median_ms\": %s, \"overhead_median_ms\": %s}\n}\n",
		wrapped ? "true" : "false", json_num(w), json_num(wmin), json_num(b), json_num(over) > json
	if (wrapped && over != "")
		printf "\ncrun runs as `nsenter --mount=NS crun ...` (the hybrid-host workaround, see README).\n" \
			"`nsenter --mount=NS true` takes median %s ms, plain `true` %s ms: the wrapper adds about\n" \
			"%s ms to every crun call (one call per row and iteration; the parallel rows make %d\n" \
			"at once). Included in the crun numbers above, not subtracted.\n", fmt(w), fmt(b), fmt(over), conc
	if (notes != "") printf "\nnotes:\n%s", notes
}
