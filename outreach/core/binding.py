"""Form fields bound once per process and copied for each form, instead of constructed anew per request."""
from wtforms import FieldList, FormField


def shallow(obj):
    """A new object of obj's class with the same attributes (copy.copy without its generic, slower machinery)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


BIND_OPTIONS = {"name", "prefix", "translations"}  # What a form itself passes for each of its fields.


def bound_copy(form, unbound_field, options):
    """unbound_field bound to form: a copy of a field bound once per process, or a fresh bind when that is unsafe.

    Why: Field.__init__ (labels, flags, validator checks, choice lists) was the larger part of building the
    19-field contact form on every request (bench/field.py). What __init__ makes per instance is copied here
    too (label, flags, render_kw, a choice list); validators and widgets were shared by WTForms itself already.
    """
    if (vars(form.meta) or options.keys() != BIND_OPTIONS
            or issubclass(unbound_field.field_class, (FormField, FieldList))):
        # A form given meta of its own, a FieldList's entry, or a sub-form (made per instance).
        return unbound_field.bind(form=form, **options)
    # Kept on the unbound field (it lives as long as its form class): a form class made anew is bound anew.
    protos = unbound_field.__dict__.setdefault("_bound_once", {})
    key = (options["name"], options["prefix"], id(options["translations"]))
    proto = protos.get(key)
    if proto is None:
        proto = protos[key] = unbound_field.bind(form=form, **options)
        proto.meta = proto._form = None  # The prototype keeps no request's form alive.
    field = shallow(proto)
    field.meta, field._form = form.meta, form
    field.label, field.flags = shallow(proto.label), shallow(proto.flags)
    if proto.render_kw is not None:
        field.render_kw = dict(proto.render_kw)
    if type(proto.__dict__.get("_choices")) is list:
        field._choices = list(proto._choices)
    return field
