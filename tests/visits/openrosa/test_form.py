"""The visit form as an XForm: built by pyxform from the one XLSForm definition, without warnings, with the
fields of the mobile visit form, the enterprises from a CSV the manifest lists, and a label per language."""

import dataclasses

from defusedxml import ElementTree
from pyxform.builder import create_survey_element_from_dict
from pyxform.xls2xform import convert

from visits.openrosa import form
from visits.openrosa.form import FORM_ID, visit_xform, xlsform
from visits.services import VisitInput

XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"
JR = "{http://openrosa.org/javarosa}"
ORX = "{http://openrosa.org/xforms}"


def model():
    return ElementTree.fromstring(visit_xform().xml).find(f"{H}head/{XF}model")


def binds() -> dict[str, dict]:
    return {bind.get("nodeset"): bind.attrib for bind in model().iter(f"{XF}bind")}


def test_pyxform_converts_the_definition_without_a_warning():
    warnings: list[str] = []
    result = convert(xlsform(), form_name="data", warnings=warnings)

    assert warnings == []
    assert result.itemsets is None  # the enterprises are a file of their own, not pyxform's itemsets.csv
    survey = create_survey_element_from_dict(result._pyxform)
    assert survey.to_xml(validate=False, pretty_print=False, warnings=warnings).encode() == visit_xform().xml
    assert warnings == []


def test_the_xform_parses_with_its_id_version_and_the_binds_of_every_question():
    instance = model().find(f"{XF}instance/{XF}data")
    assert instance.get("id") == FORM_ID
    assert instance.get("version") == visit_xform().version

    types = {nodeset.removeprefix("/data/"): bind["type"] for nodeset, bind in binds().items()}
    assert types == {
        "enterprise": "string",
        "started_at": "dateTime",
        "duration_minutes": "int",
        "purpose": "string",
        "observations": "string",
        "needs_found": "string",
        "new_case_count": "int",
        "new_cases/domain": "string",
        "new_cases/title": "string",
        "new_cases/description": "string",
        "recommendations": "string",
        "next_step": "string",
        "follow_up_date": "date",
        "position": "geopoint",
        "people_reached_total": "int",
        "people_reached_women": "int",
        **{f"photos/photo_{n}": "binary" for n in range(1, 6)},
        "meta/instanceID": "string",
        "meta/instanceName": "string",
    }
    assert all(
        binds()[f"/data/{name}"]["required"] == "true()"
        for name in ("enterprise", "started_at", "duration_minutes", "purpose", "new_cases/domain", "new_cases/title")
    )
    assert binds()["/data/meta/instanceID"][f"{JR}preload"] == "uid"
    assert binds()["/data/photos/photo_1"][f"{ORX}max-pixels"] == "1600"
    assert binds()["/data/photos/photo_2"]["relevant"].split() == ["/data/photos/photo_1", "!=", "''"]
    assert "/data/people_reached_total" in binds()["/data/people_reached_women"]["constraint"]


def test_the_enterprises_come_from_the_manifest_file_and_the_needs_repeat_as_often_as_counted():
    document = ElementTree.fromstring(visit_xform().xml)
    sources = {instance.get("id"): instance.get("src") for instance in model().iter(f"{XF}instance")}
    assert sources["enterprises"] == "jr://file-csv/enterprises.csv"
    repeat = next(document.iter(f"{XF}repeat"))
    assert repeat.get("nodeset") == "/data/new_cases"
    assert repeat.get(f"{JR}count") == " /data/new_case_count "
    setvalue = model().find(f"{XF}setvalue")
    assert (setvalue.get("ref"), setvalue.get("value")) == ("/data/started_at", "now()")


def test_every_field_of_a_visit_input_is_asked():
    asked = {row["name"] for row in form.SURVEY if "name" in row}
    given = {field.name for field in dataclasses.fields(VisitInput)} - {"client_uuid", "cases"}
    from_position = {"latitude", "longitude", "gps_accuracy_m"}
    assert given - from_position - asked == set()
    assert {"position", "photos"} <= asked


def test_labels_in_french_first_then_english_and_portuguese():
    translations = {
        translation.get("lang"): translation for translation in model().find(f"{XF}itext").iter(f"{XF}translation")
    }
    assert list(translations) == ["Français (fr)", "English (en)", "Português (pt)"]
    assert translations["Français (fr)"].get("default") == "true()"

    def label(language: str, text_id: str) -> str:
        found = translations[language].find(f"{XF}text[@id='{text_id}']/{XF}value")
        return found.text

    assert label("Français (fr)", "/data/enterprise:label") == "Entreprise"
    assert label("English (en)", "/data/enterprise:label") == "Enterprise"
    assert label("Français (fr)", "/data/needs_found:label") == "Besoins identifiés"
    assert label("English (en)", "/data/photos/photo_2:label") == "Photo 2"
    assert label("Français (fr)", "domain-0") == "Transformation agroalimentaire"
    title = ElementTree.fromstring(visit_xform().xml).find(f"{H}head/{H}title")
    assert title.text == "Visite de site"


def test_the_version_follows_the_content(monkeypatch):
    assert xlsform()["settings"][0]["version"] == visit_xform().version
    changed = [dict(row) for row in form.SURVEY]
    changed[0]["hint"] = "Une autre aide"
    monkeypatch.setattr(form, "SURVEY", changed)
    assert xlsform()["settings"][0]["version"] != visit_xform().version
