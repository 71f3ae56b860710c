"""A WeasyPrint URL fetcher that serves data: URLs and files under allowed folders, nothing else."""

from __future__ import annotations

import mimetypes
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class SafeFetcher(URLFetcher):
    """Never touches the network; file: URLs only inside `roots`. Refused URLs are kept in
    `refused` so a caller (and the tests) can see what a template or a value tried to load."""

    def __init__(self, roots: Iterable[str | Path]):
        super().__init__(allowed_protocols=("data",), timeout=5, allow_redirects=False)
        self.roots = tuple(Path(r).resolve() for r in roots)
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            self.served.append(url[:40])
            return super().fetch(url, headers)
        if scheme == "file":
            path = self._allowed_path(url)
            if path is not None:
                self.served.append(url)
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url}: reports load only their own templates")

    def _allowed_path(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        try:
            path = Path(unquote(parts.path)).resolve()
        except (OSError, RuntimeError):
            return None
        if not path.is_file():
            return None
        if any(path.is_relative_to(root) for root in self.roots):
            return path
        return None
