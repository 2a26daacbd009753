"""Static files as production serves them: the project's scripts minified, then hashed and compressed by
whitenoise. A phone on a slow network downloads the mobile app's script on its first visit; minified, its
Brotli copy is about a sixth smaller."""

from django.core.files.base import ContentFile
from rjsmin import jsmin
from whitenoise.storage import CompressedManifestStaticFilesStorage

MINIFIED_PREFIXES = ("hub/", "cases/", "visits/")
"""The static folders of the project's own apps. Other packages ship their scripts as they mean them to
run: rjsmin knows no template literals and would cut Swagger UI's bundle short."""


def served_content(name: str, content: bytes) -> bytes:
    """The bytes collectstatic writes for the static file `name`: the project's scripts lose comments
    (but `/*! ... */` notices) and spaces; every other file is left as it is."""
    if name.startswith(MINIFIED_PREFIXES) and name.endswith(".js"):
        return jsmin(content.decode(), keep_bang_comments=True).encode()
    return content


class MinifiedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Minifies the project's scripts as collectstatic copies them in and as the manifest writes their
    hashed copies, and names each copy by the hash of what it holds: a change of the minifier alone gives
    a new name, so browsers that keep a copy for a year fetch the new one."""

    def file_hash(self, name, content=None):
        """`name` is None for the manifest itself."""
        if content is not None and name and name.endswith(".js"):
            content = ContentFile(served_content(name, _read(content)))
        return super().file_hash(name, content)

    def _save(self, name, content):
        if name.endswith(".js"):
            content = ContentFile(served_content(name, _read(content)))
        return super()._save(name, content)


def _read(content) -> bytes:
    """The whole file from its start: the manifest's passes hand over files already read to the end."""
    return b"".join(content.chunks())
