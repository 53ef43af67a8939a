"""Census domain: pure helpers (no database, no Qt) for census registration.

Reign-period dating (era), census numbers, leaf-format parsing, grade suggestions and
the controlled vocabularies. Other modules of the census feature live beside these.
"""
