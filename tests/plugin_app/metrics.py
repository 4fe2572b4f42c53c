from liaison.compliance.engine import Context
from liaison.compliance.queries import by_category, counts
from liaison.compliance.registry import CADRE, Metric, register_metric
from liaison.models import Category
from tests.plugin_app.models import Errand


def errands(ctx: Context) -> dict:
    return counts(ctx.in_window(ctx.narrow(Errand.objects.all(), "cadre_id"), "date"),
                  ("cadre_id",))


register_metric(Metric("errands", "跑腿次数", CADRE, periods=by_category, actual=errands,
                       default_quota={Category.PARTY_MEMBER: 3}))
