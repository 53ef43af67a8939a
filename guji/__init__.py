"""guji: census, restoration and imaging for ancient-book protection centres."""

__version__ = "0.1.0"
