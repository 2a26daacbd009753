"""What a field named after a resource carries, as the schema tells clients: the id that resource's list
gives. People are known by one id: a referent's is the one /api/v1/referents/ lists."""

from django.utils.translation import gettext_lazy as _

HUB = _("Code of a hub: its id (as listed by /api/v1/hubs/).")
ENTERPRISE = _("Id of an enterprise (as listed by /api/v1/enterprises/).")
REFERENT = _("Id of a referent (as listed by /api/v1/referents/).")
CASE = _("Id of a case (as listed by /api/v1/cases/).")
CASES = _("Ids of cases (as listed by /api/v1/cases/).")
SHEET = _("Id of a technology sheet (as listed by /api/v1/sheets/).")
PARTNER = _("Id of a partner organisation (as listed by /api/v1/partners/).")
PARTNERS = _("Ids of partner organisations (as listed by /api/v1/partners/).")
PERSON = _("Id of a user: a referent's is their id as listed by /api/v1/referents/; no list gives the others.")
