"""Form fields bound once per process and copied for each form, instead of constructed anew per request."""
from wtforms import FieldList, FormField, PasswordField, StringField
from wtforms.fields.core import Flags, Label


BIND_OPTIONS = {"name", "prefix", "translations"}  # What a form itself passes for each of its fields.


def bound_copy(form, unbound_field, options):
    """unbound_field bound to form: a copy of a field bound once per process, or a fresh bind when that is unsafe.

    Why: Field.__init__ (labels, flags, validator checks, choice lists) was the larger part of building the
    19-field contact form on every request (bench/field.py). What __init__ makes per instance and a request
    may change in place is copied here too (render_kw, a choice list); validators and widgets were shared by
    WTForms itself already; the label and flags are shared read-only (Shared).
    """
    if vars(form.meta) or options.keys() != BIND_OPTIONS:
        return unbound_field.bind(form=form, **options)  # A form given meta of its own, or a FieldList's entry.
    # Kept on the unbound field (it lives as long as its form class): a form class made anew is bound anew.
    protos = unbound_field.__dict__.get("_bound_once")
    key = (options["name"], options["prefix"], id(options["translations"]))
    plan = protos.get(key) if protos is not None else None
    if plan is None:
        if issubclass(unbound_field.field_class, (FormField, FieldList)):
            return unbound_field.bind(form=form, **options)  # A sub-form: made per instance.
        plan = prototype(form, unbound_field, options)
        unbound_field.__dict__.setdefault("_bound_once", {})[key] = plan
    proto, copy_render_kw, copy_choices = plan
    field = new(type(proto))
    values = field.__dict__
    values.update(proto.__dict__)
    values["meta"], values["_form"] = form.meta, form
    if copy_render_kw:
        values["render_kw"] = dict(proto.render_kw)
    if copy_choices:
        values["_choices"] = list(proto._choices)
    return field


new = object.__new__


def prototype(form, unbound_field, options):
    """(field bound once, whether its render_kw and its choices need a copy per form)."""
    proto = unbound_field.bind(form=form, **options)
    proto.meta = proto._form = None  # The prototype keeps no request's form alive.
    # Shared by every copy: copying these two per field was a tenth of binding a form (bench/field.py).
    proto.label, proto.flags = shared(SharedLabel, proto.label), shared(SharedFlags, proto.flags)
    if not callable(proto.default):
        # Field.process calls default() and falls back on TypeError: a raise and catch per field per request for
        # every plain default (None mostly). Only process() reads default (WTForms' own code, checked).
        proto.default = Constant(proto.default)
    return proto, proto.render_kw is not None, type(proto.__dict__.get("_choices")) is list


class Shared:
    """An object every form's copy of a field shares: changing it in place would change it for every request."""

    def __setattr__(self, name, value):
        """Refuse, saying what to do instead."""
        refuse(self)

    def __delattr__(self, name):
        """Refuse likewise."""
        refuse(self)


def refuse(shared):
    """The error for a change to a shared label or flags object."""
    raise AttributeError(f"{type(shared).__name__} is shared by every form of this class; give the field its own "
                         "instead (field.label = Label(field.id, text), field.flags = Flags())")


class SharedLabel(Shared, Label):
    """A field's label, shared read-only."""


class SharedFlags(Shared, Flags):
    """A field's flags (required, maxlength, …), shared read-only."""


def shared(kind, original):
    """A read-only copy of a label or flags object, as kind."""
    copy = new(kind)
    copy.__dict__.update(original.__dict__)
    return copy


class Constant:
    """A callable that returns one value: a plain field default in the form Field.process calls without a raise."""

    __slots__ = ("value",)

    def __init__(self, value):
        """Keep the value."""
        self.value = value

    def __call__(self):
        """The value itself (the same object each time, as a plain default was)."""
        return self.value

    def __repr__(self):
        """Shown as the value it stands for."""
        return repr(self.value)


def shape(form):
    """({field name: (its validate_<name> method,)}, names of its text fields), worked out once per form class.

    Why: looking up 19 validate_<name> methods and type-checking 19 fields on every post was a tenth of
    validating the contact form (bench/field.py). Keyed by the field names, as a form may drop a field.
    """
    names, cls = tuple(form._fields), type(form)
    cache = cls.__dict__.get("_shapes")
    if cache is None:
        cache = {}
        setattr(cls, "_shapes", cache)
    if names not in cache:
        inline = {n: (getattr(cls, f"validate_{n}"),) for n in names if getattr(cls, f"validate_{n}", None) is not None}
        texts = tuple(n for n in names if isinstance(form._fields[n], StringField)
                      and not isinstance(form._fields[n], PasswordField))
        cache[names] = (inline, texts)
    return cache[names]
