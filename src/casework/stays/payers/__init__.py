"""The payer interface (H2) and denials and appeals (H4) of hospital stays: per-payer
settings as data with presets, authorizations, denials, appeals and the appeal packet.
A sub-module of the `stays` context with the house layout (rules, models, services,
selectors, and the web layer's views, api, forms, schemas)."""
