"""The organizer's event page shows attendance live (issue 3, item 6): the panel loads the
attendance figures at once and refreshes them."""

from trainhub.extensions import db
from trainhub.timeutil import now


def test_hub_embeds_the_live_attendance_panel(client, make, login):
    event = make.event()
    org = make.organization(name="华北精密机械有限公司")
    arrived = make.registration(event, org)
    make.registration(event, org)
    arrived.checked_in_at = now()
    db.session.commit()
    login(make.organizer())
    hub = client.get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert 'id="attendance-live"' in hub and "data-load-now" in hub
    assert "js/checkin_attendance.js" in hub
    panel = client.get(f"/manage/events/{event.id}/attendance?partial=1")
    assert panel.status_code == 200
    text = panel.get_data(as_text=True)
    assert "华北精密机械有限公司" in text and "50%" in text.replace(" ", "").replace(".0%", "%")


def test_a_draft_event_hub_has_no_attendance_panel(client, make, login):
    event = make.event(status="draft")
    login(make.organizer())
    assert 'id="attendance-live"' not in client.get(f"/manage/events/{event.id}").get_data(as_text=True)
