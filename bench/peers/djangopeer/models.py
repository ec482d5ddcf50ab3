"""A contact with the fields Straatwerk's form posts, and an append-only audit row."""
from django.conf import settings
from django.db import models

KINDS = [("street", "Straat"), ("group", "Groep"), ("phone", "Telefoon"), ("online", "Online")]
GENDERS = [("unknown", "Onbekend"), ("male", "Jongen"), ("female", "Meisje"), ("other", "Anders")]
AGES = [("", "Kies"), ("12-15", "12-15"), ("16-17", "16-17"), ("18-23", "18-23")]


class Spot(models.Model):
    """A hangout spot (the contact's menu and its validation read this table)."""
    name = models.CharField(max_length=80)
    archived = models.BooleanField(default=False)


class Contact(models.Model):
    """19 form fields, like Straatwerk's ContactForm (with its quick-add youth and personal-data confirmation)."""
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, editable=False)
    contacted_at = models.DateTimeField()
    spot = models.ForeignKey(Spot, null=True, blank=True, on_delete=models.PROTECT,
                             limit_choices_to={"archived": False})
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=KINDS, default="street")
    youths_present = models.PositiveSmallIntegerField(default=1)
    youths = models.CharField(max_length=200, blank=True)
    other_codes = models.CharField(max_length=200, blank=True)
    topics = models.CharField(max_length=200, blank=True)
    substances = models.CharField(max_length=200, blank=True)
    ed_present = models.BooleanField(default=False)
    duration_min = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(max_length=2000, blank=True)
    client_id = models.CharField(max_length=36, blank=True, db_index=True)
    new_alias = models.CharField(max_length=40, blank=True)
    new_age_band = models.CharField(max_length=10, choices=AGES, blank=True)
    new_gender = models.CharField(max_length=10, choices=GENDERS, default="unknown")
    confirm_personal = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)


class Audit(models.Model):
    """Who did what to which object, like Straatwerk's audit_log."""
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    action = models.CharField(max_length=20)
    object_type = models.CharField(max_length=20)
    object_id = models.IntegerField(null=True)
    result = models.CharField(max_length=100, default="ok")
