"""Audit trail. Importing the package installs the hash chain on every session's flush."""

from biopark.audit import chain as _chain  # noqa: F401
