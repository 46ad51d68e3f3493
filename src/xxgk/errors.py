"""Errors that reach the user as one line naming the file and the problem (CLI exit status 2)."""

from __future__ import annotations


class XxgkError(Exception):
    """Bad input: `str(err)` is the one line the CLI prints."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


class ReadError(XxgkError):
    """The file cannot be read as a document (empty, binary, truncated, unknown encoding…)."""


class NotAReport(XxgkError):
    """The file is a readable document but not a 政府信息公开工作年度报告."""
