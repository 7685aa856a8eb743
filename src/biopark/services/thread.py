"""A request's reply thread: messages from the enterprise, handlers and departments, with files.

Files are stored under <var_dir>/attachments/<park>/<request>/ with a generated name. The
type is read from the content (magic bytes) and must agree with the file's extension; a
size cap comes from the settings. Only those who can read the request can download them.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from biopark.accounts.models import Role, User
from biopark.errors import Forbidden, NotFound, ValidationFailed
from biopark.services.models import RequestAttachment, RequestMessage
from biopark.services.schemas import MessageBody
from biopark.services.service import _log, get_request, require_step

MAX_FILES = 5
# kind -> (content type, extensions that may carry it)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    "text": ("text/plain; charset=utf-8", (".txt", ".csv", ".md")),
}
ALLOWED_ZH = "PDF、PNG、JPEG、Word（.docx）、Excel（.xlsx）、纯文本"


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The kind of file the bytes are, by their content, or None if not an accepted kind."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return None
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text"


def clean_filename(name: str) -> str:
    """The file's own name without folders or control characters, at most 200 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip().lstrip(".")
    if len(base) > 200:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:190] + dot + ext[:9]) if dot else base[:200]
    return base or "附件"


def check_upload(upload: Upload, *, max_bytes: int) -> tuple[str, str]:
    """(kind, clean name) of an acceptable file; refuses empty, oversized and mistyped ones."""
    name = clean_filename(upload.filename)
    if not upload.data:
        raise ValidationFailed(f"附件为空：{name}", en=f"Empty file: {name}")
    if len(upload.data) > max_bytes:
        mb = max_bytes // (1024 * 1024)
        raise ValidationFailed(
            f"附件超过 {mb} MB：{name}", en=f"File larger than {mb} MB: {name}", status=413
        )
    kind = sniff(upload.data)
    ext = Path(name).suffix.lower()
    if kind is None or ext not in KINDS[kind][1]:
        raise ValidationFailed(
            f"附件类型不支持或内容与扩展名不符：{name}（仅限{ALLOWED_ZH}）",
            en=f"Unsupported file type, or content does not match the extension: {name}"
            " (PDF, PNG, JPEG, .docx, .xlsx, plain text)",
        )
    return kind, name


def _side(user: User) -> str:
    if user.role == Role.enterprise:
        return "enterprise"
    if user.role == Role.department:
        return "department"
    return "commissioner"


def post_message(
    session: Session,
    *,
    user: User,
    request_id: int,
    data: MessageBody,
    uploads: list[Upload],
    var_dir: Path,
    max_bytes: int,
) -> RequestMessage:
    """Add a message with optional attachments; a bad file refuses the whole message."""
    req = get_request(session, user=user, request_id=request_id)
    require_step(session, user=user, req=req, step="message")
    if user.role == Role.department and not any(
        d.department_id == user.department_id for d in req.active_dispatches
    ):
        raise Forbidden("诉求未派发至本部门", en="The request is not dispatched to your department")
    if len(uploads) > MAX_FILES:
        raise ValidationFailed(
            f"每条留言最多 {MAX_FILES} 个附件", en=f"At most {MAX_FILES} files per message"
        )
    checked = [(u, *check_upload(u, max_bytes=max_bytes)) for u in uploads]
    msg = RequestMessage(
        request_id=req.id,
        author_id=user.id,
        author_name=user.display_name,
        side=_side(user),
        department_id=user.department_id if user.role == Role.department else None,
        body=data.body.strip(),
    )
    session.add(msg)
    session.flush()
    folder = Path(var_dir) / "attachments" / str(req.park_id) / str(req.id)
    written: list[Path] = []
    try:
        for upload, kind, name in checked:
            folder.mkdir(parents=True, exist_ok=True)
            stored = f"{req.park_id}/{req.id}/{uuid.uuid4().hex}{Path(name).suffix.lower()}"
            path = Path(var_dir) / "attachments" / stored
            path.write_bytes(upload.data)
            written.append(path)
            msg.attachments.append(
                RequestAttachment(
                    request_id=req.id,
                    filename=name,
                    stored_name=stored,
                    content_type=KINDS[kind][0],
                    size=len(upload.data),
                    sha256=hashlib.sha256(upload.data).hexdigest(),
                )
            )
        session.flush()
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    _log(
        session,
        req,
        user,
        "message",
        body=msg.body[:200],
        attachments=[a.filename for a in msg.attachments] or None,
    )
    return msg


def get_attachment(
    session: Session, *, user: User, request_id: int, attachment_id: int, var_dir: Path
) -> tuple[RequestAttachment, Path]:
    """An attachment and its file, for someone who can read the request."""
    req = get_request(session, user=user, request_id=request_id)
    att = session.get(RequestAttachment, attachment_id)
    if att is None or att.request_id != req.id:
        raise NotFound("附件不存在", en="Attachment not found")
    root = (Path(var_dir) / "attachments").resolve()
    path = (root / att.stored_name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise NotFound("附件不存在", en="Attachment not found")
    return att, path
