"""The advocate's what-if panel on the country profile: try other indicator values and see
each figure and the rank move, beside the current ones; nothing is saved, and the scenario
travels in the URL (`whatif=CODE:VALUE,...`) so that it can be shared."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from niem import effects, tables
from niem.i18n import _
from niem.methodology import Framework
from niem.store import Catalogue, RoundInfo
from niem.ui import data
from niem.ui.downloads import st_table
from niem.wording import value_text

URL_KEY = "whatif"


def st_what_if(
    framework: Framework,
    catalogue: Catalogue,
    round_info: RoundInfo,
    country: str,
    mine: Mapping[str, float | None],
) -> None:
    """The what-if panel: the scenario from the URL, a form to change one more value, and
    every figure it moves, current -> what if. `mine` holds the country's current values; the
    other countries' are read only for a scenario (the ranks it moves)."""
    codes = [i.code for i in framework.scored()]
    scenario = effects.decode_scenario(str(st.query_params.get(URL_KEY, "")), codes)
    with st.expander(
        _("What if? Try other values for this country (nothing is saved)"), expanded=bool(scenario)
    ):
        st.caption(
            _(
                "Change any indicator value and see the cell, dimension, step, area, overall "
                "figure and rank move, beside the current figures. The numbers marked "
                "“what if” are not real scores. Share the page's link to share the scenario."
            )
        )
        pick, value, add = st.columns([3, 1, 1], vertical_alignment="bottom")
        code = pick.selectbox(
            _("Indicator"),
            codes,
            format_func=lambda c: f"{c} · {catalogue.indicators[c].title}",
            key="whatif_indicator",
        )
        now = mine.get(code)
        new = value.number_input(
            _("What-if value (0–100)"),
            min_value=0.0,
            max_value=100.0,
            value=50.0 if now is None else float(now),
            step=1.0,
            key=f"whatif_value_{code}",
        )
        if add.button(_("Try it"), key="whatif_add"):
            scenario[code] = float(new)
            st.query_params[URL_KEY] = effects.encode_scenario(scenario)
            st.rerun()
        if not scenario:
            st.info(_("No value changed yet: the figures are the current ones."))
            return
        st.text(
            _("What if: {changes}").format(
                changes=", ".join(
                    f"{c} {value_text(mine.get(c))} → {value_text(v)}"
                    for c, v in scenario.items()
                )
            )
        )
        if st.button(_("Clear the what-if values"), key="whatif_clear"):
            del st.query_params[URL_KEY]
            st.rerun()
        values = data.indicator_values(round_info.year)
        moved = effects.what_if(framework, round_info.year, values, country, scenario)
        table = tables.effect_table(moved, catalogue).rename(
            columns={
                _("Before"): _("Current"),
                _("After"): _("What if"),
                _("Rank before"): _("Current rank"),
                _("Rank after"): _("What-if rank"),
            }
        )
        if moved:
            st_table(table, "whatif_effect", download=_("Download the what-if (CSV)"))
        else:
            st.info(_("These values move no computed figure."))
