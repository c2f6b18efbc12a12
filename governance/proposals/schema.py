"""The JSON Schema of proposal files, generated from the models, for editors (yaml-language-server and others)."""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import Field, TypeAdapter

from governance.proposals.models import Proposal
from megatao.core.paths import PROJECT_ROOT

SCHEMA_PATH = PROJECT_ROOT / "proposals" / "schema" / "proposal.schema.json"
SCHEMA_ID = "https://megatao.example/schema/proposal.schema.json"


def proposal_schema() -> dict:
    schema = TypeAdapter(Annotated[Proposal, Field(discriminator="kind")]).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "MegaTAO governance proposal",
        "description": "One proposal per file. Amounts '5000 TAO', fractions '10%', durations '48h', leverage '3x'.",
        **schema,
    }


def schema_text() -> str:
    return json.dumps(proposal_schema(), indent=2, sort_keys=True) + "\n"
