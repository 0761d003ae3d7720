import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

# The generated password is kept here (git-ignored, owner-only) so that a later
# `make run` can show it again for as long as nobody has changed it.
PASSWORD_FILE = settings.BASE_DIR / ".admin-password"


class Command(BaseCommand):
    help = (
        "Make sure a superuser exists and say how to log in. A new account gets "
        "DJANGO_ADMIN_PASSWORD if set, else a random password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("DJANGO_ADMIN_USER", "admin"))
        parser.add_argument("--port", type=int, default=8000, help="The port the site is served on (make run's PORT).")

    def handle(self, *args, username, port, **options):
        User = get_user_model()
        url = f"http://127.0.0.1:{port}/admin/"
        user = User.objects.filter(is_superuser=True).order_by("id").first()
        if user is None:
            password = os.environ.get("DJANGO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username=username, email="", password=password)
            if not os.environ.get("DJANGO_ADMIN_PASSWORD"):
                PASSWORD_FILE.write_text(password)
                PASSWORD_FILE.chmod(0o600)
            self.stdout.write(self.style.SUCCESS(f"Created the admin account '{username}'."))
        name = user.get_username()
        saved = PASSWORD_FILE.read_text().strip() if PASSWORD_FILE.exists() else ""
        if saved and user.check_password(saved):
            self.stdout.write(
                self.style.SUCCESS(f"Admin: log in at {url} as '{name}' with password {saved}")
                + f"\n(kept in {PASSWORD_FILE.name}; change it with: .venv/bin/python manage.py changepassword {name})"
            )
        else:
            self.stdout.write(
                f"Admin: log in at {url} as '{name}' with your password. "
                f"Forgot it? .venv/bin/python manage.py changepassword {name}"
            )
