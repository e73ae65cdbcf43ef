from django.apps import AppConfig


class EntitiesConfig(AppConfig):
    name = "fazhi.entities"
    label = "entities"
    verbose_name = "监管对象"
