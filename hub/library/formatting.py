"""The few marks a technology sheet's text may carry, rendered to HTML that can run nothing.

Lines starting with `#`, `##` or `###` are headings; `- ` or `* ` start a bullet, `1. ` a numbered
item; `**bold**`; `[text](https://…)` a link. Everything else is text: the input is escaped before any
mark is read, so HTML typed in a sheet shows as text. Links go only to http, https or mailto addresses
and open in a new tab without giving it access to the page (`rel="noopener noreferrer nofollow"`)."""

import re
from urllib.parse import urlsplit

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
BULLET = re.compile(r"^[-*]\s+(.*)$")
NUMBERED = re.compile(r"^\d+[.)]\s+(.*)$")
BOLD = re.compile(r"\*\*(.+?)\*\*")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
SAFE_SCHEMES = {"http", "https", "mailto"}


def _link(match: re.Match) -> str:
    text, address = match.group(1), match.group(2)
    if urlsplit(address.replace("&amp;", "&")).scheme.lower() not in SAFE_SCHEMES:
        return text
    return f'<a href="{address}" rel="noopener noreferrer nofollow" target="_blank">{text}</a>'


def _inline(escaped: str) -> str:
    """Bold and links inside one line already escaped (the link's address is escaped text too)."""
    return BOLD.sub(r"<strong>\1</strong>", LINK.sub(_link, escaped))


def render(text: str) -> SafeString:
    html, paragraph, items, list_tag = [], [], [], None

    def close_paragraph():
        if paragraph:
            html.append(f"<p>{'<br>'.join(paragraph)}</p>")
            paragraph.clear()

    def close_list():
        nonlocal list_tag
        if items:
            html.append(f"<{list_tag}>{''.join(f'<li>{item}</li>' for item in items)}</{list_tag}>")
            items.clear()
        list_tag = None

    for raw_line in text.replace("\r\n", "\n").split("\n"):
        line = _inline(escape(raw_line.strip()))
        if not line:
            close_paragraph()
            close_list()
            continue
        if heading := HEADING.match(line):
            close_paragraph()
            close_list()
            level = len(heading.group(1)) + 1
            html.append(f"<h{level}>{heading.group(2)}</h{level}>")
        elif (bullet := BULLET.match(line)) or (numbered := NUMBERED.match(line)):
            close_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag != tag:
                close_list()
                list_tag = tag
            items.append((bullet or numbered).group(1))
        else:
            close_list()
            paragraph.append(line)
    close_paragraph()
    close_list()
    return mark_safe("".join(html))  # noqa: S308 - built from escaped text only  # nosec B308 B703
