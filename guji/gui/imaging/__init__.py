"""The imaging page of the desktop: image viewer with analysis overlays, record images, batch dialog."""
