def test_smoke(api, make, payload, client):
    org = make.organizer()
    r = api(org).post("/api/v1/events", json=payload())
    assert r.status_code == 201, r.get_json()
    print(r.get_json())
    r = client.get("/api/v1/events?past=1")
    assert r.status_code == 200, r.get_json()
    print(r.get_json())
    r = client.get("/events?past=1")
    assert r.status_code == 200
    r = client.get("/events/1")
    assert r.status_code == 200
