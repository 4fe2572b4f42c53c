from django.conf import settings

from liaison.navigation import menu_for
from liaison.permissions import user_roles


def navigation(request):
    user = getattr(request, "user", None)
    return {"menu_groups": menu_for(user) if user is not None else [],
            "user_roles": sorted(user_roles(user)) if user is not None else [],
            "district_name": settings.DISTRICT_NAME}
