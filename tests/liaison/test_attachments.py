"""liaison.attachments: uploads are judged by their bytes, sized, and renamed."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from liaison.attachments import (
    DOC,
    DOCUMENTS,
    DOCX,
    JPEG,
    PDF,
    PNG,
    UuidUploadTo,
    attachment_check,
    attachment_name,
    content_type_of,
)
from tests.factories import MINIMAL_PDF


def image_bytes(fmt: str, size=(8, 6), **save) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt, **save)
    return out.getvalue()


JPEG_BYTES = image_bytes("JPEG")
PNG_BYTES = image_bytes("PNG")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def docx_bytes(word=True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if word else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


def doc_bytes(word=True) -> bytes:
    stream = "WordDocument" if word else "Workbook"
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + stream.encode("utf-16-le")


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("photo.jpg", JPEG_BYTES, JPEG),
    ("photo.JPEG", JPEG_BYTES, JPEG),
    ("photo.png", PNG_BYTES, PNG),
    ("report.pdf", MINIMAL_PDF, PDF),
    ("report.docx", docx_bytes(), DOCX),
    ("report.doc", doc_bytes(), DOC),
])
def test_it_accepts_photos_pdf_and_word_by_their_content(name, content, expected):
    assert attachment_check(upload(name, content)) == expected


@pytest.mark.parametrize(("name", "content"), [
    ("virus.pdf", EXE_BYTES),
    ("notes.pdf", "这是一个文本文件".encode()),
    ("photo.jpg", PNG_BYTES),
    ("sheet.docx", docx_bytes(word=False)),
    ("sheet.doc", doc_bytes(word=False)),
    ("broken.docx", b"PK\x03\x04 not really a zip"),
])
def test_it_rejects_files_whose_content_is_not_what_the_name_says(name, content):
    with pytest.raises(ValidationError, match="内容不是"):
        attachment_check(upload(name, content))


def test_it_rejects_types_that_are_not_allowed():
    with pytest.raises(ValidationError, match="不支持的文件类型「.exe」"):
        attachment_check(upload("setup.exe", EXE_BYTES))
    with pytest.raises(ValidationError, match="只能上传PDF 文档"):
        attachment_check(upload("photo.jpg", JPEG_BYTES), allowed=DOCUMENTS)


def test_it_rejects_oversize_and_empty_files(settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="过大（2.12 KB），上限为 1 KB"):
        attachment_check(upload("big.pdf", MINIMAL_PDF + b"0" * 2048))
    with pytest.raises(ValidationError, match="空文件"):
        attachment_check(upload("empty.pdf", b""))


def test_the_default_limit_is_ten_megabytes():
    big = upload("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="上限为 10 MB"):
        attachment_check(big)


def test_stored_names_are_generated_and_keep_only_the_detected_type():
    first, second = attachment_name(PDF), attachment_name(PDF)
    assert first != second and first.endswith(".pdf") and len(first) == 36
    assert content_type_of(f"reports/2025/{first}") == PDF
    assert content_type_of("x.unknown") == "application/octet-stream"
    path = UuidUploadTo("trips")(None, "我的 照片.JPG")
    assert path.startswith("trips/") and path.endswith(".jpg") and "照片" not in path


def test_a_jpeg_header_followed_by_random_bytes_is_not_a_photo():
    import os

    fake = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(200_000)
    with pytest.raises(ValidationError, match="已损坏或不是有效的图片"):
        attachment_check(upload("photo.jpg", fake))


def test_a_stored_photo_loses_its_location_and_anything_appended():
    from PIL import Image

    from liaison.attachments import photo_reencoded

    exif = Image.Exif()
    exif[0x8825] = {2: (39.0, 54.0, 0.0), 4: (116.0, 23.0, 0.0)}  # GPSInfo: a place
    with_gps = image_bytes("JPEG", exif=exif)
    assert Image.open(io.BytesIO(with_gps)).getexif().get(0x8825)
    stored = photo_reencoded(upload("p.jpg", with_gps), JPEG).read()
    assert not Image.open(io.BytesIO(stored)).getexif()
    polyglot = PNG_BYTES + b"<html><script>alert(1)</script></html>"
    assert attachment_check(upload("p.png", polyglot)) == PNG
    cleaned = photo_reencoded(upload("p.png", polyglot), PNG).read()
    assert b"<script>" not in cleaned and cleaned.startswith(b"\x89PNG")
