"""Base classes shared by the API's response schemas."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class PlainOut(BaseModel):
    """A response schema for answers built as plain values (dicts, or objects whose attributes
    pydantic reads itself): validated by pydantic alone, without ninja's `Schema` wrapping every
    nested value in its attribute getter (`DjangoGetter`). That getter is what lets a `Schema`
    read related managers and `resolve_*` methods; a schema needing neither, on a page answered
    often, is one of these. The achievement listing's page of 20 validated in 0.34 ms as a `Schema`
    and 0.05 ms as this (docs/deployment.md, "When search moves to an engine"). The OpenAPI
    document is the same."""

    model_config = ConfigDict(from_attributes=True)
