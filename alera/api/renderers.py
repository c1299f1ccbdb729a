"""The API's one renderer: DRF's JSON, which never fails on text it can't encode as UTF-8."""

from rest_framework import renderers


class JSONRenderer(renderers.JSONRenderer):
    """DRF writes non-ASCII text as UTF-8, so a lone surrogate that reached an answer (an
    error message echoing input, a stored value) raised UnicodeEncodeError: a 500 after the
    view had answered. Such an answer is written with `\\uXXXX` escapes instead, which is
    valid JSON for any string; every other answer is byte-for-byte what DRF writes."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            escaping = renderers.JSONRenderer()
            escaping.ensure_ascii = True
            return escaping.render(data, accepted_media_type, renderer_context)
