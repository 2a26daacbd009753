"""Production's static files: collectstatic minifies the scripts as it copies them in, so that the hashed
copy and whitenoise's compressed copies all hold what the phone runs."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from hub.static_storage import MinifiedStaticFilesStorage, served_content
from visits.weight import served_static_bytes

MOBILE_JS = "visits/mobile.js"


def source_of(name: str) -> bytes:
    return Path(finders.find(name)).read_bytes()


@pytest.fixture
def collect(tmp_path):
    """What collectstatic does with `files` ({name: content}): copy each in, then post-process them all."""

    def run(files: dict[str, bytes]) -> MinifiedStaticFilesStorage:
        source = FileSystemStorage(location=tmp_path / "source")
        for name, content in files.items():
            source.save(name, ContentFile(content))
        storage = MinifiedStaticFilesStorage(location=tmp_path / "static", base_url="/static/")
        for name in files:
            with source.open(name) as copied:
                storage.save(name, copied)
        processed = list(storage.post_process({name: (source, name) for name in files}, dry_run=False))
        assert [error for _name, _hashed, error in processed if isinstance(error, Exception)] == []
        return storage

    return run


def test_the_mobile_script_is_served_minified_under_its_hashed_name(collect):
    source = source_of(MOBILE_JS)

    storage = collect({MOBILE_JS: source})

    hashed = storage.stored_name(MOBILE_JS)
    served = Path(storage.path(hashed)).read_bytes()
    assert hashed != MOBILE_JS
    assert served == served_content(MOBILE_JS, source)
    assert b"// The referents' mobile app" not in served
    assert len(served) < 0.8 * len(source)
    assert Path(storage.path(f"{hashed}.br")).stat().st_size == served_static_bytes(served)


def test_stylesheets_and_minified_scripts_are_left_as_they_are(collect):  # hashed, a vendor copy is lib.min.<hash>.js
    css = source_of("hub/site.css")
    vendor = b"/*! vendor */\nvar a = 1 ;\n"

    storage = collect({"hub/site.css": css, "vendor/lib.min.js": vendor})

    assert Path(storage.path(storage.stored_name("hub/site.css"))).read_bytes() == css
    assert Path(storage.path(storage.stored_name("vendor/lib.min.js"))).read_bytes() == vendor
