"""The README and docs/ keep their promises: every relative link resolves, and every `manage.py` command they
show works as written in a fresh shell.

The commands run in subprocesses, never in this process, against a temporary SQLite database of their own
(migrated once, with the demo data) whatever DATABASE_URL the suite runs on: on PostgreSQL too the commands
read and write only that file, so the test is the same on both databases and touches neither test database.
"""

import os
import re
import secrets
import shlex
import shutil
import subprocess
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PYTHON = ".venv/bin/python manage.py"  # how the pages write a command; prose names one `manage.py NAME`

# Commands a test cannot run as written, each with the reason. Instead one fresh shell prints each one's
# --help and parses its arguments as written, so a command or option renamed fails here. Keys are the command
# from `manage.py` on, as the page writes it.
HELP_ONLY = {
    # A worker runs until it is stopped (`run_jobs --once`, also shown, runs for real).
    "manage.py run_jobs": "runs until stopped",
    "manage.py run_jobs --worker-id %H-%i": "the systemd unit's worker: runs until stopped; %H and %i are systemd's",
    "manage.py changepassword admin": "asks for the new password twice on a terminal",
    "manage.py check_sources": "visits every source's URL on the internet (the demo's are news sites)",
    "manage.py check --deploy": "passes only in the production environment of docs/operations.md, with a real "
    "key and the HTTPS settings; tests/test_settings.py runs it in that environment",
    "manage.py benchmark --import-rows 30000": "times three imports of a 30,000-row register: minutes",
}

# Commands written with a placeholder, or too heavy to run whole here: what runs in their place (real runs).
STAND_INS = {
    "manage.py read_article FILE --json": f"{PYTHON} read_article {ROOT}/tracker/data/seed_article.txt --json",
    "manage.py purge_uploads [--days N]": f"{PYTHON} purge_uploads --days 7",
    # A million requests take minutes: the same options at a tiny scale.
    "manage.py generate_data --requests 1000000 --deployments 100000 --seed 1": f"DJANGO_DEBUG=1 {PYTHON} "
    "generate_data --requests 100 --deployments 10 --systems 20 --persons 20 --seed 1",
    "manage.py generate_data": f"DJANGO_DEBUG=1 {PYTHON} "
    "generate_data --requests 100 --deployments 10 --systems 20 --persons 20 --seed 1",
}

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^ *```[^\n]*\n(.*?)^ *```", re.S | re.M)
SPAN = re.compile(r"`([^`]+)`")
CRON = re.compile(r"^(?:[\d*/,-]+\s+){5}")  # a crontab line's schedule


def prose(text):
    """The text without its code blocks and code spans, where a [x](y) is not a link."""
    return SPAN.sub("", FENCE.sub("", text))


def anchors(path):
    """The anchors GitHub makes of a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    seen, found = {}, set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", FENCE.sub("", path.read_text()), re.M):
        slug = "".join(c for c in heading.lower() if c in " -_" or unicodedata.category(c)[0] in "LN")
        slug = slug.replace(" ", "-")
        found.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return found


def test_every_relative_link_resolves_and_the_readme_maps_every_page():
    problems, linked = [], set()
    for page in PAGES:
        for target in LINK.findall(prose(page.read_text())):
            if re.match(r"[a-z]+:", target):
                continue  # http(s) and mailto: outside this repository
            file, _, anchor = target.partition("#")
            path = (page.parent / file).resolve() if file else page
            if page.name == "README.md":
                linked.add(path)
            where = f"{page.relative_to(ROOT)}: {target}"
            if not path.exists():
                problems.append(f"{where}: no such file")
            elif anchor and anchor not in anchors(path):
                problems.append(f"{where}: no heading makes #{anchor}")
    assert not problems, "\n".join(problems)
    assert len(PAGES) > 5  # the README and its pages
    # The README says what the product is and where to read on (issue 23: it had grown to 1,749 lines).
    assert len((ROOT / "README.md").read_text().splitlines()) <= 150
    assert set(PAGES[1:]) <= linked, "docs pages the README's map leaves out"
    assert (ROOT / "docs/images/home.png").resolve() in linked


def written_commands():
    """Every `manage.py` command shown in a code block or code span: (page, the command as written)."""
    for page in PAGES:
        text = page.read_text()
        lines = [line for block in FENCE.findall(text) for line in block.splitlines()]
        # A block's line with code spans in it is text (docs/layout.md's tree): its spans are the code.
        codes = [span for line in lines if "`" in line for span in SPAN.findall(line)]
        codes += [line for line in lines if "`" not in line]
        codes += [" ".join(span.split()) for span in SPAN.findall(FENCE.sub("", text))]
        for code in codes:
            for part in code.split("&&"):
                if "manage.py" not in part:
                    continue
                part = CRON.sub("", part.split(" #")[0].strip())
                part = re.sub(r"^(ExecStart=|\w+: )", "", part)  # a systemd unit's and a Procfile's line
                if not re.search(r"manage\.py [a-z]", part):
                    continue  # `manage.py …`: any command
                yield page, part


# Django's own parser of each command: --help is what it prints, and it refuses unknown options.
CHECK_PARSERS = """
import shlex
from django.core.management import get_commands, load_command_class
for written in {written!r}:
    name, *args = shlex.split(written)
    parser = load_command_class(get_commands()[name], name).create_parser("manage.py", name)
    parser.print_help()
    parser.parse_args(args)
"""


def runnable(written):
    """The shell line a test runs for a written command."""
    tail = written[written.index("manage.py") :]
    if tail in HELP_ONLY:
        script = CHECK_PARSERS.format(written=sorted(t[len("manage.py ") :] for t in HELP_ONLY))
        return f"{PYTHON} shell -c {shlex.quote(script)}"
    if tail in STAND_INS:
        return STAND_INS[tail]
    if re.fullmatch(r"(\w+=\S+ )*\.venv/bin/python manage\.py .*", written):
        return written  # as written, in a fresh shell
    return f"{PYTHON} {tail[len('manage.py ') :]}"  # named in prose: run with the project's interpreter


def workdir(tmp):
    """A project-like folder: the project's interpreter and manage.py, the files the pages name, and an env file.

    The commands run here rather than in the project so that the files they read and write (register.csv,
    its rejects file) stay out of the checkout; manage.py is a symlink, so Python imports the project's code.
    """
    (tmp / ".venv").symlink_to(ROOT / ".venv")
    (tmp / "manage.py").symlink_to(ROOT / "manage.py")
    shutil.copy(ROOT / "tests/data/sipri_current_sample.csv", tmp / "register.csv")
    good_deployments = (ROOT / "tests/data/our_deployments.csv").read_text().splitlines()[:3]  # the rest are bad
    (tmp / "deployments.csv").write_text("\n".join(good_deployments) + "\n")
    # Read by tracker/settings.py instead of the checkout's .env. No capture, sweep or link check reaches the
    # network; the admin password is given so that ensure_admin writes no .admin-password into the checkout.
    (tmp / "env").write_text(
        "DJANGO_DEBUG=1\n"
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}\n"
        f"DATABASE_URL=sqlite:///{tmp}/db.sqlite3\n"
        "EVIDENCE_CAPTURE=0\nEVIDENCE_CHECK_EVERY_HOURS=0\n"
        f"EVIDENCE_ROOT={tmp}/evidence\nDJANGO_STATIC_ROOT={tmp}/static\n"
        "DJANGO_ADMIN_PASSWORD=docs-test-password-1\n"
    )


def run(line, tmp):
    """One command in a fresh bash: no variable of this process but PATH and HOME, and the env file."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(tmp)), "DJANGO_ENV_FILE": str(tmp / "env")}
    done = subprocess.run(["bash", "-c", line], cwd=tmp, env=env, capture_output=True, text=True, timeout=180)
    return line, done.returncode, (done.stdout + done.stderr)[-2000:]


def test_every_manage_py_command_shown_works_as_written(tmp_path):
    shown = list(written_commands())
    tails = {w[w.index("manage.py") :] for _, w in shown}
    assert not (set(HELP_ONLY) | set(STAND_INS)) - tails, "allow-listed commands no page shows any more"
    lines = {}  # the line to run -> where it is shown, in the pages' order
    for page, written in shown:
        lines.setdefault(runnable(written), []).append(f"{page.relative_to(ROOT)}: {written}")
    assert len(lines) >= 15 and sum(f"{PYTHON} import_requests" in line for line in lines) == 3

    workdir(tmp_path)
    migrate = f"{PYTHON} migrate --noinput"  # shown in docs/operations.md; the others need its tables
    assert migrate in lines
    setup = (
        f"{migrate} && {PYTHON} load_demo && {PYTHON} shell -c "
        "'from django.contrib.auth.models import User; User.objects.create_user(\"edna\")'"  # import --user edna
    )
    _, code, output = run(setup, tmp_path)
    assert code == 0, output
    # The rest side by side, but the lines of one command in the pages' order (the three imports of one file).
    by_command = {}
    for line in lines:
        if line != migrate:
            by_command.setdefault(line.split("manage.py ")[1].split()[0], []).append(line)
    with ThreadPoolExecutor(4) as pool:
        results = pool.map(lambda group: [run(line, tmp_path) for line in group], by_command.values())
        failed = [
            f"{line}\n  shown in {'; '.join(lines[line])}\n  exit {code}: {output}"
            for group in results
            for line, code, output in group
            if code
        ]
    assert not failed, "\n".join(failed)
