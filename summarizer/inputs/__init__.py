"""Reading articles: the `Article` as read, from a file, stdin, a URL or a feed of many.

"The article" is its text as read (shared/CONTRACT.md): every span indexes into it and its
sha256 is of it. Every way reading can fail is an `InputError` with one clear line.
"""

from summarizer.inputs._article import Article, from_text, guess_title, html_to_text, looks_like_html
from summarizer.inputs._checks import check_date, check_max_chars
from summarizer.inputs._decode import decode_bytes
from summarizer.inputs._feeds import ARTICLE_SUFFIXES, BatchItem, Inputs, collect_inputs
from summarizer.inputs._fetch import fetch_url, is_refused_address, is_url
from summarizer.inputs._files import read_article, read_bounded, read_file, read_stdin
from summarizer.inputs._hidden import hidden_passages, hidden_warning, hide_passages

__all__ = [
    "ARTICLE_SUFFIXES",
    "Article",
    "BatchItem",
    "Inputs",
    "check_date",
    "check_max_chars",
    "collect_inputs",
    "decode_bytes",
    "fetch_url",
    "from_text",
    "guess_title",
    "hidden_passages",
    "hidden_warning",
    "hide_passages",
    "html_to_text",
    "is_refused_address",
    "is_url",
    "looks_like_html",
    "read_article",
    "read_bounded",
    "read_file",
    "read_stdin",
]
