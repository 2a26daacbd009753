"""A visit with a photo logged on the phone while the server's media disk is full (a real 1 MB tmpfs, see
tests/test_storage_faults.py): the visit is stored, the photo is answered 503 and stays in the outbox; once
there is room, the page reloaded sends it and it is stored once."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_mobile import field_phone, open_form, wait_for_states  # noqa: F401 - a fixture
from tests.browser.test_pages import sign_in
from tests.factories import EnterpriseFactory
from tests.test_storage_faults import LEFT_FREE, files_under, fill, noisy_jpeg, small_disk  # noqa: F401 - a fixture
from visits.models import Visit, VisitPhoto

pytestmark = [pytest.mark.browser, pytest.mark.root, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TRIED_AND_WAITING = """() => {
  const state = document.querySelector("#outbox-list .state-waiting .state");
  return state !== null && state.textContent.includes("–");
}"""


def test_a_photo_refused_for_a_full_disk_waits_on_the_phone_and_is_sent_once_there_is_room(
    field_phone,  # noqa: F811
    live_server,
    referent,
    small_disk,  # noqa: F811
):
    EnterpriseFactory(hub=referent.hub, name="Savonnerie Diarra")
    _context, page = field_phone()
    sign_in(page, live_server.url, referent.username)
    open_form(page, live_server.url)
    filler = fill(small_disk, leave=LEFT_FREE)

    page.fill("#enterprise-search", "Savo")
    page.locator("#enterprise-results button", has_text="Savonnerie Diarra").click()
    page.fill("#id_observations", "Cuves de saponification sans couvercle")
    page.set_input_files("#photos", files=[{"name": "IMG_0007.jpg", "mimeType": "image/jpeg", "buffer": noisy_jpeg(0)}])
    page.wait_for_function("() => document.querySelector('#photo-status').textContent !== ''")
    with page.expect_response(lambda response: "/photos/" in response.url) as answer:
        page.click("#visit-form button[type=submit]")
    assert answer.value.status == 503
    page.wait_for_function(TRIED_AND_WAITING, timeout=15000)
    screenshot(page, "mobile-photo-disk-full")

    assert Visit.objects.count() == 1
    assert not VisitPhoto.objects.exists()
    assert files_under(small_disk) == ["filler"]

    filler.unlink()
    page.reload()
    wait_for_states(page, "sent", 1)

    [photo] = VisitPhoto.objects.all()
    assert photo.visit == Visit.objects.get()
    assert files_under(small_disk) == [photo.image.name]
