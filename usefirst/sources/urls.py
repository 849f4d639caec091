from django.urls import path

from . import views

app_name = "sources"

urlpatterns = [
    path("recommend/", views.recommend, name="recommend"),
    path("recommend/template.xlsx", views.recommend_template, name="recommend_template"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/letter/", views.batch_letter, name="batch_letter"),
    path("batches/<int:pk>/withdraw/", views.batch_withdraw, name="batch_withdraw"),
    path("counts/", views.source_counts, name="counts"),
    path("survey/", views.survey, name="survey"),
    path("survey/template.xlsx", views.survey_template, name="survey_template"),
]
