"""Page images in the application: the stored masters, their attachments to census records and
restoration jobs, stored analyses and derivatives (the service is :mod:`guji.images.service`)."""
