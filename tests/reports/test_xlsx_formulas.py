"""reports.xlsx writes unit names as text: a name Excel would run as a formula is neutralised like in every export."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from trainhub.extensions import db


def test_a_unit_named_like_a_formula_is_text_in_reports_xlsx(api, world):
    world.chaoyang.name = '=HYPERLINK("http://evil.example","点我")'
    db.session.commit()
    response = api(world.boss).get(f"/api/v1/campaigns/{world.campaign.id}/reports.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    unit_cell = next(cell for cell in cells if "HYPERLINK" in str(cell.value))
    assert unit_cell.data_type == "s"  # a string, not a formula ("f")
    assert unit_cell.value == "'" + world.chaoyang.name
