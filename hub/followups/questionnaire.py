"""The questionnaire link sent to an enterprise when its 6- or 12-month follow-up comes due: the owner
answers from it without signing in. The token is signed (it cannot be made up or altered), names the
follow-up only, and expires after QUESTIONNAIRE_MAX_AGE. Baselines are taken by the referents: they have no
link."""

import datetime

from django.core import signing

from hub.models import FollowUp

QUESTIONNAIRE_SALT = "hub.followups.questionnaire"
QUESTIONNAIRE_MAX_AGE = datetime.timedelta(days=30)
QUESTIONNAIRE_KINDS = (FollowUp.Kind.MONTH_6, FollowUp.Kind.MONTH_12)
"""The follow-ups an enterprise answers itself."""


def questionnaire_token(followup: FollowUp) -> str:
    """Precondition: `followup` is one of QUESTIONNAIRE_KINDS."""
    return signing.dumps(followup.pk, salt=QUESTIONNAIRE_SALT)


def followup_from_questionnaire_token(token: str) -> FollowUp | None:
    """The follow-up the link was made for; None when the token was altered, is not a questionnaire token,
    is older than QUESTIONNAIRE_MAX_AGE, or names a follow-up that no longer exists (cancelled when its case
    was reopened) or that is not answered by the enterprise."""
    try:
        pk = signing.loads(token, salt=QUESTIONNAIRE_SALT, max_age=QUESTIONNAIRE_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int) or isinstance(pk, bool):
        return None
    return (
        FollowUp.objects.select_related("hub", "enterprise", "case").filter(pk=pk, kind__in=QUESTIONNAIRE_KINDS).first()
    )
