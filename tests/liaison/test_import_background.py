"""A large file is previewed and imported in the background (#16): the request returns at
once, the page shows a progress bar and polls it, the confirm button waits for the preview, and
a second click never starts a second job."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.import_jobs import import_job_progress_set
from liaison.models import Household, ImportJob

HOUSEHOLDS = "住户编码,户主姓名,社区编码,地址,贫困户\n" + "".join(
    f"HH9{n:02d},住户{n},SQ0101,东城路{n}号,否\n" for n in range(40))


def upload(client, text=HOUSEHOLDS, name="households.csv"):
    return client.post(reverse("import_upload", args=["households"]),
                       {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


def test_a_large_file_is_previewed_then_imported_in_the_background(
        client, users, tree, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_BYTES = 100  # this file is "large"
    client.force_login(users.unit_admin)
    with django_capture_on_commit_callbacks(execute=True) as started:
        response = upload(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("import_job", args=["households"])
    assert len(started) == 1  # the job starts once the request's transaction commits
    preview = ImportJob.objects.get()
    assert (preview.dry_run, preview.status, preview.new) == (True, "done", 40)
    assert not Household.objects.filter(code__startswith="HH9").exists()  # only a preview

    page = client.get(reverse("import_job", args=["households"])).content.decode()
    assert 'data-job-status="?format=json"' in page and "data-job-progress" in page
    assert "检查通过：新增 40 行，更新 0 行，不变 0 行" in page
    assert "HH939" in page and "确认导入" in page
    state = client.get(reverse("import_job", args=["households"]), {"format": "json"}).json()
    assert state | {"id": 0} == {"id": 0, "status": "done", "status_label": "已完成",
                                 "progress": 100, "rows": 40, "finished": True, "error": ""}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import_confirm", args=["households"]))
    assert response["Location"] == reverse("import_job", args=["households"])
    job = ImportJob.objects.latest("pk")
    assert (job.dry_run, job.status, job.new, job.errors) == (False, "done", 40, [])
    assert Household.objects.filter(code__startswith="HH9").count() == 40
    history = Household.history.filter(code="HH900").get()
    assert history.history_user == users.unit_admin and history.history_type == "+"
    assert "导入完成：新增 40 行" in client.get(reverse("import_job", args=["households"])) \
        .content.decode()

    # The upload was claimed by the import and deleted after it: a second confirmation has
    # nothing to import.
    again = client.post(reverse("import_confirm", args=["households"]))
    assert again["Location"] == reverse("import_upload", args=["households"])
    assert ImportJob.objects.count() == 2


def test_a_preview_with_errors_offers_no_confirmation(
        client, users, tree, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_BYTES = 100
    client.force_login(users.unit_admin)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, HOUSEHOLDS + "HH999,,SQ0101,,否\n")
    page = client.get(reverse("import_job", args=["households"])).content.decode()
    assert "第42行 「户主姓名」: 不能为空" in page
    assert "确认导入" not in page
    response = client.post(reverse("import_confirm", args=["households"]))
    assert response["Location"] == reverse("import_upload", args=["households"])
    assert ImportJob.objects.filter(dry_run=False).count() == 0


def test_while_a_job_runs_the_buttons_wait_and_a_second_click_starts_nothing(
        client, users, tree, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_BYTES = 100
    client.force_login(users.unit_admin)
    with django_capture_on_commit_callbacks(execute=False) as pending:
        upload(client)  # the job is recorded, not started yet
    job = ImportJob.objects.get()
    assert job.status == "pending" and len(pending) == 1
    ImportJob.objects.filter(pk=job.pk).update(status="running")
    import_job_progress_set(job.pk, 10, 40)

    state = client.get(reverse("import_job", args=["households"]), {"format": "json"}).json()
    assert (state["status"], state["progress"], state["finished"]) == ("running", 25, False)
    page = client.get(reverse("import_job", args=["households"])).content.decode()
    assert 'aria-valuenow="25"' in page
    assert '<button class="btn btn-success" type="button" disabled>' in page
    form = client.get(reverse("import_upload", args=["households"])).content.decode()
    assert "后台处理中…</button>" in form and "查看进度" in form

    # A second upload, or a click on 确认导入 sent again, leads to the job already running.
    with django_capture_on_commit_callbacks(execute=True) as more:
        assert upload(client)["Location"] == reverse("import_job", args=["households"])
        assert client.post(reverse("import_confirm", args=["households"]))["Location"] == \
            reverse("import_job", args=["households"])
    assert more == [] and ImportJob.objects.count() == 1


def test_each_user_sees_only_their_own_job(client, users, tree, settings,
                                           django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_BYTES = 100
    client.force_login(users.unit_admin)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client)
    client.force_login(users.org_dept)
    response = client.get(reverse("import_job", args=["households"]))
    assert response.status_code == 302  # no job of theirs: back to the upload form
    assert response["Location"] == reverse("import_upload", args=["households"])


def test_a_small_file_is_still_previewed_in_the_request(client, users, tree):
    client.force_login(users.unit_admin)
    response = upload(client)
    assert response.status_code == 200
    assert "检查通过：新增 40 行" in response.content.decode()
    assert not ImportJob.objects.exists()
