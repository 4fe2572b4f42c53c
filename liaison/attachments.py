"""Uploaded files (photos, PDF and Word documents): checked by their content, stored under
generated names, served only by views that have checked the user may see the record.

Any app with a FileField uses `attachment_check` in its form, `attachment_name` (or
`UuidUploadTo` for a new model's upload_to) for the stored name, and `attachment_response`
in its permission-checked download view. MEDIA_URL is never served directly.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"

PHOTOS = (JPEG, PNG)
DOCUMENTS = (PDF, DOCX, DOC)
PHOTOS_AND_DOCUMENTS = PHOTOS + DOCUMENTS

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    content_type: str
    label: str
    extensions: tuple[str, ...]  # the first is used for stored names


KINDS = {
    JPEG: FileKind(JPEG, "JPEG 图片", (".jpg", ".jpeg")),
    PNG: FileKind(PNG, "PNG 图片", (".png",)),
    PDF: FileKind(PDF, "PDF 文档", (".pdf",)),
    DOCX: FileKind(DOCX, "Word 文档（.docx）", (".docx",)),
    DOC: FileKind(DOC, "Word 文档（.doc）", (".doc",)),
}

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD_STREAM = "WordDocument".encode("utf-16-le")  # the stream a .doc file must contain


def max_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def detect_content_type(upload) -> str | None:
    """The type the file's bytes say it is (magic numbers, not the name), or None."""
    upload.seek(0)
    head = upload.read(8)
    try:
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"PK\x03\x04"):
            upload.seek(0)
            try:
                with zipfile.ZipFile(upload) as archive:
                    names = set(archive.namelist())
            except zipfile.BadZipFile:
                return None
            return DOCX if {"[Content_Types].xml", "word/document.xml"} <= names else None
        if head.startswith(OLE2_MAGIC):
            upload.seek(0)
            return DOC if WORD_STREAM in upload.read(max_bytes()) else None
        return None
    finally:
        upload.seek(0)


def size_label(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1048576:.3g} MB"
    return f"{size / 1024:.3g} KB"


def _labels(allowed: Collection[str]) -> str:
    return "、".join(KINDS[t].label for t in allowed)


def attachment_check(upload, *, allowed: Collection[str] = PHOTOS_AND_DOCUMENTS,
                     limit: int | None = None) -> str:
    """The detected content type of an uploaded file, or a ValidationError in Chinese.

    The name's extension must be one of the allowed kinds AND the bytes must be that kind:
    a renamed program or text file is refused whatever it is called."""
    limit = limit or max_bytes()
    if upload.size > limit:
        raise ValidationError(f"文件「{upload.name}」过大（{size_label(upload.size)}），"
                              f"上限为 {size_label(limit)}", code="too_large")
    if upload.size == 0:
        raise ValidationError(f"文件「{upload.name}」是空文件", code="empty")
    extension = PurePath(upload.name).suffix.lower()
    claimed = next((t for t in allowed if extension in KINDS[t].extensions), None)
    if claimed is None:
        raise ValidationError(f"不支持的文件类型「{extension or '无扩展名'}」，"
                              f"只能上传{_labels(allowed)}", code="extension")
    detected = detect_content_type(upload)
    if detected != claimed:
        raise ValidationError(
            f"文件「{upload.name}」的内容不是{KINDS[claimed].label}（可能是改了扩展名的其他"
            f"文件），只能上传{_labels(allowed)}", code="content")
    if detected in PHOTOS:
        _decoded(upload)  # a header followed by anything else is not a photo
    return detected


def _decoded(upload):
    """The photo decoded in full by Pillow, or a ValidationError."""
    from PIL import Image

    upload.seek(0)
    try:
        image = Image.open(upload)
        image.load()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        raise ValidationError(f"图片「{upload.name}」已损坏或不是有效的图片",
                              code="content") from None
    finally:
        upload.seek(0)
    return image


def photo_reencoded(upload, content_type: str):
    """A photo as it is stored: decoded and encoded again, turned upright, without its
    metadata (EXIF, including the GPS location) and without anything appended to it (a
    PNG+HTML polyglot loses its HTML). Documents are stored as uploaded."""
    import io

    from django.core.files.base import ContentFile
    from PIL import ImageOps

    if content_type not in PHOTOS:
        return upload
    image = ImageOps.exif_transpose(_decoded(upload))
    out = io.BytesIO()
    if content_type == JPEG:
        image.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
    else:
        image.save(out, "PNG", optimize=True)
    return ContentFile(out.getvalue(), name=upload.name)


def attachment_name(content_type: str) -> str:
    """A generated file name (uuid) with the extension of the detected type: uploaders'
    names never reach the file system."""
    return f"{uuid.uuid4().hex}{KINDS[content_type].extensions[0]}"


@deconstructible
class UuidUploadTo:
    """upload_to for new models: "<prefix>/<year>/<uuid><ext>", whatever the upload's name."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        extension = PurePath(filename).suffix.lower()
        return f"{self.prefix}/{timezone.localdate():%Y}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other) -> bool:
        return isinstance(other, UuidUploadTo) and other.prefix == self.prefix


def content_type_of(name: str) -> str:
    """The content type of a stored file, from the extension its generated name was given."""
    extension = PurePath(name).suffix.lower()
    return next((k.content_type for k in KINDS.values() if extension in k.extensions),
                "application/octet-stream")


def attachment_response(field_file, *, filename: str, content_type: str) -> FileResponse:
    """Stream a stored file under its original name. Photos show inline; documents download.
    Call only after the view has checked the user may see the record the file belongs to."""
    inline = content_type in PHOTOS
    response = FileResponse(field_file.open("rb"), as_attachment=not inline,
                            filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, no-store"
    return response


def content_sha256(fileobj) -> str:
    """The SHA-256 (hex) of a file's bytes, as stored: the same file attached to two records
    has the same digest (plausibility rule 5, liaison.plausibility)."""
    import hashlib

    digest = hashlib.sha256()
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    for chunk in fileobj.chunks() if hasattr(fileobj, "chunks") else iter(
            lambda: fileobj.read(65536), b""):
        digest.update(chunk)
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    return digest.hexdigest()
