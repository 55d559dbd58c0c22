from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "cocrea.policy"
    label = "policy"
