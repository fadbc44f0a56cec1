"""Progress bar and end-of-run summary for batch runs (rich)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from gongkai.extract.archive.batch import RunSummary

console = Console(stderr=True)


class RichProgress:
    """Counts, rate and ETA on stderr; stays quiet when disabled or not on a terminal."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled and console.is_terminal
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
        )
        self.task = None

    def __enter__(self) -> RichProgress:
        if self.enabled:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.progress.stop()

    def notice(self, text: str) -> None:
        """A line above the bar (or on stderr without one): the run waits for a reader, say."""
        console.print(text, style="yellow", highlight=False)

    def update(self, event: str, s: RunSummary, total: int) -> None:
        if not self.enabled:
            return
        desc = f"ok {s.statuses['ok']} · partial {s.statuses['partial']} · failed {s.statuses['failed']}"
        if event == "start":
            self.task = self.progress.add_task(desc, total=total, rate="")
        elif self.task is not None:
            elapsed = self.progress.tasks[0].elapsed or 1e-9
            self.progress.update(
                self.task, completed=s.processed, description=desc, rate=f"{s.processed / elapsed:.1f} doc/s"
            )


def print_summary(s: RunSummary, db: Path) -> None:
    t = Table(title=f"gongkai run → {db}", show_header=False)
    t.add_row("inputs seen", str(s.seen))
    t.add_row("skipped (already done)", str(s.skipped))
    t.add_row("processed", f"{s.processed} in {s.seconds:.1f} s ({s.processed / max(s.seconds, 1e-9):.2f} doc/s)")
    t.add_row("ok / partial / failed", f"{s.statuses['ok']} / {s.statuses['partial']} / {s.statuses['failed']}")
    if s.duplicates:
        t.add_row("duplicates (same report)", str(s.duplicates))
    for code, n in s.error_codes.most_common():
        t.add_row(f"  error {code}", str(n))
    for rule, n in s.findings.most_common(8):
        t.add_row(f"  finding {rule}", str(n))
    if s.commits:
        t.add_row("database held", f"{s.hold_s:.1f} s in {s.commits} commits (readers get in between)")
    if s.interrupted:
        t.add_row("interrupted", "run the same command again to continue")
    console.print(t)
