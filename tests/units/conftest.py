"""Two district bureaus, a co-organizing technical committee and the commission."""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def units(make):
    chaoyang = make.unit(name="朝阳区市场监管局", kind="district_bureau", district="朝阳区")
    haidian = make.unit(name="海淀区市场监管局", kind="district_bureau", district="海淀区")
    tc = make.unit(name="标准化技术委员会", kind="technical_committee", district="")
    return SimpleNamespace(
        commission=make.commission(),
        chaoyang=chaoyang,
        haidian=haidian,
        tc=tc,
        boss=make.organizer(),
        cy=make.organizer(unit=chaoyang),
        hd=make.organizer(unit=haidian),
        tc_org=make.organizer(unit=tc),
    )
