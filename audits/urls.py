from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [path("<int:pk>/<str:token>/", views.audit_form, name="form")]
