"""One submission, one record (#15 item 3): two real concurrent imports of the same file, in
two threads with their own database connections, save it once."""

import datetime as dt
import threading

import pytest
from django.db import connections

from contactpoints.models import Visit
from liaison.imports import import_file


def visits_file(days: int) -> bytes:
    start = dt.date(2025, 1, 1)
    lines = ["联系类型,联系人编码,联系对象编码,开始日期,结束日期"] + [
        f"入户走访,GB001,HH001,{start + dt.timedelta(days=2 * i)},"
        for i in range(days)]
    return "\n".join(lines).encode()


def run_together(*jobs):
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        try:
            barrier.wait()
            results[i] = job()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_imports_of_one_file_save_it_once(tree, users):
    content = visits_file(150)
    before = Visit.objects.count()

    def one_import():
        return import_file(kind="visits", filename="v.csv", content=content,
                           acting_user=users.org_dept)

    first, second = run_together(one_import, one_import)
    assert first.ok and second.ok, (first.errors, second.errors)
    assert sorted([first.new, second.new]) == [0, 150]
    assert sorted([first.unchanged, second.unchanged]) == [0, 150]
    assert Visit.objects.count() == before + 150
