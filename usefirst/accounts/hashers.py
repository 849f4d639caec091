"""The password hasher: Argon2id with the cost OWASP's password-storage guidance lists as one
of its equivalent minimum configurations (46 MiB of memory, one pass, one lane).

Signers re-enter their password before every signature, so the check sits on the signing path.
Django's own Argon2 settings (100 MiB, two passes, eight lanes) assume more cores than a
two-core server has and cost ~0.25 s or more per check there; this configuration costs tens of
milliseconds and stays memory-hard. Parameters are stored in each hash, so changing them
re-hashes a password at its next successful check.
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 47104  # KiB
    parallelism = 1
