"""Messages of the trust area (see :mod:`guji.messages`)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
