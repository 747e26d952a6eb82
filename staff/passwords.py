"""Asking for a new account's password on the command line (``manage.py staff add``, ``create_staff``)."""

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


def ask_password(user: Any, stderr: Any) -> str:
    """Ask twice until both answers match and Django's validators accept the password for ``user`` (an
    unsaved account is fine); each refusal's reason goes to ``stderr``."""
    while True:
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            stderr.write("The passwords do not match.")
            continue
        try:
            validate_password(password, user)
        except ValidationError as error:
            stderr.write(" ".join(error.messages))
            continue
        return password
