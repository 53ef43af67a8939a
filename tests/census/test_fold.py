"""Search-key folding (guji.text.fold)."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest

from guji.text import fold, fts_phrase, fts_query, gram_tokens, pinyin_key, stroke_key, t2s_chars
from guji.text.fold import stroke_data_available


def test_traditional_and_simplified_fold_equal():
    assert fold("萬曆") == fold("万历") == "万历"
    assert fold("［萬曆］金華府志三十卷") == fold("[万历]金华府志三十卷")
    assert fold("清光緒壬寅刊本") == fold("清光绪壬寅刊本")


def test_full_width_and_case():
    assert fold("ＡＢＣ１２") == "abc12"
    assert fold("ABC 12") == "abc12"


def test_punctuation_brackets_and_spaces_dropped():
    assert fold("［萬曆］金華府志") == "万历金华府志"
    assert fold("（明）王懋德（明）陸鳳儀纂修") == "明王懋德明陆凤仪纂修"
    assert fold("《墨子》「十五」卷，【一】〔二〕、。 ") == "墨子十五卷一二"
    assert fold("") == ""
    assert fold("，。！") == ""


def test_idempotent_and_substring_consistent():
    for s in ["乾隆", "清乾隆三十年武英殿刻本", "［萬曆］金華府志", "ＡＢＣ１２墨子"]:
        assert fold(fold(s)) == fold(s)
    whole = "清乾隆三十年武英殿刻本"
    for i in range(len(whole)):
        for j in range(i + 1, len(whole) + 1):
            assert fold(whole[i:j]) in fold(whole)


def test_t2s_chars_keeps_length_and_punctuation():
    assert t2s_chars("［萬曆］") == "［万历］"
    assert len(t2s_chars("清光緒壬寅")) == 5


def test_gram_tokens():
    assert gram_tokens(fold("墨子十五卷")) == "墨子 子十 十五 五卷 卷"
    assert gram_tokens(fold("明萬曆10年ABC")) == "明万 万历 历 10 年 abc"
    assert gram_tokens(fold("墨")) == "墨"
    assert gram_tokens(fold("，")) == ""


def test_fts_phrase_shapes():
    assert fts_phrase("墨") == '"墨" *'  # one character: a prefix (starts a bigram or ends a run)
    assert fts_phrase("墨子") == '"墨子"'
    assert fts_phrase("金華府志") == '"金华 华府 府志"'
    assert fts_phrase("明10") == '"明 10"'  # a run followed by digits must end there
    assert fts_phrase("萬曆10年") == '"万历 历 10 年" *'
    assert fts_phrase("，") is None


def test_fts_query_quotes_and_escapes():
    assert fts_query("墨子") == '"墨子"'
    assert fts_query("墨子 十五") == '"墨子" "十五"'
    assert fts_query('a"b') == '"ab"'
    assert fts_query("   ") == ""
    assert fts_query("NEAR(a b)") == '"neara" "b"'  # punctuation is dropped, never interpreted
    for hostile in ['" OR 1', "title:墨", "墨*", "^墨", "NOT 墨", "墨 AND 子", '"""', "(", "-墨"]:
        q = fts_query(hostile)
        assert q == "" or (q.startswith('"') and q.rstrip(" *").endswith('"'))


def _fts_table():
    con = sqlite3.connect(":memory:")
    try:
        con.execute("CREATE VIRTUAL TABLE t USING fts5(body, prefix='1', tokenize='unicode61 remove_diacritics 0')")
    except sqlite3.OperationalError:  # pragma: no cover - SQLite built without FTS5
        pytest.skip("SQLite without FTS5")
    return con


@pytest.fixture()
def fts():
    con = _fts_table()
    for title in ["墨子十五卷", "［萬曆］金華府志三十卷", "ＡＢＣ１２ 叢書", "清光緒壬寅刊本", "孟子注疏"]:
        con.execute("INSERT INTO t(body) VALUES (?)", (gram_tokens(fold(title)),))
    yield con
    con.close()


def search(con, q):
    expr = fts_query(q)
    if not expr:
        return []
    return [r[0] for r in con.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", (expr,))]


def test_fts_finds_by_short_chinese_queries(fts):
    assert search(fts, "墨子") == [1]
    assert search(fts, "墨") == [1]
    assert search(fts, "子") == [1, 5]
    assert search(fts, "万历") == [2]
    assert search(fts, "萬曆 府志") == [2]
    assert search(fts, "abc12") == [3]
    assert search(fts, "光绪") == [4]
    assert search(fts, "子墨") == []  # phrase: order matters


def test_fts_finds_every_substring_and_nothing_else():
    """The bigram index answers a query exactly when its folded form is a substring of the
    folded text (CJK text and queries; runs of letters/digits match whole tokens)."""
    import random

    rng = random.Random(5)
    alphabet = "十五年刻本清明金華府志"  # few characters: many repeats and near misses
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(300)]
    con = _fts_table()
    con.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)",
                    [(i + 1, gram_tokens(fold(t))) for i, t in enumerate(texts)])
    queries = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(400)}
    for q in queries:
        got = [r[0] for r in con.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", (fts_query(q),))]
        want = [i + 1 for i, t in enumerate(texts) if fold(q) in fold(t)]
        assert got == want, q
    con.close()


def test_fts_hostile_input_never_raises(fts):
    for q in ['"', '" OR "', "NEAR(墨 子)", "body:墨", "墨*", "^", "AND", "OR OR", ")", "{body}:x", "\x00"]:
        search(fts, q)


def test_fold_thread_safe():
    texts = ["萬曆", "光緒", "墨子十五卷", "ＡＢＣ１２"] * 200
    expected = [fold(t) for t in texts]
    errors: list[BaseException] = []

    def work():
        try:
            for _ in range(5):
                assert [fold(t) for t in texts] == expected
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_pinyin_key_orders_by_reading():
    assert pinyin_key("［萬曆］金華府志") == pinyin_key("萬曆金華府志")
    assert pinyin_key("萬曆").startswith("wan4 li4")
    titles = ["墨子", "孟子", "詩經", "春秋"]
    assert sorted(titles, key=pinyin_key) == ["春秋", "孟子", "墨子", "詩經"]


def test_stroke_key_orders_by_strokes():
    key = stroke_key
    if stroke_data_available():
        assert key("一") < key("二") < key("萬")
        assert sorted(["萬曆", "一統志", "三國志"], key=key) == ["一統志", "三國志", "萬曆"]
    assert key("，") == ""
    assert isinstance(key("abc"), str)


def test_fold_speed():
    s = "［萬曆］金華府志三十卷（明）王懋德纂修"
    n = 20000
    t0 = time.perf_counter()
    for _ in range(n):
        fold(s)
    per = (time.perf_counter() - t0) / n
    assert per < 50e-6, per
