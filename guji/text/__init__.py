"""Text helpers: search-key folding (traditional/simplified, full-width/half-width)."""

from guji.text.fold import fold, fts_phrase, fts_query, gram_tokens, pinyin_key, stroke_key, t2s_chars

__all__ = ["fold", "fts_phrase", "fts_query", "gram_tokens", "pinyin_key", "stroke_key", "t2s_chars"]
