"""The quarterly district bulletin in the 红头 layout (#13): 组织部 gives it a document
number and an issuing body; it holds the district totals, the units ranked by completion
rate, a chapter for every system and for the period's inspections, and the issuing date."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from liaison.models import Organization
from liaison.sections import sections
from supervision import selectors, services
from supervision.models import ComplianceRun, Inspection, Rectification, ReportFile
from tests.supervision.test_reports import pdf_text

URL = reverse("supervision:official_bulletin")
FORM = {"year": 2025, "period": "Q4", "doc_number": "区委组通〔2026〕12号",
        "issuer": "中共示范区委组织部"}
TODAY = dt.date(2026, 1, 10)


@pytest.fixture
def inspected(people, example):
    """A Q4 inspection with three rectification items: accepted, overdue, in progress."""
    east = Organization.objects.get(code="BSC01")
    inspection = Inspection(title="第四季度联系服务群众督查", regularity="phased",
                            timing="scheduled", manner="open", organizer=east,
                            start_date=dt.date(2025, 11, 3), end_date=dt.date(2025, 11, 5),
                            inspectors="督查组", findings="台账不全")
    services.inspection_save(inspection=inspection, units=[east],
                             acting_user=people.org_dept)
    items = [Rectification(inspection=inspection, unit=east, problem=f"问题{i}",
                           deadline=deadline)
             for i, deadline in enumerate([dt.date(2025, 11, 30), dt.date(2025, 12, 1),
                                           dt.date(2026, 3, 1)])]
    for item in items:
        services.rectification_save(item=item, acting_user=people.org_dept)
    services.rectification_report(item=items[0], report="已补齐", acting_user=people.org_dept)
    services.rectification_review(item=items[0], accept=True, acting_user=people.org_dept)
    # Held in Q3: not in a Q4 bulletin.
    services.inspection_save(inspection=Inspection(
        title="三季度督查", regularity="regular", timing="random", manner="open",
        organizer=east, start_date=dt.date(2025, 8, 1), end_date=dt.date(2025, 8, 1),
        inspectors="督查组"), units=[east], acting_user=people.org_dept)
    return inspection


def generate(client, capture, data=FORM):
    with capture(execute=True):
        return client.post(URL, data)


def download(client, report, tmp_path) -> str:
    response = client.get(reverse("supervision:report_detail", args=[report.pk]),
                          {"download": "1"})
    assert response.status_code == 200
    return pdf_text(b"".join(response.streaming_content), tmp_path)


def test_the_bulletin_pdf_has_the_red_header_every_chapter_and_the_totals(
        client, people, inspected, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(people.org_dept)
    assert not ComplianceRun.objects.exists()  # the job computes the quarter's figures
    response = generate(client, django_capture_on_commit_callbacks)
    report = ReportFile.objects.get(kind="official_bulletin")
    assert response["Location"] == reverse("supervision:report_detail", args=[report.pk])
    assert report.status == "done", report.error
    assert report.progress == 100
    assert report.params["as_of"] == "2025-12-31"
    run = selectors.published_run(2025, dt.date(2025, 12, 31))
    assert run is not None
    text = download(client, report, tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert "中共示范区委组织部" in flat and "区委组通〔2026〕12号" in flat
    assert "关于2025年第四季度党员干部直接联系服务群众工作情况的通报" in flat
    for heading in ("一、全区总体情况", "二、各单位完成情况排名", "三、各项制度落实情况",
                    "督查检查"):
        assert heading in flat
    # A chapter for every system, numbered, then the inspections.
    titles = [s.title for s in sections() if s.bulletin_template]
    assert titles == ["调查研究", "联系点和入户走访", "信访接待", "谈心谈话", "群众意见",
                      "承诺践诺"]
    for n, title in enumerate([*titles, "督查检查", "每月趋势"], start=1):
        assert f"（{n}）{title}" in flat, title
    # The trends page's charts, drawn into the PDF (their titles are text in the PDF).
    for title in ("调研（次）", "走访（次）", "信访案件（件）", "谈心谈话（次）", "群众意见（条）"):
        assert title in flat, title
    # The district totals row.
    totals = selectors.totals(selectors.visible_results(people.org_dept, run))
    assert totals["total"] > 0
    assert (f"全区合计{totals['met']}{totals['on_track']}{totals['behind']}"
            f"{totals['not_met']}{totals['total']}{totals['met_rate']}%") in flat
    # Q4's inspection only: 1 held, 3 items, 1 accepted, 1 overdue at 31 December.
    assert "共开展督查1次" in flat and "阶段性督查1次" in flat
    assert "列出整改事项3项" in flat and "已验收1项" in flat and "其中逾期1项" in flat
    # The issuing date at the end.
    issued = timezone.localdate()
    assert flat.rstrip().endswith(f"{issued.year}年{issued.month}月{issued.day}日印发") or \
        f"{issued.year}年{issued.month}月{issued.day}日" in flat[-200:]


def test_the_units_are_ranked_by_completion_rate(
        client, people, published, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(people.org_dept)
    generate(client, django_capture_on_commit_callbacks)
    report = ReportFile.objects.get(kind="official_bulletin")
    text = download(client, report, tmp_path)
    ranking = text[text.index("二、各单位完成情况排名"):text.index("三、各项制度落实情况")]
    ranked = selectors.ranked(selectors.by_unit(
        selectors.visible_results(people.org_dept, published), None))
    assert len(ranked) >= 3
    rates = [r["met_rate"] for r in ranked]
    assert rates == sorted(rates, reverse=True) and len(set(rates)) > 1
    lines = [line.split() for line in ranking.splitlines() if line.strip()[:1].isdigit()]
    assert [(int(cells[0]), cells[1], cells[-1]) for cells in lines] == [
        (i, r["unit"].name, f"{r['met_rate']}%") for i, r in enumerate(ranked, start=1)]


def test_progress_is_reported_while_it_is_built(client, people, published):
    client.force_login(people.org_dept)
    response = client.post(URL, FORM)  # the task does not run: the report waits
    report = ReportFile.objects.get(kind="official_bulletin")
    ReportFile.objects.filter(pk=report.pk).update(progress=60)
    job = client.get(response["Location"], {"format": "json"}).json()
    assert job["progress"] == 60 and job["finished"] is False
    page = client.get(response["Location"]).content.decode()
    assert "区委组通〔2026〕12号" in page and "2025年第四季度" in page and "60%" in page


@pytest.mark.parametrize(("number", "message"), [
    ("", "请填写文号"),
    ("区委组通[2026]12号", "六角括号"),
    ("区委组通(2026)12号", "六角括号"),
    ("区委组通〔2026〕012号", "虚位"),
    ("区委组通〔2026〕12", "以“号”结尾"),
    ("ABC〔2026〕12号", "汉字的机关代字"),
    ("区委组通〔26〕12号", "4位数字"),
    ("区委组通〔2019〕3号", "年份〔2019〕应为通报所属年度〔2025〕或发文年度〔2026〕"),
])
def test_a_document_number_in_a_wrong_format_is_refused_in_chinese(
        people, example, number, message):
    with pytest.raises(ValidationError) as error:
        services.official_bulletin_request(year=2025, period="Q4", doc_number=number,
                                           issuer="中共示范区委组织部",
                                           acting_user=people.org_dept, today=TODAY)
    assert message in error.value.message_dict["doc_number"][0]
    assert not ReportFile.objects.exists()


def test_a_document_number_is_used_once_a_year(people, example):
    def request(number, year=2025, period="Q4"):
        return services.official_bulletin_request(
            year=year, period=period, doc_number=number, issuer="中共示范区委组织部",
            acting_user=people.org_dept, today=TODAY)

    first = request(" 区委组通〔2026〕12号 ")
    assert first.doc_number == "区委组通〔2026〕12号" and first.doc_year == 2026
    with pytest.raises(ValidationError, match="同一年度的文号不能重复"):
        request("区委组通〔2026〕12号", year=2026, period="Q1")
    request("区委组通〔2025〕12号")  # the same sequence of another year
    request("区委组通〔2026〕13号")
    # A bulletin that failed to build gives its number back.
    ReportFile.objects.filter(pk=first.pk).update(status=ReportFile.Status.FAILED)
    assert request("区委组通〔2026〕12号").pk != first.pk


def test_the_form_shows_the_errors_and_creates_nothing(client, people, example):
    client.force_login(people.org_dept)
    response = client.post(URL, {**FORM, "doc_number": "区委组通[2026]12号", "issuer": "ABC"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "年份应使用六角括号〔〕" in page and "发文机关应为中文全称" in page
    assert not ReportFile.objects.exists()


def test_the_period_ends_at_the_quarter_end_or_today(people, example):
    start, window = services.period_window(2025, "Q2", TODAY)
    assert (start, window.as_of) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    start, window = services.period_window(2026, "Q1", TODAY)
    assert (start, window.as_of) == (dt.date(2026, 1, 1), TODAY)
    start, window = services.period_window(2025, "Y", TODAY)
    assert (start, window.as_of) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    with pytest.raises(ValidationError, match="尚未开始"):
        services.period_window(2026, "Q2", TODAY)


@pytest.mark.parametrize("who", ["inspector", "east_admin"])
def test_only_the_organization_department_issues_it(client, people, example, who):
    client.force_login(getattr(people, who))
    assert client.get(URL).status_code == 403
    assert client.post(URL, FORM).status_code == 403
    assert not ReportFile.objects.exists()


def test_another_users_bulletin_is_not_theirs_to_see(
        client, people, published, django_capture_on_commit_callbacks):
    client.force_login(people.org_dept)
    generate(client, django_capture_on_commit_callbacks)
    report = ReportFile.objects.get(kind="official_bulletin")
    client.force_login(people.inspector)
    assert client.get(reverse("supervision:report_detail", args=[report.pk])).status_code \
        == 404


def test_every_table_of_the_bulletins_is_laid_out_from_its_column_widths():
    # table-layout: fixed with a <colgroup>: WeasyPrint does not measure every cell of the
    # district's bulletin for automatic widths (a third of its layout time at N=10).
    from django.template.loader import get_template

    names = ["supervision/pdf/official_bulletin.html", "supervision/pdf/bulletin.html",
             "supervision/pdf/_summary.html",
             *(s.bulletin_template for s in sections() if s.bulletin_template)]
    for name in names:
        source = get_template(name).template.source
        tables = re.findall(r"<table[^>]*>(?:<colgroup>)?", source)
        assert tables, name
        for table in tables:
            assert 'class="fixed"' in table and table.endswith("<colgroup>"), (name, table)
    assert "table-layout: fixed" in get_template("pdf/_fixed_tables.css").template.source


def test_a_duplicate_delivery_of_the_task_does_not_build_it_twice(
        people, published, monkeypatch):
    from liaison import pdf
    from supervision import jobs

    report = services.official_bulletin_request(
        year=2025, period="Q4", doc_number=FORM["doc_number"], issuer=FORM["issuer"],
        acting_user=people.org_dept, today=TODAY)  # on_commit never runs in the test
    render, builds = pdf.render_pdf, []

    def render_once_more_delivered(*args, **kwargs):
        builds.append(args[0])
        # The task delivered again while this build lays the PDF out: it finds it taken.
        jobs.official_bulletin_build(report.pk)
        assert ReportFile.objects.get(pk=report.pk).status == ReportFile.Status.PENDING
        return render(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", render_once_more_delivered)
    jobs.official_bulletin_build(report.pk)
    report.refresh_from_db()
    assert report.status == ReportFile.Status.DONE, report.error
    assert builds == ["supervision/pdf/official_bulletin.html"]
    built = (report.file.name, report.finished_at)
    # Delivered again after it was built: nothing happens.
    jobs.official_bulletin_build(report.pk)
    report.refresh_from_db()
    assert (report.file.name, report.finished_at) == built and len(builds) == 1


def test_only_a_queued_report_file_is_claimed(people, example):
    from supervision import jobs

    def queued(**fields):
        return ReportFile.objects.create(kind="bulletin", requested_by=people.org_dept,
                                         params={}, **fields).pk

    first = queued()
    assert jobs.report_claim(first) is True
    assert jobs.report_claim(first) is False  # taken: progress 1
    assert jobs.report_claim(queued(status=ReportFile.Status.DONE)) is False
    assert jobs.report_claim(queued(status=ReportFile.Status.FAILED)) is False
    assert jobs.report_claim(queued(progress=40)) is False  # a build under way
