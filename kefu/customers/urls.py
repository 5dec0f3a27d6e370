from __future__ import annotations

from django.urls import path

from kefu.customers import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("new/", views.customer_new, name="new"),
    path("export/", views.export, name="export"),
    path("quality/", views.quality, name="quality"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("grading/", views.grading, name="grading"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
    path("import/<int:job_id>/bad-rows.xlsx", views.import_bad_rows, name="import_bad_rows"),
    path("<int:customer_id>/", views.customer_detail, name="detail"),
    path("<int:customer_id>/edit/", views.customer_edit, name="edit"),
    path("<int:customer_id>/timeline/", views.customer_timeline, name="timeline"),
    path("<int:customer_id>/reveal/", views.customer_reveal, name="reveal"),
    path("<int:customer_id>/contacts/new/", views.contact_new, name="contact_new"),
    path("<int:customer_id>/contracts/new/", views.contract_new, name="contract_new"),
    path("<int:customer_id>/blacklist/", views.blacklist_new, name="blacklist"),
    path("<int:customer_id>/merge/", views.customer_merge, name="merge"),
    path("contracts/<int:contract_id>/deliver/", views.contract_deliver, name="contract_deliver"),
    path("contracts/<int:contract_id>/cancel/", views.contract_cancel, name="contract_cancel"),
    path("contracts/<int:contract_id>/claims/new/", views.claim_new, name="claim_new"),
    path("blacklist/<int:entry_id>/lift/", views.blacklist_lift, name="blacklist_lift"),
]
