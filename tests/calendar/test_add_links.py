"""Event and ticket pages offer "add to calendar": a webcal:// subscription and a download."""


def test_event_page_has_subscription_and_download(client, make):
    event = make.event()
    html = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "webcal://trainhub.test/calendar/public.ics" in html
    assert f"/events/{event.id}/calendar.ics" in html


def test_ticket_page_downloads_the_attendees_own_invite(client, make):
    event = make.event()
    registration = make.registration(event)
    html = client.get(f"/t/{registration.ticket_token}").get_data(as_text=True)
    assert f"/t/{registration.ticket_token}/invite.ics" in html
    assert "webcal://" in html
    invite = client.get(f"/t/{registration.ticket_token}/invite.ics")
    assert invite.status_code == 200 and b"METHOD:REQUEST" in invite.data
