"""Media references: relative paths that stay inside the export directory and exist."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from typing import Any

WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


class MediaChecker:
    """Checks the media list of content rows against the export directory on disk."""

    MAX_CACHED = 100_000

    def __init__(self, export_dir: Path) -> None:
        self.root = os.path.realpath(export_dir)
        self._verdicts: dict[str, str | None] = {}

    def problems(self, media: list[Any] | None) -> list[tuple[str, str]]:
        """(field, reason) for each bad entry of one row's media list."""
        found = []
        for index, item in enumerate(media or ()):
            name = f"media[{index}]"
            path = item.get("path") if isinstance(item, dict) else None
            if item is None:
                found.append((name, f"{name} is null"))
            elif not path:
                found.append((f"{name}.path", f"{name}.path is required"))
            else:
                reason = self.path_problem(path)
                if reason:
                    found.append((f"{name}.path", f"{name}.path {reason}"))
        return found

    def path_problem(self, path: str) -> str | None:
        """Why a media path is unacceptable, or None (remembered: images are often shared)."""
        if path not in self._verdicts:
            if len(self._verdicts) >= self.MAX_CACHED:
                self._verdicts.clear()
            self._verdicts[path] = self._check_path(path)
        return self._verdicts[path]

    def _check_path(self, path: str) -> str | None:
        if path.startswith(("/", "\\")) or WINDOWS_DRIVE.match(path):
            return "is absolute; media paths are relative to the export directory"
        if "\\" in path:
            return "uses backslashes; separate directories with /"
        if ".." in PurePosixPath(path).parts:
            return "leaves the export directory (..)"
        resolved = os.path.realpath(os.path.join(self.root, path))
        if os.path.commonpath([self.root, resolved]) != self.root:
            return "resolves outside the export directory (symbolic link)"
        if not os.path.isfile(resolved):
            return "names a file that does not exist"
        return None
