"""Messages of the images area (see :mod:`guji.messages`)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
