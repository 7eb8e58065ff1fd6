"""Names in the reader's language: framework names from the data, countries from pycountry."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from niem import store
from niem.database import open_session
from niem.localise import country_name_in, localised_catalogue, localised_rounds


def test_country_names_come_from_pycountry_and_babel_where_pycountry_has_none() -> None:
    names = [country_name_in(code, "lv") for code in ("LV", "LT", "SE", "CZ", "GR", "XK")]
    assert names == ["Latvija", "Lietuva", "Zviedrija", "Čehija", "Grieķija", "Kosova"]
    assert country_name_in("CZ", "en") == "Czechia"


def test_the_latvian_catalogue_names_areas_dimensions_steps_and_sorts_countries(
    engine: Engine,
) -> None:
    with open_session(engine) as session:
        catalogue = localised_catalogue(
            store.load_catalogue(session), store.load_local_names(session), "lv"
        )
    assert catalogue.areas["legal"] == "Tiesiskā integrācija"
    assert catalogue.dimensions["family_reunification"] == "Ģimenes atkalapvienošanās"
    assert catalogue.steps["implementation"] == "Īstenošana un sadarbība"
    assert catalogue.step_descriptions["legal"].startswith("Likumi un noteikumi")
    assert catalogue.countries["CZ"] == "Čehija"
    names = list(catalogue.countries.values())
    assert names.index("Bulgārija") < names.index("Čehija") < names.index("Dānija")
    # No indicator title has a translation yet: English, marked.
    assert catalogue.indicators["MAI-L-01"].title == (
        "Legal basis for integration support for beneficiaries (angliski)"
    )


def test_english_is_the_stored_catalogue_and_rounds_take_their_latvian_labels(
    engine: Engine,
) -> None:
    with open_session(engine) as session:
        catalogue = store.load_catalogue(session)
        names = store.load_local_names(session)
        rounds = store.load_rounds(session)
    assert localised_catalogue(catalogue, names, "en") is catalogue
    assert [r.label for r in localised_rounds(rounds, names, "lv")] == [
        "Sākotnējā izvērtēšana (2017)",
        "1. izvērtēšanas posms (2019)",
        "2. izvērtēšanas posms (2021)",
    ]
    assert localised_rounds(rounds, names, "lv")[0].situation == "2017. gada aprīlis"
