"""The objection portal: FastAPI routes, Jinja2 pages in 8 languages, and the JSON API."""
