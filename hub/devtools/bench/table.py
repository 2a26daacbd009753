"""The table `manage.py bench` prints, and each goal of the issue against a run's figures."""

from hub.devtools.bench import HUB_CODE, REPORT_YEAR

GOALS = {
    "api_vs_plain": 0.5,
    "deep_vs_first_p99": 1.5,
    "report_vs_sql": 1.2,
    "summary_ms_postgresql": 1000,
    "visit_form_bytes": 14 * 1024,
    "api_page_bytes": 3 * 1024,
}


def _table(headers: list[str], rows: list[list]) -> list[str]:
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(header), *(len(row[index]) for row in cells)) for index, header in enumerate(headers)]
    line = "  ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True))
    out = [line, "  ".join("-" * width for width in widths)]
    for row in cells:
        out.append("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    return out


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("met" if ok else "NOT MET")


def goals(run: dict) -> list[list]:
    """Each goal of the issue against this run's figures: [goal, figure, verdict]."""
    out = []
    lists = run.get("lists") or []
    if lists:
        worst = min(lists, key=lambda row: row["api_vs_plain"] or 0)
        out.append(
            [
                "API rps >= 0.5 x plain values() view",
                f"worst {worst['api_vs_plain']} ({worst['endpoint']} {worst['page']})",
                _verdict((worst["api_vs_plain"] or 0) >= GOALS["api_vs_plain"]),
            ]
        )
        by_endpoint = {}
        for row in lists:
            by_endpoint.setdefault(row["endpoint"], {})[row["page"]] = row["api"]["p99_ms"]
        ratios = {name: pages["deep"] / pages["first"] for name, pages in by_endpoint.items() if pages.get("first")}
        name, ratio = max(ratios.items(), key=lambda item: item[1])
        out.append(
            [
                "API p99 deep <= 1.5 x first page",
                f"worst {ratio:.2f} ({name})",
                _verdict(ratio <= GOALS["deep_vs_first_p99"]),
            ]
        )
    measure = run.get("measure") or {}
    timed = [row for row in measure.get("reports", []) if row.get("ratio") is not None]
    if timed:
        worst = max(timed, key=lambda row: row["ratio"])
        out.append(
            [
                "reports <= 1.2 x hand-written SQL",
                f"worst {worst['ratio']} ({worst['report']})",
                _verdict(worst["ratio"] <= GOALS["report_vs_sql"]),
            ]
        )
    summary = [row["orm_ms"] for row in timed if row["report"].endswith("(summary)")]
    if run.get("vendor") == "postgresql" and len(summary) == 2:
        total = round(sum(summary))
        out.append(
            [
                "summary report < 1 s on PostgreSQL",
                f"{total} ms (activity and service quality)",
                _verdict(total < GOALS["summary_ms_postgresql"]),
            ]
        )
    weights = measure.get("bytes")
    if weights:
        total = weights["visit_form_total"]
        out.append(["visit form <= 14 KB compressed", f"{total} B", _verdict(total <= GOALS["visit_form_bytes"])])
        worst = max(weights["api_pages"], key=lambda row: row["compressed_bytes"])
        out.append(
            [
                "50-item API page <= 3 KB compressed",
                f"worst {worst['compressed_bytes']} B ({worst['path']})",
                _verdict(worst["compressed_bytes"] <= GOALS["api_page_bytes"]),
            ]
        )
    return out


def render(result: dict) -> str:
    settings = result["settings"]
    lines = [
        f"Machine: {result['machine']}",
        f"Load: {settings['requests']} requests per scenario in 3 interleaved rounds (the best kept), "
        f"concurrency {settings['concurrency']}, keep-alive; "
        f"gunicorn {settings['workers']} workers x {settings['threads']} threads (gthread) on 127.0.0.1",
    ]
    for run in result["runs"]:
        lines += ["", f"== {run['vendor']}, {run['size']} cases and visits, {run['enterprises']} enterprises =="]
        lines.append(f"database {run['database']}")
        if run["prepare"]:
            seconds = run["prepare"]["generated_seconds"]
            lines.append(f"data: {'generated in ' + str(seconds) + ' s' if seconds is not None else 'reused'}")
        if run["error"]:
            lines.append(f"ERROR: {run['error']}")
        if run["lists"]:
            lines += ["", "API lists (rps, median and p99 latency in ms) against the plain values() view"]
            lines += _table(
                ["endpoint", "page", "api rps", "p50", "p99", "plain rps", "p50", "p99", "api/plain", "errors"],
                [
                    [
                        row["endpoint"], row["page"], row["api"]["rps"], row["api"]["median_ms"], row["api"]["p99_ms"],
                        row["plain"]["rps"], row["plain"]["median_ms"], row["plain"]["p99_ms"], row["api_vs_plain"],
                        row["api"]["errors"] + row["plain"]["errors"],
                    ]
                    for row in run["lists"]
                ],
            )  # fmt: skip
        measure = run["measure"]
        if measure:
            lines += ["", "Queries per request (Django test client, in process; ms: the faster of 2 requests)"]
            lines += _table(["path", "queries", "ms"], [[r["path"], r["queries"], r["ms"]] for r in measure["queries"]])
            lines += ["", f"Reports for hub {HUB_CODE}, {REPORT_YEAR} (ms, best of 5)"]
            lines += _table(
                ["report", "ORM", "hand SQL", "ratio", "same figures"],
                [
                    [r["report"], r["orm_ms"], r["sql_ms"] or "-", r["ratio"] or "-", _same(r["same_figures"])]
                    for r in measure["reports"]
                ],
            )
            for r in measure["reports"]:
                if r.get("sql_lacks"):
                    lines.append(f"{r['report']}: the hand-written SQL lacks {', '.join(r['sql_lacks'])}")
            weights = measure["bytes"]
            lines += ["", "Bytes on the wire, gzip"]
            rows = [[r["url"], r["raw_bytes"], r["compressed_bytes"]] for r in weights["visit_form"]]
            rows.append(["visit form, first load in total", "", weights["visit_form_total"]])
            rows.append(
                [
                    weights["mobile_home"]["path"],
                    weights["mobile_home"]["raw_bytes"],
                    weights["mobile_home"]["compressed_bytes"],
                ]
            )
            rows += [[r["path"], r["raw_bytes"], r["compressed_bytes"]] for r in weights["api_pages"]]
            lines += _table(["resource", "bytes", "compressed"], rows)
            charts = measure["charts"]
            lines += [""]
            if charts["available"]:
                lines += ["Charts (ms best of 3, bytes)"]
                lines += _table(
                    ["chart", "svg ms", "svg bytes", "png ms", "png bytes"],
                    [[r["chart"], r["svg_ms"], r["svg_bytes"], r["png_ms"], r["png_bytes"]] for r in charts["rows"]],
                )
            else:
                lines.append(f"Charts: not measured, hub/reports/charts.py is not importable ({charts['reason']})")
        verdicts = goals(run)
        if verdicts:
            lines += ["", "Goals"]
            lines += _table(["goal", "figure", "verdict"], verdicts)
    return "\n".join(lines)


def _same(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "NO")
