from liaison.generic_views import object_urls
from pledges import views
from pledges.models import Pledge, Registration

app_name = "pledges"
urlpatterns = [
    *object_urls(Pledge, "pledge", list=views.PledgeListView, create=views.PledgeEditView,
                 detail=views.PledgeDetailView, edit=views.PledgeEditView,
                 delete=views.PledgeDeleteView),
    *object_urls(Registration, "registration", "registrations/",
                 list=views.RegistrationListView, create=views.RegistrationEditView,
                 detail=views.RegistrationDetailView, edit=views.RegistrationEditView,
                 delete=views.RegistrationDeleteView),
]
