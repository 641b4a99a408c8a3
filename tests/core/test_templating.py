"""Shared template helpers."""

from flask import render_template_string

from trainhub.templating import mask_name, mask_phone


def test_masks():
    assert mask_name("张伟") == "张*伟"
    assert mask_name("张小伟") == "张*伟"
    assert mask_name("欧阳明华") == "欧**华"
    assert mask_phone("13812345678") == "138****5678"


def test_templates_render_outside_a_request(app):
    """Services render emails from the CLI and workers: no request, no user, no menu."""
    assert render_template_string("{{ nav_items|length }}|{{ html_lang }}") == "0|zh-CN"
