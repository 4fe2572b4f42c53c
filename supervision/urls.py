from django.urls import path

from liaison.generic_views import object_urls
from supervision import views
from supervision.models import Inspection, PlausibilityFlag, Rectification, SpotCheck, SpotCheckItem

app_name = "supervision"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("systems/<slug:name>/", views.SectionView.as_view(), name="section"),
    path("trends/", views.TrendsView.as_view(), name="trends"),
    path("runs/", views.RunCreateView.as_view(), name="run_create"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("behind/", views.LaggingListView.as_view(), name="lagging"),
    path("cadres/<int:pk>/", views.CadreReportView.as_view(), name="cadre_report"),
    path("cadres/<int:pk>/pdf/", views.CadreReportPdfView.as_view(), name="cadre_pdf"),
    path("cadres/<int:pk>/self-report/", views.SelfReportView.as_view(), name="self_report"),
    path("units/<int:pk>/pdf/", views.UnitReportPdfView.as_view(), name="unit_pdf"),
    path("bulletin/", views.BulletinView.as_view(), name="bulletin"),
    path("bulletin/official/", views.OfficialBulletinView.as_view(), name="official_bulletin"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("quotas/", views.QuotaTableView.as_view(), name="quotas"),
    path("years/", views.ClosedYearsView.as_view(), name="years"),
    *object_urls(Inspection, "inspection", "inspections/", list=views.InspectionListView,
                 create=views.InspectionEditView, detail=views.InspectionDetailView,
                 edit=views.InspectionEditView, delete=views.InspectionDeleteView),
    path("inspections/<int:pk>/publish/", views.InspectionPublishView.as_view(),
         name="inspection_publish"),
    *object_urls(Rectification, "rectification", "rectifications/",
                 list=views.RectificationListView, create=views.RectificationEditView,
                 detail=views.RectificationDetailView, edit=views.RectificationEditView,
                 delete=views.RectificationDeleteView),
    path("rectifications/<int:pk>/report/", views.RectificationReportView.as_view(),
         name="rectification_report"),
    path("rectifications/<int:pk>/review/", views.RectificationReviewView.as_view(),
         name="rectification_review"),
    *object_urls(PlausibilityFlag, "flag", "flags/", list=views.FlagListView,
                 detail=views.FlagDetailView, history=False),
    path("flags/run/", views.FlagRunCreateView.as_view(), name="flag_run"),
]
urlpatterns += [
    *object_urls(SpotCheck, "spotcheck", "spot-checks/", list=views.SpotCheckListView,
                 create=views.SpotCheckCreateView, detail=views.SpotCheckDetailView),
    path("spot-checks/<int:pk>/redraw/", views.SpotCheckRedrawView.as_view(),
         name="spotcheck_redraw"),
    *object_urls(SpotCheckItem, "spotitem", "spot-checks/items/", list=views.SpotItemListView,
                 detail=views.SpotItemDetailView),
    path("spot-checks/items/<int:pk>/callback/", views.SpotItemVerifyView.as_view(),
         name="spotitem_verify"),
    path("spot-checks/referrals/", views.SpotReferralListView.as_view(),
         name="spot_referrals"),
    path("spot-checks/unverifiable/", views.SpotUnverifiableListView.as_view(),
         name="spot_unverifiable"),
]
