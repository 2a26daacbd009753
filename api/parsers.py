"""The JSON the API reads, with errors a person understands."""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from hub.middleware import UNDECODABLE_MESSAGE, undecodable


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


class FormParser(parsers.FormParser):
    """DRF's parser, refusing text that is not UTF-8 (it would be stored as "�")."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        if undecodable(data):
            raise ParseError(UNDECODABLE_MESSAGE)
        return data


class MultiPartParser(parsers.MultiPartParser):
    """DRF's parser, answering 400 with a French sentence instead of the parser's internals ("Multipart
    form parse error - Invalid boundary ..."), and refusing text that is not UTF-8."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            parsed = super().parse(stream, media_type, parser_context)
        except ParseError:
            raise ParseError(_("The request body is not a valid multipart form (files and fields).")) from None
        if undecodable(parsed.data):
            raise ParseError(UNDECODABLE_MESSAGE)
        return parsed
