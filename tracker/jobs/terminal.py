"""Progress on a terminal, for commands that run a job's work in the foreground (`manage.py import_requests`).

Called as the runner's Progress is. On a terminal, one line redrawn in place (a bar, the count,
the stage); elsewhere (a log, cron mail) a plain line when a stage starts and at each tenth.
"""

import time

WIDTH = 30


class TerminalProgress:
    def __init__(self, out, every=0.2):
        self.out, self.every = out, every
        self.tty = hasattr(out, "isatty") and out.isatty()
        self.stage, self.done, self.total, self.unit = "", 0, None, "rows"
        self.drawn, self.tenth = 0.0, -1

    def __call__(self, done=None, total=None, stage=None, unit=None, force=False):
        if stage is not None and stage != self.stage:
            self.end_line()
            self.stage, self.tenth, force = stage, -1, True
        if unit is not None:
            self.unit = unit
        if total is not None:
            self.total = total
        if done is not None:
            self.done = done
        if self.tty:
            if force or time.monotonic() - self.drawn >= self.every:
                self.draw()
        else:
            tenth = min(10, 10 * self.done // self.total) if self.total else 0
            if force or tenth > self.tenth:
                self.tenth = tenth
                self.out.write(f"{self.stage}: {self.count()}")

    def count(self):
        if self.total:
            done = min(self.done, self.total)
            return f"{done:,} of {self.total:,} {self.unit} ({100 * done // self.total}%)"
        return f"{self.done:,} {self.unit}"

    def draw(self):
        filled = WIDTH * min(self.done, self.total) // self.total if self.total else 0
        bar = "#" * filled + "-" * (WIDTH - filled)
        self.out.write(f"\r{self.stage:<9} [{bar}] {self.count()}\033[K", ending="")
        self.out.flush()
        self.drawn = time.monotonic()

    def end_line(self):
        if self.tty and self.drawn:
            self.draw()
            self.out.write("")
            self.drawn = 0.0

    def close(self):
        self.end_line()
