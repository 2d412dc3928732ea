"""Page key digests: equal values give equal digests whatever their sharing, and different values differ."""

from __future__ import annotations

import sys
from typing import NamedTuple

from builder.model import Mention
from builder.write import key_digest
from tests.factories import make_article


class Pair(NamedTuple):
    a: str
    b: str


def test_equal_plain_keys_digest_alike_whatever_their_sharing_or_interning():
    word = sys.intern("كلمة" * 3)
    other = "".join(["كلمة"] * 3)  # equal, not the interned object
    assert word is not other
    assert key_digest(("article", b"\x01", [(word, 3, None)], True)) == key_digest(
        ("article", b"\x01", [(other, 3, None)], True)
    )
    shared = (word, word)
    assert key_digest([shared, shared]) == key_digest([(word, other), (other, word)])


def test_different_keys_digest_differently():
    keys = [
        ("a", 1),
        ("a", 2),
        ["a", 1],  # a list is not the tuple with the same items
        ("a", True),
        ("a", 1.0),
        ("a", b"1"),
        ("a", "1"),
        ("a", None),
        Pair("a", "1"),  # not plain: pickled, and kept apart from the tuple ("a", "1")
        ("article", make_article(title="عنوان")),
        ("article", make_article(title="عنوان آخر")),
    ]
    digests = [key_digest(k) for k in keys]
    assert len(set(digests)) == len(keys)


def test_dataclass_keys_digest_by_value():
    one = Mention("".join(["با", "ماكو"]), 0, 1, 6)
    two = Mention("باماكو", 0, 1, 6)
    assert key_digest((one, one)) == key_digest((two, one)) == key_digest((Mention("باماكو", 0, 1, 6),) * 2)
    assert key_digest(one) != key_digest(Mention("باماكو", 0, 1, 7))


def test_digesting_a_dataclass_leaves_no_dict_on_it():
    import tracemalloc

    # Pickling through `__dict__` makes Python 3.11+ build and keep a dict on each object: at
    # 20,000 articles, a dict on every article, block and mention once their page keys are digested.
    mentions = [Mention("باماكو", 0, i, i + 6) for i in range(2001)]
    key_digest(mentions.pop())  # what is made once (the pickler's tables) is not what is measured
    tracemalloc.start()
    try:
        for mention in mentions:
            key_digest(mention)
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert kept < 10 * len(mentions), kept  # a dict each would be some 60 bytes or more


def test_cache_pickles_load_as_equal_values_and_leave_no_dict_on_what_was_dumped():
    import pickle
    import tracemalloc

    from builder.write import dumps

    article = make_article(title="عنوان", paragraphs=("فقرة أولى.", "فقرة ثانية."))
    assert pickle.loads(dumps(article)) == article
    assert pickle.loads(dumps((article, [article]))) == (article, [article])
    mentions = [Mention("باماكو", 0, i, i + 6) for i in range(2000)]
    dumps(mentions[:1])  # what is made once (the pickler's tables) is not what is measured
    blob = None
    tracemalloc.start()
    try:
        blob = dumps(mentions)
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert pickle.loads(blob) == mentions
    assert kept - len(blob) < 10 * len(mentions), kept  # a dict each would be some 60 bytes or more
