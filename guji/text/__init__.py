"""Text helpers: search-key folding (traditional/simplified, full-width/half-width)."""

from guji.text.fold import char_tokens, fold, fts_query, pinyin_key, stroke_key, t2s_chars

__all__ = ["char_tokens", "fold", "fts_query", "pinyin_key", "stroke_key", "t2s_chars"]
