from django.urls import path

from liaison.generic_views import object_urls
from petitions import views
from petitions.models import Petition, ReceptionDay

app_name = "petitions"
urlpatterns = [
    *object_urls(Petition, "petition", list=views.PetitionListView,
                 create=views.PetitionEditView, detail=views.PetitionDetailView,
                 edit=views.PetitionEditView, delete=views.PetitionDeleteView),
    *object_urls(ReceptionDay, "reception", "receptions/", list=views.ReceptionListView,
                 create=views.ReceptionEditView, detail=views.ReceptionDetailView,
                 edit=views.ReceptionEditView, delete=views.ReceptionDeleteView),
    path("<int:pk>/steps/<str:step>/", views.PetitionStepView.as_view(), name="petition_step"),
    path("<int:pk>/letter/", views.PetitionLetterView.as_view(), name="petition_letter"),
    path("<int:pk>/opinion/", views.PetitionOpinionForwardView.as_view(),
         name="petition_opinion_forward"),
    path("receptions/calendar/", views.ReceptionCalendarView.as_view(),
         name="reception_calendar"),
    path("receptions/subscribe/", views.ReceptionFeedLinkView.as_view(),
         name="reception_feed_link"),
    # Open without a login: calendar apps fetch it; the signed token is the key.
    path("receptions/feed/<str:token>.ics", views.ReceptionFeedView.as_view(),
         name="reception_feed"),
]
