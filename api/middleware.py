import re
import secrets

import brotli
from django.middleware.gzip import GZipMiddleware
from django.utils.cache import patch_vary_headers

ACCEPTS_BROTLI = re.compile(r"\bbr\b")


class FieldGZipMiddleware(GZipMiddleware):
    """Compresses the API and the referents' mobile pages, whose users pay for every byte on slow
    mobile networks. Django's GZipMiddleware pads each response at random against BREACH-style attacks,
    and the CSRF tokens in pages are masked per response; the office pages are left alone all the same.

    The mobile pages go out in Brotli to browsers that accept it (Chrome does, over HTTPS): about 15 %
    smaller than gzip on the app's pages, which must fit a phone's first round trips (docs/PERFORMANCE.md).
    Brotli has no header to pad, so an HTML page ends with a comment of random length instead; the other
    answers under /m/ (the script, the copies of the referent's data) reflect nothing a request sends."""

    PREFIXES = ("/api/", "/m/")
    BROTLI_PREFIX = "/m/"
    BROTLI_QUALITY = 11
    """The smallest: about 10 ms for a page of 10 KB, 50 bytes fewer than quality 10 (4 ms), which the visit
    form's first load needs to stay within its budget."""

    def process_response(self, request, response):
        if not request.path.startswith(self.PREFIXES):
            return response
        if (
            request.path.startswith(self.BROTLI_PREFIX)
            and not response.streaming
            and len(response.content) >= 200
            and not response.has_header("Content-Encoding")
            and ACCEPTS_BROTLI.search(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        ):
            return self._brotli(response)
        return super().process_response(request, response)

    def _brotli(self, response):
        patch_vary_headers(response, ("Accept-Encoding",))
        content = response.content
        if response.get("Content-Type", "").startswith("text/html"):
            content += f"<!-- {secrets.token_hex(secrets.randbelow(self.max_random_bytes // 2))} -->".encode()
        compressed = brotli.compress(content, quality=self.BROTLI_QUALITY)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "br"
        return response
