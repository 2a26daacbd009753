import csv
import hashlib
import io

from hub.models import User
from hub.selectors import enterprises_visible_to
from visits.models import FieldAppToken


def key_hash(key: str) -> str:
    """What a referent's key is stored as: its SHA-256, the key itself being 256 random bits."""
    return hashlib.sha256(key.encode()).hexdigest()


def field_app_token_in_use(*, user: User) -> FieldAppToken | None:
    return FieldAppToken.objects.filter(referent=user, revoked_at__isnull=True).first()


def field_app_token_for_key(*, key: str) -> FieldAppToken | None:
    """The key in use that `key` is, with its referent and their hub; None for a revoked or unknown key."""
    return (
        FieldAppToken.objects.select_related("referent__hub")
        .filter(key_hash=key_hash(key), revoked_at__isnull=True)
        .first()
    )


def field_app_token_for_digest(*, username: str) -> FieldAppToken | None:
    """The key in use of the referent named `username` exactly as its HA1 was made with it, with the
    referent and their hub; None when they have none."""
    return (
        FieldAppToken.objects.select_related("referent__hub")
        .filter(**{f"referent__{User.USERNAME_FIELD}": username}, revoked_at__isnull=True)
        .first()
    )


def enterprises_choice_list(*, user: User) -> bytes:
    """The form's `enterprises.csv`: the enterprises of the referent's hub, by name, each as its id (`name`,
    the value submitted) and its name with its commune or region (`label`). Anonymised ones take no visit,
    so they are left out. One query."""
    rows = (
        enterprises_visible_to(user=user)
        .filter(anonymised_at__isnull=True)
        .order_by("name", "pk")
        .values_list("pk", "name", "commune", "region__name")
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "label"])
    for pk, name, commune, region in rows:
        place = commune or region
        writer.writerow([pk, f"{name} – {place}" if place else name])
    return out.getvalue().encode()
