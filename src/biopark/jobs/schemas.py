"""API schemas of background tasks."""

from __future__ import annotations

from pydantic import BaseModel


class TaskAccepted(BaseModel):
    """An upload accepted for background processing: poll status_url."""

    task_id: int
    status_url: str
