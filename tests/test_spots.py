"""Hangplekken: create, edit, archive, the map (own Leaflet, tiles only outside), distance order, busy grid."""
import re

import folium
import pytest

from conftest import form_errors, json_block
from outreach.core.db import get_db
from outreach.field.spots import ARCHIVED

GOOD = {"name": "JOP Zwolseweg", "kind": "other", "lat": "52,3945", "lon": "6.0470",
        "description": "Overkapping bij het sportveld", "first_identified": "2026-03-01"}


def post_spot(auth, data, url="/spots/new"):
    """Submit the spot form."""
    return auth.post(url, data, page=url)


def test_create_spot_typed_coordinates(auth, query, plain):
    """Create spot typed coordinates; the description is stored encrypted (it may describe people)."""
    auth.login_role("worker")
    response = post_spot(auth, GOOD)
    assert response.status_code == 302
    assert query("select description from spots")[0]["description"].startswith("v1:")
    rows = plain("spots", "select name, kind, lat, lon, description, first_identified from spots")
    assert rows == [{"name": "JOP Zwolseweg", "kind": "other", "lat": 52.3945, "lon": 6.047,
                     "description": "Overkapping bij het sportveld", "first_identified": "2026-03-01"}]
    assert query("select action, object_type from audit_log where object_type='spot'") == [
        {"action": "create", "object_type": "spot"}]


def test_tapping_the_map_prefills_the_position(auth, client):
    """Tapping the map prefills the position."""
    auth.login_role("worker")
    page = client.get("/spots/new?lat=52.391234&lon=6.041234").text
    assert 'value="52.391234"' in page and 'value="6.041234"' in page


@pytest.mark.parametrize("change, message", [
    ({"name": ""}, "Geef de hangplek een naam."),
    ({"kind": ""}, "Kies een soort plek."),
    ({"kind": "kroeg"}, "Ongeldige keuze."),
    ({"lat": ""}, "Vul de breedtegraad in."),
    ({"lat": "48.85"}, "Deze coördinaat ligt niet in Nederland."),
    ({"lon": "13.4"}, "Deze coördinaat ligt niet in Nederland."),
    ({"lon": "oost"}, "Vul een getal in"),
    ({"first_identified": "2099-01-01"}, "Dit moment ligt in de toekomst."),
    ({"first_identified": "gisteren"}, "Vul een datum in"),
    ({"description": "x" * 10240}, "Maximaal 1000 tekens"),
    ({"name": "n" * 81}, "Maximaal 80 tekens."),
])
def test_spot_bad_input(auth, query, change, message):
    """Invariant 6: a Dutch message at the field, what was typed kept, nothing saved."""
    auth.login_role("worker")
    data = {**GOOD, **change}
    response = post_spot(auth, data)
    assert response.status_code == 200
    assert any(message in e for e in form_errors(response.text)), form_errors(response.text)
    kept = next(v for k, v in data.items() if k in change)
    if kept and "kind" not in change:
        assert kept in response.text  # What was typed stays, 10 kB included.
    assert query("select count(*) n from spots") == [{"n": 0}]


def test_personal_data_warning_then_confirm(auth, query):
    """Personal data warning then confirm."""
    auth.login_role("worker")
    data = {**GOOD, "description": "Hier woont Daan de Vries, 06-12345678"}
    response = post_spot(auth, data)
    assert "Dit lijkt op een naam of telefoonnummer. Weet je zeker dat je dit wilt opslaan?" in response.text
    assert "een telefoonnummer" in response.text and "een naam" in response.text
    assert query("select count(*) n from spots") == [{"n": 0}]
    response = post_spot(auth, {**data, "confirm_personal": "y"})
    assert response.status_code == 302
    assert query("select count(*) n from spots") == [{"n": 1}]


def test_edit_and_archive(auth, client, query, spot):
    """Edit and archive."""
    auth.login_role("worker")
    response = post_spot(auth, {**GOOD, "name": "Skatebaan achter de sporthal"}, url=f"/spots/{spot}/edit")
    assert response.status_code == 302
    assert query("select name from spots") == [{"name": "Skatebaan achter de sporthal"}]
    auth.post(f"/spots/{spot}/archive", {"archive": "1"})
    auth.post(f"/spots/{spot}/archive", {"archive": "1"})  # A double tap stays archived.
    assert query("select archived_at is not null as a from spots") == [{"a": 1}]
    page = client.get("/spots/").text
    assert '<a href="/spots/archief">Gearchiveerd (1)</a>' in page
    assert spot_data(page) == []
    archive = client.get("/spots/archief").text
    assert f'href="/spots/{spot}"><strong>Skatebaan achter de sporthal</strong>' in archive
    auth.post(f"/spots/{spot}/archive", {"archive": "0"})
    assert query("select archived_at from spots") == [{"archived_at": None}]


def spot_data(page):
    """The spots handed to the map, as the page's JSON block holds them."""
    return json_block(page, "map-spots")


def test_map_uses_own_leaflet_and_tile_url_only(app, auth, client, spot):
    """Map uses own leaflet and tile url only."""
    auth.login_role("worker")
    page = client.get("/spots/").text
    refs = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert "/static/vendor/leaflet-1.9.3/leaflet.js" in refs
    assert "/static/vendor/leaflet.markercluster-1.4.1/leaflet.markercluster.js" in refs
    assert all(not re.match(r"^(https?:)?//", ref) for ref in refs), refs
    # The only absolute URL anywhere in the page is the configured tile URL.
    hosts = set(re.findall(r"https?://([^/\"'\\]+)", page))
    assert hosts == {"service.pdok.nl"}
    assert app.config["TILE_URL"] in page.replace("\\/", "/")
    for cdn in ("jquery", "bootstrap", "font-awesome", "fontawesome", "cdn.jsdelivr"):
        assert cdn not in page.lower()
    # Folium's own class-level defaults were left alone: Leaflet was set on our map only.
    assert "cdn.jsdelivr.net" in dict(folium.Map.default_js)["leaflet"]


def test_tile_url_is_configurable(template_db, tmp_path):
    """Tile url is configurable."""
    import shutil
    from conftest import AuthActions, make_app
    shutil.copy(template_db, tmp_path / "db.sqlite")
    app = make_app(tmp_path / "db.sqlite", TILE_URL="https://tegels.heerde.example/{z}/{x}/{y}.png")
    client = app.test_client()
    AuthActions(client).login_role("worker")
    page = client.get("/spots/").text
    assert "tegels.heerde.example" in page and "service.pdok.nl" not in page
    app.extensions["outreach.db"].close_all()


def test_popup_data_is_escaped(auth, client, seed_rows, worker_id):
    """Popup data is escaped."""
    seed_rows("spots", name='<img src=x onerror="alert(1)"></script>', kind="park", lat=52.39, lon=6.04,
              created_by=worker_id)
    auth.login_role("worker")
    page = client.get("/spots/").text
    assert "<img src=x" not in page and "</script>\"" not in page
    assert "\\u003cimg src=x" in page and spot_data(page)[0][3] == '<img src=x onerror="alert(1)"></script>'
    assert "&lt;img src=x" in page  # In the list below the map.


def test_list_sorted_by_distance_or_last_activity(auth, client, seed_rows, worker_id):
    """List sorted by distance or last activity."""
    far = seed_rows("spots", name="Veessen dijk", kind="other", lat=52.37, lon=6.087, created_by=worker_id)
    seed_rows("spots", name="Station", kind="station", lat=52.3862, lon=6.0445, created_by=worker_id)
    seed_rows("visits", spot_id=far, worker_id=worker_id, visited_at="2026-11-01 20:00", youths_present=3)
    auth.login_role("worker")
    by_activity = client.get("/spots/").text
    assert by_activity.index("Veessen dijk") < by_activity.index("Station")
    by_distance = client.get("/spots/?lat=52.3870&lon=6.0440").text
    assert by_distance.index("Station") < by_distance.index("Veessen dijk")
    assert "Dichtstbij" in by_distance


def test_contact_layer_follows_the_period(auth, client, spot, seed_rows, worker_id):
    """Contact layer follows the period."""
    for when in ("2026-10-01 20:00", "2026-10-02 20:00", "2026-06-01 20:00"):
        seed_rows("contacts", worker_id=worker_id, spot_id=spot, contacted_at=when, kind="street",
                  youths_present=1)
    seed_rows("contacts", worker_id=worker_id, lat=52.40, lon=6.05, contacted_at="2026-10-03 21:00",
              kind="street", youths_present=1)
    auth.login_role("worker")
    page = client.get("/spots/?van=2026-10-01&tot=2026-10-31").text
    data = json_block(page, "map-contacts")
    assert sorted(data) == [[52.3905, 6.033, 2], [52.4, 6.05, 1]]


def test_contact_layer_counts_the_latest_contacts_of_the_period_at_most(auth, client, spot, seed_rows, worker_id,
                                                                          monkeypatch):
    """Past LAYER_MAX contacts in the period the layer counts the latest ones only: its cost stays bounded."""
    from outreach.field import spot_map
    monkeypatch.setattr(spot_map, "LAYER_MAX", 3)
    for day in range(1, 6):
        seed_rows("contacts", worker_id=worker_id, spot_id=spot, contacted_at=f"2026-10-0{day} 20:00",
                  kind="street", youths_present=1)
    seed_rows("contacts", worker_id=worker_id, lat=52.40, lon=6.05, contacted_at="2026-10-01 19:00",
              kind="street", youths_present=1)  # The oldest: past the three latest, so not on the layer.
    auth.login_role("worker")
    page = client.get("/spots/?van=2026-10-01&tot=2026-10-31").text
    assert json_block(page, "map-contacts") == [[52.3905, 6.033, 3]]
    assert "telt de laatste 3 contacten van de periode" in page
    assert client.get("/spots/contacten.json?van=2026-10-01&tot=2026-10-31").json == [[52.3905, 6.033, 3]]


def test_archive_goes_a_page_at_a_time_by_name(auth, client, seed_rows, worker_id):
    """31 archived spots: 30 on the first page of the archive, by name, the last one on the second."""
    for i in range(31):
        seed_rows("spots", name=f"Bankje {i:02d}", kind="park", lat=52.39, lon=6.03, created_by=worker_id,
                  archived_at="2026-01-01T00:00:00Z")
    auth.login_role("worker")
    first, second = client.get("/spots/archief").text, client.get("/spots/archief?pagina=2").text
    assert re.findall(r"Bankje (\d+)", first) == [f"{i:02d}" for i in range(30)] and "Bankje 30" in second
    assert 'rel="next" href="/spots/archief?pagina=2"' in first and 'rel="next"' not in second
    assert "Gearchiveerd (31)" in client.get("/spots/").text


def test_busy_grid(auth, client, spot, seed_rows, worker_id):
    # 2026-11-23 is a Monday; 20:00 is evening, 15:00 afternoon.
    """Busy grid."""
    seed_rows("visits", spot_id=spot, worker_id=worker_id, visited_at="2026-11-23 20:00", youths_present=6)
    seed_rows("visits", spot_id=spot, worker_id=worker_id, visited_at="2026-11-16 20:30", youths_present=2)
    seed_rows("visits", spot_id=spot, worker_id=worker_id, visited_at="2026-11-27 15:00", youths_present=0)
    seed_rows("contacts", worker_id=worker_id, spot_id=spot, contacted_at="2026-11-23 20:10",
              kind="group", youths_present=4)
    auth.login_role("worker")
    page = client.get(f"/spots/{spot}").text
    rows = re.findall(r'<tr><th scope="row">(\w+)</th>(.*?)</tr>', page, re.S)
    cells = {day: [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in re.findall(r"<td[^>]*>(.*?)</td>", rest, re.S)]
             for day, rest in rows}
    assert cells["ma"] == ["–", "–", "4 (1)", "–"]  # Average of 6 and 2 youths, one contact.
    assert cells["vr"] == ["–", "0", "–", "–"]
    assert cells["zo"] == ["–", "–", "–", "–"]
    assert "niemand" in page


def test_list_shows_thirty_a_page_and_the_map_all_up_to_its_limit(auth, client, seed_rows, worker_id):
    """The list shows thirty spots a page; the map carries every spot while there are at most MAP_ALL."""
    for i in range(35):
        seed_rows("spots", name=f"Plek {i:02d}", kind="park", lat=52.39, lon=6.04, created_by=worker_id)
    auth.login_role("worker")
    page = client.get("/spots/").text
    assert page.count('class="row"') == 30 and "1–30 van 35 hangplekken" in page and 'rel="next"' in page
    assert len(spot_data(page)) == 35  # The map has them all, and asks for nothing more.
    assert json_block(page, "map-options")["view_url"] is None
    second = client.get("/spots/?pagina=2").text
    rows = re.findall(r'<li class="row">\s*<a [^>]*><strong>([^<]+)</strong>', second)
    assert rows == [f"Plek {i}" for i in range(30, 35)]
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_many_spots_map_carries_a_page_and_asks_per_view(auth, client, seed_rows, worker_id, monkeypatch):
    """Past MAP_ALL spots the page carries only its own; the view route gives spots, or clusters when crowded."""
    from outreach.field import spot_map
    monkeypatch.setattr(spot_map, "MAP_ALL", 20)
    for i in range(40):
        seed_rows("spots", name=f"Plek {i:02d}", kind="park", lat=52.30 + i * 0.005, lon=6.04, created_by=worker_id)
    auth.login_role("worker")
    page = client.get("/spots/").text
    options = json_block(page, "map-options")
    assert len(spot_data(page)) == 30 and options["view_url"] == "/spots/kaart.json"
    assert json_block(page, "map-contacts") is None and options["contacts_url"].startswith("/spots/contacten.json?van=")
    assert client.get(options["contacts_url"]).json == []
    few = client.get("/spots/kaart.json?bbox=52.29,6.0,52.351,6.1").json  # Plek 00 to Plek 10.
    assert sorted(s[3] for s in few["spots"]) == [f"Plek {i:02d}" for i in range(11)] and few["clusters"] == []
    crowded = client.get("/spots/kaart.json?bbox=52.29,6.0,52.51,6.1").json
    assert crowded["spots"] == [] and sum(c[2] for c in crowded["clusters"]) == 40
    assert 1 < len(crowded["clusters"]) <= spot_map.GRID ** 2
    assert client.get("/spots/kaart.json?bbox=1,2,3").status_code == 400


def test_spot_search_asks_the_server(auth, client, seed_rows, worker_id):
    """The contact form's spot search: names holding the words, nearest first with a position, archived never."""
    seed_rows("spots", name="Skatebaan Noord", kind="park", lat=52.40, lon=6.04, created_by=worker_id)
    seed_rows("spots", name="Skatebaan Zuid", kind="park", lat=52.37, lon=6.04, created_by=worker_id)
    seed_rows("spots", name="Skatebaan Oud", kind="park", lat=52.37, lon=6.04, created_by=worker_id,
              archived_at="2026-01-01T00:00:00Z")
    seed_rows("spots", name="Station", kind="station", lat=52.38, lon=6.04, created_by=worker_id)
    auth.login_role("worker")
    found = client.get("/spots/zoek.json?q=skate&lat=52.369&lon=6.04").json
    assert [r[1] for r in found] == ["Skatebaan Zuid", "Skatebaan Noord"]
    assert [r[1] for r in client.get("/spots/zoek.json?q=stat").json] == ["Station"]


@pytest.mark.parametrize("query_string", ["tot=0001-01-05", "van=9999-12-31", "van=gisteren&tot=2026-13-45",
                                          "pagina=&lat=abc&lon=", "_method=POST&pagina=-3", "pagina=99999999999999999999", "lat=99&lon=99"])
def test_odd_query_strings_never_break_the_map(auth, client, seed_rows, worker_id, query_string):
    """Odd query strings never break the map."""
    for i in range(31):
        seed_rows("spots", name=f"Plek {i}", kind="park", lat=52.39, lon=6.04, created_by=worker_id)
    auth.login_role("worker")
    response = client.get(f"/spots/?{query_string}")
    assert response.status_code == 200 and "Hangplekken" in response.text


def test_edit_with_bad_input_changes_nothing(auth, query, spot):
    """Edit with bad input changes nothing."""
    auth.login_role("worker")
    before = query("select * from spots")
    response = post_spot(auth, {**GOOD, "lat": "1.5", "name": "Nieuwe naam"}, url=f"/spots/{spot}/edit")
    assert "Deze coördinaat ligt niet in Nederland." in form_errors(response.text)
    assert 'value="Nieuwe naam"' in response.text
    assert query("select * from spots") == before


def test_forms_spot_menu_is_bounded_past_thirty_and_searchable_without_javascript(auth, client, seed_rows, worker_id):
    """40 spots: the menu holds the recent and the asked-for ones, never all; ?plek (the plain search form) adds matches."""
    for i in range(40):
        seed_rows("spots", name=f"Bankje {i:02d}", kind="park", lat=52.39, lon=6.04, created_by=worker_id)
    seed_rows("contacts", worker_id=worker_id, spot_id=7, contacted_at="2026-11-01 20:00", kind="street",
              youths_present=1)
    auth.login_role("worker")
    for url in ("/contacts/new", "/visits/new"):
        page = client.get(url).text
        names = re.findall(r'<option [^>]*value="\d+"[^>]*>([^<]+)</option>', page)
        assert names == ["Bankje 06"] and 'data-spot-search="/spots/zoek.json"' in page  # Her last spot, chosen.
        found = client.get(url + "?plek=bankje+3").text
        names = re.findall(r'<option [^>]*value="\d+"[^>]*>([^<]+)</option>', found)
        assert names == ["Bankje 06"] + [f"Bankje {i}" for i in range(30, 40)] and 'value="bankje 3"' in found


def test_spot_page_names_who_visited(auth, client, seed_rows, spot, worker_id, named_worker):
    """A visit on the spot page says who made it by full name and role, not by login name."""
    seed_rows("visits", spot_id=spot, worker_id=worker_id, visited_at="2026-11-27 21:45", youths_present=3,
              atmosphere="calm", created_at="2026-11-27T20:45:00Z")
    auth.login_role("worker")
    page = client.get(f"/spots/{spot}").text
    assert f"· {named_worker}</small>" in page and "27 nov 2026 21:45" in page
    assert not re.search(r"· werker\b", page)


def test_spot_menu_lists_all_up_to_thirty_active_spots(app, auth, client, seed_rows, query, worker_id):
    """Exactly MENU_ALL (30) active spots: all in the menu, no search; one more: the bounded menu and the search."""
    have = query("select count(*) as n from spots where archived_at is null")[0]["n"]
    for i in range(30 - have):
        seed_rows("spots", name=f"Bankje {i:02d}", kind="park", lat=52.39, lon=6.04, created_by=worker_id)
    auth.login_role("worker")
    page = client.get("/contacts/new").text
    assert len(re.findall(r'<option [^>]*value="\d+"', page)) == 30 and "data-spot-search" not in page
    seed_rows("spots", name="Bankje 99", kind="park", lat=52.39, lon=6.04, created_by=worker_id)
    page = client.get("/contacts/new").text
    assert len(re.findall(r'<option [^>]*value="\d+"', page)) < 31 and "data-spot-search" in page


def test_spot_totals_follow_every_insert_archive_restore_and_delete(app, auth, client, query, seed_rows, worker_id):
    """The map page's totals (kept by triggers, not counted per page) equal the counts after every kind of change."""
    def totals():
        """(active, archived) as kept and as counted."""
        kept = {r["archived"]: r["spots"] for r in query("select * from spot_totals")}
        counted = query("select sum(archived_at is null) as a, sum(archived_at is not null) as b from spots")[0]
        return (kept[0], kept[1]), (counted["a"] or 0, counted["b"] or 0)

    auth.login_role("worker")
    ids = [seed_rows("spots", name=f"Plek {i}", kind="park", lat=52.39, lon=6.04, created_by=worker_id)
           for i in range(3)]
    before = totals()[0]
    auth.post(f"/spots/{ids[0]}/archive", {"archive": "1"})
    auth.post(f"/spots/{ids[0]}/archive", {"archive": "1"})  # A second tap changes nothing.
    auth.post(f"/spots/{ids[1]}/archive", {"archive": "1"})
    auth.post(f"/spots/{ids[1]}/archive", {"archive": "0"})  # Restored.
    kept, counted = totals()
    assert kept == counted == (before[0] - 1, before[1] + 1)
    with app.app_context():
        get_db().execute("delete from spots where id = ?", [ids[2]])
    kept, counted = totals()
    assert kept == counted == (before[0] - 2, before[1] + 1)
    page = client.get("/spots/").text
    assert f"Gearchiveerd ({kept[1]})" in page


def test_archive_is_read_off_the_index_of_archived_spots(app):
    """The archive page's query uses the partial index of archived spots by name: no scan of the spots in use, no
    sort, so the page costs the same however many spots there are."""
    with app.app_context():
        plan = " ".join(row[3] for row in get_db().execute("explain query plan " + ARCHIVED, [31, 0]))
    assert "USING INDEX spots_archived_by_name" in plan and "TEMP B-TREE" not in plan
