"""The desktop (PyQt6). The only package of guji that imports Qt."""
