from django.middleware.gzip import GZipMiddleware


class ApiGZipMiddleware(GZipMiddleware):
    """Compresses API responses for clients that accept it. HTML pages are left alone: they carry
    CSRF tokens, which compression would expose to BREACH-style attacks."""

    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)
