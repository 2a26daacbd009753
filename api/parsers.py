"""The JSON the API reads, with errors a person understands."""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's parser, answering 400 with a French sentence for a body that is not JSON in UTF-8, is nested
    too deep for Python's parser (a recursion error, a 500 otherwise), or is not an object (no endpoint
    takes anything else)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The request body is nested too deeply.")) from None
        except ParseError:
            raise ParseError(_("The request body is not valid JSON written in UTF-8.")) from None
        if not isinstance(data, dict):
            raise ParseError(_("The request body must be a JSON object."))
        return data


class MultiPartParser(parsers.MultiPartParser):
    """DRF's parser, answering 400 with a French sentence instead of the parser's internals ("Multipart
    form parse error - Invalid boundary ...")."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError:
            raise ParseError(_("The request body is not a valid multipart form (files and fields).")) from None
