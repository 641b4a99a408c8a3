"""Shared form helpers: a service's field errors shown next to the form's fields."""

from __future__ import annotations

from typing import ClassVar

import marshmallow as ma
from flask import flash
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField

from trainhub.schemas import field_errors


def show_service_errors(form, error, *, aliases: dict | None = None, fallback=None, summary: bool = False) -> None:
    """Put a ValidationError's `fields` on the matching form fields (`aliases` maps service names to
    form names); errors of fields the form lacks go to `fallback`, or to flash messages. With
    `summary`, the error's own message is flashed too."""
    for name, messages in (error.fields or {}).items():
        target = getattr(form, (aliases or {}).get(name, name), None)
        if target is None or not hasattr(target, "errors"):
            target = fallback
        if target is not None:
            target.errors = list(target.errors or []) + [str(m) for m in messages]
        else:
            for message in messages:
                flash(str(message), "danger")
    if summary:
        flash(str(error.message), "danger")


class SchemaForm(FlaskForm):
    """A WTForms form that renders its fields and validates through the resource's declared schema
    (`schema`), so a page and the API refuse the same input with the same messages. WTForms keeps the
    CSRF check and rendering; `required` and `maxlength` on the inputs come from the schema too.

    After `validate()`, `cleaned` holds the values as the schema loads them (for the service)."""

    schema: ClassVar[type[ma.Schema]]
    partial: ClassVar[bool] = False
    cleaned: dict

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cleaned = {}
        declared = self.schema().fields
        for name, field in self._fields.items():
            rule = declared.get(name)
            if rule is None or rule.dump_only:
                continue
            if rule.required and not self.partial:
                field.flags.required = True
            max_length = getattr(rule, "max_length", None)
            if max_length:
                field.render_kw = {"maxlength": max_length, **(field.render_kw or {})}

    def schema_input(self) -> dict:
        """What the person sent, as text (the schema parses it as it parses JSON)."""
        declared = self.schema().fields
        values = {}
        for name, field in self._fields.items():
            rule = declared.get(name)
            if rule is None or rule.dump_only:
                continue
            if isinstance(field, (BooleanField, SelectMultipleField)):
                values[name] = field.data
            elif field.raw_data:
                values[name] = field.raw_data[0]
            elif field.raw_data is not None and not self.partial:
                values[name] = None
        return values

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        try:
            self.cleaned = self.schema(partial=self.partial).load(self.schema_input())
        except ma.ValidationError as error:
            self.add_errors(field_errors(error.messages))
            return False
        return valid

    def add_errors(self, fields: dict, *, aliases: dict | None = None) -> None:
        """Problems by field name (a schema's or a service's) next to the fields; others on the form."""
        for name, messages in fields.items():
            target = self._fields.get((aliases or {}).get(name, name))
            texts = [str(message) for message in messages]
            if target is not None:
                target.errors = list(target.errors or []) + texts
            else:
                self.form_errors.extend(texts)
