"""The judge's evidence beyond alignment structure: the names and figures both texts state."""

from __future__ import annotations

from retold.documents import Document
from retold.judge import _shared_specifics, _specifics
from retold.pipeline import Pipeline

SOURCE = (
    "Mayor Ines Okafor said on Tuesday that Riverside will close the Calder Bridge for 14 weeks. "
    "Engineers from Halvorsen Partners found corrosion in 3 of its 12 steel cables."
)
REWRITE = (
    "Riverside's Calder Bridge is to shut for 14 weeks, Mayor Ines Okafor announced on Tuesday. "
    "Corrosion was found in 3 of the 12 cables by engineers at Halvorsen Partners."
)
HEADLINE_TEXT = (
    "A bridge in the city is set to close for repairs. Officials said the work was needed for safety, "
    "and Transport Minister Carl Dunmore promised that 2 ferry routes would carry commuters."
)


def test_specifics_are_names_and_figures_not_sentence_openers(pipeline: Pipeline) -> None:
    found = _specifics(pipeline.represent(Document("s", SOURCE)).representation)
    assert {"ines", "okafor", "rivers", "calder", "halvor", "14", "3", "12"} <= found
    assert "mayor" not in found and "engine" not in found  # capitalised only because they open a sentence


def test_a_rewrite_shares_its_sources_specifics_and_a_headline_text_does_not(pipeline: Pipeline) -> None:
    source, rewrite, story = (
        pipeline.represent(Document(k, t)).representation
        for k, t in (("s", SOURCE), ("r", REWRITE), ("g", HEADLINE_TEXT))
    )
    assert _shared_specifics(source, rewrite) >= 0.9
    assert _shared_specifics(source, story) <= 0.2
