"""Signed exchange packages between the holding institutions and the provincial centre.

A package (:mod:`guji.exchange.package`) carries census XML, the images its records and
restoration archives cite, review rounds with field comments and restoration archives,
with a manifest of every member's SHA-256 signed by the sending institution's Ed25519
key (:mod:`guji.exchange.keys`). :class:`guji.exchange.service.ExchangeService` is the
one door the command line and the desktop use.
"""
