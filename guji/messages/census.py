"""Messages of the census area (see :mod:`guji.messages`)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
