"""The yardstick of the reports: their figures of one hub for REPORT_YEAR written by hand in SQL."""

import datetime
from zoneinfo import ZoneInfo

from hub.devtools.bench import REPORT_YEAR


def _period() -> tuple[datetime.datetime, datetime.datetime]:
    bamako = ZoneInfo("Africa/Bamako")
    return (
        datetime.datetime(REPORT_YEAR, 1, 1, tzinfo=bamako),
        datetime.datetime(REPORT_YEAR + 1, 1, 1, tzinfo=bamako),
    )


class HandSql:
    """The report figures of one hub for REPORT_YEAR, written by hand: half-open ranges on the timestamps
    (which an index can serve) and every count of a table in one pass."""

    def __init__(self, *, hub_id: int):
        from django.db import connection

        self.connection = connection
        self.vendor = connection.vendor
        start, end = _period()
        adapt = connection.ops.adapt_datetimefield_value
        self.params = {"hub": hub_id, "start": adapt(start), "end": adapt(end)}

    def local_date(self, column: str) -> str:
        if self.vendor == "postgresql":
            return f"({column} AT TIME ZONE INTERVAL '+00:00')::date"  # Bamako is UTC+0 all year
        return f"date({column})"  # SQLite stores UTC text

    def month(self, column: str) -> str:
        if self.vendor == "postgresql":
            return f"to_char({column} AT TIME ZONE INTERVAL '+00:00', 'YYYY-MM')"
        return f"strftime('%%Y-%%m', {column})"

    def run(self, sql: str, params: dict | None = None) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, {**self.params, **(params or {})})
            return cursor.fetchall()

    CASES = "FROM cases_case WHERE hub_id = %(hub)s AND received_at >= %(start)s AND received_at < %(end)s"
    VISITS = "FROM visits_visit WHERE hub_id = %(hub)s AND started_at >= %(start)s AND started_at < %(end)s"

    def activity(self) -> dict:
        (row,) = self.run(
            f"""
            SELECT c.received, c.answered, c.resolved, c.rejected, c.referred,
                   v.visits, v.people, v.women, e.reached, e.women_led, s.sheets, s.partners
            FROM (SELECT COUNT(*) AS received,
                         COUNT(first_contact_at) AS answered,
                         COUNT(CASE WHEN status IN ('resolved', 'closed') THEN 1 END) AS resolved,
                         COUNT(CASE WHEN status = 'rejected' THEN 1 END) AS rejected,
                         COUNT(CASE WHEN status = 'referred' THEN 1 END) AS referred
                  {self.CASES}) c
            CROSS JOIN (SELECT COUNT(*) AS visits, COALESCE(SUM(people_reached_total), 0) AS people,
                               COALESCE(SUM(people_reached_women), 0) AS women
                        {self.VISITS}) v
            CROSS JOIN (SELECT COUNT(*) AS reached, COUNT(CASE WHEN women_led THEN 1 END) AS women_led
                        FROM hub_enterprise
                        WHERE id IN (SELECT enterprise_id {self.CASES} UNION SELECT enterprise_id {self.VISITS})) e
            CROSS JOIN (SELECT COUNT(sheet_id) AS sheets, COUNT(CASE WHEN sheet_id IS NULL THEN 1 END) AS partners
                        FROM (SELECT sheet_id FROM cases_caseshare
                              WHERE hub_id = %(hub)s AND shared_at >= %(start)s AND shared_at < %(end)s
                              UNION ALL
                              SELECT sheet_id FROM visits_visitshare
                              WHERE hub_id = %(hub)s AND shared_at >= %(start)s AND shared_at < %(end)s) shares) s
            """  # noqa: S608 - constant SQL, values as parameters  # nosec B608
        )
        names = [
            "cases_received", "cases_answered", "cases_resolved", "cases_rejected", "cases_referred", "visits",
            "people_reached", "women_reached", "enterprises_reached", "women_led_enterprises_reached",
            "sheets_shared", "partners_shared",
        ]  # fmt: skip
        return dict(zip(names, (int(value) for value in row), strict=True))

    DELAYS = {
        "acknowledge": ("acknowledged_at", "acknowledge_due"),
        "assign": ("assigned_at", "assign_due"),
        "first_contact": ("first_contact_at", "first_contact_due"),
        "resolve": ("resolved_at", "resolve_due"),
    }

    def service_quality(self, *, now: datetime.datetime) -> dict:
        counts = ", ".join(
            f"COUNT({done}), COUNT(CASE WHEN {self.local_date(done)} <= {due} THEN 1 END)"
            for done, due in self.DELAYS.values()
        )
        (row,) = self.run(
            f"SELECT {counts}, COUNT(CASE WHEN status IN ('resolved', 'closed') THEN 1 END), "
            f"COUNT(satisfaction_rating), COUNT(CASE WHEN satisfaction_rating >= 4 THEN 1 END), "
            f"AVG(satisfaction_rating), "
            f"COUNT(CASE WHEN satisfaction_rating IS NOT NULL AND status IN ('resolved', 'closed') THEN 1 END) "
            f"{self.CASES}"
        )
        percentiles = self._percentiles(done_counts=row[0:8:2])
        delays = {}
        for index, name in enumerate(self.DELAYS):
            done, within = row[2 * index], row[2 * index + 1]
            median, p90 = percentiles[name]
            delays[name] = {
                "count": done,
                "median_days": median,
                "p90_days": p90,
                "within_standard_share": round(within / done, 4) if done else None,
            }
        resolved, rated, satisfied, mean, rated_resolved = row[8:13]
        return {
            "delays": delays,
            "backlog_by_age": self.backlog(now=now),
            "satisfaction": {
                "rated": rated,
                "mean": round(float(mean), 2) if mean is not None else None,
                "satisfied_share": round(satisfied / rated, 4) if rated else None,
                "answer_rate": round(rated_resolved / resolved, 4) if resolved else None,
            },
        }

    def _percentiles(self, *, done_counts) -> dict:
        """Nearest-rank median and 90th percentile of each delay, in days: one ordered-set aggregate pass
        on PostgreSQL; on SQLite, which has none, the row at that rank of each ordered delay."""
        import math

        result = {}
        if self.vendor == "postgresql":
            parts = ", ".join(
                f"percentile_disc({share}) WITHIN GROUP (ORDER BY date_part('epoch', {done} - received_at))"
                for done, _due in self.DELAYS.values()
                for share in (0.5, 0.9)
            )
            (row,) = self.run(f"SELECT {parts} {self.CASES}")
            for index, name in enumerate(self.DELAYS):
                result[name] = tuple(
                    round(value / 86400, 2) if value is not None else None for value in row[2 * index : 2 * index + 2]
                )
            return result
        for (name, (done, _due)), count in zip(self.DELAYS.items(), done_counts, strict=True):
            values = []
            for share in (0.5, 0.9):
                if not count:
                    values.append(None)
                    continue
                rank = max(math.ceil(share * count), 1) - 1
                ((later, earlier),) = self.run(
                    f"SELECT {done}, received_at {self.CASES} AND {done} IS NOT NULL "
                    f"ORDER BY julianday({done}) - julianday(received_at) LIMIT 1 OFFSET %(rank)s",
                    {"rank": rank},
                )
                # The delay of that row to the microsecond (julianday's floats are for the order only).
                later, earlier = (
                    datetime.datetime.fromisoformat(value) if isinstance(value, str) else value
                    for value in (later, earlier)
                )
                delay = later - earlier
                values.append(round(delay.total_seconds() / 86400, 2))
            result[name] = tuple(values)
        return result

    def backlog(self, *, now: datetime.datetime) -> list[dict]:
        from django.utils import timezone

        from hub.reports.selectors import BACKLOG_AGES

        adapt = self.connection.ops.adapt_datetimefield_value
        today = timezone.localdate(now)

        def midnight(day: datetime.date):
            return adapt(timezone.make_aware(datetime.datetime.combine(day, datetime.time.min)))

        params, buckets = {"now": adapt(now)}, []
        for index, (low, high) in enumerate(BACKLOG_AGES):
            params[f"low{index}"] = midnight(today - datetime.timedelta(days=low - 1))
            condition = f"received_at <= %(now)s AND received_at < %(low{index})s"
            if high is not None:
                params[f"high{index}"] = midnight(today - datetime.timedelta(days=high))
                condition += f" AND received_at >= %(high{index})s"
            buckets.append(f"COUNT(CASE WHEN {condition} THEN 1 END)")
        (row,) = self.run(
            f"SELECT {', '.join(buckets)} FROM cases_case WHERE hub_id = %(hub)s "  # noqa: S608  # nosec B608
            "AND status IN ('new', 'qualified', 'assigned', 'in_progress', 'waiting_sme')",
            params,
        )
        return [
            {"min_days": low, "max_days": high, "open_cases": row[index]}
            for index, (low, high) in enumerate(BACKLOG_AGES)
        ]

    def monthly(self) -> dict:
        """The activity per month: cases, visits and distinct enterprises reached, three grouped passes."""
        figures: dict[str, dict] = {}
        case_month, visit_month = self.month("received_at"), self.month("started_at")
        for month, received, answered, resolved in self.run(
            f"SELECT {case_month} AS m, COUNT(*), COUNT(first_contact_at), "
            f"COUNT(CASE WHEN status IN ('resolved', 'closed') THEN 1 END) {self.CASES} GROUP BY m"
        ):
            figures.setdefault(month, {}).update(
                cases_received=received, cases_answered=answered, cases_resolved=resolved
            )
        for month, visits, people, women in self.run(
            f"SELECT {visit_month} AS m, COUNT(*), SUM(people_reached_total), SUM(people_reached_women) "
            f"{self.VISITS} GROUP BY m"
        ):
            figures.setdefault(month, {}).update(visits=visits, people_reached=people or 0, women_reached=women or 0)
        for month, reached, women_led in self.run(
            f"SELECT p.m, COUNT(DISTINCT p.enterprise_id), "  # noqa: S608 (constant SQL, values as parameters)  # nosec B608
            f"COUNT(DISTINCT CASE WHEN e.women_led THEN p.enterprise_id END) "
            f"FROM (SELECT {case_month} AS m, enterprise_id {self.CASES} "
            f"UNION SELECT {visit_month} AS m, enterprise_id {self.VISITS}) p "
            f"JOIN hub_enterprise e ON e.id = p.enterprise_id GROUP BY p.m"
        ):
            figures.setdefault(month, {}).update(enterprises_reached=reached, women_led_enterprises_reached=women_led)
        return figures
