"""Surveys inside a consultation: questions (single and multiple choice, scale 1–5, free text, a place on
the map), one response per person, results and downloads."""
