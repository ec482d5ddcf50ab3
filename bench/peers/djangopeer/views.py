"""The peer's pages: login (Django's own view), the contact form, and a tiny home to redirect to."""
from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import engines
from django.urls import path

from .models import Audit, Contact

PAGE = engines["django"].from_string(
    "<!doctype html><title>Contact</title><form method='post'>{% csrf_token %}{{ form }}"
    "<button>Opslaan</button></form>")
LOGIN = engines["django"].from_string(
    "<!doctype html><title>Inloggen</title><form method='post'>{% csrf_token %}{{ form }}<button>Log in</button></form>")


class ContactForm(forms.ModelForm):
    """All 19 fields of the model's form."""

    class Meta:
        """Every editable field."""
        model = Contact
        fields = ["contacted_at", "spot", "lat", "lon", "kind", "youths_present", "youths", "other_codes", "topics",
                  "substances", "ed_present", "duration_min", "note", "client_id", "new_alias", "new_age_band",
                  "new_gender", "confirm_personal"]

    def clean_contacted_at(self):
        """Not in the future (Straatwerk checks the same)."""
        from django.utils import timezone
        moment = self.cleaned_data["contacted_at"]
        if moment > timezone.now() + timezone.timedelta(minutes=10):
            raise forms.ValidationError("Dit moment ligt in de toekomst.")
        return moment


@login_required
def new_contact(request):
    """The form; a valid post saves the contact and its audit row in one transaction and redirects home."""
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            contact = form.save(commit=False)
            contact.worker = request.user
            contact.save()
            Audit.objects.create(actor=request.user, action="create", object_type="contact", object_id=contact.pk)
        messages.success(request, f"Contact opgeslagen ({contact.contacted_at:%H:%M}).")
        return redirect("/")
    return HttpResponse(PAGE.render({"form": form}, request))


def login_page(request):
    """Django's AuthenticationForm and login(), like Straatwerk's login (name, password, CSRF)."""
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        return redirect("/")
    return HttpResponse(LOGIN.render({"form": form}, request))


@login_required
def home(request):
    """Where a save lands."""
    return HttpResponse("thuis")


urlpatterns = [
    path("login/", login_page),
    path("contacts/new", new_contact),
    path("", home),
]
