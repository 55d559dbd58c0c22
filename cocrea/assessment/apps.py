from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "cocrea.assessment"
    label = "assessment"
