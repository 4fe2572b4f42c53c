"""A system that lives only under tests/ plugs into the platform through the plug-in contract
(docs/architecture.md) and gets compliance rows, a quota field, an import page, a menu entry,
a workbench panel and the full permission walk, without any file of liaison/ naming it."""

import copy
import datetime as dt
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from liaison import demo, imports, navigation, permissions, services, workbench
from liaison.apps import PLUGIN_MODULES
from liaison.compliance import registry
from liaison.compliance.engine import compute_compliance
from liaison.models import Category
from tests.factories import PositionFactory
from tests.liaison import test_permissions as walk

REGISTRIES = [
    (registry, "METRICS"), (registry, "PRORATED"), (registry, "ROW_SOURCES"),
    (registry, "METRIC_LABELS"), (registry, "PLACE_SOURCES"), (registry, "HOUSEHOLD_SOURCES"),
    (imports, "IMPORT_KINDS"), (navigation, "MENU"), (workbench, "PANELS"),
    (permissions, "_SCOPES"), (permissions, "_POLICIES"), (services, "_RULES"),
    (demo, "DEMO_BUILDERS"),
]


@pytest.fixture
def plugin(transactional_db, settings):
    """Install tests.plugin_app the way a district would (INSTALLED_APPS and config/urls.py),
    create its table, and leave every registry as it was afterwards."""
    saved = [(module, name, copy.copy(getattr(module, name))) for module, name in REGISTRIES]
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "tests.plugin_app"]
    settings.ROOT_URLCONF = "tests.plugin_app.urlconf"
    from tests.plugin_app.models import Errand

    with connection.schema_editor() as editor:
        editor.create_model(Errand)
    yield Errand
    with connection.schema_editor() as editor:
        editor.delete_model(Errand)
    for module, name, value in saved:
        current = getattr(module, name)
        current.clear()
        current.update(value) if isinstance(current, dict) else current.extend(value)
    # The next install discovers (imports) the plug-in's modules again, as a fresh start would.
    for name in [m for m in sys.modules if m.startswith("tests.plugin_app.")
                 and m.rpartition(".")[2] in PLUGIN_MODULES + ("views", "forms", "urls",
                                                                "urlconf")]:
        del sys.modules[name]


@pytest.fixture
def errands(plugin, tree):
    PositionFactory(cadre=tree.cadre_in, organization=tree.community_in,
                    category=Category.PARTY_MEMBER, start_date=dt.date(2024, 1, 1))
    return {
        "in": plugin.objects.create(cadre=tree.cadre_in, date=dt.date(2025, 3, 1), title="代办"),
        "also_in": plugin.objects.create(cadre=tree.cadre_in, date=dt.date(2025, 5, 1),
                                         title="送药"),
        "out": plugin.objects.create(cadre=tree.cadre_out, date=dt.date(2025, 3, 1),
                                     title="代办"),
    }


def test_its_metric_gives_compliance_rows_with_its_default_quota(errands, tree):
    rows = [r for r in compute_compliance(year=2025) if r.metric == "errands"]
    assert [(r.subject_code, r.target, r.actual, r.status) for r in rows] == [
        ("GB001", 3, 2, "not_met")]


def test_its_metric_has_a_field_in_the_quota_table(plugin):
    from supervision.forms import QuotaTableForm

    form = QuotaTableForm(year=2025)
    assert form.fields["errands__party_member"].initial == 3
    assert form.fields["errands__party_member"].label.startswith("跑腿次数")


def test_its_import_kind_has_a_page_for_the_roles_it_names(client, users, errands):
    client.force_login(users.unit_admin)
    assert "跑腿" in client.get(reverse("import_index")).content.decode()
    assert client.get(reverse("import_upload", args=["errands"])).status_code == 200
    result = imports.import_file(kind="errands", filename="e.csv",
                                 content="干部编码,日期,事项\nGB001,2025-06-01,买菜\n".encode(),
                                 acting_user=users.unit_admin)
    assert result.ok and result.new == 1, result.errors
    client.force_login(users.cadre)
    assert client.get(reverse("import_upload", args=["errands"])).status_code == 403


def test_its_menu_entry_and_workbench_panel_appear(client, users, errands):
    client.force_login(users.cadre)
    page = client.get(reverse("workbench")).content.decode()
    assert reverse("plugin_app:errand_list") in page
    assert "本年跑腿" in page


@pytest.mark.parametrize("role", sorted(walk.ALL))
def test_the_permission_walk_covers_its_pages(client, users, tree, errands, role):
    from django.urls import get_resolver

    patterns = [p for p in walk.platform_patterns(get_resolver())
                if p.name.startswith("plugin_app:")]
    assert {p.name for p in patterns} == {f"plugin_app:errand_{a}" for a in (
        "list", "create", "detail", "edit", "delete")}
    inside = {**walk.objects_in(tree), errands["in"].__class__: errands["in"]}
    outside = {**walk.objects_out(tree), errands["out"].__class__: errands["out"]}
    client.force_login(getattr(users, role))
    for pattern in patterns:
        response = client.get(walk.url_for(pattern, inside))
        if role in walk.allowed(pattern):
            assert response.status_code == 200, (pattern.name, response.status_code)
        else:
            assert response.status_code in (403, 404), pattern.name
        if "<int:pk>" in str(pattern.pattern) and role != walk.SYSADMIN:
            assert client.get(walk.url_for(pattern, outside)).status_code in (403, 404)
    assert walk.allowed(patterns[0]) == walk.LIAISON  # from the policy: the ledgers' roles


def test_no_file_of_the_core_names_the_plugin():
    core = Path(__file__).resolve().parents[2] / "liaison"
    assert not [p for p in core.rglob("*.py") if "plugin_app" in p.read_text(encoding="utf-8")]
