"""What the import commands show while they work: a progress bar on stderr, and rows in error as 第N行：reason."""

from django.utils.translation import gettext as _

BAR_WIDTH = 30


class ProgressBar:
    """`\\r导入民政数据 [#######-----] 58% 5800/10000` on a stream, redrawn when the percentage moves."""

    def __init__(self, stream, label: str):
        self.stream, self.label = stream, label
        self.shown = None

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        done = min(done, total)
        percent = done * 100 // total
        if (percent, done == total) == self.shown:
            return
        self.shown = (percent, done == total)
        filled = done * BAR_WIDTH // total
        self.stream.write(f"\r{self.label} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {percent}% {done}/{total}")
        self.stream.flush()

    def finish(self) -> None:
        if self.shown is not None:
            self.stream.write("\n")
            self.stream.flush()


def error_lines(errors: list[dict]) -> list[str]:
    return [_("第%(line)d行：%(reason)s") % {"line": error["line"], "reason": error["reason"]} for error in errors]
