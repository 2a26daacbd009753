"""The rating link sent with the resolution message: the SME rates the case from it without signing in.
The token is signed (it cannot be made up or altered) and only names the case."""

import datetime

from django.core import signing

from cases.models import Case

RATING_SALT = "cases.rating"
RATING_MAX_AGE = datetime.timedelta(days=60)


def rating_token(case: Case) -> str:
    return signing.dumps(case.pk, salt=RATING_SALT)


def case_from_rating_token(token: str) -> Case | None:
    """The case the link was made for; None when the token was altered, is not a rating token or is older
    than RATING_MAX_AGE."""
    try:
        pk = signing.loads(token, salt=RATING_SALT, max_age=RATING_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Case.objects.select_related("hub").filter(pk=pk).first()
