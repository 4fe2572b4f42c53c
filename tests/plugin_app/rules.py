from liaison.services import activity_dates_check, rules_for
from tests.plugin_app.models import Errand


@rules_for(Errand)
def errand_date(errand: Errand) -> None:
    activity_dates_check(errand.date, None, start_field="date")
