from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "cocrea.realtime"
    label = "realtime"
