from django.core.management.base import BaseCommand

from hub.messaging.services import enqueue_stale, fail_interrupted


class Command(BaseCommand):
    help = (
        "Mark failed the messages a dead worker left being sent (they may have gone out: a manager decides to "
        "send them again) and enqueue again the queued messages whose task is long overdue. Run it from cron "
        "every 10 minutes on one server."
    )

    def handle(self, **options):
        failed = fail_interrupted()
        enqueued = enqueue_stale()
        self.stdout.write(
            f"Messages interrupted and marked failed: {failed}; overdue and enqueued again: {enqueued}.\n"
        )
