from django.urls import path

from supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("systems/<slug:name>/", views.SectionView.as_view(), name="section"),
    path("runs/", views.RunCreateView.as_view(), name="run_create"),
    path("runs/<int:pk>/", views.RunDetailView.as_view(), name="run_detail"),
    path("behind/", views.LaggingListView.as_view(), name="lagging"),
    path("cadres/<int:pk>/", views.CadreReportView.as_view(), name="cadre_report"),
    path("cadres/<int:pk>/pdf/", views.CadreReportPdfView.as_view(), name="cadre_pdf"),
    path("units/<int:pk>/pdf/", views.UnitReportPdfView.as_view(), name="unit_pdf"),
    path("bulletin/", views.BulletinView.as_view(), name="bulletin"),
    path("reports/<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("quotas/", views.QuotaTableView.as_view(), name="quotas"),
    path("years/", views.ClosedYearsView.as_view(), name="years"),
]
