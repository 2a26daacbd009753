"""The generator's people and enterprises: referents and the regions and domains they cover, the hub's
partners, the enterprises and their SME accounts. A part of `hub.devtools.datagen.generator._Generator`."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from random import Random

import phonenumbers
from django.apps import apps
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from hub.classifications import TechnologyDomain, TurnoverBand, size_class_for
from hub.devtools.datagen.hubs import free_usernames
from hub.devtools.datagen.tables import ENTERPRISE_KINDS, KINDS_BY_KEY, EnterpriseKind, Region
from hub.devtools.datagen.writes import m2m_with_history, with_history
from hub.library.services import partner_search_text
from hub.models import Enterprise, Partner, Referent, Role, User


@dataclass(kw_only=True)
class PlannedEnterprise:
    kind: EnterpriseKind
    region: Region
    women_led: bool
    has_account: bool
    activity_weight: float
    first_activity: datetime.datetime | None = None
    instance: Enterprise | None = None
    sme_user: User | None = None
    base_turnover: int = 0


class PeoplePhase:
    """Drawing people and phone numbers; writing the referents, partners, enterprises and SME accounts."""

    def _phone(self, rng: Random) -> str:
        first_digits, weights = zip(*self.territory.mobile_prefixes.items(), strict=True)
        calling_code = self.territory.calling_code
        while True:
            number = f"{calling_code}{rng.choices(first_digits, weights)[0]}{rng.randrange(10_000_000):07d}"
            if number not in self.taken_phones and phonenumbers.is_valid_number(phonenumbers.parse(number)):
                return number

    def _person(self, rng: Random, *, woman: bool) -> tuple[str, str]:
        """A first name and a family name; in Niger, where a family name is often a father's first name, the
        two differ."""
        territory = self.territory
        first = rng.choice(territory.women_first_names if woman else territory.men_first_names)
        surname = first
        while surname == first:
            surname = rng.choices(territory.surnames, territory.surname_weights)[0]
        return first, surname

    def _user(self, rng: Random, *, username: str, role: str, joined: datetime.datetime, **extra) -> User:
        first, last = self._person(rng, woman=rng.random() < 0.4)
        return User(
            username=username,
            first_name=extra.pop("first_name", first),
            last_name=extra.pop("last_name", last),
            email=f"{username}@example.org",
            password=f"{UNUSABLE_PASSWORD_PREFIX}{rng.getrandbits(160):040x}",
            role=role,
            hub=self.hub,
            date_joined=joined,
            **extra,
        )

    def _referents(self) -> list[User]:
        rng = self.rng("referents")
        joined = self.opening - datetime.timedelta(days=7)
        users = []
        for username in self.spec.referent_usernames:
            user = self._user(rng, username=username, role=Role.REFERENT, joined=joined)
            user.phone = self._phone(rng)
            self.taken_phones.add(user.phone)
            users.append(user)
        with_history(User, users, at=lambda user: user.date_joined)
        self._count(User, len(users))

        region_codes = [region.code for region in self.territory.regions]
        region_weights = [region.weight for region in self.territory.regions]
        domains = list(TechnologyDomain.values)
        coverage = []
        for _ in users:
            home = rng.choices(region_codes, region_weights)[0]
            regions = {home, *rng.choices(region_codes, region_weights, k=rng.randint(0, 3))}
            coverage.append(
                ([code for code in region_codes if code in regions], rng.sample(domains, rng.randint(2, 4)))
            )
        for index, (regions, chosen) in self.spec.featured_referents.items():
            coverage[index] = (list(regions), list(chosen))
        adjustable = [i for i in range(len(users)) if i not in self.spec.featured_referents] or list(range(len(users)))
        for code in region_codes:
            if not any(code in regions for regions, _ in coverage):
                min((coverage[i] for i in adjustable), key=lambda covered: len(covered[0]))[0].append(code)
        for domain in domains:
            if not any(domain in chosen for _, chosen in coverage):
                min((coverage[i] for i in adjustable), key=lambda covered: len(covered[1]))[1].append(domain)

        profiles = [
            Referent(user=user, domains=[d for d in domains if d in chosen])
            for user, (_, chosen) in zip(users, coverage, strict=True)
        ]
        history = with_history(Referent, profiles, at=lambda profile: profile.user.date_joined)
        m2m_with_history(
            through=Referent.regions.through,
            history_model=apps.get_model("hub", "HistoricalReferent_regions"),
            history_rows=history,
            pairs=[(index, regions) for index, (regions, _) in enumerate(coverage)],
        )
        self._count(Referent, len(profiles))
        self.by_domain_region: dict[tuple[str, str], list[User]] = {}
        self.by_region: dict[str, list[User]] = {}
        for user, (regions, chosen) in zip(users, coverage, strict=True):
            for region in regions:
                self.by_region.setdefault(region, []).append(user)
                for domain in chosen:
                    self.by_domain_region.setdefault((domain, region), []).append(user)
        self.referent_regions = {user.pk: regions for user, (regions, _) in zip(users, coverage, strict=True)}
        self.referent_domains = {user.pk: set(chosen) for user, (_, chosen) in zip(users, coverage, strict=True)}
        return users

    def _referent_for(self, rng: Random, *, domain: str, region: str) -> User:
        """A referent covering the domain and region if any, else the region; the less busy of two drawn."""
        candidates = self.by_domain_region.get((domain, region)) or self.by_region.get(region) or self.referents
        chosen = min(rng.choice(candidates), rng.choice(candidates), key=lambda user: self.load[user.pk])
        self.load[chosen.pk] += 1
        return chosen

    def _partners(self) -> tuple[list[Partner], list[Partner]]:
        """The hub's partner organisations, and those of them cases are referred to: the hub's own if it
        has some, else the territory's partners and library partners written now."""
        existing = list(Partner.objects.filter(hub=self.hub).order_by("pk"))
        if existing:
            return existing, existing
        rng = self.rng("partners")
        specs = [*self.territory.partners, *self.territory.library_partners]
        partners = []
        for spec in specs:
            contact = {}
            if spec.contact:
                first, last = self._person(rng, woman=rng.random() < 0.4)
                contact = {"contact_name": f"{first} {last}", "phone": self._phone(rng)}
            partners.append(
                Partner(
                    hub=self.hub,
                    name=spec.name,
                    kind=spec.kind,
                    domains=list(spec.domains),
                    address=spec.address,
                    **contact,
                )
            )
            partners[-1].search_text = partner_search_text(partners[-1])
        history = with_history(
            Partner, partners, at=lambda _: self.opening - datetime.timedelta(days=3), by=lambda _: self.manager
        )
        m2m_with_history(
            through=Partner.regions.through,
            history_model=apps.get_model("hub", "HistoricalPartner_regions"),
            history_rows=history,
            pairs=[(index, list(spec.regions)) for index, spec in enumerate(specs)],
        )
        self._count(Partner, len(partners))
        return partners, partners[: len(self.territory.partners)]

    def _plan_enterprises(self) -> list[PlannedEnterprise]:
        rng = self.rng("enterprise-plan")
        regions = self.territory.regions
        region_weights = [region.weight for region in regions]
        planned = []
        for index in range(self.spec.enterprises):
            women_led = rng.random() < 0.35
            kind = rng.choices(
                ENTERPRISE_KINDS, [k.weight_women if women_led else k.weight_men for k in ENTERPRISE_KINDS]
            )[0]
            region = rng.choices(regions, region_weights)[0]
            if index in self.spec.featured:
                kind_key, region_code = self.spec.featured[index]
                kind, region = KINDS_BY_KEY[kind_key], self.territory.region(region_code)
            planned.append(
                PlannedEnterprise(
                    kind=kind,
                    region=region,
                    women_led=women_led or kind.weight_men == 0,
                    has_account=index in self.spec.sme_usernames or rng.random() < 0.2,
                    activity_weight=rng.lognormvariate(0, 0.8),
                )
            )
        return planned

    def _touch(self, enterprise: int, moment: datetime.datetime) -> None:
        planned = self.planned[enterprise]
        if planned.first_activity is None or moment < planned.first_activity:
            planned.first_activity = moment

    def _write_enterprises(self) -> None:
        rng = self.rng("enterprises")
        enterprises = []
        for planned in self.planned:
            enterprise = self._enterprise(rng, planned)
            first = planned.first_activity
            if first is None:
                created = self._office_time(rng, rng.choice(self.working_days))
            elif rng.random() < 0.6 or self._day(first) == self.spec.start:
                created = max(self.opening, first - datetime.timedelta(minutes=rng.randint(5, 180)))
            else:
                earlier = [day for day in self.working_days if day < self._day(first)] or [self._day(first)]
                created = min(first, self._office_time(rng, rng.choice(earlier)))
            enterprise.created_at = created
            if enterprise.consent_given:
                enterprise.consent_date = self._day(created)
            planned.instance = enterprise
            enterprises.append(enterprise)
        with_history(Enterprise, enterprises, at=lambda e: e.created_at, by=lambda _: self.manager)
        self._count(Enterprise, len(enterprises))

        accounts = []
        usernames = iter(
            free_usernames(
                prefix=f"{self.hub.code.lower()}-sme-",
                digits=5,
                count=sum(planned.has_account for planned in self.planned),
            )
        )
        for index, planned in enumerate(self.planned):
            if not planned.has_account:
                continue
            username = self.spec.sme_usernames.get(index) or next(usernames)
            first, _, last = planned.instance.owner_name.partition(" ")
            phone = str(planned.instance.owner_phone)
            user = self._user(
                rng,
                username=username,
                role=Role.SME,
                joined=planned.instance.created_at + datetime.timedelta(minutes=rng.randint(10, 600)),
                enterprise=planned.instance,
                first_name=first,
                last_name=last,
                phone=None if phone in self.taken_phones else phone,
            )
            self.taken_phones.add(phone)
            planned.sme_user = user
            accounts.append(user)
        with_history(User, accounts, at=lambda user: user.date_joined)
        self._count(User, len(accounts))

    def _enterprise(self, rng: Random, planned: PlannedEnterprise) -> Enterprise:
        kind, region = planned.kind, planned.region
        commune = rng.choice(region.communes)
        town = self.territory.capital_town if region.code == self.territory.capital else commune
        first, surname = self._person(rng, woman=planned.women_led)
        pattern = rng.choice(kind.names)
        name = pattern.format(surname=surname, first=first, town=town, word=rng.choice(self.territory.name_words))
        size = rng.choices(["micro", "small", "medium"], [68, 25, 7])[0]
        if kind.cooperative:
            size = rng.choices(["micro", "small"], [40, 60])[0]
        if size == "micro":
            employees, band = rng.randint(1, 10), TurnoverBand.UNDER_30M
        elif size == "small":
            employees = rng.randint(6, 49)
            band = TurnoverBand.FROM_30M_TO_150M if employees <= 10 or rng.random() < 0.7 else TurnoverBand.UNDER_30M
        else:
            employees = rng.randint(20, 160)
            band = (
                TurnoverBand.FROM_150M_TO_1B if employees < 50 or rng.random() < 0.8 else TurnoverBand.FROM_30M_TO_150M
            )
        women_share = rng.uniform(0.4, 0.95) if planned.women_led else rng.uniform(0.0, 0.4)
        located = rng.random() < 0.85
        phone = self._phone(rng)
        rccm = ""
        if rng.random() < 0.6:
            rccm = self.territory.rccm.format(
                city=region.rccm_city,
                year=rng.randint(2008, 2025),
                letter=rng.choice("AB"),
                number=rng.randint(100, 9999),
            )
        consent = rng.random() < 0.97
        youth_led = rng.random() < 0.25
        owner = f"{first} {surname}"
        slug = f"{first}.{surname}".lower().translate(str.maketrans("éèëïîöüç' ", "eeeiioucx-"))
        return Enterprise(
            hub=self.hub,
            name=name,
            rccm=rccm,
            nif=f"{rng.randrange(10**9):09d}{rng.choice('ABCDEFGHJKLMNP')}" if rng.random() < 0.4 else "",
            sector=kind.sector,
            activity=kind.activity,
            region_id=region.code,
            commune=commune,
            address=f"{commune}, {rng.choice(['quartier', 'secteur', 'zone'])} {rng.randint(1, 12)}",
            latitude=Decimal(f"{rng.gauss(region.latitude, region.spread):.6f}") if located else None,
            longitude=Decimal(f"{rng.gauss(region.longitude, region.spread):.6f}") if located else None,
            owner_name=owner,
            owner_phone=phone,
            owner_email=f"{slug}@example.org" if rng.random() < 0.25 else "",
            women_led=planned.women_led,
            youth_led=youth_led,
            employees_total=employees,
            employees_women=round(employees * women_share),
            turnover_band=band,
            size_class=size_class_for(employees=employees, turnover_band=band),
            consent_given=consent,
        )
