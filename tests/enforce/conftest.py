"""Enforcement tests share the pipeline tests' CLI runner and build and import fixtures."""

from tests.pipeline.conftest import build, import_objections, invoke

__all__ = ["build", "import_objections", "invoke"]
