"""Trip attachments: uploaded by content check, stored under generated names, served only
through a permission-checked view."""

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.models import ClosedYear
from research.models import TripAttachment
from tests.factories import MINIMAL_PDF
from tests.liaison.test_attachments import PNG_BYTES  # a real (tiny) PNG

EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 64


def upload(client, trip, name, content):
    return client.post(reverse("research:attachment_create", args=[trip.pk]),
                       {"file": SimpleUploadedFile(name, content)})


def test_a_cadre_uploads_a_photo_to_their_trip(client, users, tree, media_root):
    client.force_login(users.cadre)
    response = upload(client, tree.trip_in, "现场 照片.png", PNG_BYTES)
    assert response.status_code == 302
    attachment = tree.trip_in.attachments.get(original_name="现场 照片.png")
    stored = (Path(media_root) / attachment.file.name).read_bytes()
    assert attachment.content_type == "image/png" and attachment.size == len(stored)
    assert attachment.uploaded_by == users.cadre
    assert re.fullmatch(r"trips/\d{4}/[0-9a-f]{32}\.png", attachment.file.name)
    assert stored.startswith(b"\x89PNG")  # re-encoded: the same picture, no metadata


def test_a_renamed_program_is_rejected(client, users, tree):
    client.force_login(users.cadre)
    response = upload(client, tree.trip_in, "报告.pdf", EXE_BYTES)
    assert response.status_code == 200
    assert "内容不是PDF 文档" in response.content.decode()
    assert not tree.trip_in.attachments.filter(original_name="报告.pdf").exists()


def test_a_renamed_text_file_is_rejected(client, users, tree):
    client.force_login(users.cadre)
    response = upload(client, tree.trip_in, "notes.pdf", "只是一段文字".encode())
    assert "内容不是PDF 文档" in response.content.decode()
    assert tree.trip_in.attachments.count() == 1  # only the fixture's


def test_a_program_is_rejected_by_its_extension(client, users, tree):
    client.force_login(users.cadre)
    response = upload(client, tree.trip_in, "setup.exe", EXE_BYTES)
    assert "不支持的文件类型「.exe」" in response.content.decode()


def test_an_oversize_file_is_rejected(client, users, tree):
    client.force_login(users.cadre)
    response = upload(client, tree.trip_in, "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    assert "上限为 10 MB" in response.content.decode()
    assert tree.trip_in.attachments.count() == 1


def test_no_attachment_is_added_to_a_trip_in_a_closed_year(client, users, tree):
    ClosedYear.objects.create(year=2025, closed_by=users.org_dept)
    client.force_login(users.cadre)
    response = upload(client, tree.trip_in, "photo.png", PNG_BYTES)
    assert "2025年已关闭" in response.content.decode()
    assert tree.trip_in.attachments.count() == 1


def test_the_download_streams_the_file_under_its_original_name(client, users, tree):
    client.force_login(users.cadre)
    response = client.get(reverse("research:attachment_download", args=[tree.attachment_in.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E7%8E%B0" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_every_reader_of_the_trip_may_download(client, users, tree):
    for user in (users.unit_admin, users.org_dept, users.inspector):
        client.force_login(user)
        url = reverse("research:attachment_download", args=[tree.attachment_in.pk])
        assert client.get(url).status_code == 200


def test_an_attachment_of_a_trip_out_of_scope_is_404(client, users, tree):
    for user in (users.cadre, users.unit_admin, users.org_dept, users.inspector):
        client.force_login(user)
        url = reverse("research:attachment_download", args=[tree.attachment_out.pk])
        assert client.get(url).status_code == 404


def test_the_download_needs_a_login_and_media_is_not_served(client, users, tree):
    url = reverse("research:attachment_download", args=[tree.attachment_in.pk])
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(users.org_dept)
    assert client.get("/media/" + tree.attachment_in.file.name).status_code == 404


def test_the_trip_detail_lists_attachments_with_download_links(client, users, tree):
    client.force_login(users.cadre)
    page = client.get(reverse("research:trip_detail", args=[tree.trip_in.pk])).content.decode()
    assert "现场记录.pdf" in page
    assert reverse("research:attachment_download", args=[tree.attachment_in.pk]) in page
    assert tree.attachment_in.file.name not in page  # the stored name is never shown


def test_deleting_an_attachment_removes_its_file(client, users, tree, media_root,
                                                 django_capture_on_commit_callbacks):
    path = Path(media_root) / tree.attachment_in.file.name
    assert path.exists()
    client.force_login(users.cadre)
    url = reverse("research:attachment_delete", args=[tree.attachment_in.pk])
    assert "确定要删除" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == tree.trip_in.get_absolute_url()
    assert not TripAttachment.objects.filter(pk=tree.attachment_in.pk).exists()
    assert not path.exists()


def test_an_inspector_cannot_upload_or_delete_attachments(client, users, tree):
    client.force_login(users.inspector)
    assert upload(client, tree.trip_in, "photo.png", PNG_BYTES).status_code == 403
    url = reverse("research:attachment_delete", args=[tree.attachment_in.pk])
    assert client.post(url).status_code == 403
    assert tree.trip_in.attachments.count() == 1


def test_a_cadre_cannot_upload_to_another_cadres_trip(client, users, tree):
    client.force_login(users.cadre)
    assert upload(client, tree.trip_out, "photo.png", PNG_BYTES).status_code == 404
    url = reverse("research:attachment_delete", args=[tree.attachment_out.pk])
    assert client.post(url).status_code == 404
