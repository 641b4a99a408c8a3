"""A campaign with two district bureaus and a technical committee reporting to the commission."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from tests.factories import local
from trainhub.extensions import db


@dataclass
class World:
    commission: object
    boss: object  # commission organizer
    chaoyang: object
    haidian: object
    tc: object
    cy_org: object  # 朝阳区局 organizer
    hd_org: object  # 海淀区局 organizer
    tc_org: object
    campaign: object
    due: datetime


@pytest.fixture
def world(make):
    commission = make.commission()
    chaoyang = make.unit(name="朝阳区市场监管局", kind="district_bureau", district="朝阳区")
    haidian = make.unit(name="海淀区市场监管局", kind="district_bureau", district="海淀区")
    tc = make.unit(name="全国某标准化技术委员会", kind="technical_committee", district="")
    due = local(2026, 12, 31, 17, 0)
    campaign = make.campaign(title="世界标准日宣传周", report_due_at=due)
    campaign.reporting_units = [chaoyang, haidian, tc]
    db.session.commit()
    return World(
        commission=commission,
        boss=make.organizer(email="boss@example.cn"),
        chaoyang=chaoyang,
        haidian=haidian,
        tc=tc,
        cy_org=make.organizer(unit=chaoyang, email="cy@example.cn"),
        hd_org=make.organizer(unit=haidian, email="hd@example.cn"),
        tc_org=make.organizer(unit=tc, email="tc@example.cn"),
        campaign=campaign,
        due=due,
    )


@pytest.fixture
def before_due(world):
    return world.due - timedelta(days=5)


@pytest.fixture
def after_due(world):
    return world.due + timedelta(hours=2)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"
