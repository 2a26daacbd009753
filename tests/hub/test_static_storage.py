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


def test_the_hash_names_the_minified_content(collect, tmp_path):
    """A change the minifier drops (a comment) keeps the name; the bytes served under a name never change."""
    source = source_of(MOBILE_JS)
    commented = source.replace(b'"use strict";', b'"use strict";\n// A comment that minifying drops.', 1)

    first = collect({MOBILE_JS: source}).stored_name(MOBILE_JS)
    for path in sorted(tmp_path.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    second = collect({MOBILE_JS: commented}).stored_name(MOBILE_JS)

    assert first == second


def test_other_packages_scripts_and_the_stylesheets_are_left_as_they_are(collect):
    css = source_of("hub/site.css")
    swagger = source_of("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    vendor = b"/* vendor */\nvar a = 1 ;\n"

    storage = collect(
        {
            "hub/site.css": css,
            "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js": swagger,
            "vendor/lib.js": vendor,
        }
    )

    assert Path(storage.path(storage.stored_name("hub/site.css"))).read_bytes() == css
    assert Path(storage.path(storage.stored_name("vendor/lib.js"))).read_bytes() == vendor
    stored = storage.stored_name("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert Path(storage.path(stored)).read_bytes() == swagger


def test_a_notice_comment_of_the_projects_scripts_is_kept():
    script = b"/*! HUB IIT, licence notice */\n// dropped\nconst a = 1 ;\n"
    assert served_content("visits/app.js", script) == b"/*! HUB IIT, licence notice */const a=1;"
