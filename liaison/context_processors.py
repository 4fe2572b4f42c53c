from django.conf import settings

from liaison.models import Notification
from liaison.navigation import menu_for
from liaison.permissions import user_roles


def navigation(request):
    user = getattr(request, "user", None)
    signed_in = getattr(user, "is_authenticated", False)
    return {"menu_groups": menu_for(user) if user is not None else [],
            # A lazy count: only pages that show the navigation bar ask the database.
            "unread_notifications": (lambda: Notification.objects.filter(
                user=user, read_at__isnull=True).count()) if signed_in else 0,
            "user_roles": sorted(user_roles(user)) if user is not None else [],
            "district_name": settings.DISTRICT_NAME}
