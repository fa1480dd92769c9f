from django.contrib import admin

from .models import Agency, Coordinator

admin.site.register(Agency)
admin.site.register(Coordinator)
