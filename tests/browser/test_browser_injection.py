"""Invariant 8 in a real browser: a hangplek named with script and template syntax is text on the map, in its popup,
on its page and on the report's map; no script of it runs and no dialog opens."""
from .conftest import check_page, log_in

NAME = "</script><script>pwned=1</script>{{7*7}}"
# Finds Leaflet's map and the circle at [lat, lon]; opens what a tap on it shows: its popup on the spots map (its
# own content function, drawn by Leaflet wherever the cluster has it now), its tooltip on the report's map.
FIND = """([lat, lon, kind]) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const groups = map ? Object.values(map._layers).filter(l => l.getLayers) : [];
  return groups.flatMap(g => g.getLayers()).find(m => m.getLatLng && m.getLatLng().equals([lat, lon], 1e-5)
    && (kind === "popup" ? m.getPopup() : m.getTooltip()));
}"""
OPEN_AT = """([lat, lon, kind]) => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const marker = (""" + FIND + """)([lat, lon, kind]);
  if (kind === "popup") {
    L.popup().setLatLng(marker.getLatLng()).setContent(marker.getPopup()._content(marker)).openOn(map);
  } else {
    marker.openTooltip();
  }
}"""


def rename_first_spot(phone):
    """Give the demo's first hangplek the hostile name through its edit form, as a worker types it."""
    phone.goto("/spots/1/edit")
    phone.get_by_label("Naam").fill(NAME)
    phone.get_by_role("button", name="Opslaan").click()
    if phone.locator("input[name=confirm_personal]").count():  # The personal-data check may ask first.
        phone.locator("input[name=confirm_personal]").check()
        phone.get_by_role("button", name="Opslaan").click()
    phone.get_by_text("Hangplek bijgewerkt").wait_for()


def test_hostile_spot_name_is_text_on_every_map(phone, live):
    """Map popup, spot page and report map show the name literally; the payload's script never runs."""
    dialogs = []
    phone.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    log_in(phone, "worker")
    rename_first_spot(phone)
    assert phone.get_by_role("heading", level=1).inner_text().startswith(NAME)
    phone.goto("/spots/")
    phone.locator(".leaflet-interactive").first.wait_for()
    lat, lon = phone.evaluate("""() => JSON.parse(document.getElementById('map-spots').textContent)
                                  .filter(s => s[2] === 1).map(s => [s[0], s[1]])[0]""")
    phone.wait_for_function(f"args => !!({FIND})(args)", arg=[lat, lon, "popup"])  # Drawn by now (a busy phone).
    phone.evaluate(OPEN_AT, [lat, lon, "popup"])
    popup = phone.locator(".leaflet-popup-content strong")
    popup.wait_for()
    assert popup.inner_text() == NAME
    # Axe reads colours as drawn: wait until the popup has faded in (slow on a busy machine).
    phone.wait_for_function("() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'")
    check_page(phone, "map-hostile-name")
    phone.goto("/report/")
    phone.locator(".leaflet-container canvas").first.wait_for(state="attached")  # Circles drawn (canvas renderer).
    phone.wait_for_function(f"args => !!({FIND})(args)", arg=[lat, lon, "tooltip"])
    phone.evaluate(OPEN_AT, [lat, lon, "tooltip"])
    tooltip = phone.locator(".leaflet-tooltip strong")
    tooltip.wait_for()
    assert tooltip.inner_text() == NAME
    assert phone.evaluate("() => typeof window.pwned") == "undefined" and dialogs == []
