"""Fixtures of the staff pages: the text messages and e-mails sent once the request's transaction commits."""

import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks, mailoutbox, sms_outbox):
    """Runs what the block leaves to be done on commit, as the real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
