"""A failure a job explains in the page's own words, without Qt, so job modules can raise it."""

from __future__ import annotations


class Failure(Exception):
    """Shown by the page's problem view as its title, what happened and what to do (never a secret)."""

    def __init__(self, title: str, detail: str, remedy: str = "") -> None:
        super().__init__(f"{title}: {detail}")
        self.title = title
        self.detail = detail
        self.remedy = remedy
