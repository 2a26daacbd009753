"""Shared fixtures: two Mali hubs and one user per role in the first one."""

import pytest
from django.core.cache import cache

from hub.messaging.gateways import locmem
from tests.factories import (
    AdminFactory,
    EnterpriseFactory,
    HubFactory,
    ManagerFactory,
    PartnerFactory,
    ReferentUserFactory,
    SmeUserFactory,
    ViewerFactory,
)


def _empties_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    transactional = marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    return bool(transactional) or bool({"transactional_db", "live_server"} & set(item.fixturenames))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on real transactions run last. Each ends by emptying the database (its serialized rollback
    puts the rows back only when the next such test starts), and pytest-django runs after them the tests it
    takes for database-free: those whose user fixture is asked for at run time, which would then miss the
    regions loaded by migration."""
    items.sort(key=_empties_the_database)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Sign-in failure counts and throttles live in the cache: each test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks, mailoutbox, sms_outbox):
    """Runs what the block leaves to be done on commit, as the real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def sms_outbox():
    """The text messages sent (the in-memory SMS backend of the tests), none at the start."""
    locmem.outbox.clear()
    yield locmem.outbox
    locmem.outbox.clear()
    locmem.failures.clear()


@pytest.fixture
def hub(db):
    """The Mali hub, code "ML" (case references read ML-<year>-00001), Saturday and Sunday off."""
    return HubFactory(code="ML", name="HUB IIT Mali", country="ML")


@pytest.fixture
def other_hub(db):
    return HubFactory(code="ML2", name="HUB IIT Mali (second node)", country="ML")


@pytest.fixture
def enterprise(hub):
    return EnterpriseFactory(hub=hub, name="Karité Plus SARL")


@pytest.fixture
def other_enterprise(other_hub):
    """An enterprise of the other hub."""
    return EnterpriseFactory(hub=other_hub, name="Moulin du Fleuve")


@pytest.fixture
def manager(hub):
    return ManagerFactory(hub=hub, username="manager")


@pytest.fixture
def referent(hub):
    return ReferentUserFactory(hub=hub, username="referent")


@pytest.fixture
def as_manager(client, manager):
    """The test client signed in as the hub's manager."""
    client.force_login(manager)
    return client


@pytest.fixture
def as_referent(client, referent):
    """The test client signed in as the hub's referent."""
    client.force_login(referent)
    return client


@pytest.fixture
def sme_user(hub, enterprise):
    return SmeUserFactory(hub=hub, enterprise=enterprise, username="sme")


@pytest.fixture
def viewer(db):
    return ViewerFactory(username="viewer")


@pytest.fixture
def admin_user(db):
    """Overrides pytest-django's `admin_user` with an administrator of this project's roles."""
    return AdminFactory(username="admin")


@pytest.fixture
def other_manager(other_hub):
    return ManagerFactory(hub=other_hub, username="other-manager")


@pytest.fixture
def other_referent(other_hub):
    return ReferentUserFactory(hub=other_hub, username="other-referent")


@pytest.fixture
def partner(hub):
    return PartnerFactory(hub=hub, name="Institut d'Économie Rurale")
