"""PDF reports: Chinese text readable, the CJK font embedded, page numbers, who and when."""

import subprocess

from django.urls import reverse

from supervision.models import ReportFile

YEAR = {"year": 2025, "as_of": "2025-12-31"}


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def embedded_fonts(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    return [line for line in lines if line.split()[-5] == "yes"]  # the "emb" column


def test_a_cadres_annual_report_pdf(client, people, published, tmp_path):
    client.force_login(people.org_dept)
    cadre = published.results.filter(subject_code="GB001").first()
    response = client.get(reverse("supervision:cadre_pdf", args=[cadre.subject_id]), YEAR)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert "张建国的年度完成情况" in text
    assert "调研天数" in text and "未完成" in text
    # Numbered pages (two since the walkthrough lists its records too).
    assert "示范区" in text and "第1页/共2页" in text.replace(" ", "")
    assert "zzb" in text
    assert any("Noto-Sans-CJK" in line for line in embedded_fonts(response.content, tmp_path))


def test_a_units_report_pdf(client, people, published, tmp_path):
    client.force_login(people.org_dept)
    east = published.results.get(subject_code="BSC01", metric="leader_coverage").organization
    response = client.get(reverse("supervision:unit_pdf", args=[east.pk]), YEAR)
    text = pdf_text(response.content, tmp_path)
    assert "东城办事处联系服务群众工作完成情况" in text
    assert "东城二社区" in text and "周海" in text


def test_the_bulletin_is_built_in_the_background_then_downloaded(
        client, people, published, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(people.inspector)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("supervision:bulletin"), YEAR)
    report = ReportFile.objects.get()
    assert response["Location"] == reverse("supervision:report_detail", args=[report.pk])
    assert report.status == "done", report.error
    download = client.get(reverse("supervision:report_detail", args=[report.pk]),
                          {"download": "1"})
    text = pdf_text(b"".join(download.streaming_content), tmp_path)
    assert "2025年度党员干部直接联系服务群众工作情况通报" in text
    for unit in ("示范区", "东城办事处", "区委组织部"):
        assert unit in text
    assert "李红梅" in text  # behind on her research days


def test_reports_are_private_to_who_asked_for_them(client, people, published,
                                                   django_capture_on_commit_callbacks):
    client.force_login(people.inspector)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("supervision:bulletin"), YEAR)
    report = ReportFile.objects.get()
    client.force_login(people.org_dept)
    assert client.get(reverse("supervision:report_detail", args=[report.pk])).status_code == 404


def test_a_unit_admin_cannot_download_another_units_report(client, people, published):
    client.force_login(people.unit_admin)
    east = published.results.get(subject_code="BSC01", metric="leader_coverage").organization
    assert client.get(reverse("supervision:unit_pdf", args=[east.pk]), YEAR).status_code == 404
    other = published.results.get(subject_code="GB006", metric="research_days")
    assert client.get(reverse("supervision:cadre_pdf", args=[other.subject_id]),
                      YEAR).status_code == 404
