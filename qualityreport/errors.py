"""The exception tree: the program cannot go on (problems in submitted data are findings)."""


class QualityReportError(Exception):
    """Base of every error the command line prints as one line."""

    exit_code = 2


class SpecError(QualityReportError):
    """A spec file is missing, unreadable or malformed; the message names the file and key."""

    def __init__(self, path, key: str, problem: str):
        self.path = str(path)
        self.key = key
        self.problem = problem
        where = f"{self.path}: {key}" if key else self.path
        super().__init__(f"{where}: {problem}")


class InputError(QualityReportError):
    """An input path given by the user does not exist or is not usable."""


class StoreError(QualityReportError):
    """The database cannot be opened, is busy, or is of an unknown schema."""

    exit_code = 3


class RenderError(QualityReportError):
    """A report cannot be rendered (no CJK font, template error, unknown school)."""

    exit_code = 3


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (or its type): what a one-line error quotes."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
