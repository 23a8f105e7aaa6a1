"""The right-to-object portal: FastAPI routes and Jinja2 templates over the registry."""
