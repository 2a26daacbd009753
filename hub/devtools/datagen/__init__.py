"""Deterministic programme data for demos and load tests: enterprises of Mali or Niger, support requests with
their timeline, site visits, impact follow-ups and the technology library (shared in cases and visits, in
Mali), written into a hub by `generate` as `spec` describes it.

- `spec`: what a run writes (`Spec`, `ScriptedCase`);
- `generator`: the run, phase by phase, each phase a part of its own: `people`, `cases`, `visits`,
  `library`, `followups`;
- `hubs`: hubs with their calendars and targets, and users, as `generate_data` and `build_demo_fixture`
  open them; `writes`: bulk writes with their history;
- `tables` and `sheets`: the data the generator draws from, read from hub/devtools/data/.
"""

from hub.devtools.datagen.generator import generate
from hub.devtools.datagen.hubs import free_usernames, holidays_announce, hub_create, targets_for, users_create
from hub.devtools.datagen.spec import DEFAULT_START, REFERENCE_DATE, ScriptedCase, Spec

__all__ = [
    "DEFAULT_START",
    "REFERENCE_DATE",
    "ScriptedCase",
    "Spec",
    "free_usernames",
    "generate",
    "holidays_announce",
    "hub_create",
    "targets_for",
    "users_create",
]
