"""Metadata for catalogues: an ISO 19115/19139 record per map layer (kept with the layer registry),
served through CSW 2.0.2 and OGC API – Records under ``/catalogue/``."""
