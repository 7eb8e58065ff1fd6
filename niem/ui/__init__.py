"""The one Streamlit package: everything in `niem` that speaks Streamlit lives here.

`data` (cached reads), `urlstate` (the view in the URL), `session` (the signed-in account),
`actions` (every call the domain may refuse, through one error edge), `downloads`,
`explorer_views` and `partner_views` (drawing), `serve` (the `niem-app` command).
"""
