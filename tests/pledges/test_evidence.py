"""Evidence of progress notes (践诺佐证材料): photos and documents checked by the attachment
rules of research trips, saved with their note all or nothing, kept by who changes the pledge,
and on the public board only the photos of published pledges, by their key."""

import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from liaison.models import ClosedYear
from pledges import services
from pledges.models import PledgeProgress, ProgressEvidence
from tests.factories import MINIMAL_PDF
from tests.liaison.test_attachments import PNG_BYTES, image_bytes

EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {2: (39.0, 54.0, 0.0), 4: (116.0, 23.0, 0.0)}  # GPSInfo: where it was taken
    data = image_bytes("JPEG", exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get(0x8825)
    return data


def note_data(*files, item=2, note="组织了邻里活动"):
    return {"item": item, "date": "2025-04-02", "status": "in_progress", "note": note,
            "files": [SimpleUploadedFile(name, content) for name, content in files]}


def stored_files(media_root) -> set[str]:
    folder = Path(media_root) / "pledges" / "evidence"
    return {str(p) for p in folder.rglob("*") if p.is_file()}


def progress_url(tree):
    return reverse("pledges:pledge_progress", args=[tree.pledge_in.pk])


# --- uploading with the note -----------------------------------------------------------------


def test_a_note_is_saved_with_its_photos_and_documents(client, users, tree, media_root):
    client.force_login(users.cadre)
    response = client.post(progress_url(tree), note_data(("门口 合影.jpg", gps_jpeg()),
                                                         ("签到表.pdf", MINIMAL_PDF)))
    assert response.status_code == 302
    note = PledgeProgress.objects.get(pledge=tree.pledge_in, item=2)
    photo, document = note.evidence.order_by("pk")
    assert (photo.original_name, photo.content_type) == ("门口 合影.jpg", "image/jpeg")
    assert (document.original_name, document.content_type) == ("签到表.pdf", "application/pdf")
    assert photo.uploaded_by == users.cadre and document.uploaded_by == users.cadre
    assert re.fullmatch(r"pledges/evidence/\d{4}/[0-9a-f]{32}\.jpg", photo.file.name)
    stored = (Path(media_root) / photo.file.name).read_bytes()
    assert photo.size == len(stored)
    assert not Image.open(io.BytesIO(stored)).getexif()  # the location is gone
    assert (Path(media_root) / document.file.name).read_bytes() == MINIMAL_PDF
    assert photo.history.get().history_user == users.cadre  # audited


def test_a_non_image_with_an_image_extension_is_refused_and_nothing_is_saved(
        client, users, tree, media_root):
    before = stored_files(media_root)
    client.force_login(users.cadre)
    response = client.post(progress_url(tree), note_data(("好照片.png", PNG_BYTES),
                                                         ("照片.jpg", "只是一段文字".encode())))
    assert response.status_code == 200
    assert "内容不是JPEG 图片" in response.content.decode()
    assert not PledgeProgress.objects.filter(pledge=tree.pledge_in, item=2).exists()
    assert ProgressEvidence.objects.count() == 2  # the fixture's
    assert stored_files(media_root) == before


def test_a_renamed_program_and_an_unknown_type_are_refused(client, users, tree):
    client.force_login(users.cadre)
    page = client.post(progress_url(tree), note_data(("进展.pdf", EXE_BYTES))).content.decode()
    assert "内容不是PDF 文档" in page
    page = client.post(progress_url(tree), note_data(("setup.exe", EXE_BYTES))).content.decode()
    assert "不支持的文件类型「.exe」" in page
    assert not PledgeProgress.objects.filter(pledge=tree.pledge_in, item=2).exists()


def test_a_file_over_the_size_limit_is_refused(client, users, tree, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(users.cadre)
    big = b"%PDF-" + b"0" * 2048
    page = client.post(progress_url(tree), note_data(("大文件.pdf", big))).content.decode()
    assert "过大" in page and "上限为 1 KB" in page
    assert not PledgeProgress.objects.filter(pledge=tree.pledge_in, item=2).exists()


def test_a_note_without_files_is_still_a_note(client, users, tree):
    client.force_login(users.cadre)
    assert client.post(progress_url(tree), note_data()).status_code == 302
    assert not PledgeProgress.objects.get(pledge=tree.pledge_in, item=2).evidence.exists()


def test_if_storing_a_later_file_fails_the_note_and_the_earlier_files_are_undone(
        users, tree, media_root, monkeypatch):
    before = stored_files(media_root)
    real, calls = services.photo_reencoded, []

    def failing_second_time(upload, content_type):
        calls.append(upload.name)
        if len(calls) == 2:
            raise OSError("磁盘已满")
        return real(upload, content_type)

    monkeypatch.setattr(services, "photo_reencoded", failing_second_time)
    with pytest.raises(OSError):
        services.pledge_progress_add(
            pledge=tree.pledge_in, item=2, date=tree.pledge_in.published_on, status="kept",
            note="完成", acting_user=users.cadre,
            files=[SimpleUploadedFile("a.png", PNG_BYTES), SimpleUploadedFile("b.png", PNG_BYTES)])
    assert len(calls) == 2
    assert not PledgeProgress.objects.filter(pledge=tree.pledge_in, item=2).exists()
    assert ProgressEvidence.objects.count() == 2
    assert stored_files(media_root) == before  # the first file was removed again


def test_a_note_holds_at_most_nine_files(users, tree):
    with pytest.raises(ValidationError, match="最多 9 个"):
        services.progress_evidence_add(
            progress=tree.progress_in, acting_user=users.cadre,
            files=[SimpleUploadedFile(f"{n}.png", PNG_BYTES) for n in range(9)])
    assert tree.progress_in.evidence.count() == 1


def test_no_evidence_is_added_in_a_closed_year(client, users, tree):
    ClosedYear.objects.create(year=2025, closed_by=users.org_dept)
    client.force_login(users.cadre)
    url = reverse("pledges:evidence_create", args=[tree.progress_in.pk])
    page = client.post(url, {"files": [SimpleUploadedFile("p.png", PNG_BYTES)]}).content.decode()
    assert "2025年已关闭" in page
    assert tree.progress_in.evidence.count() == 1


# --- adding and deleting later ---------------------------------------------------------------


def test_evidence_is_added_to_a_note_later(client, users, tree):
    client.force_login(users.unit_admin)
    url = reverse("pledges:evidence_create", args=[tree.progress_in.pk])
    assert "添加佐证材料" in client.get(url).content.decode()
    response = client.post(url, {"files": [SimpleUploadedFile("补充.png", PNG_BYTES),
                                           SimpleUploadedFile("说明.pdf", MINIMAL_PDF)]})
    assert response["Location"] == tree.pledge_in.get_absolute_url()
    assert sorted(tree.progress_in.evidence.values_list("original_name", flat=True)) == [
        "补充.png", "说明.pdf", "走访照片.png"]


def test_adding_later_is_all_or_nothing_too(client, users, tree):
    client.force_login(users.cadre)
    url = reverse("pledges:evidence_create", args=[tree.progress_in.pk])
    page = client.post(url, {"files": [SimpleUploadedFile("好.png", PNG_BYTES),
                                       SimpleUploadedFile("坏.png", MINIMAL_PDF)]})
    assert "内容不是PNG 图片" in page.content.decode()
    assert tree.progress_in.evidence.count() == 1


def test_adding_later_needs_a_file(client, users, tree):
    client.force_login(users.cadre)
    url = reverse("pledges:evidence_create", args=[tree.progress_in.pk])
    assert "这个字段是必填项" in client.post(url, {}).content.decode()


def test_deleting_evidence_removes_its_file(client, users, tree, media_root,
                                            django_capture_on_commit_callbacks):
    evidence = tree.evidence_in
    path = Path(media_root) / evidence.file.name
    assert path.exists()
    client.force_login(users.cadre)
    url = reverse("pledges:evidence_delete", args=[evidence.pk])
    assert "确定要删除" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == tree.pledge_in.get_absolute_url()
    assert not ProgressEvidence.objects.filter(pk=evidence.pk).exists()
    assert not path.exists()
    assert ProgressEvidence.history.filter(id=evidence.pk, history_type="-").get() \
        .history_user == users.cadre


# --- who may do what -------------------------------------------------------------------------


def test_every_reader_of_the_pledge_may_download_its_evidence(client, users, tree):
    url = reverse("pledges:evidence_download", args=[tree.evidence_in.pk])
    for user in (users.cadre, users.unit_admin, users.org_dept, users.inspector, users.sysadmin):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == tree.evidence_in.file.open("rb").read()
        assert response["X-Content-Type-Options"] == "nosniff"


def test_the_petitions_office_may_not_download_evidence(client, users, tree):
    client.force_login(users.petitions)
    url = reverse("pledges:evidence_download", args=[tree.evidence_in.pk])
    assert client.get(url).status_code == 403


def test_evidence_out_of_scope_is_404_for_every_role(client, users, tree):
    download = reverse("pledges:evidence_download", args=[tree.evidence_out.pk])
    delete = reverse("pledges:evidence_delete", args=[tree.evidence_out.pk])
    add = reverse("pledges:evidence_create", args=[tree.progress_out.pk])
    for role in ("cadre", "unit_admin", "org_dept", "inspector"):
        client.force_login(getattr(users, role))
        assert client.get(download).status_code == 404
        # Who may change pledges gets 404 outside the scope; an inspector never gets past
        # the role check.
        expected = 403 if role == "inspector" else 404
        assert (client.get(delete).status_code, client.get(add).status_code) == (expected,
                                                                                 expected)
    client.force_login(users.cadre)
    assert client.post(reverse("pledges:evidence_delete",
                               args=[tree.evidence_out.pk])).status_code == 404
    response = client.post(reverse("pledges:evidence_create", args=[tree.progress_out.pk]),
                           {"files": [SimpleUploadedFile("p.png", PNG_BYTES)]})
    assert response.status_code == 404
    assert ProgressEvidence.objects.filter(pk=tree.evidence_out.pk).exists()
    assert tree.progress_out.evidence.count() == 1


def test_an_inspector_cannot_add_or_delete_evidence(client, users, tree):
    client.force_login(users.inspector)
    url = reverse("pledges:evidence_create", args=[tree.progress_in.pk])
    assert client.post(url, {"files": [SimpleUploadedFile("p.png", PNG_BYTES)]}) \
        .status_code == 403
    assert client.post(reverse("pledges:evidence_delete", args=[tree.evidence_in.pk])) \
        .status_code == 403
    assert tree.progress_in.evidence.count() == 1


def test_the_staff_download_needs_a_login_and_media_is_not_served(client, users, tree):
    url = reverse("pledges:evidence_download", args=[tree.evidence_in.pk])
    assert client.get(url)["Location"].startswith(reverse("account_login"))
    client.force_login(users.org_dept)
    assert client.get("/media/" + tree.evidence_in.file.name).status_code == 404


def test_the_pledge_page_lists_photos_and_documents_for_the_staff(client, users, tree):
    document = services.progress_evidence_add(
        progress=tree.progress_in, acting_user=users.cadre,
        files=[SimpleUploadedFile("签到表.pdf", MINIMAL_PDF)])[0]
    client.force_login(users.cadre)
    page = client.get(tree.pledge_in.get_absolute_url()).content.decode()
    assert reverse("pledges:evidence_download", args=[tree.evidence_in.pk]) in page
    assert "签到表.pdf" in page and "（不公开）" in page
    assert reverse("pledges:evidence_delete", args=[document.pk]) in page
    assert reverse("pledges:evidence_create", args=[tree.progress_in.pk]) in page
    assert document.file.name not in page and tree.evidence_in.file.name not in page
    client.force_login(users.inspector)  # reads, never changes
    page = client.get(tree.pledge_in.get_absolute_url()).content.decode()
    assert "签到表.pdf" in page and "evidence/" in page
    assert reverse("pledges:evidence_delete", args=[document.pk]) not in page


# --- the public board ------------------------------------------------------------------------


def public_url(code, evidence):
    return reverse("pledges:public_evidence", args=[code, evidence.key])


def board(client, code="SQ0101"):
    return client.get(reverse("pledges:board", args=[code]), {"year": 2025}).content.decode()


def test_the_public_board_shows_the_photos_of_a_published_pledge(client, tree):
    page = board(client)
    assert public_url("SQ0101", tree.evidence_in) in page
    assert "走访照片.png" not in page  # the uploader's file name stays inside
    response = client.get(public_url("SQ0101", tree.evidence_in))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert response["Content-Disposition"].startswith("inline;")
    assert "%E8%B5%B0" not in response["Content-Disposition"]  # not 走访照片.png


def test_the_public_board_never_shows_a_photo_of_an_unpublished_pledge(client, tree):
    page = board(client, "SQ0201")
    assert str(tree.evidence_out.key) not in page
    assert client.get(public_url("SQ0201", tree.evidence_out)).status_code == 404
    assert client.get(public_url("SQ0101", tree.evidence_out)).status_code == 404
    pledge = tree.pledge_in
    pledge.published_on = None  # taken off the board
    pledge.save()
    assert str(tree.evidence_in.key) not in board(client)
    assert client.get(public_url("SQ0101", tree.evidence_in)).status_code == 404


def test_documents_are_never_public(client, users, tree):
    document = services.progress_evidence_add(
        progress=tree.progress_in, acting_user=users.cadre,
        files=[SimpleUploadedFile("困难户名单.pdf", MINIMAL_PDF)])[0]
    page = board(client)
    assert str(document.key) not in page and "困难户名单" not in page
    assert client.get(public_url("SQ0101", document)).status_code == 404


def test_a_bad_key_or_another_board_is_404(client, tree):
    import uuid

    assert client.get(reverse("pledges:public_evidence",
                              args=["SQ0101", uuid.uuid4()])).status_code == 404
    assert client.get(public_url("SQ0201", tree.evidence_in)).status_code == 404
    assert client.get(f"/pledges/board/SQ0101/evidence/{tree.evidence_in.pk}/").status_code == 404


def test_no_evidence_is_added_to_a_note_of_an_unpublished_pledge(users, tree):
    with pytest.raises(ValidationError, match="承诺公开后才能上传"):
        services.progress_evidence_add(progress=tree.progress_out, acting_user=users.sysadmin,
                                       files=[SimpleUploadedFile("p.png", PNG_BYTES)])
    assert tree.progress_out.evidence.count() == 1


def test_the_boards_queries_do_not_grow_with_its_notes_and_photos(
        client, users, tree, django_assert_max_num_queries):
    from liaison.models import Cadre
    from pledges.models import Pledge

    def a_board_query_count():
        with django_assert_max_num_queries(50) as captured:
            assert client.get(reverse("pledges:board", args=["SQ0101"]),
                              {"year": 2025}).status_code == 200
        return len(captured.captured_queries)

    few = a_board_query_count()
    for n in range(3):
        cadre = Cadre.objects.create(code=f"GB9{n}", name=f"党员{n}")
        pledge = Pledge.objects.create(cadre=cadre, year=2025, organization=tree.community_in,
                                       items="走访；服务", published_on=tree.pledge_in.published_on)
        for item in (1, 2):
            services.pledge_progress_add(
                pledge=pledge, item=item, date=pledge.published_on, status="kept",
                note="完成", acting_user=users.cadre,
                files=[SimpleUploadedFile("p.png", PNG_BYTES),
                       SimpleUploadedFile("d.pdf", MINIMAL_PDF)])
    page = client.get(reverse("pledges:board", args=["SQ0101"]), {"year": 2025}).content.decode()
    assert page.count("/evidence/") == 2 * (1 + 3 * 2)  # each photo: a link and its image
    assert a_board_query_count() == few
