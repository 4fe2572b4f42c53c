from liaison.forms import CadreLedgerForm
from tests.plugin_app.models import Errand


class ErrandForm(CadreLedgerForm):
    class Meta:
        model = Errand
        fields = ["cadre", "date", "title"]
