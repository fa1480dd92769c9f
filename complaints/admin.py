from django.contrib import admin

from .models import Category, ClosureDay, Complaint

admin.site.register(Category)
admin.site.register(ClosureDay)
admin.site.register(Complaint)
