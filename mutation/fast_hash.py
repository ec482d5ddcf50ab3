"""Pytest plugin for mutation runs only: cheap argon2 parameters, so the hundreds of logins of a run take seconds."""
from argon2 import PasswordHasher

from outreach.auth.login import login as auth
from outreach.core import passwords

CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
passwords.hasher = auth.hasher = CHEAP
passwords.DUMMY_HASH = CHEAP.hash("dummy")
