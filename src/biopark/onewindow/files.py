"""Documents handed in with a submission: checked as hostile input, kept on file for reuse.

The checks are those of request attachments (services/thread.py): size cap, type read
from the content and matched to the extension. Files live under
<var_dir>/onewindow/<park>/<enterprise>/ with generated names.
"""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from biopark.errors import ValidationFailed
from biopark.onewindow.models import OnFileDocument
from biopark.services.thread import KINDS, Upload, check_upload

MAX_FILES = 10

__all__ = ["MAX_FILES", "Upload", "check_all", "store"]


def check_all(uploads: dict[str, Upload], *, max_bytes: int) -> dict[str, tuple[Upload, str, str]]:
    """Every upload checked before anything is written: {document kind: (upload, kind, name)}."""
    if len(uploads) > MAX_FILES:
        raise ValidationFailed(
            f"一次最多上传 {MAX_FILES} 个文件", en=f"At most {MAX_FILES} files at a time"
        )
    return {doc_kind: (u, *check_upload(u, max_bytes=max_bytes)) for doc_kind, u in uploads.items()}


def store(
    session: Session,
    *,
    park_id: int,
    enterprise_id: int,
    user_id: int,
    checked: dict[str, tuple[Upload, str, str]],
    var_dir: Path,
) -> dict[str, OnFileDocument]:
    """Write the checked files and put them on file under their document kind."""
    folder = Path(var_dir) / "onewindow" / str(park_id) / str(enterprise_id)
    folder.mkdir(parents=True, exist_ok=True)
    stored: dict[str, OnFileDocument] = {}
    for doc_kind, (upload, kind, name) in checked.items():
        relative = f"{park_id}/{enterprise_id}/{uuid.uuid4().hex}{Path(name).suffix.lower()}"
        (Path(var_dir) / "onewindow" / relative).write_bytes(upload.data)
        doc = OnFileDocument(
            park_id=park_id,
            enterprise_id=enterprise_id,
            kind=doc_kind,
            filename=name,
            content_type=KINDS[kind][0],
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            stored_path=relative,
            uploaded_by_id=user_id,
        )
        session.add(doc)
        stored[doc_kind] = doc
    session.flush()
    return stored
