from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Programme")

    def ready(self):
        from hub import checks, security  # noqa: F401 (registers the deploy checks; connects the receivers)
