"""The parts of the restoration service (``app.restoration``), one per capability; composed in
:mod:`restoration.service`."""
