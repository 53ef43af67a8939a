"""The message catalogue: one key per message, both languages with the same parameters."""

from __future__ import annotations

import pytest

from guji import messages
from guji.errors import Conflict
from guji.messages import msg, placeholders


def test_every_message_has_both_languages_with_the_same_parameters() -> None:
    for key, (zh, en) in messages.catalogue().items():
        assert zh.strip() and en.strip(), key
        assert placeholders(zh) == placeholders(en), key
        assert "." in key, f"{key}: keys are area.name"


def test_chinese_by_default_and_english_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(messages, "_catalogue", {"t.stale": ("{who} 已修改", "changed by {who}")})
    monkeypatch.setattr(messages, "_language", None)
    monkeypatch.delenv("GUJI_LANG", raising=False)
    assert msg("t.stale", who="li") == "li 已修改"
    monkeypatch.setenv("GUJI_LANG", "en")
    assert msg("t.stale", who="li") == "changed by li"
    assert messages.set_language("zh_CN") == "zh_CN"
    err = Conflict(msg("t.stale", who="li"))
    assert str(err) == "li 已修改" and err.key == "t.stale"
    messages.set_language(None)
