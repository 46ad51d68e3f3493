"""Text normalisation shared by readers and the parser.

Labels are matched after `fold()`: NFKC (full-width digits and brackets become ASCII), Traditional
Chinese folded to Simplified, whitespace, punctuation and quote marks removed. Matching on folded
text is what lets "（二） 部分公开 (区分处理的, 只记 这一情形…" and "(二)部分公开（…只计…" meet.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Characters that carry no meaning inside a label: spaces of every width, punctuation, brackets,
# quotes, list markers, and the separators PDF converters emit.
_DROP = re.compile(
    r"[\s\u00a0\u3000\u200b\ufeff"
    r"()（）\[\]【】〔〕{}<>《》〈〉“”\"'‘’`·•・.,，、;；:：!！?？/／\\|_\-—–－~～*#＋+=]"
)
_VARIANTS = str.maketrans({"記": "计", "记": "计", "計": "计", "拾": "十", "覆": "复"})


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc  # opencc-python-reimplemented: pure Python, ships its dictionaries

    return opencc.OpenCC("t2s")


# Characters that occur in the format's labels in Traditional pages (and never in Simplified ones).
_TRADITIONAL_HINTS = set("訊開關處請據機構監護實與國類復審結維糾於為來報書條項數發廢現規範許強費員經濟銷總計辦當")


@functools.lru_cache(maxsize=1)
def _t2s_chars() -> dict[int, str]:
    """Character-level Traditional→Simplified table from OpenCC's own dictionary: enough to match
    labels, and cheap enough to apply to every label (phrase-level conversion is not needed)."""
    from importlib import resources

    table: dict[int, str] = {}
    text = resources.files("opencc").joinpath("dictionary/TSCharacters.txt").read_text("utf-8")
    for line in text.splitlines():
        src, _, dst = line.partition("\t")
        if len(src) == 1 and dst:
            table[ord(src)] = dst.split()[0]
    return table


_TRADITIONAL_HINT = re.compile("[" + "".join(sorted(_TRADITIONAL_HINTS)) + "]")


def looks_traditional(text: str) -> bool:
    hits = _TRADITIONAL_HINT.finditer(text)
    return next(hits, None) is not None and next(hits, None) is not None \
        and next(hits, None) is not None  # three hits, found without scanning further


def to_simplified(text: str) -> str:
    """Phrase-level Traditional → Simplified conversion (OpenCC); Simplified text passes through."""
    if len(text) > 200:
        return _t2s().convert(text)
    return _to_simplified_short(text)


@functools.lru_cache(maxsize=4096)
def _to_simplified_short(text: str) -> str:
    """Names (agencies, titles) recur, and OpenCC's pure-Python conversion costs milliseconds."""
    return _t2s().convert(text)


def simplify(text: str) -> str:
    """Traditional → Simplified character by character; same length as `text`, so positions
    found in the result slice the original."""
    return text.translate(_t2s_chars())


@functools.lru_cache(maxsize=1)
def traditional_chars() -> frozenset[str]:
    """The characters `simplify` changes: as it maps each to one character, counting them in a
    text counts the positions `simplify` changes."""
    return frozenset(chr(c) for c, to in _t2s_chars().items() if to != chr(c))


def nfkc(text: str) -> str:
    if text.isascii():  # ASCII is its own NFKC form
        return text
    if len(text) > 200:  # long narrative: seldom repeated
        return unicodedata.normalize("NFKC", text)
    return _nfkc_short(text)


@functools.lru_cache(maxsize=65536)
def _nfkc_short(text: str) -> str:
    """Labels and cells recur in every report: remembered."""
    return unicodedata.normalize("NFKC", text)


def nfkc_lines(text: str) -> str:
    """`nfkc` of a text of lines, normalised line by line: the same string (a line break is a
    starter that composes with nothing, so normalisation never reaches across it), made of the
    lines' remembered forms (a narrative's lines were normalised when it was parsed)."""
    if "\n" not in text:
        return nfkc(text)
    return "\n".join(map(nfkc, text.split("\n")))


class _Folded(dict):
    """`fold` of short texts, remembered: labels and cells recur in every report, and the parser
    folds some 500 texts per report. A hit is one dictionary lookup in C, without a Python call."""

    def __missing__(self, text: str) -> str:
        folded = _fold(text)
        if len(text) <= 200:  # a narrative is folded once, not kept (it would grow with a batch)
            if len(self) >= 65536:
                self.clear()
            self[text] = folded
        return folded


# The comparable form of a label: see the module docstring. (fold(text) -> str)
fold = _Folded().__getitem__


def _fold(text: str) -> str:
    return _folded(nfkc(text))


def fold_once(text: str) -> str:
    """`fold` of a text met once (a report's narrative), not remembered (nor its NFKC form): the
    memos would keep it, and in the batch writer, which is never replaced, fill up with them."""
    return _folded(unicodedata.normalize("NFKC", text))


def _folded(normalized: str) -> str:
    """The comparable form of a text already in NFKC."""
    return _DROP.sub("", normalized.translate(_fold_chars()))


@functools.lru_cache(maxsize=1)
def _fold_chars() -> dict[int, str]:
    """Traditional → Simplified per character, then the variants (`_VARIANTS`): both tables as
    one, so folding translates the text once."""
    t2s = _t2s_chars()
    table = {c: (v if isinstance(v, str) else chr(v)) for c, v in _VARIANTS.items()}
    for c, to in t2s.items():
        table[c] = to.translate(_VARIANTS)
    return table
