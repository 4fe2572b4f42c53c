"""Uploaded import files hold personal data: deleted on confirm, on cancel, on a new upload,
and an hour after upload otherwise; a double confirmation imports once (#15 items 3 and 7)."""

import os
import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.models import Household
from liaison.pending_imports import pending_folder, pending_import_store
from liaison.tasks import purge_pending_imports

ROWS = "住户编码,户主姓名,社区编码,地址,贫困户\nHH400,孙大娘,SQ0101,,否\n"


def upload(client, text=ROWS):
    return client.post(reverse("import_upload", args=["households"]),
                       {"file": SimpleUploadedFile("h.csv", text.encode())})


def stored():
    folder = pending_folder()
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_cancel_deletes_the_uploaded_file(client, users, tree):
    client.force_login(users.unit_admin)
    upload(client)
    assert len(stored()) == 1
    response = client.post(reverse("import_cancel", args=["households"]), follow=True)
    assert "已取消导入" in response.content.decode() and stored() == []
    assert not Household.objects.filter(code="HH400").exists()


def test_a_new_upload_replaces_the_previous_file(client, users, tree):
    client.force_login(users.unit_admin)
    upload(client)
    first = stored()
    upload(client)
    assert len(stored()) == 1 and stored() != first


def test_a_second_confirmation_of_one_upload_imports_nothing(client, users, tree):
    client.force_login(users.unit_admin)
    upload(client)
    session_copy = dict(client.session)["pending_import"]
    client.post(reverse("import_confirm", args=["households"]))
    session = client.session
    session["pending_import"] = session_copy  # the double click: the same token again
    session.save()
    response = client.post(reverse("import_confirm", args=["households"]), follow=True)
    assert "已失效" in response.content.decode()
    assert Household.objects.filter(code="HH400").count() == 1 and stored() == []


def test_the_hourly_job_deletes_uploads_older_than_an_hour(tree):
    old, fresh = pending_import_store(b"old"), pending_import_store(b"fresh")
    two_hours_ago = time.time() - 7200
    os.utime(pending_folder() / old, (two_hours_ago, two_hours_ago))
    assert purge_pending_imports() == 1
    assert stored() == [fresh]
