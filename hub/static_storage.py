"""Static files as production serves them: scripts minified, then hashed and compressed by whitenoise.
A phone on a slow network downloads the mobile app's script on its first visit; minified, its Brotli
copy is about a sixth smaller."""

from django.core.files.base import ContentFile
from rjsmin import jsmin
from whitenoise.storage import CompressedManifestStaticFilesStorage


def served_content(name: str, content: bytes) -> bytes:
    """The bytes collectstatic writes for the static file `name`: scripts lose comments and spaces;
    files already minified (`lib.min.js`, or `lib.min.<hash>.js` as the manifest names its copy) and
    every other type are left as they are."""
    if name.endswith(".js") and ".min." not in name.rsplit("/", 1)[-1]:
        return jsmin(content.decode()).encode()
    return content


class MinifiedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Minifies each script as collectstatic copies it in and as the manifest writes its hashed copy, so
    that both and the compressed copies hold the minified content (the hash is the source's, which changes
    whenever the minified script does)."""

    def _save(self, name, content):
        if name.endswith(".js"):
            content = ContentFile(served_content(name, b"".join(content.chunks())))
        return super()._save(name, content)
