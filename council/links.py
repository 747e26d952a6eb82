"""What links to a paper, from the apps above council (measures, strategy, consultations): council
may not import them (the import layers), so they register a provider here (planning does, in its
``ready``) and the paper page asks every provider. Only public records are returned."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LinkedRecord:
    """A public record linked to a paper: what kind (a translated label), its title and its page."""

    kind: str
    title: str
    url: str


Provider = Callable[[int], list[LinkedRecord]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def linked_records(paper_id: int) -> list[LinkedRecord]:
    """The public records linked to the paper ``paper_id``, provider by provider."""
    return [record for provider in _providers for record in provider(paper_id)]
