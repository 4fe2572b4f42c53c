from liaison.permissions import VIEW
from liaison.workbench import Panel, register_panel
from tests.plugin_app.models import Errand


def errands_panel(request, cadre, year: int) -> dict:
    return {"errand_count": Errand.objects.restrict(request.user, VIEW).filter(
        cadre=cadre, date__year=year).count()}


register_panel(Panel("errands", "plugin_app/_workbench.html", errands_panel, order=90))
