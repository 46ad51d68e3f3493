"""textnorm: `fold` remembers short texts only, and gives what the uncached folding gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import unicodedata

from xxgk import textnorm
from xxgk.textnorm import fold, nfkc_lines


@given(st.text(alphabet="（一）政府信息公開處理 　,，、:：—-12３４abcＡ\u00a0\u200b\n", max_size=260))
@settings(max_examples=300, deadline=None)
def test_fold_is_the_uncached_folding(text: str) -> None:
    assert fold(text) == textnorm._fold(text)
    assert fold(text) == textnorm._fold(text)  # the second time from the cache


def test_long_texts_are_folded_but_not_kept() -> None:
    cache = fold.__self__
    long_text = "（一）主动公开政府信息情况。" * 20  # a narrative: more than 200 characters
    assert fold(long_text) == textnorm._fold(long_text)
    assert long_text not in cache
    short = "（二）部分公开"
    assert fold(short) == "二部分公开" and cache[short] == "二部分公开"


@given(st.text(alphabet="（一）政府信息公開處理 　,，、:：—-12３４abcＡ\u00a0\u200b\n", max_size=260))
@settings(max_examples=200, deadline=None)
def test_fold_once_is_fold_and_keeps_nothing(text: str) -> None:
    # (A report's narrative, folded by F6 in the batch writer: remembering it grew the writer.)
    cache = fold.__self__
    unseen = "「" + text + "」"  # not folded before in this test
    assert textnorm.fold_once(unseen) == textnorm._fold(unseen)
    assert unseen not in cache


def test_a_full_cache_is_emptied_and_filled_again() -> None:
    cache = fold.__self__
    cache.clear()
    for k in range(65536):
        cache[f"x{k}"] = f"x{k}"  # fill it to its limit
    assert fold("（三）不予公开") == "三不予公开"  # a miss on a full cache: cleared, then kept
    assert len(cache) == 1 and cache["（三）不予公开"] == "三不予公开"
    cache.clear()


# Characters whose NFKC form depends on their neighbours (combining marks that compose or reorder,
# Hangul jamo, half-width voiced marks) or expands (circled and parenthesised numbers, ligatures).
_NORMALISING = ("a e\u0301\u0308\u0344\u0323\u0f73\u0f71\u0f72\u1100\u1161\u11a8\uac00"
                "\uff76\uff9e\u3099\u304b\u00a8\u00b4\u2460\u3220\u2474\ufb01\u2f00\uff11"
                "\u3000\u00a0（）一中\r\n")


@given(st.text(alphabet=_NORMALISING, max_size=60))
@settings(max_examples=500, deadline=None)
def test_nfkc_line_by_line_is_nfkc_of_the_whole(text: str) -> None:
    """A line break composes with nothing, so normalising each line gives the text's NFKC form."""
    assert nfkc_lines(text) == unicodedata.normalize("NFKC", text)
