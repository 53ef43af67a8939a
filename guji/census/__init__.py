"""Census registration, in layers (each imports only the ones above it; ``tests/census/test_layers.py``).

* The domain, without a database or Qt: census numbers (``numbers``), reign-period dating
  (``era``), leaf format (``leaf_format``), the grading rules (``grading``), the controlled
  vocabularies (``vocab``), the record and its checks (``record``), search keys
  (``search_keys``) and the review states (``states``).
* The tables (``models``) and the one mapping of a record to its rows (``store``).
* The search index (``search_index``) and the bulk writer (``bulk``), which read and write
  records through ``store``.
* The services staff use: registering and editing (``service``), review (``review``), the
  vault (``vault``) and search (``search``).
"""
