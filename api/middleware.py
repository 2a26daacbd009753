from django.middleware.gzip import GZipMiddleware


class FieldGZipMiddleware(GZipMiddleware):
    """Compresses the API and the referents' mobile pages, whose users pay for every byte on slow
    mobile networks. Django's GZipMiddleware pads each response at random against BREACH-style attacks,
    and the CSRF tokens in pages are masked per response; the office pages are left alone all the same."""

    PREFIXES = ("/api/", "/m/")

    def process_response(self, request, response):
        if not request.path.startswith(self.PREFIXES):
            return response
        return super().process_response(request, response)
