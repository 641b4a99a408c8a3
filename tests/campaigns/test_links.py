"""The campaign page and the event hub lead organizers to reports, news, the summary and invitations."""


def test_campaign_page_links_organizers_to_reports_news_and_summary(client, make, login):
    bureau = make.unit(kind="district_bureau")
    campaign = make.campaign()
    campaign.reporting_units = [bureau]
    from trainhub.extensions import db

    db.session.commit()
    public = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert f"/manage/reports/{campaign.id}" not in public
    login(make.organizer())
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert f"/manage/reports/{campaign.id}" in html
    assert f"/manage/campaigns/{campaign.id}/news" in html
    assert f"/manage/campaigns/{campaign.id}/summary" in html


def test_event_hub_links_to_invitations_for_its_managers(client, make, login):
    bureau = make.unit(kind="district_bureau")
    event = make.event(host_unit=bureau)
    login(make.organizer(unit=bureau))
    html = client.get(f"/manage/events/{event.id}").get_data(as_text=True)
    assert f"/manage/events/{event.id}/invitations" in html
