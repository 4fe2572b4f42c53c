"""The audit chain (#15): verify_audit finds an edited or deleted history row or link."""

import io

import pytest
from django.core.management import call_command

from liaison.audit import seal, verify
from liaison.models import AuditSeal, Household


def run_verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", stdout=out, stderr=err)
        return 0, out.getvalue() + err.getvalue()
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()


def test_an_untouched_history_verifies_and_new_rows_join_the_chain(tree):
    code, text = run_verify()
    assert code == 0 and "审计链完整" in text
    count = AuditSeal.objects.count()
    tree.household_in.address = "新地址"
    tree.household_in.save()
    assert seal() == 1 and AuditSeal.objects.count() == count + 1
    assert list(verify()) == []


def test_an_edited_history_row_is_found(tree):
    seal()
    record = tree.household_in.history.earliest()
    Household.history.filter(history_id=record.history_id).update(head_name="篡改")
    code, text = run_verify()
    assert code == 1
    assert f"liaison.HistoricalHousehold 的历史记录 {record.history_id} 已被改动" in text


def test_a_deleted_history_row_is_found(tree):
    seal()
    record = tree.household_out.history.earliest()
    Household.history.filter(history_id=record.history_id).delete()
    code, text = run_verify()
    assert code == 1 and "已被删除" in text


@pytest.mark.parametrize("tamper", ["edit", "delete"])
def test_an_edited_or_deleted_link_is_found(tree, tamper):
    seal()
    middle = AuditSeal.objects.order_by("pk")[3]
    if tamper == "edit":
        AuditSeal.objects.filter(pk=middle.pk).update(digest="0" * 64)
    else:
        AuditSeal.objects.filter(pk=middle.pk).delete()
    breaks = list(verify())
    assert breaks, tamper
    assert breaks[0].seq in (middle.pk, middle.pk + 1)
