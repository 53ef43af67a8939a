"""Messages of the core area (see :mod:`guji.messages`)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
