"""Messages of the exchange area (see :mod:`guji.messages`)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
